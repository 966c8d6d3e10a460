"""No input, however broken, gets anything but diagnostics or ``StoryFormatError``."""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import storyfmt
from storyfmt import StoryFormatError
from storyfmt._grammar import grammar_text
from storyfmt._source import check_characters
from storyfmt._vocabulary import BRIEF_HEADINGS, CARD_HEADINGS, FORBIDDEN, MAX_LINE

SOURCES = sorted((ROOT / "examples").glob("*.story")) + sorted((CORPUS / "valid").glob("*.txt"))
_HEADINGS = [*sorted(CARD_HEADINGS | BRIEF_HEADINGS), "The Breakdown 3", "  • point"]


# The grammar's own names (TAG_SEP, _BLANK, STATUS_KEY...) and Lark's phrases
# never reach a message.
_GRAMMAR_NAMES = re.compile(
    r"Expected one of|\b("
    + "|".join(sorted(set(re.findall(r"^(_[A-Z]+|[A-Z]+(?:_[A-Z]+)+)\b", grammar_text(), re.M))))
    + r")\b"
)


def _check_contract(data: str | bytes) -> None:
    """``validate`` returns located diagnostics; ``loads`` agrees with it."""
    found = storyfmt.validate(data)
    for item in found:
        assert item.line >= 1
        assert item.column >= 1
        assert item.code.startswith("SF")
        for internal in ("__ANON", "Token(", "$END", "Input should", "after validation"):
            assert internal not in item.message
        assert not _GRAMMAR_NAMES.search(item.message), item.message
    errors = [item for item in found if item.severity == "error"]
    if errors:
        with pytest.raises(StoryFormatError) as raised:
            storyfmt.loads(data)
        assert raised.value.diagnostics == errors
        str(raised.value).encode("utf-8")  # printable anywhere, whatever the input
    else:
        story = storyfmt.loads(data)
        canonical = storyfmt.dumps(story)
        assert storyfmt.loads(canonical) == story
        assert storyfmt.dumps(storyfmt.loads(canonical)) == canonical


@st.composite
def mutants(draw: st.DrawFn) -> bytes:
    """A real story file with a few lines deleted, repeated, moved or replaced,
    headings inserted, or bytes overwritten."""
    lines = draw(st.sampled_from(SOURCES)).read_bytes().splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.integers(0, max(0, len(lines) - 1)))
        operation = draw(st.sampled_from(["delete", "repeat", "move", "heading", "text", "bytes"]))
        if operation == "delete" and lines:
            del lines[where]
        elif operation == "repeat" and lines:
            lines.insert(where, lines[where])
        elif operation == "move" and lines:
            lines.insert(draw(st.integers(0, len(lines))), lines.pop(where))
        elif operation == "heading":
            lines.insert(where, draw(st.sampled_from(_HEADINGS)).encode() + b"\n")
        elif operation == "text":
            lines.insert(where, draw(st.text(max_size=20)).encode("utf-8", "surrogatepass"))
        elif lines:
            line = bytearray(lines[where])
            if line:
                line[draw(st.integers(0, len(line) - 1))] = draw(st.integers(0, 255))
            lines[where] = bytes(line)
    return b"".join(lines)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutants())
def test_mutated_stories_fail_cleanly(data: bytes) -> None:
    _check_contract(data)
    _check_contract(data.decode("utf-8", "replace"))


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), st.binary()))
def test_arbitrary_input_fails_cleanly(data: str | bytes) -> None:
    _check_contract(data)
    with contextlib.suppress(StoryFormatError):
        storyfmt.from_json(data)


@given(st.lists(st.sampled_from([*_HEADINGS, "Title", "", "Status", "7 hours", "A /"])))
def test_shuffled_syntax_fails_cleanly(lines: list[str]) -> None:
    _check_contract("\n".join(lines))


