"""SF607 ``breakdown-count-exact``: a Breakdown count other than its number of points."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from storyfmt._codes import Rule
from storyfmt._diagnostics import Diagnostic
from storyfmt._house._base import HouseRule, Options, plural
from storyfmt._transform import Where


class BreakdownCountExact(HouseRule, rule=Rule.BREAKDOWN_COUNT_EXACT):
    """A count beside The Breakdown that is not its number of points.

    The format lets the count be larger than the points listed (a feed may
    show a few of many), and `SF504` reports only a smaller one; a house that
    lists every point can require them equal. A heading without a count
    passes.

    This card passes:

    ```text
    Japan Korea Summit

    The Breakdown 2

      • The leaders met in Nara.
      • They played drums together.
    ```

    and this one fails:

    ```text
    Japan Korea Summit

    The Breakdown 15

      • The leaders met in Nara.
      • They played drums together.
    ```

    ```console
    story.txt:3:1: warning[SF607] The Breakdown shows 15 but lists 2 points
     3 | The Breakdown 15
       | ^^^^^^^^^^^^^^^^
     = hint: the house wants the count to be the number of points
    ```
    """

    def check(
        self, story: Mapping[str, Any], where: Where, options: Options
    ) -> Iterator[Diagnostic]:
        breakdown = story.get("breakdown") or {}
        count, points = breakdown.get("count"), breakdown.get("points") or ()
        if count is not None and count != len(points):
            yield self.warn(
                where(("breakdown",)),
                f"The Breakdown shows {count} but lists {plural(len(points), 'point')}",
                hint="the house wants the count to be the number of points",
            )
