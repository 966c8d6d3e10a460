"""Editorial rules: warnings about stories that are valid but probably wrong,
and ``validate``, which reports every error and warning of a story."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from storyfmt._diagnostics import Diagnostic, diagnostic, quote
from storyfmt._lexer import Kind
from storyfmt._parser import Path_, Span, parse_text
from storyfmt._vocabulary import KNOWN_LEANINGS, KNOWN_STATUS


def _warn(code: str, span: Span | None, message: str, hint: str | None = None) -> Diagnostic:
    line, column, end = span if span is not None else (1, 1, None)
    return diagnostic(code, line, column, message, end_column=end, hint=hint)


def _repeats(
    code: str, noun: str, items: Iterable[tuple[str, Path_]], spans: Mapping[Path_, Span]
) -> list[Diagnostic]:
    """A warning at each item equal to an earlier one; ``items`` pairs each with its path."""
    found: list[Diagnostic] = []
    first: dict[str, Span | None] = {}
    for item, path in items:
        span = spans.get(path)
        if item not in first:
            first[item] = span
            continue
        earlier = first[item]
        where = ""
        if earlier is not None and span is not None:
            where = (
                f" (first at column {earlier.column})"
                if earlier.line == span.line
                else f" (first on line {earlier.line})"
            )
        found.append(_warn(code, span, f"{noun} {quote(item)} is given twice{where}"))
    return found


def check_rules(fields: Mapping[str, Any], spans: Mapping[Path_, Span]) -> list[Diagnostic]:
    """Warnings for a story's fields (as parsed, or as a model dumps them)."""
    found: list[Diagnostic] = []
    stats = fields.get("stats") or {}
    for key, field, known, code in (
        ("Status", "status", KNOWN_STATUS, "SF501"),
        ("Political leaning", "political_leaning", KNOWN_LEANINGS, "SF502"),
    ):
        value = stats.get(field)
        if value is not None and value not in known:
            found.append(
                _warn(
                    code,
                    spans.get(("stats", field)),
                    f"{key} {quote(value)} is not one of the known values",
                    hint="known values: " + ", ".join(known),
                )
            )
    for number, item in enumerate(fields.get("further_learning") or ()):
        if not item["question"].endswith("?"):
            found.append(
                _warn(
                    "SF503",
                    spans.get(("further_learning", number, "question")),
                    f"the question {quote(item['question'])} does not end with '?'",
                )
            )
    found += _repeats(
        "SF508",
        "the question",
        (
            (item["question"], ("further_learning", index, "question"))
            for index, item in enumerate(fields.get("further_learning") or ())
        ),
        spans,
    )
    breakdown = fields.get("breakdown") or {}
    points = breakdown.get("points") or ()
    found += _repeats(
        "SF507",
        "the point",
        ((point, ("breakdown", "points", index)) for index, point in enumerate(points)),
        spans,
    )
    for field, noun in (("tags", "the tag"), ("keywords", "the keyword")):
        items = fields.get(field) or ()
        found += _repeats(
            "SF506", noun, ((item, (field, index)) for index, item in enumerate(items)), spans
        )
    count = breakdown.get("count")
    if count is not None and count < len(points):
        found.append(
            _warn(
                "SF504",
                spans.get(("breakdown",)),
                f"The Breakdown shows {count} but lists {len(points)} points",
            )
        )
    tags, keywords = fields.get("tags"), fields.get("keywords")
    if tags and keywords and list(tags) != list(keywords):
        tag_span = spans.get(("tags",))
        where = f" (line {tag_span.line})" if tag_span is not None else ""
        found.append(
            _warn(
                "SF505",
                spans.get(("keywords", 0)),
                f"Top Keywords differ from the header tags{where}",
            )
        )
    return found


def validate(source: str | bytes, *, kind: Kind | None = None) -> list[Diagnostic]:
    """Check a story and return every error and warning found, in line order.

    Unlike :func:`loads`, it never raises for bad input, and it reports warnings
    too (values outside the known vocabularies, questions without ``?``, repeated
    items...). An empty list means a valid story with nothing to warn about.
    After ten errors the rest are counted in one ``SF100`` diagnostic.

    Args:
        source: The story, as text or UTF-8 bytes.
        kind: ``"card"`` or ``"brief"`` to check the story as that kind.

    Returns:
        A list of :class:`Diagnostic`, errors and warnings, sorted by position.

    Raises:
        ValueError: ``kind`` is neither ``"card"``, ``"brief"`` nor None.
        TypeError: ``source`` is neither text nor bytes.

    Example:
        >>> for d in validate("Title\\n\\nStory Stats\\n\\nStatus\\nPending\\nVirality\\nhigh\\n"):
        ...     print(d.line, d.code, d.severity, d.message)
        6 SF501 warning Status 'Pending' is not one of the known values
        8 SF301 error Virality must be a number, got 'high'
    """
    _, parsed = parse_text(source, kind)
    # A warning about a value on a line with an error would only echo the error.
    faulty = {item.line for item in parsed.problems}
    warnings = check_rules(parsed.fields, parsed.spans)
    found = parsed.problems + [item for item in warnings if item.line not in faulty]
    found.sort(key=lambda item: (item.line, item.column))
    return found
