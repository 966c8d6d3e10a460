"""The JSON and YAML forms of stories: writing them, reading them back through
the models, and the JSON Schema of the JSON form."""

from __future__ import annotations

import importlib.util
import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from pydantic import BaseModel, ConfigDict, ValidationError

from storyfmt._codes import Rule
from storyfmt._diagnostics import Diagnostic, StoryFormatError, cap, diagnostic, quote
from storyfmt._locate import explain
from storyfmt._models import (
    Story,
    StoryBrief,
    StoryCard,
    is_validated,
    story_adapter,
)
from storyfmt._transform import Path_
from storyfmt._values import Span, too_precise
from storyfmt._vocabulary import MAX_LINE

if TYPE_CHECKING:
    import yaml

_POSITION = re.compile(r"line (\d+) column (\d+)")


def to_json(story: StoryCard | StoryBrief, *, indent: int | None = 2) -> str:
    """Write a story as JSON, ``kind`` first, non-ASCII text kept as is.

    Args:
        story: A :class:`StoryCard` or a :class:`StoryBrief`.
        indent: Spaces per level, or None for one line (as JSON Lines wants).

    Returns:
        The JSON text, which :func:`from_json` reads back as an equal story.

    Raises:
        StoryFormatError: The story holds a value the format cannot hold (see
            :func:`storyfmt.dumps`).
        TypeError: ``story`` is not a story.

    Example:
        >>> from storyfmt import StoryBrief
        >>> print(to_json(StoryBrief(whats_next="Talks.")))
        {
          "kind": "brief",
          "whats_happening": null,
          "why_its_important": null,
          "whats_next": "Talks.",
          "beyond_the_headlines": null
        }
    """
    return checked(story).model_dump_json(indent=indent)


def _json_path(path: Sequence[str | int]) -> str:
    """Name a place in a story's JSON: ``'stats.other'``, ``'breakdown.points[0]'``."""
    if path and path[-1] == "[key]":  # pydantic's location of a mapping's key
        return f"the key {quote(str(path[-2]))} of {_json_path(path[:-2])}"
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return f"'{text}'" if text else "the story"


_SPACE = re.compile(r"[ \t\n\r]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NESTED = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_SCALAR_END = re.compile(r"[,\]}\s]|$")
_NUMBER_TAIL = re.compile(r"[-+0-9.eE]*$")

Locate = Callable[[Path_, bool], Span]
"""Where the value at a path stands in a document (or its key, when the flag is set)."""


class Reading(NamedTuple):
    """One story read from JSON or YAML: the story, or the problems that stop it."""

    story: StoryCard | StoryBrief | None
    problems: list[Diagnostic]
    locate: Locate


def _space(text: str, at: int) -> int:
    """The offset of the first character at or after ``at`` that is not JSON whitespace."""
    return cast(re.Match[str], _SPACE.match(text, at)).end()


def _offset_span(text: str, start: int, end: int) -> Span:
    """The line and columns of ``text[start:end]``, cut at the end of its first line."""
    line_start = text.rfind("\n", 0, start) + 1
    newline = text.find("\n", start, end)
    column = start - line_start + 1
    length = max(1, (end if newline < 0 else newline) - start)
    return Span(text.count("\n", 0, start) + 1, column, column + length)


def _skip_json(text: str, at: int) -> int:
    """The end of the JSON value that starts at ``at``, in a document known to parse."""
    first = text[at : at + 1]
    if first in ("[", "{"):
        depth = 0
        for match in _NESTED.finditer(text, at):
            depth += {"[": 1, "{": 1, "]": -1, "}": -1}.get(match[0], 0)
            if depth == 0:
                return match.end()
        return len(text)
    if first == '"':
        string = _STRING.match(text, at)
        return string.end() if string else len(text)
    return cast(re.Match[str], _SCALAR_END.search(text, at)).start()


