"""Grammar loading: the story grammar, the Lark parsers built on it, and every
place storyfmt reaches into Lark.

The parsers use Lark's LALR parser with its contextual lexer, exactly as a
plain ``lark.Lark.open("grammar/story.lark", parser="lalr")`` would, plus an
inline transformer (no parse tree is built). With ``storyfmt[fast]`` the same
grammar runs on lark-cython's lexer and parser. The tables are cached in the
user's own cache directory, never in the shared temporary directory.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import sys
from collections.abc import Callable, Collection, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import lark
from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.parsers.lalr_parser import LALR_Parser

from storyfmt._shipped import shipped_text
from storyfmt._vocabulary import Kind

START_RULES = ("story", "card", "brief")
"""The grammar's start rules: either kind of story, a card, a brief."""


def grammar_text() -> str:
    """The text of the story grammar shipped with the package."""
    return shipped_text("grammar/story.lark")


def _cache_file(grammar: str) -> str | bool:
    """A cache path in the user's own cache directory, or False if there is none.

    Lark's default cache lives in the shared temporary directory, where another
    user could plant a pickle; this one lives in a directory only the user owns.
    """
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA", "")
    elif sys.platform == "darwin":
        base = os.path.expanduser("~/Library/Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME", "") or os.path.expanduser("~/.cache")
    if not base or not os.path.isabs(base):
        return False
    folder = Path(base) / "storyfmt"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if hasattr(os, "getuid") and folder.stat().st_uid != os.getuid():
            return False
    except OSError:
        return False
    key = f"{grammar}{lark.__version__}{sys.version_info[:2]}".encode()
    return str(folder / f"grammar-{hashlib.sha256(key).hexdigest()[:16]}.lark")


def _accelerator() -> dict[str, Any] | None:
    """lark-cython's lexer and parser as Lark plugins (``storyfmt[fast]``), if installed.

    Setting ``STORYFMT_PURE_PYTHON`` turns it off.
    """
    if os.environ.get("STORYFMT_PURE_PYTHON"):
        return None
    try:
        cython = importlib.import_module("lark_cython")
    except ImportError:
        return None
    return dict(cython.plugins)


@lru_cache(maxsize=4)
def get_parser(transformer: object | None = None, *, fast: bool = False) -> Lark | None:
    """The LALR parser of the story grammar, built once per process.

    With ``fast``, the parser runs on lark-cython; None when that is not installed.
    """
    grammar = grammar_text()
    plugins = _accelerator() if fast else {}
    if plugins is None:
        return None
    tag = f"\n// {type(transformer).__name__}{' lark-cython' if fast else ''}"
    return Lark(
        grammar,
        parser="lalr",
        start=list(START_RULES),
        transformer=cast(Any, transformer),
        cache=_cache_file(grammar + tag),
        _plugins=plugins,
    )


# ---- the quick path for valid stories ------------------------------------------
#
# Most stories are valid, and lexing is most of the cost of parsing them. The
# line lexer below gives the parser exactly the tokens Lark's contextual lexer
# would (a property test checks this): for each parser state it tries the same
# terminals, in the same order, with the same compiled patterns. It only does
# less bookkeeping per token. At the first error it stops, and the story is
# parsed again with Lark's own lexer, which recovery needs.


_no_match: Any = UnexpectedCharacters


class _LineLexer:
    """Lark's contextual lexer of one parser, with less work per token."""

    def __init__(self, parser: Lark) -> None:
        contextual = parser.parser.lexer
        self.states = {
            state: ([pattern.match for pattern in lexer.scanner._mres], lexer.callback)
            for state, lexer in contextual.lexers.items()
        }

    def thread(self, text: str) -> _LineThread:
        """A lexer for one text, as the parser drives it."""
        return _LineThread(self.states, text)


class _LineThread:
    __slots__ = ("states", "text")

    def __init__(self, states: dict[int, tuple[list[Any], dict[str, Any]]], text: str) -> None:
        self.states = states
        self.text = text

    def lex(self, parser_state: Any) -> Iterator[Token]:
        """The tokens of the text, each for the state the parser is in."""
        text, states = self.text, self.states
        new: Any = Token._future_new
        pos, line, column, end = 0, 1, 1, len(text)
        while pos < end:
            matchers, callbacks = states[parser_state.position]
            for match in matchers:
                found = match(text, pos)
                if found is not None:
                    break
            else:
                raise _no_match(text, pos, line, column)
            value, type_ = found.group(), found.lastgroup
            stop = pos + len(value)
            breaks = value.count("\n")
            if breaks:
                end_line, end_column = line + breaks, stop - pos - value.rindex("\n")
            else:
                end_line, end_column = line, column + len(value)
            token = new(type_, value, pos, line, column, end_line, end_column, stop)
            yield callbacks[type_](token) if type_ in callbacks else token
            pos, line, column = stop, end_line, end_column


