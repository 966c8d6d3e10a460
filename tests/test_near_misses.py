"""A writer's slips, each caught once, on its line, in words a writer knows.

Each test is a case that once passed as a different valid story, landed on
another line, or came with a cascade of errors; ``test_slips.py`` measures the
same on every story of the corpus.
"""

from __future__ import annotations

import re
import sys
from unittest import mock

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import storyfmt
from storyfmt._nearmiss import _WHITESPACE, loosely, near_miss, near_misses
from storyfmt._vocabulary import STATS_FIELDS, headings_of


def _found(text: str) -> list[tuple[int, str, str]]:
    return [(d.line, d.code, d.severity) for d in storyfmt.validate(text)]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Title\n\nTop Keywords\n\nUkraine / NATO / Zelensky / /\n", 5),
        ("Title\nUkraine / NATO / /\n", 2),
    ],
)
def test_no_tag_ends_with_a_slash(text: str, line: int) -> None:
    assert _found(text) == [(line, "SF214", "error")]
    with pytest.raises(storyfmt.StoryFormatError):
        storyfmt.loads(text)


def _one(text: str) -> storyfmt.Diagnostic:
    (found,) = storyfmt.validate(text)
    return found


# ---- false greens: each once passed as another valid story


@pytest.mark.parametrize("heading", ["Whats Next?", "What's next?", "What\u2019s Nxt?"])
def test_a_brief_heading_with_a_slip_is_not_silently_text(heading: str) -> None:
    found = _one(f"What's Happening?\nA summit.\n{heading}\nTalks.\n")
    assert (found.line, found.code, found.severity) == (3, "SF509", "warning")
    assert "did you mean 'What's Next?'" in found.message
    assert found.fix is not None
    assert found.fix.edits[0].content == "What's Next?"


def test_an_inline_pair_does_not_shift_the_stats_pairs() -> None:
    text = "T\n\nStory Stats\n\nVirality 5.1\nArticles 17\nStatus\nActive\n"
    assert _found(text) == [(5, "SF207", "error"), (6, "SF207", "error")]


def test_a_heading_typed_as_a_stats_key_is_not_silently_a_key() -> None:
    found = _one("T\n\nStory Stats\n\nStatus\nActive\nthe breakdown\n  \u2022 A point.\n")
    assert (found.line, found.code) == (7, "SF509")
    assert "'The Breakdown'" in found.message
    with_more = "T\n\nStory Stats\n\nStatus\nActive\nthe breakdown\n\n  \u2022 A.\n  \u2022 B.\n"
    assert _found(with_more) == [(7, "SF201", "error")]


@pytest.mark.parametrize("header", ["#27\nTitle\n", "#27\nTitle\nHeadline\n"])
def test_a_rank_with_a_hash_is_caught_on_its_line(header: str) -> None:
    found = storyfmt.validate(header)
    assert [(d.line, d.code) for d in found] in ([(1, "SF509")], [(1, "SF203")])
    assert found[0].fix is not None
    assert found[0].fix.edits[0].content == "27"


def test_a_header_tag_line_without_its_space_is_caught() -> None:
    found = _one("Title\nA / B/\n")
    assert (found.line, found.code, found.severity) == (2, "SF509", "warning")
    assert found.fix is not None
    assert found.fix.edits[0].content == "A / B /"
    found = _one("Title\nHeadline\nA / B/\n")
    assert (found.line, found.code, found.severity) == (3, "SF203", "error")
    assert "no space before its final slash" in found.message


def test_a_footer_with_a_slip_after_an_answer_is_caught() -> None:
    text = "T\n\nFurther Learning\n\nWhy?\n\nBecause.\nYou're all caught up!\n"
    found = _one(text)
    assert (found.line, found.code) == (8, "SF509")
    assert "'You're all caught up'" in found.message


# ---- wrong line, wrong words, cascades


