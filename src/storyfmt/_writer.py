"""Writing models as canonical story text."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import BinaryIO

from storyfmt._files import write_file
from storyfmt._models import StoryBrief, StoryCard, format_number
from storyfmt._serialize import checked
from storyfmt._vocabulary import BRIEF_SECTIONS, CARD_SECTIONS, FOOTER, STATS_FIELDS


def tag_line(items: Iterable[str]) -> str:
    """Write tags as a tag line: ``A / B / C /``."""
    return " / ".join(items) + " /"


def _card_lines(card: StoryCard) -> list[str]:
    out: list[str] = []
    if card.rank is not None:
        out.append(str(card.rank))
    out.append(card.title)
    if card.headline is not None:
        out.append(card.headline)
    if card.tags:
        out.append(tag_line(card.tags))
    if card.stats is not None:
        out += ["", CARD_SECTIONS["stats"], ""]
        stats = card.stats
        for key, field in STATS_FIELDS.items():
            value = getattr(stats, field)
            if value is not None:
                out += [key, format_number(value) if field == "virality" else str(value)]
        for key, value in stats.other.items():
            out += [key, value]
    if card.breakdown is not None:
        heading = CARD_SECTIONS["breakdown"]
        if card.breakdown.count is not None:
            heading = f"{heading} {card.breakdown.count}"
        out += ["", heading, ""]
        out += [f"  \u2022 {point}" for point in card.breakdown.points]
    if card.keywords:
        out += ["", CARD_SECTIONS["keywords"], "", tag_line(card.keywords)]
    if card.further_learning:
        out += ["", CARD_SECTIONS["further_learning"]]
        for item in card.further_learning:
            out += ["", item.question, "", item.answer]
    if card.end_of_feed:
        out += ["", FOOTER]
    return out


def _brief_lines(brief: StoryBrief) -> list[str]:
    out: list[str] = []
    for field, heading in BRIEF_SECTIONS.items():
        text = getattr(brief, field)
        if text is not None:
            out += [heading, text]
    return out


def dumps(story: StoryCard | StoryBrief) -> str:
    """Write a story as canonical text.

    The text has LF line breaks, one blank line around section headings, bullets
    written as ``  • text``, and exactly one final newline. Reading it back gives
    an equal story.

    Args:
        story: A :class:`StoryCard` or a :class:`StoryBrief`.

    Returns:
        The canonical text of the story.

    Raises:
        StoryFormatError: The story was built without validation (as
            ``model_copy(update=...)`` and ``model_construct()`` build them) and
            holds a value the format cannot write; the error names the field.
        TypeError: ``story`` is not a story.

    Example:
        >>> from storyfmt import StoryCard
        >>> print(dumps(StoryCard(title="Japan Korea Summit", tags=["Nara, Japan"])), end="")
        Japan Korea Summit
        Nara, Japan /
    """
    story = checked(story)
    lines = _card_lines(story) if isinstance(story, StoryCard) else _brief_lines(story)
    return "\n".join(lines) + "\n"


def dump(story: StoryCard | StoryBrief, target: str | os.PathLike[str] | BinaryIO) -> None:
    """Write a story as canonical text (UTF-8) to a file.

    A path is written safely: the new text goes to a temporary file in the same
    folder, which then replaces the file all at once, keeping its permissions,
    owner and group (a file with several hard links is rewritten in place
    instead, and so stays one file). If writing fails, for instance on a full
    disk, the old file is left exactly as it was and no temporary file remains.

    Args:
        story: A :class:`StoryCard` or a :class:`StoryBrief`.
        target: A path (the file is created or replaced; a symbolic link is
            followed and stays a link), or a file object opened in binary mode.

    Raises:
        StoryFormatError: The story holds a value the format cannot write (see
            :func:`dumps`); nothing is written.
        TypeError: ``story`` is not a story.
        OSError: The file cannot be written, or is read-only.

    Example:
        >>> import io
        >>> from storyfmt import StoryCard
        >>> out = io.BytesIO()
        >>> dump(StoryCard(title="Summit"), out)
        >>> out.getvalue()
        b'Summit\\n'
    """
    data = dumps(story).encode("utf-8")
    if isinstance(target, (str, os.PathLike)):
        write_file(os.fspath(target), data)
    else:
        target.write(data)