def _json_step(text: str, at: int, step: str | int) -> tuple[int, int] | None:
    """The offsets of the key (for an array: the element) and value one step below ``at``."""
    opener = text[at : at + 1]
    item = _space(text, at + 1)
    if opener == "[" and isinstance(step, int):
        for _ in range(step):
            after = _space(text, _skip_json(text, item))
            if text[after : after + 1] != ",":
                return None
            item = _space(text, after + 1)
        return item, item
    if opener != "{" or not isinstance(step, str):
        return None
    while (name := _STRING.match(text, item)) is not None:
        value = _space(text, _space(text, name.end()) + 1)  # past the colon
        if json.loads(name[0]) == step:
            return item, value
        after = _space(text, _skip_json(text, value))
        if text[after : after + 1] != ",":
            return None
        item = _space(text, after + 1)
    return None


def json_locator(text: str) -> Locate:
    """Find values in a JSON document by path, scanning only along that path.

    Nothing is built in advance: reading a valid document costs nothing more.
    A path that leads nowhere (a missing field) stops at the deepest value found.
    """

    def locate(path: Path_, key: bool) -> Span:
        start = at = _space(text, 0)
        for step in path:
            found = _json_step(text, at, step)
            if found is None:
                break
            start, at = found
        if start == at or not key:
            return _offset_span(text, at, _skip_json(text, at))
        return _offset_span(text, start, _skip_json(text, start))

    return locate


def _shifted(locate: Locate, line: int, prefix: Path_ = ()) -> Locate:
    """A locator for a document that starts on ``line`` of a file, below ``prefix``."""

    def moved(path: Path_, key: bool) -> Span:
        found = locate(prefix + path, key)
        return found._replace(line=found.line + line - 1)

    return moved


def _number_too_large(text: str, line: int, byte_column: int) -> Diagnostic:
    """SF304 at the start of a number too long for the JSON reader (over 4,300 digits)."""
    start = _offset_of(text, line, byte_column)
    start -= len(cast(re.Match[str], _NUMBER_TAIL.search(text, 0, start))[0])
    digits = _skip_json(text, start) - start
    where = _offset_span(text, start, start + digits)
    return diagnostic(
        Rule.OUT_OF_RANGE,
        where.line,
        where.column,
        f"a number of {digits:,} characters is too large to read",
        end_column=where.end_column,
        hint="story numbers are whole numbers up to 9007199254740991",
    )


def _offset_of(text: str, line: int, byte_column: int) -> int:
    """The offset in ``text`` of a line and a column counted in UTF-8 bytes."""
    at = 0
    for _ in range(line - 1):
        at = text.find("\n", at) + 1
    end = text.find("\n", at)
    in_bytes = text[at : end if end >= 0 else len(text)].encode("utf-8", "surrogatepass")
    return at + len(in_bytes[: byte_column - 1].decode("utf-8", "ignore"))


def json_problems(
    invalid: ValidationError, text: str, locate: Locate, tag_at: int = 0
) -> list[Diagnostic]:
    """Turn a pydantic error on JSON input into diagnostics located in ``text``.

    ``tag_at`` is where the story's ``kind`` stands in an error's path: pydantic
    names the union member there, which is no field and is left out.
    """
    errors = invalid.errors(include_url=False, include_context=False)
    for error in errors:
        loc = error["loc"]
        if loc[tag_at : tag_at + 1] in (("card",), ("brief",)):
            error["loc"] = loc[:tag_at] + loc[tag_at + 1 :]
    found: list[Diagnostic] = []
    for error in errors:
        if error["type"] == "json_invalid":
            position = _POSITION.search(error["msg"])
            line, column = (int(position[1]), int(position[2])) if position else (1, 1)
            reason = _POSITION.sub("", error["msg"].removeprefix("Invalid JSON: "))
            reason = reason.strip().removesuffix(" at").strip()
            if reason == "number out of range":
                found.append(_number_too_large(text, line, column))
                continue
            column = _offset_span(text, _offset_of(text, line, column), 0).column
            found.append(diagnostic(Rule.INVALID_JSON, line, column, f"invalid JSON: {reason}"))
            continue
        loc = tuple(error["loc"])
        story_loc = loc[tag_at:] if loc[:tag_at] == ("story",) * tag_at else loc
        rule, message = explain({**error, "loc": story_loc}, _json_path, Rule.INVALID_JSON_VALUE)
        if rule is Rule.EMPTY_SECTION and any(
            other["loc"][: len(loc)] == loc and len(other["loc"]) > len(loc) for other in errors
        ):
            continue  # pydantic also finds a list empty once its only item is invalid
        if loc[-1:] == ("[key]",):
            where = locate(loc[:-1], True)
        elif error["type"].startswith("union_tag"):
            where = locate((*loc, "kind"), False)
        else:
            where = locate(loc, error["type"] == "extra_forbidden")
        found.append(
            diagnostic(rule, where.line, where.column, message, end_column=where.end_column)
        )
    return found


