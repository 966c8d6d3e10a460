"""What the models refuse: everything the text format could not write and read back."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from pydantic import ValidationError

from storyfmt import Breakdown, QuestionAnswer, Stats, StoryBrief, StoryCard
from storyfmt._models import PARSED
from storyfmt._values import EXACT, too_precise


def _codes(model: type[Any], **fields: Any) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        model(**fields)
    return [error["type"] for error in raised.value.errors()]


@pytest.mark.parametrize(
    "title",
    [
        "",
        " padded",
        "padded ",
        "two\nlines",
        "car\rriage",
        "bell\x07",
        "bom\ufeff",
        "20",
        "007",
        "Story Stats",
        "The Breakdown",
        "The Breakdown 15",
        "Top Keywords",
        "Further Learning",
        "You're all caught up",
        "You\u2019re all caught up",
        "What's Next?",
        "Beyond the Headlines",
    ],
)
def test_title_rejects_what_would_not_read_back(title: str) -> None:
    assert _codes(StoryCard, title=title)


@pytest.mark.parametrize("headline", ["Rock /", "A / B /", "Story Stats", " x"])
def test_headline_rejects_tag_lines_and_headings(headline: str) -> None:
    assert _codes(StoryCard, title="T", headline=headline)


@pytest.mark.parametrize("tag", ["", "a / b", "a /", " a", "a\nb"])
def test_tags_reject_separators_and_whitespace(tag: str) -> None:
    assert _codes(StoryCard, title="T", tags=[tag])
    assert _codes(StoryCard, title="T", keywords=[tag])


def test_tags_accept_bare_slashes_and_commas() -> None:
    card = StoryCard(title="T", tags=("Dokdo/Takeshima", "Nara, Japan", "/", "/ x"))
    assert card.tags[0] == "Dokdo/Takeshima"


@pytest.mark.parametrize("answer", ["", "a\n\nb", "a\nStory Stats", "a\n b", "\na"])
def test_answer_is_one_paragraph_without_headings(answer: str) -> None:
    assert _codes(QuestionAnswer, question="Q?", answer=answer)


def test_question_may_be_a_brief_heading() -> None:
    assert QuestionAnswer(question="What's Next?", answer="Talks.").question == "What's Next?"


@pytest.mark.parametrize("text", ["", "a\n\n\nb", "\n\na", "a\n\n", "a\nWhat's Next?", "a\n b"])
def test_brief_text_paragraphs(text: str) -> None:
    assert _codes(StoryBrief, whats_next=text)


def test_brief_may_hold_card_headings_and_needs_a_section() -> None:
    assert StoryBrief(whats_next="Story Stats\nstill text").whats_next
    assert _codes(StoryBrief) == ["SF206"]


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"virality": -1.0},
        {"virality": float("inf")},
        {"virality": float("nan")},
        {"articles": -1},
        {"articles": 2**53},
        {"other": {"status": "x"}},
        {"other": {"Status": "x"}},
        {"other": {"Political Leaning": "x"}},
        {"other": {"Story Stats": "x"}},
        {"other": {"Key": ""}},
        {"duration": {"value": 1, "unit": "hours"}},
    ],
)
def test_stats_constraints(fields: dict[str, Any]) -> None:
    assert _codes(Stats, **fields)


def test_negative_zero_virality_is_written_as_zero() -> None:
    assert str(Stats(virality=-0.0).virality) == "0.0"


def test_breakdown_needs_a_point() -> None:
    assert _codes(Breakdown, count=3, points=[])


def test_unknown_fields_are_refused() -> None:
    assert _codes(StoryCard, title="T", subtitle="x") == ["extra_forbidden"]


def test_line_checks_pass_parsed_fields_and_check_all_others() -> None:
    # The parser's grammar has checked each line; a model built otherwise is checked.
    fields = {"title": "Story Stats"}
    assert StoryCard.model_validate(fields, context=PARSED).title == "Story Stats"
    with pytest.raises(ValidationError, match="section heading"):
        StoryCard.model_validate(fields)
    with pytest.raises(ValidationError, match="section heading"):
        StoryCard.model_validate(fields, context={"parsed": True})
    # What no grammar checks is checked for parsed fields too.
    stats = {"title": "T", "stats": {"other": {"status": "x"}}}
    with pytest.raises(ValidationError, match="only in case"):
        StoryCard.model_validate(stats, context=PARSED)


@given(st.integers(0, 10**EXACT - 1), st.integers(0, EXACT - 1), st.booleans())
@example(10**EXACT - 1, 0, False)  # the most digits, all kept
@example(10**EXACT - 1, 3, True)
def test_a_short_virality_is_kept_exactly_without_checking(
    number: int, point: int, decimal: bool
) -> None:
    # What decimal() takes without a second look (digits, and a point, in at
    # most EXACT characters): too_precise finds nothing to say about it.
    digits = str(number)
    text = f"{digits[:point] or '0'}.{digits[point:]}"[-EXACT:] if decimal else digits
    text = text.lstrip(".") or "0"
    assert len(text) <= EXACT
    assert too_precise("Virality", text, float(text)) is None
