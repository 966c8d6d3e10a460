"""The public API, on the seed stories: what a user of the library sees."""

from __future__ import annotations

import hashlib
import inspect
import io
import json
import re
import subprocess
import sys
import typing
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import CORPUS, SEED_DIGESTS

import storyfmt
from storyfmt import (
    Duration,
    DurationUnit,
    FrozenDict,
    Stats,
    StoryBrief,
    StoryCard,
    StoryFormatError,
)

SEED_CARD = CORPUS / "valid" / "seed-card.txt"
SEED_BRIEF = CORPUS / "valid" / "seed-brief.txt"


@pytest.fixture(scope="module")
def card() -> StoryCard:
    story = storyfmt.load(SEED_CARD)
    assert isinstance(story, StoryCard)
    return story


@pytest.fixture(scope="module")
def brief() -> StoryBrief:
    story = storyfmt.load(SEED_BRIEF)
    assert isinstance(story, StoryBrief)
    return story


def test_corpus_seeds_are_the_original_story_files() -> None:
    for path, original in ((SEED_CARD, "card"), (SEED_BRIEF, "brief")):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        assert digest == SEED_DIGESTS[f"{original}-japan-korea-summit.txt"]


def test_seed_card_fields(card: StoryCard) -> None:
    assert card.kind == "card"
    assert card.rank == 20
    assert card.title == "Japan Korea Summit"
    assert card.headline == "Japan and South Korea leaders enhance relations"
    assert card.tags == ("Sanae Takaichi", "Lee Jae Myung", "Nara, Japan")
    assert card.stats is not None
    assert card.stats.status == "Active"
    assert card.stats.virality == 5.1
    assert card.stats.articles == 17
    assert card.stats.political_leaning == "Neutral"
    assert card.stats.duration == Duration(value=7, unit="hour")
    assert card.stats.duration.to_timedelta() == timedelta(hours=7)
    assert card.breakdown is not None
    assert card.breakdown.count == 15
    assert len(card.breakdown.points) == 6
    assert card.breakdown.points[0].startswith("Japanese Prime Minister")
    assert card.keywords == card.tags
    assert len(card.further_learning) == 10
    assert card.further_learning[0].question == (
        "What are the key issues between Japan and S. Korea?"
    )
    assert card.end_of_feed is True


def test_seed_brief_keeps_its_hard_line_break(brief: StoryBrief) -> None:
    assert brief.whats_happening is not None
    assert "in Takaichi's\nhometown of Nara" in brief.whats_happening
    assert brief.whats_happening.count("\n") == 1
    assert all(
        text for text in (brief.why_its_important, brief.whats_next, brief.beyond_the_headlines)
    )


def test_dumps_gives_back_the_seed_text(card: StoryCard, brief: StoryBrief) -> None:
    card_text = SEED_CARD.read_text("utf-8")
    brief_text = SEED_BRIEF.read_text("utf-8")
    assert storyfmt.dumps(card) == card_text + "\n"
    assert storyfmt.dumps(brief) == brief_text.rstrip("\n") + "\n"


def test_loads_str_and_bytes_agree(card: StoryCard) -> None:
    data = SEED_CARD.read_bytes()
    assert storyfmt.loads(data) == card
    assert storyfmt.loads(data.decode("utf-8")) == card
    assert storyfmt.loads(b"\xef\xbb\xbf" + data) == card


def test_only_one_byte_order_mark_is_dropped_from_text_and_bytes() -> None:
    data = b"\xef\xbb\xbf\xef\xbb\xbf12\nTitle\n"
    for source in (data, data.decode("utf-8")):
        found = storyfmt.validate(source)
        assert [(d.line, d.column, d.code) for d in found] == [(1, 1, "SF103")]
        with pytest.raises(StoryFormatError):
            storyfmt.load(io.BytesIO(source.encode() if isinstance(source, str) else source))
    assert storyfmt.loads("\ufeff12\nTitle\n") == storyfmt.loads(b"\xef\xbb\xbf12\nTitle\n")


