"""SF604 ``point-count``: fewer or more Breakdown points than the house allows."""

from __future__ import annotations

from collections.abc import Sequence

from storyfmt._codes import Rule
from storyfmt._house._limits import ItemCount, fewest_and_most
from storyfmt._models import StoryCard
from storyfmt._transform import Path_


class PointCount(ItemCount, rule=Rule.POINT_COUNT):
    """A card with fewer than `min` or more than `max` bullet points in The Breakdown.

    Too few points leave the story untold; too many bury it. Too few are
    reported on the heading (on the title of a card without The Breakdown),
    too many on the first point past the limit.

    With the options

    ```toml
    [tool.storyfmt.rules.point-count]
    min = 2
    max = 3
    ```

    this card passes:

    ```text
    Japan Korea Summit

    The Breakdown

      • The leaders met in Nara.
      • They played drums together.
    ```

    and this one fails:

    ```text
    Japan Korea Summit

    The Breakdown

      • The leaders met in Nara.
      • They played drums together.
      • They spoke of security.
      • They spoke of trade.
    ```

    ```console
    story.txt:8:5: warning[SF604] The Breakdown has 4 points; at most 3 allowed
     8 |   • They spoke of trade.
       |     ^^^^^^^^^^^^^^^^^^^^
     = hint: this is point 4, the first past the limit
    ```
    """

    options = fewest_and_most("point")
    section = "breakdown"
    heading = "The Breakdown"
    noun = "point"

    def items(self, story: StoryCard) -> Sequence[object]:
        return story.breakdown.points if story.breakdown is not None else ()

    def item_path(self, index: int) -> Path_:
        return ("breakdown", "points", index)
