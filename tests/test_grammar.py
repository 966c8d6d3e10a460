"""The grammar itself: conflict-free LALR, shipped with the package, cached safely."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from lark import Lark

from storyfmt._lexer import LineLexer
from storyfmt._parser import grammar_text


def test_grammar_has_no_conflicts_in_strict_mode() -> None:
    pytest.importorskip("interegular")
    Lark(grammar_text(), parser="lalr", lexer=LineLexer, start=["card", "brief"], strict=True)


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
    cached = list((tmp_path / "storyfmt").glob("grammar-*.lark"))
    assert len(cached) == 1
    assert (tmp_path / "storyfmt").stat().st_mode & 0o077 == 0
    again = _run(PARSE, {"XDG_CACHE_HOME": str(tmp_path)})
    assert again.stdout.strip() == "20", again.stderr


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
from storyfmt._parser import get_parser
out = {"fast": get_parser(fast=True) is not None}
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
