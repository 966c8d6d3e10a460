"""Round trips, proven on generated stories and on text the writer never produces."""

from __future__ import annotations

import contextlib
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import storyfmt
from storyfmt import StoryBrief, StoryCard, StoryFormatError
from storyfmt.testing import briefs, cards, stories, story_texts

_CORPUS_LINES = [
    "20",
    "Japan Korea Summit",
    "Sanae Takaichi / Nara, Japan /",
    "",
    "Story Stats",
    "Status",
    "Active",
    "Duration",
    "7 hours",
    "Virality",
    "5.1",
    "The Breakdown 15",
    "  \u2022 A point.",
    "Top Keywords",
    "Further Learning",
    "What is it?",
    "An answer.",
    "You're all caught up",
    "What's Happening?",
    "Why It's Important?",
    "What's Next?",
    "Beyond the Headlines",
    "Some text.",
]


@given(stories())
def test_text_round_trip(story: StoryCard | StoryBrief) -> None:
    assert storyfmt.loads(storyfmt.dumps(story)) == story


@given(stories())
def test_json_round_trip(story: StoryCard | StoryBrief) -> None:
    text = storyfmt.to_json(story)
    assert storyfmt.from_json(text) == story
    assert storyfmt.to_json(storyfmt.from_json(text)) == text


@given(story_texts())
def test_any_layout_reads_as_its_canonical_form(text: str) -> None:
    story = storyfmt.loads(text)
    canonical = storyfmt.dumps(story)
    assert storyfmt.dumps(storyfmt.loads(canonical)) == canonical
    assert storyfmt.loads(canonical) == story


@given(st.lists(st.sampled_from(_CORPUS_LINES), max_size=30), st.randoms())
def test_shuffled_lines_parse_or_fail_cleanly(lines: list[str], rnd: random.Random) -> None:
    rnd.shuffle(lines)
    text = "\n".join(lines)
    found = storyfmt.validate(text)
    errors = [d for d in found if d.severity == "error"]
    if errors:
        with pytest.raises(StoryFormatError) as raised:
            storyfmt.loads(text)
        assert raised.value.diagnostics == errors
    else:
        canonical = storyfmt.dumps(storyfmt.loads(text))
        assert storyfmt.dumps(storyfmt.loads(canonical)) == canonical


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), st.binary()))
def test_arbitrary_input_never_escapes_as_another_exception(data: str | bytes) -> None:
    storyfmt.validate(data)
    with contextlib.suppress(StoryFormatError):
        storyfmt.loads(data)
    with contextlib.suppress(StoryFormatError):
        storyfmt.from_json(data)


@given(cards())
def test_card_strategy_registers_for_from_type(card: StoryCard) -> None:
    assert isinstance(card, StoryCard)


@given(st.from_type(StoryBrief))
def test_from_type_uses_the_shipped_strategy(brief: StoryBrief) -> None:
    assert isinstance(brief, StoryBrief)
    assert storyfmt.loads(storyfmt.dumps(brief)) == brief


@given(briefs())
def test_brief_sections_keep_paragraphs(brief: StoryBrief) -> None:
    for name in StoryBrief.SECTIONS:
        text = getattr(brief, name)
        if text is not None:
            assert "\n\n\n" not in text
