"""The grammar itself: it is the format (plain Lark accepts every valid story and
rejects every structural fault), conflict-free LALR, shipped, cached safely."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT
from hypothesis import given
from hypothesis import strategies as st
from lark import Lark
from lark.exceptions import UnexpectedInput

import storyfmt
from storyfmt._diagnostics import Diagnostic
from storyfmt._grammar import (
    START_RULES,
    _cache_file,
    fast_parser,
    get_parser,
    grammar_text,
    parse_valid,
    parse_with_recovery,
)
from storyfmt._parser import BUILDER
from storyfmt._regexcache import Patterns
from storyfmt._source import normalise
from storyfmt._syntax import Recovery
from storyfmt._transform import POINT_STARTS, Builder
from storyfmt._vocabulary import DURATION_UNITS, SECTIONS, STATS_FIELDS, STATS_KEY_TERMINALS
from storyfmt.testing import story_texts

GRAMMAR = ROOT / "grammar" / "story.lark"

# What no context-free grammar can say: a story whose first error is one of
# these may parse with the bare grammar. Every other first error must not.
_BEYOND_GRAMMAR = {"SF208", "SF209", "SF214"}
_STRUCTURE_AND_FORMS = {f"SF{n}" for n in range(201, 218)} | {"SF301", "SF302", "SF303"}


def test_grammar_has_no_conflicts_or_colliding_terminals_in_strict_mode() -> None:
    pytest.importorskip("interegular")
    Lark(grammar_text(), parser="lalr", start=list(START_RULES), strict=True)


def _bare_input(path: Path) -> str:
    """A file as the grammar reads it: UTF-8, one leading BOM dropped, LF line breaks."""
    text = path.read_bytes().decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _first_error(path: Path) -> str | None:
    expected = json.loads(path.with_suffix(".errors.json").read_text("utf-8"))
    return next((e["code"] for e in expected if e["severity"] == "error"), None)


def test_plain_lark_reads_the_whole_corpus_with_the_grammar_file() -> None:
    """No storyfmt code: Lark.open on the file, its own contextual lexer."""
    parser = Lark.open(str(GRAMMAR), parser="lalr", start="story")
    accepted, rejected = [], []
    for path in sorted((CORPUS / "valid").glob("*.txt")):
        parser.parse(_bare_input(path))  # raises for a valid story it cannot read
        accepted.append(path.name)
    for path in sorted((CORPUS / "invalid").glob("*.txt")):
        first = _first_error(path)
        if first not in _STRUCTURE_AND_FORMS or first in _BEYOND_GRAMMAR:
            continue
        with pytest.raises(UnexpectedInput):
            parser.parse(_bare_input(path))
        rejected.append(path.name)
    assert len(accepted) >= 48
    assert len(rejected) >= 35


def test_the_kind_start_rules_read_each_kind() -> None:
    parser = Lark.open(str(GRAMMAR), parser="lalr", start=list(START_RULES))
    card, brief = (
        ROOT / "examples" / f"{kind}-japan-korea-summit.story" for kind in ("card", "brief")
    )
    assert parser.parse(card.read_text("utf-8"), start="card").data == "card"
    assert parser.parse(brief.read_text("utf-8"), start="brief").data == "brief"
    assert parser.parse(card.read_text("utf-8"), start="story").data == "card"
    with pytest.raises(UnexpectedInput):
        parser.parse(brief.read_text("utf-8"), start="card")


def test_every_section_of_the_registry_is_a_rule_and_a_heading_terminal() -> None:
    parser = Lark(grammar_text(), parser="lalr", start=list(START_RULES))
    rules = {rule.origin.name for rule in parser.rules}
    terminals = {terminal.name: terminal for terminal in parser.terminals}
    for section in SECTIONS:
        assert section.field in rules
        pattern = terminals[section.terminal].pattern.to_regexp()
        for line in (section.heading, section.heading.replace("'", "\u2019")):
            assert re.fullmatch(pattern, f"  {line} \n")


def test_packaged_grammar_is_the_top_level_grammar() -> None:
    assert grammar_text() == (ROOT / "grammar" / "story.lark").read_text("utf-8")


def _run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


PARSE = "import storyfmt; print(storyfmt.loads('20\\nTitle\\n').rank)"


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG cache layout")
def test_parser_tables_are_cached_in_the_users_cache_dir(tmp_path: Path) -> None:
    result = _run(PARSE, {"XDG_CACHE_HOME": str(tmp_path)})
    assert result.stdout.strip() == "20", result.stderr
    # The tables of the parser, lark-cython's too when it is installed, and the
    # lexers' compiled patterns.
    assert 1 <= len(list((tmp_path / "storyfmt").glob("grammar-*.lark"))) <= 2
    assert len(list((tmp_path / "storyfmt").glob("patterns-*.re"))) == 1
    assert (tmp_path / "storyfmt").stat().st_mode & 0o077 == 0
    again = _run(PARSE, {"XDG_CACHE_HOME": str(tmp_path)})
    assert again.stdout.strip() == "20", again.stderr


# Counts the patterns that re compiles: those of Lark's lexers, as storyfmt is
# imported and reads a story of every kind of line; the others of its import;
# and the program's own.
_COMPILED_HERE = """
import json, pathlib, re, sys  # pathlib compiles a pattern before storyfmt reads its cache
compiled = {"import": 0, "lexers": 0, "theirs": 0}
phase = "import"
compile = re._compile
def counting(pattern, flags):
    if (type(pattern), pattern, flags) not in re._cache:
        lexers = ("(?P<TITLE>", "(?P<BULLET>", "(?P<ANSWER>", "(?P<PARAGRAPH>", "(?P<TAG>")
        if pattern in ("a program's own, before", "a program's own, after"):
            compiled["theirs"] += 1
        elif isinstance(pattern, str) and any(map(pattern.__contains__, lexers)):
            compiled["lexers"] += 1
        elif phase == "import":
            compiled["import"] += 1
    return compile(pattern, flags)