def _without_bom(text: str | bytes) -> str:
    """JSON text without a leading byte-order mark, which is accepted and ignored."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "surrogateescape")
    return text.removeprefix("\ufeff")


# A number that a float may not keep exactly has 16 or more significant digits.
_LONG_VIRALITY = re.compile(r"""virality["']?\s*:\s*[-+]?[0-9][0-9._]{15,}""")
_NUMBER = re.compile(r"[-+]?[0-9][0-9._]*(?:[eE][-+]?[0-9]+)?")


def _inexact(story: StoryCard | StoryBrief, text: str, locate: Locate) -> Diagnostic | None:
    """SF304 when the Virality of a story read from ``text`` was written with more
    digits than its float keeps, as for story text: a rewrite would change them."""
    if (
        not isinstance(story, StoryCard)
        or story.stats is None
        or story.stats.virality is None
        or _LONG_VIRALITY.search(text) is None
    ):
        return None
    where = locate(("stats", "virality"), False)
    written = _NUMBER.match(text.split("\n")[where.line - 1], where.column - 1)
    if written is None:
        return None
    subject = f"'stats.virality' {written.group()}"
    inexact = too_precise(subject, written.group(), story.stats.virality)
    if inexact is None:
        return None
    message, hint = inexact
    return diagnostic(Rule.OUT_OF_RANGE, where.line, where.column, message, hint=hint)


def _checked_reading(story: StoryCard | StoryBrief, text: str, locate: Locate) -> Reading:
    """The reading of a story that validated: itself, or the problem of its Virality."""
    problem = _inexact(story, text, locate)
    return Reading(story, [], locate) if problem is None else Reading(None, [problem], locate)


def read_json(text: str | bytes) -> Reading:
    """Read a story from JSON, with the problems that stop it located in the text."""
    text = _without_bom(text)
    locate = json_locator(text)
    try:
        story = story_adapter().validate_json(text, strict=True)
    except ValidationError as invalid:
        return Reading(None, cap(json_problems(invalid, text, locate)), locate)
    return _checked_reading(story, text, locate)


class _Record(BaseModel):
    """One line of JSON Lines: a story and the path it is known by."""

    model_config = ConfigDict(extra="forbid", strict=True)
    path: str
    story: Story


def read_jsonl(text: str | bytes) -> Iterator[tuple[int, str | None, Reading]]:
    """Read the records of JSON Lines, one ``{"path": ..., "story": {...}}`` a line.

    Each record comes with its line number and its path (None when the record is
    not valid); its problems and positions are on its own line of the file.
    """
    for number, line in enumerate(_without_bom(text).split("\n"), 1):
        if not line.strip():
            continue
        locate = json_locator(line)
        try:
            record = _Record.model_validate_json(line, strict=True)
        except ValidationError as invalid:
            problems = [
                item._replace(line=number, end_line=item.end_line and number)
                for item in json_problems(invalid, line, locate, tag_at=1)
            ]
            yield number, None, Reading(None, problems, _shifted(locate, number))
            continue
        reading = _checked_reading(record.story, line, _shifted(locate, 1, ("story",)))
        problems = [item._replace(line=number, end_line=number) for item in reading.problems]
        moved = _shifted(locate, number, ("story",))
        yield number, record.path, reading._replace(problems=problems, locate=moved)


