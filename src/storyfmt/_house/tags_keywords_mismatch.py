"""SF608 ``tags-keywords-mismatch``: header tags and Top Keywords that do not match."""

from __future__ import annotations

from collections.abc import Iterator

from storyfmt._codes import Rule
from storyfmt._diagnostics import Diagnostic, quote
from storyfmt._house._base import Option, Options, Story, StoryRule, one_of
from storyfmt._models import StoryCard
from storyfmt._transform import Where

# The items that must be found in the other line: (field, other field, what an
# item is, what each line is).
_CHECKS = {
    "tags": ("tags", "keywords", "the tag", ("header tags", "Top Keywords")),
    "keywords": ("keywords", "tags", "the keyword", ("Top Keywords", "header tags")),
}
_MATCHES = {
    "tags-in-keywords": ("tags",),
    "keywords-in-tags": ("keywords",),
    "same": ("tags", "keywords"),
}


class TagsKeywordsMismatch(StoryRule, rule=Rule.TAGS_KEYWORDS_MISMATCH):
    """A card whose header tags and Top Keywords do not match as `match` says.

    With `match = "tags-in-keywords"` (the default), every header tag must be
    one of the Top Keywords; with `"keywords-in-tags"`, every keyword must be
    a header tag; with `"same"`, both. Order does not count (`SF505` reports
    lines that differ at all). Each item that is not in the other line is
    reported where it stands; when the other line is missing, the line is
    reported once.

    With the options

    ```toml
    [tool.storyfmt.rules.tags-keywords-mismatch]
    match = "same"
    ```

    this card passes:

    ```text
    Japan Korea Summit
    Nara / Seoul /

    Top Keywords

    Seoul / Nara /
    ```

    and this one fails:

    ```text
    Japan Korea Summit
    Nara / Seoul /

    Top Keywords

    Nara / Tokyo /
    ```

    ```console
    story.txt:2:8: warning[SF608] the tag 'Seoul' is not one of the Top Keywords
     2 | Nara / Seoul /
       |        ^^^^^
    story.txt:6:8: warning[SF608] the keyword 'Tokyo' is not one of the header tags
     6 | Nara / Tokyo /
       |        ^^^^^
    ```
    """

    options = (
        Option(
            "match",
            "tags-in-keywords",
            'how the lines must match: "tags-in-keywords", "keywords-in-tags" or "same"',
            one_of(*_MATCHES),
        ),
    )

    def check(self, story: Story, where: Where, options: Options) -> Iterator[Diagnostic]:
        if not isinstance(story, StoryCard):
            return
        for name in _MATCHES[options["match"]]:
            field, other, noun, (these, those) = _CHECKS[name]
            items: tuple[str, ...] = getattr(story, field)
            found = set(getattr(story, other))
            if items and not found:
                yield self.warn(where((field,)), f"the card has {these} but no {those}")
                continue
            for index, item in enumerate(items):
                if item not in found:
                    yield self.warn(
                        where((field, index)), f"{noun} {quote(item)} is not one of the {those}"
                    )
