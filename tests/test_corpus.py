"""The conformance corpus: valid stories with their JSON, invalid ones with their errors.

``valid/NAME.txt`` must read as the JSON in ``NAME.json``, and write back as
``NAME.out.txt`` when that exists (the canonical form) or else as itself.
``invalid/NAME.txt`` must fail with exactly the diagnostics of ``NAME.errors.json``
(every error and warning, in order, with line, column, code and severity).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPUS

import storyfmt
from storyfmt import StoryFormatError

VALID = sorted((CORPUS / "valid").glob("*.txt"))
VALID = [path for path in VALID if not path.name.endswith(".out.txt")]
INVALID = sorted((CORPUS / "invalid").glob("*.txt"))


def _ids(paths: list[Path]) -> list[str]:
    return [path.stem for path in paths]


def test_corpus_is_large_enough() -> None:
    assert len(VALID) >= 25
    assert len(INVALID) >= 25


@pytest.mark.parametrize("path", VALID, ids=_ids(VALID))
def test_valid_story_reads_as_its_json(path: Path) -> None:
    story = storyfmt.load(path)
    expected = json.loads(path.with_suffix(".json").read_text("utf-8"))
    assert json.loads(storyfmt.to_json(story)) == expected
    assert storyfmt.from_json(path.with_suffix(".json").read_bytes()) == story


@pytest.mark.parametrize("path", VALID, ids=_ids(VALID))
def test_valid_story_writes_its_canonical_text(path: Path) -> None:
    story = storyfmt.load(path)
    canonical = path.with_name(path.stem + ".out.txt")
    expected = canonical.read_bytes() if canonical.exists() else path.read_bytes()
    written = storyfmt.dumps(story)
    assert written.encode("utf-8") == expected
    assert storyfmt.loads(written) == story
    assert storyfmt.dumps(storyfmt.loads(written)) == written


@pytest.mark.parametrize("path", VALID, ids=_ids(VALID))
def test_valid_story_json_is_a_fixed_point(path: Path) -> None:
    story = storyfmt.load(path)
    text = storyfmt.to_json(story)
    assert storyfmt.to_json(storyfmt.from_json(text)) == text


@pytest.mark.parametrize("path", VALID, ids=_ids(VALID))
def test_valid_story_has_no_errors(path: Path) -> None:
    found = storyfmt.validate(path.read_bytes())
    assert [d for d in found if d.severity == "error"] == []


@pytest.mark.parametrize("path", INVALID, ids=_ids(INVALID))
def test_invalid_story_reports_exactly_its_errors(path: Path) -> None:
    expected = json.loads(path.with_suffix(".errors.json").read_text("utf-8"))
    found = storyfmt.validate(path.read_bytes())
    assert [
        {"line": d.line, "column": d.column, "code": d.code, "severity": d.severity} for d in found
    ] == expected, "\n".join(map(str, found))
    with pytest.raises(StoryFormatError) as raised:
        storyfmt.load(path)
    assert raised.value.diagnostics == [d for d in found if d.severity == "error"]
    assert raised.value.diagnostics, "an invalid story has at least one error"
    assert str(path) in str(raised.value)


def test_invalid_corpus_has_files_with_several_faults() -> None:
    counts = [
        len(
            [
                d
                for d in json.loads(p.with_suffix(".errors.json").read_text())
                if d["severity"] == "error"
            ]
        )
        for p in INVALID
    ]
    assert counts.count(2) >= 2
    assert counts.count(3) >= 2


def _readme_tables() -> str:
    """The corpus README's two tables, as the files make them."""
    valid = [
        "| file | canonical | warnings |",
        "| --- | --- | --- |",
    ]
    for path in VALID:
        canonical = "no: see `.out.txt`" if path.with_suffix(".out.txt").exists() else "yes"
        codes = sorted({d.code for d in storyfmt.validate(path.read_bytes())})
        valid.append(f"| `{path.name}` | {canonical} | {', '.join(codes) or 'none'} |")
    invalid = [
        "| file | diagnostics (line:column code) |",
        "| --- | --- |",
    ]
    for path in INVALID:
        found = json.loads(path.with_suffix(".errors.json").read_text("utf-8"))
        shown = ", ".join(
            f"{d['line']}:{d['column']} {d['code']}"
            + (" (warning)" if d["severity"] == "warning" else "")
            for d in found
        )
        invalid.append(f"| `{path.name}` | {shown} |")
    return (
        f"## Valid stories ({len(VALID)})\n\n"
        + "\n".join(valid)
        + f"\n\n## Invalid stories ({len(INVALID)})\n\n"
        + "\n".join(invalid)
        + "\n"
    )


def test_the_readme_lists_every_corpus_file_with_its_results() -> None:
    readme = (CORPUS / "README.md").read_text("utf-8")
    assert readme[readme.index("## Valid stories") :] == _readme_tables()
