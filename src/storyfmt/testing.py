"""Hypothesis strategies for valid stories, for your own property tests.

Needs the ``hypothesis`` package (``pip install hypothesis``)::

    from hypothesis import given
    from storyfmt.testing import stories
    import storyfmt

    @given(stories())
    def test_my_exporter_keeps_titles(story):
        ...

The strategies reach the edges of the format on purpose: empty optional parts,
any Unicode text, digits-only lines, ``/`` and `` / `` inside text, both
apostrophes, bullet markers, and the format's own heading lines, which the
models reject wherever they would change the meaning. Every value they produce
validates, and ``st.from_type(StoryCard)`` works once Hypothesis loads the
``storyfmt`` plugin (it does so automatically through its entry point).

They pass Hypothesis's health checks with its default settings, in a fresh
environment too: values are built valid rather than filtered, and importing
this module builds the story parser, so that the first example of a test does
not spend Hypothesis's deadline on it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_args

from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from storyfmt._models import (
    Answer,
    Breakdown,
    BriefText,
    CardLine,
    Check,
    Duration,
    DurationUnit,
    Headline,
    Line,
    OtherKey,
    Point,
    QuestionAnswer,
    Stats,
    StoryBrief,
    StoryCard,
    Tag,
    Tags,
    Title,
)
from storyfmt._parser import loads
from storyfmt._vocabulary import (
    BRIEF_HEADINGS,
    CARD_HEADINGS,
    KNOWN_LEANINGS,
    KNOWN_STATUS,
    MAX_INT,
    MAX_LINE,
    STATS_FIELDS,
)
from storyfmt._writer import dumps

__all__ = ["briefs", "cards", "lines", "stories", "story_texts"]

# Lines that collide with the format's own syntax, so that generated stories
# exercise every place where the writer and the reader could disagree.
_TRICKY = [
    *sorted(CARD_HEADINGS | BRIEF_HEADINGS),
    "The Breakdown 15",
    "The Breakdown 007",
    "20",
    "0",
    "007",
    "A / B /",
    "A / B",
    "Dokdo/Takeshima",
    "/",
    "/ x",
    "x /",
    " / ",
    "\u2022 point",
    "- point",
    "* point",
    "\u2022",
    "What's next?",
    "Story stats",
    "status",
    "Political Leaning",
    "5.1",
    "7 hours",
    "China\u2019s influence",
    "\u65e5\u97d3\u9996\u8133\u4f1a\u8ac7",
    "caf\u00e9 \U0001f600",
    "a\tb",
    "\u00a0",
    "\u2028",
    "x" * 300,
]

# Any character a line may hold: tab, and every code point but the control
# characters, surrogates and the byte-order mark. Built from code point ranges,
# not st.characters(), which needs Hypothesis's table of Unicode categories:
# building that table in a fresh environment takes seconds, and fails the
# too_slow health check.
_CHARACTERS = st.one_of(
    st.just("\t"),
    st.integers(0x20, 0x7E).map(chr),
    st.integers(0xA0, 0xD7FF).map(chr),
    st.integers(0xE000, 0x10FFFF).filter(lambda code: code != 0xFEFF).map(chr),
)
_SYNTAX = st.sampled_from("ab /-\u2022*'\u20190123456789?")


def _text(characters: st.SearchStrategy[str], max_size: int) -> st.SearchStrategy[str]:
    """Text of 1 to ``max_size`` characters, without leading or trailing whitespace."""
    return st.lists(characters, min_size=1, max_size=max_size).map(_trimmed)


def _trimmed(characters: list[str]) -> str:
    return "".join(characters).strip(" \t")


def _fits(annotated: Any) -> Callable[[Any], bool]:
    """A quick test of whether a field type accepts a value.

    It runs the field's own checks (its :class:`~storyfmt._models.Check` functions) directly,
    which costs microseconds; a type without them is checked by pydantic.
    """
    checks: list[Callable[[Any], object]] = [
        meta.check for meta in get_args(annotated)[1:] if isinstance(meta, Check)
    ]
    if not checks:
        checks = [TypeAdapter(annotated).validate_python]

    def fits(value: Any) -> bool:
        try:
            for check in checks:
                check(value)
        except (PydanticCustomError, ValidationError):
            return False
        return True

    return fits


def _long(length: int) -> str:
    return "\u00e9" * length


def lines(annotated: Any = Line) -> st.SearchStrategy[str]:
    """A strategy for one line of text that a field type accepts.

    Mixes random Unicode with lines that collide with the format's syntax
    (headings, tag lines, bullets, digits) and, now and then, lines near the
    longest a story may hold.

    Args:
        annotated: A field type of the models, such as ``Title`` or ``Tag``
            (default: any line of text).

    Returns:
        A Hypothesis strategy of strings.

    Example:
        >>> from hypothesis import given
        >>> @given(lines())
        ... def test_line(line):
        ...     assert "\\n" not in line
        >>> test_line()
    """
    fits = _fits(annotated)
    # The tricky lines this field accepts are chosen here, once, so that
    # drawing rarely produces a line the field refuses.
    tricky = [line for line in _TRICKY if fits(line)]
    candidates = st.one_of(_text(_CHARACTERS, 40), st.sampled_from(tricky), _text(_SYNTAX, 12))
    # One line in about twenty is near the longest a story may hold.
    longest = st.integers(MAX_LINE - 4, MAX_LINE).map(_long)
    mixed = st.integers(0, 19).flatmap(lambda pick: longest if pick == 0 else candidates)
    return mixed.filter(fits)


_COUNTS = st.one_of(st.integers(0, 30), st.integers(0, MAX_INT), st.just(MAX_INT))
_CARD_LINES = lines(CardLine)
_TITLES = lines(Title)
_HEADLINES = lines(Headline)
_POINTS = lines(Point)
_OTHER_KEYS = lines(OtherKey)
_ANSWERS = st.lists(lines(Answer), min_size=1, max_size=4).map("\n".join)
_BRIEF_TEXTS = st.lists(
    st.lists(lines(BriefText), min_size=1, max_size=3).map("\n".join), min_size=1, max_size=3
).map("\n\n".join)
_VIRALITIES = st.one_of(
    st.floats(0, 100, allow_nan=False),
    st.floats(0, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, 5.1, 12.0, 1e16, 5e-324, 0.1 + 0.2]),
)
_DURATIONS = st.builds(Duration, value=_COUNTS, unit=st.sampled_from(get_args(DurationUnit)))
_TAG_LINE_FITS = _fits(Tags)


def _fitting_tags(tags: list[str]) -> tuple[str, ...]:
    """The tags, less any that would make the tag line too long."""
    kept: tuple[str, ...] = ()
    for tag in tags:
        if _TAG_LINE_FITS((*kept, tag)):
            kept = (*kept, tag)
    return kept


_TAGS = st.lists(lines(Tag), max_size=4).map(_fitting_tags)
_BREAKDOWNS = st.builds(
    Breakdown, count=st.none() | _COUNTS, points=st.lists(_POINTS, min_size=1, max_size=5)
)
_FURTHER_LEARNING = st.lists(
    st.builds(QuestionAnswer, question=_CARD_LINES, answer=_ANSWERS), max_size=4
).map(tuple)


@st.composite
def _stats(draw: st.DrawFn) -> Stats:
    values: dict[str, Any] = {}
    for field in STATS_FIELDS.values():
        if draw(st.booleans()):
            continue
        if field == "duration":
            values[field] = draw(_DURATIONS)
        elif field == "virality":
            values[field] = draw(_VIRALITIES)
        elif field == "articles":
            values[field] = draw(_COUNTS)
        else:
            known = KNOWN_STATUS if field == "status" else KNOWN_LEANINGS
            values[field] = draw(st.sampled_from(known) | _CARD_LINES)
    values["other"] = draw(st.dictionaries(_OTHER_KEYS, _CARD_LINES, max_size=3))
    if not any(value for value in values.values()):
        values["status"] = "Active"
    return Stats(**values)


@st.composite
def cards(draw: st.DrawFn) -> StoryCard:
    """A strategy for valid :class:`~storyfmt.StoryCard` objects, minimal to complete.

    Returns:
        A Hypothesis strategy of cards; each one survives ``loads(dumps(card))``.

    Example:
        >>> from hypothesis import given, settings
        >>> import storyfmt
        >>> @settings(max_examples=20)
        ... @given(cards())
        ... def test_round_trip(card):
        ...     assert storyfmt.loads(storyfmt.dumps(card)) == card
        >>> test_round_trip()
    """
    tags = draw(_TAGS)
    return StoryCard(
        rank=draw(st.none() | _COUNTS),
        title=draw(_TITLES),
        headline=draw(st.none() | _HEADLINES),
        tags=tags,
        stats=draw(st.none() | _stats()),
        breakdown=draw(st.none() | _BREAKDOWNS),
        keywords=draw(st.just(tags) | _TAGS),
        further_learning=draw(_FURTHER_LEARNING),
        end_of_feed=draw(st.booleans()),
    )


@st.composite
def briefs(draw: st.DrawFn) -> StoryBrief:
    """A strategy for valid :class:`~storyfmt.StoryBrief` objects, with one to four sections.

    Returns:
        A Hypothesis strategy of briefs.

    Example:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=20)
        ... @given(briefs())
        ... def test_brief(brief):
        ...     assert brief.kind == "brief"
        >>> test_brief()
    """
    sections = {name: draw(st.none() | _BRIEF_TEXTS) for name in StoryBrief.SECTIONS}
    if all(text is None for text in sections.values()):
        sections[draw(st.sampled_from(StoryBrief.SECTIONS))] = draw(_BRIEF_TEXTS)
    return StoryBrief.model_validate(sections)


def stories() -> st.SearchStrategy[StoryCard | StoryBrief]:
    """A strategy for valid stories of either kind.

    Returns:
        A Hypothesis strategy of :class:`~storyfmt.StoryCard` and
        :class:`~storyfmt.StoryBrief` objects.

    Example:
        >>> from hypothesis import given, settings
        >>> import storyfmt
        >>> @settings(max_examples=20)
        ... @given(stories())
        ... def test_json(story):
        ...     assert storyfmt.from_json(storyfmt.to_json(story)) == story
        >>> test_json()
    """
    return st.one_of(cards(), briefs())


_STORIES = stories()


_INDENTS = st.sampled_from(["", " ", "\t", "    "])
_MARKERS = st.sampled_from(["\u2022 ", "- ", "* ", "\u2022\t"])
_BLANKS = st.lists(st.sampled_from(["", " ", "\t "]), min_size=1, max_size=3)
_PADDED = st.integers(0, 4)
_LEADS = st.sampled_from([" ", "\t"])
_TRAILS = st.sampled_from(["", " ", "\t"])


def _vary(draw: st.DrawFn, line: str) -> list[str]:
    """One canonical line as any of the layouts that mean the same."""
    if line.startswith("  \u2022 "):
        line = draw(_INDENTS) + draw(_MARKERS) + line[4:]
    elif (line in CARD_HEADINGS or line in BRIEF_HEADINGS) and draw(st.booleans()):
        line = line.replace("'", "\u2019")
    if not line:
        return draw(_BLANKS)
    if draw(_PADDED) == 0:
        line = draw(_LEADS) + line + draw(_TRAILS)
    return [line]


@st.composite
def story_texts(draw: st.DrawFn) -> str:
    """A strategy for valid story text in layouts the writer never produces.

    The text of a generated story with its layout varied the ways the format
    allows: CRLF or CR line endings, a byte-order mark, trailing and leading
    whitespace, extra blank lines, other bullet markers and curly apostrophes in
    headings. It reads back as the generated story.

    Returns:
        A Hypothesis strategy of strings.

    Example:
        >>> from hypothesis import given, settings
        >>> import storyfmt
        >>> @settings(max_examples=20)
        ... @given(story_texts())
        ... def test_reads(text):
        ...     storyfmt.loads(text)
        >>> test_reads()
    """
    out: list[str] = []
    for line in dumps(draw(_STORIES)).split("\n"):
        out += _vary(draw, line)
    newline = draw(_NEWLINES)
    bom = draw(_BOMS)
    return bom + "\n" * draw(st.integers(0, 2)) + newline.join(out)


_NEWLINES = st.sampled_from(["\n", "\n", "\r\n", "\r"])
_BOMS = st.sampled_from(["", "", "\ufeff"])


# Build the parser and the models' validators now, once: in a fresh environment
# (no parser cache yet) the first story read takes longer than Hypothesis's
# default deadline, which would fail the first example of a user's test.
loads("Title\n")


def _hypothesis_setup_hook() -> None:
    """Register the strategies with Hypothesis (run through its entry point)."""
    st.register_type_strategy(StoryCard, cards())
    st.register_type_strategy(StoryBrief, briefs())