def test_load_takes_paths_and_binary_files(card: StoryCard) -> None:
    assert storyfmt.load(str(SEED_CARD)) == card
    with SEED_CARD.open("rb") as handle:
        assert storyfmt.load(handle) == card
    with SEED_CARD.open(encoding="utf-8") as text_handle, pytest.raises(TypeError):
        storyfmt.load(text_handle)  # type: ignore[arg-type]  # a text file, refused


@pytest.mark.parametrize("source", [0, None, 3.5])
def test_load_refuses_what_is_neither_a_path_nor_a_file(source: object) -> None:
    with pytest.raises(TypeError, match="load\\(\\) reads a path or a binary file"):
        storyfmt.load(source)  # type: ignore[arg-type]  # the point of the test


def test_an_invalid_story_in_memory_is_named_by_its_field(card: StoryCard) -> None:
    changed = card.model_copy(update={"title": "Two\nlines"})
    with pytest.raises(StoryFormatError) as raised:
        storyfmt.dumps(changed)
    assert str(raised.value) == (
        "error[SF305] 'title' must be a single line (it contains a line break)"
    )
    assert raised.value.path is None


def test_load_error_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("Title\n\nStory Stats\n\nVirality\nhigh\n", encoding="utf-8")
    with pytest.raises(StoryFormatError) as raised:
        storyfmt.load(path)
    assert str(raised.value).startswith(f"{path}:6:1: error[SF301]")


def test_dump_writes_paths_and_binary_files(card: StoryCard, tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    storyfmt.dump(card, target)
    assert target.read_text("utf-8") == storyfmt.dumps(card)
    buffer = io.BytesIO()
    storyfmt.dump(card, buffer)
    assert buffer.getvalue() == storyfmt.dumps(card).encode("utf-8")


def test_json_round_trip_and_shape(card: StoryCard, brief: StoryBrief) -> None:
    for story in (card, brief):
        text = storyfmt.to_json(story)
        assert storyfmt.from_json(text) == story
        assert storyfmt.from_json(text.encode("utf-8")) == story
        assert next(iter(json.loads(text))) == "kind"
    data = json.loads(storyfmt.to_json(card))
    assert data["stats"]["duration"] == {"value": 7, "unit": "hour"}
    assert data["stats"]["other"] == {}
    assert "\u2019" in storyfmt.to_json(card)  # non-ASCII kept as is
    assert "\n" not in storyfmt.to_json(card, indent=None)


def test_kind_can_be_forced() -> None:
    text = "What's Next?\nMore talks.\n"
    assert isinstance(storyfmt.loads(text), StoryBrief)
    with pytest.raises(StoryFormatError) as raised:
        storyfmt.loads(text, kind="card")
    assert raised.value.diagnostics[0].code == "SF305"
    with pytest.raises(StoryFormatError) as raised:
        storyfmt.loads("Title\n", kind="brief")
    assert raised.value.diagnostics[0].code == "SF216"
    with pytest.raises(ValueError, match="kind must be"):
        storyfmt.loads("Title\n", kind="memo")  # type: ignore[arg-type]  # no such kind


def test_models_are_frozen_and_hashable(card: StoryCard) -> None:
    assert hash(card) == hash(storyfmt.loads(storyfmt.dumps(card)))
    assert len({card, storyfmt.loads(storyfmt.dumps(card))}) == 1
    with pytest.raises(ValueError, match="frozen"):
        card.title = "Other"


def test_other_stats_keep_order_and_compare_by_it() -> None:
    text = "T\n\nStory Stats\n\nRegion\nAsia\nSource\nWire\n"
    card = storyfmt.loads(text)
    assert isinstance(card, StoryCard)
    stats = card.stats
    assert stats is not None
    assert list(stats.other.items()) == [("Region", "Asia"), ("Source", "Wire")]
    assert stats.other == {"Region": "Asia", "Source": "Wire"}
    assert stats.other != FrozenDict({"Source": "Wire", "Region": "Asia"})
    assert hash(stats) == hash(Stats(other=FrozenDict({"Region": "Asia", "Source": "Wire"})))
    assert storyfmt.dumps(storyfmt.loads(text)) == text


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (1, "second", timedelta(seconds=1)),
        (2, "minute", timedelta(minutes=2)),
        (7, "hour", timedelta(hours=7)),
        (3, "day", timedelta(days=3)),
        (2, "week", timedelta(weeks=2)),
        (1, "month", timedelta(days=30)),
        (2, "year", timedelta(days=730)),
    ],
)
def test_duration_to_timedelta(value: int, unit: DurationUnit, expected: timedelta) -> None:
    assert Duration(value=value, unit=unit).to_timedelta() == expected


