"""Grammar loading and parsing: story text to models, with located diagnostics.

The grammar is parsed with Lark's LALR parser, fed by the line lexer, with the
transformer applied during parsing (no parse tree is built). The transformer
turns tokens into plain fields plus a map from each field's path to its place
in the source; the fields are then validated once by the pydantic models, and
any model error is reported at the place of the value that caused it.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple, cast

import lark
from lark import Lark, Transformer
from lark.exceptions import UnexpectedInput, UnexpectedToken
from lark.lexer import LexerThread
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from storyfmt._codes import Rule
from storyfmt._diagnostics import Diagnostic, StoryFormatError, cap, diagnostic, quote
from storyfmt._lexer import (
    BULLET,
    BULLET_MARKERS,
    TEXT,
    Kind,
    LineLexer,
    Token,
    TokenStream,
    check_lines,
    decode,
    detect_kind,
    split_lines,
    tokenize,
)
from storyfmt._models import StoryBrief, StoryCard, format_number
from storyfmt._vocabulary import (
    BREAKDOWN_LINE,
    BRIEF_SECTIONS,
    CARD_SECTIONS,
    FOOTER,
    MAX_INT,
    STATS_FIELDS,
)

Path_ = tuple[str | int, ...]


class Span(NamedTuple):
    """Where a value stands in the source: 1-based line and columns (end exclusive)."""

    line: int
    column: int
    end_column: int


class Part(NamedTuple):
    """One parsed part of a story (the header or a section), ready to assemble."""

    name: str
    heading: Token | None
    fields: dict[str, Any]
    spans: dict[Path_, Span]
    problems: list[Diagnostic]
    bullets: Sequence[Token] = ()


class Parsed(NamedTuple):
    """Everything the parser learnt about one story.

    The Breakdown's points are placed by their ``bullets`` (one token each),
    not by one span each: a card of a million points keeps a million fewer
    objects. :meth:`span` finds either.
    """

    kind: Kind
    fields: dict[str, Any]
    spans: dict[Path_, Span]
    problems: list[Diagnostic]
    bullets: Sequence[Token] = ()

    def span(self, path: Path_) -> Span | None:
        """Where the value at ``path`` stands in the source, if the parser saw it."""
        if path[:2] == ("breakdown", "points") and len(path) == 3:
            number = path[2]
            if isinstance(number, int) and 0 <= number < len(self.bullets):
                bullet = self.bullets[number].value
                return _span(self.bullets[number], len(bullet) - len(_point(bullet)))
        return self.spans.get(path)


def _point(bullet: str) -> str:
    """The text of a bullet line, without its marker."""
    return bullet[1:].lstrip(" \t")


def _span(token: Token, offset: int = 0, length: int | None = None) -> Span:
    column = token.column + offset
    width = len(token.value) - offset if length is None else length
    return Span(token.line, column, column + width)


def _at(code: Rule, token: Token, message: str, *, hint: str | None = None) -> Diagnostic:
    return diagnostic(
        code, token.line, token.column, message, end_column=token.end_column, hint=hint
    )


# ---- values ---------------------------------------------------------------

_INTEGER = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_DURATION = re.compile(r"([0-9]+)[ \t]+([A-Za-z]+)")
_UNITS = ("second", "minute", "hour", "day", "week", "month", "year")


def _integer(digits: str) -> int | None:
    """The value of a digit string, or None when it is beyond ``MAX_INT``."""
    significant = digits.lstrip("0")
    if len(significant) > len(str(MAX_INT)):
        return None
    value = int(digits)
    return value if value <= MAX_INT else None


def _too_large(label: str, token: Token) -> Diagnostic:
    return _at(
        Rule.OUT_OF_RANGE, token, f"{label} must be at most {MAX_INT}, got {quote(token.value)}"
    )


def too_precise(subject: str, written: str, value: float) -> tuple[str, str] | None:
    """The message and hint of SF304 when ``value``, the float that ``written``
    reads as, would be written as another number; None when it says the same.

    Story text, JSON and YAML share this rule: a rewrite never changes a number.
    """
    kept = format_number(value)
    try:
        if Decimal(written.replace("_", "")) == Decimal(kept):
            return None
    except InvalidOperation:  # a YAML form such as 0x10: an integer, kept exactly
        return None
    return (
        f"{subject} has more digits than can be kept exactly"
        " (at most 15 significant digits are always safe)",
        f"round it to 15 significant digits; as it is, it would be written {kept}",
    )


_NUMBER_FORMS = {"Duration": _DURATION, "Virality": _DECIMAL, "Articles": _INTEGER}


def _stat_value(key: str, token: Token) -> tuple[Any, Diagnostic | None]:
    """Convert a Story Stats value line to its typed value."""
    text = token.value
    form = _NUMBER_FORMS.get(key)
    if form is not None and text.startswith("-") and form.fullmatch(text[1:]):
        return None, _at(Rule.OUT_OF_RANGE, token, f"{key} must not be negative, got {quote(text)}")
    if key == "Duration":
        match = _DURATION.fullmatch(text)
        unit = match.group(2) if match else ""
        if unit.endswith("s") and unit[:-1] in _UNITS:
            unit = unit[:-1]
        if match is None or unit not in _UNITS:
            hint = None
            if match is not None and unit.lower().rstrip("s") in _UNITS:
                hint = "units are written in lower case"
            return None, _at(
                Rule.INVALID_DURATION,
                token,
                "Duration must be a whole number and a unit (second, minute, hour, day,"
                f" week, month or year), got {quote(text)}",
                hint=hint,
            )
        value = _integer(match.group(1))
        if value is None:
            return None, _too_large("Duration", token)
        return {"value": value, "unit": unit}, None
    if key == "Virality":
        if not _DECIMAL.fullmatch(text):
            return None, _at(
                Rule.INVALID_NUMBER,
                token,
                f"Virality must be a number, got {quote(text)}",
                hint="write a decimal number such as 5.1 or 12",
            )
        number = float(text)
        if number == float("inf"):
            return None, _at(Rule.OUT_OF_RANGE, token, f"Virality is too large: {quote(text)}")
        inexact = too_precise(f"Virality {quote(text)}", text, number)
        if inexact is not None:
            message, hint = inexact
            return None, _at(Rule.OUT_OF_RANGE, token, message, hint=hint)
        return number, None
    if key == "Articles":
        if not _INTEGER.fullmatch(text):
            return None, _at(
                Rule.INVALID_INTEGER, token, f"Articles must be a whole number, got {quote(text)}"
            )
        value = _integer(text)
        if value is None:
            return None, _too_large("Articles", token)
        return value, None
    return text, None


def _tag_line(token: Token, path: str) -> tuple[list[str], dict[Path_, Span], list[Diagnostic]]:
    """Split a tag line ``A / B / C /`` into its items, with their spans."""
    body = token.value[:-2]
    items: list[str] = []
    spans: dict[Path_, Span] = {}
    problems: list[Diagnostic] = []
    offset = 0
    for piece in body.split(" / "):
        item = piece.strip(" \t")
        lead = len(piece) - len(piece.lstrip(" \t"))
        if not item:
            column = token.column + offset
            problems.append(
                diagnostic(
                    Rule.EMPTY_TAG,
                    token.line,
                    column,
                    "empty tag: every item between ' / ' separators needs text",
                    end_column=column + max(1, len(piece)),
                )
            )
        else:
            spans[(path, len(items))] = _span(token, offset + lead, len(item))
            items.append(item)
        offset += len(piece) + 3
    return items, spans, problems


# ---- the transformer --------------------------------------------------------


def _part(name: str, heading: Token | None) -> Part:
    spans: dict[Path_, Span] = {}
    if heading is not None:
        spans[(name,)] = _span(heading)
    return Part(name, heading, {}, spans, [])


def _section(children: list[Token]) -> tuple[Token, Sequence[Token]]:
    """A section's heading and the blocks of its text (none when it has no text)."""
    heading, *text = children
    return heading, text[0].lines if text else ()


