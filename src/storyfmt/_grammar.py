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
from collections.abc import Callable, Collection
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import lark
from lark import Lark, Token, Transformer
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from storyfmt._vocabulary import Kind

START_RULES = ("story", "card", "brief")
"""The grammar's start rules: either kind of story, a card, a brief."""


def grammar_text() -> str:
    """The text of the story grammar shipped with the package.

    Wheels carry it as package data; an editable install of a source checkout
    reads it from the checkout's top-level ``grammar/`` folder.
    """
    packaged = resources.files("storyfmt").joinpath("grammar/story.lark")
    if packaged.is_file():
        return packaged.read_text("utf-8")
    checkout = Path(__file__).resolve().parents[2] / "grammar" / "story.lark"
    return checkout.read_text("utf-8")


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
def get_parser(
    transformer: Transformer[Any, Any] | None = None, *, fast: bool = False
) -> Lark | None:
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
        transformer=transformer,
        cache=_cache_file(grammar + tag),
        _plugins=plugins,
    )


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
        if isinstance(error, UnexpectedToken):
            token = error.token
            self.at_end = token.type == "$END"
            self.pos = len(text) if self.at_end else token.start_pos
            self.expected: Collection[str] = error.expected
        else:
            assert isinstance(error, UnexpectedCharacters)
            self.at_end = False
            self.pos = error.pos_in_stream
            self.expected = error.allowed
        self.line = text.count("\n", 0, self.pos) + 1
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

    def accepts(self, type_: str) -> bool:
        """Whether the parser, as it stands, takes a token of ``type_``."""
        return (
            type_ in self.parser.parser_state.parse_conf.states[self.parser.parser_state.position]
        )

    def move_to(self, pos: int) -> None:
        """Make the lexer go on from ``pos`` (forwards or backwards)."""
        counter = self.lexer.line_ctr
        counter.char_pos = pos
        counter.line = self.text.count("\n", 0, pos) + 1
        counter.line_start_pos = self.text.rfind("\n", 0, pos) + 1
        counter.column = pos - counter.line_start_pos + 1


def parse_with_recovery(
    parser: Lark, text: str, start: Kind, recover: Callable[[Fault], bool]
) -> Any:
    """Parse ``text``, letting ``recover`` mend each syntax error and go on.

    ``recover`` returns False to give up (the error then propagates).
    """
    return parser.parse(text, start=start, on_error=lambda error: recover(Fault(error, text)))