def test_a_known_key_with_a_colon_is_one_error_and_its_value_still_reads() -> None:
    found = _one("T\n\nStory Stats\n\nStatus:\nActive\nPolitical leaning\nNeutral\n")
    assert (found.line, found.code, found.message) == (
        5,
        "SF217",
        "'Status:': a key is written without a colon",
    )
    assert found.hint == "write 'Status', with its value on the next line"
    # The value is still checked as the key's value.
    assert _found("T\n\nStory Stats\n\nVirality:\nhigh\n") == [
        (5, "SF217", "error"),
        (6, "SF301", "error"),
    ]


@pytest.mark.parametrize("line", ["Virality 5.1", "Virality: 5.1", "Region: East Asia"])
def test_a_key_and_value_on_one_line_is_reported_there(line: str) -> None:
    text = f"T\n\nStory Stats\n\nStatus\nActive\n{line}\nArticles\n17\nPolitical leaning\nNeutral\n"
    found = _one(text)
    assert (found.line, found.code) == (7, "SF207")
    assert found.fix is not None
    assert "\n" in found.fix.edits[0].content


@pytest.mark.parametrize(
    ("heading", "meant"),
    [
        ("Story Stat", "Story Stats"),
        ("Top Keyword", "Top Keywords"),
        ("The Breakdwon", "The Breakdown"),
    ],
)
def test_a_misspelt_heading_is_one_error_with_the_heading_meant(heading: str, meant: str) -> None:
    body = {
        "Story Stats": "Status\nActive\n",
        "Top Keywords": "Nara / Seoul /\n",
        "The Breakdown": "  \u2022 One.\n  \u2022 Two.\n",
    }[meant]
    found = _one(f"Title\n\n{heading}\n\n{body}")
    assert (found.line, found.code) == (3, "SF201")
    assert found.message == f"'{heading}' is not a heading: did you mean '{meant}'?"
    assert found.hint == f"the heading is spelt '{meant}'"


def test_a_rank_then_a_title_of_digits_is_reported_at_the_title() -> None:
    found = _one("4\n2025\nHeadline\n")
    assert (found.line, found.code) == (2, "SF305")


def test_a_rank_above_a_brief_is_reported_at_the_brief_heading() -> None:
    found = _one("3\nWhat's Happening?\nA summit.\n")
    assert (found.line, found.code) == (2, "SF216")
    assert "a brief has no rank" in found.message


def test_a_blank_line_inside_an_answer_is_said_so() -> None:
    found = _one("T\n\nFurther Learning\n\nWhy?\n\nBecause.\n\nMore.\n\nHow?\n\nSo.\n")
    assert (found.line, found.code) == (9, "SF210")
    assert found.message.startswith("an answer holds no blank line")


def test_a_header_tag_line_without_its_end_gets_its_own_words() -> None:
    found = _one("Title\nHeadline\nA / B\n")
    assert (found.line, found.code) == (3, "SF203")
    assert found.message == "the tag line 'A / B' has no final ' /': a tag line ends with ' /'"
    assert found.fix is not None
    assert found.fix.edits[0].content == "A / B /"


@pytest.mark.parametrize(
    ("answers", "line"),
    [
        # The next block ends with '?': the question before it lost its answer.
        ("Q1?\n\nA1.\n\nQ2?\n\nQ3?\n\nA3.\n", 9),
        # It does not: questions and answers alternate, so the last has none.
        ("Q1?\n\nA1.\n\nQ2?\n\nQ3 said plainly\n\nA3.\n", 13),
    ],
)
def test_a_deleted_middle_answer_follows_the_rule_of_the_spec(answers: str, line: int) -> None:
    found = _one(f"Title\n\nFurther Learning\n\n{answers}")
    assert (found.line, found.code) == (line, "SF210")


def test_text_with_a_word_close_to_a_heading_is_left_alone() -> None:
    assert storyfmt.validate("What's Happening?\nA summit.\nWhat's new?\nTalks.\n") == []
    assert storyfmt.validate("Title\n\nFurther Learning\n\nWhy?\n\nTop stories.\n") == []


