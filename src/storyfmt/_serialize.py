"""The JSON and YAML forms of stories: writing them, reading them back through
the models, and the JSON Schema of the JSON form."""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from storyfmt._diagnostics import Diagnostic, StoryFormatError, diagnostic, quote
from storyfmt._models import StoryBrief, StoryCard, is_validated, story_adapter
from storyfmt._parser import explain
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


def json_problems(invalid: ValidationError) -> list[Diagnostic]:
    """Turn a pydantic error on JSON input into diagnostics."""
    errors = invalid.errors(include_url=False, include_context=False)
    for error in errors:
        if error["loc"][:1] in (("card",), ("brief",)):
            error["loc"] = error["loc"][1:]  # the union's tag, not a field
    found: list[Diagnostic] = []
    for error in errors:
        if error["type"] == "json_invalid":
            position = _POSITION.search(error["msg"])
            line, column = (int(position[1]), int(position[2])) if position else (1, 1)
            reason = _POSITION.sub("", error["msg"].removeprefix("Invalid JSON: "))
            reason = reason.strip().removesuffix(" at").strip()
            found.append(diagnostic("SF401", line, column, f"invalid JSON: {reason}"))
            continue
        loc = error["loc"]
        code, message = explain(error, _json_path, "SF402")
        if code == "SF206" and any(
            other["loc"][: len(loc)] == loc and len(other["loc"]) > len(loc) for other in errors
        ):
            continue  # pydantic also finds a list empty once its only item is invalid
        found.append(diagnostic(code, 1, 1, message))
    return found


def from_json(text: str | bytes) -> StoryCard | StoryBrief:
    """Read a story from its JSON form, validated by the same models as text.

    The JSON is read strictly: no unknown keys, no strings for numbers.

    Args:
        text: A JSON document, as text or bytes.

    Returns:
        A :class:`StoryCard` or a :class:`StoryBrief`, by its ``kind``.

    Raises:
        StoryFormatError: The JSON does not parse (``SF401``, with its line and
            column) or does not describe a valid story (``SF402`` and the codes
            of the rules it breaks).

    Example:
        >>> from_json('{"kind": "card", "title": "Summit", "rank": 3}').rank
        3
    """
    try:
        return story_adapter().validate_json(text, strict=True)
    except ValidationError as invalid:
        raise StoryFormatError(json_problems(invalid)) from None


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
        raise StoryFormatError(json_problems(invalid)) from None


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


def from_yaml(text: str | bytes) -> StoryCard | StoryBrief:
    """Read a story from YAML, validated exactly as its JSON form would be.

    YAML is read with PyYAML's safe loader (no Python objects); it needs the
    ``yaml`` extra (``pip install "storyfmt[yaml]"``).

    Args:
        text: A YAML document, as text or bytes.

    Returns:
        A :class:`StoryCard` or a :class:`StoryBrief`, by its ``kind``.

    Raises:
        StoryFormatError: The YAML does not parse, holds values JSON cannot
            (dates, for instance), or does not describe a valid story.
        ImportError: PyYAML is not installed.

    Example:
        >>> from_yaml("kind: card\\ntitle: Summit\\n").title
        'Summit'
    """
    _require_yaml()
    import yaml  # noqa: PLC0415

    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        reason = error.problem or error.context or "not valid YAML"
        problem = diagnostic("SF401", line, column, f"invalid YAML: {reason}")
        raise StoryFormatError([problem]) from None
    except yaml.YAMLError as error:
        raise StoryFormatError([diagnostic("SF401", 1, 1, f"invalid YAML: {error}")]) from None
    try:
        as_json = json.dumps(data, allow_nan=False)
    except (TypeError, ValueError) as error:
        message = f"a YAML value that JSON cannot hold: {error}"
        raise StoryFormatError([diagnostic("SF402", 1, 1, message)]) from None
    return from_json(as_json)
