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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, get_args

from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from storyfmt._models import (
    Answer,
    Breakdown,
    BriefText,
    CardLine,
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
    Virality,
)
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

T = TypeVar("T")

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

_LONG = st.integers(MAX_LINE - 4, MAX_LINE + 1).map(lambda length: "\u00e9" * length)

_CHARACTERS = st.characters(
    codec="utf-8",
    exclude_categories=("Cc", "Cs"),
    exclude_characters="\ufeff",
) | st.just("\t")


def _valid(annotated: Any) -> Callable[[T], bool]:
    adapter: TypeAdapter[Any] = TypeAdapter(annotated)

    def check(value: T) -> bool:
        try:
            adapter.validate_python(value)
        except ValidationError:
            return False
        return True

    return check


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
    candidates = st.one_of(
        st.text(_CHARACTERS, min_size=1, max_size=40).map(lambda text: text.strip(" \t")),
        st.sampled_from(_TRICKY),
        st.text("ab /-\u2022*'\u20190123456789?", min_size=1, max_size=12).map(
            lambda text: text.strip(" \t")
        ),
    )
    # One line in twenty is near the longest a story may hold, on either side.
    mixed = st.integers(0, 19).flatmap(lambda pick: _LONG if pick == 0 else candidates)
    return mixed.filter(_valid(annotated))


def _counts() -> st.SearchStrategy[int]:
    return st.one_of(st.integers(0, 30), st.integers(0, MAX_INT), st.just(MAX_INT))


def _paragraph(annotated: Any) -> st.SearchStrategy[str]:
    return (
        st.lists(lines(CardLine), min_size=1, max_size=4).map("\n".join).filter(_valid(annotated))
    )


@st.composite
def _stats(draw: st.DrawFn) -> Stats:
    values: dict[str, Any] = {}
    for field in STATS_FIELDS.values():
        if draw(st.booleans()):
            continue
        if field == "duration":
            values[field] = Duration(
                value=draw(_counts()),
                unit=draw(st.sampled_from(get_args(DurationUnit))),
            )
        elif field == "virality":
            values[field] = draw(
                st.one_of(
                    st.floats(0, 100, allow_nan=False),
                    st.floats(0, allow_nan=False, allow_infinity=False),
                    st.sampled_from([0.0, 5.1, 12.0, 1e16, 5e-324, 0.1 + 0.2]),
                ).filter(_valid(Virality))
            )
        elif field == "articles":
            values[field] = draw(_counts())
        else:
            known = KNOWN_STATUS if field == "status" else KNOWN_LEANINGS
            values[field] = draw(st.sampled_from(known) | lines(CardLine))
    values["other"] = draw(st.dictionaries(lines(OtherKey), lines(CardLine), max_size=3))
    if not any(value for value in values.values()):
        values["status"] = "Active"
    return Stats(**values)


def _tags() -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(lines(Tag), max_size=4).map(tuple).filter(_valid(Tags))


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
    tags = draw(_tags())
    return StoryCard(
        rank=draw(st.none() | _counts()),
        title=draw(lines(Title)),
        headline=draw(st.none() | lines(Headline)),
        tags=tags,
        stats=draw(st.none() | _stats()),
        breakdown=draw(
            st.none()
            | st.builds(
                Breakdown,
                count=st.none() | _counts(),
                points=st.lists(lines(Point), min_size=1, max_size=5),
            )
        ),
        keywords=draw(st.just(tags) | _tags()),
        further_learning=draw(
            st.lists(
                st.builds(QuestionAnswer, question=lines(CardLine), answer=_paragraph(Answer)),
                max_size=4,
            ).map(tuple)
        ),
        end_of_feed=draw(st.booleans()),
    )


def _brief_text() -> st.SearchStrategy[str]:
    paragraph = st.lists(lines(Line), min_size=1, max_size=3).map("\n".join)
    return st.lists(paragraph, min_size=1, max_size=3).map("\n\n".join).filter(_valid(BriefText))


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
    sections = {name: draw(st.none() | _brief_text()) for name in StoryBrief.SECTIONS}
    if all(text is None for text in sections.values()):
        sections[draw(st.sampled_from(StoryBrief.SECTIONS))] = draw(_brief_text())
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


def _vary(draw: st.DrawFn, line: str) -> list[str]:
    """One canonical line as any of the layouts that mean the same."""
    if line.startswith("  \u2022 "):
        indent = draw(st.sampled_from(["", " ", "\t", "    "]))
        line = indent + draw(st.sampled_from(["\u2022 ", "- ", "* ", "\u2022\t"])) + line[4:]
    elif (line in CARD_HEADINGS or line in BRIEF_HEADINGS) and draw(st.booleans()):
        line = line.replace("'", "\u2019")
    if not line:
        return [draw(st.sampled_from(["", " ", "\t "])) for _ in range(draw(st.integers(1, 3)))]
    if draw(st.integers(0, 4)) == 0:
        line = draw(st.sampled_from([" ", "\t"])) + line + draw(st.sampled_from(["", " ", "\t"]))
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
    for line in dumps(draw(stories())).split("\n"):
        out += _vary(draw, line)
    newline = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    bom = draw(st.sampled_from(["", "", "\ufeff"]))
    return bom + "\n" * draw(st.integers(0, 2)) + newline.join(out)


def _hypothesis_setup_hook() -> None:
    """Register the strategies with Hypothesis (run through its entry point)."""
    st.register_type_strategy(StoryCard, cards())
    st.register_type_strategy(StoryBrief, briefs())