def _codes(data: str | bytes) -> list[tuple[int, int, str]]:
    return [(item.line, item.column, item.code) for item in storyfmt.validate(data)]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Title\n\xc3\x28bad\n", [(2, 1, "SF101")]),
        (b"Title\n\nStory Stats\n\nStatus\nAc\xfftive\n", [(6, 3, "SF101")]),
        ("Title\x00\n", [(1, 6, "SF102")]),
        ("Title\n\x1b[31mred\n", [(2, 1, "SF102")]),
        ("Title\nHead\x7fline\n", [(2, 5, "SF102")]),
        ("\ufeffTitle\n", []),
        (b"\xef\xbb\xbfTitle\n", []),
        ("Title\nHead\ufeffline\n", [(2, 5, "SF103")]),
        ("x" * 10_000_000, [(1, MAX_LINE + 1, "SF105")]),
        ("Title\n\t" + "y" * (MAX_LINE + 1) + "\n", [(2, MAX_LINE + 2, "SF105")]),
        ("Title\n" + "y" * MAX_LINE + "\n", []),
        ("\n" * 1_000_000, [(1, 1, "SF104")]),
        (" \t\r\n" * 100_000, [(1, 1, "SF104")]),
    ],
    ids=[
        "invalid-utf8",
        "invalid-utf8-in-value",
        "nul",
        "escape",
        "delete",
        "bom-at-start-text",
        "bom-at-start-bytes",
        "bom-in-the-middle",
        "10MB-single-line",
        "long-line-after-tab",
        "longest-line-allowed",
        "million-blank-lines",
        "blank-lines-with-whitespace",
    ],
)
def test_hostile_input_gets_a_precise_diagnostic(
    data: str | bytes, expected: list[tuple[int, int, str]]
) -> None:
    assert _codes(data) == expected


def test_many_errors_are_capped_and_counted() -> None:
    text = "T\n\nStory Stats\n\n" + "".join(f"Key {n}\nbad\x01\n" for n in range(25))
    found = storyfmt.validate(text)
    assert [item.code for item in found] == ["SF102"] * 10 + ["SF100"]
    assert found[-1].line == found[-2].line + 2
    assert found[-1].message.startswith("15 more errors not shown")


_N = 50_000
_PATHOLOGICAL: dict[str, tuple[str | bytes, int, tuple[int, str] | None]] = {
    # name: (text, how many diagnostics, the first one's line and code)
    "many-headings": ("T\n\n" + "Story Stats\n" * _N, 11, (3, "SF206")),
    "many-bullets": ("T\n\nThe Breakdown\n\n" + "  \u2022 x\n\n" * _N, 11, (7, "SF507")),
    "many-questions": ("T\n\nFurther Learning\n\n" + "Q?\n\n" * _N, 11, (9, "SF508")),
    "many-header-lines": ("line\n" * _N, 1, (3, "SF203")),
    "many-errors": ("T\n\nStory Stats\n\n" + "Virality\nhigh\n" * _N, 11, (6, "SF301")),
    "many-slashes": ("T\n" + " / " * _N + "\n", 11, (2, "SF214")),
    "many-paragraphs": ("What's Next?\n" + "text\n\n" * _N, 0, None),
    "binary-file": (bytes(range(256)) * 4_000, 11, (1, "SF102")),
}


@pytest.mark.parametrize("name", sorted(_PATHOLOGICAL))
def test_pathological_input_finishes(name: str, tmp_path: Path) -> None:
    text, count, first = _PATHOLOGICAL[name]
    path = tmp_path / "story.txt"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    script = (
        "import json, sys, storyfmt\n"
        "found = storyfmt.validate(open(sys.argv[1], 'rb').read())\n"
        "print(json.dumps([len(found)] + [[d.line, d.code] for d in found[:1]]))\n"
    )
    # Generous: each takes about a second; a quadratic slip would take many minutes.
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    reported = json.loads(done.stdout)
    assert reported[0] == count
    assert (tuple(reported[1]) if count else None) == first


@given(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=40).map(
        lambda text: text.replace("\r", "\n")
    )
)
def test_the_character_check_reports_a_character_exactly_when_one_is_forbidden(
    text: str,
) -> None:
    # The quick look that clears the usual story must never clear a bad one.
    reported = {item.code for item in check_characters(text, from_bytes=False)[1]}
    forbidden = FORBIDDEN.search(text) is not None
    assert bool(reported - {"SF105"}) == forbidden, (text, reported)
