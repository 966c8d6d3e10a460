"""Diagnostics: every problem located, explained in the format's words."""

from __future__ import annotations

import pytest

import storyfmt
from storyfmt import StoryCard, StoryFormatError

CARD = "20\nTitle\n\nStory Stats\n\nStatus\nActive\nVirality\n{virality}\nArticles\n{articles}\n"


def _errors(text: str | bytes) -> list[tuple[int, int, str]]:
    return [(d.line, d.column, d.code) for d in storyfmt.validate(text) if d.severity == "error"]


def test_virality_word_is_reported_on_its_line() -> None:
    text = CARD.format(virality="high", articles="17")
    found = storyfmt.validate(text)
    assert [(d.line, d.column, d.code) for d in found] == [(9, 1, "SF301")]
    assert str(found[0]) == "line 9: Virality must be a number, got 'high'"
    with pytest.raises(StoryFormatError) as raised:
        storyfmt.loads(text)
    assert raised.value.diagnostics == found
    assert str(raised.value) == (
        "<string>:9:1: error[SF301] Virality must be a number, got 'high'\n"
        " 9 | high\n"
        "   | ^^^^\n"
        " = hint: write a decimal number such as 5.1 or 12"
    )
    assert isinstance(raised.value, ValueError)


def test_independent_faults_are_all_reported_in_line_order() -> None:
    text = CARD.format(virality="high", articles="17.5") + "Duration\n"
    assert _errors(text) == [(9, 1, "SF301"), (11, 1, "SF302"), (12, 1, "SF207")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (1, 1, "SF104")),
        ("\n \n\t\n", (1, 1, "SF104")),
        ("Title\n\nStray\n", (3, 1, "SF201")),
        ("Title\nHeadline\nMore\nMore\n", (3, 1, "SF203")),
        ("T\n\nTop Keywords\n\nA /\n\nStory Stats\n\nStatus\nActive\n", (7, 1, "SF204")),
        ("T\n\nTop Keywords\n\nA /\n\nTop Keywords\n\nB /\n", (7, 1, "SF205")),
        ("T\n\nStory Stats\n\nThe Breakdown\n\n  - a\n", (3, 1, "SF206")),
        ("T\n\nStory Stats\n\nStatus\n", (5, 1, "SF207")),
        ("T\n\nStory Stats\n\nStatus\nA\nStatus\nB\n", (7, 1, "SF208")),
        ("T\n\nStory Stats\n\nstatus\nActive\n", (5, 1, "SF209")),
        ("T\n\nFurther Learning\n\nWhy?\n", (5, 1, "SF210")),
        ("T\n\nFurther Learning\n\nWhy?\nReally?\n\nBecause.\n", (6, 1, "SF211")),
        ("T\n\nTop Keywords\n\nA /\nB /\n", (6, 1, "SF212")),
        ("T\n\nTop Keywords\n\nA / B\n", (5, 1, "SF213")),
        ("T\n\nTop Keywords\n\nA /  / B /\n", (5, 5, "SF214")),
        ("T\n\nYou're all caught up\nMore\n", (4, 1, "SF215")),
        ("T\n\nThe Breakdown\n\n  - a\nnot a bullet\n", (6, 1, "SF201")),
        ("T\n\nStory Stats\n\nDuration\n7 hrs\n", (6, 1, "SF303")),
        ("T\n\nStory Stats\n\nArticles\n99999999999999999999\n", (6, 1, "SF304")),
        ("20\n", (1, 1, "SF305")),
        ("Story Stats\n\nStatus\nActive\n", (1, 1, "SF202")),
        (b"Ti\xfftle\n", (1, 3, "SF101")),
        ("Ti\x00tle\n", (1, 3, "SF102")),
        ("Title\n\ufeffHeadline\n", (2, 1, "SF103")),
        ("Title\nHead\nTag \ud800 /\n", (3, 5, "SF102")),
    ],
)
def test_first_error_is_located(text: str | bytes, expected: tuple[int, int, str]) -> None:
    assert _errors(text)[0] == expected


def test_tag_errors_point_at_the_tag() -> None:
    found = _errors("T\n\nTop Keywords\n\n  Alpha / Beta / x /  /\n")
    assert found == [(5, 22, "SF214")]


def test_warnings_do_not_stop_loading() -> None:
    text = (
        "T\nA / B /\n\nStory Stats\n\nStatus\nPending\nPolitical leaning\nFar\n\n"
        "The Breakdown 1\n\n  - a\n  - b\n\nTop Keywords\n\nC /\n\n"
        "Further Learning\n\nNot a question\n\nAnswer.\n"
    )
    assert [d.code for d in storyfmt.validate(text)] == [
        "SF501",
        "SF502",
        "SF504",
        "SF505",
        "SF503",
    ]
    assert all(d.severity == "warning" for d in storyfmt.validate(text))
    storyfmt.loads(text)