def from_json(text: str | bytes) -> StoryCard | StoryBrief:
    """Read a story from its JSON form, validated by the same models as text.

    The JSON is read strictly: no unknown keys, no strings for numbers. A
    leading byte-order mark is ignored, as in story text.

    Args:
        text: A JSON document, as text or bytes.

    Returns:
        A :class:`StoryCard` or a :class:`StoryBrief`, by its ``kind``.

    Raises:
        StoryFormatError: The JSON does not parse (``SF401``) or does not
            describe a valid story (``SF402`` and the codes of the rules it
            breaks); each problem has the line and column of the value at fault.

    Example:
        >>> from_json('{"kind": "card", "title": "Summit", "rank": 3}').rank
        3
    """
    return _story_of(read_json(text))


def _story_of(reading: Reading) -> StoryCard | StoryBrief:
    if reading.story is None:
        raise StoryFormatError(reading.problems)
    return reading.story


_SCHEMA_DESCRIPTION = (
    "A story card or a story brief, in the JSON form written by storyfmt. Beyond"
    " this schema, storyfmt also refuses: tags (or keywords) whose tag line"
    f" ('A / B /') would be longer than {MAX_LINE:,} characters, and a whole number"
    " (rank, count, articles, duration value) written with a fraction, such as 5.0."
)


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the JSON form of a story.

    It is generated from the models, with the text rules written as patterns
    (in the syntax ECMA-262 and Python share), so that tools outside Python
    (check-jsonschema, editors) can check JSON stories. Every document
    :func:`from_json` accepts, the schema accepts; the schema refuses all else
    but what no schema can say, listed in its ``description``: the length of a
    whole tag line, and whole numbers written with a fraction (``5.0``).

    Returns:
        The schema, as a dictionary ready for :func:`json.dumps`.

    Example:
        >>> json_schema()["$schema"]
        'https://json-schema.org/draft/2020-12/schema'
    """
    schema = story_adapter().json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Story",
        "description": _SCHEMA_DESCRIPTION,
        **schema,
    }


def checked(story: object) -> StoryCard | StoryBrief:
    """The story to write: ``story`` itself when it was validated, else a validated copy.

    Every writer calls this first. A story the models validated costs one
    lookup. Any other (from ``model_copy(update=...)`` or ``model_construct()``)
    is validated again, as its constructor would have, so that no writer ever
    writes a value that does not read back.

    Raises:
        StoryFormatError: The story holds a value the format cannot hold; each
            diagnostic names the field, as the errors of :func:`from_json` do.
        TypeError: ``story`` is neither a :class:`StoryCard` nor a :class:`StoryBrief`.
    """
    if is_validated(story):
        return story
    if not isinstance(story, (StoryCard, StoryBrief)):
        raise TypeError(f"a story is a StoryCard or a StoryBrief, not {type(story).__name__}")
    try:
        return type(story).model_validate(story)
    except ValidationError as invalid:
        # A story in memory has no source text: its problems name their fields.
        raise StoryFormatError(json_problems(invalid, "", _nowhere), path=None) from None


def _require_yaml() -> None:
    if importlib.util.find_spec("yaml") is None:
        raise ImportError("YAML support needs PyYAML: pip install 'storyfmt[yaml]'")


@lru_cache(maxsize=1)
def _yaml_dumper() -> type[yaml.SafeDumper]:
    import yaml  # noqa: PLC0415 - an optional dependency, loaded on first use

    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present: faster

    class Dumper(base):  # type: ignore[valid-type, misc]
        """Writes multi-line text as literal blocks, which read best."""

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return Dumper


def to_yaml(story: StoryCard | StoryBrief) -> str:
    """Write a story as YAML: the fields of the JSON form, multi-line text as literal blocks.

    Needs the ``yaml`` extra (``pip install "storyfmt[yaml]"``).

    Args:
        story: A :class:`StoryCard` or a :class:`StoryBrief`.

    Returns:
        The YAML text, which :func:`from_yaml` reads back as an equal story.

    Raises:
        StoryFormatError: The story holds a value the format cannot hold (see
            :func:`storyfmt.dumps`).
        TypeError: ``story`` is not a story.
        ImportError: PyYAML is not installed.

    Example:
        >>> from storyfmt import StoryBrief
        >>> print(to_yaml(StoryBrief(whats_next="Talks.\\nMore talks.")), end="")
        kind: brief
        whats_happening: null
        why_its_important: null
        whats_next: |-
          Talks.
          More talks.
        beyond_the_headlines: null
    """
    _require_yaml()
    import yaml  # noqa: PLC0415

    data = checked(story).model_dump(mode="json")
    return yaml.dump(data, Dumper=_yaml_dumper(), sort_keys=False, allow_unicode=True, width=88)


@lru_cache(maxsize=1)
def _yaml_loader() -> type[yaml.SafeLoader]:
    import yaml  # noqa: PLC0415

    return cast(type[yaml.SafeLoader], getattr(yaml, "CSafeLoader", yaml.SafeLoader))


_YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
"""Where PyYAML ends a line: also at a CR, a NEL, U+2028 and U+2029, which an
editor shows within a line."""


def _yaml_place(text: str | bytes) -> Callable[[Any], tuple[int, int]]:
    """The line and column of a PyYAML mark in ``text``, counted in lines that
    end at LF, as every other place is."""

    @lru_cache(maxsize=1)
    def lines() -> tuple[str, list[int]] | None:
        """The text and where each of PyYAML's lines starts in it, read when a
        mark is first placed; None when its lines all end at LF."""
        source = _without_bom(text)
        starts = [0, *(found.end() for found in _YAML_BREAK.finditer(source))]
        return None if len(starts) == source.count("\n") + 1 else (source, starts)

    def place(mark: Any) -> tuple[int, int]:  # a Mark of PyYAML or of libyaml
        if mark is None:
            return 1, 1
        found = lines()
        if found is None:
            return mark.line + 1, mark.column + 1
        source, starts = found
        offset = min(starts[min(mark.line, len(starts) - 1)] + mark.column, len(source))
        at = _offset_span(source, offset, offset)
        return at.line, at.column

    return place


def _yaml_problem(error: yaml.YAMLError, text: str | bytes) -> Diagnostic:
    """SF401 for YAML that does not parse, at the parser's position."""
    import yaml  # noqa: PLC0415

    if isinstance(error, yaml.MarkedYAMLError):
        line, column = _yaml_place(text)(error.problem_mark or error.context_mark)
        reason = error.problem or error.context or "not valid YAML"
        return diagnostic(Rule.INVALID_JSON, line, column, f"invalid YAML: {reason}")
    return diagnostic(Rule.INVALID_JSON, 1, 1, f"invalid YAML: {error}")


