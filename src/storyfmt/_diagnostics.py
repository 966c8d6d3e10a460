"""Diagnostics: the ``Diagnostic`` record, the library's error type, and a
compiler-style renderer. The codes they carry are the ``Rule`` members."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from storyfmt._codes import Applicability, Rule, Severity
from storyfmt._vocabulary import FORBIDDEN


class Edit(NamedTuple):
    """Replace the text from one place to another (1-based, end excluded) with ``content``.

    An edit whose start and end are the same place inserts ``content`` there; a
    line break in ``content`` is ``\\n``, written as the file's own line break.
    """

    line: int
    column: int
    end_line: int
    end_column: int
    content: str


class Fix(NamedTuple):
    """A change to the source that resolves a diagnostic.

    Attributes:
        applicability: ``"safe"`` when the change can only be what was meant
            (a heading written another way); ``"unsafe"`` when it changes the
            story's text and a person should look (a question mark added).
        message: What the fix does, as a short sentence.
        edits: The edits, which never overlap.
    """

    applicability: Applicability
    message: str
    edits: tuple[Edit, ...]


class Diagnostic(NamedTuple):
    """One problem found in a story, located in its source.

    Attributes:
        line: 1-based line of the problem.
        column: 1-based column, counting characters.
        code: The stable code of the problem, such as ``SF301`` (see the rules).
        severity: ``"error"`` (not a valid story) or ``"warning"``.
        message: A sentence for a person, quoting the text at fault.
        end_line: The line where the problem's extent ends, where known.
        end_column: The column just after the extent, where known.
        hint: What to do about it, where there is something to say.
        fix: The change to the source that resolves it, where one is certain
            enough to offer (see ``storyfmt check --fix``).

    Example:
        >>> from storyfmt import validate
        >>> problem = validate("Title\\n\\nStory Stats\\n\\nVirality\\nhigh\\n")[0]
        >>> print(problem)
        line 6: Virality must be a number, got 'high'
        >>> problem.column, problem.end_column, problem.code
        (1, 5, 'SF301')
    """

    line: int
    column: int
    code: str
    severity: Severity
    message: str
    end_line: int | None = None
    end_column: int | None = None
    hint: str | None = None
    fix: Fix | None = None

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


def diagnostic(
    code: Rule,
    line: int,
    column: int,
    message: str,
    *,
    end_column: int | None = None,
    hint: str | None = None,
    fix: Fix | None = None,
) -> Diagnostic:
    """Make a diagnostic with the severity the catalogue gives its rule.

    The diagnostic holds the rule's code as a plain ``str``.
    """
    return Diagnostic(
        line=line,
        column=column,
        code=code.value,
        severity=code.severity,
        message=message,
        end_line=None if end_column is None else line,
        end_column=end_column,
        hint=hint,
        fix=fix,
    )


def replace_line(
    line: int, column: int, old: str, new: str, *, message: str, applicability: Applicability
) -> Fix:
    """A fix that replaces the text ``old`` at ``line:column`` with ``new``."""
    edit = Edit(line, column, line, column + len(old), new)
    return Fix(applicability, message, (edit,))


MAX_ERRORS = 10
"""How many errors are listed for one story before the rest are only counted."""

MAX_WARNINGS = 10
"""How many warnings are listed for one story before the rest are only counted."""

_SUMMARIES: dict[Severity, tuple[Rule, int]] = {
    "error": (Rule.TOO_MANY_ERRORS, MAX_ERRORS),
    "warning": (Rule.TOO_MANY_WARNINGS, MAX_WARNINGS),
}


def cap(found: Iterable[Diagnostic], severity: Severity = "error") -> list[Diagnostic]:
    """Keep the first problems of one severity in line order, and count the rest.

    Past ``MAX_ERRORS`` errors, later ones are mostly consequences of earlier
    ones; past ``MAX_WARNINGS`` warnings, more say nothing new. One ``SF100``
    (errors) or ``SF500`` (warnings) diagnostic at the first one left out says
    how many there were. ``found`` is read one item at a time and only the ones
    kept are held, so that a story with a million warnings costs no more memory
    than one with ten.
    """
    rule, limit = _SUMMARIES[severity]
    # A heap of the first limit + 1 in (line, column, arrival) order, keys
    # negated so that the root is the last of them, the one to drop.
    kept: list[tuple[int, int, int, Diagnostic]] = []
    total = 0
    for total, item in enumerate(found, 1):
        entry = (-item.line, -item.column, -total, item)
        if len(kept) <= limit:
            heapq.heappush(kept, entry)
        elif entry > kept[0]:
            heapq.heapreplace(kept, entry)
    ordered = [entry[3] for entry in sorted(kept, reverse=True)]
    if total <= limit:
        return ordered
    first, more = ordered[limit], total - limit
    plural = "s" if more > 1 else ""
    advice = "fix the ones above first" if severity == "error" else "see the ones above first"
    return [
        *ordered[:limit],
        diagnostic(
            rule,
            first.line,
            first.column,
            f"{more:,} more {severity}{plural} not shown; {advice}",
        ),
    ]


def quote(text: str, limit: int = 60) -> str:
    """Quote a piece of the user's text for a message, shortened if long.

    Characters that cannot be told from a space or from nothing (a no-break
    space, a tab, a zero-width space) are shown by their code point, so that a
    line which looks right can be seen to be wrong:

    >>> quote("Top\u00a0Keywords")
    "'Top[U+00A0]Keywords'"
    """
    if len(text) > limit:
        text = text[: limit - 1] + "\u2026"
    if not text.isprintable():
        text = "".join(_visible(char) for char in text)
    return "'" + text + "'"


def _visible(char: str) -> str:
    if char == " " or (char.isprintable() and not char.isspace()):
        return char
    return f"[U+{ord(char):04X}]"


_EXCERPT = 100


def _excerpt(line: str, start: int, end: int) -> tuple[str, int, int]:
    """Cut a long source line down to the part around ``start:end`` (0-based).

    Returns the text to show and the span to underline within it.
    """
    # Show what cannot be printed (control characters, bytes that are not UTF-8)
    # as U+FFFD, so that the excerpt can be written to any terminal or file.
    line = FORBIDDEN.sub("\ufffd", line.replace("\t", " "))
    if len(line) <= _EXCERPT:
        return line, start, min(end, max(len(line), start + 1))
    first = max(0, min(start - _EXCERPT // 4, len(line) - _EXCERPT))
    shown = line[first : first + _EXCERPT]
    prefix = "\u2026" if first else ""
    suffix = "\u2026" if first + _EXCERPT < len(line) else ""
    start = start - first + len(prefix)
    end = min(end - first, _EXCERPT) + len(prefix)
    return prefix + shown + suffix, start, max(end, start + 1)


_COLORS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "bold": "\x1b[1m", "dim": "\x1b[2m"}
_RESET = "\x1b[0m"


def render(
    item: Diagnostic,
    source_lines: Sequence[str] | None = None,
    path: str = "<string>",
    *,
    color: bool = False,
) -> str:
    """Render a diagnostic like a compiler does.

    The first line is ``path:line:col: severity[CODE] message``; when the source
    lines are given, the offending line follows with a caret under the column,
    then the hint, if any. ``color`` adds ANSI colours for a terminal.

    >>> print(render(Diagnostic(2, 1, Rule.INVALID_NUMBER, "error", "Virality must be a number"),
    ...              ["Virality", "high"], "card.txt"))
    card.txt:2:1: error[SF301] Virality must be a number
     2 | high
       | ^
    """

    def paint(text: str, style: str) -> str:
        return f"{_COLORS[style]}{text}{_RESET}" if color else text

    where = paint(f"{path}:{item.line}:{item.column}:", "bold")
    out = [f"{where} {paint(f'{item.severity}[{item.code}]', item.severity)} {item.message}"]
    if source_lines is not None and 0 < item.line <= len(source_lines):
        start = item.column - 1
        end = start + 1
        if item.end_column is not None and item.end_line == item.line:
            end = max(end, item.end_column - 1)
        text, start, end = _excerpt(source_lines[item.line - 1], start, end)
        gutter = str(item.line)
        bar = paint("|", "dim")
        out.append(f" {paint(gutter, 'dim')} {bar} {text}")
        out.append(
            f" {' ' * len(gutter)} {bar} {' ' * start}{paint('^' * (end - start), item.severity)}"
        )
    if item.hint:
        out.append(f" = hint: {item.hint}")
    return "\n".join(out)


class StoryFormatError(ValueError):
    """Raised for any input that is not a valid story.

    A subclass of :class:`ValueError`. ``str()`` renders every error like a
    compiler does, with the source line and a caret.

    Attributes:
        diagnostics: Every error found (warnings are not included), in line order.
        path: The file name shown in the message (``<string>`` for text), or
            None for a story in memory, whose problems are named by their fields.

    Example:
        >>> from storyfmt import loads
        >>> try:
        ...     loads("Title\\n\\nStory Stats\\n\\nVirality\\nhigh\\n")
        ... except StoryFormatError as error:
        ...     print(error.diagnostics[0].line, error.diagnostics[0].code)
        6 SF301
    """

    def __init__(
        self,
        diagnostics: Iterable[Diagnostic],
        *,
        source_lines: Sequence[str] | None = None,
        path: str | None = "<string>",
    ) -> None:
        self.diagnostics: list[Diagnostic] = list(diagnostics)
        self.path = path
        if path is None:  # a story in memory: its problems name their fields, not places
            text = "\n".join(f"{d.severity}[{d.code}] {d.message}" for d in self.diagnostics)
        else:
            text = "\n".join(render(d, source_lines, path) for d in self.diagnostics)
        super().__init__(text)
