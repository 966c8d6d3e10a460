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
from storyfmt._house import House
from storyfmt._rules import HOUSE, Form, diagnose

MAX_PASSES = 100
"""The passes of fixes after which fixes that still change a story do not converge."""
_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_MORE = re.compile(r"([0-9,]+) more")
_BOM = "\ufeff"


class Repaired(NamedTuple):
    """What fixing a story did: its new bytes, how many problems its fixes
    mended, the diagnostics left, and, when the fixes did not converge, the
    codes whose fixes still changed the story at the last pass (the story is
    then left as it was)."""

    data: bytes
    applied: int
    remaining: list[Diagnostic]
    unconverged: tuple[str, ...] = ()


def fixable(item: Diagnostic, *, unsafe: bool) -> bool:
    """Whether ``item`` has a fix that is applied (an unsafe one only if asked)."""
    return item.fix is not None and (unsafe or item.fix.applicability == "safe")


def own_line_break(data: bytes) -> str:
    """The line break a story's text uses: its first one, CRLF, CR or LF (LF if none)."""
    first = re.search(rb"\r\n|\r|\n", data)
    return "\n" if first is None else first.group().decode()


def _apply(data: bytes, fixes: Sequence[Sequence[Edit]]) -> tuple[bytes, list[int]]:
    """The bytes with the fixes applied, each with all its edits or none, and
    the indexes of the fixes applied. A fix with an edit that overlaps one of a
    fix applied before it (in the order of the text) is left for another pass."""
    text = data.decode("utf-8", "surrogateescape")
    bom = _BOM if text.startswith(_BOM) else ""
    body = text[len(bom) :]
    lines = _LINES.findall(body)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    newline = own_line_break(data)

    def offset(line: int, column: int) -> int:
        if line > len(lines):
            return starts[-1]
        content = lines[line - 1].rstrip("\r\n")
        return starts[line - 1] + min(column - 1, len(content))

    placed = [
        sorted(
            (offset(e.line, e.column), offset(e.end_line, e.end_column), e.content) for e in edits
        )
        for edits in fixes
    ]
    taken: list[tuple[int, int, str]] = []
    applied: list[int] = []
    for index in sorted(range(len(placed)), key=lambda i: placed[i][:1]):
        edits = placed[index]
        if not edits or any(
            (start < end_taken and start_taken < end)
            or start == start_taken == end == end_taken  # two insertions at one place
            for start, end, _ in edits
            for start_taken, end_taken, _ in taken
        ):
            continue
        taken += edits
        applied.append(index)
    pieces: list[str] = []
    done = 0
    for start, end, content in sorted(taken):
        pieces += [body[done:start], content.replace("\n", newline)]
        done = end
    pieces.append(body[done:])
    return (bom + "".join(pieces)).encode("utf-8", "surrogateescape"), sorted(applied)


def apply_edits(data: bytes, edits: Sequence[Edit]) -> tuple[bytes, int]:
    """The bytes with the edits applied, and how many were; an edit that overlaps
    an earlier one (in the order of the text) is left out."""
    fixed, applied = _apply(data, [[edit] for edit in edits])
    return fixed, len(applied)


def _errors(found: Sequence[Diagnostic]) -> int:
    """How many errors ``found`` holds, the ones only counted in an ``SF100`` too."""
    count = 0
    for item in found:
        if item.severity != "error":
            continue
        more = _MORE.match(item.message) if item.code == "SF100" else None
        count += int(more.group(1).replace(",", "")) if more else 1
    return count


def repair(
    data: bytes,
    *,
    form: Form = "text",
    unsafe: bool = False,
    wanted: Callable[[Diagnostic], bool] | None = None,
    house: House = HOUSE,
    found: list[Diagnostic] | None = None,
) -> Repaired:
    """Apply the fixes the diagnostics of a story offer, pass after pass, until
    a pass changes nothing.

    A pass applies every fix offered (the safe ones, and the unsafe ones with
    ``unsafe``), each with all its edits or none, then reads the story again:
    fixing one line may let the parser read, and fix, the lines after it. A pass
    is kept only if it left the story with no more errors than before; else the
    story is left as the last good pass made it. Fixes that still change the
    story after ``MAX_PASSES`` passes do not converge: the story is left as it
    was, and :attr:`Repaired.unconverged` names their codes. ``wanted`` chooses the
    diagnostics whose fixes apply (by default, all), and ``house`` the
    vocabularies and house rules that the diagnostics left are found with;
    ``found``, the diagnostics of ``data`` under that house, if they are known.
    """
    original = data
    if found is None:
        found = diagnose(data, form=form, house=house)
    first = found
    applied = 0
    for _ in range(MAX_PASSES):
        fixes = [
            item
            for item in found
            if fixable(item, unsafe=unsafe) and (wanted is None or wanted(item))
        ]
        if not fixes:
            break
        candidate, used = _apply(data, [item.fix.edits for item in fixes if item.fix])
        if candidate == data:
            break
        after = diagnose(candidate, form=form, house=house)
        if _errors(after) > _errors(found):
            break
        data, found, applied = candidate, after, applied + len(used)
    else:
        codes = tuple(sorted({fixes[index].code for index in used}))
        return Repaired(original, 0, first, codes)
    return Repaired(data, applied, found)
