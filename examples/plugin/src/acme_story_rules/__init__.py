"""The Acme newsroom's rules for ``storyfmt check``: an example rule plugin.

The package's entry point ``ACME`` in the group ``storyfmt.rules`` names
:data:`RULES`; storyfmt imports it when a configuration selects ACME codes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from storyfmt import StoryCard
from storyfmt.plugin import (
    Diagnostic,
    Edit,
    Fix,
    Option,
    Options,
    Path,
    Span,
    Story,
    StoryRule,
    Where,
    story_lines,
)


def _texts(story: StoryCard) -> Iterator[tuple[Path, str]]:
    """The title, the headline and each Breakdown point, with their paths."""
    yield ("title",), story.title
    if story.headline is not None:
        yield ("headline",), story.headline
    if story.breakdown is not None:
        for index, point in enumerate(story.breakdown.points):
            yield ("breakdown", "points", index), point


class BannedWord(StoryRule):
    """A title, headline or Breakdown point that holds a word of `words`.

    Words are matched whole and in any case. The warning stands on the word.

    With the options

    ```toml
    [tool.storyfmt.rules.banned-word]
    words = ["shocking"]
    ```

    this card fails:

    ```text
    Shocking Summit in Nara
    ```
    """

    code = "ACME101"
    name = "banned-word"
    summary = "a word the house bans"
    help_uri = "https://example.org/acme/rules/#banned-word"
    options = (
        Option("words", ("shocking", "slams"), "the words no title or point may hold", story_lines),
    )

    def check(self, story: Story, where: Where, options: Options) -> Iterator[Diagnostic]:
        if not isinstance(story, StoryCard):
            return
        pattern = re.compile(
            r"\b(" + "|".join(map(re.escape, options["words"])) + r")\b", re.IGNORECASE
        )
        for path, text in _texts(story):
            place = where(path)
            # In story text a value's span is its text, and the word's can be
            # found in it; in JSON it is the quoted string, and stays whole.
            exact = place is not None and place.end_column - place.column == len(text)
            for match in pattern.finditer(text):
                span = place
                if place is not None and exact:
                    column = place.column + match.start()
                    span = Span(place.line, column, column + len(match[0]))
                yield self.warn(
                    span,
                    f"{match[0]!r} is a word the house bans",
                    hint="say what happened instead",
                )


class TitleFinalPeriod(StoryRule):
    """A card title that ends with a period.

    Titles are headings, and headings take no final period. The fix takes
    the period away.

    ```text
    Japan Korea Summit.
    ```
    """

    code = "ACME102"
    name = "title-final-period"
    summary = "a card title that ends with a period"
    fix = "safe"

    def check(self, story: Story, where: Where, options: Options) -> Iterator[Diagnostic]:
        if not isinstance(story, StoryCard) or not story.title.endswith("."):
            return
        if story.title.endswith("..."):  # an ellipsis is meant
            return
        place = where(("title",))
        fix = None
        if place is not None:
            dot = place.end_column - 1
            edit = Edit(place.line, dot, place.line, place.end_column, "")
            fix = Fix("safe", "take the final period away", (edit,))
        yield self.warn(place, "the title ends with a period", fix=fix)


RULES = (BannedWord, TitleFinalPeriod)
"""The plugin's rules, which its entry point names."""
