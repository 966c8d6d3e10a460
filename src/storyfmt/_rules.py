"""Editorial rules: warnings about stories that are valid but probably wrong,
and ``validate``, which reports every error and warning of a story."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import cache, partial
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Literal

from storyfmt._codes import Rule
from storyfmt._diagnostics import Diagnostic, Edit, Fix, cap, diagnostic, quote, replace_line
from storyfmt._house import House, Vocabulary
from storyfmt._models import StoryBrief, StoryCard
from storyfmt._nearmiss import as_tag_line, near_miss, near_misses
from storyfmt._parser import parse_text, source_lines
from storyfmt._transform import Parsed, Path_, Where
from storyfmt._values import Span, placed
from storyfmt._vocabulary import STATS_FIELDS, Kind, headings_of, section_of

if TYPE_CHECKING:
    from storyfmt._serialize import Locate, Reading

HOUSE = House()
"""No house rules, and the format's own vocabularies."""

Form = Literal["text", "json", "yaml", "jsonl"]

_FORMS: dict[str, Form] = {".json": "json", ".yaml": "yaml", ".yml": "yaml", ".jsonl": "jsonl"}


def form_of(name: str) -> Form:
    """The form of a file by its extension (in any case); any other file is story text.

    Example:
        >>> form_of("stories/summit.JSON"), form_of("summit.yml"), form_of("summit.txt")
        ('json', 'yaml', 'text')
    """
    return _FORMS.get(os.path.splitext(name)[1].lower(), "text")


def _append(span: Span | None, text: str, message: str) -> Fix | None:
    """An unsafe fix that writes ``text`` after the value at ``span``."""
    if span is None:
        return None
    line, _, end = span
    return Fix("unsafe", message, (Edit(line, end, line, end, text),))


def _repeats(
    rule: Rule, noun: str, items: Sequence[str], path: Callable[[int], Path_], where: Where
) -> Iterator[Diagnostic]:
    """A warning at each item equal to an earlier one; ``path`` gives an item's
    path. Only a repeated item and its first are placed."""
    first: dict[str, int] = {}
    placed_first: dict[int, Span | None] = {}  # each first placed once, however often repeated
    for index, item in enumerate(items):
        earliest = first.setdefault(item, index)
        if earliest == index:
            continue
        if earliest not in placed_first:
            placed_first[earliest] = where(path(earliest))
        span, earlier = where(path(index)), placed_first[earliest]
        place = ""
        if earlier is not None and span is not None:
            place = (
                f" (first at column {earlier.column})"
                if earlier.line == span.line
                else f" (first on line {earlier.line})"
            )
        yield placed(rule, span, f"{noun} {quote(item)} is given twice{place}")


def _question_path(index: int) -> Path_:
    return ("further_learning", index, "question")


def _point_path(index: int) -> Path_:
    return ("breakdown", "points", index)


def _tag_path(index: int) -> Path_:
    return ("tags", index)


def _keyword_path(index: int) -> Path_:
    return ("keywords", index)


_QUESTION, _ANSWER = itemgetter("question"), itemgetter("answer")
_LAST = itemgetter(slice(-1, None))

# The rules' own words, made once: a member of an enum is slow to look up.
_VOCABULARY_RULES = (
    ("Status", "status", Rule.UNKNOWN_STATUS),
    ("Political leaning", "political_leaning", Rule.UNKNOWN_LEANING),
)
_REPEAT_RULES = (
    (Rule.DUPLICATE_QUESTION, "the question", _question_path),
    (Rule.DUPLICATE_POINT, "the point", _point_path),
    (Rule.DUPLICATE_TAG, "the tag", _tag_path),
    (Rule.DUPLICATE_TAG, "the keyword", _keyword_path),
)


def check_rules(
    fields: Mapping[str, Any], where: Where, vocabulary: Vocabulary
) -> Iterator[Diagnostic]:
    """Warnings for a story's fields (as parsed, or as a model dumps them), one at a time.

    ``where`` places a value by its path; warnings come in the order of the rules.
    """
    stats = fields.get("stats") or {}
    for key, field, rule in _VOCABULARY_RULES:
        value = stats.get(field)
        if value is not None and value not in (known := getattr(vocabulary, field)):
            yield (
                placed(
                    rule,
                    where(("stats", field)),
                    f"{key} {quote(value)} is not one of the known values",
                    hint="known values: " + ", ".join(known),
                )
            )
    questions = [*map(_QUESTION, fields.get("further_learning") or ())]
    # Most stories' questions all end with '?', which their last characters tell.
    if "".join(map(_LAST, questions)) != "?" * len(questions):
        for number, question in enumerate(questions):
            if not question.endswith("?"):
                span = where(("further_learning", number, "question"))
                yield (
                    placed(
                        Rule.QUESTION_MARK,
                        span,
                        f"the question {quote(question)} does not end with '?'",
                        fix=_append(span, "?", "end the question with '?'"),
                    )
                )
    breakdown = fields.get("breakdown") or {}
    points = breakdown.get("points") or ()
    tags, keywords = fields.get("tags") or (), fields.get("keywords") or ()
    # Most stories repeat nothing, which a set tells at once.
    lists = (questions, points, tags, keywords)
    for items, (rule, noun, path) in zip(lists, _REPEAT_RULES, strict=True):
        if len(set(items)) != len(items):
            yield from _repeats(rule, noun, items, path, where)
    count = breakdown.get("count")
    if count is not None and count < len(points):
        yield (
            placed(
                Rule.BREAKDOWN_COUNT,
                where(("breakdown",)),
                f"The Breakdown shows {count} but lists {len(points)} points",
            )
        )
    if tags and keywords and list(tags) != list(keywords):
        tag_span = where(("tags",))
        place = f" (line {tag_span.line})" if tag_span is not None else ""
        yield placed(
            Rule.KEYWORDS_DIFFER,
            where(("keywords", 0)),
            f"Top Keywords differ from the header tags{place}",
        )


