"""The fixed words of the story format: headings, stats keys, vocabularies, limits."""

from __future__ import annotations

import re
from typing import Literal, NamedTuple, get_args

MAX_INT = 2**53 - 1
"""The largest integer a story may hold: the largest every JSON reader keeps exactly."""

MAX_LINE = 100_000
"""The longest line, in characters, a story may hold."""

FORBIDDEN_RANGES = "\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ud800-\udfff"
"""The characters no line of a story may hold, as the body of a regex class:
control characters but tab and LF, a byte-order mark, and lone surrogates
(which stand for bytes that are not UTF-8)."""

FORBIDDEN = re.compile(f"[{FORBIDDEN_RANGES}]")
"""A search for the characters no story may hold."""

Kind = Literal["card", "brief"]
"""The two kinds of story."""


class Section(NamedTuple):
    """One section of a story, as the grammar, the models and the writer know it."""

    kind: Kind
    field: str
    """The model field, and the grammar rule that builds it."""
    heading: str
    """The heading line, with ``'`` for the apostrophe."""
    terminal: str
    """The grammar terminal of the heading line."""


SECTIONS: tuple[Section, ...] = (
    Section("card", "stats", "Story Stats", "STATS"),
    Section("card", "breakdown", "The Breakdown", "BREAKDOWN"),
    Section("card", "keywords", "Top Keywords", "KEYWORDS"),
    Section("card", "further_learning", "Further Learning", "FURTHER"),
    Section("card", "end_of_feed", "You're all caught up", "FOOTER"),
    Section("brief", "whats_happening", "What's Happening?", "HAPPENING"),
    Section("brief", "why_its_important", "Why It's Important?", "IMPORTANT"),
    Section("brief", "whats_next", "What's Next?", "NEXT"),
    Section("brief", "beyond_the_headlines", "Beyond the Headlines", "BEYOND"),
)
"""Every section, in the order of its kind: the one registry of sections (the
footer counts as the card's last section)."""

FOOTER = SECTIONS[4].heading

CARD_SECTIONS: dict[str, str] = {
    section.field: section.heading
    for section in SECTIONS
    if section.kind == "card" and section.field != "end_of_feed"
}
"""Card sections in their required order: field name to heading."""

BRIEF_SECTIONS: dict[str, str] = {
    section.field: section.heading for section in SECTIONS if section.kind == "brief"
}
"""Brief sections in their required order: field name to heading."""

STATS_FIELDS: dict[str, str] = {
    "Status": "status",
    "Duration": "duration",
    "Virality": "virality",
    "Articles": "articles",
    "Political leaning": "political_leaning",
}
"""Known ``Story Stats`` keys, in output order: key line to model field."""

STATS_KEYS_FOLDED: dict[str, str] = {key.casefold(): key for key in STATS_FIELDS}

KNOWN_STATUS = ("Active",)
KNOWN_LEANINGS = ("Left", "Lean Left", "Center", "Neutral", "Lean Right", "Right")


def _with_curly(words: list[str]) -> frozenset[str]:
    return frozenset(words + [word.replace("'", "\u2019") for word in words])


CARD_HEADINGS = _with_curly([*CARD_SECTIONS.values(), FOOTER])
"""Card heading lines, exactly (``The Breakdown`` also takes a count)."""

BRIEF_HEADINGS = _with_curly(list(BRIEF_SECTIONS.values()))
"""Brief heading lines, exactly, with either apostrophe."""

BREAKDOWN_LINE = re.compile(r"The Breakdown(?:[ \t]+([0-9]+))?")


def is_card_heading(line: str) -> bool:
    """Tell whether a trimmed line is reserved as a card heading or the footer."""
    return line in CARD_HEADINGS or (
        line.startswith("The Breakdown") and BREAKDOWN_LINE.fullmatch(line) is not None
    )


_HEADING_SECTIONS = {
    kind: {
        variant: section
        for section in SECTIONS
        if section.kind == kind
        for variant in (section.heading, section.heading.replace("'", "\u2019"))
    }
    for kind in ("card", "brief")
}


def section_of(line: str, kind: Kind) -> Section | None:
    """The section whose heading a trimmed line is, in a story of ``kind``, if any."""
    section = _HEADING_SECTIONS[kind].get(line)
    if section is None and kind == "card" and BREAKDOWN_LINE.fullmatch(line):
        return SECTIONS[1]
    return section


DurationUnit = Literal["second", "minute", "hour", "day", "week", "month", "year"]
"""The units a duration may be given in."""

DURATION_UNITS: tuple[DurationUnit, ...] = get_args(DurationUnit)
"""The units of a Duration, in the singular."""

UNIT_SECONDS: dict[DurationUnit, int] = dict(
    zip(DURATION_UNITS, (1, 60, 3600, 86400, 7 * 86400, 30 * 86400, 365 * 86400), strict=True)
)
"""How many seconds each unit stands for (a month is 30 days, a year 365)."""


def headings_of(kind: Kind) -> tuple[str, ...]:
    """The headings of a kind of story, with the card's footer."""
    return _HEADINGS_OF[kind]


_HEADINGS_OF: dict[str, tuple[str, ...]] = {
    kind: tuple(section.heading for section in SECTIONS if section.kind == kind)
    for kind in ("card", "brief")
}


STATS_KEY_TERMINALS: dict[str, str] = {
    "Status": "STATUS_KEY",
    "Duration": "DURATION_KEY",
    "Virality": "VIRALITY_KEY",
    "Articles": "ARTICLES_KEY",
    "Political leaning": "LEANING_KEY",
}
"""The grammar's terminal of each known Story Stats key line."""
