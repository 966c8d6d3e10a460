"""``storyfmt.check``, ``fix`` and ``format``: the engine under the command, the
server and the library gives the library what the command gives, file for
file, and the command and the server are shells over it."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT
from test_cli import run

import storyfmt
from storyfmt import Config, ConfigError, StoryFormatError

pytestmark = pytest.mark.slow

CONFIG = """\
extend-select = ["SF6"]
severity = { SF501 = "error" }
[rules.title-too-long]
max = 10
[per-file-ignores]
"summit-*.story" = ["SF601"]
"""


@pytest.fixture
def stories(tmp_path: Path) -> Path:
    """The corpus's stories, valid and not, as story files under a configuration
    that selects the house rules."""
    folder = tmp_path / "stories"
    folder.mkdir()
    for source in sorted(CORPUS.glob("*/*.txt")):
        if not source.name.endswith(".out.txt"):
            shutil.copy(source, folder / f"{source.parent.name}-{source.stem}.story")
    shutil.copy(CORPUS / "valid" / "seed-card.txt", folder / "summit-seed.story")
    (tmp_path / "storyfmt.toml").write_text(CONFIG)
    return folder


def _texts(folder: Path) -> dict[str, str]:
    """The stories of a folder that are UTF-8 text, by name."""
    found = {}
    for path in sorted(folder.glob("*.story")):
        try:
            found[path.name] = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
    return found


def test_check_reports_what_the_command_reports(stories: Path) -> None:
    done = run("check", "--output-format", "json", "stories", cwd=stories.parent)
    assert done.returncode == 1
    by_file: dict[str, list[tuple[int, int, str, str, str]]] = {}
    for item in json.loads(done.stdout)["diagnostics"]:
        by_file.setdefault(Path(item["path"]).name, []).append(
            (item["line"], item["column"], item["code"], item["severity"], item["message"])
        )
    compared = 0
    for path in sorted(stories.glob("*.story")):
        config = Config.find(path)
        found = storyfmt.check(path.read_bytes(), path=path, config=config)
        shown = [(d.line, d.column, d.code, d.severity, d.message) for d in found]
        assert shown == by_file.get(path.name, []), path.name
        compared += 1
    assert compared > 100
    # The configuration applies: a house rule selected, a severity, per-file-ignores.
    seed = storyfmt.check((stories / "summit-seed.story").read_text(), config=config)
    assert "SF601" in [d.code for d in seed], "no path: no per-file-ignores match"
    assert "SF601" not in [code for _, _, code, *_ in by_file["summit-seed.story"]]
    severities = {item[3] for items in by_file.values() for item in items if item[2] == "SF501"}
    assert severities == {"error"}


def test_fix_writes_what_check_fix_writes(stories: Path) -> None:
    texts = _texts(stories)
    config = Config.find(stories / "any.story")
    fixed = {
        name: storyfmt.fix(text, unsafe=True, path=stories / name, config=config)
        for name, text in texts.items()
    }
    done = run("check", "--fix", "--unsafe-fixes", "stories", cwd=stories.parent)
    assert done.returncode == 1
    changed = 0
    for name, result in fixed.items():
        assert (stories / name).read_bytes().decode("utf-8") == result.text, name
        changed += result.text != texts[name]
    assert changed > 15
    total = sum(result.fixed for result in fixed.values())
    assert f"fixed {total} problems in {changed} files" in done.stderr


def test_format_writes_what_fmt_writes(stories: Path) -> None:
    texts = _texts(stories)
    formatted: dict[str, str | None] = {}
    for name, text in texts.items():
        try:
            formatted[name] = storyfmt.format(text)
        except StoryFormatError:
            formatted[name] = None
    run("fmt", "stories", cwd=stories.parent)
    for name, canonical in formatted.items():
        assert (stories / name).read_bytes().decode("utf-8") == (canonical or texts[name]), name
    assert sum(canonical is not None for canonical in formatted.values()) > 40


def test_check_and_fix_follow_the_path_and_the_settings() -> None:
    config = Config.from_table(
        {"extend-select": ["SF601"], "rules": {"title-too-long": {"max": 5}}, "strict": True}
    )
    story = '{"kind": "card", "title": "Japan Korea Summit"}'
    (as_json,) = storyfmt.check(story, path="summit.json", config=config)
    assert as_json.message == "the title is 18 characters long; at most 5 allowed"
    (as_text,) = storyfmt.check(story, config=config)  # without a path: story text
    assert as_text.message == "the title is 47 characters long; at most 5 allowed"
    unchanged = storyfmt.fix(story, path="summit.json", config=config)
    assert unchanged.text == story, "JSON is never fixed"
    assert [d.code for d in unchanged.remaining] == ["SF601"]
    # Only the unsafe fixes change the meaning, and only when asked.
    text = "Title\n\nStory Stats\n\nVirality\n5,1\n"
    assert storyfmt.fix(text).text == text
    assert storyfmt.fix(text, unsafe=True) == storyfmt.Fixed(
        "Title\n\nStory Stats\n\nVirality\n5.1\n", 1, []
    )
    ignored = Config.from_table({"ignore": ["SF503"]})
    question = "Title\n\nFurther Learning\n\nWhy\n\nBecause.\n"
    assert [d.code for d in storyfmt.check(question)] == ["SF503"]
    assert storyfmt.check(question, config=ignored) == []
    assert storyfmt.fix(question, unsafe=True, config=ignored).text == question


def test_format_keeps_or_sets_the_line_breaks_and_refuses_errors() -> None:
    assert storyfmt.format("20\r\nSummit  \r\n") == "20\r\nSummit\r\n"
    crlf = Config.from_table({"line-ending": "crlf"})
    assert storyfmt.format("20\nSummit\n", config=crlf) == "20\r\nSummit\r\n"
    with pytest.raises(StoryFormatError) as error:
        storyfmt.format("Title\n\nStory Stats\n\nVirality\nhigh\n")
    assert error.value.diagnostics[0].code == "SF301"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"strictness": True}, "unknown key 'strictness'; the keys are extend, include"),
        ({"rules": {"title-too-long": {"max": 0}}}, "'rules.title-too-long.max' must be"),
        ({"rule-timeout": -1}, "'rule-timeout' must be a number of seconds above 0"),
        ({"extend": "pyproject.toml"}, "'extend' names a file to extend"),
    ],
)
def test_a_configuration_built_in_code_is_checked(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as error:
        Config.from_table(table)
    assert str(error.value).startswith(message)


def test_a_configuration_file_is_read_or_refused(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    with pytest.raises(ConfigError, match=r"pyproject\.toml: has no \[tool\.storyfmt\] table"):
        Config.from_file(tmp_path / "pyproject.toml")
    assert Config.find(tmp_path / "story.story") == Config(), "no settings: the defaults"
    (tmp_path / "storyfmt.toml").write_text("select = [SF5]\n")
    with pytest.raises(ConfigError, match=r"storyfmt\.toml:1:\d+: invalid TOML"):
        Config.find(tmp_path / "story.story")


def test_importing_storyfmt_leaves_the_engine_until_it_is_used() -> None:
    script = (
        "import sys, storyfmt\n"
        "print('storyfmt._engine' in sys.modules, 'storyfmt._config' in sys.modules)\n"
        "storyfmt.check('Title\\n')\n"
        "print('storyfmt._engine' in sys.modules, 'check' in dir(storyfmt))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "False", "True", "True"]


def _imports(path: Path) -> set[str]:
    """The storyfmt modules a module imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("storyfmt")}


def test_the_command_and_the_server_are_shells_over_the_engine() -> None:
    source = ROOT / "src" / "storyfmt"
    server = _imports(source / "_server.py")
    assert not {name for name in server if name.startswith("storyfmt._cli")}
    assert "storyfmt._engine" in server
    for path in sorted((source / "_cli").glob("*.py")):
        imported = _imports(path)
        # The command starts the server, through its entry point alone.
        expected = {"storyfmt._server"} if path.name == "_server.py" else set()
        assert {name for name in imported if name.startswith("storyfmt._server")} == expected
    assert "storyfmt._engine" in _imports(source / "_cli" / "_check.py")
    assert "storyfmt._engine" in _imports(source / "_cli" / "_fmt.py")
