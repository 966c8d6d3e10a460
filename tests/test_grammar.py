"""The grammar itself: conflict-free LALR, shipped with the package, cached safely."""

from __future__ import annotations

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