@lru_cache(maxsize=4)
def line_lexer(parser: Lark) -> _LineLexer:
    """The line lexer of ``parser``, built once."""
    return _LineLexer(parser)


def parse_valid(parser: Lark, text: str, start: Kind) -> Any:
    """Parse ``text`` with no recovery: UnexpectedInput at the first error.

    On lark-cython's parser this is its own parse; on Lark's, the line lexer's.
    """
    lalr = parser.parser.parser
    if type(lalr) is not LALR_Parser:
        return parser.parse(text, start=start)
    parse: Any = lalr.parse
    return parse(line_lexer(parser).thread(text), start)


# ---- error recovery ----------------------------------------------------------
#
# Lark reports a syntax error as UnexpectedToken (a line of another kind, or the
# end of the text) or UnexpectedCharacters (a line no terminal matches). The
# parser's on_error hook may then feed the interactive parser tokens of its
# own, and move the lexer, before parsing resumes.


class Stand(Token):
    """A token that stands in for a line that is missing or wrong.

    Recovery feeds one where the parser expects a line it did not get, so that
    parsing goes on; the transformer builds no value from it.
    """

    __slots__ = ()


class Fault:
    """One syntax error, as the recovery sees it: where it is and what was expected."""

    def __init__(self, error: UnexpectedInput, text: str) -> None:
        self.error = error
        self.text = text
        parser = error.interactive_parser
        self.parser = parser
        state = parser.lexer_thread.state
        assert state is not None
        self.lexer = state
        # Line numbers come from the lexer, never from counting the text
        # again: a story may hold thousands of errors.
        self.line = state.line_ctr.line
        if isinstance(error, UnexpectedToken):
            token = error.token
            self.at_end = token.type == "$END"
            self.pos = len(text) if self.at_end else token.start_pos
            if not self.at_end and token.line is not None:
                self.line = token.line
            self.expected: Collection[str] = error.expected
        else:
            assert isinstance(error, UnexpectedCharacters)
            self.at_end = False
            self.pos = error.pos_in_stream
            self.expected = error.allowed
        self.line_start = text.rfind("\n", 0, self.pos) + 1

    def previous(self) -> Token | None:
        """The last line token the parser took, blank-line runs aside."""
        for value in reversed(self.parser.parser_state.value_stack):
            if isinstance(value, Token):
                if value.type != "_BLANK":
                    return value
            else:
                return None
        return None

    def blank_before(self) -> bool:
        """Whether the parser's last token was a run of blank lines."""
        stack = self.parser.parser_state.value_stack
        return bool(stack) and isinstance(stack[-1], Token) and stack[-1].type == "_BLANK"

    def feed(self, type_: str, value: str = "") -> None:
        """Give the parser a stand-in token of ``type_`` for this line."""
        column = self.pos - self.line_start + 1
        self.parser.feed_token(Stand(type_, value, self.pos, self.line, column))

    def take(self, type_: str, end: int) -> None:
        """Give the parser this line, up to ``end``, as a token of ``type_``."""
        value = self.text[self.line_start : end]
        self.parser.feed_token(Token(type_, value, self.line_start, self.line, 1, end_pos=end))

    def accepts(self, type_: str) -> bool:
        """Whether the parser, as it stands, takes a token of ``type_``."""
        return (
            type_ in self.parser.parser_state.parse_conf.states[self.parser.parser_state.position]
        )

    def move_to(self, pos: int) -> None:
        """Make the lexer go on from ``pos`` (forwards or backwards)."""
        counter = self.lexer.line_ctr
        if pos >= counter.char_pos:
            counter.line += self.text.count("\n", counter.char_pos, pos)
        else:
            counter.line -= self.text.count("\n", pos, counter.char_pos)
        counter.char_pos = pos
        counter.line_start_pos = self.text.rfind("\n", 0, pos) + 1
        counter.column = pos - counter.line_start_pos + 1


def parse_with_recovery(
    parser: Lark, text: str, start: Kind, recover: Callable[[Fault], bool]
) -> Any:
    """Parse ``text``, letting ``recover`` mend each syntax error and go on.

    ``recover`` returns False to give up (the error then propagates).
    """
    return parser.parse(text, start=start, on_error=lambda error: recover(Fault(error, text)))
