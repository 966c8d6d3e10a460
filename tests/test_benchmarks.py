"""The benchmark's inputs and baselines stay valid (its timings are not tested)."""

from __future__ import annotations

import importlib.util
import json

import lark
from conftest import ROOT

import storyfmt

_SPEC = importlib.util.spec_from_file_location("run", ROOT / "benchmarks" / "run.py")
assert _SPEC is not None
assert _SPEC.loader is not None
bench = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(bench)


def test_synthetic_cards_are_valid_and_of_the_size_asked() -> None:
    for size in (10_000, 200_000):
        text = bench.synthetic_card(size)
        assert size <= len(text) < size * 1.1
        card = storyfmt.loads(text)
        assert isinstance(card, storyfmt.StoryCard)
        assert card.end_of_feed


def test_the_earley_baselines_parse_the_seeds() -> None:
    for grammar, text, sections in (
        (bench.EARLEY_CARD, bench.SEED_CARD, 6),
        (bench.EARLEY_BRIEF, bench.SEED_BRIEF, 4),
    ):
        tree = lark.Lark(grammar, parser="earley").parse(text + "\n")
        assert len(tree.children) == sections


def test_the_toml_baseline_holds_the_same_data() -> None:
    for text in (bench.SEED_CARD, bench.SEED_BRIEF):
        story = storyfmt.loads(text)
        data = json.loads(storyfmt.to_json(story))
        expected = {key: value for key, value in data.items() if value is not None}
        assert bench.tomllib.loads(bench.toml_text(story)) == expected
