"""Typed models of story cards and story briefs.

The models enforce everything the text format can represent, so that every model
that validates can be written as text and read back as an equal model.
"""

from __future__ import annotations

import re
import sys
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any, ClassVar, Final, Literal, TypeGuard

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    TypeAdapter,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from storyfmt._codes import Rule
from storyfmt._vocabulary import (
    BRIEF_HEADINGS,
    CARD_HEADINGS,
    FORBIDDEN_RANGES,
    MAX_INT,
    MAX_LINE,
    STATS_FIELDS,
    STATS_KEYS_FOLDED,
    UNIT_SECONDS,
    DurationUnit,
    is_card_heading,
)

__all__ = [
    "Breakdown",
    "Duration",
    "DurationUnit",
    "FrozenDict",
    "QuestionAnswer",
    "Stats",
    "Story",
    "StoryBrief",
    "StoryCard",
]

# Anything that cannot appear inside a line of story text: control characters
# other than tab, a byte-order mark, and lone surrogates.
_FORBIDDEN = re.compile(f"[\n{FORBIDDEN_RANGES}]")
_DIGITS = re.compile(r"[0-9]+")
_KEY_COLON = re.compile(r":(?:[ \t]|$)")
_KNOWN_KEY_HEAD = re.compile("(" + "|".join(map(re.escape, STATS_FIELDS)) + r")[ \t:]")


def _fail(rule: Rule, message: str) -> PydanticCustomError:
    # The plain code is the error's type, which the parser reads back as the code.
    return PydanticCustomError(rule.value, message)


def _check_line(value: str) -> str:
    """One line of text: not empty, no line break, no surrounding whitespace."""
    if not value:
        raise _fail(Rule.INVALID_TEXT, "must not be empty")
    # isprintable() is false for every forbidden character (and for tab): a
    # quick way past the search for the usual line.
    bad = None if value.isprintable() else _FORBIDDEN.search(value)
    if bad is not None:
        char = bad.group()
        if char in "\n\r":
            raise _fail(Rule.INVALID_TEXT, "must be a single line (it contains a line break)")
        raise _fail(
            Rule.FORBIDDEN_CHARACTER,
            f"contains the character U+{ord(char):04X}, which is not allowed",
        )
    if value[0] in " \t" or value[-1] in " \t":
        raise _fail(Rule.INVALID_TEXT, "must not start or end with whitespace")
    if len(value) > MAX_LINE:
        raise _fail(Rule.LINE_TOO_LONG, f"must be at most {MAX_LINE:,} characters long")
    return value


def _check_card_line(value: str) -> str:
    _check_line(value)
    if is_card_heading(value):
        raise _fail(Rule.INVALID_TEXT, f"must not be the section heading '{value}'")
    return value


def _check_title(value: str) -> str:
    _check_card_line(value)
    if _DIGITS.fullmatch(value):
        raise _fail(
            Rule.INVALID_TEXT, "must not be made only of digits (such a line reads as the rank)"
        )
    if value in BRIEF_HEADINGS:
        raise _fail(Rule.INVALID_TEXT, f"must not be the brief heading '{value}'")
    return value


def _check_headline(value: str) -> str:
    _check_card_line(value)
    if value.endswith(" /"):
        raise _fail(Rule.INVALID_TEXT, "must not end with ' /' (such a line reads as the tag line)")
    return value


def _check_tag(value: str) -> str:
    _check_line(value)
    if " / " in value:
        raise _fail(Rule.INVALID_TEXT, "must not contain ' / ' (it separates tags)")
    if value.endswith(" /"):
        raise _fail(Rule.INVALID_TEXT, "must not end with ' /' (it ends the tag line)")
    return value


def _check_point(value: str) -> str:
    _check_line(value)
    if len(value) > MAX_LINE - 2:
        # A point is written after a two-character bullet: "• text".
        raise _fail(Rule.LINE_TOO_LONG, f"must be at most {MAX_LINE - 2:,} characters long")
    return value


