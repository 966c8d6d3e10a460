"""storyfmt benchmarks: times and ratios against baselines measured in the same run.

    python benchmarks/run.py            # the full run (a few minutes)
    python benchmarks/run.py --quick    # fewer repeats and sizes (about a minute)
    python benchmarks/run.py --json results.json

Every figure is the median of several repeats, each timing many calls, so a
noisy machine moves the ratios less than the times. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path

import lark
import pydantic

import storyfmt
from storyfmt._grammar import fast_parser, get_parser
from storyfmt._parser import BUILDER

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
SEED_CARD = (ROOT / "examples" / "card-japan-korea-summit.story").read_text("utf-8")
SEED_BRIEF = (ROOT / "examples" / "brief-japan-korea-summit.story").read_text("utf-8")

# A grammar of the card as one would first write it: characters in, Earley,
# a tree out. It parses the seed card; it is the naive baseline.
EARLEY_CARD = r"""
start: header section* footer? _NL*
header: line+
?section: _NL+ (stats | breakdown | keywords | further)
stats: "Story Stats" _NL+ pair+
pair: line line
breakdown: "The Breakdown" (" " COUNT)? _NL+ (BULLET _NL+)+
keywords: "Top Keywords" _NL+ line
further: "Further Learning" _NL+ qa (_NL+ qa)*
qa: line _NL+ line+
footer: _NL+ "You're all caught up" _NL?
line: TEXT _NL
TEXT: /[^\n]+/
BULLET: /[ \t]*[•*-][ \t][^\n]*/
COUNT: /[0-9]+/
_NL: "\n"
"""
EARLEY_BRIEF = r"""
start: section+
section: HEADING _NL paragraph (_NL+ paragraph)* _NL*
paragraph: (TEXT _NL?)+
HEADING.2: "What's Happening?" | "Why It's Important?" | "What's Next?" | "Beyond the Headlines"
TEXT: /[^\n]+/
_NL: "\n"
"""

PYDANTIC_FLOOR = """
import pydantic, lark
class Model(pydantic.BaseModel):
    title: str
