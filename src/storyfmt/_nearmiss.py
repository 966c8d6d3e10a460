"""Near-misses: the format's own words (headings, the footer, Story Stats keys)
written another way, as a writer types them when a finger slips, and what to
say about them. One matcher serves the reader's errors and warnings, their
fixes, and the editor's hints."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Literal, NamedTuple

from storyfmt._diagnostics import quote

# Every character str.split() takes for whitespace (what a loose reading
# drops), and the bytes a quick count of a line's letters leaves out: the
# ASCII characters a loose reading may drop (whitespace, apostrophes, end
# punctuation and a count's digits) but the line break, and every byte of a
# character beyond ASCII.
_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
    "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_END_PUNCTUATION = _WHITESPACE + ":.!?"
_UNCOUNTED = bytes(
    byte
    for byte in range(256)
    if byte >= 0x80 or (chr(byte) in _END_PUNCTUATION + "'`0123456789" and byte != ord("\n"))
)
_AS_X = bytes(byte if byte == ord("\n") else ord("x") for byte in range(256))
_COUNT = re.compile(r"^(.*?)\s*([0-9]+)$")
_DIGITS = frozenset("0123456789")


def loosely(line: str) -> str:
    """A line as it reads aloud: in lower case, without apostrophes or the
    punctuation at its end (``:``, ``.``, ``!``, ``?``), and with every run of
    spaces of any kind (a no-break space too) made one space.

    >>> loosely("  What\u2019s\u00a0Next?  "), loosely("Top  Keywords:")
    ('whats next', 'top keywords')
    """
    # str.replace is many times quicker than str.translate or re.sub here.
    text = line.casefold().replace("'", "").replace("`", "").replace("\u2019", "")
    return " ".join(text.replace("\u2018", "").rstrip(_END_PUNCTUATION).split())


def typos(a: str, b: str, limit: int) -> int:
    """The number of typos between ``a`` and ``b`` (letters left out, added,
    changed or swapped with the next), or ``limit + 1`` when there are more.

    >>> typos("story stast", "story stats", 2), typos("whats new", "whats next", 1)
    (1, 2)
    """
    if abs(len(a) - len(b)) > limit:
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
    letters: bytes
    """The letters of the word read loosely (all ASCII), to strike from a line."""


class _Words(NamedTuple):
    """The words of the format a line is compared with, ready for comparing."""

    near: dict[int, tuple[_Target, ...]]
    """The words a line may nearly be, by the letters it holds (spaces aside):
    a typo adds or takes one letter at most, so a word is listed under the
    counts within its typos of its own."""
    most: int
    """The most letters a line that nearly is any of the words can hold."""


@lru_cache(maxsize=16)
def _words(words: tuple[str, ...]) -> _Words:
    near: dict[int, list[_Target]] = {}
    for word in words:
        loose = loosely(word)
        limit = 2 if len(loose) >= 12 else 1
        letters = len(loose.replace(" ", ""))
        target = _Target(word, loose, limit, loose.encode("ascii"))
        for count in range(letters - limit, letters + limit + 1):
            near.setdefault(count, []).append(target)
    return _Words({count: tuple(found) for count, found in near.items()}, max(near, default=0))


def _kept(text: str) -> bytes:
    """An ``x`` for each ASCII character of ``text`` that a loose reading keeps,
    and its line breaks: never more than the letters :func:`_near_miss` counts
    in a line."""
    return text.encode("utf-8", "surrogatepass").translate(_AS_X, _UNCOUNTED)


def _short_lines(lines: Sequence[str], most: int) -> list[int]:
    """The indexes of the ``lines`` that may hold at most ``most`` letters read
    loosely; a line never does if it is not among them.

    Most lines of a story (answers, paragraphs) are far longer than any word of
    the format, and their first characters tell so: this counts what
    :func:`_kept` keeps of each line's start, for all the lines at once. Every
    line is long when each of its line breaks is followed by more than
    ``most`` ``x``.
    """
    # Half as many characters again as the letters a short line holds: a line
    # of prose keeps more than ``most`` of them (spaces are one in six).
    counted = _kept(f"\n%.{most + 1 + most // 2}s" * len(lines) % tuple(lines))
    if counted.count(b"\n" + b"x" * (most + 1)) == len(lines):
        return []
    return [index for index, kept in enumerate(counted.split(b"\n")[1:]) if len(kept) <= most]


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
    # A line no longer than the most letters needs no count of them.
    if len(line) <= known.most or len(_kept(line)) <= known.most:
        return _near_miss(line, known)
    return None


def near_misses(lines: Sequence[str], words: Iterable[str]) -> Iterator[tuple[int, NearMiss]]:
    """The index and the near-miss of each of ``lines`` that :func:`near_miss`
    finds one for: the lines of a whole story at once, most passed over at a glance.

    >>> list(near_misses(["Top Keyword", "A long answer about the summit.", ""], ["Top Keywords"]))
    [(0, NearMiss(meant='Top Keywords', how='misspelt'))]
    """
    known = _words(words if isinstance(words, tuple) else tuple(words))
    for index in _short_lines(lines, known.most):
        if (miss := _near_miss(lines[index], known)) is not None:
            yield index, miss


def _near_miss(line: str, known: _Words) -> NearMiss | None:
    loose = loosely(line)
    count = ""
    found = _COUNT.match(loose) if loose[-1:] in _DIGITS else None
    if found is not None and found.group(1):
        loose, count = found.group(1), " " + found.group(2)
    targets = known.near.get(len(loose) - loose.count(" "))
    if targets is None:
        return None
    # Each character beyond ASCII is one '?', which no word holds.
    characters = loose.encode("ascii", "replace")
    best: list[tuple[int, str]] = []
    for word, target, limit, letters in targets:
        if loose == target:
            best.append((0, word))
        elif len(characters.translate(None, letters)) > limit:
            continue  # each character the word lacks costs a typo
        elif (distance := typos(loose, target, limit)) <= limit:
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
