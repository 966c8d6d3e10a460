"""The language server, ``storyfmt server``: what ``storyfmt check`` and
``storyfmt fmt`` say about a story, said in the editor as the story is typed.

Diagnostics, fixes and formatting come from the engine under ``storyfmt check``
(:mod:`storyfmt._engine`), under the configuration ``check`` gives each file,
so the editor and CI cannot disagree.
The server keeps each story's text itself, splitting lines as the protocol
does (LF, CRLF or CR, nothing else), and converts columns to the position
encoding the client negotiated (UTF-16 unless it offers another).

It needs the ``lsp`` extra (pygls and lsprotocol).
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from storyfmt import __version__
from storyfmt._codes import own_rule
from storyfmt._config import Config, ConfigError, Configs, Selection
from storyfmt._diagnostics import Diagnostic, StoryFormatError
from storyfmt._engine import RewriteError, canonical, check_story, fix_story
from storyfmt._fixes import apply_edits, fixable
from storyfmt._house import RuleFailed
from storyfmt._house._docs import documentation
from storyfmt._nearmiss import loosely
from storyfmt._parser import parse_text
from storyfmt._plugins import rule_of
from storyfmt._rpc import StoryProtocol, serve_stream
from storyfmt._ruledocs import help_url, rule_help
from storyfmt._rules import Form, form_of
from storyfmt._source import detect_kind, split_lines
from storyfmt._transform import Parsed
from storyfmt._vocabulary import SECTIONS, STATS_FIELDS

LANGUAGE = "story"
"""The language id of story files, as the VS Code extension registers it."""

DEBOUNCE = 0.02
"""Seconds a change waits for the next before the story is checked again."""

FIX_ALL = "source.fixAll.storyfmt"
"""The code action kind that applies every safe fix, as ``check --fix`` does."""

_BREAK = re.compile(r"\r\n|\r|\n")


def _units(text: str, encoding: str) -> int:
    """How many code units of the position encoding ``text`` takes."""
    if text.isascii():
        return len(text)
    if encoding == types.PositionEncodingKind.Utf8:
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == types.PositionEncodingKind.Utf32:
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _index(text: str, units: int, encoding: str) -> int:
    """The index in ``text`` of the character ``units`` code units in (its end if past)."""
    if text.isascii() or encoding == types.PositionEncodingKind.Utf32:
        return min(units, len(text))
    count = 0
    for index, char in enumerate(text):
        if count >= units:
            return index
        count += _units(char, encoding)
    return len(text)


@dataclass
class Document:
    """One open story: its text, version and language, and what was last found."""

    uri: str
    language: str
    version: int
    text: str
    starts: list[int] = field(default_factory=list)
    """Where each line starts, as the protocol counts lines."""
    checked: Checked | None = None

    def __post_init__(self) -> None:
        self._index()

    def _index(self) -> None:
        self.starts = [0, *(match.end() for match in _BREAK.finditer(self.text))]

    def line(self, number: int) -> str:
        """A line's text (0-based), without its line break."""
        if number >= len(self.starts):
            return ""
        start = self.starts[number]
        end = self.starts[number + 1] if number + 1 < len(self.starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def at(self, line: int, column: int, encoding: str) -> types.Position:
        """The position of a line and column as diagnostics count them (from 1, in
        characters, a byte-order mark at the start left out), kept in the text."""
        number = min(max(line, 1), len(self.starts)) - 1
        text = self.line(number)
        bom = 1 if number == 0 and text.startswith("\ufeff") else 0
        index = min(max(column - 1, 0) + bom, len(text))
        return types.Position(number, _units(text[:index], encoding))

    def offset(self, position: types.Position, encoding: str) -> int:
        """The index in the text of a position."""
        if position.line >= len(self.starts):
            return len(self.text)
        line = self.line(position.line)
        return self.starts[position.line] + _index(line, position.character, encoding)

    def position(self, offset: int, encoding: str) -> types.Position:
        """The position of an index in the text."""
        number = max(0, _bisect(self.starts, offset))
        line = self.line(number)[: offset - self.starts[number]]
        return types.Position(number, _units(line, encoding))

    def change(
        self, changes: Sequence[types.TextDocumentContentChangeEvent], encoding: str
    ) -> None:
        """Apply the changes the client sent, in order."""
        for change in changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                start = self.offset(change.range.start, encoding)
                end = self.offset(change.range.end, encoding)
                self.text = self.text[:start] + change.text + self.text[end:]
            else:
                self.text = change.text
            self._index()

    @property
    def path(self) -> str | None:
        """The file's path, for a ``file:`` URI."""
        parsed = urlparse(self.uri)
        return unquote(parsed.path) if parsed.scheme == "file" else None

    @property
    def form(self) -> Form:
        """The form its text is in: story text, unless its name says JSON or YAML."""
        return "text" if self.language == LANGUAGE or self.path is None else form_of(self.path)


def _bisect(starts: list[int], offset: int) -> int:
    low, high = 0, len(starts)
    while low < high:
        middle = (low + high) // 2
        if starts[middle] <= offset:
            low = middle + 1
        else:
            high = middle
    return low - 1


@dataclass(frozen=True)
class Checked:
    """What checking one version of a story found, under its configuration, and
    what to tell the user (a rule that failed, a configuration that is wrong)."""

    version: int
    diagnostics: list[Diagnostic]
    failures: list[str]
    config: Config
    notes: list[str]


class StoryServer(LanguageServer):
    """The storyfmt language server: one per editor session, over stdio."""

    def __init__(self) -> None:
        super().__init__(
            "storyfmt", __version__, text_document_sync_kind=_SYNC, protocol_cls=StoryProtocol
        )
        self.documents: dict[str, Document] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.said: set[str] = set()
        self.configs: Callable[[], Configs] = Configs

    @property
    def encoding(self) -> str:
        """The position encoding negotiated with the client."""
        return str(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    def root(self) -> str:
        """The workspace's folder, else the current one: where untitled stories
        take their configuration from."""
        root = self.workspace.root_path if self.workspace else None
        return root or os.getcwd()

    def is_story(self, document: Document) -> bool:
        """Whether a document is a story: in the story language, or a file that
        ``storyfmt check`` would select in a folder search."""
        if document.language == LANGUAGE:
            return True
        path = document.path
        if path is None:
            return False
        try:
            return Selection(self.configs()).refusal_of(path) is None
        except ConfigError:
            return False

    def path_of(self, document: Document) -> str:
        """The file a document is, or stands for: an untitled one is in the workspace."""
        return document.path or os.path.join(self.root(), "untitled.story")

    def say_once(self, message: str, kind: types.MessageType) -> None:
        """Show a message, unless it was shown already in this session."""
        if message not in self.said:
            self.said.add(message)
            self.window_show_message(types.ShowMessageParams(kind, message))

    def check(self, document: Document, text: str, version: int) -> Checked:
        """Check one version of a story as ``storyfmt check`` checks its file
        (in a worker thread: it tells the user nothing itself)."""
        path = self.path_of(document)
        notes = []
        try:
            config = self.configs().for_file(path)
            config.house(path)  # its plugins load here: one that cannot is said below
        except (ConfigError, ValueError) as error:
            notes.append(f"storyfmt: {error}; checking with the defaults")
            config = Config()
        found, failures = check_story(text, name=path, form=document.form, config=config)
        notes += [f"storyfmt: {failure}" for failure in failures]
        return Checked(version, found, failures, config, notes)

    def tell(self, checked: Checked) -> None:
        """Show what a check has to tell the user, each thing once."""
        for note in checked.notes:
            self.say_once(note, types.MessageType.Error)

    def checked(self, document: Document) -> Checked:
        """What checking the document's current version found."""
        if document.checked is None or document.checked.version != document.version:
            document.checked = self.check(document, document.text, document.version)
            self.tell(document.checked)
        return document.checked

    def schedule(self, document: Document, delay: float) -> None:
        """Check the document after ``delay``, unless it changes before: the
        newest text always wins."""
        waiting = self.pending.pop(document.uri, None)
        if waiting is not None:
            waiting.cancel()
        self.pending[document.uri] = asyncio.ensure_future(self._publish(document, delay))

    async def _publish(self, document: Document, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        version, text = document.version, document.text
        checked = await asyncio.to_thread(self.check, document, text, version)
        # A check of text that has changed since is stale: the newer one publishes.
        if document.text is not text or self.documents.get(document.uri) is not document:
            return
        document.checked = checked
        self.tell(checked)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=document.uri,
                version=version,
                diagnostics=[
                    self.to_lsp(document, item, checked.config) for item in checked.diagnostics
                ],
            )
        )

    def span(self, document: Document, item: Diagnostic) -> types.Range:
        """Where a diagnostic stands, in the client's position encoding."""
        end_column = item.end_column if item.end_column is not None else item.column + 1
        return types.Range(
            document.at(item.line, item.column, self.encoding),
            document.at(item.end_line or item.line, end_column, self.encoding),
        )

    def to_lsp(self, document: Document, item: Diagnostic, config: Config) -> types.Diagnostic:
        """A diagnostic as the protocol has it, linked to its rule's docs."""
        url = help_url(item.code, config.docs_url)
        message = item.message + (f"\nhint: {item.hint}" if item.hint else "")
        return types.Diagnostic(
            range=self.span(document, item),
            message=message,
            severity=(
                types.DiagnosticSeverity.Error
                if item.severity == "error"
                else types.DiagnosticSeverity.Warning
            ),
            code=item.code,
            code_description=types.CodeDescription(href=url) if url else None,
            source="storyfmt",
        )

    def edit(self, document: Document, new: str) -> list[types.TextEdit]:
        """The edit that makes the document's text ``new``: the whole lines that
        differ (a position cannot stand between the CR and the LF of a line
        break, so an edit never starts or ends inside a line)."""
        old = document.text
        if new == old:
            return []
        head = _common(old, new)
        tail = _common(old[head:][::-1], new[head:][::-1])
        starts = document.starts
        head = starts[_bisect(starts, head)]
        end = len(old) - tail
        after = _bisect(starts, end)
        if starts[after] != end:
            end = starts[after + 1] if after + 1 < len(starts) else len(old)
        encoding = self.encoding
        # An edit to the end of a text without a final line break ends past its
        # last line: a client that takes the end of the last line for the end of
        # the text (Neovim) would otherwise keep an empty line after the edit.
        closes = end == len(old) and not old.endswith(("\n", "\r"))
        stop = types.Position(len(starts), 0) if closes else document.position(end, encoding)
        return [
            types.TextEdit(
                range=types.Range(document.position(head, encoding), stop),
                new_text=new[head : len(new) - (len(old) - end)],
            )
        ]


def _common(a: str, b: str) -> int:
    """How many characters ``a`` and ``b`` start with alike (slices compared in C,
    halving the range: a 1 MB story takes a few milliseconds)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


_SYNC = types.TextDocumentSyncKind.Incremental

server = StoryServer()


def _document(uri: str) -> Document | None:
    """An open story, or None for a document that is not a story."""
    document = server.documents.get(uri)
    return document if document is not None and server.is_story(document) else None


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(params: types.DidOpenTextDocumentParams) -> None:
    item = params.text_document
    document = Document(item.uri, item.language_id, item.version, item.text)
    server.documents[item.uri] = document
    if server.is_story(document):
        server.schedule(document, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(params: types.DidChangeTextDocumentParams) -> None:
    document = server.documents.get(params.text_document.uri)
    if document is None:
        return
    document.change(params.content_changes, server.encoding)
    document.version = params.text_document.version
    if server.is_story(document):
        server.schedule(document, DEBOUNCE)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(params: types.DidCloseTextDocumentParams) -> None:
    document = server.documents.pop(params.text_document.uri, None)
    waiting = server.pending.pop(params.text_document.uri, None)
    if waiting is not None:
        waiting.cancel()
    if document is not None and server.is_story(document):
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=document.uri, diagnostics=[])
        )


@server.feature(types.TEXT_DOCUMENT_FORMATTING)
def formatting(params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
    document = _document(params.text_document.uri)
    if document is None or document.form != "text":
        return None
    config = server.checked(document).config
    data = document.text.encode("utf-8", "surrogatepass")
    try:
        _, new = canonical(data, config.line_ending)
    except StoryFormatError as error:
        first = error.diagnostics[0]
        count = len([item for item in error.diagnostics if item.severity == "error"])
        more = f" (and {count - 1} more)" if count > 1 else ""
        server.window_show_message(
            types.ShowMessageParams(
                types.MessageType.Warning,
                f"storyfmt: not formatted: line {first.line}: {first.message}{more}",
            )
        )
        return None
    except RewriteError as error:
        server.window_show_message(
            types.ShowMessageParams(types.MessageType.Error, f"storyfmt: {error}")
        )
        return None
    return server.edit(document, new.decode("utf-8", "surrogatepass"))


def _fix_action(
    document: Document, item: Diagnostic, lsp: types.Diagnostic
) -> types.CodeAction | None:
    if item.fix is None:
        return None
    data = document.text.encode("utf-8", "surrogatepass")
    fixed, _ = apply_edits(data, item.fix.edits)
    unsafe = item.fix.applicability == "unsafe"
    return types.CodeAction(
        title=f"{item.fix.message[0].upper()}{item.fix.message[1:]} ({item.code})"
        + (" (unsafe)" if unsafe else ""),
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[lsp],
        is_preferred=not unsafe,
        edit=_rewrite(document, fixed),
    )


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]),
)
def code_action(params: types.CodeActionParams) -> list[types.CodeAction] | None:
    document = _document(params.text_document.uri)
    if document is None:
        return None
    checked = server.checked(document)
    wanted = params.context.only
    actions: list[types.CodeAction] = []
    if wanted is None or types.CodeActionKind.QuickFix in wanted:
        for item in checked.diagnostics:
            lsp = server.to_lsp(document, item, checked.config)
            if _overlaps(lsp.range, params.range):
                action = _fix_action(document, item, lsp)
                if action is not None:
                    actions.append(action)
    if wanted is None or any(FIX_ALL.startswith(kind) for kind in wanted):
        every = _fix_all(document, checked)
        if every is not None:
            actions.append(every)
    return actions


def _fix_all(document: Document, checked: Checked) -> types.CodeAction | None:
    """The action that applies every safe fix, as ``storyfmt check --fix`` does,
    if there is any (and no rule failed on the story)."""
    if checked.failures or not any(fixable(item, unsafe=False) for item in checked.diagnostics):
        return None
    data = document.text.encode("utf-8", "surrogatepass")
    try:
        fixed = fix_story(
            data,
            name=server.path_of(document),
            form=document.form,
            config=checked.config,
            unsafe=False,
        )
    except RuleFailed:  # on the fixed story: nothing is offered, as check --fix writes nothing
        return None
    if fixed.data == data:
        return None
    return types.CodeAction(
        title="Fix all storyfmt problems that can be fixed safely",
        kind=FIX_ALL,
        edit=_rewrite(document, fixed.data),
    )


def _rewrite(document: Document, data: bytes) -> types.WorkspaceEdit:
    """The edit that makes a document's text ``data``."""
    new = data.decode("utf-8", "surrogatepass")
    return types.WorkspaceEdit(changes={document.uri: server.edit(document, new)})


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(position: types.Position) -> tuple[int, int]:
        return (position.line, position.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(params: types.HoverParams) -> types.Hover | None:
    document = _document(params.text_document.uri)
    if document is None:
        return None
    checked = server.checked(document)
    point = types.Range(params.position, params.position)
    parts = []
    for item in checked.diagnostics:
        lsp = server.to_lsp(document, item, checked.config)
        if _overlaps(lsp.range, point):
            parts.append(_rule_docs(item.code, checked.config))
    if not parts:
        return None
    return types.Hover(
        contents=types.MarkupContent(
            kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)
        )
    )


def _rule_docs(code: str, config: Config) -> str:
    """A rule's documentation, headed by its code and name."""
    own = own_rule(code)
    if own is not None:
        return f"**{code}** `{own.slug}`\n\n{rule_help(own, config.docs_url)}"
    found = rule_of(code)
    if found is None:
        return f"**{code}**"
    plugin, rule = found
    return f"**{code}** `{rule.name}` ({plugin})\n\n{documentation(rule)}"


def _sections(parsed: Parsed, lines: list[str]) -> list[tuple[str, str, int, int]]:
    """Each part of a parsed story: its field, its heading, and its first and
    last lines (0-based; trailing blank lines left out)."""
    headings = sorted(
        (span.line - 1, section.field, section.heading)
        for section in SECTIONS
        if (span := parsed.span((section.field,))) is not None
    )
    parts = []
    for index, (line, name, heading) in enumerate(headings):
        last = headings[index + 1][0] - 1 if index + 1 < len(headings) else len(lines) - 1
        while last > line and not lines[last].strip():
            last -= 1
        parts.append((name, heading, line, last))
    return parts


@server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)
def folding_range(params: types.FoldingRangeParams) -> list[types.FoldingRange] | None:
    document = _document(params.text_document.uri)
    if document is None or document.form != "text":
        return None
    _, parsed = parse_text(document.text)
    return [
        types.FoldingRange(start_line=first, end_line=last, kind=types.FoldingRangeKind.Region)
        for _, _, first, last in _sections(parsed, split_lines(document.text))
        if last > first
    ]


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def document_symbol(params: types.DocumentSymbolParams) -> list[types.DocumentSymbol] | None:
    document = _document(params.text_document.uri)
    if document is None or document.form != "text":
        return None
    _, parsed = parse_text(document.text)
    encoding = server.encoding
    lines = split_lines(document.text)

    def range_of(path: tuple[str | int, ...]) -> types.Range | None:
        span = parsed.span(path)
        if span is None:
            return None
        return types.Range(
            document.at(span.line, span.column, encoding),
            document.at(span.line, span.end_column, encoding),
        )

    def symbol(
        name: str,
        kind: types.SymbolKind,
        where: types.Range,
        *,
        detail: str | None = None,
        children: list[types.DocumentSymbol] | None = None,
        whole: types.Range | None = None,
    ) -> types.DocumentSymbol:
        return types.DocumentSymbol(
            name=name or "(empty)",
            kind=kind,
            range=whole or where,
            selection_range=where,
            detail=detail,
            children=children or None,
        )

    symbols: list[types.DocumentSymbol] = []
    title = range_of(("title",))
    if title is not None:
        symbols.append(symbol(str(parsed.fields.get("title", "")), types.SymbolKind.String, title))
    fields = parsed.fields
    for name, heading, first, last in _sections(parsed, lines):
        heading_range = range_of((name,))
        if heading_range is None:
            continue
        whole = types.Range(
            types.Position(first, 0), types.Position(last, _units(document.line(last), encoding))
        )
        children: list[types.DocumentSymbol] = []
        if name == "stats":
            stats = fields.get("stats") or {}
            keys: list[tuple[str, tuple[str, ...]]]
            keys = [(key, ("stats", stat)) for key, stat in STATS_FIELDS.items()]
            keys += [(key, ("stats", "other", key)) for key in stats.get("other") or {}]
            for key, path in keys:
                # A key stands on its own line, and its value on the next, if read.
                place, value = range_of((*path, "[key]")), range_of(path)
                if place is None:
                    continue
                children.append(
                    symbol(
                        key,
                        types.SymbolKind.Property,
                        place,
                        detail=None if value is None else lines[value.start.line].strip(),
                        whole=None if value is None else types.Range(place.start, value.end),
                    )
                )
        elif name == "further_learning":
            for index, item in enumerate(fields.get("further_learning") or ()):
                place = range_of(("further_learning", index, "question"))
                if place is not None:
                    children.append(symbol(item["question"], types.SymbolKind.Event, place))
        children.sort(key=lambda each: (each.range.start.line, each.range.start.character))
        symbols.append(
            symbol(
                heading, types.SymbolKind.Namespace, heading_range, children=children, whole=whole
            )
        )
    return symbols