@pytest.mark.parametrize(
    "text",
    ['{"kind": "card"}', '{"kind": "memo", "title": "x"}', "{", '{"kind": "card", "title": 1}'],
)
def test_bad_json_raises_story_format_error(text: str) -> None:
    with pytest.raises(StoryFormatError) as raised:
        storyfmt.from_json(text)
    for item in raised.value.diagnostics:
        assert item.code.startswith("SF")
        assert "Input should" not in item.message


def test_json_syntax_error_has_its_position() -> None:
    with pytest.raises(StoryFormatError) as raised:
        storyfmt.from_json('{\n  "kind": "card",\n  "title": \n}')
    first = raised.value.diagnostics[0]
    assert (first.line, first.code) == (4, "SF401")


def test_json_unknown_key_is_named() -> None:
    with pytest.raises(StoryFormatError) as raised:
        storyfmt.from_json('{"kind": "card", "title": "T", "subtitle": "x"}')
    assert "'subtitle'" in raised.value.diagnostics[0].message


def test_repeated_items_are_warned_at_the_repeat() -> None:
    text = (
        "T\nA / B / A /\n\nThe Breakdown\n\n  - a\n  - a\n\nTop Keywords\n\nA / B / A /\n\n"
        "Further Learning\n\nQ?\n\nOne.\n\nQ?\n\nTwo.\n"
    )
    found = storyfmt.validate(text)
    assert [(d.line, d.column, d.code) for d in found] == [
        (2, 9, "SF506"),
        (7, 5, "SF507"),
        (11, 9, "SF506"),
        (19, 1, "SF508"),
    ]
    assert [d.message for d in found] == [
        "the tag 'A' is given twice (first at column 1)",
        "the point 'a' is given twice (first on line 6)",
        "the keyword 'A' is given twice (first at column 1)",
        "the question 'Q?' is given twice (first on line 15)",
    ]
    storyfmt.loads(text)


def test_no_warning_echoes_an_error_on_the_same_line() -> None:
    found = storyfmt.validate(b"T\n\nStory Stats\n\nStatus\nAc\xfftive\n")
    assert [(d.line, d.code) for d in found] == [(6, "SF101")]


def test_long_lines_are_shown_around_the_column() -> None:
    line = "  " + "x" * 150_000 + "tail"
    with pytest.raises(StoryFormatError) as raised:
        storyfmt.loads("Title\n" + line + "\n")
    shown = str(raised.value).splitlines()
    assert shown[0] == (
        "<string>:2:100003: error[SF105] the line holds 150,004 characters;"
        " a story line may hold at most 100,000"
    )
    source, caret = shown[1], shown[2]
    assert len(source) < 120
    assert source.startswith(" 2 | \u2026x")
    assert source.endswith("x\u2026")
    assert caret.index("^") == len(" 2 | \u2026") + 25  # a quarter of the excerpt before it
    assert len(str(raised.value)) < 500


def test_the_model_refuses_lines_the_reader_would_refuse() -> None:
    with pytest.raises(ValueError, match="100,000"):
        storyfmt.StoryCard(title="x" * 100_001)
    with pytest.raises(ValueError, match="100,000"):
        storyfmt.StoryCard(title="T", tags=("x" * 60_000, "y" * 40_000))
    storyfmt.StoryCard(title="T", tags=("x" * 60_000, "y" * 39_995))
    with pytest.raises(ValueError, match="99,998"):
        storyfmt.Breakdown(points=("x" * 99_999,))


def test_a_forced_brief_must_start_with_a_heading() -> None:
    found = storyfmt.validate("A summit in Nara.\nWhat's Next?\nTalks.\n", kind="brief")
    assert [(d.line, d.column, d.code) for d in found] == [(1, 1, "SF216")]
    assert found[0].message == "a brief starts with a section heading, found 'A summit in Nara.'"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1\nT\nHeadline\nA /\nExtra\n", [(5, "unexpected line 'Extra' in the header")]),
        ("T\nA /\nHeadline\n", [(3, "unexpected line 'Headline' in the header")]),
        ("T\nA /\nB /\n", [(3, "unexpected line 'B /' in the header")]),
        ("T\nOne\nTwo\nA /\n", [(3, "unexpected line 'Two' in the header")]),
    ],
)
def test_a_header_line_out_of_place_is_blamed_not_the_tag_line(
    text: str, expected: list[tuple[int, str]]
) -> None:
    assert [(d.line, d.message) for d in storyfmt.validate(text)] == expected


def test_a_bullet_without_a_space_is_one_error_with_a_hint() -> None:
    found = storyfmt.validate("T\n\nThe Breakdown\n\n\u2022text\n")
    assert [(d.line, d.code, d.hint) for d in found] == [
        (5, "SF201", "put a space after the bullet marker")
    ]


