"""SF601 ``title-too-long``: a card title longer than the house allows."""

from __future__ import annotations

from storyfmt._codes import Rule
from storyfmt._house._base import Option, whole_number
from storyfmt._house._limits import TooLong


class TitleTooLong(TooLong, rule=Rule.TITLE_TOO_LONG):
    """A card title longer than `max` characters.

    Feeds and notifications cut long titles off, mid-word. The title is
    counted in characters as written, spaces included.

    With the options

    ```toml
    [tool.storyfmt.rules.title-too-long]
    max = 30
    ```

    this card passes:

    ```text
    Japan Korea Summit
    Japan and South Korea leaders enhance relations
    ```

    and this one fails:

    ```text
    Japan and South Korea Hold a Summit in Nara
    Leaders enhance relations
    ```

    ```console
    story.txt:1:1: warning[SF601] the title is 43 characters long; at most 30 allowed
     1 | Japan and South Korea Hold a Summit in Nara
       | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
    ```
    """

    options = (Option("max", 80, "the most characters a title may have", whole_number(1)),)
    field = "title"
