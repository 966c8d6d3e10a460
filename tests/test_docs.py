"""The documentation says what the code does: every rule code, every example output."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Literal

import pytest
from conftest import ROOT

import storyfmt
from storyfmt._codes import Rule
from storyfmt._diagnostics import Diagnostic, render
from storyfmt._ruledocs import sections
from storyfmt._source import decode, split_lines

FORMAT = (ROOT / "docs" / "format.md").read_text("utf-8")
GRAMMAR = (ROOT / "grammar" / "story.lark").read_text("utf-8")
_BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _example(language: str, body: str) -> tuple[list[Diagnostic], list[str] | None, str]:
    """Run one example of the rules page as ``storyfmt check`` would."""
    if language == "json":
        return storyfmt.validate(body, form="json"), split_lines(body), "story.json"
    kind: Literal["brief"] | None = None
    if language == "python":
        data = eval(body.split("=", 1)[1], {"__builtins__": {"range": range}})
        kind = "brief" if 'kind="brief"' in body else None
    else:
        data = body
    lines = split_lines(decode(data) if isinstance(data, bytes) else data)
    return storyfmt.validate(data, kind=kind), lines, "story.txt"


# The house rules' examples need their options: test_house_rules runs them.
@pytest.mark.parametrize("code", [rule.value for rule in Rule if not rule.house])
def test_every_rule_example_gives_the_output_shown(code: str) -> None:
    blocks = _BLOCK.findall(sections()[code])
    assert [language for language, _ in blocks][-1] == "console"
    (language, body), (_, shown) = blocks[0], blocks[-1]
    found, lines, path = _example(language, body)
    rendered = "\n".join(render(d, lines, path) for d in found if d.code == code)
    assert rendered + "\n" == shown


_PYTHON = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_PAGES = ("index.md", "quickstart.md", "recipes.md", "api.md")


def _examples(page: str) -> list[str]:
    """The Python examples of one page of the docs, in order."""
    return _PYTHON.findall((ROOT / "docs" / page).read_text("utf-8"))


_BLOCKS = [
    pytest.param(page, code, id=f"{page}-{number}")
    for page in _PAGES
    for number, code in enumerate(_examples(page))
]


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with the examples and a few hundred story files, one of them broken."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    stories = tmp_path / "stories" / "2026"
    stories.mkdir(parents=True)
    sources = sorted((ROOT / "examples").glob("*.story"))
    for number in range(300):
        shutil.copy(sources[number % len(sources)], stories / f"{number:03d}.story")
    (stories / "broken.story").write_text("Title\n\nStory Stats\n\nVirality\nhigh\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(("page", "code"), _BLOCKS)
def test_every_python_example_of_the_docs_runs(page: str, code: str, workspace: Path) -> None:
    for module in ("pandas", "dask"):
        if f"import {module}" in code:
            pytest.importorskip(module)
    exec(compile(code, page, "exec"), {"__name__": "__main__"})
    if "dask" in code:
        records = [
            json.loads(line)
            for part in sorted((workspace / "stories-jsonl").glob("part-*.jsonl"))
            for line in part.read_text("utf-8").splitlines()
        ]
        assert len(records) == 301
        broken = [r for r in records if "errors" in r]
        assert [r["path"] for r in broken] == ["stories/2026/broken.story"]
        assert broken[0]["errors"] == ["6:1 SF301 Virality must be a number, got 'high'"]
        for record in records[:20]:
            if "story" in record:
                assert storyfmt.load(record["path"]).model_dump(mode="json") == record["story"]


def test_the_docs_examples_cover_the_recipes() -> None:
    recipes = _examples("recipes.md")
    assert any("dask.bag" in code for code in recipes)
    assert any("pandas" in code for code in recipes)
    assert any("storyfmt.testing" in code for code in recipes)


# The grammar's sections, as the documentation site's snippet includes name them.
_MARKER = re.compile(r"// --8<-- \[(start|end):([a-z][-_0-9a-z]*)\]")
# A section included as the only line of a code block in the grammar's language, so that
# it reads as grammar and never as a story example.
_INCLUDE = re.compile(
    r'^```lark\n--8<-- "grammar/story\.lark:([a-z][-_0-9a-z]*)"\n```$', re.MULTILINE
)


def _grammar_sections() -> list[str]:
    lines = [line for line in GRAMMAR.splitlines() if "--8<--" in line]
    markers = [(m[1], m[2]) for line in lines if (m := _MARKER.fullmatch(line))]
    assert len(markers) == len(lines), "a section marker of the grammar is misspelt"
    return [name for kind, name in markers if kind == "start"]


def test_every_grammar_section_starts_and_ends_once_without_nesting() -> None:
    sections = _grammar_sections()
    assert sections
    assert len(set(sections)) == len(sections)
    markers = [(m[1], m[2]) for m in _MARKER.finditer(GRAMMAR)]
    assert markers == [(kind, name) for name in sections for kind in ("start", "end")]


def test_the_format_page_shows_every_grammar_section_once() -> None:
    included = _INCLUDE.findall(FORMAT)
    assert FORMAT.count("--8<--") == len(included), "an include outside a lark code block"
    assert sorted(included) == sorted(_grammar_sections())
