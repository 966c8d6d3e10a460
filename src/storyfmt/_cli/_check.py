"""``storyfmt check``: every problem of every story file, in parallel when there are many."""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from storyfmt._cli._files import (
    Found,
    cannot_read,
    not_selected,
    outside_links,
    patch,
    read_snapshot,
    rewrite,
    story_files,
)
from storyfmt._cli._terminal import (
    EXIT_FAILURE,
    EXIT_OK,
    EXIT_PROBLEMS,
    CommandError,
    display_name,
    print_error,
    silence_stdout,
    use_color,
)
from storyfmt._config import Configs, check_codes
from storyfmt._engine import diagnose_all, failure, fix_story, unconverged
from storyfmt._fixes import fixable
from storyfmt._house import House, RuleFailed
from storyfmt._report import FileReport, write_github, write_json, write_junit, write_text
from storyfmt._rules import HOUSE, Form, form_of
from storyfmt._source import decode, split_lines

if TYPE_CHECKING:
    from concurrent.futures import Executor

# Below this many files, starting worker processes costs more than it saves.
_POOL_THRESHOLD = 64
# What starting a worker process costs, in seconds, by how it is started: a
# forked worker has storyfmt already; any other imports it.
_START_COST = {"fork": 0.02}
_DEFAULT_START_COST = 0.3
_PROGRESS_THRESHOLD = 200


def check_one(
    path: str, data: bytes | None = None, form: Form | None = None, house: House = HOUSE
) -> FileReport:
    """Check one file (read here unless ``data`` is given); runs in worker processes.

    The file is read in the form its name says (:func:`form_of`) unless ``form``
    is given; ``house`` holds the vocabularies and the house rules selected.
    """
    if data is None:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            return FileReport(path, failure=cannot_read(path, error))
    found, failures = diagnose_all(data, form or form_of(path), house)
    lines = split_lines(decode(data)) if found else None
    return FileReport(path, found, lines, rule_failures=failures)


