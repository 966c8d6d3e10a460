"""The documentation says what the code does: every rule code, every example output."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Literal

import pytest
import yaml
from conftest import ROOT

import storyfmt
from storyfmt._codes import Rule
from storyfmt._diagnostics import Diagnostic, render
from storyfmt._ruledocs import DOCS_URL, anchor, help_url, sections
from storyfmt._source import decode, split_lines

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

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


# The hosted site: Read the Docs builds mkdocs.yml as .ci/run does, and every address
# storyfmt gives on it (a rule's `help:` link, SARIF's helpUri and help, the links of
# the docs, the README and the extension) lands on a page of the built site and on an
# id in that page. The site is built once here; CI sets STORYFMT_REQUIRE_DOCS so that a
# missing mkdocs fails instead of skipping.
_SITE_LINK = re.compile(re.escape(DOCS_URL) + r"[^\s)\"'<>`\]]*")


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.canonical: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "link" and found.get("rel") == "canonical":
            self.canonical = found.get("href")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The documentation site, built from mkdocs.yml without a warning."""
    if importlib.util.find_spec("mkdocs") is None:
        if os.environ.get("STORYFMT_REQUIRE_DOCS"):
            pytest.fail("mkdocs is needed to build the site: pip install '.[docs]'")
        pytest.skip("mkdocs is not installed (pip install '.[docs]')")
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("READTHEDOCS_CANONICAL_URL", None)
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", out],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    return out


def _page(site: Path, url: str) -> tuple[_Ids, str]:
    """The ids of the built page an address of the docs site names, and its fragment."""
    assert url.startswith(DOCS_URL), url
    path, _, fragment = url.removeprefix(DOCS_URL).partition("#")
    page = site / path / "index.html" if path == "" or path.endswith("/") else site / path
    assert page.is_file(), f"{url}: the site has no {page.relative_to(site)}"
    ids = _Ids()
    ids.feed(page.read_text("utf-8"))
    return ids, fragment


def _lands(site: Path, url: str) -> bool:
    ids, fragment = _page(site, url)
    return not fragment or fragment in ids.ids


def test_every_rule_links_to_its_section_of_the_built_site(site: Path) -> None:
    # The addresses as the command gives them: in SARIF (helpUri, and the links of
    # each rule's help) and after `= help:` in text output, the server's hover too.
    done = subprocess.run(
        [sys.executable, "-m", "storyfmt", "check", "--output-format", "sarif", "examples"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    driver = json.loads(done.stdout)["runs"][0]["tool"]["driver"]
    assert _lands(site, driver["informationUri"])
    anchors = set()
    for entry, rule in zip(driver["rules"], Rule, strict=True):
        assert entry["helpUri"] == help_url(rule.value), rule
        ids, fragment = _page(site, entry["helpUri"])
        assert fragment == anchor(rule)
        assert fragment in ids.ids, f"{rule}: no #{fragment} on {entry['helpUri']}"
        anchors.add(fragment)
        links = _SITE_LINK.findall(entry["help"]["markdown"] + entry["fullDescription"]["markdown"])
        assert [link for link in links if not _lands(site, link)] == [], rule
    assert len(anchors) == len(Rule) == 48


def _site_links() -> dict[str, list[str]]:
    """Every address on the docs site that the repository's text gives, by file."""
    files = [
        ROOT / "README.md",
        ROOT / "CHANGELOG.md",
        ROOT / "pyproject.toml",
        ROOT / "mkdocs.yml",
        *sorted((ROOT / "docs").glob("*.md")),
        *sorted((ROOT / "src").rglob("*.py")),
        *[ROOT / "editors" / "vscode" / name for name in ("README.md", "CHANGELOG.md")],
        ROOT / "editors" / "vscode" / "package.json",
    ]
    found = {
        str(path.relative_to(ROOT)): _SITE_LINK.findall(path.read_text("utf-8")) for path in files
    }
    return {name: links for name, links in found.items() if links}


def test_every_link_to_the_docs_site_lands_on_the_built_site(site: Path) -> None:
    links = _site_links()
    assert {"README.md", "editors/vscode/package.json", "src/storyfmt/_ruledocs.py"} <= set(links)
    broken = {name: [u for u in urls if not _lands(site, u)] for name, urls in links.items()}
    assert {name: urls for name, urls in broken.items() if urls} == {}


def test_the_site_names_its_address_as_the_help_links_do(site: Path) -> None:
    ids, _ = _page(site, DOCS_URL + "rules/")
    assert ids.canonical == DOCS_URL + "rules/"


class _MkDocsLoader(yaml.SafeLoader):
    """Reads mkdocs.yml's tags as their plain values: ``!ENV [NAME, default]`` as the list."""


_MkDocsLoader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node))  # type: ignore[arg-type]
_MkDocsLoader.add_constructor("!relative", lambda loader, node: loader.construct_scalar(node))  # type: ignore[arg-type]


def test_read_the_docs_builds_the_site_from_the_docs_extra_as_ci_does() -> None:
    config = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text("utf-8"))
    assert config["version"] == 2
    assert config["mkdocs"]["configuration"] == "mkdocs.yml"
    assert config["python"]["install"] == [
        {"method": "pip", "path": ".", "extra_requirements": ["docs"]}
    ]
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"][
        "optional-dependencies"
    ]
    assert any(requirement.startswith("mkdocs>=") for requirement in extras["docs"])
    mkdocs = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=_MkDocsLoader)
    # Read the Docs names each version's address; the latest's is the one storyfmt links.
    assert mkdocs["site_url"] == ["READTHEDOCS_CANONICAL_URL", DOCS_URL]
    assert "mkdocs build --strict" in (ROOT / ".ci" / "run").read_text("utf-8")


def test_the_changelog_has_an_entry_for_this_version() -> None:
    changelog = (ROOT / "docs" / "changelog.md").read_text("utf-8")
    versions = re.findall(r"^## (\d+\.\d+\.\d+\S*)", changelog, re.MULTILINE)
    assert versions[0] == storyfmt.__version__
    assert len(set(versions)) == len(versions)
    assert "docs/changelog.md" in (ROOT / "CHANGELOG.md").read_text("utf-8")
