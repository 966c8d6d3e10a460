"""The transformer: one method per grammar rule, each building the field it is named for.

Lark calls each method as the parser reduces its rule (no parse tree is
built). A method gets the rule's line tokens and the values of its sub-rules,
and returns plain data: the fields of a :class:`Part`, where each value stands
in the source, and the problems found on the way. Tokens that recovery stood in
for a missing or wrong line (:class:`Stand`) build nothing.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, NamedTuple

from lark import Token

from storyfmt._codes import Rule
from storyfmt._diagnostics import Diagnostic, quote
from storyfmt._grammar import Stand
from storyfmt._nearmiss import missed_heading, near_miss
from storyfmt._values import (
    Span,
    at,
    content,
    decimal,
    duration,
    lines,
    span,
    tag_items,
    whole_number,
)
from storyfmt._vocabulary import SECTIONS, Kind, headings_of

_LETTERS = re.compile(r"[^a-z0-9]+")

Path_ = tuple[str | int, ...]
"""The path of a value in a story's fields: ``("stats", "status")``, ``("tags", 0)``."""
Where = Callable[[Path_], Span | None]
"""Where the value at a path stands in the source, if known."""
Place = Token | Span
"""Where a value stands: its line token, or the span of a part of a line."""


POINT_STARTS: ContextVar[list[int]] = ContextVar("POINT_STARTS")
"""Where each point taken so far by the parse under way starts, for the
Breakdown reduced next; each parse with :class:`Builder` sets its own
(:func:`storyfmt._parser.parse_source` does), so that parses in other
threads or tasks never share one."""


class Points:
    """Where each line of the Breakdown's points starts in the text: a card of a
    million points keeps no object per point. Their line numbers, which only
    a diagnostic needs, are counted when first asked for."""

    __slots__ = ("_lines", "starts")

    def __init__(self, starts: array[int]) -> None:
        self.starts = starts
        self._lines: array[int] | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Points) and self.starts == other.starts

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Points({self.starts!r})"

    def line(self, number: int, text: str) -> int:
        """The line number of point ``number`` in ``text``."""
        if self._lines is None:
            self._lines = array("q")
            line, counted = 1, 0
            for start in self.starts:
                line += text.count("\n", counted, start)
                self._lines.append(line)
                counted = start
        return self._lines[number]


class Part(NamedTuple):
    """One part of a story (the header or a section), ready to assemble."""

    name: str
    heading: Token | None
    fields: dict[str, Any]
    places: dict[Path_, Place]
    problems: list[Diagnostic]
    points: Points | None = None
    """Where the Breakdown's points stand."""


class Stat(NamedTuple):
    """One Story Stats pair: its key line, its field (None for another key), its value."""

    key: Token
    field: str | None
    value: Any
    at: Token
    problem: Diagnostic | None


class Item(NamedTuple):
    """One Further Learning pair: the question line and the answer's lines."""

    question: Token
    answer: Token


def _part(name: str, heading: Token | None) -> Part:
    places: dict[Path_, Place] = {}
    if heading is not None:
        places[(name,)] = heading
    return Part(name, heading, {}, places, [])


def _stat(field: str | None, children: list[Token], convert: Any = None) -> Stat:
    key, value = children
    # A key stood in for with its name (a known key written with a colon) is read.
    if isinstance(key, Stand) and not key.value:
        return Stat(key, None, None, value, None)
    if isinstance(value, Stand):  # the value could not be read: only the key is placed
        return Stat(key, field, None, value, None)
    if convert is None:
        return Stat(key, field, content(value), value, None)
    converted, problem = convert(value)
    return Stat(key, field, converted, value, problem)


