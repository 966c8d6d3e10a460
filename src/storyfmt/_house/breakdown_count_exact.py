"""SF607 ``breakdown-count-exact``: a Breakdown count other than its number of points."""

from __future__ import annotations

from collections.abc import Iterator

from storyfmt._codes import Rule
from storyfmt._diagnostics import Diagnostic
from storyfmt._house._base import Options, Story, StoryRule, plural
from storyfmt._models import StoryCard
from storyfmt._transform import Where


class BreakdownCountExact(StoryRule, rule=Rule.BREAKDOWN_COUNT_EXACT):
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

    def check(self, story: Story, where: Where, options: Options) -> Iterator[Diagnostic]:
        if not isinstance(story, StoryCard) or story.breakdown is None:
            return
        count, points = story.breakdown.count, story.breakdown.points
        if count is not None and count != len(points):
            yield self.warn(
                where(("breakdown",)),
                f"The Breakdown shows {count} but lists {plural(len(points), 'point')}",
                hint="the house wants the count to be the number of points",
            )
