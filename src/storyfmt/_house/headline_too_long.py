"""SF602 ``headline-too-long``: a headline longer than the house allows."""

from __future__ import annotations

from storyfmt._codes import Rule
from storyfmt._house._base import Option, whole_number
from storyfmt._house._limits import TooLong


class HeadlineTooLong(TooLong, rule=Rule.HEADLINE_TOO_LONG):
    """A card headline longer than `max` characters.

    The headline is the line under the title; a long one reads as a paragraph.
    It is counted in characters as written, spaces included.

    With the options

    ```toml
    [tool.storyfmt.rules.headline-too-long]
    max = 50
    ```

    this card passes:

    ```text
    Japan Korea Summit
    Japan and South Korea leaders enhance relations
    ```

    and this one fails:

    ```text
    Japan Korea Summit
    Japan and South Korea leaders enhance relations in Nara amid tension
    ```

    ```console
    story.txt:2:1: warning[SF602] the headline is 68 characters long; at most 50 allowed
     2 | Japan and South Korea leaders enhance relations in Nara amid tension
       | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
    ```
    """

    options = (Option("max", 200, "the most characters a headline may have", whole_number(1)),)
    field = "headline"
