"""Round trips, proven on generated stories and on text the writer never produces."""

from __future__ import annotations

import json
from html import escape

import pytest
from conftest import CORPUS
from hypothesis import event, given, settings
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


# ---- one definition of validity ---------------------------------------------
#
# The parser builds its fields without the models' line checks (it has made
# them itself), so nothing but this property keeps the two from drifting apart:
# whatever `loads` accepts, the models accept as it is, and both round trips
# keep it.

_CORPUS_TEXTS = sorted(
    path.read_bytes().decode("utf-8") for path in (CORPUS / "valid").glob("*.txt")
)

# Lines a writer slips into, and lines that sit on the edges of the format.
_SLIPS = [
    "Status:",
    "Virality: 5.1",
    "Virality 5.1",
    "Region: East Asia",
    "story stats",
    "The breakdown 4",
    "Top Keyword",
    "Top Keywords:",
    "Further\u00a0Learning",
    "You're all caught up!",
    "Youre all caught up",
    "\u2022text",
    "Nara, Japan/",
    "Ukraine / NATO / Zelensky / /",
    "A / B",
    "#27",
    "2025",
    "Whats Next?",
    "What's next?",
    "Why It's Important",
    "7hours",
    "5,1",
    "the breakdown",
    "",
]


_SLIP_CHARACTERS = st.sampled_from(" /:?#'\u2019\u00a0\u2022-*.!5")


@st.composite
def _mutated_texts(draw: st.DrawFn) -> str:
    """A valid story, generated or from the corpus, with one to three slips made
    in it: a line added, removed, doubled, swapped or retyped, a character
    of the format's syntax added or removed, or a line lengthened."""
    text = draw(story_texts() | st.sampled_from(_CORPUS_TEXTS))
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for _ in range(draw(st.sampled_from([1, 1, 2, 3]))):
        at = draw(st.integers(0, len(lines) - 1))
        how = draw(st.integers(0, 7))
        if how == 0:
            lines.insert(at, draw(st.sampled_from(_SLIPS)))
        elif how == 1:
            lines[at] = draw(st.sampled_from(_SLIPS))
        elif how == 2 and len(lines) > 1:
            del lines[at]
        elif how == 3:
            lines.insert(at, lines[at])
        elif how == 4 and at + 1 < len(lines):
            lines[at], lines[at + 1] = lines[at + 1], lines[at]
        elif how == 5:
            line = lines[at]
            cut = draw(st.integers(0, len(line)))
            lines[at] = (
                line[:cut] + draw(st.sampled_from(" /:?#'\u2019\u00a0\u2022-*.!5")) + line[cut:]
            )
        elif how == 6:
            # Most often a tag line, whose end is the format's finest syntax.
            tagged = [number for number, line in enumerate(lines) if line.endswith(" /")]
            on_a_tag_line = draw(st.booleans())
            if tagged and on_a_tag_line:
                at = draw(st.sampled_from(tagged))
            lines[at] += draw(st.sampled_from([" /", "/", ":", "?", "!", " 4"]))
        elif lines[at]:
            cut = draw(st.integers(0, len(lines[at]) - 1))
            lines[at] = lines[at][:cut] + lines[at][cut + 1 :]
    return "\n".join(lines)


@settings(max_examples=max(2_000, settings().max_examples))
@given(story_texts() | _mutated_texts())
def test_what_loads_accepts_the_models_accept_and_both_round_trips_keep(text: str) -> None:
    errors = [d for d in storyfmt.validate(text) if d.severity == "error"]
    try:
        story = storyfmt.loads(text)
    except storyfmt.StoryFormatError:
        event("refused")
        assert errors
        return
    event("accepted")
    assert not errors
    assert type(story).model_validate(story.model_dump()) == story
    data = storyfmt.to_json(story)
    assert storyfmt.from_json(data) == story
    assert storyfmt.to_json(storyfmt.from_json(data)) == data
    canonical = storyfmt.dumps(story)
    assert storyfmt.loads(canonical) == story
    assert storyfmt.dumps(storyfmt.loads(canonical)) == canonical


@pytest.mark.parametrize("text", _CORPUS_TEXTS)
def test_the_corpus_reads_as_the_models_read_it(text: str) -> None:
    story = storyfmt.loads(text)
    assert type(story).model_validate(story.model_dump()) == story
    assert storyfmt.from_json(storyfmt.to_json(story)) == story
