"""Near-misses: the format's own words (headings, the footer, Story Stats keys)
written another way, as a writer types them when a finger slips, and what to
say about them. One matcher serves the reader's errors and warnings, their
fixes, and the editor's hints."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Literal, NamedTuple

from storyfmt._diagnostics import quote

# Every character str.split() takes for whitespace (what a loose reading
# drops), and what it may drop from the end of a line: whitespace,
# apostrophes, and the punctuation and digits :func:`_letters` strips there.
_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_DROPPABLE_END = _WHITESPACE + "'`\u2018\u2019:.!?0123456789"
_ASCII_DROPPED = ("".join(char for char in _WHITESPACE if char.isascii()) + "'`").encode()
_END_PUNCTUATION = _WHITESPACE + ":.!?"
_COUNT = re.compile(r"^(.*?)\s*([0-9]+)$")
_DIGITS = frozenset("0123456789")


def loosely(line: str) -> str:
    """A line as it reads aloud: in lower case, without apostrophes or the
    punctuation at its end (``:``, ``.``, ``!``, ``?``), and with every run of
    spaces of any kind (a no-break space too) made one space.

    >>> loosely("  What\u2019s\u00a0Next?  "), loosely("Top  Keywords:")
    ('whats next', 'top keywords')
    """
    text = _without_apostrophes(line.casefold()).rstrip(_END_PUNCTUATION)
    return " ".join(text.split())


def _without_apostrophes(text: str) -> str:
    # str.replace is many times quicker than str.translate or re.sub here.
    return text.replace("'", "").replace("`", "").replace("\u2019", "").replace("\u2018", "")


def typos(a: str, b: str, limit: int) -> int:
    """The number of typos between ``a`` and ``b`` (letters left out, added,
    changed or swapped with the next), or ``limit + 1`` when there are more.

    >>> typos("story stast", "story stats", 2), typos("whats new", "whats next", 1)
    (1, 2)
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    # Each letter of one that the other lacks costs a typo at least.
    if sum(char not in b for char in a) > limit:
        return limit + 1
    before: list[int] | None = None
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [limit + 1] * len(b)
        # Only the cells within ``limit`` of the diagonal can stay within it.
        for j in range(max(1, i - limit), min(len(b), i + limit) + 1):
            cost = a[i - 1] != b[j - 1]
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if before is not None and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, row = row, current
    return min(row[len(b)], limit + 1)


class _Target(NamedTuple):
    """A word of the format as lines are compared with it."""

    word: str
    loose: str
    typos: int
    """The typos allowed: two in a word of twelve letters or more, one in a shorter one."""
    fewest: int
    """The fewest letters a line that nearly is the word can hold, spaces aside."""
    most: int
    """The most letters a line that nearly is the word can hold, spaces aside."""
    kinds: frozenset[str]
    """The letters of the word read loosely, each once."""


class _Words(NamedTuple):
    """The words of the format a line is compared with, ready for comparing."""

    targets: tuple[_Target, ...]
    most: int
    """The most letters a line that nearly is any of the words can hold."""


@lru_cache(maxsize=16)
def _words(words: tuple[str, ...]) -> _Words:
    found = []
    for word in words:
        loose = loosely(word)
        limit = 2 if len(loose) >= 12 else 1
        letters = len(loose.replace(" ", ""))
        found.append(
            _Target(word, loose, limit, letters - limit, letters + limit, frozenset(loose))
        )
    return _Words(tuple(found), max((target.most for target in found), default=0))


def _too_long(line: str, most: int) -> bool:
    """Whether a line surely holds more than ``most`` letters, read loosely.

    Most lines of a story (answers, paragraphs) are far longer than any word of
    the format, and this tells so from their first characters. What it counts
    is never more than :func:`_letters` counts: the characters before any a
    loose reading may drop at the end, other than whitespace and apostrophes.
    """
    head = line.rstrip(_DROPPABLE_END)[: 2 * most + 16]
    if head.isascii():  # the quick way, in bytes
        return len(head.encode().translate(None, _ASCII_DROPPED)) > most
    head = "".join(head.split())
    apostrophes = head.count("'") + head.count("`") + head.count("\u2018") + head.count("\u2019")
    return len(head) - apostrophes > most


def _letters(line: str) -> int:
    """How many letters a line holds when read loosely, without its spaces and
    a count at its end: exactly, for ASCII text (lower case may give more, as
    ``ß`` is ``ss``). Most lines of a story are too long or too short to be
    near any word of the format, and this tells so without reading them further."""
    if line.isascii():  # the quick way: the only spaces are the space and the tab
        text = line.replace("'", "").replace("`", "").rstrip(" \t:.!?")
        text = text.rstrip("0123456789").rstrip(" \t") or text
        return len(text) - text.count(" ") - text.count("\t")
    text = " ".join(_without_apostrophes(line).split()).rstrip(" :.!?")
    text = text.rstrip("0123456789").rstrip(" ") or text
    return len(text) - text.count(" ")


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
    known = _words(words if isinstance(words, tuple) else tuple(words))
    return None if _too_long(line, known.most) else _near_miss(line, known)


def near_misses(lines: Iterable[str], words: Iterable[str]) -> Iterator[tuple[int, NearMiss]]:
    """The number and the near-miss of each of ``lines`` that :func:`near_miss`
    finds one for: the lines of a whole story at once, most passed over at a glance.

    >>> list(near_misses(["Top Keyword", "A long answer about the summit.", ""], ["Top Keywords"]))
    [(0, NearMiss(meant='Top Keywords', how='misspelt'))]
    """
    known = _words(words if isinstance(words, tuple) else tuple(words))
    most = known.most
    for number, line in enumerate(lines):
        if not _too_long(line, most) and (miss := _near_miss(line, known)) is not None:
            yield number, miss


def _near_miss(line: str, known: _Words) -> NearMiss | None:
    letters = _letters(line)
    exact = line.isascii()  # no letter that lower case makes two
    targets = [
        target
        for target in known.targets
        if letters <= target.most and (letters >= target.fewest or not exact)
    ]
    if not targets:
        return None
    loose = loosely(line)
    count = ""
    found = _COUNT.match(loose) if loose[-1:] in _DIGITS else None
    if found is not None and found.group(1):
        loose, count = found.group(1), " " + found.group(2)
    best: list[tuple[int, str]] = []
    kinds = set(loose)
    for target in targets:
        if loose == target.loose:
            best.append((0, target.word))
        elif len(kinds - target.kinds) > target.typos:
            continue  # each letter the word lacks costs a typo at least
        elif (distance := typos(loose, target.loose, target.typos)) <= target.typos:
            best.append((distance, target.word))
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
