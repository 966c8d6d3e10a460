"""``storyfmt server`` spoken to as an editor speaks to it: pytest-lsp starts it as
a subprocess on stdio, with the capabilities of VS Code (UTF-16 positions) and
of Neovim (which offers UTF-8 first), and the tests compare what it says with
what ``storyfmt check`` says of the same files."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from conftest import CORPUS
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features
from test_plugins import install

import storyfmt

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]

SEED = (CORPUS / "valid" / "seed-card.txt").read_text("utf-8")
LOWER = "Title\n\nstory stats\n\nStatus\nActive\n"
"""A card with a heading in lower case: SF201, with a safe fix."""
WIDE = "Title 🙂\nHeadline\n東京 Café 🙂 /  / x /\n"
"""An empty tag after CJK, accented and astral characters."""
CONFIG = """\
[tool.storyfmt]
select = ["SF5", "SF601"]

[tool.storyfmt.rules.title-too-long]
max = 20

[tool.storyfmt.per-file-ignores]
"drafts/*" = ["SF601"]
"""


class StoryClient(LanguageClient):
    """The test client, keeping every diagnostics notification in order."""

    published: list[types.PublishDiagnosticsParams]


def _published(client: StoryClient, params: types.PublishDiagnosticsParams) -> None:
    client.published.append(params)
    client.diagnostics[params.uri] = params.diagnostics


def _client() -> StoryClient:
    client = StoryClient(converter_factory=default_converter)
    client.published = []
    features = {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _published}
    register_lsp_features(client, features)
    return client


SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "storyfmt", "server"], client_factory=_client
)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository with a configuration, stories, a draft and a README."""
    root = tmp_path_factory.mktemp("workspace")
    (root / "pyproject.toml").write_text(CONFIG)
    (root / "stories").mkdir()
    (root / "drafts").mkdir()
    return root


# pytest-lsp's decorator is untyped.
@pytest_lsp.fixture(scope="module", config=SERVER, params=["visual-studio-code", "neovim"])  # type: ignore[untyped-decorator]
async def client(
    lsp_client: StoryClient, request: pytest.FixtureRequest, workspace: Path
) -> AsyncIterator[None]:
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(request.param),
            root_uri=workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="stories")],
        )
    )
    yield
    await lsp_client.shutdown_session()


def _encoding(client: StoryClient) -> str:
    general = client.capabilities.general if client.capabilities else None
    offered = (general.position_encodings if general else None) or ["utf-16"]
    return str(offered[0])


def _units(text: str, encoding: str) -> int:
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le")) // 2


_count = 0


def _uri(workspace: Path, name: str, text: str) -> str:
    """A new file in the workspace, named uniquely (each server sees its own)."""
    global _count  # noqa: PLW0603 - a counter for unique names
    _count += 1
    path = workspace / name.replace("#", str(_count))
    path.write_text(text, encoding="utf-8", newline="")
    return path.as_uri()


def _open(client: StoryClient, uri: str, text: str, language: str = "story") -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, language, 1, text))
    )


def _opened(client: StoryClient, workspace: Path, name: str, text: str) -> str:
    """Open a new story file of the workspace, as version 1; its URI."""
    uri = _uri(workspace, name, text)
    _open(client, uri, text)
    return uri


async def _diagnostics(
    client: StoryClient, uri: str, version: int, timeout: float = 30
) -> Sequence[types.Diagnostic]:
    """The diagnostics published for one version of a document."""
    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        for params in reversed(client.published):
            if params.uri == uri and params.version == version:
                return list(params.diagnostics)
        await asyncio.sleep(0.005)
    raise AssertionError(f"no diagnostics for version {version} of {uri}")