@pytest.mark.parametrize(
    ("line", "value", "unit", "written"),
    [
        ("1 hour", 1, "hour", "1 hour"),
        ("1 hours", 1, "hour", "1 hour"),
        ("0 hours", 0, "hour", "0 hours"),
        ("7 hour", 7, "hour", "7 hours"),
        ("30 minutes", 30, "minute", "30 minutes"),
        ("007 days", 7, "day", "7 days"),
    ],
)
def test_duration_reading_and_writing(
    line: str, value: int, unit: DurationUnit, written: str
) -> None:
    card = storyfmt.loads(f"T\n\nStory Stats\n\nDuration\n{line}\n")
    assert isinstance(card, StoryCard)
    assert card.stats is not None
    assert card.stats.duration == Duration(value=value, unit=unit)
    assert storyfmt.dumps(card).endswith(f"Duration\n{written}\n")


@pytest.mark.parametrize(
    ("line", "written"),
    [
        ("12", "12"),
        ("12.0", "12"),
        ("5.10", "5.1"),
        ("0.5", "0.5"),
        ("0", "0"),
        # As many digits as a float keeps exactly: written as read.
        ("123456789.123456", "123456789.123456"),
        ("999999999999999", "999999999999999"),
        ("0.30000000000000004", "0.30000000000000004"),
        ("9007199254740992", "9007199254740992"),
        ("007.50", "7.5"),
    ],
)
def test_virality_is_written_in_shortest_form_that_says_the_same(line: str, written: str) -> None:
    card = storyfmt.loads(f"T\n\nStory Stats\n\nVirality\n{line}\n")
    assert storyfmt.dumps(card).endswith(f"Virality\n{written}\n")


@pytest.mark.parametrize(
    ("line", "written"),
    [
        ("12345678901234567890", "12345678901234567000"),
        ("123456789.123456789", "123456789.12345679"),
        ("0.1000000000000000055511151231257827", "0.1"),
        ("9007199254740993", "9007199254740992"),
    ],
)
def test_virality_with_more_digits_than_a_float_keeps_is_an_error(line: str, written: str) -> None:
    found = storyfmt.validate(f"T\n\nStory Stats\n\nVirality\n  {line}\n")
    assert [(d.line, d.column, d.end_column, d.code) for d in found] == [
        (6, 3, 3 + len(line), "SF304")
    ]
    assert found[0].message == (
        f"Virality '{line}' has more digits than can be kept exactly"
        " (at most 15 significant digits are always safe)"
    )
    assert found[0].hint == (
        f"round it to 15 significant digits; as it is, it would be written {written}"
    )


def test_fmt_leaves_a_virality_it_cannot_keep_exactly(tmp_path: Path) -> None:
    story = tmp_path / "card.story"
    story.write_bytes(b"Title\n\nStory Stats\n\nVirality\n12345678901234567890\n")
    command = Path(sys.executable).with_name("storyfmt")
    done = subprocess.run(
        [str(command), "fmt", str(story)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert "error[SF304] Virality '12345678901234567890' has more digits" in done.stderr
    assert story.read_bytes() == b"Title\n\nStory Stats\n\nVirality\n12345678901234567890\n"


def test_public_names_are_documented() -> None:
    # Type aliases are defined with the models, or with the words of the format.
    models = inspect.getsource(storyfmt._models) + inspect.getsource(storyfmt._vocabulary)
    for name in storyfmt.__all__:
        if name.startswith("__"):
            continue
        obj = getattr(storyfmt, name)
        if typing.get_origin(obj) is not None:
            # A type alias cannot carry __doc__: its docstring follows its definition.
            assert re.search(rf"^{name} = .*?\n\"\"\"\S", models, re.MULTILINE | re.DOTALL), name
        else:
            assert getattr(obj, "__doc__", None), name
