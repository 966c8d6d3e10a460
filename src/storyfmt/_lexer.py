"""The line lexer: turns story text into heading tokens and the text between them.

Every line is trimmed of spaces and tabs and classified once, by a dictionary
look-up for headings and a first-character test for bullets. Consecutive lines
of text form a block; blank lines separate blocks. All the blocks between two
headings form one ``TEXT`` token. The grammar (``grammar/story.lark``) gives
the headings and texts their structure, and the parser's transformer reads the
blocks and lines of each text: the parser's cost grows with the number of
sections, not of lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any, Literal

from lark.common import LexerConf
from lark.lexer import Lexer

from storyfmt._codes import Rule
from storyfmt._diagnostics import Diagnostic, diagnostic
from storyfmt._vocabulary import (
    BREAKDOWN_LINE,
    BRIEF_HEADINGS,
    BRIEF_SECTIONS,
    CARD_SECTIONS,
    FOOTER,
    FORBIDDEN,
    MAX_LINE,
)

Kind = Literal["card", "brief"]

TEXT = "TEXT"
BLOCK = "BLOCK"
LINE = "LINE"
BULLET = "BULLET"

_SECTION_TOKENS = {
    "stats": "STATS",
    "breakdown": "BREAKDOWN",
    "keywords": "KEYWORDS",
    "further_learning": "FURTHER",
    "whats_happening": "HAPPENING",
    "why_its_important": "IMPORTANT",
    "whats_next": "NEXT",
    "beyond_the_headlines": "BEYOND",
}


def _heading_types(headings: dict[str, str]) -> dict[str, str]:
    """Map each heading line, with either apostrophe, to its token type."""
    types: dict[str, str] = {}
    for heading, token_type in headings.items():
        types[heading] = types[heading.replace("'", "\u2019")] = token_type
    return types


_CARD_TYPES = _heading_types(
    {heading: _SECTION_TOKENS[field] for field, heading in CARD_SECTIONS.items()}
    | {FOOTER: "FOOTER"}
)
_BRIEF_TYPES = _heading_types(
    {heading: _SECTION_TOKENS[field] for field, heading in BRIEF_SECTIONS.items()}
)

_NOT_HEADINGS = frozenset((TEXT, BLOCK, LINE, BULLET))
BULLET_MARKERS = frozenset("\u2022-*")
"""The characters that mark a bullet line when a space or tab follows them."""

_FAULT_HINTS = {
    Rule.INVALID_UTF8: "save the file as UTF-8",
    Rule.FORBIDDEN_CHARACTER: "story text may hold tabs but no other control characters",
}
# The characters FORBIDDEN holds, by the code they are reported with; a lone
# surrogate from U+DC80 to U+DCFF stands for a byte that is not UTF-8 when the
# story was read from bytes (see decode).
_BOM = re.compile("\ufeff")
_FAULTS = {
    True: (
        (Rule.INVALID_UTF8, re.compile("[\udc80-\udcff]")),
        (
            Rule.FORBIDDEN_CHARACTER,
            re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udc7f\udd00-\udfff]"),
        ),
        (Rule.MISPLACED_BOM, _BOM),
    ),
    False: (
        (Rule.FORBIDDEN_CHARACTER, re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")),
        (Rule.MISPLACED_BOM, _BOM),
    ),
}


class Token:
    """One line of a story, or a group of lines, as the parser sees it.

    ``value`` is the line trimmed of spaces and tabs; ``column`` (1-based) is
    where that text starts and ``end_column`` where it ends (exclusive). A
    group stands for its first line and holds its parts in ``lines``: a
    ``TEXT`` token holds ``BLOCK`` tokens, which hold ``LINE`` and ``BULLET``
    tokens. Lark's parser reads ``type`` and, on an error, the positions.
    """

    __slots__ = ("column", "line", "lines", "type", "value")

    start_pos = None
    end_pos = None

    def __init__(
        self, type_: str, value: str, line: int, column: int, lines: Sequence[Token] = ()
    ) -> None:
        self.type = type_
        self.value = value
        self.line = line
        self.column = column
        self.lines = lines

    @property
    def end_column(self) -> int:
        # Computed, not stored: a large file has a token per line.
        return self.column + len(self.value)

    @property
    def end_line(self) -> int:
        return self.line

    def __repr__(self) -> str:
        return f"Token({self.type}, {self.value!r}, line {self.line})"


def is_heading(token_type: str) -> bool:
    """Tell whether a token type is a heading (or the footer)."""
    return token_type not in _NOT_HEADINGS


def decode(data: bytes) -> str:
    """Decode UTF-8 bytes, keeping a leading byte-order mark for :func:`split_lines`.

    Bytes that are not UTF-8 are kept as lone surrogates (``surrogateescape``),
    so that :func:`check_lines` can report each one with its line.
    """
    return data.decode("utf-8", "surrogateescape")


def split_lines(text: str) -> list[str]:
    """Split text at LF, CRLF and lone CR, after dropping one leading BOM.

    This is the only place a byte-order mark is dropped, so that text and its
    UTF-8 bytes read the same: a second BOM is an error (``SF103``) either way.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def check_lines(lines: list[str], *, from_bytes: bool) -> list[Diagnostic]:
    """Report over-long lines and characters no story may hold.

    A line's length is counted without its leading and trailing whitespace.

    Each bad character is replaced in ``lines`` by U+FFFD so that parsing can
    go on and report the file's other problems without repeating this one.
    """
    # isprintable() is false for every forbidden character (and for tab): the
    # usual story is cleared without a search or a loop in Python.
    if max(map(len, lines), default=0) <= MAX_LINE and all(map(str.isprintable, lines)):
        return []
    found: list[Diagnostic] = []
    for index, line in enumerate(lines):
        if len(line) > MAX_LINE and len(text := line.strip(" \t")) > MAX_LINE:
            start = line.index(text[0])
            found.append(
                diagnostic(
                    Rule.LINE_TOO_LONG,
                    index + 1,
                    start + MAX_LINE + 1,
                    f"the line holds {len(text):,} characters; a story line may hold"
                    f" at most {MAX_LINE:,}",
                    hint="a line this long is usually a file that is not a story",
                )
            )
        if line.isprintable() or FORBIDDEN.search(line) is None:
            continue
        # One diagnostic per kind of fault and line, however many bad characters
        # it holds: a binary file must not cost a diagnostic per byte.
        for code, pattern in _FAULTS[from_bytes]:
            first = pattern.search(line)
            if first is None:
                continue
            char = first.group()
            if code == Rule.INVALID_UTF8:
                message = f"invalid UTF-8: byte 0x{ord(char) - 0xDC00:02X} is not part of"
                message += " a valid character"
            elif code == Rule.MISPLACED_BOM:
                message = "a byte-order mark (U+FEFF) may only stand at the very start of the file"
            else:
                what = "lone surrogate" if "\ud800" <= char <= "\udfff" else "control character"
                message = f"the {what} U+{ord(char):04X} is not allowed in a story"
            more = len(pattern.findall(line, first.end()))
            if more:
                message += f" ({more} more on this line)"
            found.append(
                diagnostic(code, index + 1, first.start() + 1, message, hint=_FAULT_HINTS.get(code))
            )
        lines[index] = FORBIDDEN.sub("\ufffd", line)
    return found