re._compile = counting
re.compile("a program's own, before")
import storyfmt
phase = "reading"
re.compile("a program's own, after")
for path in sys.argv[1:]:
    storyfmt.validate(open(path, "rb").read())
print(json.dumps(compiled))
"""


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG cache layout")
def test_patterns_are_compiled_once_per_machine(tmp_path: Path) -> None:
    stories = [str(path) for path in sorted(CORPUS.glob("*/*.txt"))]
    runs = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", _COMPILED_HERE, *stories],
            env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)},
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )
        runs.append(json.loads(done.stdout))
    # The first process compiles them, and keeps them: those of the import
    # (storyfmt's, pydantic's and lark's) and those of every lexer.
    assert runs[0]["import"] > 30
    assert runs[0]["lexers"] > 10
    assert runs[1] == {"import": 0, "lexers": 0, "theirs": 2}  # a program's own are not kept


_LARKS_BUILT = """
import lark
built = []
init = lark.Lark.__init__
def counting(self, *args, **kwargs):
    built.append(1)
    init(self, *args, **kwargs)
lark.Lark.__init__ = counting
import storyfmt
assert storyfmt.loads("20\\nTitle\\n").rank == 20
print(len(built))
"""


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG cache layout")
def test_the_parser_is_kept_whole_and_read_back(tmp_path: Path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path), "STORYFMT_PURE_PYTHON": "1"}
    first, again = (_run(_LARKS_BUILT, env) for _ in range(2))
    assert first.stdout.strip() != "0", first.stderr  # built by Lark, then pickled
    assert again.stdout.strip() == "0", again.stderr  # read back: Lark builds nothing
    # A pickle that does not load is built anew, and replaced.
    (pickled,) = (tmp_path / "storyfmt").glob("parser-*")
    pickled.write_bytes(b"\x80\x05not a parser")
    rebuilt = _run(_LARKS_BUILT, env)
    assert rebuilt.stdout.strip() != "0", rebuilt.stderr
    assert _run(_LARKS_BUILT, env).stdout.strip() == "0"


def test_cached_patterns_are_the_patterns_re_compiles(tmp_path: Path) -> None:
    patterns = [r"(?P<A>[0-9]+)(?=x)|(?P<B>\w+?)\Z", "(?i)ab+", "[•*-]", "(?m)^$"]
    cache = re._cache  # type: ignore[attr-defined]
    path = str(tmp_path / "patterns.re")

    def forget() -> None:
        for pattern in patterns:
            cache.pop((str, pattern, 0), None)

    forget()
    first = Patterns(path)
    first.load()
    assert not first.read
    for pattern in patterns:
        re.compile(pattern)
    first.keep()
    # The process that wrote the file adds to it what it compiles after.
    re.compile("(?s)second.")
    first.keep()
    forget()
    cache.pop((str, "(?s)second.", 0), None)
    again = Patterns(path)
    again.load()
    assert again.read
    for pattern in patterns:
        loaded = cache[str, pattern, 0]
        fresh = re.compile(pattern + "(?:)")  # the same, compiled by re itself
        assert loaded.pattern == pattern
        assert (loaded.flags, loaded.groups, loaded.groupindex) == (
            fresh.flags,
            fresh.groups,
            fresh.groupindex,
        )
        for text in ("12x", "abbb", "AB", "", "word", "•"):
            found, expected = loaded.match(text), fresh.match(text)
            assert (found and found.span(), found and found.lastgroup) == (
                expected and expected.span(),
                expected and expected.lastgroup,
            )
    # Patterns compiled later are added to those read back.
    re.compile("(?s)added.")
    again.keep()
    forget()
    cache.pop((str, "(?s)added.", 0), None)
    Patterns(path).load()
    kept = [*patterns, "(?s)second.", "(?s)added."]
    assert {(str, pattern, 0) for pattern in kept} <= set(cache)
    # A file that does not read back puts nothing in the cache, and is written anew.
    Path(path).write_bytes(b"not marshal data")
    forget()
    broken = Patterns(path)
    broken.load()
    assert not broken.read
    assert (str, patterns[0], 0) not in cache
    re.compile(patterns[0])
    broken.keep()
    forget()
    Patterns(path).load()
    assert (str, patterns[0], 0) in cache


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_an_unwritable_cache_dir_is_not_an_error(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        result = _run(PARSE, {"XDG_CACHE_HOME": str(locked), "HOME": str(locked)})
    finally:
        locked.chmod(0o700)
    assert result.stdout.strip() == "20", result.stderr
    assert result.stderr == ""


_EVERY_RESULT = """
import json, pathlib, sys, storyfmt
from storyfmt._grammar import fast_parser, get_parser
from storyfmt._parser import BUILDER
out = {"fast": fast_parser(get_parser(BUILDER)) is not None}
for path in sorted(pathlib.Path(sys.argv[1]).rglob("*.txt")):
    data = path.read_bytes()
    diagnostics = storyfmt.validate(data)
    found = [[d.line, d.column, d.code, d.message] for d in diagnostics]
    valid = all(d.severity == "warning" for d in diagnostics)
    story = storyfmt.to_json(storyfmt.loads(data)) if valid else None
    out[path.name] = [found, story]
