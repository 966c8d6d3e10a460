"""Value conversion: from the text of a terminal to the value of a field.

The grammar has checked each value's form already (a Duration is digits,
whitespace and a unit); what is left is to convert it, and to check what no
grammar can: that a number is in range and that a float keeps its digits.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from lark import Token

from storyfmt._codes import Rule
from storyfmt._diagnostics import Diagnostic, Fix, diagnostic, quote, replace_line
from storyfmt._models import format_number
from storyfmt._vocabulary import MAX_INT


class Span(NamedTuple):
    """Where a value stands in the source: 1-based line and columns (end exclusive)."""

    line: int
    column: int
    end_column: int


def content(token: Token) -> str:
    """A line's text without its indentation, trailing whitespace and line break."""
    return token.value.strip(" \t\n")  # type: ignore[no-any-return]


def lines(token: Token) -> list[str]:
    """The contents of the lines of a token that spans lines, blank lines left out."""
    text: str = token.value.strip(" \t\n")
    if "\n" not in text:
        return [text]  # the usual answer or paragraph: one line, then blank lines
    return [line for line in (raw.strip(" \t") for raw in text.split("\n")) if line]


def span(token: Token, offset: int = 0, length: int | None = None) -> Span:
    """Where the content of a line token stands, or a part of it from ``offset``."""
    assert token.line is not None
    assert token.column is not None
    first = str(token.value).partition("\n")[0]
    column = token.column + len(first) - len(first.lstrip(" \t")) + offset
    width = len(first.strip(" \t")) - offset if length is None else length
    return Span(token.line, column, column + width)


def at(
    code: Rule,
    token: Token,
    message: str,
    *,
    hint: str | None = None,
    rewrite_to: str | None = None,
) -> Diagnostic:
    """A diagnostic placed at the content of a line token; ``rewrite_to`` is the
    content its safe fix writes instead."""
    line, column, end = span(token)
    fix = None
    if rewrite_to is not None:
        old = str(token.value).partition("\n")[0].strip(" \t")
        fix = replace_line(
            line,
            column,
            old,
            rewrite_to,
            message=f"write {quote(rewrite_to)}",
            applicability="safe",
        )
    return diagnostic(code, line, column, message, end_column=end, hint=hint, fix=fix)


def placed(
    code: Rule, place: Span | None, message: str, *, hint: str | None = None, fix: Fix | None = None
) -> Diagnostic:
    """A diagnostic at the span of a value, or at the start of the story when
    its place is not known."""
    line, column, end = place if place is not None else (1, 1, None)
    return diagnostic(code, line, column, message, end_column=end, hint=hint, fix=fix)


def integer(digits: str) -> int | None:
    """The value of a digit string, or None when it is beyond ``MAX_INT``."""
    if len(digits.lstrip("0")) > len(str(MAX_INT)):
        return None
    value = int(digits)
    return value if value <= MAX_INT else None


def too_large(label: str, token: Token) -> Diagnostic:
    """SF304 for a whole number beyond ``MAX_INT``."""
    return at(
        Rule.OUT_OF_RANGE, token, f"{label} must be at most {MAX_INT}, got {quote(content(token))}"
    )


def too_precise(subject: str, written: str, value: float) -> tuple[str, str] | None:
    """The message and hint of SF304 when ``value``, the float that ``written``
    reads as, would be written as another number; None when it says the same.

    Story text, JSON and YAML share this rule: a rewrite never changes a number.
    """
    kept = format_number(value)
    try:
        if Decimal(written.replace("_", "")) == Decimal(kept):
            return None
    except InvalidOperation:  # a YAML form such as 0x10: an integer, kept exactly
        return None
    return (
        f"{subject} has more digits than can be kept exactly"
        " (at most 15 significant digits are always safe)",
        f"round it to 15 significant digits; as it is, it would be written {kept}",
    )


def whole_number(
    label: str, token: Token, digits: str | None = None
) -> tuple[int | None, Diagnostic | None]:
    """A whole number in range (the token's content, or ``digits`` in it), or the
    SF304 that says why not."""
    value = integer(content(token) if digits is None else digits)
    return (None, too_large(label, token)) if value is None else (value, None)


# A decimal of digits (and a point) this long holds at most 15 digits, which a
# float keeps exactly (and writes back the same): nothing to check.
EXACT = 15


def decimal(token: Token) -> tuple[float | None, Diagnostic | None]:
    """A Virality value: a float that keeps every digit written."""
    text = content(token)
    number = float(text)
    if len(text) <= EXACT:  # the usual value: 15 digits at most always read back
        return number, None
    if number == float("inf"):
        return None, at(Rule.OUT_OF_RANGE, token, f"Virality is too large: {quote(text)}")
    inexact = too_precise(f"Virality {quote(text)}", text, number)
    if inexact is not None:
        message, hint = inexact
        return None, at(Rule.OUT_OF_RANGE, token, message, hint=hint)
    return number, None


def duration(token: Token) -> tuple[dict[str, int | str] | None, Diagnostic | None]:
    """A Duration value: ``{"value": 7, "unit": "hour"}`` from ``7 hours``."""
    digits, unit = content(token).split(None, 1)
    value = integer(digits)
    if value is None:
        return None, too_large("Duration", token)
    return {"value": value, "unit": unit.rstrip("s")}, None


def tag_items(
    tokens: list[Token], path: str
) -> tuple[list[str], dict[tuple[str | int, ...], Span], list[Diagnostic]]:
    """The items of a tag line from its TAG, TAG_SEP and TAG_END tokens, with
    their spans, and an SF214 for each empty item."""
    items: list[str] = []
    spans: dict[tuple[str | int, ...], Span] = {}
    problems: list[Diagnostic] = []
    pending: Token | None = None  # the separator an item must follow
    for token in tokens:
        if token.type in ("FIRST_TAG", "TAG"):
            value = str(token.value)
            item = value.strip(" \t")
            assert token.line is not None
            assert token.column is not None
            if item:
                column = token.column + len(value) - len(value.lstrip(" \t"))
                spans[(path, len(items))] = Span(token.line, column, column + len(item))
                items.append(item)
            else:
                problems.append(_empty_tag(token.line, token.column, len(value)))
            pending = None
            continue
        if pending is not None:  # a separator, on one line: it ends where its text does
            assert pending.line is not None
            assert pending.column is not None
            last = token.type == "TAG_END"
            end = pending.column + len(pending.value)
            problems.append(_empty_tag(pending.line, end, 1, last=last))
        pending = token
    return items, spans, problems


def _empty_tag(line: int, column: int, width: int, *, last: bool = False) -> Diagnostic:
    message = "empty tag: every item between ' / ' separators needs text"
    if last:
        message = "empty last tag: the line ends with ' / /', a separator and then the final ' /'"
    return diagnostic(
        Rule.EMPTY_TAG,
        line,
        column,
        message,
        end_column=column + max(1, width),
        hint="end the line with one ' /'" if last else None,
    )