def _heading_hint(line: str) -> str | None:
    """How to write the card heading a line was probably meant to be, if any.

    A line that starts like a heading, ignoring case and apostrophes (``story
    stats``, ``The Breakdown many``, ``You're all caught up!``), is one.
    """
    folded = line.casefold().replace("\u2019", "'")
    for heading in (*CARD_SECTIONS.values(), FOOTER):
        if folded.startswith(heading.casefold()):
            exact = f"a heading is written exactly: {quote(heading)}"
            if heading == CARD_SECTIONS["breakdown"]:
                exact += f", or with a count: {quote(heading + ' 15')}"
            return exact
    return None


def _one_block(part: Part, blocks: Sequence[Token], hint: str) -> Sequence[Token]:
    """The lines of a section that holds one block; text after a blank line is an error."""
    if len(blocks) > 1:
        stray = blocks[1]
        part.problems.append(
            _at(
                Rule.UNEXPECTED_LINE,
                stray,
                f"expected a section heading after the blank line on line"
                f" {blocks[0].lines[-1].line + 1}, found {quote(stray.value)}",
                hint=_heading_hint(stray.value) or hint,
            )
        )
    return blocks[0].lines if blocks else ()


def _empty(part: Part, what: str) -> None:
    assert part.heading is not None
    part.problems.append(
        _at(Rule.EMPTY_SECTION, part.heading, f"{quote(part.heading.value)} has no {what}")
    )


