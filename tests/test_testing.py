"""The shipped Hypothesis strategies work for a new user: default settings, a fresh folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow

_PYTHON = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)

# Every shipped strategy, with Hypothesis's default settings.
_EVERY_STRATEGY = """
from hypothesis import given

import storyfmt
from storyfmt.testing import briefs, cards, lines, stories, story_texts


@given(lines())
def test_lines(line):
    assert "\\n" not in line


@given(cards())
def test_cards(card):
    assert storyfmt.loads(storyfmt.dumps(card)) == card


@given(briefs())
def test_briefs(brief):
    assert storyfmt.loads(storyfmt.dumps(brief)) == brief


@given(stories())
def test_stories(story):
    assert storyfmt.from_json(storyfmt.to_json(story)) == story


@given(story_texts())
def test_story_texts(text):
    storyfmt.loads(text)
"""


def test_the_recipe_passes_with_default_settings_in_a_fresh_folder(tmp_path: Path) -> None:
    recipes = _PYTHON.findall((ROOT / "docs" / "recipes.md").read_text("utf-8"))
    (recipe,) = [code for code in recipes if "storyfmt.testing" in code]
    (tmp_path / "test_recipe.py").write_text(recipe, "utf-8")
    (tmp_path / "test_every_strategy.py").write_text(_EVERY_STRATEGY, "utf-8")
    # No Hypothesis profile, no CI variable, no conftest, no .hypothesis folder.
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", "."],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "7 passed" in done.stdout
