"""Round trips, proven on generated stories and on text the writer never produces."""

from __future__ import annotations

import json
from html import escape

from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import storyfmt
from storyfmt import StoryBrief, StoryCard
from storyfmt.testing import briefs, cards, stories, story_texts


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


# Characters where text and bytes could be read differently: byte-order marks,
# line breaks of every kind, and control characters.
_NOISE = st.sampled_from(["\ufeff", "\ufeff\ufeff", "\r", "\r\n", "\n", "\x00", "\x1b", "\x85"])


@st.composite
def _noisy_texts(draw: st.DrawFn) -> str:
    text = draw(story_texts() | st.text(max_size=40))
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(_NOISE) + text[at:]
    return draw(st.sampled_from(["", "\ufeff", "\ufeff\ufeff"])) + text


def _outcome(source: str | bytes) -> object:
    try:
        return storyfmt.loads(source)
    except storyfmt.StoryFormatError as error:
        return error.diagnostics


@given(_noisy_texts())
def test_text_and_its_utf8_bytes_read_the_same(text: str) -> None:
    data = text.encode("utf-8")
    assert storyfmt.validate(data) == storyfmt.validate(text)
    assert _outcome(data) == _outcome(text)


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


@given(stories())
def test_yaml_round_trip(story: StoryCard | StoryBrief) -> None:
    text = storyfmt.to_yaml(story)
    assert storyfmt.from_yaml(text) == story
    assert storyfmt.to_yaml(storyfmt.from_yaml(text)) == text


_SCHEMA = Draft202012Validator(storyfmt.json_schema())


@given(stories())
def test_json_schema_accepts_every_valid_story(story: StoryCard | StoryBrief) -> None:
    _SCHEMA.validate(json.loads(storyfmt.to_json(story)))


@given(stories())
def test_html_and_markdown_show_all_text_escaped(story: StoryCard | StoryBrief) -> None:
    html = storyfmt.to_html(story)
    assert html.count("<script") == 0
    markdown = storyfmt.to_markdown(story)
    assert markdown.endswith("\n")
    if isinstance(story, StoryCard):
        assert escape(story.title) in html