class _Builder(Transformer[Any, Any]):
    """Turns each grammar rule, as it is reduced, into a :class:`Part`."""

    def header(self, children: list[Token]) -> Part:
        part = _part("header", None)
        fields, spans = part.fields, part.spans
        rest = list(_one_block(part, children[0].lines, "the header ends at the first blank line"))
        if len(rest) >= 2 and _INTEGER.fullmatch(rest[0].value):
            rank = _integer(rest[0].value)
            if rank is None:
                part.problems.append(_too_large("the rank", rest[0]))
            else:
                fields["rank"] = rank
                spans[("rank",)] = _span(rest[0])
            rest = rest[1:]
        fields["title"] = rest[0].value
        spans[("title",)] = _span(rest[0])
        rest = rest[1:]
        # The tag line is the first line after the title that ends with " /" (a
        # headline never does): lines out of place are reported, not the tags.
        at = next((n for n, line in enumerate(rest) if line.value.endswith(" /")), len(rest))
        for tag_line in rest[at : at + 1]:
            tags, tag_spans, problems = _tag_line(tag_line, "tags")
            fields["tags"] = tags
            spans.update(tag_spans)
            spans[("tags",)] = _span(tag_line)
            part.problems.extend(problems)
        if at:
            fields["headline"] = rest[0].value
            spans[("headline",)] = _span(rest[0])
        # One error for each run of extra lines (before and after the tag line),
        # however long: a file of stray lines costs one diagnostic, not one a line.
        for run in (rest[1:at], rest[at + 1 :]):
            if run:
                more = len(run) - 1
                counted = f" (and {more:,} more line{'s' if more > 1 else ''})" if more else ""
                part.problems.append(
                    _at(
                        Rule.HEADER_TOO_LONG,
                        run[0],
                        f"unexpected line {quote(run[0].value)} in the header{counted}",
                        hint="a header holds at most a rank, a title, a headline and a tag line,"
                        " in this order, and ends at the first blank line",
                    )
                )
        return part

    def stats(self, children: list[Token]) -> Part:
        heading, blocks = _section(children)
        part = _part("stats", heading)
        lines = _one_block(part, blocks, "a blank line ends the Story Stats pairs")
        stats: dict[str, Any] = {}
        other: dict[str, str] = {}
        seen: dict[str, Token] = {}
        if not lines:
            _empty(part, "key and value lines")
        for index in range(0, len(lines) - 1, 2):
            key, value = lines[index], lines[index + 1]
            first = seen.get(key.value)
            if first is not None:
                part.problems.append(
                    _at(
                        Rule.DUPLICATE_KEY,
                        key,
                        f"the key {quote(key.value)} is given twice (first on line {first.line})",
                    )
                )
                continue
            seen[key.value] = key
            field = STATS_FIELDS.get(key.value)
            if field is None:
                other[key.value] = value.value
                part.spans[("stats", "other", key.value)] = _span(value)
                part.spans[("stats", "other", key.value, "[key]")] = _span(key)
                continue
            converted, problem = _stat_value(key.value, value)
            part.spans[("stats", field)] = _span(value)
            if problem is None:
                stats[field] = converted
            else:
                part.problems.append(problem)
        if len(lines) % 2:
            key = lines[-1]
            part.problems.append(
                _at(
                    Rule.MISSING_VALUE,
                    key,
                    f"{quote(key.value)} has no value line",
                    hint="Story Stats holds pairs of lines: a key, then its value",
                )
            )
        if other:
            stats["other"] = other
        part.fields["stats"] = stats
        return part

    def breakdown(self, children: list[Token]) -> Part:
        heading, blocks = _section(children)
        part = _part("breakdown", heading)
        match = BREAKDOWN_LINE.fullmatch(heading.value)
        assert match is not None
        count: int | None = None
        if match.group(1) is not None:
            count = _integer(match.group(1))
            if count is None:
                part.problems.append(_too_large("the count of The Breakdown", heading))
        points: list[str] = []
        bullets: list[Token] = []
        in_error = False
        for bullet in (line for block in blocks for line in block.lines):
            if bullet.type != BULLET:
                if not in_error:  # one error for a run of lines, however long
                    part.problems.append(
                        _at(
                            Rule.UNEXPECTED_LINE,
                            bullet,
                            f"expected a bullet line ('  \u2022 text') or a section heading,"
                            f" found {quote(bullet.value)}",
                            hint="put a space after the bullet marker"
                            if bullet.value[0] in BULLET_MARKERS
                            else _heading_hint(bullet.value),
                        )
                    )
                in_error = True
                continue
            in_error = False
            bullets.append(bullet)
            points.append(_point(bullet.value))
        if not blocks:
            _empty(part, "bullet points")
        part.fields["breakdown"] = {"count": count, "points": points}
        return part._replace(bullets=bullets)

    def keywords(self, children: list[Token]) -> Part:
        heading, blocks = _section(children)
        part = _part("keywords", heading)
        lines = _one_block(part, blocks, "Top Keywords holds one tag line")
        if not lines:
            _empty(part, "tag line")
            return part
        line = lines[0]
        if not line.value.endswith(" /"):
            part.problems.append(
                _at(
                    Rule.NOT_A_TAG_LINE,
                    line,
                    f"expected a tag line ending with ' /', got {quote(line.value)}",
                    hint="write the keywords as 'First / Second / Third /'",
                )
            )
        else:
            keywords, spans, problems = _tag_line(line, "keywords")
            part.fields["keywords"] = keywords
            part.spans.update(spans)
            part.problems.extend(problems)
        for extra in lines[1:]:
            part.problems.append(
                _at(
                    Rule.EXTRA_KEYWORD_LINE,
                    extra,
                    f"Top Keywords holds one tag line; unexpected line {quote(extra.value)}",
                )
            )
        return part

    def further(self, children: list[Token]) -> Part:
        heading, block_tokens = _section(children)
        blocks = [block.lines for block in block_tokens]
        part = _part("further_learning", heading)
        items: list[dict[str, str]] = []
        if not blocks:
            _empty(part, "questions")
        for index in range(0, len(blocks), 2):
            question = blocks[index]
            for extra in question[1:2]:  # one error for the block, however long
                part.problems.append(
                    _at(
                        Rule.LONG_QUESTION,
                        extra,
                        f"a question is one line; unexpected line {quote(extra.value)}",
                        hint="put a blank line between a question and its answer",
                    )
                )
            if index + 1 == len(blocks):
                if len(question) > 1:
                    break  # most likely a question and its answer without the blank line
                part.problems.append(
                    _at(
                        Rule.MISSING_ANSWER,
                        question[0],
                        f"the question {quote(question[0].value)} has no answer",
                    )
                )
                break
            if len(question) > 1:
                continue  # a broken question: no item, so no warnings about it either
            answer = blocks[index + 1]
            number = len(items)
            part.spans[("further_learning", number, "question")] = _span(question[0])
            part.spans[("further_learning", number, "answer")] = _span(answer[0])
            items.append(
                {"question": question[0].value, "answer": "\n".join(t.value for t in answer)}
            )
        part.fields["further_learning"] = items
        return part

    def footer(self, children: list[Token]) -> Part:
        part = _part("end_of_feed", children[0])
        part.fields["end_of_feed"] = True
        return part

    def card(self, parts: list[Part]) -> list[Part]:
        return parts

    def _headed_text(self, name: str, children: list[Token]) -> Part:
        heading, blocks = _section(children)
        part = _part(name, heading)
        paragraphs = ["\n".join(line.value for line in block.lines) for block in blocks]
        if paragraphs:
            part.fields[name] = "\n\n".join(paragraphs)
        else:
            _empty(part, "text")
        return part

    def happening(self, children: list[Token]) -> Part:
        return self._headed_text("whats_happening", children)

    def important(self, children: list[Token]) -> Part:
        return self._headed_text("why_its_important", children)

    def next(self, children: list[Token]) -> Part:
        return self._headed_text("whats_next", children)

    def beyond(self, children: list[Token]) -> Part:
        return self._headed_text("beyond_the_headlines", children)

    def brief(self, parts: list[Part]) -> list[Part]:
        return parts