def _check_tag_line(tags: tuple[str, ...]) -> tuple[str, ...]:
    # The tag line is "A / B /": the items, three characters between two, two after.
    if sum(len(tag) + 3 for tag in tags) - 1 > MAX_LINE:
        raise _fail(Rule.LINE_TOO_LONG, f"must fit on a line of at most {MAX_LINE:,} characters")
    return tags


def _check_lines(value: str, *, paragraphs: bool, reserved: frozenset[str]) -> str:
    if not value:
        raise _fail(Rule.INVALID_TEXT, "must not be empty")
    lines = value.split("\n")
    for number, line in enumerate(lines, 1):
        if not line:
            if not paragraphs:
                raise _fail(Rule.INVALID_TEXT, "must not contain a blank line")
            if number == 1 or number == len(lines) or not lines[number - 2]:
                raise _fail(
                    Rule.INVALID_TEXT,
                    "paragraphs must be separated by exactly one blank line,"
                    " with none at the start or end",
                )
            continue
        try:
            _check_line(line)
        except PydanticCustomError as error:
            raise _fail(Rule(error.type), f"line {number} {error.message()}") from None
        if line in reserved or (not paragraphs and is_card_heading(line)):
            raise _fail(
                Rule.INVALID_TEXT, f"line {number} must not be the section heading '{line}'"
            )
    return value


def _check_answer(value: str) -> str:
    return _check_lines(value, paragraphs=False, reserved=CARD_HEADINGS)


def _check_brief_text(value: str) -> str:
    return _check_lines(value, paragraphs=True, reserved=BRIEF_HEADINGS)


def _check_other_key(value: str) -> str:
    _check_card_line(value)
    known = STATS_KEYS_FOLDED.get(value.casefold())
    if known is not None:
        if known == value:
            raise _fail(
                Rule.INVALID_TEXT,
                f"is a known key, which has its own field '{STATS_FIELDS[value]}'",
            )
        raise _fail(Rule.KEY_CASE, f"differs from the known key '{known}' only in case")
    if _KEY_COLON.search(value):
        raise _fail(
            Rule.INVALID_TEXT,
            "must not hold a colon before whitespace or its end (a key and its value go on"
            " two lines)",
        )
    head = _KNOWN_KEY_HEAD.match(value)
    if head is not None:
        raise _fail(
            Rule.INVALID_TEXT,
            f"must not start with the known key '{head.group(1)}' and a colon or whitespace"
            " (such a line reads as that key)",
        )
    return value


def format_number(value: float) -> str:
    """The shortest decimal that reads back as ``value``, never in exponent form.

    This is how a Virality is written, and what a Virality's text must say to
    be kept exactly.

    >>> format_number(12.0), format_number(5.1), format_number(1e16)
    ('12', '5.1', '10000000000000000')
    """
    text = repr(value)
    if "e" in text:
        text = format(Decimal(text), "f")
    return text[:-2] if text.endswith(".0") else text


def _no_negative_zero(value: float) -> float:
    # -0.0 passes ge=0 but would be written as "-0", which does not read back.
    return value + 0.0


Count = Annotated[int, Field(ge=0, le=MAX_INT)]
# JSON Schema of the text fields, for tools outside Python: the same rules as
# the checks above, as far as patterns can say them, in the part of regular
# expression syntax that ECMA-262 and Python's re agree on. Python's "$" also
# matches before a final line break, so the end of the text is a lookahead.
_END = r"(?![\s\S])"
_EDGE = r"[^\u0000-\u0020\u007f-\u009f\ufeff]"
_INNER = r"[^\u0000-\u0008\u000a-\u001f\u007f-\u009f\ufeff]"
_ONE_LINE = f"{_EDGE}(?:{_INNER}*{_EDGE})?"
_BOUNDED_LINE = f"{_EDGE}(?:{_INNER}{{0,{MAX_LINE - 2}}}{_EDGE})?"
_BREAKDOWN_LIKE = r"The Breakdown(?:[ \t]+[0-9]+)?"