_RANK_LIKE = re.compile(r"#[ \t]*([0-9]+)")

# What a card's title or Story Stats key may nearly be, each checked against
# both lists at once. The words of one list are so far from those of the other
# that no line is near a word of each (a test shows it), so a line's near-miss
# is the one it has when each list is checked alone.
_BRIEF_HEADINGS = headings_of("brief")
_TITLE_WORDS = (*_BRIEF_HEADINGS, *headings_of("card"))
_KEY_WORDS = (*headings_of("card"), *STATS_FIELDS)


def _near_misses(parsed: Parsed) -> Iterator[Diagnostic]:
    """Warnings for lines of story text that read like a heading, a key, a rank
    or a tag line written another way (``SF509``).

    Only story text has them: in JSON or YAML a value is never a slip of the
    story's layout.
    """
    kind, fields = parsed.kind, parsed.fields
    headings = headings_of(kind)

    def line_of(*path: str | int) -> int | None:
        """The line a value of the parsed story starts on, if it was read."""
        place = parsed.places.get(path)
        return None if place is None else place.line

    source: list[str] = []

    def story_lines() -> list[str]:
        """The story's lines, split when the first warning needs them."""
        if not source:
            source.extend(parsed.text.split("\n"))
        return source

    def warn(number: int, what: str, meant: str) -> Diagnostic:
        raw = story_lines()[number - 1]
        found = raw.strip(" \t")
        column = len(raw) - len(raw.lstrip(" \t")) + 1
        return diagnostic(
            Rule.NEAR_MISS,
            number,
            column,
            f"{quote(found)} reads as {what}; did you mean {quote(meant)}?",
            end_column=column + len(found),
            hint=f"write {quote(meant)} if that is what it is; as written, the line is read"
            f" as {what}",
            fix=replace_line(
                number,
                column,
                found,
                meant,
                message=f"write {quote(meant)}",
                applicability="unsafe",
            ),
        )

    if kind == "brief":
        for index, slip in near_misses(story_lines(), headings):
            # The section the line is in: the nearest heading above it, if any.
            section = next(
                (
                    found
                    for line in reversed(story_lines()[:index])
                    if (found := section_of(line.strip(" \t"), kind))
                ),
                None,
            )
            if section is not None:
                yield warn(index + 1, f"text of {quote(section.heading)}", slip.meant)
        return
    title = line_of("title")
    if title is not None and "title" in fields:
        text = fields["title"]
        rank = _RANK_LIKE.fullmatch(text) if text[:1] == "#" else None
        if rank is not None:
            yield warn(title, "the title", rank.group(1))
        elif (miss := near_miss(text, _TITLE_WORDS)) is not None:
            what = "the title of a card" if miss.meant in _BRIEF_HEADINGS else "the title"
            yield warn(title, what, miss.meant)
    headline = line_of("headline")
    if headline is not None and fields.get("headline", "").endswith("/"):
        yield warn(headline, "the headline", as_tag_line(fields["headline"]))
    stats = fields.get("stats") or {}
    for key in stats.get("other") or {}:
        start = line_of("stats", "other", key, "[key]")
        if start is None:
            continue
        if (miss := near_miss(key, _KEY_WORDS)) is not None:
            what = "another Story Stats key" if miss.meant in STATS_FIELDS else "a Story Stats key"
            yield warn(start, what, miss.meant)
    # The lines of all the questions, then of all the answers, at once.
    items = fields.get("further_learning") or ()
    values = [*map(_QUESTION, items), *map(_ANSWER, items)]
    # Most questions and answers are one line each.
    lines = values if "\n" not in "".join(values) else "\n".join(values).split("\n")
    owner, first = 0, 0  # the value the lines from ``first`` on belong to
    for index, slip in near_misses(lines, headings):
        while index > first + values[owner].count("\n"):
            first += values[owner].count("\n") + 1
            owner += 1
        number, part = (owner, "question") if owner < len(items) else (owner - len(items), "answer")
        start = line_of("further_learning", number, part)
        if start is not None:
            what = "a question" if part == "question" else "a line of an answer"
            yield warn(start + index - first, what, slip.meant)