# ---- the parser ---------------------------------------------------------------


def _cache_file(grammar: str) -> str | bool:
    """A cache path in the user's own cache directory, or False if there is none.

    Lark's default cache lives in the shared temporary directory, where another
    user could plant a pickle; this one lives in a directory only the user owns.
    """
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA", "")
    elif sys.platform == "darwin":
        base = os.path.expanduser("~/Library/Caches")
    else:
        base = os.environ.get("XDG_CACHE_HOME", "") or os.path.expanduser("~/.cache")
    if not base or not os.path.isabs(base):
        return False
    folder = Path(base) / "storyfmt"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if hasattr(os, "getuid") and folder.stat().st_uid != os.getuid():
            return False
    except OSError:
        return False
    key = f"{grammar}{lark.__version__}{sys.version_info[:2]}".encode()
    return str(folder / f"grammar-{hashlib.sha256(key).hexdigest()[:16]}.lark")


def grammar_text() -> str:
    """The text of the story grammar shipped with the package.

    Wheels carry it as package data; an editable install of a source checkout
    reads it from the checkout's top-level ``grammar/`` folder.
    """
    packaged = resources.files("storyfmt").joinpath("grammar/story.lark")
    if packaged.is_file():
        return packaged.read_text("utf-8")
    checkout = Path(__file__).resolve().parents[2] / "grammar" / "story.lark"
    return checkout.read_text("utf-8")