def _escape(text: str) -> str:
    """``text`` as a pattern, escaping only what both ECMA-262 and Python need escaped."""
    return re.sub(r"[\\^$.|?*+()\[\]{}/-]", r"\\\g<0>", text)


def _either(words: Iterable[str]) -> str:
    return "|".join(_escape(word) for word in sorted(words))


@lru_cache(maxsize=1)
def _ascii_folds() -> dict[str, str]:
    """Every character whose casefold() is ASCII, by that fold: ``{"s": "Ssſ", "st": "ﬅﬆ"...}``."""
    folds: dict[str, str] = {}
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        fold = char.casefold()
        if fold.isascii():
            folds[fold] = folds.get(fold, "") + char
    return folds


def _casefold_pattern(word: str) -> str:
    """A pattern of every text whose casefold() is ``word.casefold()``.

    JSON Schema patterns have no case-insensitive flag: each piece of the word
    becomes the class of the characters that fold to it (``s`` is ``[Ssſ]``,
    ``st`` may also be ``ﬆ``).
    """
    folded = word.casefold()
    folds = sorted(_ascii_folds().items(), key=lambda item: -len(item[0]))

    def rest(start: int) -> str:
        if start == len(folded):
            return ""
        options = [
            f"[{_escape(chars)}]{rest(start + len(fold))}"
            for fold, chars in folds
            if folded.startswith(fold, start)
        ]
        return options[0] if len(options) == 1 else f"(?:{'|'.join(options)})"

    return rest(0)


def _text_json(
    pattern: str, *, max_length: int | None = MAX_LINE, never: Iterable[str] = ()
) -> dict[str, Any]:
    """The JSON Schema of a text: ``pattern`` for all of it, ``never`` patterns for none of it."""
    schema: dict[str, Any] = {"type": "string", "minLength": 1, "pattern": f"^{pattern}{_END}"}
    if max_length is not None:
        schema["maxLength"] = max_length
    never = list(never)
    if never:
        schema["not"] = {"pattern": f"^(?:{'|'.join(never)}){_END}"}
    return schema


def _lines_json(reserved: str, separator: str) -> dict[str, Any]:
    """The JSON Schema of lines of text, none of them a line matching ``reserved``."""
    line = f"(?!(?:{reserved})(?:\\n|{_END})){_BOUNDED_LINE}"
    return _text_json(f"{line}(?:{separator}{line})*", max_length=None)


_CARD_HEADING = f"{_either(CARD_HEADINGS)}|{_BREAKDOWN_LIKE}"
_CARD_LINE_JSON = _text_json(_ONE_LINE, never=[_CARD_HEADING])


@lru_cache(maxsize=1)
def _other_key_json() -> dict[str, Any]:
    """The JSON Schema of a key of ``Stats.other``, built when a schema is asked for."""
    known = [_casefold_pattern(key) for key in STATS_FIELDS]
    heads = "|".join(STATS_FIELDS)  # plain words: nothing to escape
    # A known key and then its value, or any key with a colon and then its value.
    pairs = [f"(?:{heads})[ \\t:][\\s\\S]*", "[\\s\\S]*:(?:[ \\t][\\s\\S]*)?"]
    return _text_json(_ONE_LINE, never=[_CARD_HEADING, *known, *pairs])


PARSED: Final = object()
"""The validation context of fields the parser built from story text.

The grammar and the character checks have already checked each of their lines,
so the line checks below pass them without looking again. A model built any
other way has every line checked.
"""


class Check:
    """A check run on a value after pydantic's own validation of it.

    It gives pydantic its core schema itself, so pydantic need not inspect the
    function's signature. ``check`` is the check itself, for callers that run
    it directly. A check of ``lines`` passes the values the parser built
    without running.
    """

    __slots__ = ("check", "lines")

    def __init__(self, check: Callable[[Any], Any], *, lines: bool = False) -> None:
        self.check = check
        self.lines = lines

    def _unless_parsed(self, value: str, info: ValidationInfo) -> str:
        return value if info.context is PARSED else self.check(value)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        if self.lines:
            return core_schema.with_info_after_validator_function(
                self._unless_parsed, handler(source)
            )
        return core_schema.no_info_after_validator_function(self.check, handler(source))


