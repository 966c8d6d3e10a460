"""Reading stories: ``loads`` and ``load``, from text or bytes to a model.

The text is decoded and its line breaks made LF (:mod:`storyfmt._source`),
parsed with the story grammar and the transformer, mended and explained where
it does not parse (:mod:`storyfmt._syntax`), and validated by the models, with
each model error placed at its value (:mod:`storyfmt._locate`).
"""

from __future__ import annotations

import os
from typing import BinaryIO

from lark.exceptions import UnexpectedInput

from storyfmt._codes import Rule
from storyfmt._diagnostics import Diagnostic, StoryFormatError, diagnostic
from storyfmt._grammar import get_parser, parse_valid, parse_with_recovery, prepare
from storyfmt._locate import build
from storyfmt._models import StoryBrief, StoryCard
from storyfmt._source import check_characters, decode, detect_kind, normalise, split_lines
from storyfmt._transform import POINT_STARTS, Builder, Parsed, assemble
from storyfmt._vocabulary import Kind

BUILDER = Builder()


def parse_source(text: str, kind: Kind | None) -> Parsed:
    """Parse normalised story text into fields, places and problems."""
    if kind is None:
        kind = detect_kind(text)
    if not text.strip(" \t\n"):
        count = text.count("\n") + (not text.endswith("\n") and bool(text))
        plural = "s" if count > 1 else ""
        what = f"it holds only {count:,} blank line{plural}" if count else "it is empty"
        problem = diagnostic(Rule.NO_STORY, 1, 1, f"the file holds no story: {what}")
        return Parsed(kind, {}, {}, [problem], text)
    problems: list[Diagnostic] = []
    recording = POINT_STARTS.set([])
    try:
        parts = parse_valid(get_parser(BUILDER), text, kind)
    except UnexpectedInput:
        # Parse again, explaining and mending each error (a story with errors
        # is the only one that needs the recovery, so it is imported here).
        from storyfmt._syntax import Recovery  # noqa: PLC0415

        POINT_STARTS.set([])  # the points of the first attempt go
        try:
            parts = parse_with_recovery(
                get_parser(BUILDER), text, kind, Recovery(text, kind, problems)
            )
        except UnexpectedInput as error:
            # Recovery stops only at the end of the story, with the problem reported.
            if not problems:
                raise AssertionError("recovery gave up without a diagnostic") from error
            parts = []
    finally:
        POINT_STARTS.reset(recording)
    return assemble(kind, parts, text, problems)


def source_lines(source: str | bytes) -> list[str]:
    """The lines of a story's source, as diagnostics count them."""
    return split_lines(decode(bytes(source)) if not isinstance(source, str) else source)


def parse_text(
    source: str | bytes, kind: Kind | None = None
) -> tuple[StoryCard | StoryBrief | None, Parsed]:
    """Parse one story; the model is None when there were errors."""
    if kind not in (None, "card", "brief"):
        raise ValueError(f"kind must be 'card', 'brief' or None, not {kind!r}")
    if isinstance(source, (bytearray, memoryview)):
        source = bytes(source)
    elif not isinstance(source, (str, bytes)):
        raise TypeError(f"a story is read from str or bytes, not {type(source).__name__}")
    from_bytes = isinstance(source, bytes)
    text = normalise(decode(source) if isinstance(source, bytes) else source)
    text, character_problems = check_characters(text, from_bytes=from_bytes)
    parsed = parse_source(text, kind)
    parsed.problems[:0] = character_problems
    story, problems = build(parsed)
    return story, parsed._replace(problems=problems)


def loads(text: str | bytes, *, kind: Kind | None = None) -> StoryCard | StoryBrief:
    """Read a story from its text.

    By default a story whose first non-blank line is a brief heading is a brief,
    and any other story is a card.

    Args:
        text: The story, as text or as UTF-8 bytes (a leading byte-order mark is
            dropped). LF, CRLF and CR line breaks are all accepted.
        kind: ``"card"`` or ``"brief"`` to read the story as that kind.

    Returns:
        A :class:`StoryCard` or a :class:`StoryBrief`.

    Raises:
        StoryFormatError: The text is not a valid story. Its ``diagnostics``
            list every error with its line and column; ``str()`` shows them
            with the source line and a caret.
        ValueError: ``kind`` is neither ``"card"``, ``"brief"`` nor None.
        TypeError: ``text`` is neither text nor bytes.

    Example:
        >>> card = loads("20\\nJapan Korea Summit\\nNara, Japan /\\n")
        >>> card.rank, card.title, card.tags
        (20, 'Japan Korea Summit', ('Nara, Japan',))
    """
    story, parsed = parse_text(text, kind)
    if story is None:
        raise StoryFormatError(parsed.problems, source_lines=source_lines(text))
    return story


def load(
    source: str | os.PathLike[str] | BinaryIO, *, kind: Kind | None = None
) -> StoryCard | StoryBrief:
    """Read a story from a file.

    Args:
        source: A path, or a file object opened in binary mode (as
            :func:`tomllib.load` takes). The bytes are decoded as UTF-8.
        kind: ``"card"`` or ``"brief"`` to read the story as that kind.

    Returns:
        A :class:`StoryCard` or a :class:`StoryBrief`.

    Raises:
        StoryFormatError: The file is not a valid story; the error names the file.
        OSError: The file cannot be read.
        TypeError: ``source`` is a file opened in text mode, or neither a path
            nor a file.

    Example:
        >>> card = load("examples/card-japan-korea-summit.story")  # doctest: +SKIP
        >>> with open("examples/card-japan-korea-summit.story", "rb") as f:  # doctest: +SKIP
        ...     card = load(f)
    """
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        with open(path, "rb") as handle:
            data = handle.read()
    elif callable(getattr(source, "read", None)):
        path = getattr(source, "name", "<file>")
        data = source.read()
        if not isinstance(data, bytes):
            raise TypeError("load() needs a file opened in binary mode ('rb')")
    else:
        raise TypeError(f"load() reads a path or a binary file, not {type(source).__name__}")
    story, parsed = parse_text(data, kind)
    if story is None:
        raise StoryFormatError(parsed.problems, source_lines=source_lines(data), path=str(path))
    return story


# What reading the first story would build, built with the module: the parser
# (from its caches, see storyfmt._grammar) and the models' validators. A
# program imports storyfmt to read stories; its first one then costs no more
# than the next.
prepare(get_parser(BUILDER))
StoryCard.model_rebuild()
StoryBrief.model_rebuild()
