"""Large files stay cheap: memory grows with the input, not with what it holds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

_MEASURE = """
import sys, tracemalloc
import storyfmt
data = open(sys.argv[1], "rb").read()
tracemalloc.start()
found = storyfmt.validate(data)
print(tracemalloc.get_traced_memory()[1], len(found), found[-1].code if found else "-")
"""

_POINT = "  \u2022 Point {} of a story, which runs to about sixty characters.\n"
_STRAY = "an unexpected line {} of about forty characters\n"


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


@pytest.mark.parametrize(
    ("name", "text", "last"),
    [
        # 80,000 points, most of them repeats: a valid card with 79,000 warnings.
        (
            "warnings",
            "T\n\nThe Breakdown\n\n" + "".join(_POINT.format(n % 1000) for n in range(80_000)),
            "SF500",
        ),
        # 110,000 lines that are no story syntax, after a title.
        ("stray-lines", "T\n" + "".join(_STRAY.format(n) for n in range(110_000)), "SF100"),
    ],
)
def test_a_5_mb_file_takes_less_than_10_times_its_size(
    name: str, text: str, last: str, tmp_path: Path
) -> None:
    path = tmp_path / f"{name}.txt"
    path.write_text(text, "utf-8")
    size = path.stat().st_size
    assert size > 5_000_000
    peak, count, found_last = _peak(path)
    assert (count, found_last) == (11, last)
    assert peak < 10 * size, f"{peak / size:.1f} times the input"
