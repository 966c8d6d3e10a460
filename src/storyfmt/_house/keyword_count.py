"""SF605 ``keyword-count``: fewer or more Top Keywords than the house allows."""

from __future__ import annotations

from storyfmt._codes import Rule
from storyfmt._house._limits import ItemCount, fewest_and_most


class KeywordCount(ItemCount, rule=Rule.KEYWORD_COUNT):
    """A card with fewer than `min` or more than `max` Top Keywords.

    Too few are reported on the heading (on the title of a card without Top
    Keywords), too many on the first keyword past the limit.

    With the options

    ```toml
    [tool.storyfmt.rules.keyword-count]
    min = 2
    ```

    this card passes:

    ```text
    Japan Korea Summit

    Top Keywords

    Nara / Seoul /
    ```

    and this one fails:

    ```text
    Japan Korea Summit

    Top Keywords

    Nara /
    ```

    ```console
    story.txt:3:1: warning[SF605] Top Keywords has 1 keyword; at least 2 keywords required
     3 | Top Keywords
       | ^^^^^^^^^^^^
    ```
    """

    options = fewest_and_most("keyword")
    section = "keywords"
    heading = "Top Keywords"
    noun = "keyword"