def check_json(path: Path, cwd: Path) -> list[dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-m", "storyfmt", "check", "--output-format", "json", str(path)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    diagnostics: list[dict[str, Any]] = json.loads(done.stdout)["diagnostics"]
    return diagnostics


def _as_lsp(item: dict[str, Any], text: str, encoding: str) -> tuple[str, int, int, int]:
    """A diagnostic of ``check``'s JSON output as the server should place it."""
    line = text.split("\n")[item["line"] - 1]
    end = item["end_column"] or item["column"] + 1
    return (
        item["code"],
        item["line"] - 1,
        _units(line[: item["column"] - 1], encoding),
        _units(line[: end - 1], encoding),
    )


def _placed(diagnostics: Sequence[types.Diagnostic]) -> list[tuple[str, int, int, int]]:
    return [
        (str(d.code), d.range.start.line, d.range.start.character, d.range.end.character)
        for d in diagnostics
    ]


async def test_a_valid_story_has_no_diagnostics(client: StoryClient, workspace: Path) -> None:
    uri = _opened(client, workspace, "stories/seed-#.story", SEED)
    assert await _diagnostics(client, uri, 1) == []


@pytest.mark.parametrize(
    "text", [LOWER, WIDE, "20\nA title that is far too long\n"], ids=["lower", "wide", "house"]
)
async def test_diagnostics_are_those_of_check_in_the_clients_encoding(
    client: StoryClient, workspace: Path, text: str
) -> None:
    uri = _opened(client, workspace, "stories/story-#.story", text)
    found = await _diagnostics(client, uri, 1)
    path = Path(uri.removeprefix("file://"))
    expected = [_as_lsp(item, text, _encoding(client)) for item in check_json(path, workspace)]
    assert expected
    assert _placed(found) == expected
    first = found[0]
    assert first.source == "storyfmt"
    assert first.code_description is not None
    assert first.code_description.href.startswith(
        "https://storyfmt.readthedocs.io/en/latest/rules/#"
    )


async def test_wide_characters_are_counted_in_the_negotiated_encoding(
    client: StoryClient, workspace: Path
) -> None:
    uri = _opened(client, workspace, "stories/wide-#.story", WIDE)
    (empty,) = [d for d in await _diagnostics(client, uri, 1) if d.code == "SF214"]
    encoding = _encoding(client)
    # The empty tag stands after 12 characters of its line, among them 東京 (of
    # three UTF-8 bytes each), é (two bytes) and 🙂 (two UTF-16 units, four bytes).
    expected = {"utf-16": 13, "utf-8": 20, "utf-32": 12}[encoding]
    assert (empty.range.start.line, empty.range.start.character) == (2, expected)
    assert empty.severity == types.DiagnosticSeverity.Error


async def test_per_path_configuration_applies_as_in_check(
    client: StoryClient, workspace: Path
) -> None:
    text = "A title far too long for the house\n"
    story = _uri(workspace, "stories/long-#.story", text)
    draft = _uri(workspace, "drafts/long-#.story", text)
    _open(client, story, text)
    _open(client, draft, text)
    assert [d.code for d in await _diagnostics(client, story, 1)] == ["SF601"]
    assert [d.code for d in await _diagnostics(client, draft, 1)] == []
    (warning,) = await _diagnostics(client, story, 1)
    assert warning.severity == types.DiagnosticSeverity.Warning


async def test_typing_a_heading_character_by_character(
    client: StoryClient, workspace: Path
) -> None:
    start = "Title\n\n"
    uri = _opened(client, workspace, "stories/typed-#.story", start)
    assert await _diagnostics(client, uri, 1) == []
    before = len(client.published)
    version = 1
    typed = "Story Stats\n\nStatus\nActive\n"
    line, character = 2, 0
    for char in typed:
        version += 1
        position = types.Position(line, character)
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(position, position), text=char
                    )
                ],
            )
        )
        line, character = (line + 1, 0) if char == "\n" else (line, character + 1)
    assert await _diagnostics(client, uri, version) == []
    await asyncio.sleep(0.3)  # nothing older may come after the newest
    after = [params for params in client.published[before:] if params.uri == uri]
    versions = [params.version or 0 for params in after]
    assert versions[-1] == version
    assert versions == sorted(versions)
    assert len(after) < len(typed), "checks are debounced"


