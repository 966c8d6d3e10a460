"""Large files stay cheap: memory grows with the input, not with what it holds."""

from __future__ import annotations

import gc
import importlib.util
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import ROOT

import storyfmt

_SPEC = importlib.util.spec_from_file_location("run", ROOT / "benchmarks" / "run.py")
assert _SPEC is not None
assert _SPEC.loader is not None
bench = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(bench)

pytestmark = pytest.mark.slow

_MEASURE = """
import sys, tracemalloc
import storyfmt
data = open(sys.argv[1], "rb").read()
tracemalloc.start()
if sys.argv[2] == "splitlines":
    data.decode("utf-8").splitlines()
    print(tracemalloc.get_traced_memory()[1], 0, "-")
else:
    found = storyfmt.validate(data)
    print(tracemalloc.get_traced_memory()[1], len(found), found[-1].code if found else "-")
"""


def _peak(path: Path, what: str = "validate") -> tuple[int, int, str]:
    """The peak traced memory of ``validate`` (or ``splitlines``) on a file, in a
    fresh interpreter, with the number of diagnostics and the last one's code."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path), what],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    peak, count, last = done.stdout.split()
    return int(peak), int(count), last


@pytest.mark.parametrize(
    ("kind", "count", "last"), [("warnings", 11, "SF500"), ("stray-lines", 1, "SF203")]
)
def test_a_5_mb_file_takes_less_than_10_times_its_size(
    kind: str, count: int, last: str, tmp_path: Path
) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(bench.large_file(kind, 5_000_000))
    size = path.stat().st_size
    assert size > 4_500_000
    peak, found_count, found_last = _peak(path)
    assert (found_count, found_last) == (count, last)
    assert peak < 10 * size, f"{peak / size:.1f} times the input"


def test_a_file_of_very_short_lines_costs_at_most_three_times_splitting_it(
    tmp_path: Path,
) -> None:
    # Lines of a few bytes cost Python an object each, which is more than 8x
    # their size for str.splitlines alone: there the bound is relative to that.
    path = tmp_path / "story.txt"
    path.write_bytes(bench.large_file("short-lines", 2_000_000))
    peak, found_count, found_last = _peak(path)
    assert (found_count, found_last) == (1, "SF203")
    split, _, _ = _peak(path, "splitlines")
    assert split > 8 * path.stat().st_size
    assert peak < 3 * split, f"{peak / split:.1f} times str.splitlines"


def test_stray_header_lines_are_one_error_for_each_run() -> None:
    text = "T\nHeadline\nx\ny\nz\nA / B /\nafter\n"
    found = storyfmt.validate(text)
    assert [(item.line, item.code, item.message) for item in found] == [
        (3, "SF203", "unexpected line 'x' in the header (and 2 more lines)"),
        (7, "SF203", "unexpected line 'after' in the header"),
    ]


def test_reading_a_long_breakdown_never_wakes_the_cyclic_collector() -> None:
    # An object the collector tracks for each point (a tuple of its text and
    # offset, say) made it collect every few hundred points, and now and
    # then look over every object of the program.
    text = bench.large_file("warnings", 1_000_000).decode("utf-8")
    collections: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.collect()
    gc.callbacks.append(count)
    try:
        story = storyfmt.loads(text)
    finally:
        gc.callbacks.remove(count)
    assert isinstance(story, storyfmt.StoryCard)
    assert story.breakdown is not None
    assert len(story.breakdown.points) > 10_000
    assert collections == []


def test_threads_reading_at_once_place_each_storys_own_points() -> None:
    # Each parse records where its points start in a context of its own.
    texts = [
        "T\n\nThe Breakdown\n\n"
        + "".join(f"{' ' * n}- p{n}-{k}\n" for k in range(200))
        + "\n" * n
        + "\n".join(f"  \u2022 again {n}" for _ in range(2))
        for n in range(1, 9)
    ]
    alone = [_point_places(text) for text in texts]
    with ThreadPoolExecutor(8) as pool:
        for _ in range(5):
            assert list(pool.map(_point_places, texts)) == alone


def _point_places(text: str) -> list[tuple[int, int, str]]:
    """Where ``validate`` places the warnings about points repeated."""
    return [(d.line, d.column, d.message) for d in storyfmt.validate(text)]
