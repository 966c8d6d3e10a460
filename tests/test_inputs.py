"""Checking a file reads it as what it is: JSON, YAML, JSON Lines or story text,
with each problem at the line and column of the value at fault."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

import storyfmt
from storyfmt import Diagnostic, Stats, StoryCard, StoryFormatError
from storyfmt._rules import Form

COMMAND = Path(sys.executable).parent / ("storyfmt.exe" if os.name == "nt" else "storyfmt")
SEED_CARD = ROOT / "examples" / "card-japan-korea-summit.story"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(COMMAND), *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=120
    )


def where(found: list[Diagnostic]) -> list[tuple[str, int, int]]:
    return [(item.code, item.line, item.column) for item in found]


def test_broken_json_is_an_sf401_at_its_position() -> None:
    found = storyfmt.validate('{"kind": "card", "title": }', form="json")
    assert where(found) == [("SF401", 1, 27)]


def test_a_json_syntax_error_counts_columns_in_characters() -> None:
    found = storyfmt.validate('{"kind": "card", "title": "Été" "x"}', form="json")
    assert where(found) == [("SF401", 1, 33)]


DEEP = """{
  "kind": "card",
  "title": "Summit",
  "further_learning": [
    {"question": "Why?", "answer": "Talks."},
    {"question": "When?", "answer": 7}
  ],
  "stats": {"other": {"Status": "x"}},
  "subtitle": "x"
}"""


def test_json_values_are_located_at_the_value_or_the_unknown_key() -> None:
    found = storyfmt.validate(DEEP, form="json")
    assert [(item.code, item.line, item.column, item.message) for item in found] == [
        ("SF402", 6, 37, "'further_learning[1].answer' must be a string, got a whole number"),
        (
            "SF305",
            8,
            23,
            "the key 'Status' of 'stats.other' is a known key, which has its own field 'status'",
        ),
        ("SF402", 9, 3, "'subtitle' is not a field of a story"),
    ]
    with pytest.raises(StoryFormatError) as raised:
        storyfmt.from_json(DEEP)
    assert raised.value.diagnostics == found


def test_a_missing_field_is_located_at_its_object_and_a_wrong_kind_at_the_kind() -> None:
    assert where(storyfmt.validate('\n\n  {"kind": "card"}', form="json")) == [("SF202", 3, 3)]
    found = storyfmt.validate('{"title": "T",\n "kind": "memo"}', form="json")
    assert where(found) == [("SF402", 2, 10)]


def test_a_huge_json_number_is_out_of_range_at_the_number() -> None:
    text = '{"kind": "card",\n "title": "T",\n "rank": ' + "9" * 5000 + "}"
    found = storyfmt.validate(text, form="json")
    assert where(found) == [("SF304", 3, 10)]
    assert found[0].message == "a number of 5,000 characters is too large to read"
    assert found[0].end_column == 5010


def test_a_json_byte_order_mark_is_ignored() -> None:
    text = '\ufeff{"kind": "card", "title": "T"}'
    assert storyfmt.from_json(text.encode("utf-8")) == storyfmt.StoryCard(title="T")
    assert storyfmt.validate(text, form="json") == []
    # Columns count from after the mark, as in story text.
    found = storyfmt.validate('\ufeff{"kind": "card", "rank": -1}', form="json")
    assert where(found) == [("SF202", 1, 1), ("SF304", 1, 26)]


def test_warnings_of_a_json_story_are_at_their_values() -> None:
    text = '{"kind": "card", "title": "T",\n "tags": ["A", "A"]}'
    found = storyfmt.validate(text, form="json")
    assert [(item.code, item.line, item.column) for item in found] == [("SF506", 2, 16)]


def test_yaml_values_are_located_from_the_nodes() -> None:
    text = (
        "kind: card\ntitle: T\nfurther_learning:\n  - question: Q?\n    answer: A\n"
        "  - question: Q2?\n    answer: 5\nsubtitle: x\n"
    )
    found = storyfmt.validate(text, form="yaml")
    assert where(found) == [("SF402", 7, 13), ("SF402", 8, 1)]
    with pytest.raises(StoryFormatError) as raised:
        storyfmt.from_yaml(text)
    assert raised.value.diagnostics == found


@pytest.mark.parametrize("end", ["\n", "\r\n"])
@pytest.mark.parametrize("inside", ["\u2028", "\u2029", "\x85", "\r"])
def test_yaml_is_located_in_lines_that_end_at_line_feeds(inside: str, end: str) -> None:
    # PyYAML also ends a line at these; an editor shows them within the line.
    text = f'kind: card{end}title: "a{inside}b"{end}rank: x{end}'
    assert where(storyfmt.validate(text, form="yaml")) == [("SF402", 3, 7)]
    text += f"headline: &a H{end}"
    assert where(storyfmt.validate(text, form="yaml")) == [("SF401", 4, 11)]


def test_a_story_whose_text_holds_a_line_separator_reads_back_from_yaml() -> None:
    stats = Stats(virality=1.2651789008686123, articles=10**15)
    story = StoryCard(title="\u2028", stats=stats)
    assert storyfmt.from_yaml(storyfmt.to_yaml(story)) == story


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ("status: 2024-01-01", (4, 11, "SF402", "'stats.status' is a YAML date, which JSON")),
        ("virality: .nan", (4, 13, "SF304", "'stats.virality' must be a finite number")),
        ("other: {1: x}", (4, 10, "SF402", "'stats.other' has the key 1, which is not text")),
    ],
)
def test_yaml_values_json_cannot_hold_are_located(value: str, found: tuple[object, ...]) -> None:
    text = f"kind: card\ntitle: T\nstats:\n  {value}\n"
    (item,) = storyfmt.validate(text, form="yaml")
    assert (item.line, item.column, item.code, item.message[: len(str(found[3]))]) == found


@pytest.mark.parametrize("number", ["12345678901234567890", "0.1000000000000000055511151231257827"])
def test_a_virality_a_float_cannot_keep_is_refused_in_every_form(number: str) -> None:
    story = f'{{"kind": "card", "title": "T", "stats": {{"virality": {number}}}}}'
    record = f'{{"path": "a.story", "story": {story}}}'
    forms: dict[Form, tuple[str, int]] = {
        "json": (story, 1),
        "yaml": (f"kind: card\ntitle: T\nstats:\n  virality: {number}\n", 4),
        "jsonl": (f"\n{record}\n", 2),
    }
    for form, (text, line) in forms.items():
        column = text.split("\n")[line - 1].index(number) + 1
        found = storyfmt.validate(text, form=form)
        assert [(d.line, d.column, d.code) for d in found] == [(line, column, "SF304")], form
        assert found[0].message.startswith(f"'stats.virality' {number} has more digits")
    exact = story.replace(number, "123456789.123456")
    card = storyfmt.from_json(exact)
    assert isinstance(card, StoryCard)
    assert card.stats is not None
    assert card.stats.virality == 123456789.123456


def test_yaml_anchors_and_aliases_are_refused_before_anything_is_built() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for number in range(ord("b"), ord("j") + 1):
        before = chr(number - 1)
        lines.append(f"{chr(number)}: &{chr(number)} [" + ",".join([f"*{before}"] * 9) + "]")
    bomb = "\n".join(lines) + "\n"
    assert len(bomb) < 500
    with pytest.raises(StoryFormatError) as raised:
        storyfmt.from_yaml(bomb)
    assert [(d.code, d.line, d.column, d.message) for d in raised.value.diagnostics] == [
        ("SF401", 1, 4, "YAML anchors and aliases are not allowed")
    ]
    assert where(storyfmt.validate("kind: card\ntitle: *t\n", form="yaml")) == [("SF401", 2, 8)]
    # '&' and '*' in text are no anchors or aliases.
    card = storyfmt.from_yaml("kind: card\ntitle: Tom & '*Jerry'\n")
    assert isinstance(card, StoryCard)
    assert card.title == "Tom & '*Jerry'"


def test_json_lines_report_each_record_at_its_line() -> None:
    good = json.dumps({"path": "a.txt", "story": {"kind": "card", "title": "A"}})
    bad = json.dumps({"path": "b.txt", "story": {"kind": "card", "title": "B", "rank": "1"}})
    text = "\n".join([good, "", good, bad, good, "{"]) + "\n"
    found = storyfmt.validate(text, form="jsonl")
    assert [(d.code, d.line, d.column, d.message) for d in found] == [
        ("SF402", 4, 67, "'rank' must be a whole number, got a string"),
        ("SF401", 6, 1, "invalid JSON: EOF while parsing an object"),
    ]
    warned = json.dumps(
        {"path": "c.txt", "story": {"kind": "card", "title": "C", "tags": ["x", "x"]}}
    )
    assert where(storyfmt.validate(good + "\n" + warned, form="jsonl")) == [("SF506", 2, 73)]
    assert storyfmt.validate(good + "\n" + good + "\n", form="jsonl") == []


def test_a_json_lines_record_must_have_a_path_and_a_story_only() -> None:
    text = '{"story": {"kind": "card", "title": "A"}, "extra": 1}\n'
    found = storyfmt.validate(text, form="jsonl")
    assert [(d.code, d.line, d.message) for d in found] == [
        ("SF402", 1, "'path' is missing"),
        ("SF402", 1, "'extra' is not a field of a story"),
    ]


def test_the_form_follows_the_extension() -> None:
    assert storyfmt._rules.form_of("a/b.JSON") == "json"
    assert [storyfmt._rules.form_of(name) for name in ("x.yaml", "x.yml", "x.jsonl")] == [
        "yaml",
        "yaml",
        "jsonl",
    ]
    assert storyfmt._rules.form_of("x.txt") == storyfmt._rules.form_of("json") == "text"
    with pytest.raises(ValueError, match="form must be"):
        storyfmt.validate("T\n", form="xml")  # type: ignore[arg-type]  # no such form


def test_check_reads_json_files_as_json(tmp_path: Path) -> None:
    broken = tmp_path / "s.json"
    broken.write_text('{"kind": "card", "title": }')
    done = run("check", "s.json", cwd=tmp_path)
    assert done.returncode == 1
    assert "s.json:1:27: error[SF401] invalid JSON: expected value" in done.stdout
    (tmp_path / "card.txt").write_bytes(SEED_CARD.read_bytes())
    converted = run("convert", "--to", "json", "card.txt", "-o", "card.json", cwd=tmp_path)
    assert converted.returncode == 0, converted.stderr
    done = run("check", "card.json", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (0, ""), done.stdout
    assert "SF203" not in done.stdout


def test_check_reads_standard_input_in_the_form_of_its_stdin_filename(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(COMMAND), "check", "-", "--stdin-filename", "s.json"],
        cwd=tmp_path,
        input='{"kind": "card", "title": }',
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "s.json:1:27: error[SF401] invalid JSON: expected value" in done.stdout


def test_check_reads_yaml_and_json_lines_files(tmp_path: Path) -> None:
    (tmp_path / "s.yml").write_text("kind: card\ntitle: T\nrank: -1\n")
    record = {"path": "a.txt", "story": {"kind": "card", "title": "A"}}
    (tmp_path / "s.jsonl").write_text(json.dumps(record) + "\n" + json.dumps(record)[:-1] + "\n")
    done = run("check", "s.yml", "s.jsonl", cwd=tmp_path)
    assert done.returncode == 1
    assert "s.yml:3:7: error[SF304] 'rank' must be greater than or equal to 0" in done.stdout
    assert "s.jsonl:2:57: error[SF401] invalid JSON: EOF while parsing an object" in done.stdout
    assert "s.jsonl:1:" not in done.stdout


def test_many_json_errors_are_capped_once() -> None:
    text = json.dumps({"kind": "card", "title": "T", "tags": [1] * 15})
    found = storyfmt.validate(text, form="json")
    assert [item.code for item in found] == ["SF402"] * 10 + ["SF100"]
    assert found[-1].message == "5 more errors not shown; fix the ones above first"
    with pytest.raises(StoryFormatError) as raised:
        storyfmt.from_json(text)
    assert raised.value.diagnostics == found


def test_warnings_are_capped_and_counted() -> None:
    text = "Title\n\nThe Breakdown\n\n" + "  - Same point.\n" * 5000
    found = storyfmt.validate(text)
    assert [item.code for item in found] == ["SF507"] * 10 + ["SF500"]
    assert [item.line for item in found[:10]] == list(range(6, 16))
    assert (found[-1].line, found[-1].severity) == (16, "warning")
    assert found[-1].message == "4,989 more warnings not shown; see the ones above first"
