"""The line lexer: turns story text into one token per meaningful line.

Every line is trimmed of spaces and tabs and classified once, by a dictionary
look-up for headings and a first-character test for bullets. Runs of blank
lines become a single ``_BLANK`` token, and only where they mean something:
between two lines that are not headings. The grammar (``grammar/story.lark``)
then gives these tokens their structure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Literal

from lark.common import LexerConf
from lark.lexer import Lexer

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

BLANK = "_BLANK"
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

_NOT_HEADINGS = frozenset((BLANK, LINE, BULLET))
_BULLET_MARKERS = frozenset("\u2022-*")

_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


class Token:
    """One line of a story, as the parser sees it.

    ``value`` is the line trimmed of spaces and tabs; ``column`` (1-based) is
    where that text starts and ``end_column`` where it ends (exclusive). Lark's
    parser reads ``type`` and, when it reports an error, the positions.
    """

    __slots__ = ("column", "end_column", "line", "type", "value")

    start_pos = None
    end_pos = None

    def __init__(self, type_: str, value: str, line: int, column: int) -> None:
        self.type = type_
        self.value = value
        self.line = line
        self.column = column
        self.end_column = column + len(value)

    @property
    def end_line(self) -> int:
        return self.line

    def __repr__(self) -> str:
        return f"Token({self.type}, {self.value!r}, line {self.line})"


def is_heading(token_type: str) -> bool:
    """Tell whether a token type is a heading (or the footer)."""
    return token_type not in _NOT_HEADINGS


def decode(data: bytes) -> str:
    """Decode UTF-8 bytes, dropping a leading byte-order mark.

    Bytes that are not UTF-8 are kept as lone surrogates (``surrogateescape``),
    so that :func:`check_lines` can report each one with its line.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", "surrogateescape")


def split_lines(text: str) -> list[str]:
    """Split text at LF, CRLF and lone CR, after dropping a leading BOM."""
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
    found: list[Diagnostic] = []
    for index, line in enumerate(lines):
        if len(line) > MAX_LINE and len(text := line.strip(" \t")) > MAX_LINE:
            start = line.index(text[0])
            found.append(
                diagnostic(
                    "SF105",
                    index + 1,
                    start + MAX_LINE + 1,
                    f"the line holds {len(text):,} characters; a story line may hold"
                    f" at most {MAX_LINE:,}",
                    hint="a line this long is usually a file that is not a story",
                )
            )
        if FORBIDDEN.search(line) is None:
            continue
        for match in FORBIDDEN.finditer(line):
            char = match.group()
            column = match.start() + 1
            if from_bytes and _ESCAPED_BYTE.fullmatch(char):
                found.append(
                    diagnostic(
                        "SF101",
                        index + 1,
                        column,
                        f"invalid UTF-8: byte 0x{ord(char) - 0xDC00:02X} is not part of"
                        " a valid character",
                        hint="save the file as UTF-8",
                    )
                )
            elif char == "\ufeff":
                found.append(
                    diagnostic(
                        "SF103",
                        index + 1,
                        column,
                        "a byte-order mark (U+FEFF) may only stand at the very start of the file",
                    )
                )
            else:
                found.append(
                    diagnostic(
                        "SF102",
                        index + 1,
                        column,
                        f"the control character U+{ord(char):04X} is not allowed in a story",
                        hint="story text may hold tabs but no other control characters",
                    )
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
    """Classify every line and fold blank lines into ``_BLANK`` tokens.

    Token values are the trimmed lines; ``column`` is where the text starts.
    """
    headings = _CARD_TYPES if kind == "card" else _BRIEF_TYPES
    card = kind == "card"
    tokens: list[Token] = []
    append = tokens.append
    blank_at = 0
    previous_is_text = False
    for number, raw in enumerate(lines, 1):
        text = raw.strip(" \t")
        if not text:
            if not blank_at:
                blank_at = number
            continue
        kind_of_line = headings.get(text)
        if kind_of_line is None:
            if card and text[0] in _BULLET_MARKERS and len(text) > 1 and text[1] in " \t":
                kind_of_line = BULLET
            elif card and text.startswith("The Breakdown") and BREAKDOWN_LINE.fullmatch(text):
                kind_of_line = "BREAKDOWN"
            else:
                kind_of_line = LINE
        is_text = kind_of_line is LINE or kind_of_line is BULLET
        if blank_at:
            if is_text and previous_is_text:
                append(Token(BLANK, "", blank_at, 1))
            blank_at = 0
        column = len(raw) - len(raw.lstrip(" \t")) + 1
        append(Token(kind_of_line, text, number, column))
        previous_is_text = is_text
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
