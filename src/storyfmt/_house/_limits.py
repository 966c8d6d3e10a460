"""What several house rules share: a longest text, and a fewest and most items."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import ClassVar

from storyfmt._diagnostics import Diagnostic
from storyfmt._house._base import (
    Option,
    Options,
    Story,
    StoryRule,
    first_place,
    plural,
    whole_number,
)
from storyfmt._models import StoryCard
from storyfmt._transform import Path_, Where


class TooLong(StoryRule):
    """A text of a card longer than the option ``max``, in characters."""

    field: ClassVar[str]
    """The field, which is also how messages name it: ``title``."""

    def check(self, story: Story, where: Where, options: Options) -> Iterator[Diagnostic]:
        text = getattr(story, self.field, None)
        most = options["max"]
        if text is not None and len(text) > most:
            yield self.warn(
                where((self.field,)),
                f"the {self.field} is {plural(len(text), 'character')} long;"
                f" at most {most} allowed",
            )


def fewest_and_most(noun: str) -> tuple[Option, Option]:
    """The options ``min`` and ``max``: how many items (``noun``) a card may have."""
    return (
        Option("min", 1, f"the fewest {noun}s a card may have", whole_number(0)),
        Option("max", None, f"the most {noun}s a card may have (none: no limit)", whole_number(1)),
    )


class ItemCount(StoryRule):
    """A card whose section has fewer items than ``min`` or more than ``max``."""

    section: ClassVar[str]
    """The section's field: ``breakdown``."""
    heading: ClassVar[str]
    """The section's heading: ``The Breakdown``."""
    noun: ClassVar[str]
    """What an item is called: ``point``."""

    def items(self, story: StoryCard) -> Sequence[object]:
        """The section's items."""
        items: Sequence[object] = getattr(story, self.section)
        return items

    def item_path(self, index: int) -> Path_:
        """Where the item at ``index`` is."""
        return (self.section, index)

    def check_options(self, options: Options) -> None:
        if options["max"] is not None and options["min"] > options["max"]:
            raise ValueError(f"has min = {options['min']}, more than max = {options['max']}")

    def check(self, story: Story, where: Where, options: Options) -> Iterator[Diagnostic]:
        if not isinstance(story, StoryCard):
            return
        count = len(self.items(story))
        least, most = options["min"], options["max"]
        if count < least:
            required = f"at least {plural(least, self.noun)} required"
            if count == 0:
                message = f"the card has no {self.heading.removeprefix('The ')}; {required}"
            else:
                message = f"{self.heading} has {plural(count, self.noun)}; {required}"
            yield self.warn(first_place(where, (self.section,), ("title",)), message)
        elif most is not None and count > most:
            yield self.warn(
                where(self.item_path(most)),
                f"{self.heading} has {plural(count, self.noun)}; at most {most} allowed",
                hint=f"this is {self.noun} {most + 1}, the first past the limit",
            )
