"""Readable renderings of a story: Markdown and self-contained HTML (output only)."""

from __future__ import annotations

import re
from html import escape

from storyfmt._models import StoryBrief, StoryCard, format_number
from storyfmt._serialize import checked
from storyfmt._vocabulary import BRIEF_SECTIONS, CARD_SECTIONS, FOOTER, STATS_FIELDS


def _stats_rows(card: StoryCard) -> list[tuple[str, str]]:
    """The Story Stats of a card as (key, value) rows, in output order."""
    if card.stats is None:
        return []
    rows: list[tuple[str, str]] = []
    for key, field in STATS_FIELDS.items():
        value = getattr(card.stats, field)
        if value is not None:
            rows.append((key, format_number(value) if field == "virality" else str(value)))
    rows.extend(card.stats.other.items())
    return rows


# Every character that can start Markdown syntax inside a line, backslash-escaped
# wherever it stands: emphasis, code, links, images, HTML, tables, strikethrough,
# entities ("&amp;" must show as written) and the closing "#" of a heading.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~&#])")
# What makes a line a block of its own when it starts it: a list item ("-",
# "+", "1." or "1)"), a setext underline ("=", "-"); "#", ">", "*", "`", "~",
# "<" and "|" are escaped anywhere already.
_MD_LINE_START = re.compile(r"^([ \t]*)(?:([+=-])|([0-9]+)([.)]))")
# Renderers drop whitespace at either end of a line (some, any Unicode space):
# written as a character reference, it stays.
_MD_OUTER_SPACE = re.compile(r"^\s+|\s+$")


def _md(text: str) -> str:
    """Escape a piece of one line, so that no Markdown syntax acts in it."""
    text = _MD_LINE_START.sub(_line_start, _MD_INLINE.sub(r"\\\1", text))
    return _MD_OUTER_SPACE.sub(lambda m: "".join(f"&#{ord(c)};" for c in m[0]), text)


def _line_start(match: re.Match[str]) -> str:
    indent, marker, digits, delimiter = match.groups()
    return f"{indent}\\{marker}" if marker else f"{indent}{digits}\\{delimiter}"


def _md_block(text: str) -> str:
    """Escape paragraphs of text, keeping their line breaks and paragraph breaks."""
    # A backslash at the end of a line is a hard line break in Markdown.
    return "\n\n".join(
        "\\\n".join(_md(line) for line in paragraph.split("\n")) for paragraph in text.split("\n\n")
    )


def to_markdown(story: StoryCard | StoryBrief) -> str:
    """Render a story as Markdown: headings, lists and a table of the stats.

    Every character of the story's text is escaped, so that it shows as written.
    This is an output format only.

    Args:
        story: A :class:`StoryCard` or a :class:`StoryBrief`.

    Returns:
        The Markdown text.

    Raises:
        StoryFormatError: The story holds a value the format cannot hold (see
            :func:`storyfmt.dumps`).
        TypeError: ``story`` is not a story.

    Example:
        >>> from storyfmt import StoryCard
        >>> print(to_markdown(StoryCard(title="Summit", tags=("Nara, Japan",))), end="")
        # Summit
        <BLANKLINE>
        *Nara, Japan*
    """
    story = checked(story)
    out: list[str] = []
    if isinstance(story, StoryBrief):
        for field, heading in BRIEF_SECTIONS.items():
            text = getattr(story, field)
            if text is not None:
                out += [f"## {_md(heading)}", "", _md_block(text), ""]
        return "\n".join(out[:-1]) + "\n"
    title = story.title if story.rank is None else f"{story.rank}. {story.title}"
    out += [f"# {_md(title)}", ""]
    if story.headline is not None:
        out += [f"**{_md(story.headline)}**", ""]
    if story.tags:
        out += [" · ".join(f"*{_md(tag)}*" for tag in story.tags), ""]
    rows = _stats_rows(story)
    if rows:
        out += [f"## {CARD_SECTIONS['stats']}", "", "| Stat | Value |", "| --- | --- |"]
        out += [f"| {_md(key)} | {_md(value)} |" for key, value in rows]
        out.append("")
    if story.breakdown is not None:
        count = f" ({story.breakdown.count})" if story.breakdown.count is not None else ""
        out += [f"## {CARD_SECTIONS['breakdown']}{_md(count)}", ""]
        out += [f"- {_md(point)}" for point in story.breakdown.points]
        out.append("")
    if story.keywords:
        out += [f"## {CARD_SECTIONS['keywords']}", ""]
        out += [f"- {_md(keyword)}" for keyword in story.keywords]
        out.append("")
    if story.further_learning:
        out += [f"## {CARD_SECTIONS['further_learning']}", ""]
        for item in story.further_learning:
            out += [f"### {_md(item.question)}", "", _md_block(item.answer), ""]
    return "\n".join(out[:-1]) + "\n"