def _refuse_aliases(text: str | bytes) -> None:
    """Raise at the first anchor or alias, before any value is built.

    Stories have no use for them, and aliases of aliases make a few hundred
    bytes expand into gigabytes (the "billion laughs").
    """
    import yaml  # noqa: PLC0415

    marked = (
        (b"&" in text or b"*" in text) if isinstance(text, bytes) else ("&" in text or "*" in text)
    )
    if not marked:
        return  # no anchor or alias is written without one of them: no need to scan
    for event in yaml.parse(text, Loader=_yaml_loader()):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            line, column = _yaml_place(text)(event.start_mark)
            raise StoryFormatError(
                [
                    diagnostic(
                        Rule.INVALID_JSON,
                        line,
                        column,
                        "YAML anchors and aliases are not allowed",
                        hint="write each value out in full",
                    )
                ]
            )


def _yaml_locator(text: str | bytes) -> Locate:
    """Find values in a YAML document by path, from the marks of its nodes.

    The nodes are composed on the first look-up: reading a valid document
    without warnings costs nothing more.
    """
    import yaml  # noqa: PLC0415

    place = _yaml_place(text)

    @lru_cache(maxsize=1)
    def composed() -> yaml.Node | None:
        return yaml.compose(text, Loader=_yaml_loader())

    def locate(path: Path_, key: bool) -> Span:
        root = composed()
        if root is None:
            return _nowhere(path, key)
        node, mark = root, root.start_mark
        for step in path:
            if isinstance(node, yaml.MappingNode):
                pair = next((p for p in node.value if p[0].value == step), None)
                if pair is None:
                    break
                mark, node = (pair[0] if key else pair[1]).start_mark, pair[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                if step >= len(node.value):
                    break
                node = node.value[step]
                mark = node.start_mark
            else:
                break
        line, column = place(mark)
        return Span(line, column, column + 1)

    return locate


def read_yaml(text: str | bytes) -> Reading:
    """Read a story from YAML, with the problems that stop it located in the text."""
    _require_yaml()
    import yaml  # noqa: PLC0415

    try:
        _refuse_aliases(text)
        data = yaml.load(text, Loader=_yaml_loader())
    except StoryFormatError as error:
        return Reading(None, error.diagnostics, _nowhere)
    except yaml.YAMLError as error:
        return Reading(None, [_yaml_problem(error, text)], _nowhere)
    locate = _yaml_locator(text)
    wrong = _not_json(data)
    if wrong is not None:
        path, rule, reason = wrong
        where = locate(path, False)
        message = f"{_json_path(path)} {reason}"
        return Reading(None, [diagnostic(rule, where.line, where.column, message)], locate)
    as_json = json.dumps(data)
    try:
        story = story_adapter().validate_json(as_json, strict=True)
    except ValidationError as invalid:
        return Reading(None, cap(json_problems(invalid, as_json, locate)), locate)
    return _checked_reading(story, _without_bom(text), locate)


def _not_json(value: object, path: Path_ = ()) -> tuple[Path_, Rule, str] | None:
    """The path of the first value JSON cannot hold (a date, a key that is not
    text, NaN or infinity), with the rule and words of what is wrong, if any."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return (
                    path,
                    Rule.INVALID_JSON_VALUE,
                    f"has the key {key!r}, which is not text; quote it",
                )
            found = _not_json(item, (*path, key))
            if found is not None:
                return found
        return None
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _not_json(item, (*path, index))
            if found is not None:
                return found
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return path, Rule.OUT_OF_RANGE, "must be a finite number"
    if value is None or isinstance(value, (str, int, float)):
        return None
    what = type(value).__name__
    return (
        path,
        Rule.INVALID_JSON_VALUE,
        f"is a YAML {what}, which JSON cannot hold; quote it as text",
    )


def _nowhere(path: Path_, key: bool) -> Span:
    """The locator of a document that could not be read, or of a story in memory,
    which has no source: everything is at its start."""
    return Span(1, 1, 2)


def from_yaml(text: str | bytes) -> StoryCard | StoryBrief:
    """Read a story from YAML, validated exactly as its JSON form would be.

    YAML is read with PyYAML's safe loader (no Python objects); anchors and
    aliases are refused before any value is built. It needs the ``yaml`` extra
    (``pip install "storyfmt[yaml]"``).

    Args:
        text: A YAML document, as text or bytes.

    Returns:
        A :class:`StoryCard` or a :class:`StoryBrief`, by its ``kind``.

    Raises:
        StoryFormatError: The YAML does not parse, uses anchors or aliases
            (``SF401``), holds values JSON cannot (dates, for instance), or does
            not describe a valid story; each problem has its line and column.
        ImportError: PyYAML is not installed.

    Example:
        >>> from_yaml("kind: card\\ntitle: Summit\\n").title
        'Summit'
    """
    return _story_of(read_yaml(text))