def workers(files: int, jobs: int) -> tuple[int, int]:
    """The worker processes and the files per task for checking ``files`` files.

    ``jobs`` asked (0: one per core), but never more than the cores this process
    may use, nor than there are tasks to share; 1 means no pool at all.
    """
    count = min(jobs or _cores(), _cores(), files)
    if count <= 1 or files < _POOL_THRESHOLD:
        return 1, max(files, 1)
    chunk = max(1, min(256, files // (count * 8)))
    return min(count, -(-files // chunk)), chunk


def _check_all(
    paths: list[str],
    jobs: int,
    stdin: tuple[bytes, Form, str] | None,
    house_of: Callable[[str], House],
) -> Iterator[FileReport]:
    on_disk = [path for path in paths if path != "-"]
    if stdin is not None:
        data, form, name = stdin
        yield check_one("-", data, form, house_of(name))
    houses = [house_of(path) for path in on_disk]
    count, chunk = workers(len(on_disk), jobs)
    if count > 1 and not _picklable(houses):
        count = 1  # a plugin's rule that cannot go to a worker process is checked here
    if count > 1:
        yield from _check_shared(on_disk, houses, count, chunk)
    else:
        yield from (
            check_one(path, house=house) for path, house in zip(on_disk, houses, strict=True)
        )


def start_workers(count: int, houses: list[House]) -> Executor:
    """A pool of ``count`` worker processes, each given ``houses`` once."""
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    return ProcessPoolExecutor(max_workers=count, initializer=_receive, initargs=(houses,))


def _check_shared(
    paths: list[str], houses: list[House], count: int, chunk: int
) -> Iterator[FileReport]:
    """Check ``paths`` in batches of ``chunk``, shared by ``count`` worker processes
    and this one.

    The workers take batches from the front. This process, instead of waiting
    for them, takes batches from the back that no worker has started: it checks
    files while the workers start, and what it checks saves sending them there
    and their reports back. Each worker receives the houses once; a batch names
    each file's house by its number.
    """
    distinct = list({id(house): house for house in houses}.values())
    number = {id(house): index for index, house in enumerate(distinct)}
    batches = [
        (paths[start : start + chunk], [number[id(h)] for h in houses[start : start + chunk]])
        for start in range(0, len(paths), chunk)
    ]
    # The first batch, checked here, tells what the rest would cost: workers
    # are started only when they would save more than starting them costs.
    started = time.perf_counter()
    yield from _check_batch(batches.pop(0), distinct)
    rest = (time.perf_counter() - started) * len(batches)
    import multiprocessing  # noqa: PLC0415 (costs start-up; only a pool needs it)

    if rest < 2 * _START_COST.get(multiprocessing.get_start_method(), _DEFAULT_START_COST):
        for batch in batches:
            yield from _check_batch(batch, distinct)
        return
    with start_workers(count - 1, distinct) as pool:
        futures = [pool.submit(_check_in_worker, batch) for batch in batches]
        for batch, future in zip(reversed(batches), reversed(futures), strict=True):
            if not future.cancel():
                break  # running or done: so are all those before it
            yield from _check_batch(batch, distinct)
        for batch, future in zip(batches, futures, strict=True):
            if not future.cancelled():
                found = future.result()
                yield from (found.get(path) or FileReport(path) for path in batch[0])


_HOUSES: list[House] = []
"""The houses of a worker process, received when it starts."""


def _receive(houses: list[House]) -> None:
    _HOUSES[:] = houses


def _check_batch(batch: tuple[list[str], list[int]], houses: list[House]) -> Iterator[FileReport]:
    """:func:`check_one` for each file of a batch, with its house by number."""
    for path, house in zip(*batch, strict=True):
        yield check_one(path, house=houses[house])


def _check_in_worker(batch: tuple[list[str], list[int]]) -> dict[str, FileReport]:
    """A batch checked in a worker: only the reports with something to say go back."""
    return {
        report.path: report
        for report in _check_batch(batch, _HOUSES)
        if report.diagnostics or report.failures
    }


def _picklable(houses: list[House]) -> bool:
    """Whether the houses can be sent to worker processes."""
    try:
        pickle.dumps(list({id(house): house for house in houses}.values()))
    except Exception:
        return False
    return True


def _cores() -> int:
    """The cores this process may run on (fewer than the machine's in a container)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _progress(items: Iterator[FileReport], total: int) -> Iterator[FileReport]:
    width = 30
    for done, item in enumerate(items, 1):
        if done % 50 == 0 or done == total:
            filled = width * done // total
            sys.stderr.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{total}")
            sys.stderr.flush()
        yield item
    sys.stderr.write("\r" + " " * (width + 24) + "\r")


def cmd_check(args: argparse.Namespace, configs: Configs) -> int:
    """``storyfmt check``: report every problem of every story file."""
    configs = configs.with_options(
        strict=True if args.strict else None,
        rule_timeout=args.rule_timeout,
        **{
            name: check_codes(codes, f"--{name.replace('_', '-')}", warnings_only=True)
            for name in ("select", "extend_select", "ignore")
            if (codes := getattr(args, name))
        },
    )
    if args.show_settings:
        sys.stdout.write("\n".join(configs.show(display_name(path, args)) for path in args.paths))
        return EXIT_OK
    found = story_files(args, configs)
    paths = found.paths
    stdin_data = sys.stdin.buffer.read() if "-" in paths else None
    name = display_name("-", args)
    stdin = None if stdin_data is None else (stdin_data, form_of(name), name)
    house_of = _houses(configs)
    results = _check_all(paths, args.jobs, stdin, house_of)
    if sys.stderr.isatty() and len(paths) >= _PROGRESS_THRESHOLD and not args.quiet:
        results = _progress(results, len(paths))
    reports = [FileReport(path, failure=reason) for path, reason in found.failures]
    for report in results:
        named = replace(report, path=display_name(report.path, args))
        reports.append(named if report.failure else configs.for_file(named.path).apply(named))
    reports.sort(key=lambda report: report.path)
    fixing = _Fixing(args, configs, found, stdin_data) if args.fix or args.diff else None
    if fixing is not None:
        reports = [fixing.fix(report) for report in reports]
        if args.diff:
            return fixing.finish(EXIT_FAILURE if any(r.failures for r in reports) else EXIT_OK)
    if any(report.failures for report in reports):
        status = EXIT_FAILURE
    elif any(report.failing for report in reports):
        status = EXIT_PROBLEMS
    else:
        status = EXIT_OK
    output = args.output_format
    if output == "auto":
        output = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    docs_url = configs.for_folder(os.getcwd()).docs_url  # of the output: the current folder's
    out = sys.stdout
    if fixing is not None and stdin_data is not None:
        # The story goes to stdout, fixed or as it was, and the report to stderr.
        out = sys.stderr
        sys.stdout.buffer.write(fixing.stdin_fixed or stdin_data)
    try:
        if output == "json":
            write_json(reports, out)
        elif output == "github":
            write_github(reports, out)
        elif output == "junit":
            write_junit(reports, out)
        elif output == "sarif":
            from storyfmt._sarif import write_sarif  # noqa: PLC0415

            write_sarif(reports, out, docs_url=docs_url)
        else:
            color = use_color(args.color, out)
            write_text(reports, out, color=color, quiet=args.quiet, docs_url=docs_url)
            if fixing is None and not args.quiet:
                out.write(_fixable_summary(reports, unsafe=args.unsafe_fixes))
        out.flush()
    except BrokenPipeError:  # the reader went away (check | head): the status stands
        silence_stdout()
    for report in reports:
        for reason in report.failures:
            print_error(f"{report.path}: {reason}")
    return status if fixing is None else fixing.finish(status)


class _Fixing:
    """``check --fix`` and ``check --diff``: the fixes applied to each file, or shown.

    A file is rewritten as ``fmt`` rewrites one: safely, never a file that is
    not selected as a story file or that a link outside the folder searched
    leads to, and never over an edit made meanwhile.
    """

    def __init__(
        self,
        args: argparse.Namespace,
        configs: Configs,
        found: Found,
        stdin: bytes | None,
    ) -> None:
        self.args = args
        self.configs = configs
        self.stdin = stdin
        self.outside = outside_links(found)
        self.refused = dict(found.unselected)
        self.stdin_fixed: bytes | None = None
        self.files = 0
        self.applied = 0

    def fix(self, report: FileReport) -> FileReport:
        """The report of a file once its fixes are applied (or, with --diff, shown)."""
        config = self.configs.for_file(report.path)
        unsafe = self.args.unsafe_fixes
        if report.failures or not any(fixable(item, unsafe=unsafe) for item in report.diagnostics):
            return report
        source = (
            "-"
            if self.stdin is not None and report.path == display_name("-", self.args)
            else report.path
        )
        try:
            snapshot = None
            if source == "-":
                assert self.stdin is not None
                data = self.stdin
            elif source in self.refused:
                reason = not_selected(source, self.refused[source], "fix")
                return replace(report, unfixed=reason.removeprefix(f"{source}: "))
            else:
                snapshot = read_snapshot(source)
                data = snapshot.data
            fixed = fix_story(
                data, name=report.path, form=form_of(report.path), config=config, unsafe=unsafe
            )
            if fixed.unconverged:
                return replace(report, unfixed=f"{unconverged(fixed)}; not rewritten")
            if fixed.data != data:
                if self.args.diff:
                    sys.stdout.flush()
                    sys.stdout.buffer.write(patch(data, fixed.data, report.path))
                elif source == "-":
                    self.stdin_fixed = fixed.data
                else:
                    rewrite(source, fixed.data, snapshot, self.outside)
                self.files += 1
                self.applied += fixed.applied
        except CommandError as error:
            return replace(report, unfixed=str(error).removeprefix(f"{source}: "))
        except RuleFailed as error:  # on the fixed story, and so nothing was written
            return replace(report, rule_failures=[failure(error)])
        if self.args.diff:
            return report
        lines = split_lines(decode(fixed.data)) if fixed.remaining else None
        return config.apply(FileReport(report.path, fixed.remaining, lines))

    def finish(self, status: int) -> int:
        """Say what was fixed; with --diff, exit 1 when a file would change."""
        verb = "would fix" if self.args.diff else "fixed"
        problems = "problem" if self.applied == 1 else "problems"
        files = "file" if self.files == 1 else "files"
        if self.files or self.args.diff:
            sys.stderr.write(f"{verb} {self.applied} {problems} in {self.files} {files}\n")
        if self.args.diff and status == EXIT_OK and self.files:
            return EXIT_PROBLEMS
        return status


def _houses(configs: Configs) -> Callable[[str], House]:
    """The house (vocabularies and rules selected) of each file."""
    return lambda path: configs.for_file(path).house(path)


def _fixable_summary(reports: list[FileReport], *, unsafe: bool) -> str:
    """A line on how many of the problems shown ``--fix`` would fix, if any
    (the unsafe fixes too when ``--unsafe-fixes`` was given)."""
    safe = more = 0
    for report in reports:
        for item in report.diagnostics:
            if fixable(item, unsafe=unsafe):
                safe += 1
            elif fixable(item, unsafe=True):
                more += 1
    if not safe and not more:
        return ""
    hidden = f" ({more} more with --unsafe-fixes)" if more else ""
    return f"{safe} fixable with --fix{hidden}\n"
