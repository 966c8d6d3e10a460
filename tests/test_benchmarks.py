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


def _unquoted(value: object) -> object:
    """python-hcl2's reading as plain data: it keeps the quotes of strings."""
    if isinstance(value, dict):
        return {_unquoted(key): _unquoted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unquoted(item) for item in value]
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return json.loads(value)
    return value


def test_the_peers_read_the_same_data() -> None:
    peers = bench.peer_parsers()
    assert {"toml", "yaml"} <= set(peers)  # the test extra has PyYAML
    for text in (bench.SEED_CARD, bench.SEED_BRIEF):
        story = storyfmt.loads(text)
        data = json.loads(storyfmt.to_json(story))
        expected = {key: value for key, value in data.items() if value is not None}
        texts = bench.peer_texts(story)
        for form in ("toml", "yaml", "hcl"):
            if form in peers:
                read = peers[form][1](texts[form])
                assert (_unquoted(read) if form == "hcl" else read) == expected, form
        if "gherkin" in peers and "gherkin" in texts:
            document = peers["gherkin"][1](texts["gherkin"])
            scenarios = document["feature"]["children"]
            assert len(scenarios) == 1 + len(data["further_learning"])
