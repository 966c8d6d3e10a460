"""Fixes: the edits that diagnostics offer, applied to a story's bytes, and kept
only when the story reads better for them.

Edits are placed by line and column as diagnostics count them (line breaks of
any kind, a leading byte-order mark left out). They are written into the bytes
as they are: every line keeps its own line break, and a line break an edit adds
is the file's own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from storyfmt._diagnostics import Diagnostic, Edit
from storyfmt._rules import Form, validate
from storyfmt._source import line_break

_MAX_ROUNDS = 100
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_MORE = re.compile(r"([0-9,]+) more")
_BOM = "\ufeff"


class Fixed(NamedTuple):
    """What fixing a story did: its new bytes, how many fixes were applied, and
    the diagnostics left."""

    data: bytes
    applied: int
    remaining: list[Diagnostic]


def fixable(item: Diagnostic, *, unsafe: bool) -> bool:
    """Whether ``item`` has a fix that is applied (an unsafe one only if asked)."""
    return item.fix is not None and (unsafe or item.fix.applicability == "safe")


def apply_edits(data: bytes, edits: Sequence[Edit]) -> tuple[bytes, int]:
    """The bytes with the edits applied, and how many were; an edit that overlaps
    an earlier one (in the order of the text) is left out."""
    text = data.decode("utf-8", "surrogateescape")
    bom = _BOM if text.startswith(_BOM) else ""
    lines = _LINES.findall(text[len(bom) :])
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    newline = line_break(data).decode()

    def offset(line: int, column: int) -> int:
        if line > len(lines):
            return starts[-1]
        body = lines[line - 1].rstrip("\r\n")
        return starts[line - 1] + min(column - 1, len(body))

    body = text[len(bom) :]
    pieces: list[str] = []
    done = 0
    applied = 0
    for edit in sorted(edits, key=lambda e: (e.line, e.column, e.end_line, e.end_column)):
        start, end = offset(edit.line, edit.column), offset(edit.end_line, edit.end_column)
        if start < done:
            continue
        pieces += [body[done:start], edit.content.replace("\n", newline)]
        done = end
        applied += 1
    pieces.append(body[done:])
    return (bom + "".join(pieces)).encode("utf-8", "surrogateescape"), applied


def _errors(found: Sequence[Diagnostic]) -> int:
    """How many errors ``found`` holds, the ones only counted in an ``SF100`` too."""
    count = 0
    for item in found:
        if item.severity != "error":
            continue
        more = _MORE.match(item.message) if item.code == "SF100" else None
        count += int(more.group(1).replace(",", "")) if more else 1
    return count


def fix(
    data: bytes,
    *,
    form: Form = "text",
    unsafe: bool = False,
    wanted: Callable[[Diagnostic], bool] | None = None,
) -> Fixed:
    """Apply the fixes the diagnostics of a story offer, round after round.

    A round applies every fix offered (the safe ones, and the unsafe ones with
    ``unsafe``), then reads the story again: fixing one line may let the parser
    read, and fix, the lines after it (a run of bullets without a space is one
    error, on its first line). A round is kept only if it changed the story and
    left it with no more errors than before; else the story is left as the last
    good round made it. ``wanted`` chooses the diagnostics whose fixes apply
    (by default, all).
    """
    found = validate(data, form=form)
    applied = 0
    for _ in range(_MAX_ROUNDS):
        fixes = [
            item
            for item in found
            if fixable(item, unsafe=unsafe) and (wanted is None or wanted(item))
        ]
        if not fixes:
            break
        edits = [edit for item in fixes if item.fix is not None for edit in item.fix.edits]
        candidate, count = apply_edits(data, edits)
        after = validate(candidate, form=form)
        if candidate == data or _errors(after) > _errors(found):
            break
        data, found, applied = candidate, after, applied + count
    return Fixed(data, applied, found)