def heading_hint(line: str) -> str | None:
    """How to write the heading a line was probably meant to be, if any.

    A line whose letters and digits start like a card heading's (``story stats``,
    ``The Breakdown many``, ``Youre all caught up!``) is one.
    """
    folded = _LETTERS.sub("", line.casefold())
    for section in SECTIONS:
        heading = section.heading
        if section.kind == "card" and folded.startswith(_LETTERS.sub("", heading.casefold())):
            exact = f"a heading is written exactly: {quote(heading)}"
            if section.field == "breakdown":
                exact += f", or with a count: {quote(heading + ' 15')}"
            return exact
    return None


def _one_line(block: Token) -> bool:
    return "\n" not in content(block)


def _looks_like_a_question(block: Token) -> bool:
    return _one_line(block) and content(block).endswith("?")


def _pair_again(items: list[Item], problems: list[Diagnostic]) -> list[Item]:
    """Pair questions and answers again when the last question has no answer.

    The missing answer is most often not the last one: a deleted answer makes
    every later answer read as a question. So the first answer that looks like
    a question (one line ending with '?') marks the question without an answer,
    and the blocks after it pair up as they were meant to.
    """
    blocks: list[Token] = []
    for item in items:
        blocks += [item.question, item.answer]
    blocks.pop()  # the stand-in for the missing answer
    lonely = len(blocks) - 1
    for index in range(0, len(blocks) - 1, 2):
        rest = blocks[index + 1 :: 2]
        if _looks_like_a_question(blocks[index + 1]) and all(map(_one_line, rest)):
            lonely = index
            break
    question = blocks[lonely]
    miss = near_miss(content(question), headings_of("card"))
    hint = heading_hint(content(question))
    if (
        miss is None
        and hint is None
        and lonely % 2 == 0
        and lonely > 0
        and not content(question).endswith("?")
    ):
        # Not a question: the second paragraph of the answer before it.
        problems.append(
            at(
                Rule.MISSING_ANSWER,
                question,
                f"an answer holds no blank line: {quote(content(question))}, after a blank line"
                f" in the answer to {quote(content(blocks[lonely - 2]))}, reads as a question"
                " with no answer",
                hint="remove the blank line, so that the answer goes on",
            )
        )
    elif miss is not None:
        message, hint = missed_heading(content(question), miss)
        problems.append(
            at(Rule.UNEXPECTED_LINE, question, message, hint=hint, rewrite_to=miss.meant)
        )
    elif hint is not None:
        problems.append(
            at(
                Rule.UNEXPECTED_LINE,
                question,
                f"unexpected line {quote(content(question))}",
                hint=hint,
            )
        )
    else:
        problems.append(
            at(
                Rule.MISSING_ANSWER,
                question,
                f"the question {quote(content(question))} has no answer",
            )
        )
    del blocks[lonely]
    return [Item(blocks[i], blocks[i + 1]) for i in range(0, len(blocks) - 1, 2)]


def _count(heading: Token) -> tuple[int | None, Diagnostic | None]:
    digits = content(heading)[len("The Breakdown") :].strip(" \t")
    if not digits:
        return None, None
    return whole_number("the count of The Breakdown", heading, digits)