async def test_full_text_changes_are_taken_too(client: StoryClient, workspace: Path) -> None:
    uri = _opened(client, workspace, "stories/full-#.story", SEED)
    await _diagnostics(client, uri, 1)
    broken = SEED.replace("Virality\n5.1", "Virality\nhigh")
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=broken)],
        )
    )
    assert [d.code for d in await _diagnostics(client, uri, 2)] == ["SF301"]


def _apply(text: str, edits: Sequence[types.TextEdit], encoding: str) -> str:
    """Text with edits applied, as an editor applies them."""
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        line = lines[position.line] if position.line < len(lines) else ""
        index, units = 0, 0
        while index < len(line) and units < position.character:
            units += _units(line[index], encoding)
            index += 1
        return sum(len(each) + 1 for each in lines[: position.line]) + index

    for edit in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


async def _formatted(client: StoryClient, uri: str) -> Sequence[types.TextEdit] | None:
    """The edits that format a document, as an editor asks for them."""
    return await client.text_document_formatting_async(
        types.DocumentFormattingParams(
            types.TextDocumentIdentifier(uri), types.FormattingOptions(4, True)
        )
    )


async def test_formatting_gives_the_canonical_form(client: StoryClient, workspace: Path) -> None:
    messy = "20\nTitle 🙂\n\n\n\nThe Breakdown\n\n- A point.\n"
    uri = _opened(client, workspace, "stories/messy-#.story", messy)
    edits = await _formatted(client, uri)
    assert edits
    assert _apply(messy, edits, _encoding(client)) == storyfmt.dumps(storyfmt.loads(messy))


async def test_formatting_a_story_without_a_final_line_break_ends_past_its_last_line(
    client: StoryClient, workspace: Path
) -> None:
    messy = "20\nTitle\n\nThe Breakdown\n\n- A point.\n\nYou're all caught up"
    uri = _opened(client, workspace, "stories/unended-#.story", messy)
    edits = await _formatted(client, uri)
    assert edits
    # Ending at (line count, 0) makes Neovim replace the last line, not keep an
    # empty line after it; other clients clamp the position to the end.
    assert (edits[-1].range.end.line, edits[-1].range.end.character) == (8, 0)
    assert _apply(messy, edits, _encoding(client)) == storyfmt.dumps(storyfmt.loads(messy))


async def test_formatting_keeps_a_stories_crlf_line_breaks(
    client: StoryClient, workspace: Path
) -> None:
    messy = "20\r\nTitle\r\n\r\n\r\nThe Breakdown\r\n\r\n* A point.\r\n"
    uri = _opened(client, workspace, "stories/crlf-#.story", messy)
    edits = await _formatted(client, uri)
    assert edits
    canonical = storyfmt.dumps(storyfmt.loads(messy)).replace("\n", "\r\n")
    assert _apply(messy, edits, _encoding(client)) == canonical


async def test_formatting_can_change_only_the_line_breaks(
    client: StoryClient, workspace: Path
) -> None:
    folder = workspace / f"lf-{_encoding(client)}"
    folder.mkdir()
    (folder / "storyfmt.toml").write_text('line-ending = "lf"\n')
    canonical = storyfmt.dumps(storyfmt.loads(SEED))
    crlf = canonical.replace("\n", "\r\n")
    uri = _opened(client, workspace, f"{folder.name}/crlf-#.story", crlf)
    edits = await _formatted(client, uri)
    assert edits
    assert _apply(crlf, edits, _encoding(client)) == canonical


async def test_formatting_refuses_a_story_with_errors(client: StoryClient, workspace: Path) -> None:
    uri = _opened(client, workspace, "stories/broken-#.story", LOWER)
    before = len(client.messages)
    edits = await _formatted(client, uri)
    assert edits is None
    (message,) = client.messages[before:]
    assert message.message.startswith("storyfmt: not formatted: line 3: ")