def _accelerator() -> dict[str, Any] | None:
    """Lark plugins for lark-cython's LALR parser, if it is installed (``storyfmt[fast]``).

    Setting ``STORYFMT_PURE_PYTHON`` turns it off. lark-cython's parser takes
    its own tokens, so each token is copied into one (with its lines) as it is read.
    """
    if os.environ.get("STORYFMT_PURE_PYTHON"):
        return None
    try:
        cython = importlib.import_module("lark_cython")
    except ImportError:
        return None

    class FastToken(cython.Token):  # type: ignore[misc, name-defined]
        __slots__ = ("lines",)

    class FastThread(LexerThread):
        def next_token(self, parser_state: object) -> FastToken:
            stream = cast(TokenStream, cast(Any, self.state).text)
            if stream.cursor >= len(stream.tokens):
                raise EOFError
            token = stream.tokens[stream.cursor]
            stream.cursor += 1
            fast = FastToken(
                token.type,
                token.value,
                0,
                token.line,
                token.column,
                token.line,
                token.end_column,
                0,
            )
            fast.lines = token.lines
            return fast

    plugins = {name: cython.plugins[name] for name in ("LALR_Parser", "_Parser")}
    return {**plugins, "LexerThread": FastThread}


@lru_cache(maxsize=2)
def get_parser(*, fast: bool = False) -> Lark | None:
    """Build the LALR parser once per process, on first use.

    With ``fast``, the parser runs on lark-cython; None when that is not installed.
    """
    grammar = grammar_text()
    plugins = _accelerator() if fast else {}
    if plugins is None:
        return None
    return Lark(
        grammar,
        parser="lalr",
        lexer=LineLexer,
        start=["card", "brief"],
        transformer=_Builder(),
        cache=_cache_file(grammar + ("\n// lark-cython" if fast else "")),
        _plugins=plugins,
    )


