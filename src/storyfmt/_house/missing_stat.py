"""SF603 ``missing-stat``: a card without a Story Stats key the house requires."""

from __future__ import annotations

from collections.abc import Iterator

from storyfmt._codes import Rule
from storyfmt._diagnostics import Diagnostic, quote
from storyfmt._house._base import (
    Option,
    Options,
    Story,
    StoryRule,
    first_place,
    listing,
    story_lines,
)
from storyfmt._models import StoryCard
from storyfmt._transform import Where
from storyfmt._vocabulary import STATS_FIELDS, STATS_KEYS_FOLDED


def _keys(value: object) -> tuple[str, ...]:
    """Read the keys required: known keys as the format writes them, or others."""
    keys = story_lines(value)
    for key in keys:
        known = STATS_KEYS_FOLDED.get(key.casefold())
        if known is not None and known != key:
            raise ValueError(f"holds {quote(key)}; write the key as stories do: {quote(known)}")
    return keys


class MissingStat(StoryRule, rule=Rule.MISSING_STAT):
    """A card whose Story Stats lack a key of `keys`.

    Every key listed must be given, with a value: the known keys (Status,
    Duration, Virality, Articles, Political leaning) and any other. The
    warning is on the Story Stats heading, or on the title of a card without
    Story Stats, and names every key missing.

    With the options

    ```toml
    [tool.storyfmt.rules.missing-stat]
    keys = ["Status", "Duration", "Region"]
    ```

    this card passes:

    ```text
    Japan Korea Summit

    Story Stats

    Status
    Active
    Duration
    7 hours
    Region
    East Asia
    ```

    and this one fails:

    ```text
    Japan Korea Summit

    Story Stats

    Status
    Active
    ```

    ```console
    story.txt:3:1: warning[SF603] Story Stats has no 'Duration' or 'Region'
     3 | Story Stats
       | ^^^^^^^^^^^
     = hint: the house requires Status, Duration and Region
    ```
    """

    options = (
        Option(
            "keys",
            tuple(STATS_FIELDS),
            "the keys every card must give",
            _keys,
        ),
    )

    def check(self, story: Story, where: Where, options: Options) -> Iterator[Diagnostic]:
        if not isinstance(story, StoryCard):
            return
        stats = story.stats
        keys = options["keys"]
        missing = [
            key
            for key in keys
            if stats is None
            or (getattr(stats, STATS_FIELDS[key]) if key in STATS_FIELDS else stats.other.get(key))
            is None
        ]
        if not missing:
            return
        yield self.warn(
            first_place(where, ("stats",), ("title",)),
            f"Story Stats has no {listing(map(quote, missing), 'or')}"
            if stats is not None
            else "the card has no Story Stats",
            hint=f"the house requires {listing(keys, 'and')}",
        )