class _ItemsAsParsed:
    """Takes a list of values the parser built as they are, without a call per
    item: the parser built each with the item's type and checked its line.
    JSON, and any other list, is validated item by item."""

    @staticmethod
    def _unless_parsed(
        value: Any, handler: core_schema.ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Any:
        if info.context is PARSED and type(value) is list:
            return tuple(value)
        return handler(value)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        items = handler(source)
        return core_schema.json_or_python_schema(
            json_schema=items,
            python_schema=core_schema.with_info_wrap_validator_function(self._unless_parsed, items),
        )


def _lines(check: Callable[[str], str]) -> Check:
    """A validator that runs ``check``, unless the parser built the value."""
    return Check(check, lines=True)


Line = Annotated[str, _lines(_check_line), WithJsonSchema(_text_json(_ONE_LINE))]
CardLine = Annotated[str, _lines(_check_card_line), WithJsonSchema(_CARD_LINE_JSON)]
Title = Annotated[
    str,
    _lines(_check_title),
    WithJsonSchema(_text_json(_ONE_LINE, never=[_CARD_HEADING, _either(BRIEF_HEADINGS), "[0-9]+"])),
]
Headline = Annotated[
    str,
    _lines(_check_headline),
    WithJsonSchema(_text_json(_ONE_LINE, never=[_CARD_HEADING, "[\\s\\S]* /"])),
]
# One tag alone must fit on the tag line, after which " /" is written.
Tag = Annotated[
    str,
    _lines(_check_tag),
    WithJsonSchema(
        _text_json(_ONE_LINE, max_length=MAX_LINE - 2, never=["[\\s\\S]*(?: / [\\s\\S]*| /)"])
    ),
]
Tags = Annotated[tuple[Tag, ...], Check(_check_tag_line)]
Point = Annotated[
    str,
    _lines(_check_point),
    WithJsonSchema(_text_json(_ONE_LINE, max_length=MAX_LINE - 2)),
]
Answer = Annotated[str, _lines(_check_answer), WithJsonSchema(_lines_json(_CARD_HEADING, "\\n"))]
BriefText = Annotated[
    str,
    _lines(_check_brief_text),
    WithJsonSchema(_lines_json(_either(BRIEF_HEADINGS), "\\n\\n?")),
]
OtherKey = Annotated[str, Check(_check_other_key)]
Virality = Annotated[
    float,
    Field(ge=0, le=sys.float_info.max, allow_inf_nan=False),
    Check(_no_negative_zero),
]


class FrozenDict(Mapping[str, str]):
    """An immutable, hashable, ordered mapping of strings to strings.

    It holds the extra stats of a card (``Stats.other``). Order is kept and is
    significant: two mappings are equal when they hold the same items in the
    same order. It serializes as a JSON object.

    >>> FrozenDict({"Region": "Asia"})["Region"]
    'Asia'
    """

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[str, str] | None = None) -> None:
        self._data: dict[str, str] = dict(data or {})
        self._hash: int | None = None

    def __getitem__(self, key: str) -> str:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return list(self.items()) == list(other.items())
        return NotImplemented

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(tuple(self._data.items()))
        return self._hash

    def __repr__(self) -> str:
        return f"FrozenDict({self._data!r})"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        items = handler.generate_schema(dict[OtherKey, CardLine])
        return core_schema.no_info_after_validator_function(
            cls,
            items,
            serialization=core_schema.plain_serializer_function_ser_schema(
                dict, return_schema=items
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "type": "object",
            "propertyNames": _other_key_json(),
            "additionalProperties": _CARD_LINE_JSON,
        }


class _Model(BaseModel):
    # revalidate_instances: a model built without validation (model_construct,
    # model_copy(update=...)) is checked again when it is put inside another.
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        validate_default=False,
        defer_build=True,
        revalidate_instances="always",
    )


