"""The line lexer gives the parser exactly the tokens Lark's own contextual
lexer gives (but for where each ends, which it leaves out), on valid, mutated
and corpus stories, and fails where it fails; made as lark-cython's tokens, the
same. The tokens of the lines a transformer method takes as they are shifted
(the points of The Breakdown) have no line and column: only their offset."""

from __future__ import annotations

import copy
import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import CORPUS
from hypothesis import example, given
from hypothesis import strategies as st
from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from storyfmt._grammar import START_RULES, get_parser, grammar_text, line_lexer
from storyfmt._parser import BUILDER
from storyfmt._source import decode, normalise
from storyfmt._vocabulary import SECTIONS, Kind
from storyfmt.testing import story_texts

PARSER = Lark(grammar_text(), parser="lalr", start=list(START_RULES))
# The line lexer of Lark's own parser, but leaving out the lines and columns of
# the terminals that storyfmt's transformer takes as they are shifted, as the
# line lexer of storyfmt's parser does.
LEXER = copy.copy(line_lexer(PARSER))
LEXER.unplaced = line_lexer(get_parser(BUILDER)).unplaced


def _cython_token() -> Any:
    """lark-cython's class of tokens (``storyfmt[fast]``), None without it."""
    try:
        return importlib.import_module("lark_cython").Token
    except ImportError:
        return None


CYTHON_TOKEN = _cython_token()

Lexed = tuple[list[tuple[object, ...]], int | None]


def _place(token: Any, line: bool) -> tuple[object, ...]:
    """A token's line and column; none for a token of a terminal the
    transformer takes as it is shifted, which the line lexer leaves without
    them (None, or -1 in lark-cython's tokens)."""
    if token.type not in LEXER.unplaced:
        return token.line, token.column
    if line:
        assert token.line in (None, -1)
        assert token.column in (None, -1)
    return ()


def _lex(text: str, start: Kind, line: bool, make: Any = None) -> Lexed:
    """Every token the parser takes, and where the first error is (None if none)."""
    parser: Any = PARSER.parse_interactive(text, start=start)
    tokens: Iterator[Token] = (
        LEXER.tokens(text, parser.parser_state.state_stack, make)
        if line
        else parser.lexer_thread.lex(parser.parser_state)
    )
    taken: list[tuple[object, ...]] = []
    try:
        try:
            for token in tokens:
                taken.append((token.type, token.value, token.start_pos, *_place(token, line)))
                # Lark's parser takes Lark's tokens.
                fed = token if make is None else Token(token.type, token.value, token.start_pos)
                parser.feed_token(fed)
        except EOFError:  # how the tokens made for lark-cython end
            assert make is not None
        else:
            assert make is None
        parser.feed_eof()
    except UnexpectedCharacters as error:
        return taken, error.pos_in_stream
    except UnexpectedToken as error:
        at_end = error.token.type == "$END"
        return taken, len(text) if at_end else error.token.start_pos
    return taken, None


def _assert_same_tokens(text: str) -> None:
    for start in ("card", "brief"):
        larks = _lex(text, start, line=False)
        assert _lex(text, start, line=True) == larks
        if CYTHON_TOKEN is not None:
            assert _lex(text, start, line=True, make=CYTHON_TOKEN) == larks


_HEADINGS = [section.heading for section in SECTIONS]
_LINES = st.sampled_from(
    [
        "",
        "  ",
        "\t",
        "12",
        "#20",
        "Title",
        "A / B /",
        "A /  / B /",
        "Dokdo/Takeshima /",
        "  \u2022 a point",
        "- point",
        "*point",
        "Status",
        "Active",
        "Duration",
        "7 hours",
        "7 Hours",
        "Virality",
        "5.1",
        "Virality: 5.1",
        "-3",
        "Articles",
        "Political leaning",
        "Key",
        "What is it?",
        "It is.",
        "You\u2019re all caught up",
        "Youre all caught up",
        "The Breakdown 15",
        "Top\u00a0Keywords",
        *_HEADINGS,
    ]
)


@st.composite
def _mutated(draw: st.DrawFn) -> str:
    """A valid story with lines deleted, repeated, moved or inserted."""
    lines = draw(story_texts()).split("\n")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(lines)))
        action = draw(st.sampled_from(["delete", "repeat", "insert", "move"]))
        if action == "insert" or not lines:
            lines.insert(at, draw(_LINES))
        elif action == "delete":
            del lines[min(at, len(lines) - 1)]
        elif action == "repeat":
            lines.insert(at, lines[min(at, len(lines) - 1)])
        else:
            lines.insert(draw(st.integers(0, len(lines))), lines.pop(min(at, len(lines) - 1)))
    return "\n".join(lines)


@given(story_texts())
def test_the_line_lexer_gives_lark_s_tokens_for_valid_stories(text: str) -> None:
    _assert_same_tokens(text)


@given(_mutated())
@example("Further Learning\nWhat?\nIt is.\n")
@example("Title\n\nStory Stats\nVirality\n5.1\n  ")
def test_the_line_lexer_gives_lark_s_tokens_for_mutated_stories(text: str) -> None:
    _assert_same_tokens(text)


@given(st.lists(_LINES, max_size=12).map("\n".join))
def test_the_line_lexer_gives_lark_s_tokens_for_any_lines(text: str) -> None:
    _assert_same_tokens(text)


@pytest.mark.parametrize(
    "path",
    sorted(CORPUS.glob("*/*.txt")),
    ids=lambda path: f"{path.parent.name}/{path.name}",
)
def test_the_line_lexer_gives_lark_s_tokens_for_the_corpus(path: Any) -> None:
    try:
        text = normalise(decode(path.read_bytes()))
    except UnicodeDecodeError:
        pytest.skip("not UTF-8: the story is never lexed")
    _assert_same_tokens(text)


def test_the_tokens_are_compared_up_to_the_first_error() -> None:
    lexed, error = _lex("Title\nStory Stats\nStatus\n", "card", line=True)
    assert [token[0] for token in lexed] == ["TITLE", "STATS", "STATUS_KEY"]
    assert error == len("Title\nStory Stats\nStatus\n")
    with pytest.raises(UnexpectedInput):
        PARSER.parse("Title\nStory Stats\nStatus\n", start="card")


def test_only_the_points_are_lexed_without_their_line() -> None:
    """The transformer takes only a bullet line as it is shifted, keeping its
    offset; every other token reaches the transformer with its line and column."""
    assert LEXER.unplaced == {"BULLET"}