async def test_code_actions_fix_one_problem_or_all(client: StoryClient, workspace: Path) -> None:
    uri = _opened(client, workspace, "stories/fixable-#.story", LOWER)
    found = await _diagnostics(client, uri, 1)
    (problem,) = found
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=problem.range,
            context=types.CodeActionContext(diagnostics=list(found)),
        )
    )
    assert actions is not None
    kinds = [action.kind for action in actions if isinstance(action, types.CodeAction)]
    assert kinds == [types.CodeActionKind.QuickFix, "source.fixAll.storyfmt"]
    quick = actions[0]
    assert isinstance(quick, types.CodeAction)
    assert quick.is_preferred
    assert quick.edit is not None
    assert quick.edit.changes is not None
    fixed = _apply(LOWER, quick.edit.changes[uri], _encoding(client))
    assert fixed == LOWER.replace("story stats", "Story Stats")
    only = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"]),
        )
    )
    assert only is not None
    (every,) = only
    assert isinstance(every, types.CodeAction)
    assert every.edit is not None
    assert every.edit.changes is not None
    assert _apply(LOWER, every.edit.changes[uri], _encoding(client)) == fixed


SEED_OUTLINE = [
    "Japan Korea Summit",
    "Story Stats",
    "The Breakdown",
    "Top Keywords",
    "Further Learning",
    "You're all caught up",
]
"""The outline of the seed card: its title, then its sections."""


async def test_the_outline_and_the_folds(client: StoryClient, workspace: Path) -> None:
    uri = _opened(client, workspace, "stories/outline-#.story", SEED)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(uri))
    )
    assert symbols is not None
    tops = [s for s in symbols if isinstance(s, types.DocumentSymbol)]
    assert [s.name for s in tops] == SEED_OUTLINE
    stats = tops[1]
    assert [child.name for child in stats.children or ()] == [
        "Status",
        "Duration",
        "Virality",
        "Articles",
        "Political leaning",
    ]
    questions = tops[4].children or []
    assert len(questions) == 10
    card = storyfmt.loads(SEED)
    assert isinstance(card, storyfmt.StoryCard)
    assert questions[0].name == card.further_learning[0].question
    folds = await client.text_document_folding_range_async(
        types.FoldingRangeParams(types.TextDocumentIdentifier(uri))
    )
    assert folds is not None
    lines = SEED.split("\n")
    assert [(lines[f.start_line], bool(lines[f.end_line].strip())) for f in folds] == [
        ("Story Stats", True),
        ("The Breakdown 15", True),
        ("Top Keywords", True),
        ("Further Learning", True),
    ]


async def test_a_stats_key_is_outlined_on_its_own_line_with_its_value(
    client: StoryClient, workspace: Path
) -> None:
    text = "Title\n\nStory Stats\n\nStatus\nActive\nVirality\nhigh\nRegion\nEast Asia\n"
    uri = _opened(client, workspace, "stories/stats-#.story", text)
    symbols = await client.text_document_document_symbol_async(
        types.DocumentSymbolParams(types.TextDocumentIdentifier(uri))
    )
    assert symbols is not None
    (stats,) = [s for s in symbols if isinstance(s, types.DocumentSymbol) and s.children]
    shown = [
        (child.name, child.selection_range.start.line, child.range.end.line, child.detail)
        for child in stats.children or ()
    ]
    # Jumping to a key lands on the key; a key whose value is wrong is still
    # there; a key of the newsroom's own shows its value as the others do.
    assert shown == [
        ("Status", 4, 5, "Active"),
        ("Virality", 6, 6, None),
        ("Region", 8, 9, "East Asia"),
    ]


async def test_hover_on_a_diagnostic_shows_its_rule(client: StoryClient, workspace: Path) -> None:
    uri = _opened(client, workspace, "stories/hover-#.story", LOWER)
    (problem,) = await _diagnostics(client, uri, 1)
    shown = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), problem.range.start)
    )
    assert shown is not None
    assert isinstance(shown.contents, types.MarkupContent)
    assert shown.contents.value.startswith("**SF201** `unexpected-line`\n\nA line where the format")
    nothing = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(0, 0))
    )
    assert nothing is None