def detect_kind(lines: list[str]) -> Kind:
    """A story whose first non-blank line is a brief heading is a brief."""
    for line in lines:
        stripped = line.strip(" \t")
        if stripped:
            return "brief" if stripped in BRIEF_HEADINGS else "card"
    return "card"


def tokenize(lines: list[str], kind: Kind) -> list[Token]:
    """Turn lines into heading tokens and ``TEXT`` tokens (the text between them).

    Token values are the trimmed lines; ``column`` is where the text starts. A
    ``TEXT`` token holds ``BLOCK`` tokens (runs of consecutive lines), which
    hold a ``LINE`` or ``BULLET`` token per line.

    Each line that makes a token is emptied in ``lines``: the token holds its
    text, and a large file is not held twice.
    """
    headings = _CARD_TYPES if kind == "card" else _BRIEF_TYPES
    card = kind == "card"
    tokens: list[Token] = []
    text: list[Token] | None = None
    block: list[Token] | None = None
    for number, raw in enumerate(lines, 1):
        stripped = raw.strip(" \t")
        if not stripped:
            block = None
            continue
        column = raw.index(stripped[0]) + 1
        lines[number - 1] = ""
        type_ = headings.get(stripped)
        if type_ is None and card and stripped.startswith("The Breakdown"):
            type_ = "BREAKDOWN" if BREAKDOWN_LINE.fullmatch(stripped) else None
        if type_ is not None:
            tokens.append(Token(type_, stripped, number, column))
            text = block = None
            continue
        bullet = card and stripped[0] in BULLET_MARKERS and stripped[1:2] in (" ", "\t")
        line = Token(BULLET if bullet else LINE, stripped, number, column)
        if block is not None:
            block.append(line)
            continue
        block = [line]
        block_token = Token(BLOCK, stripped, number, column, block)
        if text is None:
            text = [block_token]
            tokens.append(Token(TEXT, stripped, number, column, text))
        else:
            text.append(block_token)
    return tokens


class TokenStream:
    """The tokens of one story, read by the parser through :class:`LineLexer`.

    The cursor survives error recovery: after a syntax error the parser resumes
    from wherever the recovery moved it.
    """

    __slots__ = ("cursor", "tokens")

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.cursor = 0

    def skip_until(self, wanted: set[str]) -> None:
        """Move the cursor to the next token of a wanted type (or the end)."""
        tokens = self.tokens
        while self.cursor < len(tokens) and tokens[self.cursor].type not in wanted:
            self.cursor += 1

    def heading_before(self, index: int) -> Token | None:
        """The last heading token before position ``index``, if any."""
        for token in reversed(self.tokens[:index]):
            if is_heading(token.type):
                return token
        return None


class LineLexer(Lexer):
    """Lark lexer that hands the parser the tokens of a :class:`TokenStream`."""

    __future_interface__ = 2

    def __init__(self, lexer_conf: LexerConf) -> None:
        pass

    def lex(self, lexer_state: Any, parser_state: Any) -> Iterator[Token]:  # type: ignore[override]
        stream: TokenStream = lexer_state.text
        tokens = stream.tokens
        while stream.cursor < len(tokens):
            token = tokens[stream.cursor]
            stream.cursor += 1
            yield token