# The stories that went through validation, by id(): model_copy() and
# model_construct() skip validation, so their results are never in it.
_VALIDATED: weakref.WeakValueDictionary[int, StoryCard | StoryBrief] = weakref.WeakValueDictionary()


def is_validated(story: object) -> TypeGuard[StoryCard | StoryBrief]:
    """Whether ``story`` is a story the models validated, which can be written as it is."""
    return story is not None and _VALIDATED.get(id(story)) is story


def _json_needs(
    *, kind: bool = False, one_of: Iterable[str] = (), or_entries_in: str | None = None
) -> ConfigDict:
    """Config that adds to a model's JSON Schema what its own checks require.

    ``kind``: the ``kind`` field is required, as :func:`storyfmt.from_json`
    requires it. ``one_of``: at least one of these fields is present and not
    null, or else ``or_entries_in`` (a mapping field) has an entry.
    """

    def extra(schema: dict[str, Any]) -> None:
        if kind:
            schema["required"] = ["kind", *schema.get("required", [])]
        present = [
            {"required": [name], "properties": {name: {"not": {"type": "null"}}}} for name in one_of
        ]
        if or_entries_in is not None:
            present.append(
                {"required": [or_entries_in], "properties": {or_entries_in: {"minProperties": 1}}}
            )
        if present:
            schema["anyOf"] = present

    return ConfigDict(json_schema_extra=extra)


class Duration(_Model):
    """A duration such as ``7 hours``: a whole number of a unit.

    Attributes:
        value: The number, from 0 to 2**53 - 1.
        unit: ``second``, ``minute``, ``hour``, ``day``, ``week``, ``month`` or ``year``.

    Example:
        >>> duration = Duration(value=7, unit="hour")
        >>> str(duration), duration.to_timedelta()
        ('7 hours', datetime.timedelta(seconds=25200))
    """

    value: Count
    unit: DurationUnit

    def to_timedelta(self) -> timedelta:
        """Return the duration as a :class:`~datetime.timedelta`.

        A month counts as 30 days and a year as 365 days, so the result is
        approximate for those units.

        Raises:
            OverflowError: the duration is beyond what ``timedelta`` can hold.
        """
        return timedelta(seconds=self.value * UNIT_SECONDS[self.unit])

    def __str__(self) -> str:
        return f"{self.value} {self.unit}{'' if self.value == 1 else 's'}"


class Stats(_Model):
    """The ``Story Stats`` section of a card.

    Known keys have typed fields; any other key is kept, in order, in ``other``.
    At least one value must be present.

    Attributes:
        status: The ``Status`` line (known value: ``Active``).
        duration: The ``Duration``, such as 7 hours.
        virality: The ``Virality``, a finite number of 0 or more.
        articles: The number of ``Articles``.
        political_leaning: The ``Political leaning`` line.
        other: Every other key and its value, in the order written.

    Raises:
        pydantic.ValidationError: A value the text format cannot hold.

    Example:
        >>> Stats(status="Active", virality=5.1, other={"Region": "Asia"}).other["Region"]
        'Asia'
    """

    model_config = _json_needs(one_of=STATS_FIELDS.values(), or_entries_in="other")

    status: CardLine | None = None
    duration: Duration | None = None
    virality: Virality | None = None
    articles: Count | None = None
    political_leaning: CardLine | None = None
    other: FrozenDict = Field(default_factory=FrozenDict)

    @model_validator(mode="after")
    def _not_empty(self) -> Stats:
        if not self.other and all(getattr(self, name) is None for name in STATS_FIELDS.values()):
            raise _fail(Rule.EMPTY_SECTION, "must hold at least one value")
        return self


class Breakdown(_Model):
    """The ``The Breakdown`` section: an optional count and the bullet points.

    Attributes:
        count: The number shown beside the heading (``The Breakdown 15``); it
            need not equal the number of points.
        points: The text of each bullet point, at least one.

    Example:
        >>> Breakdown(count=15, points=["Leaders met in Nara."]).points
        ('Leaders met in Nara.',)
    """

    count: Count | None = None
    points: Annotated[tuple[Point, ...], Field(min_length=1), _ItemsAsParsed()]


