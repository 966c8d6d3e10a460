"""Markdown output shows the story's text as written, under a real CommonMark renderer."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given
from markdown_it import MarkdownIt

import storyfmt
from storyfmt import Breakdown, FrozenDict, QuestionAnswer, Stats, StoryBrief, StoryCard
from storyfmt.testing import stories

_BLOCKS = ("h1", "h2", "h3", "p", "li", "th", "td", "em", "strong")
_RENDERER = MarkdownIt("commonmark").enable("table")


class _Blocks(HTMLParser):
    """The rendered elements, in order, as (tag, visible text); ``<br>`` reads as a newline."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []
        self.tags: list[str] = []
        self.open: list[int] = []
        self.after_break = False

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.tags.append(tag)
        if tag in _BLOCKS:
            self.open.append(len(self.found))
            self.found.append((tag, ""))
        elif tag == "br":  # the renderer writes a newline after it, which is no text
            self.handle_data("\n")
            self.after_break = True

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if self.after_break:
            data, self.after_break = data.removeprefix("\n"), False
        for index in self.open:
            tag, text = self.found[index]
            self.found[index] = (tag, text + data)


def rendered(story: StoryCard | StoryBrief) -> _Blocks:
    blocks = _Blocks()
    blocks.feed(_RENDERER.render(storyfmt.to_markdown(story)))
    return blocks


def _lines(text: str) -> str:
    # A Markdown renderer drops the whitespace at either end of a line of a paragraph.
    return "\n".join(line.strip(" \t") for line in text.split("\n")).strip("\n")


def expected(story: StoryCard | StoryBrief) -> list[tuple[str, str]]:
    """The elements the Markdown must render to, with the story's text."""
    if isinstance(story, StoryBrief):
        found: list[tuple[str, str]] = []
        for field, heading in storyfmt._vocabulary.BRIEF_SECTIONS.items():
            text = getattr(story, field)
            if text is not None:
                found.append(("h2", heading))
                found += [("p", paragraph) for paragraph in text.split("\n\n")]
        return found
    title = story.title if story.rank is None else f"{story.rank}. {story.title}"
    found = [("h1", title)]
    if story.headline is not None:
        found += [("p", story.headline), ("strong", story.headline)]
    if story.tags:
        found.append(("p", " · ".join(story.tags)))
        found += [("em", tag) for tag in story.tags]
    rows = storyfmt._render._stats_rows(story)
    if rows:
        found += [("h2", "Story Stats"), ("th", "Stat"), ("th", "Value")]
        for key, value in rows:
            found += [("td", key), ("td", value)]
    if story.breakdown is not None:
        count = story.breakdown.count
        found.append(("h2", "The Breakdown" + (f" ({count})" if count is not None else "")))
        found += [("li", point) for point in story.breakdown.points]
    if story.keywords:
        found.append(("h2", "Top Keywords"))
        found += [("li", keyword) for keyword in story.keywords]
    if story.further_learning:
        found.append(("h2", "Further Learning"))
        for item in story.further_learning:
            found.append(("h3", item.question))
            found += [("p", paragraph) for paragraph in item.answer.split("\n\n")]
    return found


def assert_shows_as_written(story: StoryCard | StoryBrief) -> None:
    blocks = rendered(story)
    assert [(tag, _lines(text)) for tag, text in blocks.found] == [
        (tag, _lines(text)) for tag, text in expected(story)
    ]
    unwanted = {"hr", "pre", "code", "blockquote", "ol", "a", "img", "del", "script"}
    assert unwanted.isdisjoint(blocks.tags), storyfmt.to_markdown(story)


TRICKY = [
    "# Big",
    "1. one",
    "2) two",
    "---",
    "***",
    "_ _ _",
    "* * *",
    "Tom &amp; Jerry",
    "&#65; &copy",
    "+ plus",
    "- minus",
    "> quoted",
    "```",
    "~~~ fence",
    "<div>html</div>",
    "<!-- comment -->",
    "| a | b |",
    "[x]: https://example.com",
    "[link](https://example.com) ![img](x.png) <https://example.com>",
    "C# and F#",
    "Title #",
    "`code` and *stars* and _under_ and ~~strike~~",
    "back\\slash\\",
    "==",
]


@pytest.mark.parametrize("text", TRICKY)
def test_markdown_block_and_inline_syntax_in_text_shows_as_written(text: str) -> None:
    card = StoryCard(
        title=text if text.strip("0123456789") else "T",
        headline=text,
        tags=(text,),
        breakdown=Breakdown(points=(text, "after")),
        keywords=(text,),
        further_learning=(QuestionAnswer(question=text, answer=f"{text}\n{text}"),),
        stats=Stats(status=text, other=FrozenDict({"Key": text})),
    )
    assert_shows_as_written(card)
    assert_shows_as_written(StoryBrief(whats_happening=f"{text}\n{text}\n\n{text}"))


def test_each_point_is_one_list_item_and_each_question_one_heading() -> None:
    card = StoryCard(
        title="T",
        breakdown=Breakdown(points=("# Big", "1. one", "---", "Tom &amp; Jerry")),
        further_learning=(QuestionAnswer(question="1. Why?", answer="---"),) * 2,
    )
    blocks = rendered(card)
    assert [text for tag, text in blocks.found if tag == "li"] == [
        "# Big",
        "1. one",
        "---",
        "Tom &amp; Jerry",
    ]
    assert [text for tag, text in blocks.found if tag == "h3"] == ["1. Why?", "1. Why?"]


@given(stories())
def test_any_story_renders_to_its_own_text(story: StoryCard | StoryBrief) -> None:
    assert_shows_as_written(story)