print(json.dumps(out))
"""


def test_lark_cython_gives_the_same_results_as_pure_python() -> None:
    pytest.importorskip("lark_cython")
    corpus = str(ROOT / "tests" / "corpus")
    fast_run = subprocess.run(
        [sys.executable, "-c", _EVERY_RESULT, corpus],
        env={k: v for k, v in os.environ.items() if k != "STORYFMT_PURE_PYTHON"},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    pure_run = subprocess.run(
        [sys.executable, "-c", _EVERY_RESULT, corpus],
        env={**os.environ, "STORYFMT_PURE_PYTHON": "1"},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    fast_results, pure_results = json.loads(fast_run.stdout), json.loads(pure_run.stdout)
    assert fast_results.pop("fast") is True
    assert pure_results.pop("fast") is False
    assert fast_results == pure_results
    assert len(fast_results) > 90


@given(
    st.text(alphabet=" \t/ab", max_size=14).filter(lambda text: text.strip(" \t")),
    st.sampled_from(["", " ", "\t "]),
)
def test_tag_lines_split_into_items_as_str_split_does(body: str, indent: str) -> None:
    """The grammar splits a tag line like ``content[:-1].split(" / ")``: every
    ``" / "`` separates, so no item ends with ``" /"``."""
    line = indent + body.strip(" \t") + " /"
    pieces = [piece.strip(" \t") for piece in line.strip(" \t")[:-1].split(" / ")]
    found = storyfmt.validate(f"Title\n{line}\n")
    assert sum(item.code == "SF214" for item in found) == pieces.count("")
    if not found:
        card = storyfmt.loads(f"Title\n{line}\n")
        assert isinstance(card, storyfmt.StoryCard)
        assert list(card.tags) == pieces


def test_the_grammar_names_the_duration_units_of_the_vocabulary() -> None:
    match = re.search(r"^DURATION: .*\(\?:([a-z|]+)\)s\?", grammar_text(), re.MULTILINE)
    assert match is not None
    assert tuple(match.group(1).split("|")) == DURATION_UNITS


def test_the_grammar_has_a_terminal_for_each_known_key_of_the_vocabulary() -> None:
    for key, terminal in STATS_KEY_TERMINALS.items():
        assert re.search(rf'^{terminal}: INDENT "{key}" EOL$', grammar_text(), re.MULTILINE)
    assert list(STATS_KEY_TERMINALS) == list(STATS_FIELDS)


_LARKS_OWN = Lark(grammar_text(), parser="lalr", start=list(START_RULES), transformer=Builder())


def _built(
    parser: Lark, text: str, *, recover: bool, fast: bool = False
) -> tuple[object, list[Diagnostic]]:
    """What the transformer builds from ``text``, read as a card then as a brief,
    mending its errors or stopping at the first (on the line lexer, and on
    lark-cython's parser with ``fast``; Lark's own parser, lexer and all, is
    the reference)."""
    built: list[object] = []
    problems: list[Diagnostic] = []
    for kind in ("card", "brief"):
        POINT_STARTS.set([])  # each parse records its own points, as parse_source does
        try:
            recovery = Recovery(text, kind, problems)
            if recover:
                built.append(parse_with_recovery(parser, text, kind, recovery))
            elif parser is _LARKS_OWN:
                built.append(parser.parse(text, start=kind))
            else:
                built.append(parse_valid(parser, text, kind, fast=fast))
        except UnexpectedInput:
            built.append("not a story")
    return built, problems


def _assert_built_as_by_lark(text: str) -> None:
    # Recovery runs on Lark's own parser only; lark-cython's reads valid stories.
    ours = get_parser(BUILDER)
    assert _built(ours, text, recover=True) == _built(_LARKS_OWN, text, recover=True)
    larks = _built(_LARKS_OWN, text, recover=False)
    assert _built(ours, text, recover=False) == larks
    if fast_parser(ours) is not None:
        assert _built(ours, text, recover=False, fast=True) == larks


def test_the_leaner_reductions_build_what_larks_own_build_on_the_corpus() -> None:
    paths = sorted(CORPUS.glob("*/*.txt")) + sorted((ROOT / "examples").glob("*.story"))
    assert len(paths) > 100
    for path in paths:
        _assert_built_as_by_lark(_bare_input(path))


@given(story_texts())
def test_the_leaner_reductions_build_what_larks_own_build(text: str) -> None:
    _assert_built_as_by_lark(normalise(text))


def test_the_tables_name_symbols_with_plain_strings() -> None:
    """Lark names symbols with tokens of the grammar's text, which compare in
    Python: as keys of the tables, each lookup of a token's type paid for it."""
    parser = get_parser(BUILDER)
    assert parser is not None
    table = parser.parser.parser._parse_table
    keys = {key for actions in table.states.values() for key in actions}
    assert keys
    assert {type(key) for key in keys} == {str}
    assert {type(rule.origin.name) for rule in parser.rules} == {str}
    assert {type(terminal.name) for terminal in parser.terminals} == {str}


def test_the_kept_parser_is_keyed_by_the_names_of_the_transformers_methods() -> None:
    # The kept parser calls the transformer's methods by name: a build that
    # gains or loses one (a terminal's, say) must not read an older parser.
    class Transformer:
        def breakdown(self, children: list[object]) -> object:
            return children

    before = _cache_file("grammar", Transformer(), "parser")
    assert isinstance(before, str)
    Transformer.BULLET = Transformer.breakdown  # type: ignore[attr-defined]
    assert _cache_file("grammar", Transformer(), "parser") != before
