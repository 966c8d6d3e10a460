"""Large files stay cheap: memory grows with the input, not with what it holds."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

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
found = storyfmt.validate(data)
print(tracemalloc.get_traced_memory()[1], len(found), found[-1].code if found else "-")
"""


def _peak(path: Path) -> tuple[int, int, str]:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    peak, count, last = done.stdout.split()
    return int(peak), int(count), last


@pytest.mark.parametrize(("kind", "last"), [("warnings", "SF500"), ("stray-lines", "SF100")])
def test_a_5_mb_file_takes_less_than_10_times_its_size(
    kind: str, last: str, tmp_path: Path
) -> None:
    path = tmp_path / "story.txt"
    path.write_bytes(bench.large_file(kind, 5_000_000))
    size = path.stat().st_size
    assert size > 4_500_000
    peak, count, found_last = _peak(path)
    assert (count, found_last) == (11, last)
    assert peak < 10 * size, f"{peak / size:.1f} times the input"
