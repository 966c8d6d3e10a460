"""The editor side: the setup the docs show for each editor parses and starts
the real server, and the VS Code extension stays in step with the format."""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from luaparser import ast

from storyfmt._config import DEFAULT_INCLUDE
from storyfmt._vocabulary import SECTIONS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

PAGE = (ROOT / "docs" / "editors.md").read_text("utf-8")
VSCODE = ROOT / "editors" / "vscode"
PACKAGE = json.loads((VSCODE / "package.json").read_text("utf-8"))
GRAMMAR = json.loads((VSCODE / "syntaxes" / "story.tmLanguage.json").read_text("utf-8"))


def _blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", PAGE, re.MULTILINE | re.DOTALL)


def _runs(command: list[str]) -> None:
    """The command the snippet names is ``storyfmt server``, and it runs here."""
    assert command == ["storyfmt", "server"]
    done = subprocess.run(
        [sys.executable, "-m", "storyfmt", *command[1:], "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Language Server Protocol" in done.stdout


def _text(node: ast.String) -> str:
    return node.s.decode() if isinstance(node.s, bytes) else str(node.s)


def _lua_strings(node: ast.Table) -> list[str]:
    return [_text(item.value) for item in node.fields if isinstance(item.value, ast.String)]


@pytest.mark.parametrize(
    "source", _blocks("lua"), ids=["neovim-0.11", "lsp-folder", "neovim-0.8", "neovim-0.7"]
)
def test_the_neovim_setup_is_lua_that_starts_the_server(source: str) -> None:
    tree = ast.parse(source)
    commands = [
        _lua_strings(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Field)
        and isinstance(node.key, ast.Name)
        and node.key.id == "cmd"
        and isinstance(node.value, ast.Table)
    ]
    assert len(commands) == 1
    _runs(commands[0])
    # Each names the story filetype: for the .story extension (vim.filetype.add,
    # or an autocommand's pattern), or as the filetype the server serves.
    fields = {
        node.key.id: node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Field) and isinstance(node.key, ast.Name)
    }
    pattern = fields.get("pattern")
    assert (
        "story" in fields
        or (isinstance(pattern, ast.String) and _text(pattern) in ("story", "*.story"))
        or (
            isinstance(fields.get("filetypes"), ast.Table)
            and "story" in _lua_strings(fields["filetypes"])
        )
    ), "the .story extension is given the story filetype"


def test_the_helix_setup_is_toml_that_starts_the_server() -> None:
    (source,) = _blocks("toml")
    config: dict[str, Any] = tomllib.loads(source)
    server = config["language-server"]["storyfmt"]
    _runs([server["command"], *server["args"]])
    (language,) = config["language"]
    assert language["language-servers"] == ["storyfmt"]
    assert language["file-types"] == ["story"]


def _sexp(text: str) -> list[Any]:
    """Read Emacs Lisp forms: lists, strings and atoms (enough to check them)."""
    tokens = re.findall(r'"(?:\\.|[^"\\])*"|[()]|\'|[^\s()\']+', text)
    stack: list[list[Any]] = [[]]
    for token in tokens:
        if token == "(":
            stack.append([])
        elif token == ")":
            assert len(stack) > 1, "a closing parenthesis too many"
            done = stack.pop()
            stack[-1].append(done)
        elif token != "'":
            stack[-1].append(json.loads(token) if token.startswith('"') else token)
    assert len(stack) == 1, "a parenthesis left open"
    return stack[0]


def _lists(forms: list[Any]) -> list[list[Any]]:
    found = []
    for form in forms:
        if isinstance(form, list):
            found.append(form)
            found += _lists(form)
    return found


def test_the_emacs_setup_is_lisp_that_starts_the_server() -> None:
    (source,) = _blocks("elisp")
    forms = _sexp(source)
    assert [form[0] for form in forms] == [
        "define-derived-mode",
        "add-to-list",
        "with-eval-after-load",
        "add-hook",
    ]
    programs = [
        form for form in _lists(forms) if form[:2] == ["add-to-list", "eglot-server-programs"]
    ]
    (entry,) = programs
    mode, dot, command = entry[2]
    assert (mode, dot) == ("story-mode", ".")
    _runs(command)


def test_the_vscode_settings_are_json_naming_the_setting_the_extension_has() -> None:
    (source,) = _blocks("json")
    settings = json.loads(source)
    properties = PACKAGE["contributes"]["configuration"]["properties"]
    assert set(settings) - {"[story]"} <= set(properties)
    assert settings["storyfmt.server.command"][1:] == ["server"]
    assert properties["storyfmt.server.command"]["default"] == ["storyfmt", "server"]
    _runs(properties["storyfmt.server.command"]["default"])


def test_the_extension_registers_the_files_check_selects() -> None:
    (language,) = PACKAGE["contributes"]["languages"]
    assert language["id"] == "story"
    assert ["*" + extension for extension in language["extensions"]] == list(DEFAULT_INCLUDE)
    (grammar,) = PACKAGE["contributes"]["grammars"]
    assert (grammar["language"], grammar["scopeName"]) == ("story", GRAMMAR["scopeName"])


def _patterns(node: Any) -> list[str]:
    """Every regular expression of the TextMate grammar."""
    if isinstance(node, dict):
        found = [node[key] for key in ("match", "begin") if key in node]
        return found + [each for value in node.values() for each in _patterns(value)]
    if isinstance(node, list):
        return [each for value in node for each in _patterns(value)]
    return []


@pytest.mark.parametrize("heading", [section.heading for section in SECTIONS])
def test_the_highlighting_knows_every_heading(heading: str) -> None:
    # Oniguruma's \A is Python's too; the grammar's other syntax is common to both.
    assert any(re.fullmatch(pattern, heading) for pattern in _patterns(GRAMMAR["repository"]))


def test_the_highlighting_cases_are_the_examples() -> None:
    cases = {path.name: path.read_bytes() for path in (VSCODE / "test" / "cases").glob("*.story")}
    examples = {path.name: path.read_bytes() for path in (ROOT / "examples").glob("*.story")}
    assert cases == examples
    for name in cases:
        assert (VSCODE / "test" / "cases" / f"{name}.snap").is_file()


def test_the_lock_file_is_the_package_files() -> None:
    lock = json.loads((VSCODE / "package-lock.json").read_text("utf-8"))
    root = lock["packages"][""]
    assert root["dependencies"] == PACKAGE["dependencies"]
    assert root["devDependencies"] == PACKAGE["devDependencies"]


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_extension_is_ready_for_the_marketplace() -> None:
    # An icon of at least 128 pixels square, as the Marketplace and Open VSX want.
    width, height = _png_size(VSCODE / PACKAGE["icon"])
    assert width == height >= 128
    assert PACKAGE["repository"]["url"] == "https://github.com/storyfmt/storyfmt.git"
    assert PACKAGE["repository"]["directory"] == "editors/vscode"
    assert PACKAGE["license"] == "MIT"
    assert (VSCODE / "LICENSE").read_text("utf-8") == (ROOT / "LICENSE").read_text("utf-8")
    changelog = (VSCODE / "CHANGELOG.md").read_text("utf-8")
    assert re.search(rf"^## {re.escape(PACKAGE['version'])}$", changelog, re.MULTILINE)
    # The README's images are PNG files of the extension: vsce refuses SVG images
    # and the package script points relative ones at the repository.
    readme = (VSCODE / "README.md").read_text("utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme)
    assert images == ["images/vscode.png"]
    # The screenshot of a real run, the one the docs show.
    screenshot = ROOT / "docs" / "images" / "vscode.png"
    assert (VSCODE / images[0]).read_bytes() == screenshot.read_bytes()
    base = "https://github.com/storyfmt/storyfmt/{}/HEAD/editors/vscode"
    assert PACKAGE["scripts"]["package"] == (
        f"vsce package --baseContentUrl {base.format('blob')} --baseImagesUrl {base.format('raw')}"
    )


def test_the_package_leaves_out_the_tests_and_the_sources_of_builds() -> None:
    ignored = (VSCODE / ".vscodeignore").read_text("utf-8").split()
    for pattern in ("test/**", "e2e/**", "**/*.ts", "**/*.map"):
        assert pattern in ignored
