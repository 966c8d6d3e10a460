"""The pre-commit hooks: each entry run on files that must pass and files that must fail."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

pytestmark = pytest.mark.slow

HOOKS = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
BIN = Path(sys.executable).parent
GOOD = "Title\n\nStory Stats\n\nStatus\nActive\n"
MESSY = "Title  \n\n\nStory Stats\nStatus\nActive"
BAD = "Title\n\nStory Stats\n\nVirality\nhigh\n"


def run_hook(hook_id: str, folder: Path, names: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a hook's entry on the files among ``names`` that pre-commit would pass it."""
    hook = HOOKS[hook_id]
    pattern = re.compile(hook["files"])
    files = [name for name in names if pattern.search(name)]
    command, *arguments = shlex.split(hook["entry"])
    done = subprocess.run(
        [str(BIN / command), *arguments, *hook.get("args", []), *files],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in done.stderr
    return done


def test_hooks_are_the_two_documented_ones() -> None:
    assert sorted(HOOKS) == ["storyfmt-check", "storyfmt-fmt"]
    for hook in HOOKS.values():
        assert hook["language"] == "python"
        assert re.compile(hook["files"]).search("news/card.story")
        assert not re.compile(hook["files"]).search("README.md")


def test_check_hook_passes_good_files_and_fails_bad_ones(tmp_path: Path) -> None:
    (tmp_path / "good.story").write_text(GOOD)
    (tmp_path / "bad.story").write_text(BAD)
    assert run_hook("storyfmt-check", tmp_path, ["good.story", "README.md"]).returncode == 0
    assert run_hook("storyfmt-check", tmp_path, ["good.story", "bad.story"]).returncode == 1


def test_fmt_hook_rewrites_messy_files_and_refuses_bad_ones(tmp_path: Path) -> None:
    (tmp_path / "good.story").write_text(GOOD)
    (tmp_path / "messy.story").write_text(MESSY)
    (tmp_path / "bad.story").write_text(BAD)
    assert run_hook("storyfmt-fmt", tmp_path, ["good.story"]).returncode == 0
    # pre-commit fails a hook that changes files; the file must now be canonical.
    assert run_hook("storyfmt-fmt", tmp_path, ["messy.story"]).returncode == 0
    assert (tmp_path / "messy.story").read_text() == GOOD
    assert run_hook("storyfmt-fmt", tmp_path, ["bad.story"]).returncode == 1
    assert (tmp_path / "bad.story").read_text() == BAD
