"""The JSON Schema accepts nothing that from_json refuses, but what it documents as beyond it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import storyfmt
from storyfmt._vocabulary import BRIEF_HEADINGS, CARD_HEADINGS, MAX_LINE
from storyfmt.testing import stories

SCHEMA = Draft202012Validator(storyfmt.json_schema())
INTEGER_FIELDS = ("rank", "count", "articles", "value")

_EDGE_TEXTS = [
    *sorted(CARD_HEADINGS | BRIEF_HEADINGS),
    "The Breakdown 15",
    "2024",
    "0",
    " / ",
    "a / b",
    "x /",
    "/",
    "",
    " x",
    "x ",
    "a\tb",
    "\t",
    "a\nb",
    "a\n\nb",
    "a\n\n\nb",
    "a\n",
    "\na",
    "a\nStory Stats",
    "a\nWhat's Next?",
    "a\r\nb",
    "\x00",
    "\x85",
    "\ufeff",
    "Virality",
    "virality",
    "VIRALITY",
    "\u017ftatus",
    "\ufb06atus",
    "Political Leaning",
    "Status",
    "Status:",
    "Status quo",
    "Statuses",
    "Region: East Asia",
    "Time:UTC",
    "Zelensky /",
    "caf\u00e9 \U0001f600",
]
_LONG_TEXTS = [length * "x" for length in (MAX_LINE - 2, MAX_LINE - 1, MAX_LINE, MAX_LINE + 1)]
_EDGE_VALUES: list[Any] = [
    *_EDGE_TEXTS,
    None,
    True,
    -1,
    0,
    5,
    5.0,
    5.5,
    -0.0,
    2**53 - 1,
    2**53,
    10**400,
    1e308,
    [],
    {},
    ["a", "a / b"],
    {"Region": "Asia"},
]


def _places(document: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Every place in a JSON document: object members and array items, at any depth."""
    found = [path] if path else []
    if isinstance(document, dict):
        for key, value in document.items():
            found += _places(value, (*path, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += _places(value, (*path, index))
    return found


def _parent(document: Any, path: tuple[str | int, ...]) -> Any:
    for part in path[:-1]:
        document = document[part]
    return document


@st.composite
def _mutated(draw: st.DrawFn) -> Any:
    """The JSON form of a valid story, with one to three places changed."""
    document = json.loads(storyfmt.to_json(draw(stories())))
    for _ in range(draw(st.integers(1, 3))):
        places = _places(document)
        path = draw(st.sampled_from(places))
        parent = _parent(document, path)
        action = draw(st.sampled_from(["set", "set", "long", "drop", "rename", "add"]))
        if action == "set":
            parent[path[-1]] = draw(st.sampled_from(_EDGE_VALUES))
        elif action == "long":
            parent[path[-1]] = draw(st.sampled_from(_LONG_TEXTS))
        elif action == "drop" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(st.sampled_from(_EDGE_TEXTS))] = parent.pop(path[-1])
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(_EDGE_TEXTS))] = draw(st.sampled_from(_EDGE_VALUES))
    return document


def _beyond_the_schema(document: Any) -> bool:
    """The rules the schema's description lists as beyond it.

    A tag line longer than a line may be, and a whole number written as a float.
    """
    places = [(path, _parent(document, path)[path[-1]]) for path in _places(document)]
    for path, value in places:
        if path[-1] in ("tags", "keywords") and isinstance(value, list):
            texts = [tag for tag in value if isinstance(tag, str)]
            if sum(len(tag) + 3 for tag in texts) - 1 > MAX_LINE:
                return True
        if path[-1] in INTEGER_FIELDS and isinstance(value, float) and value.is_integer():
            return True
    return False


@given(_mutated())
def test_what_the_schema_accepts_from_json_accepts(document: Any) -> None:
    if not SCHEMA.is_valid(document) or _beyond_the_schema(document):
        return
    storyfmt.from_json(json.dumps(document))


@pytest.mark.parametrize(
    "document",
    [
        {"title": "Summit"},
        {"kind": "brief"},
        {"kind": "brief", "whats_next": None},
        {"kind": "card", "title": "T", "stats": {}},
        {"kind": "card", "title": "T", "stats": {"status": None, "other": {}}},
        {"kind": "card", "title": "T", "stats": {"other": {"Virality": "5"}}},
        {"kind": "card", "title": "T", "stats": {"other": {"virality": "5"}}},
        {"kind": "card", "title": "T", "stats": {"other": {"\ufb06atus": "x"}}},
        {"kind": "card", "title": "T", "stats": {"other": {" Region": "x"}}},
        {"kind": "card", "title": "T", "stats": {"other": {"Region: East Asia": "x"}}},
        {"kind": "card", "title": "T", "stats": {"other": {"Region:": "x"}}},
        {"kind": "card", "title": "T", "stats": {"other": {"Virality 5.1": "x"}}},
        {"kind": "card", "title": "T", "stats": {"other": {"Political leaning:": "x"}}},
        {"kind": "card", "title": "T", "tags": ["Zelensky /"]},
        {"kind": "card", "title": "T", "stats": {"virality": 10**400}},
        {"kind": "card", "title": "Title\n"},
        {
            "kind": "card",
            "title": "T",
            "further_learning": [{"question": "Q", "answer": "A\nStory Stats"}],
        },
        {
            "kind": "card",
            "title": "T",
            "further_learning": [{"question": "Q", "answer": "The Breakdown 3"}],
        },
        {"kind": "brief", "whats_next": "Talks.\n\nWhat\u2019s Next?"},
        {"kind": "brief", "whats_next": "x" * (MAX_LINE + 1)},
        {"kind": "card", "title": "T", "tags": ["x" * (MAX_LINE - 1)]},
    ],
)
def test_the_schema_refuses_what_from_json_refuses(document: dict[str, Any]) -> None:
    assert not SCHEMA.is_valid(document)
    with pytest.raises(storyfmt.StoryFormatError):
        storyfmt.from_json(json.dumps(document))


def test_the_schema_says_what_is_beyond_it() -> None:
    description = storyfmt.json_schema()["description"]
    assert "tag line" in description
    assert "5.0" in description
    two_long_tags = {"kind": "card", "title": "T", "tags": ["x" * 60_000, "y" * 60_000]}
    assert SCHEMA.is_valid(two_long_tags)
    assert _beyond_the_schema(two_long_tags)