@pytest.mark.parametrize(
    "text",
    [
        "What\u2019s\u00a0Happening?\nA summit.\n\nSecond paragraph.\n",
        "What's Happening\nA summit.\nWhy It's Important?\nTrade.\n",
        "What's\u00a0Happening?\nStory Stats\n\nA summit.\n",
    ],
)
def test_a_brief_whose_first_heading_slipped_is_one_error_on_line_1(text: str) -> None:
    found = _one(text)
    assert (found.line, found.code) == (1, "SF201")
    assert "did you mean 'What's Happening?'" in found.message


def test_the_quick_look_at_a_long_line_knows_every_kind_of_whitespace() -> None:
    # A loose reading drops whatever str.split() takes for whitespace.
    assert set(_WHITESPACE) == {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}


_LINES = st.text(
    st.sampled_from("ab ’‘'`:.!?0123456789\t\u00a0\u2003ßK\u212a\ufb01"), max_size=70
) | st.builds(
    lambda word, pad, end: pad + word.replace(" ", pad or " ") + end,
    st.sampled_from([*headings_of("card"), *headings_of("brief"), *STATS_FIELDS]),
    st.sampled_from(["", " ", "  \t ", "\u00a0" * 20, "’" * 30, "ß", "\ud800"]),
    st.sampled_from(["", ":", "!!!", " 15", "?" * 40, " 1234567890" * 4]),
)


def _every_line(lines: list[str], most: int) -> list[int]:
    return list(range(len(lines)))


@settings(max_examples=400, deadline=None)
@given(st.lists(_LINES, max_size=4))
# At the most letters a near-miss can hold, and with a long count after it.
@example(["youre alll caught upp", "beyond thee headliness", "politicall leaningg"])
@example(["the breakdown 12345678901234567890", "The  Breakdown\u00a0 00000000000000000000007"])
def test_the_quick_look_at_long_lines_never_passes_over_a_near_miss(lines: list[str]) -> None:
    for words in (headings_of("card"), headings_of("brief"), tuple(STATS_FIELDS)):
        quick = (list(near_misses(lines, words)), [near_miss(line, words) for line in lines])
        with (
            mock.patch("storyfmt._nearmiss._short_lines", _every_line),
            mock.patch("storyfmt._nearmiss._kept", return_value=b""),
        ):
            every = (list(near_misses(lines, words)), [near_miss(line, words) for line in lines])
        assert quick == every


@given(st.text(st.sampled_from("aB ’‘'`:.!?9\t\n\u00a0\u2003ßİ"), max_size=30))
def test_a_loose_reading_drops_what_it_says(line: str) -> None:
    oracle = re.sub(r"\s+", " ", re.sub(r"[\s:.!?]+$", "", re.sub("['’‘`]", "", line.casefold())))
    assert loosely(line) == oracle.strip()


def _edits(a: str, b: str) -> int:
    """Letters left out, added or changed between ``a`` and ``b`` (no swaps)."""
    row = list(range(len(b) + 1))
    for i, char in enumerate(a, 1):
        current = [i]
        for j, other in enumerate(b, 1):
            current.append(min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (char != other)))
        row = current
    return row[-1]


@pytest.mark.parametrize(
    ("one", "other"),
    [(headings_of("brief"), headings_of("card")), (headings_of("card"), tuple(STATS_FIELDS))],
)
def test_no_line_is_near_a_word_of_both_lists_checked_at_once(
    one: tuple[str, ...], other: tuple[str, ...]
) -> None:
    # A card's title is checked against both kinds' headings, and a Story Stats
    # key against the headings and the keys, in one pass. A line within the
    # typos of a word of each would put the two words at most the sum of their
    # typos apart, each swap counted as two edits.
    for a, b in ((a, b) for a in one for b in other):
        allowed = sum(2 if len(loosely(word)) >= 12 else 1 for word in (a, b))
        assert _edits(loosely(a), loosely(b)) > 2 * allowed, (a, b)