Model(title="x")
"""


LARGE_POINT = "  \u2022 Point {} of a story, which runs to about sixty characters.\n"
LARGE_STRAY = "an unexpected line {} of about forty characters\n"
SHORT_STRAY = "x{}\n"


def large_file(kind: str, size: int) -> bytes:
    """A story file of about ``size`` bytes that checking must not choke on.

    ``warnings``: a valid card whose points repeat (a warning each, capped);
    ``stray-lines``: a title, then lines of no story syntax (errors, capped);
    ``short-lines``: the same with lines of two to eight bytes, the worst case
    for memory, since each line costs its own objects.
    """
    head, line = {
        "warnings": ("T\n\nThe Breakdown\n\n", LARGE_POINT),
        "stray-lines": ("T\n", LARGE_STRAY),
        "short-lines": ("T\n", SHORT_STRAY),
    }[kind]
    count = size // len(line.format(500_000).encode())
    body = "".join(line.format(n % 1000 if kind == "warnings" else n) for n in range(count))
    return (head + body).encode("utf-8")


def large_file_figures(data: bytes) -> tuple[float, float, float, float]:
    """``validate``'s seconds and peak traced memory on ``data``, and the same of
    the baseline: decoding it and ``str.splitlines``."""

    def baseline() -> list[str]:
        return data.decode("utf-8").splitlines()

    figures: list[float] = []
    for function in (partial(storyfmt.validate, data), baseline):
        start = time.perf_counter()
        function()
        figures.append(time.perf_counter() - start)
        tracemalloc.start()
        function()
        figures.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    seconds, peak, base_seconds, base_peak = figures
    return seconds, peak, base_seconds, base_peak


def median_time(function: Callable[[], object], *, repeat: int, budget: float = 0.2) -> float:
    """Seconds per call: the median of ``repeat`` runs, each about ``budget`` long."""
    start = time.perf_counter()
    function()
    once = max(time.perf_counter() - start, 1e-7)
    number = max(1, int(budget / once))
    return statistics.median(timeit.repeat(function, number=number, repeat=repeat)) / number


def interleaved(functions: list[Callable[[], object]], repeat: int) -> list[list[float]]:
    """Seconds per call of each function in each round, timed in turns (a, b,
    a, b...), so that a busy spell of the machine slows them alike."""
    numbers = []
    for function in functions:
        start = time.perf_counter()
        function()
        numbers.append(max(1, int(0.1 / max(time.perf_counter() - start, 1e-7))))
    times: list[list[float]] = [[] for _ in functions]
    for _ in range(repeat * 3):
        for function, number, spent in zip(functions, numbers, times, strict=True):
            spent.append(timeit.timeit(function, number=number) / number)
    return times


def ratio(times: list[float], baseline: list[float]) -> float:
    """The median of the per-round ratios of two functions timed by :func:`interleaved`."""
    return statistics.median(a / b for a, b in zip(times, baseline, strict=True))


FIRST_AND_SECOND = """
import json, sys, time
start = time.perf_counter()
import storyfmt
imported = time.perf_counter()
text = open(sys.argv[1]).read()
read = time.perf_counter()
storyfmt.loads(text)
first = time.perf_counter()
storyfmt.loads(text)
second = time.perf_counter()
print(json.dumps([imported - start, first - read, second - first]))
"""


def synthetic_card(size: int) -> str:
    """A valid card of about ``size`` characters: many points, a long Further Learning."""
    seed = storyfmt.loads(SEED_CARD)
    assert isinstance(seed, storyfmt.StoryCard)
    assert seed.breakdown is not None
    points = seed.breakdown.points
    questions = seed.further_learning
    head = SEED_CARD.split("\n\nThe Breakdown")[0]
    out = [head, "", "The Breakdown 15", ""]
    total = len(head)
    for number in range(max(6, size // 4000)):
        line = f"  \u2022 {points[number % len(points)]} ({number})"
        out.append(line)
        total += len(line) + 1
    out += ["", "Further Learning"]
    number = 0
    while total < size:
        item = questions[number % len(questions)]
        question = f"{item.question[:-1]} ({number})?"
        out += ["", question, "", item.answer]
        total += len(question) + len(item.answer) + 4
        number += 1
    out += ["", "You're all caught up", ""]
    text = "\n".join(out)
    storyfmt.loads(text)  # it must be valid
    return text


def wall_times(runs: list[list[list[str]]], *, repeat: int) -> list[list[float]]:
    """Wall time of each run in each round, in seconds.

    A run is one or more commands, started together and waited for together.
    The runs take turns (a, b, a, b...), so that a busy spell of a shared
    machine slows all of them alike and their ratios stay fair: compare two
    runs with :func:`ratio`, as the median of two medians taken apart can
    make a command look slower than another that does all it does and more.
    """
    times: list[list[float]] = [[] for _ in runs]
    for _ in range(repeat):
        for commands, spent in zip(runs, times, strict=True):
            start = time.perf_counter()
            processes = [
                subprocess.Popen(command, stdout=subprocess.DEVNULL) for command in commands
            ]
            for command, process in zip(commands, processes, strict=True):
                if process.wait():
                    raise subprocess.CalledProcessError(process.returncode, command)
            spent.append(time.perf_counter() - start)
    return times


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


class Table:
    def __init__(self) -> None:
        self.rows: list[dict[str, object]] = []
        self.targets: list[tuple[str, float, float, str]] = []

    def target(self, name: str, measured: float, limit: float, unit: str = "×") -> None:
        """Record a target: ``measured`` must be at most ``limit``."""
        self.targets.append((name, measured, limit, unit))

    def print_targets(self) -> None:
        print("\n| target | measured | |")
        print("| --- | --- | --- |")
        for name, measured, limit, unit in self.targets:
            verdict = "met" if measured <= limit else "**not met**"
            print(f"| {name} ≤ {limit:g}{unit} | {measured:.2f}{unit} | {verdict} |")

    def add(self, name: str, seconds: float | None, note: str = "", **extra: object) -> None:
        self.rows.append({"name": name, "seconds": seconds, "note": note, **extra})
        shown = "n/a" if seconds is None else _format_time(seconds)
        print(f"| {name} | {shown} | {note} |", flush=True)


def _format_time(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def _toml_value(value: object) -> str:
    if isinstance(value, dict):
        pairs = ", ".join(f"{_toml_key(key)} = {_toml_value(item)}" for key, item in value.items())
        return "{ " + pairs + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return json.dumps(value)  # strings, numbers and booleans are written alike


def _toml_key(key: str) -> str:
    return (
        key
        if key.replace("_", "").replace("-", "").isalnum() and key.isascii()
        else json.dumps(key)
    )


def toml_text(story: storyfmt.StoryCard | storyfmt.StoryBrief) -> str:
    """The story's data (its JSON, without nulls) written as TOML, one key per line."""
    data = json.loads(storyfmt.to_json(story))
    return "".join(
        f"{_toml_key(key)} = {_toml_value(value)}\n"
        for key, value in data.items()
        if value is not None
    )