class Builder:
    """Builds each rule's field as the parser reduces it.

    Lark calls the method named for each rule, and the method named for a
    terminal (``BULLET``) on each of its tokens, as it shifts it. The helper
    rules that the grammar's repetitions make, and the inlined ``_`` rules,
    have no method: Lark builds them a plain tree, whose children it then
    splices into the rule above. (Not deriving from ``lark.Transformer``
    spares each of them the detour through ``Transformer.__default__``.)
    """

    # ---- header

    def header(self, children: list[tuple[str, Any, Place | dict[Path_, Place], Any]]) -> Part:
        part = _part("header", None)
        for name, value, place, problems in children:
            if value is None:
                part.problems.extend(problems)
                continue
            part.fields[name] = value
            if isinstance(place, dict):
                part.places.update(place)
            else:
                part.places[(name,)] = place
            part.problems.extend(problems)
        return part

    def rank(self, children: list[Token]) -> tuple[str, Any, Place, list[Diagnostic]]:
        (token,) = children
        value, problem = whole_number("the rank", token)
        return "rank", value, token, [problem] if problem else []

    def title(self, children: list[Token]) -> tuple[str, Any, Place, list[Diagnostic]]:
        (token,) = children
        return "title", None if isinstance(token, Stand) else content(token), token, []

    def headline(self, children: list[Token]) -> tuple[str, Any, Place, list[Diagnostic]]:
        return "headline", content(children[0]), children[0], []

    def tags(self, children: list[Token]) -> tuple[str, Any, dict[Path_, Place], list[Diagnostic]]:
        items, spans, problems = tag_items(children, "tags")
        places: dict[Path_, Place] = dict(spans)
        places[("tags",)] = children[0]
        return "tags", items, places, problems

    # ---- Story Stats

    def status(self, children: list[Token]) -> Stat:
        return _stat("status", children)

    def duration(self, children: list[Token]) -> Stat:
        return _stat("duration", children, duration)

    def virality(self, children: list[Token]) -> Stat:
        return _stat("virality", children, decimal)

    def articles(self, children: list[Token]) -> Stat:
        return _stat("articles", children, lambda token: whole_number("Articles", token))

    def political_leaning(self, children: list[Token]) -> Stat:
        return _stat("political_leaning", children)

    def other(self, children: list[Token]) -> Stat:
        return _stat("other", children)

    def stats(self, children: list[Any]) -> Part:
        heading, *pairs = children
        part = _part("stats", heading)
        stats: dict[str, Any] = {}
        other: dict[str, str] = {}
        seen: dict[str, Token] = {}
        for pair in pairs:
            if pair.field is None:
                continue
            if isinstance(pair.at, Stand):
                if pair.field != "other":
                    part.places[("stats", pair.field, "[key]")] = pair.key
                continue
            key = content(pair.key)
            first = seen.get(key)
            if first is not None:
                part.problems.append(
                    at(
                        Rule.DUPLICATE_KEY,
                        pair.key,
                        f"the key {quote(key)} is given twice (first on line {first.line})",
                    )
                )
                continue
            seen[key] = pair.key
            if pair.field == "other":
                other[key] = pair.value
                part.places[("stats", "other", key)] = pair.at
                part.places[("stats", "other", key, "[key]")] = pair.key
                continue
            part.places[("stats", pair.field)] = pair.at
            part.places[("stats", pair.field, "[key]")] = pair.key
            if pair.problem is None:
                stats[pair.field] = pair.value
            else:
                part.problems.append(pair.problem)
        if other:
            stats["other"] = other
        part.fields["stats"] = stats
        return part

    # ---- The Breakdown, Top Keywords, Further Learning, footer

    def BULLET(self, bullet: Token) -> str | Stand:
        # Lark calls the method named for a terminal as it shifts the token, so
        # a long Breakdown is held as its points' texts, never as line tokens.
        # Where each starts goes to the parse's record, a list of offsets: no
        # object the cyclic collector tracks for each point (a tuple each made it
        # run every few hundred points). From the line lexer, a token of such a
        # terminal has no line or column. A stand-in stays as it is, for the
        # recovery to see what came last.
        if type(bullet) is Stand:
            return bullet
        POINT_STARTS.get().append(bullet.start_pos or 0)
        line: str = bullet.value
        return line.lstrip(" \t")[1:].strip(" \t\n")

    def breakdown(self, children: list[Any]) -> Part:
        heading, *points = children
        part = _part("breakdown", heading)
        count, problem = _count(heading)
        if problem is not None:
            part.problems.append(problem)
        if Stand in map(type, points):
            points = [point for point in points if type(point) is not Stand]
        # The points recorded are this Breakdown's: the grammar has bullets
        # nowhere else, and a stand-in is not recorded.
        recorded = POINT_STARTS.get()
        starts = array("q", recorded)
        del recorded[:]
        part.fields["breakdown"] = {"count": count, "points": points}
        return part._replace(points=Points(starts))

    def keywords(self, children: list[Token]) -> Part:
        heading, *line = children
        part = _part("keywords", heading)
        if not any(isinstance(token, Stand) for token in line):
            keywords, spans, problems = tag_items(line, "keywords")
            part.fields["keywords"] = keywords
            part.places.update(spans)
            part.problems.extend(problems)
        return part

    def further_learning(self, children: list[Token]) -> Part:
        heading, *blocks = children
        part = _part("further_learning", heading)
        end = len(blocks) // 2 * 2  # past the last answer
        pairs: list[Item] | zip[tuple[Token, Token]] = zip(
            blocks[0:end:2], blocks[1:end:2], strict=True
        )
        if end and isinstance(blocks[end - 1], Stand) and not isinstance(blocks[end - 2], Stand):
            pairs = _pair_again([Item(*pair) for pair in pairs], part.problems)
        built: list[dict[str, str]] = []
        places = part.places
        for question, answer in pairs:
            if isinstance(question, Stand) or isinstance(answer, Stand):
                continue
            number = len(built)
            places["further_learning", number, "question"] = question
            places["further_learning", number, "answer"] = answer
            built.append({"question": content(question), "answer": "\n".join(lines(answer))})
        part.fields["further_learning"] = built
        return part

    def end_of_feed(self, children: list[Token]) -> Part:
        part = _part("end_of_feed", children[0])
        part.fields["end_of_feed"] = True
        return part

    # ---- briefs

    def _section(self, name: str, children: list[Token]) -> Part:
        heading, *paragraphs = children
        part = _part(name, heading)
        text = "\n\n".join("\n".join(lines(p)) for p in paragraphs if not isinstance(p, Stand))
        if text:
            part.fields[name] = text
        return part

    def whats_happening(self, children: list[Any]) -> Part:
        return self._section("whats_happening", children)

    def why_its_important(self, children: list[Any]) -> Part:
        return self._section("why_its_important", children)

    def whats_next(self, children: list[Any]) -> Part:
        return self._section("whats_next", children)

    def beyond_the_headlines(self, children: list[Any]) -> Part:
        return self._section("beyond_the_headlines", children)

    # ---- whole stories

    def card(self, parts: list[Part]) -> list[Part]:
        return parts

    def brief(self, parts: list[Part]) -> list[Part]:
        return parts


