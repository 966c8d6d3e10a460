"""Shared test set-up: Hypothesis profiles, the paths of the test data, the ids
of the docs site's headings, and the wheel built from this tree."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# Hypothesis registers and loads its own "ci" profile (derandomized, no
# deadline, no database) when it detects CI; this keeps those settings and
# raises the number of examples to one that finds real bugs.
settings.register_profile("ci", settings.get_profile("ci"), max_examples=500)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("nightly", settings.get_profile("ci"), max_examples=20_000)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)

TESTS = Path(__file__).parent
ROOT = TESTS.parent
CORPUS = TESTS / "corpus"
SEED_DIGESTS = {
    "card-japan-korea-summit.txt": (
        "8206e206c3a125a370c94e48a1249e28e5176c8b8cd2828e414361bb07222e18"
    ),
    "brief-japan-korea-summit.txt": (
        "0fa63b35a40608266d08e21ecfc369987e773f06679fccabb0c8ff5ca9e5a3b1"
    ),
}
"""The SHA-256 of the two original story files, as they were received: the
corpus and the examples keep them byte for byte."""
DATA = TESTS / "data"


def toc_id(heading: str) -> str:
    """The id the docs site's table of contents (Python-Markdown's ``toc``) gives a
    heading: its text without inline code marks, word characters, spaces and
    hyphens kept, lower case, runs of spaces and hyphens made one hyphen."""
    text = re.sub(r"[^\w\s-]", "", heading.replace("`", "")).strip().lower()
    return re.sub(r"[-\s]+", "-", text)


def run_ok(*args: str | Path, cwd: Path | None = None) -> str:
    """Run a program; its standard output, once it has exited 0."""
    result = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """storyfmt's wheel, built from this tree."""
    out = tmp_path_factory.mktemp("dist")
    run_ok(sys.executable, "-m", "build", "--wheel", "--outdir", out, ROOT)
    (built,) = out.glob("storyfmt-*.whl")
    return built