def _syntax_problem(error: UnexpectedToken, stream: TokenStream) -> Diagnostic:
    """Explain an unexpected line in the words of the format."""
    token = cast(Token, error.token)
    index = stream.cursor - 1
    context = stream.heading_before(index)
    if context is not None and context.type == "FOOTER":
        return _at(
            Rule.AFTER_FOOTER,
            token,
            f"nothing may follow {quote(FOOTER)} (line {context.line}), found {quote(token.value)}",
        )
    if context is None and index == 0:
        return _at(
            Rule.BRIEF_WITHOUT_HEADING,
            token,
            f"a brief starts with a section heading, found {quote(token.value)}",
            hint="the headings are: " + ", ".join(BRIEF_SECTIONS.values()),
        )
    return _at(Rule.UNEXPECTED_LINE, token, f"unexpected line {quote(token.value)}")


def parse_lines(lines: list[str], kind: Kind | None) -> Parsed:
    """Parse the lines of one story into fields, spans and problems.

    The lines are emptied as they are read (see :func:`tokenize`).
    """
    if kind is None:
        kind = detect_kind(lines)
    tokens = tokenize(lines, kind)
    problems: list[Diagnostic] = []
    if not tokens:
        count = len(lines) - (lines[-1] == "")
        plural = "s" if count > 1 else ""
        what = f"it holds only {count:,} blank line{plural}" if count else "it is empty"
        problems.append(diagnostic(Rule.NO_STORY, 1, 1, f"the file holds no story: {what}"))
        return Parsed(kind, {}, {}, problems)
    stream = TokenStream(tokens)

    def recover(error: UnexpectedInput) -> bool:
        if not isinstance(error, UnexpectedToken) or error.token.type == "$END":
            return False
        problems.append(_syntax_problem(error, stream))
        stream.skip_until(set(error.expected) - {TEXT})
        return True

    fast = get_parser(fast=True)
    parsed: Any = None
    if fast is not None:
        try:
            parsed = fast.parse(stream, start=kind)
        except UnexpectedInput:
            stream.cursor = 0  # the pure-Python parser recovers from errors and explains them
    if parsed is None:
        parsed = cast(Lark, get_parser()).parse(stream, start=kind, on_error=recover)
    parts = cast(list[Part], parsed)
    fields, spans, bullets = _assemble(
        parts, CARD_SECTIONS if kind == "card" else BRIEF_SECTIONS, problems
    )
    if kind == "card" and "title" not in fields:
        first = tokens[0]
        problems.append(
            _at(
                Rule.MISSING_TITLE,
                first,
                f"a card starts with its title, found the heading {quote(first.value)}",
            )
        )
    return Parsed(kind, fields, spans, problems, bullets)


