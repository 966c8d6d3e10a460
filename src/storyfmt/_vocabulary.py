"""The fixed words of the story format: headings, stats keys, vocabularies, limits."""

from __future__ import annotations

import re

MAX_INT = 2**53 - 1
"""The largest integer a story may hold: the largest every JSON reader keeps exactly."""

MAX_LINE = 100_000
"""The longest line, in characters, a story may hold."""

FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ud800-\udfff]")
"""Characters no line of a story may hold: control characters but tab, a
byte-order mark, and lone surrogates (which stand for bytes that are not UTF-8)."""

STATS_HEADING = "Story Stats"
BREAKDOWN_HEADING = "The Breakdown"
KEYWORDS_HEADING = "Top Keywords"
FURTHER_HEADING = "Further Learning"
FOOTER = "You're all caught up"

CARD_SECTIONS: dict[str, str] = {
    "stats": STATS_HEADING,
    "breakdown": BREAKDOWN_HEADING,
    "keywords": KEYWORDS_HEADING,
    "further_learning": FURTHER_HEADING,
}
"""Card sections in their required order: field name to heading."""

BRIEF_SECTIONS: dict[str, str] = {
    "whats_happening": "What's Happening?",
    "why_its_important": "Why It's Important?",
    "whats_next": "What's Next?",
    "beyond_the_headlines": "Beyond the Headlines",
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