async def _completions(client: StoryClient, uri: str, line: int, character: int) -> list[str]:
    found = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), types.Position(line, character))
    )
    assert isinstance(found, types.CompletionList)
    return [item.label for item in found.items]


async def test_completion_offers_what_fits(client: StoryClient, workspace: Path) -> None:
    text = "Title\n\nStory Stats\n\nStatus\n\nSto\n"
    uri = _opened(client, workspace, "stories/complete-#.story", text)
    assert await _completions(client, uri, 5, 0) == ["Active"]
    assert await _completions(client, uri, 6, 3) == ["Story Stats"]
    keys = await _completions(client, uri, 3, 0)
    assert keys[:5] == ["Status", "Duration", "Virality", "Articles", "Political leaning"]
    assert "Further Learning" in keys
    counted = "Title\n\nStory Stats\n\nStatus\nActive\n\nThe Breakdown 2\n\n"
    uri = _opened(client, workspace, "stories/counted-#.story", counted)
    offered = await _completions(client, uri, 9, 0)
    assert "Status" not in offered, "The Breakdown, not Story Stats, holds the line"
    assert "Top Keywords" in offered
    brief = _opened(client, workspace, "stories/brief-#.story", "What's Happening?\n\nText.\n\n")
    assert await _completions(client, brief, 4, 0) == [
        "What's Happening?",
        "Why It's Important?",
        "What's Next?",
        "Beyond the Headlines",
    ]
    typed = _opened(client, workspace, "stories/typed-#.story", "What's Happening?\nText.\nwhats n")
    assert await _completions(client, typed, 2, 7) == ["What's Next?"]


async def test_an_untitled_story_is_checked_too(client: StoryClient) -> None:
    global _count  # noqa: PLW0603 - a counter for unique names
    _count += 1
    uri = f"untitled:Untitled-{_count}"
    _open(client, uri, LOWER)
    assert [d.code for d in await _diagnostics(client, uri, 1)] == ["SF201"]


async def test_a_broken_configuration_is_said_and_the_defaults_apply(
    client: StoryClient, workspace: Path
) -> None:
    folder = workspace / f"broken-{_encoding(client)}"
    folder.mkdir()
    (folder / "storyfmt.toml").write_text('select = ["SF9"]\n')
    uri = _opened(client, workspace, f"{folder.name}/story-#.story", LOWER)
    assert [d.code for d in await _diagnostics(client, uri, 1)] == ["SF201"]
    said = [m.message for m in client.messages if "SF9" in m.message]
    assert said == [
        f"storyfmt: {folder / 'storyfmt.toml'}:1: 'select': unknown rule code 'SF9';"
        " checking with the defaults"
    ]


async def test_documents_that_are_not_stories_are_not_touched(
    client: StoryClient, workspace: Path
) -> None:
    text = "story stats\n"
    uri = _uri(workspace, "README-#.md", text)
    _open(client, uri, text, language="markdown")
    edits = await _formatted(client, uri)
    assert edits is None
    await asyncio.sleep(0.3)
    assert uri not in client.diagnostics


def _big_card() -> str:
    points = "".join(f"  • Point {n} of the story, told at some length.\n" for n in range(22_000))
    return f"20\nBig Summit\n\nThe Breakdown\n\n{points}"


async def test_a_one_megabyte_story(client: StoryClient, workspace: Path) -> None:
    text = _big_card()
    assert len(text.encode()) > 1_000_000
    uri = _opened(client, workspace, "stories/big-#.story", text)
    assert await _diagnostics(client, uri, 1) == []
    end = types.Position(text.count("\n"), 0)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(end, end), text="\nTop Keywords\n\nA / B\n"
                )
            ],
        )
    )
    (found,) = await _diagnostics(client, uri, 2)
    assert (found.code, found.range.start.line) == ("SF213", end.line + 3)


