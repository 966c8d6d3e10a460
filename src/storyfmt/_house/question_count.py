"""SF606 ``question-count``: fewer or more Further Learning questions than the house allows."""

from __future__ import annotations

from storyfmt._codes import Rule
from storyfmt._house._limits import ItemCount, fewest_and_most
from storyfmt._transform import Path_


class QuestionCount(ItemCount, rule=Rule.QUESTION_COUNT):
    """A card with fewer than `min` or more than `max` questions in Further Learning.

    Too few are reported on the heading (on the title of a card without
    Further Learning), too many on the first question past the limit.

    With the default options (at least one question), this card passes:

    ```text
    Japan Korea Summit

    Further Learning

    Why Nara?

    It is the prime minister's hometown.
    ```

    and this one fails:

    ```text
    Japan Korea Summit
    Japan and South Korea leaders enhance relations
    ```

    ```console
    story.txt:1:1: warning[SF606] the card has no Further Learning; at least 1 question required
     1 | Japan Korea Summit
       | ^^^^^^^^^^^^^^^^^^
    ```
    """

    options = fewest_and_most("question")
    section = "further_learning"
    heading = "Further Learning"
    noun = "question"

    def item_path(self, index: int) -> Path_:
        return ("further_learning", index, "question")