def _assemble(
    parts: list[Part], order: Mapping[str, str], problems: list[Diagnostic]
) -> tuple[dict[str, Any], dict[Path_, Span], Sequence[Token]]:
    """Merge parts into one set of fields, checking section order and repeats."""
    rank = {name: index for index, name in enumerate(order)}
    fields: dict[str, Any] = {}
    spans: dict[Path_, Span] = {}
    placed: dict[str, Token] = {}
    bullets: Sequence[Token] = ()
    for part in parts:
        heading = part.heading
        if heading is not None and part.name in rank:
            first = placed.get(part.name)
            if first is not None:
                problems.append(
                    _at(
                        Rule.DUPLICATE_SECTION,
                        heading,
                        f"{quote(heading.value)} is given twice (first on line {first.line})",
                    )
                )
                continue
            later = [token for name, token in placed.items() if rank[name] > rank[part.name]]
            if later:
                problems.append(
                    _at(
                        Rule.SECTION_ORDER,
                        heading,
                        f"{quote(heading.value)} must come before {quote(later[0].value)}"
                        f" (line {later[0].line})",
                        hint="the sections go in this order: " + ", ".join(order.values()),
                    )
                )
            placed[part.name] = heading
        fields.update(part.fields)
        bullets = part.bullets or bullets
        # The larger of the two keeps the other's spans: a section of many lines
        # has as many spans, which are not worth holding twice.
        if len(part.spans) > len(spans):
            part.spans.update(spans)
            spans = part.spans
        else:
            spans.update(part.spans)
        problems.extend(part.problems)
    return fields, spans, bullets


# ---- validation ---------------------------------------------------------------

_TYPE_CODES = {
    "greater_than_equal": Rule.OUT_OF_RANGE,
    "less_than_equal": Rule.OUT_OF_RANGE,
    "finite_number": Rule.OUT_OF_RANGE,
}


# pydantic's type errors, in the words of JSON: what a field must be.
_TYPE_WORDS = {
    "string_type": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "tuple_type": "a list",
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
}


def _json_kind(value: object) -> str:
    """What a value is, in the words of JSON: ``'a string'``, ``'null'``..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    return "an object"


_MODEL_HINTS = {
    Rule.KEY_CASE: "Story Stats keys are matched exactly, capital letters included",
}


def label(path: Sequence[str | int]) -> str:
    """Name a model field the way a story's reader knows it."""
    head = path[0] if path else ""
    if head == "stats" and len(path) >= 2:
        field = path[1]
        if field == "other" and len(path) >= 3:
            if path[-1] == "[key]":
                return f"the key {quote(str(path[2]))}"
            return f"the value of {quote(str(path[2]))}"
        for key, name in STATS_FIELDS.items():
            if name == field:
                return key
    if head == "breakdown" and len(path) >= 3 and isinstance(path[2], int):
        return f"point {path[2] + 1} of The Breakdown"
    if head == "breakdown" and len(path) >= 2 and path[1] == "count":
        return "the count of The Breakdown"
    if head == "further_learning" and len(path) >= 3 and isinstance(path[1], int):
        number = path[1] + 1
        return f"question {number}" if path[2] == "question" else f"the answer to question {number}"
    if head in ("tags", "keywords") and len(path) >= 2 and isinstance(path[1], int):
        noun = "tag" if head == "tags" else "keyword"
        return f"{noun} {path[1] + 1}"
    names = {
        "rank": "the rank",
        "title": "the title",
        "headline": "the headline",
        "stats": "Story Stats",
        "breakdown": "The Breakdown",
        "further_learning": "Further Learning",
        "keywords": "Top Keywords",
        **BRIEF_SECTIONS,
    }
    return names.get(str(head), "the story")