class QuestionAnswer(_Model):
    """One question of ``Further Learning`` and its answer.

    Attributes:
        question: The question, one line.
        answer: The answer paragraph; its line breaks are kept as ``\\n``, and it
            has no blank line.

    Example:
        >>> QuestionAnswer(question="Why Nara?", answer="Her hometown.").question
        'Why Nara?'
    """

    question: CardLine
    answer: Answer


class StoryCard(_Model):
    """A story card: a header, optional sections in a fixed order, an optional footer.

    The model is frozen and hashable, and enforces everything the text format
    can represent: every card that validates can be written with :func:`dumps`
    and read back as an equal card.

    Attributes:
        kind: Always ``"card"``: tells cards from briefs in JSON.
        rank: The story's position in its feed (the optional first header line).
        title: The title, one line, never made only of digits.
        headline: The optional headline line.
        tags: The items of the header's tag line (``A / B /``).
        stats: The ``Story Stats`` section, or None.
        breakdown: ``The Breakdown`` section, or None.
        keywords: The items of the ``Top Keywords`` tag line.
        further_learning: The questions and answers of ``Further Learning``.
        end_of_feed: Whether the card ends with ``You're all caught up``.

    Raises:
        pydantic.ValidationError: A value the text format cannot hold (a title
            with a line break, a tag containing ``' / '``...).

    Example:
        >>> card = StoryCard(rank=20, title="Japan Korea Summit", tags=["Nara, Japan"])
        >>> card == StoryCard.model_validate_json(card.model_dump_json())
        True
    """

    model_config = _json_needs(kind=True)

    kind: Literal["card"] = "card"
    rank: Count | None = None
    title: Title
    headline: Headline | None = None
    tags: Tags = ()
    stats: Stats | None = None
    breakdown: Breakdown | None = None
    keywords: Tags = ()
    further_learning: tuple[QuestionAnswer, ...] = ()
    end_of_feed: bool = False

    @model_validator(mode="after")
    def _validated(self) -> StoryCard:
        _VALIDATED[id(self)] = self
        return self


class StoryBrief(_Model):
    """A story brief: up to four headed sections of text, at least one present.

    Attributes:
        kind: Always ``"brief"``.
        whats_happening: The text under ``What's Happening?``, or None.
        why_its_important: The text under ``Why It's Important?``, or None.
        whats_next: The text under ``What's Next?``, or None.
        beyond_the_headlines: The text under ``Beyond the Headlines``, or None.

    Line breaks inside a section are kept as ``\\n``; paragraphs are separated by
    ``\\n\\n``.

    Raises:
        pydantic.ValidationError: No section, or text the format cannot hold.

    Example:
        >>> StoryBrief(whats_next="Talks.\\n\\nMore talks.").whats_next
        'Talks.\\n\\nMore talks.'
    """

    SECTIONS: ClassVar[tuple[str, ...]] = (
        "whats_happening",
        "why_its_important",
        "whats_next",
        "beyond_the_headlines",
    )
    model_config = _json_needs(kind=True, one_of=SECTIONS)

    kind: Literal["brief"] = "brief"
    whats_happening: BriefText | None = None
    why_its_important: BriefText | None = None
    whats_next: BriefText | None = None
    beyond_the_headlines: BriefText | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> StoryBrief:
        if all(getattr(self, name) is None for name in self.SECTIONS):
            raise _fail(Rule.EMPTY_SECTION, "must hold at least one section")
        _VALIDATED[id(self)] = self
        return self


Story = Annotated[StoryCard | StoryBrief, Field(discriminator="kind")]
"""Either kind of story, told apart by its ``kind`` field."""


@lru_cache(maxsize=1)
def story_adapter() -> TypeAdapter[StoryCard | StoryBrief]:
    """The validator of either kind of story, built on first use (it costs start-up time)."""
    return TypeAdapter(Story)