def _hcl_value(value: object) -> str:
    if isinstance(value, dict):
        return "{" + " ".join(f"{json.dumps(k)} = {_hcl_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_hcl_value(item) for item in value) + "]"
    return json.dumps(value)


def peer_texts(story: storyfmt.StoryCard | storyfmt.StoryBrief) -> dict[str, str]:
    """The story's data written for each peer: TOML, YAML, HCL, and for a card
    a Gherkin feature with a step per line of the story."""
    data = {k: v for k, v in json.loads(storyfmt.to_json(story)).items() if v is not None}
    texts = {"toml": toml_text(story)}
    if "yaml" in sys.modules:  # imported by peer_parsers when installed
        texts["yaml"] = sys.modules["yaml"].safe_dump(data, allow_unicode=True, sort_keys=False)
    texts["hcl"] = "".join(f"{key} = {_hcl_value(value)}\n" for key, value in data.items())
    if isinstance(story, storyfmt.StoryCard):
        steps = [
            f"    Given {point}" for point in (story.breakdown.points if story.breakdown else ())
        ]
        for item in story.further_learning:
            steps += [f"  Scenario: {item.question}", f"    Given {item.answer}"]
        texts["gherkin"] = f"Feature: {story.title}\n  Scenario: The Breakdown\n" + "\n".join(steps)
    return texts


def peer_parsers() -> dict[str, tuple[str, Callable[[str], object]]]:
    """The peers installed here (``pip install '.[bench]'``), by the form they read."""
    found: dict[str, tuple[str, Callable[[str], object]]] = {
        "toml": ("stdlib `tomllib.loads`", tomllib.loads),
    }
    try:
        import yaml  # noqa: PLC0415 (optional peers)

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        found["yaml"] = (
            f"PyYAML `{loader.__name__}`",
            lambda text: yaml.load(text, Loader=loader),
        )
    except ImportError:
        pass
    try:
        import hcl2  # noqa: PLC0415

        found["hcl"] = ("python-hcl2 `loads`", hcl2.loads)
    except ImportError:
        pass
    try:
        from gherkin.parser import Parser  # noqa: PLC0415

        found["gherkin"] = ("gherkin-official `Parser.parse`", Parser().parse)
    except ImportError:
        pass
    return found


def loads_and_json_times(text: str, repeat: int) -> tuple[float, float, float]:
    """Seconds per call of ``loads`` on a story and of ``model_validate_json`` on
    its JSON, timed in turns, and the median of their per-round ratios."""
    story = storyfmt.loads(text)
    as_json = storyfmt.to_json(story)
    loads, json_time = interleaved(
        [partial(storyfmt.loads, text), partial(type(story).model_validate_json, as_json)], repeat
    )
    return statistics.median(loads), statistics.median(json_time), ratio(loads, json_time)


