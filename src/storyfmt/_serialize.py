"""The JSON form of stories: writing it, and reading it back through the models."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import ValidationError

from storyfmt._diagnostics import Diagnostic, StoryFormatError, diagnostic
from storyfmt._models import STORY_ADAPTER, StoryBrief, StoryCard
from storyfmt._parser import explain

_POSITION = re.compile(r"line (\d+) column (\d+)")


def to_json(story: StoryCard | StoryBrief, *, indent: int | None = 2) -> str:
    """Write a story as JSON, ``kind`` first, non-ASCII text kept as is.

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
    return story.model_dump_json(indent=indent)


def _json_path(path: Sequence[str | int]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return f"'{text}'" if text else "The story"


def json_problems(invalid: ValidationError) -> list[Diagnostic]:
    """Turn a pydantic error on JSON input into diagnostics."""
    found: list[Diagnostic] = []
    for error in invalid.errors(include_url=False, include_context=False):
        if error["loc"][:1] in (("card",), ("brief",)):
            error["loc"] = error["loc"][1:]  # the union's tag, not a field
        if error["type"] == "json_invalid":
            position = _POSITION.search(error["msg"])
            line, column = (int(position[1]), int(position[2])) if position else (1, 1)
            reason = _POSITION.sub("", error["msg"].removeprefix("Invalid JSON: "))
            reason = reason.strip().removesuffix(" at").strip()
            found.append(diagnostic("SF401", line, column, f"invalid JSON: {reason}"))
            continue
        code, message = explain(error, _json_path, "SF402")
        found.append(diagnostic(code, 1, 1, message))
    return found


def from_json(text: str | bytes) -> StoryCard | StoryBrief:
    """Read a story from its JSON form, validated by the same models as text.

    Raises:
        StoryFormatError: the JSON does not parse or does not describe a valid story.
    """
    try:
        return STORY_ADAPTER.validate_json(text, strict=True)
    except ValidationError as invalid:
        raise StoryFormatError(json_problems(invalid)) from None