_STYLE = """\
body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;\
line-height:1.5;color:#1b1b1b;background:#fff}
h1 .rank{color:#767676;margin-right:.4em}
.headline{font-size:1.15rem}
.tags{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.4rem}
.tags li{background:#eef;border-radius:1rem;padding:0 .6rem}
table{border-collapse:collapse}
th,td{text-align:left;border-bottom:1px solid #ddd;padding:.2rem 1rem .2rem 0}
footer{color:#767676;margin-top:2rem}"""


def _html_text(text: str) -> str:
    paragraphs = text.split("\n\n")
    return "".join(
        "<p>" + "<br>\n".join(escape(line) for line in paragraph.split("\n")) + "</p>\n"
        for paragraph in paragraphs
    )


def _tag_list(items: tuple[str, ...]) -> str:
    return '<ul class="tags">' + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>\n"


def to_html(story: StoryCard | StoryBrief) -> str:
    """Render a story as a self-contained HTML page.

    The page has its style inline, no scripts and no external files; all of the
    story's text is HTML-escaped. This is an output format only.

    Args:
        story: A :class:`StoryCard` or a :class:`StoryBrief`.

    Returns:
        The HTML document.

    Raises:
        StoryFormatError: The story holds a value the format cannot hold (see
            :func:`storyfmt.dumps`).
        TypeError: ``story`` is not a story.

    Example:
        >>> from storyfmt import StoryCard
        >>> "<h1>Tom &amp; Jerry</h1>" in to_html(StoryCard(title="Tom & Jerry"))
        True
    """
    story = checked(story)
    body: list[str] = []
    if isinstance(story, StoryBrief):
        title = next(text for text in (getattr(story, f) for f in BRIEF_SECTIONS) if text)
        title = title.split("\n", 1)[0]
        for field, heading in BRIEF_SECTIONS.items():
            text = getattr(story, field)
            if text is not None:
                body.append(
                    f"<section>\n<h2>{escape(heading)}</h2>\n{_html_text(text)}</section>\n"
                )
    else:
        title = story.title
        rank = f'<span class="rank">{story.rank}</span>' if story.rank is not None else ""
        body.append(f"<header>\n<h1>{rank}{escape(story.title)}</h1>\n")
        if story.headline is not None:
            body.append(f'<p class="headline">{escape(story.headline)}</p>\n')
        if story.tags:
            body.append(_tag_list(story.tags))
        body.append("</header>\n")
        rows = _stats_rows(story)
        if rows:
            cells = "".join(
                f"<tr><th>{escape(key)}</th><td>{escape(value)}</td></tr>\n" for key, value in rows
            )
            body.append(
                f"<section>\n<h2>{escape(CARD_SECTIONS['stats'])}</h2>\n<table>\n{cells}</table>\n"
                "</section>\n"
            )
        if story.breakdown is not None:
            count = story.breakdown.count
            shown = f" <small>({count})</small>" if count is not None else ""
            points = "".join(f"<li>{escape(point)}</li>\n" for point in story.breakdown.points)
            body.append(
                f"<section>\n<h2>{escape(CARD_SECTIONS['breakdown'])}{shown}</h2>\n"
                f"<ul>\n{points}</ul>\n</section>\n"
            )
        if story.keywords:
            body.append(
                f"<section>\n<h2>{escape(CARD_SECTIONS['keywords'])}</h2>\n"
                f"{_tag_list(story.keywords)}</section>\n"
            )
        if story.further_learning:
            items = "".join(
                f"<h3>{escape(item.question)}</h3>\n{_html_text(item.answer)}"
                for item in story.further_learning
            )
            body.append(
                f"<section>\n<h2>{escape(CARD_SECTIONS['further_learning'])}</h2>\n"
                f"{items}</section>\n"
            )
        if story.end_of_feed:
            body.append(f"<footer>{escape(FOOTER)}</footer>\n")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>\n{_STYLE}\n</style>\n</head>\n<body>\n"
        f"<article>\n{''.join(body)}</article>\n</body>\n</html>\n"
    )
