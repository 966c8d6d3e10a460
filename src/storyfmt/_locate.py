"""Locating model errors: each error pydantic finds in parsed fields, reported
at the place of the value that caused it, in the words of the format."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from storyfmt._codes import Rule
from storyfmt._diagnostics import Diagnostic, cap, diagnostic, quote
from storyfmt._models import PARSED, StoryBrief, StoryCard
from storyfmt._transform import Parsed
from storyfmt._values import Span
from storyfmt._vocabulary import BRIEF_SECTIONS, STATS_FIELDS

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
        story = model_type.model_validate(parsed.fields, context=PARSED)
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
