"""Near-misses: the format's own words (headings, the footer, Story Stats keys)
written another way, as a writer types them when a finger slips, and what to
say about them. One matcher serves the reader's errors and warnings, their
fixes, and the editor's hints."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal, NamedTuple

from storyfmt._diagnostics import quote

_SPACES = re.compile(r"\s+")
_APOSTROPHES = re.compile("['\u2019\u2018`]")
_END_PUNCTUATION = re.compile(r"[\s:.!?]+$")
_COUNT = re.compile(r"^(.*?)\s*([0-9]+)$")


def loosely(line: str) -> str:
    """A line as it reads aloud: in lower case, without apostrophes or the
    punctuation at its end (``:``, ``.``, ``!``, ``?``), and with every run of
    spaces of any kind (a no-break space too) made one space.

    >>> loosely("  What\u2019s\u00a0Next?  "), loosely("Top  Keywords:")
    ('whats next', 'top keywords')
    """
    text = _APOSTROPHES.sub("", line.casefold())
    return _SPACES.sub(" ", _END_PUNCTUATION.sub("", text)).strip()


def typos(a: str, b: str, limit: int) -> int:
    """The number of typos between ``a`` and ``b`` (letters left out, added,
    changed or swapped with the next), or ``limit + 1`` when there are more."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] | None = None
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if before is not None and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return min(row[len(b)], limit + 1)


def _allowed_typos(word: str) -> int:
    """Two typos in a word of twelve letters or more, one in a shorter one."""
    return 2 if len(word) >= 12 else 1


class NearMiss(NamedTuple):
    """The word a line was meant to be, and how it was written instead."""

    meant: str
    """The heading or key, written exactly (a Breakdown count kept)."""
    how: Literal["written another way", "misspelt"]
    """Another way: case, apostrophes, spaces or end punctuation; misspelt: typos."""


def near_miss(line: str, words: Iterable[str]) -> NearMiss | None:
    """The one word of ``words`` a trimmed line misses closely, if any.

    A line misses a word when it reads the same loosely (:func:`loosely`), or
    loosely has at most one typo (two in a word of twelve letters or more) and
    is not that close to any other word. The line itself being one of the
    words is no miss. ``The Breakdown`` keeps the count written after it.

    >>> near_miss("Top Keyword", ["Top Keywords", "Story Stats"])
    NearMiss(meant='Top Keywords', how='misspelt')
    >>> near_miss("the breakdown 4", ["The Breakdown"]).meant
    'The Breakdown 4'
    >>> near_miss("What's new?", ["What's Next?"]) is None
    True
    """
    loose = loosely(line)
    count = ""
    found = _COUNT.match(loose)
    if found is not None and found.group(1):
        loose, count = found.group(1), " " + str(int(found.group(2)))
    best: list[tuple[int, str]] = []
    for word in words:
        target = loosely(word)
        distance = 0 if loose == target else typos(loose, target, _allowed_typos(target))
        if distance <= _allowed_typos(target):
            best.append((distance, word))
    if not best:
        return None
    best.sort()
    distance, word = best[0]
    if len(best) > 1 and best[1][0] == distance:
        return None
    if count and word != "The Breakdown":
        return None
    meant = word + count
    if meant == line.strip(" \t").replace("\u2019", "'"):
        return None
    return NearMiss(meant, "written another way" if distance == 0 else "misspelt")


def missed_heading(found: str, miss: NearMiss) -> tuple[str, str]:
    """The message and hint for a line that is a heading written another way."""
    message = f"{quote(found)} is not a heading: did you mean {quote(miss.meant)}?"
    if miss.how == "misspelt":
        return message, f"the heading is spelt {quote(miss.meant)}"
    return message, "a heading is written exactly: capitals, apostrophes, spaces and all"


def as_tag_line(found: str) -> str:
    """A line that was meant as a tag line, ending with its ' /'.

    >>> as_tag_line("Nara, Japan/"), as_tag_line("Nara / Seoul")
    ('Nara, Japan /', 'Nara / Seoul /')
    """
    if found.endswith("/"):
        return found[:-1].rstrip(" \t") + " /"
    return f"{found} /"