_BULLET_START = re.compile(r"[ \t]*[^ \t][ \t]+")


class Parsed(NamedTuple):
    """Everything the parser learnt about one story: its fields, ready for the
    models, where each value stands in ``text``, and the problems found."""

    kind: Kind
    fields: dict[str, Any]
    places: dict[Path_, Place]
    problems: list[Diagnostic]
    text: str = ""
    points: Points | None = None

    def span(self, path: Path_) -> Span | None:
        """Where the value at ``path`` stands in the source, if the parser saw it."""
        if self.points is not None and len(path) == 3 and path[:2] == ("breakdown", "points"):
            number = path[2]
            starts = self.points.starts
            if isinstance(number, int) and 0 <= number < len(starts):
                start = starts[number]
                match = _BULLET_START.match(self.text, start)
                column = (match.end() if match else start) - start + 1
                point = self.fields["breakdown"]["points"][number]
                line = self.points.line(number, self.text)
                return Span(line, column, column + len(point))
        place = self.places.get(path)
        if place is None or isinstance(place, Span):
            return place
        return span(place)


def assemble(kind: Kind, parts: list[Part], text: str, problems: list[Diagnostic]) -> Parsed:
    """Merge the parts of a story into one :class:`Parsed`."""
    fields: dict[str, Any] = {}
    places: dict[Path_, Place] = {}
    points = None
    for part in parts:
        fields.update(part.fields)
        places.update(part.places)
        problems.extend(part.problems)
        points = part.points or points
    return Parsed(kind, fields, places, problems, text, points)
