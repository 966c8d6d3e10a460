"""Writers never write what does not read back, even given a model built without validation."""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import CORPUS

import storyfmt
from storyfmt import Stats, StoryBrief, StoryCard, StoryFormatError

SEED_CARD = CORPUS / "valid" / "seed-card.txt"


def _dump_to_bytes(story: Any) -> str:
    out = io.BytesIO()
    storyfmt.dump(story, out)
    return out.getvalue().decode("utf-8")


WRITERS: dict[str, Callable[[Any], str]] = {
    "dumps": storyfmt.dumps,
    "dump": _dump_to_bytes,
    "to_json": storyfmt.to_json,
    "to_yaml": storyfmt.to_yaml,
    "to_markdown": storyfmt.to_markdown,
    "to_html": storyfmt.to_html,
}


@pytest.fixture(scope="module")
def card() -> StoryCard:
    story = storyfmt.load(SEED_CARD)
    assert isinstance(story, StoryCard)
    return story


def _bad_copies(card: StoryCard) -> list[tuple[Any, str, str]]:
    """Unvalidated stories, with the code and message each must be refused with."""
    assert card.stats is not None
    return [
        (card.model_copy(update={"tags": "Nara"}), "SF402", "'tags' must be a list, got a string"),
        (
            card.model_copy(update={"title": "a\nb"}),
            "SF305",
            "'title' must be a single line (it contains a line break)",
        ),
        (
            card.model_copy(update={"rank": -5}),
            "SF304",
            "'rank' must be greater than or equal to 0",
        ),
        (
            card.model_copy(update={"stats": card.stats.model_copy(update={"virality": math.nan})}),
            "SF304",
            "'stats.virality' must be a finite number",
        ),
        (
            card.model_copy(update={"stats": {"virality": 1.5, "mood": "calm"}}),
            "SF402",
            "'stats.mood' is not a field of a story",
        ),
        (
            StoryBrief.model_construct(whats_next="Talks.\n\n\nMore."),
            "SF305",
            "'whats_next' paragraphs must be separated by exactly one blank line,"
            " with none at the start or end",
        ),
        (StoryCard.model_construct(), "SF202", "'title' is missing"),
    ]


@pytest.mark.parametrize("writer", list(WRITERS))
def test_writers_refuse_unvalidated_values_naming_the_field(writer: str, card: StoryCard) -> None:
    for story, code, message in _bad_copies(card):
        with pytest.raises(StoryFormatError) as raised:
            WRITERS[writer](story)
        assert [(d.code, d.message) for d in raised.value.diagnostics] == [(code, message)]


@pytest.mark.parametrize("writer", list(WRITERS))
def test_writers_refuse_what_is_not_a_story(writer: str, card: StoryCard) -> None:
    for thing in ("20\nTitle\n", card.model_dump(), None):
        with pytest.raises(TypeError, match="a story is a StoryCard or a StoryBrief, not"):
            WRITERS[writer](thing)


def test_dump_writes_no_file_for_a_story_it_refuses(card: StoryCard, tmp_path: Path) -> None:
    target = tmp_path / "story.txt"
    with pytest.raises(StoryFormatError):
        storyfmt.dump(card.model_copy(update={"rank": -5}), target)
    assert not target.exists()


def test_valid_unvalidated_copies_are_written_as_validated(card: StoryCard) -> None:
    assert card.stats is not None
    copies = [
        card.model_copy(update={"title": "New title"}),
        card.model_copy(update={"tags": ["Nara", "Seoul"]}),
        card.model_copy(update={"stats": {"status": "Active", "virality": 2.5}}),
        StoryCard.model_construct(title="Only a title"),
    ]
    for story in copies:
        validated = StoryCard.model_validate(story)
        text = storyfmt.dumps(story)
        assert storyfmt.loads(text) == validated
        assert storyfmt.from_json(storyfmt.to_json(story)) == validated
        assert storyfmt.from_yaml(storyfmt.to_yaml(story)) == validated
    tagged = storyfmt.loads(storyfmt.dumps(copies[1]))
    assert isinstance(tagged, StoryCard)
    assert tagged.tags == ("Nara", "Seoul")


def test_a_validated_story_refuses_an_unvalidated_part() -> None:
    with pytest.raises(ValueError, match="finite number"):
        StoryCard(title="Title", stats=Stats.model_construct(virality=math.inf))


def test_the_documented_way_to_derive_a_story_validates(card: StoryCard) -> None:
    changed = StoryCard.model_validate({**card.model_dump(), "title": "New title"})
    assert storyfmt.loads(storyfmt.dumps(changed)) == changed
    with pytest.raises(ValueError, match="single line"):
        StoryCard.model_validate({**card.model_dump(), "title": "a\nb"})