@server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=[]))
def completion(params: types.CompletionParams) -> types.CompletionList | None:
    document = _document(params.text_document.uri)
    if document is None or document.form != "text":
        return None
    number = params.position.line
    line = document.line(number)
    # What was typed so far, compared as the near-miss matcher compares a
    # heading: "whats n" is on its way to "What's Next?".
    typed = line[: _index(line, params.position.character, server.encoding)].lstrip("\ufeff")
    config = server.checked(document).config
    items = [
        types.CompletionItem(label=label, kind=kind, detail=detail)
        for label, kind, detail in _offers(document, number, config)
        if loosely(label).startswith(loosely(typed))
    ]
    return types.CompletionList(is_incomplete=False, items=items)


def _offers(
    document: Document, number: int, config: Config
) -> list[tuple[str, types.CompletionItemKind, str]]:
    """What fits on a line: a value of the key above it, a Story Stats key, a heading."""
    lines = split_lines(document.text)
    kind = detect_kind(document.text)
    section = None
    for index in range(min(number, len(lines)) - 1, -1, -1):
        text = _COUNT.sub("", lines[index].strip())
        if text in _HEADINGS:
            section = _HEADINGS[text]
            break
    above = lines[number - 1].strip() if 0 < number <= len(lines) else ""
    if section == "stats" and above in _VALUES:
        vocabulary = getattr(config.vocabulary, _VALUES[above])
        return [(value, types.CompletionItemKind.EnumMember, above) for value in vocabulary]
    offers: list[tuple[str, types.CompletionItemKind, str]] = []
    if section == "stats":
        offers += [
            (key, types.CompletionItemKind.Property, "Story Stats key") for key in STATS_FIELDS
        ]
    offers += [
        (each.heading, types.CompletionItemKind.Keyword, "section heading")
        for each in SECTIONS
        if each.kind == kind
    ]
    return offers


_HEADINGS = {section.heading: section.field for section in SECTIONS}
_COUNT = re.compile(r"(?<=^The Breakdown)[ \t]+[0-9]+$")
_VALUES = {"Status": "status", "Political leaning": "political_leaning"}


def serve(configs: Callable[[], Configs] = Configs) -> int:
    """Serve the protocol on stdio until the client exits; ``configs`` gives the
    configurations each check is made under. Return the exit status: 1 when
    the client sent ``exit`` without ``shutdown``."""
    server.configs = configs
    stream = sys.stdout.buffer
    # Standard output is the protocol's alone: what anything else prints (a
    # plugin's print(), say) goes to standard error, where editors log it.
    sys.stdout = sys.stderr
    protocol = server.protocol
    assert isinstance(protocol, StoryProtocol)
    return serve_stream(protocol, sys.stdin.buffer, stream)
