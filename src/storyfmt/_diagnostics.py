"""Diagnostics: the catalogue of problem codes, the ``Diagnostic`` record, the
library's error type, and a compiler-style renderer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]


class Code(NamedTuple):
    """One entry of the catalogue of problems storyfmt reports."""

    code: str
    name: str
    severity: Severity
    summary: str


def _catalogue(*codes: Code) -> dict[str, Code]:
    return {entry.code: entry for entry in codes}


CODES: dict[str, Code] = _catalogue(
    # Encoding and characters
    Code("SF101", "invalid-utf8", "error", "the file is not valid UTF-8"),
    Code("SF102", "forbidden-character", "error", "a control character or lone surrogate"),
    Code("SF103", "misplaced-bom", "error", "a byte-order mark after the start of the file"),
    Code("SF104", "no-story", "error", "the file is empty or holds only blank lines"),
    # Structure
    Code("SF201", "unexpected-line", "error", "a line where the format allows none"),
    Code("SF202", "missing-title", "error", "a card without a title"),
    Code("SF203", "header-too-long", "error", "more header lines than rank, title, headline, tags"),
    Code("SF204", "section-order", "error", "a section before one it must follow"),
    Code("SF205", "duplicate-section", "error", "a section given twice"),
    Code("SF206", "empty-section", "error", "a section heading with no content"),
    Code("SF207", "missing-value", "error", "a Story Stats key without a value line"),
    Code("SF208", "duplicate-key", "error", "a Story Stats key given twice"),
    Code("SF209", "key-case", "error", "a Story Stats key that differs from a known key in case"),
    Code("SF210", "missing-answer", "error", "a Further Learning question without an answer"),
    Code("SF211", "long-question", "error", "a Further Learning question longer than one line"),
    Code("SF212", "extra-keyword-line", "error", "more than one line under Top Keywords"),
    Code("SF213", "not-a-tag-line", "error", "a keyword line that does not end with ' /'"),
    Code("SF214", "empty-tag", "error", "an empty item in a tag line"),
    Code("SF215", "after-footer", "error", "text after 'You're all caught up'"),
    Code("SF216", "brief-without-heading", "error", "a brief that does not start with a heading"),
    # Values
    Code("SF301", "invalid-number", "error", "Virality that is not a decimal number"),
    Code("SF302", "invalid-integer", "error", "Articles that is not a whole number"),
    Code("SF303", "invalid-duration", "error", "a Duration that is not '<number> <unit>'"),
    Code("SF304", "out-of-range", "error", "a number too large to keep exactly"),
    Code("SF305", "invalid-text", "error", "text the format cannot hold in that place"),
    # JSON
    Code("SF401", "invalid-json", "error", "a JSON document that does not parse"),
    Code("SF402", "invalid-json-value", "error", "a wrong JSON value or an unknown key"),
    # Warnings
    Code("SF501", "unknown-status", "warning", "a Status outside the known vocabulary"),
    Code("SF502", "unknown-leaning", "warning", "a Political leaning outside the known vocabulary"),
    Code("SF503", "question-mark", "warning", "a question that does not end with '?'"),
    Code("SF504", "breakdown-count", "warning", "a Breakdown count smaller than its points"),
    Code("SF505", "keywords-differ", "warning", "Top Keywords that differ from the header tags"),
)


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in a story, located in its source.

    Lines and columns are 1-based; columns count characters. ``end_line`` and
    ``end_column`` (exclusive) are set where the extent is known.

    >>> from storyfmt import validate
    >>> print(validate("Title\\n\\nStory Stats\\n\\nVirality\\nhigh\\n")[0])
    line 6: Virality must be a number, got 'high'
    """

    line: int
    column: int
    code: str
    severity: Severity
    message: str
    end_line: int | None = None
    end_column: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def diagnostic(
    code: str,
    line: int,
    column: int,
    message: str,
    *,
    end_column: int | None = None,
    hint: str | None = None,
) -> Diagnostic:
    """Make a diagnostic with the severity the catalogue gives its code."""
    return Diagnostic(
        line=line,
        column=column,
        code=code,
        severity=CODES[code].severity,
        message=message,
        end_line=None if end_column is None else line,
        end_column=end_column,
        hint=hint,
    )


def quote(text: str, limit: int = 60) -> str:
    """Quote a piece of the user's text for a message, shortened if long."""
    if len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    return "'" + text + "'"


def render(
    item: Diagnostic,
    source_lines: Sequence[str] | None = None,
    path: str = "<string>",
) -> str:
    """Render a diagnostic like a compiler does.

    The first line is ``path:line:col: severity[CODE] message``; when the source
    lines are given, the offending line follows with a caret under the column,
    then the hint, if any.
    """
    head = f"{path}:{item.line}:{item.column}: {item.severity}[{item.code}] {item.message}"
    out = [head]
    if source_lines is not None and 0 < item.line <= len(source_lines):
        text = source_lines[item.line - 1].replace("\t", " ")
        gutter = str(item.line)
        width = 1
        if item.end_column is not None and item.end_line == item.line:
            width = max(1, item.end_column - item.column)
        out.append(f" {gutter} | {text}")
        out.append(f" {' ' * len(gutter)} | {' ' * (item.column - 1)}{'^' * width}")
    if item.hint:
        out.append(f" = hint: {item.hint}")
    return "\n".join(out)


class StoryFormatError(ValueError):
    """Raised for any input that is not a valid story.

    ``diagnostics`` holds every error found (warnings are not included), in
    line order. ``str()`` renders them with the source line and a caret.
    """

    def __init__(
        self,
        diagnostics: Iterable[Diagnostic],
        *,
        source_lines: Sequence[str] | None = None,
        path: str = "<string>",
    ) -> None:
        self.diagnostics: list[Diagnostic] = list(diagnostics)
        self.path = path
        text = "\n".join(render(d, source_lines, path) for d in self.diagnostics)
        super().__init__(text)