def worker_start(count: int) -> float:
    """Seconds to start ``count`` worker processes as ``storyfmt check`` does, each
    ready for its first batch, and to stop them."""
    from storyfmt._cli._check import start_workers  # noqa: PLC0415
    from storyfmt._rules import HOUSE  # noqa: PLC0415

    pause = 0.05  # a task each, long enough that no worker takes two
    start = time.perf_counter()
    with start_workers(count, [HOUSE]) as pool:
        list(pool.map(time.sleep, [pause] * count))
    return time.perf_counter() - start - pause


def check_many(table: Table, command: str, files: int, repeat: int) -> None:
    """``storyfmt check`` of ``files`` generated stories, with one worker and with
    every core, against what two processes sharing nothing get on this machine."""
    with tempfile.TemporaryDirectory() as folder:
        halves = [Path(folder, "a"), Path(folder, "b")]
        for half in halves:
            half.mkdir()
        for number in range(files):
            seed = SEED_CARD if number % 2 else SEED_BRIEF
            story = seed.replace("Japan", f"Japan {number}", 1)
            Path(halves[number % 2], f"{number:05d}.story").write_text(story)
        check = [command, "check", "-q"]
        cores = os.cpu_count() or 1
        runs = [[[*check, "--jobs", str(jobs), folder]] for jobs in (1, cores)]
        # What the machine itself gives two processes: each half checked by
        # its own single-worker command, both at once, nothing shared.
        runs.append([[*check, "--jobs", "1", str(half)] for half in halves])
        one_times, every_times, split_times = wall_times(runs, repeat=repeat)
        one, every, split = map(statistics.median, (one_times, every_times, split_times))
        table.add(
            f"`storyfmt check` of {files:,} files, 1 process", one, f"{files / one:,.0f} files/s"
        )
        if cores > 1:
            starting = statistics.median(worker_start(cores - 1) for _ in range(repeat))
            table.add(
                f"`storyfmt check` of {files:,} files, {cores} processes (`--jobs {cores}`)",
                every,
                f"{files / every:,.0f} files/s, **{ratio(one_times, every_times):.2f}×** faster;"
                " starting the"
                f" {cores - 1} worker processes: {_format_time(starting)},"
                f" {starting / every:.0%} of the time",
            )
            table.add(
                "two `check --jobs 1`, half the files each, at once",
                split,
                f"{ratio(one_times, split_times):.2f}× faster: the machine's own limit for two"
                " processes",
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and sizes")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    parser.add_argument("--seed-card-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    repeat = 3 if args.quick else 7
    if args.seed_card_only:  # the run without lark-cython, in a child process
        print(json.dumps(loads_and_json_times(SEED_CARD, repeat)))
        return
    sizes = [10_000, 100_000, 1_000_000] + ([] if args.quick else [10_000_000])
    files = 500 if args.quick else 2_000

    accelerated = fast_parser(get_parser(BUILDER)) is not None
    print(f"CPU: {cpu_model()} ({os.cpu_count()} cores)")
    print(
        f"Python {platform.python_version()}, lark {lark.__version__},"
        f" pydantic {pydantic.VERSION}, storyfmt {storyfmt.__version__},"
        f" lark-cython {'active' if accelerated else 'not installed'}"
    )
    print()
    print("| benchmark | time | ratio / note |")
    print("| --- | --- | --- |")
    table = Table()
    peers = peer_parsers()

    for kind, text, earley_grammar in (
        ("card", SEED_CARD, EARLEY_CARD),
        ("brief", SEED_BRIEF, EARLEY_BRIEF),
    ):
        loads, json_time, loads_ratio = loads_and_json_times(text, repeat)
        earley = lark.Lark(earley_grammar, parser="earley")
        earley_time = median_time(partial(earley.parse, text + "\n"), repeat=repeat, budget=0.5)
        floor = median_time(text.splitlines, repeat=repeat)
        table.add(f"seed {kind}: `loads`", loads, f"{len(text):,} characters", kind=kind)
        table.add(
            f"seed {kind}: `model_validate_json` of its JSON",
            json_time,
            f"`loads` is **{loads_ratio:.1f}×** this",
        )
        if kind == "card":
            table.target(
                f"seed card `loads` / `model_validate_json`, {'[fast]' if accelerated else 'pure'}",
                loads_ratio,
                4 if accelerated else 4.5,
            )
        table.add(
            f"seed {kind}: Lark Earley parse (naive grammar)",
            earley_time,
            f"{earley_time / loads:.0f}× `loads`",
        )
        texts = peer_texts(storyfmt.loads(text))
        for form, (name, read) in peers.items():
            if form in texts:
                peer = median_time(partial(read, texts[form]), repeat=repeat)
                table.add(
                    f"seed {kind}: {name} of the same data as {form.upper()}",
                    peer,
                    f"`loads` is **{loads / peer:.2f}×** this",
                    peer=form,
                )
        table.add(f"seed {kind}: `str.splitlines`", floor, f"`loads` is {loads / floor:.0f}× this")
        if kind == "card":
            table.add("seed card: cards per second per core", None, f"{1 / loads:,.0f}")

    if accelerated:
        pure = subprocess.run(
            [sys.executable, __file__, "--seed-card-only", *(["--quick"] if args.quick else [])],
            env={**os.environ, "STORYFMT_PURE_PYTHON": "1"},
            capture_output=True,
            text=True,
            check=True,
        )
        pure_loads, _, pure_ratio = json.loads(pure.stdout)
        table.add(
            "seed card: `loads` without lark-cython (`STORYFMT_PURE_PYTHON=1`)",
            pure_loads,
            f"`loads` is **{pure_ratio:.1f}×** `model_validate_json` in that process",
        )
        table.target("seed card `loads` / `model_validate_json`, pure", pure_ratio, 4.5)
    else:
        table.add("seed card: `loads` with lark-cython", None, "n/a: `pip install storyfmt[fast]`")

    card = storyfmt.loads(SEED_CARD)
    table.add("seed card: `dumps`", median_time(lambda: storyfmt.dumps(card), repeat=repeat))
    table.add("seed card: `to_json`", median_time(lambda: storyfmt.to_json(card), repeat=repeat))
    validate, loads_times = interleaved(
        [partial(storyfmt.validate, SEED_CARD), partial(storyfmt.loads, SEED_CARD)], repeat
    )
    validate_ratio = ratio(validate, loads_times)
    table.add(
        "seed card: `validate`", statistics.median(validate), f"**{validate_ratio:.2f}×** `loads`"
    )
    table.target("seed card `validate` / `loads`", validate_ratio, 1.1)

    points = large_file("warnings", 1_000_000).decode("utf-8")
    points_loads, points_json, points_ratio = loads_and_json_times(points, max(3, repeat // 2))
    table.add(
        f"a {len(points) / 1e6:.1f} MB card of Breakdown points: `loads`",
        points_loads,
        f"**{points_ratio:.1f}×** `model_validate_json` of its JSON ({_format_time(points_json)})",
    )
    if accelerated:
        table.target("1 MB card of points `loads` / `model_validate_json`, [fast]", points_ratio, 4)

    base: float | None = None
    for size in sizes:
        text = synthetic_card(size)
        seconds = median_time(partial(storyfmt.loads, text), repeat=max(3, repeat // 2), budget=0.5)
        per_byte = seconds / len(text)
        base = base or per_byte
        table.add(
            f"synthetic card of {len(text) / 1e6:.2f} MB: `loads`",
            seconds,
            f"{len(text) / seconds / 1e6:.1f} MB/s; {per_byte / base:.2f}× linear",
            size=len(text),
        )
    table.target(
        f"time per character, {len(text) / 1e6:.0f} MB card / 10 KB card", per_byte / base, 1.25
    )
    tracemalloc.start()
    storyfmt.loads(text)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    table.add(
        f"peak memory parsing the {len(text) / 1e6:.0f} MB card",
        None,
        f"{peak / 1e6:.0f} MB, {peak / len(text.encode()):.1f}× the input",
    )
    table.target(f"peak memory, {len(text) / 1e6:.0f} MB card", peak / len(text.encode()), 5)

    large = 5_000_000 if args.quick else 50_000_000
    for kind in ("warnings", "stray-lines", "short-lines"):
        data = large_file(kind, large)
        seconds, peak, base_seconds, base_peak = large_file_figures(data)
        table.add(
            f"`validate` of a {len(data) / 1e6:.0f} MB file: {kind}",
            seconds,
            f"{seconds / base_seconds:.0f}× `str.splitlines`; peak memory"
            f" **{peak / len(data):.1f}×** the input ({base_peak / len(data):.1f}× for"
            " `str.splitlines`)",
            size=len(data),
            peak=peak,
        )

    seed_path = ROOT / "examples" / "card-japan-korea-summit.story"
    python = sys.executable
    command = shutil.which("storyfmt", path=str(Path(python).parent)) or shutil.which("storyfmt")
    # One run first fills Lark's caches and writes the bytecode of every module
    # (the same as an installed package has from pip).
    warm = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([python, "-c", "import storyfmt; storyfmt.loads('T')"], check=True, env=warm)
    # The floor is the least any library returning pydantic models pays:
    # defining a model imports pydantic's model machinery, and validating the
    # first one builds its validator and looks up pydantic's plugins among the
    # installed packages.
    commands = [
        [[python, "-c", "import pydantic, lark"]],
        [[python, "-c", PYDANTIC_FLOOR]],
        [[python, "-c", "import storyfmt"]],
        [[python, "-c", f"import storyfmt; storyfmt.loads(open({str(seed_path)!r}).read())"]],
    ]
    if command is not None:
        subprocess.run([command, "check", "-q", str(seed_path)], check=True, env=warm)
        commands.append([[command, "check", "-q", str(seed_path)]])
    imports, least, imported, startup, *checked = wall_times(commands, repeat=repeat * 2 + 5)
    table.add("start-up: `import pydantic, lark`", statistics.median(imports), "baseline")
    table.add(
        "start-up: `import pydantic, lark`, one model defined and validated",
        statistics.median(least),
        f"the floor for pydantic models: {ratio(least, imports):.2f}× the baseline",
    )
    imported_ratio = ratio(imported, least)
    table.add(
        "start-up: `import storyfmt`",
        statistics.median(imported),
        f"**{imported_ratio:.2f}×** the floor",
    )
    table.target("`import storyfmt` / the floor", imported_ratio, 1.1)
    table.add(
        "start-up: import storyfmt + first `loads`",
        statistics.median(startup),
        f"{ratio(startup, least):.2f}× the floor",
    )
    if checked:
        checked_ratio = ratio(checked[0], least)
        table.add(
            "start-up: `storyfmt check` of one file",
            statistics.median(checked[0]),
            f"**{checked_ratio:.2f}×** the floor",
        )
        table.target("`storyfmt check` of one file / the floor", checked_ratio, 1.25)
    firsts = [
        json.loads(
            subprocess.run(
                [python, "-c", FIRST_AND_SECOND, str(seed_path)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for _ in range(repeat + 2)
    ]
    beyond = statistics.median(first - second for _, first, second in firsts)
    table.add(
        "start-up: the first `loads` of the seed card in a process, beyond the second",
        beyond,
        f"first {_format_time(statistics.median(f for _, f, _ in firsts))},"
        f" second {_format_time(statistics.median(s for _, _, s in firsts))}",
    )
    table.target("the first `loads` beyond the second", beyond * 1e3, 3, " ms")

    if command is None:
        table.add("`storyfmt check` of many files", None, "n/a (the command is not installed)")
    else:
        check_many(table, command, files, repeat=3 if args.quick else 5)

    table.print_targets()
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "cpu": cpu_model(),
                    "python": platform.python_version(),
                    "lark_cython": accelerated,
                    "rows": table.rows,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