def _warnings(
    fields: Mapping[str, Any],
    story: StoryCard | StoryBrief | None,
    where: Where,
    house: House,
    lines: Callable[[], int],
) -> Iterator[Diagnostic]:
    """The warnings of a story of ``lines()`` lines, from its fields: storyfmt's
    own, then, when the story is valid (``story`` is its model), those of the
    selected rules, which judge only a story without errors (a part that could
    not be read would look missing to them). The lines are counted only to
    check where a rule placed its warnings."""
    yield from check_rules(fields, where, house.vocabulary)
    if story is not None and house.rules:
        yield from house.check(story, where, lines())


def _at_value(locate: Locate, path: Path_) -> Span:
    """Where the value at ``path`` of a JSON or YAML story stands (not its key)."""
    return locate(path, False)


def _story_warnings(
    reading: Reading, house: House, lines: Callable[[], int]
) -> Iterator[Diagnostic]:
    """The warnings of a story read from JSON or YAML, placed by its locator.

    They offer no fix: an edit placed by lines and columns of story text would
    land inside a quoted or escaped value, or on a key, and change another.
    """
    story, locate = reading.story, reading.locate
    if story is not None:
        for item in _warnings(story.model_dump(), story, partial(_at_value, locate), house, lines):
            yield item if item.fix is None else item._replace(fix=None)


def validate(
    source: str | bytes, *, kind: Kind | None = None, form: Form = "text"
) -> list[Diagnostic]:
    """Check a story and return every error and warning found, in line order.

    Unlike :func:`loads`, it never raises for bad input, and it reports warnings
    too (values outside the known vocabularies, questions without ``?``, repeated
    items...). An empty list means a valid story with nothing to warn about.
    After ten errors the rest are counted in one ``SF100`` diagnostic, and after
    ten warnings in one ``SF500``.

    Args:
        source: The story, as text or UTF-8 bytes.
        kind: ``"card"`` or ``"brief"`` to check story text as that kind (the
            other forms say their kind).
        form: What ``source`` holds: ``"text"`` (a story file), ``"json"``,
            ``"yaml"``, or ``"jsonl"`` (JSON Lines of ``{"path", "story"}``
            records, as ``storyfmt convert --to jsonl`` writes them).

    Returns:
        A list of :class:`Diagnostic`, errors and warnings, sorted by position.

    Raises:
        ValueError: ``kind`` or ``form`` is not one of its values.
        TypeError: ``source`` is neither text nor bytes.
        ImportError: ``form`` is ``"yaml"`` and PyYAML is not installed.

    Example:
        >>> for d in validate("Title\\n\\nStory Stats\\n\\nStatus\\nPending\\nVirality\\nhigh\\n"):
        ...     print(d.line, d.code, d.severity, d.message)
        6 SF501 warning Status 'Pending' is not one of the known values
        8 SF301 error Virality must be a number, got 'high'
        >>> print(validate('{"kind": "card", "title": "T",\\n "rank": -1}', form="json")[0])
        line 2: 'rank' must be greater than or equal to 0
    """
    return diagnose(source, kind=kind, form=form)


def diagnose(
    source: str | bytes, *, kind: Kind | None = None, form: Form = "text", house: House = HOUSE
) -> list[Diagnostic]:
    """:func:`validate` against a house's vocabularies, with the house rules it
    selected (as ``storyfmt check`` does under a configuration)."""
    if form == "text":
        story, parsed = parse_text(source, kind)
        errors = parsed.problems
        warnings: Iterable[Diagnostic] = chain(
            _near_misses(parsed),
            _warnings(
                parsed.fields, story, parsed.span, house, lambda: parsed.text.count("\n") + 1
            ),
        )
        if errors:
            # A warning about a value on a line with an error would only echo the error.
            faulty = {item.line for item in errors}
            warnings = (item for item in warnings if item.line not in faulty)
    elif form in ("json", "yaml", "jsonl"):
        if not isinstance(source, (str, bytes)):
            raise TypeError(f"a story is read from str or bytes, not {type(source).__name__}")
        # Story text is the usual form: JSON and YAML bring their readers.
        from storyfmt._serialize import read_json, read_jsonl, read_yaml  # noqa: PLC0415

        if form == "jsonl":  # the cap counts the errors of all the records together
            readings = [reading for _, _, reading in read_jsonl(source)]
            errors = cap(problem for reading in readings for problem in reading.problems)
        else:
            readings = [read_json(source) if form == "json" else read_yaml(source)]
            errors = readings[0].problems
        lines = cache(lambda: len(source_lines(source)))
        warnings = (item for reading in readings for item in _story_warnings(reading, house, lines))
    else:
        raise ValueError(f"form must be 'text', 'json', 'yaml' or 'jsonl', not {form!r}")
    found = errors + cap(warnings, "warning")
    found.sort(key=lambda item: (item.line, item.column))
    return found