@pytest.mark.parametrize(
    ("key", "value"), [("Virality", "-1.5"), ("Articles", "-3"), ("Duration", "-2 hours")]
)
def test_a_negative_number_is_out_of_range(key: str, value: str) -> None:
    found = storyfmt.validate(f"T\n\nStory Stats\n\n{key}\n{value}\n")
    assert [(d.line, d.code, d.message) for d in found] == [
        (6, "SF304", f"{key} must not be negative, got '{value}'")
    ]


@pytest.mark.parametrize(
    ("text", "messages"),
    [
        (
            '{"kind": "card", "title": "T", "breakdown": {"points": []}}',
            ["'breakdown.points' must not be empty"],
        ),
        (
            '{"kind": "card", "title": "T", "breakdown": {"points": [""]}}',
            ["'breakdown.points[0]' must not be empty"],
        ),
        (
            '{"kind": "card", "title": "T", "stats": {"other": {"Status": "x"}}}',
            ["the key 'Status' of 'stats.other' is a known key, which has its own field 'status'"],
        ),
        (
            '{"kind": "card", "title": "T", "rank": -1, "stats": {}}',
            ["'rank' must be greater than or equal to 0", "'stats' must hold at least one value"],
        ),
    ],
)
def test_json_problems_are_said_in_plain_words(text: str, messages: list[str]) -> None:
    with pytest.raises(StoryFormatError) as raised:
        storyfmt.from_json(text)
    assert [d.message for d in raised.value.diagnostics] == messages


def test_bytes_like_input_reads_and_other_types_are_refused() -> None:
    # The signatures say str | bytes, yet bytearray and memoryview are read as bytes.
    card = storyfmt.loads(bytearray(b"T\n"))  # type: ignore[arg-type]
    assert isinstance(card, StoryCard)
    assert card.title == "T"
    assert storyfmt.validate(memoryview(b"T\n")) == []  # type: ignore[arg-type]
    for wrong in (None, 12, ["T"]):
        with pytest.raises(TypeError, match="a story is read from str or bytes"):
            storyfmt.loads(wrong)  # type: ignore[arg-type]  # neither text nor bytes


def test_a_lone_surrogate_is_not_called_a_control_character() -> None:
    (found,) = storyfmt.validate("Title\nHead\ud800line\n")
    assert found.message == "the lone surrogate U+D800 is not allowed in a story"


_EXACTLY = "a heading is written exactly: capitals, apostrophes, spaces and all"


@pytest.mark.parametrize(
    ("text", "message", "hint"),
    [
        (
            "T\n\nstory stats\n\nStatus\nActive\n",
            "'story stats' is not a heading: did you mean 'Story Stats'?",
            _EXACTLY,
        ),
        (
            "T\n\nThe Breakdown many\n",
            "expected a section heading after the blank line on line 2, found 'The Breakdown many'",
            "a heading is written exactly: 'The Breakdown', or with a count: 'The Breakdown 15'",
        ),
        (
            "T\n\nThe Breakdown\n\n- a\nTop keywords\n",
            "'Top keywords' is not a heading: did you mean 'Top Keywords'?",
            _EXACTLY,
        ),
        (
            "T\n\nYou\u2019re all caught up!\n",
            "'You\u2019re all caught up!' is not a heading: did you mean 'You're all caught up'?",
            _EXACTLY,
        ),
        (
            "T\n\nTop Keyword\n\nA / B /\n",
            "'Top Keyword' is not a heading: did you mean 'Top Keywords'?",
            "the heading is spelt 'Top Keywords'",
        ),
        (
            "T\n\nA stray line\n",
            "expected a section heading after the blank line on line 2, found 'A stray line'",
            "the header ends at the first blank line",
        ),
    ],
)
def test_a_line_like_a_heading_gets_the_heading_in_its_message(
    text: str, message: str, hint: str
) -> None:
    (found,) = storyfmt.validate(text)
    assert (found.code, found.message, found.hint) == ("SF201", message, hint)


def test_a_question_run_into_its_answer_is_one_error() -> None:
    found = storyfmt.validate("T\n\nFurther Learning\n\nWhy?\nBecause.\nAnd more.\n")
    assert [(d.line, d.code, d.hint) for d in found] == [
        (6, "SF211", "put a blank line between a question and its answer")
    ]


@pytest.mark.parametrize(
    ("lines", "first"),
    [("• one\nno marker\nnor here\nnor this\n• two\n", 6), ("no marker\nnor here\n• two\n", 5)],
)
def test_a_run_of_lines_without_a_marker_is_one_error(lines: str, first: int) -> None:
    found = storyfmt.validate(f"T\n\nThe Breakdown\n\n{lines}")
    assert [(d.line, d.code) for d in found] == [(first, "SF201")]
