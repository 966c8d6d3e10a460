"""The example stories that the README and the docs use stay valid and tidy."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import ROOT, SEED_DIGESTS

import storyfmt

EXAMPLES = sorted((ROOT / "examples").glob("*.story"))
SEEDS = {"card-japan-korea-summit.story", "brief-japan-korea-summit.story"}


def test_there_are_examples_of_both_kinds_beyond_the_seeds() -> None:
    kinds = [storyfmt.load(path).kind for path in EXAMPLES if path.name not in SEEDS]
    assert kinds.count("card") >= 2
    assert kinds.count("brief") >= 2


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_is_valid_without_warnings(path: Path) -> None:
    assert storyfmt.validate(path.read_bytes()) == []


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_is_canonical_or_a_verbatim_seed(path: Path) -> None:
    if path.name in SEEDS:
        # The seeds are kept byte for byte as they were received.
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest == SEED_DIGESTS[path.with_suffix(".txt").name]
    else:
        assert storyfmt.dumps(storyfmt.load(path)).encode("utf-8") == path.read_bytes()
