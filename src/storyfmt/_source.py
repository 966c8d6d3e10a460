"""The source of a story: decoding, line breaks, and the characters and line
lengths no story may hold, checked before the text is parsed."""

from __future__ import annotations

import re
from typing import Literal

from storyfmt._codes import Rule
from storyfmt._diagnostics import Diagnostic, diagnostic
from storyfmt._vocabulary import BRIEF_HEADINGS, FORBIDDEN, MAX_LINE, Kind

_FAULT_HINTS = {
    Rule.INVALID_UTF8: "save the file as UTF-8",
    Rule.FORBIDDEN_CHARACTER: "story text may hold tabs but no other control characters",
}


def decode(data: bytes) -> str:
    """Decode UTF-8 bytes, keeping a leading byte-order mark for :func:`normalise`.

    Bytes that are not UTF-8 are kept as lone surrogates (``surrogateescape``),
    so that :func:`check_characters` can report each one with its line.
    """
    return data.decode("utf-8", "surrogateescape")


def normalise(text: str) -> str:
    """Drop one leading BOM and turn CRLF and lone CR into LF: what the grammar reads.

    This is the only place a byte-order mark is dropped, so that text and its
    UTF-8 bytes read the same: a second BOM is an error (``SF103``) either way.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def split_lines(text: str) -> list[str]:
    """The lines of a story, as diagnostics count them."""
    return normalise(text).split("\n")


def _fault(char: str, from_bytes: bool) -> Rule:
    """The code of a forbidden character: a lone surrogate from U+DC80 to U+DCFF
    stands for a byte that is not UTF-8 when the story was read from bytes."""
    if char == "\ufeff":
        return Rule.MISPLACED_BOM
    if from_bytes and "\udc80" <= char <= "\udcff":
        return Rule.INVALID_UTF8
    return Rule.FORBIDDEN_CHARACTER


def _message(code: Rule, char: str) -> str:
    if code == Rule.INVALID_UTF8:
        return f"invalid UTF-8: byte 0x{ord(char) - 0xDC00:02X} is not part of a valid character"
    if code == Rule.MISPLACED_BOM:
        return "a byte-order mark (U+FEFF) may only stand at the very start of the file"
    what = "lone surrogate" if "\ud800" <= char <= "\udfff" else "control character"
    return f"the {what} U+{ord(char):04X} is not allowed in a story"


def _long_lines(text: str) -> list[Diagnostic]:
    """SF105 for each line whose content is longer than ``MAX_LINE``.

    Only the parts of the text that hold no line break over half that length
    are looked at closely: the usual story is cleared without splitting it.
    """
    found: list[Diagnostic] = []
    step = MAX_LINE // 2
    pos = 0
    while pos < len(text):
        if text.find("\n", pos, pos + step) >= 0:
            pos += step
            continue
        start = text.rfind("\n", 0, pos) + 1
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[start:end]
        content = line.strip(" \t")
        if len(content) > MAX_LINE:
            found.append(
                diagnostic(
                    Rule.LINE_TOO_LONG,
                    text.count("\n", 0, start) + 1,
                    line.index(content[0]) + MAX_LINE + 1,
                    f"the line holds {len(content):,} characters; a story line may hold"
                    f" at most {MAX_LINE:,}",
                    hint="a line this long is usually a file that is not a story",
                )
            )
        pos = end + 1
    return found


_PLAIN = bytes(range(0x20, 0x7F)) + b"\t\n"
"""Printable ASCII, the tab and the line break: what no story need look at twice."""


def check_characters(text: str, *, from_bytes: bool) -> tuple[str, list[Diagnostic]]:
    """Report over-long lines and characters no story may hold.

    On each line, the first character of each kind is reported, with how many
    more of that kind the line holds. Each bad character is replaced by U+FFFD
    in the text returned, so that parsing goes on and reports the story's other
    problems without repeating this one.
    """
    found = _long_lines(text) if len(text) > MAX_LINE else []
    # The usual story, quicker to clear than to search: with its printable
    # ASCII, tabs and line breaks struck out, nothing or only printable
    # characters are left.
    rest = text.encode("utf-8", "surrogatepass").translate(None, _PLAIN)
    if not rest or rest.decode("utf-8", "surrogatepass").isprintable():
        return text, found
    first = FORBIDDEN.search(text)
    if first is None:
        return text, found
    # One diagnostic per kind of fault and line, however many bad characters
    # it holds: a binary file must not cost a diagnostic per byte.
    line = text.count("\n", 0, first.start()) + 1
    line_start = text.rfind("\n", 0, first.start()) + 1
    counted = first.start()
    firsts: dict[tuple[int, Rule], tuple[str, int]] = {}
    more: dict[tuple[int, Rule], int] = {}
    for match in FORBIDDEN.finditer(text, first.start()):
        pos = match.start()
        newlines = text.count("\n", counted, pos)
        if newlines:
            line += newlines
            line_start = text.rfind("\n", 0, pos) + 1
        counted = pos
        char = match.group()
        key = (line, _fault(char, from_bytes))
        if key in firsts:
            more[key] = more.get(key, 0) + 1
        else:
            firsts[key] = (char, pos - line_start + 1)
    for (line, code), (char, column) in firsts.items():
        message = _message(code, char)
        if (line, code) in more:
            message += f" ({more[line, code]} more on this line)"
        found.append(diagnostic(code, line, column, message, hint=_FAULT_HINTS.get(code)))
    found.sort(key=lambda item: (item.line, item.column))
    return FORBIDDEN.sub("\ufffd", text), found


_FIRST_LINE = re.compile(r"(?:[ \t]*\n)*[ \t]*([^\n]*)")


def detect_kind(text: str) -> Kind:
    """A story whose first non-blank line is a brief heading is a brief."""
    first = _FIRST_LINE.match(text)
    line = first.group(1).rstrip(" \t") if first else ""
    return "brief" if line in BRIEF_HEADINGS else "card"


LineEnding = Literal["auto", "lf", "crlf"]
"""How ``fmt`` ends lines: as the file does (``auto``), or always LF or CRLF."""


def line_break(data: bytes, line_ending: LineEnding = "auto") -> bytes:
    """The line break to write into a file: under ``auto``, CRLF if the file's
    first line break is CRLF, LF otherwise (a lone CR too)."""
    if line_ending == "auto":
        first = re.search(rb"\r\n?|\n", data)
        return b"\r\n" if first is not None and first.group() == b"\r\n" else b"\n"
    return b"\r\n" if line_ending == "crlf" else b"\n"
