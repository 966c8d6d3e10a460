"""Shared test set-up: Hypothesis profiles and the paths of the test data."""

from __future__ import annotations

import os
from pathlib import Path

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
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"
