"""storyfmt server benchmark: the time from an edit to its diagnostics, as an editor
waits for it, against ``validate`` of the same text in this process.

    python benchmarks/server.py            # 40 edits of each story
    python benchmarks/server.py --quick    # 10 edits of each story

The server runs as a subprocess on stdio, as editors run it; each edit adds or
takes away one character of the title, and the time runs from sending the
change to receiving the diagnostics published for its version. It includes
the debounce (``storyfmt._server.DEBOUNCE``) and the round trip. Needs the
``lsp`` extra.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
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
    print(f"debounce: {DEBOUNCE * 1000:.0f} ms, included in every time below")
    print()
    print("| story | edit to diagnostics, median | fastest | slowest | `validate` | ratio |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, text in (("seed card", SEED_CARD), ("1 MB card", large_card(1_000_000))):
        times = asyncio.run(edit_times(text, edits))
        check = validate_time(text, 15 if len(text) < 100_000 else 5)
        median = statistics.median(times)
        print(
            f"| {name} ({len(text.encode()):,} bytes) | {median * 1000:.1f} ms"
            f" | {min(times) * 1000:.1f} ms | {max(times) * 1000:.1f} ms"
            f" | {check * 1000:.1f} ms | {median / check:.1f}× |"
        )


if __name__ == "__main__":
    main()