async def test_shutdown_ends_the_server() -> None:
    client = await SERVER.start()
    assert isinstance(client, StoryClient)
    try:
        await client.initialize_session(
            types.InitializeParams(capabilities=client_capabilities("neovim"))
        )
        await client.shutdown_session()
        server = client._server  # the subprocess pytest-lsp started
        assert server is not None
        assert server.returncode == 0
    finally:
        await client.stop()  # type: ignore[no-untyped-call]  # pygls's stop is untyped


async def test_a_byte_order_mark_in_the_text_is_counted_in_line_one(
    client: StoryClient, workspace: Path
) -> None:
    text = "\ufeffTitle é\x01x\n"
    uri = _opened(client, workspace, "stories/bom-#.story", text)
    (fault,) = await _diagnostics(client, uri, 1)
    encoding = _encoding(client)
    assert fault.code == "SF102"
    start = _units("\ufeffTitle é", encoding)
    assert (fault.range.start.character, fault.range.end.character) == (start, start + 1)


_FAILING = """\
import os

from storyfmt.plugin import Span, StoryRule

class Crash(StoryRule):
    code, name, summary = "ODD101", "crash", "a rule that raises"

    def check(self, story, where, options):
        raise ZeroDivisionError("division by zero")

class Nowhere(StoryRule):
    code, name, summary = "ODD102", "nowhere", "a rule that warns at line 0"

    def check(self, story, where, options):
        yield self.warn(Span(0, 0, 1), "here")

class Chatty(StoryRule):
    code, name, summary = "ODD103", "chatty", "a rule that prints"

    def check(self, story, where, options):
        print("Content-Length: 2\\r\\n\\r\\n{}", flush=True)
        os.write(1, b"Content-Length: 2\\r\\n\\r\\n{}")
        return ()

class Quits(StoryRule):
    code, name, summary = "ODD104", "quits", "a rule that ends its process"

    def check(self, story, where, options):
        os._exit(3)

RULES = [Crash, Nowhere, Chatty, Quits]
"""


async def test_a_failing_plugin_rule_is_said_and_the_rest_still_works(tmp_path: Path) -> None:
    site = tmp_path / "site"
    install(site, "odd-rules", {"ODD": "odd_rules:RULES"}, {"odd_rules.py": _FAILING})
    root = tmp_path / "repo"
    root.mkdir()
    (root / "storyfmt.toml").write_text('extend-select = ["ODD"]\n')
    config = ClientServerConfig(
        server_command=SERVER.server_command,
        client_factory=_client,
        server_env={**os.environ, "PYTHONPATH": str(site)},
    )
    client = await config.start()
    assert isinstance(client, StoryClient)
    try:
        await client.initialize_session(
            types.InitializeParams(capabilities=client_capabilities("neovim"))
        )
        valid = _opened(client, root, "valid.story", "Title\n")
        assert await _diagnostics(client, valid, 1) == []
        said = sorted(m.message for m in client.messages)
        assert said == [
            "storyfmt: plugin ODD (odd-rules 1.0): rule ODD101 crash raised"
            " ZeroDivisionError: division by zero",
            "storyfmt: plugin ODD (odd-rules 1.0): rule ODD102 nowhere raised ValueError:"
            " it gave a diagnostic at line 0, column 0: lines and columns count from 1",
            "storyfmt: plugin ODD (odd-rules 1.0): rule ODD104 quits ended the process it"
            " ran in: it exited with code 3",
        ]
        fixable = _opened(client, root, "fixable.story", LOWER)
        (problem,) = await _diagnostics(client, fixable, 1)
        actions = await client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(fixable),
                range=problem.range,
                context=types.CodeActionContext(diagnostics=[problem]),
            )
        )
        assert actions is not None
        # The fixed story would be checked by the failing rules: no fix-all then.
        assert [a.kind for a in actions if isinstance(a, types.CodeAction)] == ["quickfix"]
        await client.shutdown_session()
    finally:
        await client.stop()  # type: ignore[no-untyped-call]  # pygls's stop is untyped