def explain(
    error: ErrorDetails, name: Callable[[Sequence[str | int]], str], fallback: Rule
) -> tuple[Rule, str]:
    """The code and sentence for one pydantic error, naming its field with ``name``.

    Errors raised by the models' own checks carry their code; pydantic's own
    errors get the code of what they mean, or ``fallback``.
    """
    kind = error["type"]
    loc = error["loc"]
    subject = name(loc)
    if kind.startswith("SF"):
        return Rule(kind), f"{subject} {error['msg']}"
    if kind == "missing":
        return (
            Rule.MISSING_TITLE if tuple(loc) == ("title",) else fallback
        ), f"{subject} is missing"
    if kind == "union_tag_invalid":
        return fallback, "'kind' must be 'card' or 'brief'"
    if kind == "union_tag_not_found":
        return fallback, "'kind' is missing: it must be 'card' or 'brief'"
    if kind == "extra_forbidden":
        return fallback, f"{subject} is not a field of a story"
    if kind == "too_short":
        return Rule.EMPTY_SECTION, f"{subject} must not be empty"
    if kind in _TYPE_WORDS:
        got = _json_kind(error.get("input"))
        return fallback, f"{subject} must be {_TYPE_WORDS[kind]}, got {got}"
    message = error["msg"].replace("Input should be", "must be")
    return _TYPE_CODES.get(kind, fallback), f"{subject} {message}"


def _locate(loc: tuple[str | int, ...], parsed: Parsed) -> Span | None:
    for end in range(len(loc), 0, -1):
        span = parsed.span(loc[:end])
        if span is not None:
            return span
    return None


def build(parsed: Parsed) -> tuple[StoryCard | StoryBrief | None, list[Diagnostic]]:
    """Validate parsed fields into a model, reporting model errors where they stand."""
    problems = list(parsed.problems)
    model_type = StoryCard if parsed.kind == "card" else StoryBrief
    if any(p.code == Rule.NO_STORY for p in problems):
        return None, problems
    try:
        story = model_type.model_validate(parsed.fields)
    except ValidationError as invalid:
        reported = {p.line for p in problems}
        for error in invalid.errors(include_url=False, include_context=False):
            loc = tuple(error["loc"])
            if loc == ("title",) and error["type"] == "missing":
                continue  # reported by the parser as SF202
            span = _locate(loc, parsed)
            line, column, end = span if span is not None else (1, 1, None)
            if not loc and problems:
                continue  # a whole-story check that earlier problems explain
            if line in reported:
                continue  # the line's problem is reported already
            code, message = explain(error, label, Rule.INVALID_TEXT)
            if code == Rule.EMPTY_SECTION and problems:
                continue  # emptiness caused by a line reported already
            hint = _MODEL_HINTS.get(code)
            problems.append(diagnostic(code, line, column, message, end_column=end, hint=hint))
        story = None
    if problems:
        return None, cap(problems)
    return story, problems


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
    lines = source_lines(source)
    character_problems = check_lines(lines, from_bytes=from_bytes)
    parsed = parse_lines(lines, kind)
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
        TypeError: ``source`` is a file opened in text mode.

    Example:
        >>> card = load("examples/card-japan-korea-summit.story")  # doctest: +SKIP
        >>> with open("examples/card-japan-korea-summit.story", "rb") as f:  # doctest: +SKIP
        ...     card = load(f)
    """
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        with open(path, "rb") as handle:
            data = handle.read()
    else:
        path = getattr(source, "name", "<file>")
        data = source.read()
        if not isinstance(data, bytes):
            raise TypeError("load() needs a file opened in binary mode ('rb')")
    story, parsed = parse_text(data, kind)
    if story is None:
        raise StoryFormatError(parsed.problems, source_lines=source_lines(data), path=str(path))
    return story
