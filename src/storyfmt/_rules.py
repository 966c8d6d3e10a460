"""Editorial rules: warnings about stories that are valid but probably wrong,
and ``validate``, which reports every error and warning of a story."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from storyfmt._diagnostics import Diagnostic, diagnostic, quote
from storyfmt._lexer import Kind
from storyfmt._parser import Path_, Span, parse_text
from storyfmt._vocabulary import KNOWN_LEANINGS, KNOWN_STATUS


def _warn(code: str, span: Span | None, message: str, hint: str | None = None) -> Diagnostic:
    line, column, end = span if span is not None else (1, 1, None)
    return diagnostic(code, line, column, message, end_column=end, hint=hint)


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
    breakdown = fields.get("breakdown") or {}
    count, points = breakdown.get("count"), breakdown.get("points") or ()
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

    Never raises for bad input: an empty list means a valid story with nothing
    to warn about. ``kind`` forces ``"card"`` or ``"brief"`` instead of
    detecting it.

    >>> [d.code for d in validate("Title\\n\\nStory Stats\\n\\nStatus\\nPending\\n")]
    ['SF501']
    """
    _, parsed = parse_text(source, kind)
    found = parsed.problems + check_rules(parsed.fields, parsed.spans)
    found.sort(key=lambda item: (item.line, item.column))
    return found
