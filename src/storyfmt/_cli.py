"""The ``storyfmt`` command: check, fmt, convert and schema.

A thin layer over the library: files in, the library's diagnostics and
conversions out, with CI-friendly output formats and exit codes.
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from storyfmt import __version__
from storyfmt._codes import Rule
from storyfmt._config import (
    LINE_ENDINGS,
    SKIPPED_FOLDERS,
    Config,
    ConfigError,
    LineEnding,
    Place,
    Selection,
    check_codes,
    find_config,
    read_config,
)
from storyfmt._diagnostics import StoryFormatError, render
from storyfmt._files import NotRewritten, Snapshot, links_outside, write_file
from storyfmt._models import StoryBrief, StoryCard
from storyfmt._parser import loads
from storyfmt._render import to_html, to_markdown
from storyfmt._report import (
    FORMATS,
    FileReport,
    visible,
    write_github,
    write_json,
    write_junit,
    write_text,
)
from storyfmt._rules import Form, form_of, validate
from storyfmt._sarif import write_sarif
from storyfmt._serialize import (
    from_json,
    from_yaml,
    json_schema,
    read_jsonl,
    to_json,
    to_yaml,
)
from storyfmt._source import decode, split_lines
from storyfmt._writer import dumps

EXIT_OK, EXIT_PROBLEMS, EXIT_FAILURE = 0, 1, 2

_EXIT_CODES = """\
exit codes:
  0  no errors (warnings allowed unless --strict)
  1  problems found (or, for fmt --check and --diff, files that would change)
  2  usage error, a file or folder that cannot be read or written,
     or internal failure"""

# Below this many files, starting worker processes costs more than it saves.
_POOL_THRESHOLD = 64
_PROGRESS_THRESHOLD = 200

Story = StoryCard | StoryBrief


class CommandError(Exception):
    """A failure of the command itself (not of a story): one line, exit code 2."""


# ---- files -------------------------------------------------------------------


@dataclass
class Found:
    """The files to read, and the inputs that could not be read (path, reason)."""

    paths: list[str]
    failures: list[tuple[str, str]]
    unselected: list[tuple[str, str]]
    """Files named on the command line that are not story files, with the reason."""
    folder_of: dict[str, str] = field(default_factory=dict)
    """The folder named on the command line that each file found in a folder came from."""


def _prefix(folder: str) -> str:
    here = str(Path(folder))  # "./a" and "a/" are both reported as "a"
    return "" if here == "." else here + os.sep


def _walk(
    folder: str,
    selection: Selection,
    seen: set[tuple[int, int]],
    found: Found,
) -> bool:
    """Add the story files under a folder to ``found``, in path order.

    Symbolic links are followed; a folder already searched (by its device and
    inode, so a link loop too) is not searched again. Ignored and excluded folders
    are skipped; a folder that cannot be read is a failure. Tell whether a file
    was reached through a symbolic link (then one file may have two names).
    """
    linked = False

    def search(path: str, place: Place) -> None:
        nonlocal linked
        try:
            info = os.stat(path)
            if (info.st_dev, info.st_ino) in seen:
                return
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(path) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            found.failures.append((path, f"cannot read the folder: {_reason(error)}"))
            return
        prefix = _prefix(path)
        for entry in entries:
            name, inside = entry.name, selection.child(place, entry.name)
            if _is_folder(entry):
                if (
                    name not in SKIPPED_FOLDERS
                    and not os.path.exists(os.path.join(entry.path, "pyvenv.cfg"))
                    and selection.keeps_folder(inside, name)
                ):
                    search(prefix + name, inside)
            elif selection.refusal(inside, name) is None:
                linked = linked or entry.is_symlink()
                found.paths.append(prefix + name)
                found.folder_of.setdefault(prefix + name, folder)

    search(folder, selection.place(folder))
    return linked


def _is_folder(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # cannot tell: reading it as a file will say why
        return False


def _once(paths: list[str]) -> list[str]:
    """The paths sorted, a file reached by several names (links) once, by its first."""
    seen: set[tuple[int, int]] = set()
    kept = []
    for path in sorted(set(paths)):
        try:
            info = os.stat(path)
        except OSError:  # reading it will say why
            kept.append(path)
            continue
        if (info.st_dev, info.st_ino) not in seen:
            seen.add((info.st_dev, info.st_ino))
            kept.append(path)
    return kept


def discover(
    arguments: Sequence[str], selection: Selection, *, force_exclude: bool = False
) -> Found:
    """The files named, and the story files under the folders named, sorted.

    A file named is read whatever its name, unless ``force_exclude`` (then only if
    the selection takes it); without ``force_exclude``, those the selection does
    not take are listed in :attr:`Found.unselected` too.

    Raises:
        CommandError: a path that does not exist, or a folder without story files.
    """
    found = Found([], [], [])
    seen: set[tuple[int, int]] = set()
    several = len(arguments) > 1
    for argument in arguments:
        if argument == "-":
            found.paths.append("-")
        elif os.path.isdir(argument):
            if force_exclude and selection.excluded(argument) is not None:
                continue
            before = len(found.paths) + len(found.failures)
            info = os.stat(argument)
            searched = (info.st_dev, info.st_ino) in seen  # named twice, or inside another
            several |= _walk(argument, selection, seen, found)
            if len(found.paths) + len(found.failures) == before and not (force_exclude or searched):
                patterns = ", ".join(selection.include.patterns)
                raise CommandError(f"{argument}: no story files ({patterns}) in this folder")
        elif os.path.lexists(argument):  # a broken link too: reading it says why
            refused = selection.refusal_of(argument)
            if refused is not None:
                if force_exclude:
                    continue
                found.unselected.append((argument, refused))
            found.paths.append(argument)
        else:
            raise CommandError(f"{argument}: no such file or folder")
    found.paths = _once(found.paths) if several else sorted(set(found.paths))
    for argument in arguments:  # a file named is the user's choice, wherever it leads
        found.folder_of.pop(argument, None)
    return found


def _shown(path: str, args: argparse.Namespace) -> str:
    """The name a file is reported by: stdin goes by ``--stdin-filename`` if given."""
    return (args.stdin_filename or "-") if path == "-" else path


def _read(path: str, stdin: bool = True) -> bytes:
    try:
        if path == "-" and stdin:
            return sys.stdin.buffer.read()
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise CommandError(f"{path}: {_cannot_read(path, error)}") from None


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _cannot_read(path: str, error: OSError) -> str:
    """Why a file cannot be read, in words: a broken link says where it leads."""
    if isinstance(error, FileNotFoundError) and os.path.islink(path):
        return f"cannot read: a broken symbolic link (to {os.readlink(path)})"
    return f"cannot read: {_reason(error)}"


def _snapshot(path: str) -> Snapshot:
    """A file's bytes and identity, read for ``fmt``."""
    try:
        return Snapshot.read(path)
    except OSError as error:
        raise CommandError(f"{path}: {_cannot_read(path, error)}") from None


def _write(path: str, data: bytes, expected: Snapshot | None = None) -> None:
    """Write a file safely (see :func:`storyfmt._files.write_file`).

    Raises:
        CommandError: the file was left as it was, with the reason.
    """
    try:
        write_file(path, data, expected)
    except NotRewritten as error:
        raise CommandError(f"{path}: {error.strerror}; not rewritten") from None
    except OSError as error:
        raise CommandError(f"{path}: cannot write: {error.strerror or error}") from None


# ---- check -------------------------------------------------------------------


def check_one(path: str, data: bytes | None = None, form: Form | None = None) -> FileReport:
    """Check one file (read here unless ``data`` is given); runs in worker processes.

    The file is read in the form its name says (:func:`form_of`) unless ``form``
    is given.
    """
    if data is None:
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as error:
            return FileReport(path, failure=_cannot_read(path, error))
    found = validate(data, form=form or form_of(path))
    lines = split_lines(decode(data)) if found else None
    return FileReport(path, found, lines)


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
    paths: list[str], jobs: int, stdin_data: bytes | None, stdin_form: Form
) -> Iterator[FileReport]:
    on_disk = [path for path in paths if path != "-"]
    if stdin_data is not None:
        yield check_one("-", stdin_data, stdin_form)
    count, chunk = workers(len(on_disk), jobs)
    if count > 1:
        with ProcessPoolExecutor(max_workers=count) as pool:
            found = pool.map(_check_in_worker, on_disk, chunksize=chunk)
            for path, report in zip(on_disk, found, strict=True):
                yield report or FileReport(path)
    else:
        yield from map(check_one, on_disk)


def _cores() -> int:
    """The cores this process may run on (fewer than the machine's in a container)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _check_in_worker(path: str) -> FileReport | None:
    """:func:`check_one`, sending back nothing for a file without problems."""
    report = check_one(path)
    return report if report.diagnostics or report.failure else None


def _progress(items: Iterator[FileReport], total: int) -> Iterator[FileReport]:
    width = 30
    for done, item in enumerate(items, 1):
        if done % 50 == 0 or done == total:
            filled = width * done // total
            sys.stderr.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{total}")
            sys.stderr.flush()
        yield item
    sys.stderr.write("\r" + " " * (width + 24) + "\r")


def _apply_config(report: FileReport, config: Config) -> FileReport:
    kept = []
    for item in report.diagnostics:
        rule = Rule(item.code)
        if config.wants(rule):
            kept.append(replace(item, severity=config.severity_of(rule)))
    return replace(report, diagnostics=kept)


def _use_color(choice: str, stream: TextIO) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def cmd_check(args: argparse.Namespace, config: Config) -> int:
    """``storyfmt check``: report every problem of every story file."""
    config = config.with_options(
        strict=True if args.strict else None,
        select=check_codes(args.select, "--select", warnings_only=True) if args.select else None,
        ignore=(
            config.ignore + check_codes(args.ignore, "--ignore", warnings_only=True)
            if args.ignore
            else None
        ),
    )
    found = _story_files(args, config)
    paths = found.paths
    stdin_data = sys.stdin.buffer.read() if "-" in paths else None
    results = _check_all(paths, args.jobs, stdin_data, form_of(_shown("-", args)))
    if sys.stderr.isatty() and len(paths) >= _PROGRESS_THRESHOLD and not args.quiet:
        results = _progress(results, len(paths))
    reports = [FileReport(path, failure=reason) for path, reason in found.failures]
    for report in results:
        named = replace(report, path=_shown(report.path, args))
        reports.append(named if report.failure else _apply_config(named, config))
    reports.sort(key=lambda report: report.path)
    failing = ("error", "warning") if config.strict else ("error",)
    if any(report.failure for report in reports):
        status = EXIT_FAILURE
    elif any(item.severity in failing for report in reports for item in report.diagnostics):
        status = EXIT_PROBLEMS
    else:
        status = EXIT_OK
    output = args.output_format
    if output == "auto":
        output = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    out = sys.stdout
    try:
        if output == "json":
            write_json(reports, out)
        elif output == "github":
            write_github(reports, out)
        elif output == "junit":
            write_junit(reports, out, strict=config.strict)
        elif output == "sarif":
            write_sarif(reports, out, docs_url=config.docs_url)
        else:
            color = _use_color(args.color, out)
            write_text(reports, out, color=color, quiet=args.quiet, docs_url=config.docs_url)
        out.flush()
    except BrokenPipeError:  # the reader went away (check | head): the status stands
        _silence_stdout()
    for report in reports:
        if report.failure:
            _error(f"{report.path}: {report.failure}")
    return status


def _story_files(args: argparse.Namespace, config: Config) -> Found:
    """:func:`discover` with the selection of the configuration and the options."""
    selection = Selection(config, args.exclude or ())
    return discover(args.paths, selection, force_exclude=args.force_exclude)


def _silence_stdout() -> None:
    """Send what is left of the output nowhere, so no error shows at exit."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _error(message: str) -> None:
    """A failure of the command, one line on stderr, control characters made visible."""
    sys.stderr.write(f"storyfmt: error: {visible(message)}\n")


# ---- fmt ---------------------------------------------------------------------


def _report_errors(path: str, error: StoryFormatError, data: bytes) -> None:
    lines = split_lines(decode(data))
    color = _use_color("auto", sys.stderr)
    for item in error.diagnostics:
        sys.stderr.write(render(item, lines, visible(path), color=color) + "\n\n")


def line_break(data: bytes, line_ending: LineEnding) -> bytes:
    """The line break ``fmt`` writes: under ``auto``, CRLF if the file's first
    line break is CRLF, LF otherwise (a lone CR too)."""
    if line_ending == "auto":
        first = re.search(rb"\r\n?|\n", data)
        return b"\r\n" if first is not None and first.group() == b"\r\n" else b"\n"
    return b"\r\n" if line_ending == "crlf" else b"\n"


def canonical(data: bytes, line_ending: LineEnding = "auto") -> tuple[Story, bytes]:
    """A story and its canonical bytes, proven to read back as the same story.

    The canonical text has LF line breaks; ``line_ending`` may make them CRLF
    (see :func:`line_break`).

    Raises:
        StoryFormatError: the story has errors.
        CommandError: the canonical text would not mean the same (a bug).
    """
    story = loads(data)
    new = dumps(story).encode("utf-8").replace(b"\n", line_break(data, line_ending))
    if new != data and loads(new) != story:
        raise CommandError("the canonical text would change the story; not written (a bug)")
    return story, new


def _patch_lines(data: bytes) -> list[str]:
    """Lines as ``patch`` sees them: each ended by LF, the last one perhaps not."""
    return re.findall(r"[^\n]*\n|[^\n]+", data.decode("utf-8", "surrogateescape"))


def _diff(old: bytes, new: bytes, name: str) -> bytes:
    """A unified diff that ``patch`` can apply, byte-order mark and line breaks included."""
    out: list[str] = []
    for line in difflib.unified_diff(_patch_lines(old), _patch_lines(new), name, name):
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out).encode("utf-8", "surrogateescape")


def _fmt_one(
    path: str, args: argparse.Namespace, line_ending: LineEnding, outside: dict[str, str]
) -> str:
    """Format one file; say whether it was ``unchanged``, ``changed`` or had ``errors``.

    Raises:
        CommandError: the file cannot be read or written, or was left alone on purpose.
    """
    snapshot = None if path == "-" else _snapshot(path)
    data = _read(path) if snapshot is None else snapshot.data
    shown = _shown(path, args)
    try:
        _, new = canonical(data, line_ending)
    except StoryFormatError as error:
        _report_errors(shown, error, data)
        return "errors"
    writes = not (args.check or args.diff)
    if path == "-" and writes:
        sys.stdout.buffer.write(new)
        return "unchanged" if new == data else "changed"
    if new == data:
        return "unchanged"
    if args.diff:
        sys.stdout.flush()
        sys.stdout.buffer.write(_diff(data, new, shown))
        sys.stdout.buffer.flush()
    if args.check:
        sys.stderr.write(f"would reformat {visible(shown)}\n")
    if writes:
        if path in outside:
            raise CommandError(f"{path}: a link to a file outside {outside[path]}; not rewritten")
        _write(path, new, snapshot)
    return "changed"


def cmd_fmt(args: argparse.Namespace, config: Config) -> int:
    """``storyfmt fmt``: rewrite story files in canonical form, safely."""
    found = _story_files(args, config)
    outside = links_outside((found.folder_of.get(path, path), path) for path in found.paths)
    line_ending = args.line_ending or config.line_ending
    outcomes = {"changed": 0, "unchanged": 0, "errors": 0, "failed": 0}
    for path, reason in found.failures:
        _error(f"{path}: {reason}")
        outcomes["failed"] += 1
    refused = dict(found.unselected)
    for path, reason in found.unselected:
        _error(
            f"{path}: not selected as a story file {reason}; not rewritten (to format it,"
            " make include and exclude in storyfmt.toml or [tool.storyfmt] select it)"
        )
        outcomes["failed"] += 1
    paths = [path for path in found.paths if path not in refused]
    for path in paths:
        try:
            outcomes[_fmt_one(path, args, line_ending, outside)] += 1
        except CommandError as error:
            _error(str(error))
            outcomes["failed"] += 1
    if paths != ["-"]:
        changed = outcomes["changed"]
        verb = "would be reformatted" if args.check or args.diff else "reformatted"
        parts = [f"{changed} file{'s' if changed != 1 else ''} {verb}"]
        if outcomes["unchanged"]:
            parts.append(f"{outcomes['unchanged']} left unchanged")
        if outcomes["errors"]:
            parts.append(f"{outcomes['errors']} with errors, not formatted")
        if outcomes["failed"]:
            parts.append(f"{outcomes['failed']} not read or not written")
        sys.stderr.write(", ".join(parts) + "\n")
    if outcomes["failed"]:
        return EXIT_FAILURE
    if outcomes["errors"] or ((args.check or args.diff) and outcomes["changed"]):
        return EXIT_PROBLEMS
    return EXIT_OK


# ---- convert -----------------------------------------------------------------

_EXTENSIONS = {
    ".story": "text",
    ".txt": "text",
    ".json": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
}
_SUFFIXES = {
    "text": ".txt",
    "json": ".json",
    "yaml": ".yaml",
    "markdown": ".md",
    "html": ".html",
}
READERS: dict[str, Callable[[bytes], Story]] = {
    "text": loads,
    "json": from_json,
    "yaml": from_yaml,
}
WRITERS: dict[str, Callable[[Story], str]] = {
    "text": dumps,
    "json": lambda story: to_json(story) + "\n",
    "yaml": to_yaml,
    "markdown": to_markdown,
    "html": to_html,
}


_OUTPUT_ONLY = {"markdown": "Markdown", "html": "HTML"}


def _format_of(path: str, given: str | None, role: str) -> str:
    """The format given, or the one the file name tells (``role``: ``from`` or ``to``).

    Raises:
        CommandError: the name tells no format, or an input is in an output-only format.
    """
    if given is not None:
        return given
    found = _EXTENSIONS.get(Path(path).suffix.lower())
    if found is None:
        raise CommandError(
            f"{path}: cannot tell the {role} format from the file name; give --{role} FORMAT"
        )
    if role == "from" and found in _OUTPUT_ONLY:
        raise CommandError(
            f"{path}: {_OUTPUT_ONLY[found]} is an output format; storyfmt cannot read it"
            " (readable: text, json, yaml, jsonl)"
        )
    return found


def _safe_relative(name: str) -> Path:
    """A path from a JSON Lines record, refused if it could leave the output folder."""
    path = Path(name)
    if not name or path.is_absolute() or ".." in path.parts or path.drive:
        raise CommandError(f"refusing to write outside the output folder: {name!r}")
    return path


def _record_name(path: str, folders: Sequence[Path]) -> str:
    """The path a story is known by in JSON Lines: relative to the folder given."""
    for folder in folders:
        try:
            return Path(path).relative_to(folder).as_posix()
        except ValueError:
            continue
    candidate = Path(path)
    if candidate.is_absolute() or ".." in candidate.parts:
        return candidate.name
    return candidate.as_posix()


class _Inputs:
    """Stories read from files, stdin or JSON Lines.

    Each comes with where it was read (a file, or a JSON Lines file and line) and
    the name it is known by (its path in JSON Lines).
    """

    def __init__(self, args: argparse.Namespace, config: Config) -> None:
        self.args = args
        self.config = config
        found = discover(args.inputs, Selection(config))
        for path, reason in found.failures:
            raise CommandError(f"{path}: {reason}")
        self.paths = found.paths
        self.folders = [Path(a) for a in args.inputs if a != "-" and Path(a).is_dir()]
        self.formats = {
            path: args.source or ("text" if path == "-" else _format_of(path, None, "from"))
            for path in self.paths
        }
        self.has_jsonl = "jsonl" in self.formats.values()
        self.failed = False

    def _parse(self, name: str, data: bytes, source_format: str) -> Story | None:
        try:
            return READERS[source_format](data)
        except StoryFormatError as error:
            _report_errors(name, error, data)
            self.failed = True
            return None

    def __iter__(self) -> Iterator[tuple[str, str, Story]]:
        for path, source in self.formats.items():
            data = _read(path)
            shown = _shown(path, self.args)
            if source == "jsonl":
                yield from self._records(shown, data)
                continue
            story = self._parse(shown, data, source)
            if story is not None:
                yield shown, _record_name(shown, self.folders), story

    def _records(self, path: str, data: bytes) -> Iterator[tuple[str, str, Story]]:
        for number, name, reading in read_jsonl(data):
            if reading.problems:
                _report_errors(path, StoryFormatError(reading.problems), data)
                self.failed = True
            elif name is not None and reading.story is not None:
                yield f"{path}:{number}", name, reading.story


def cmd_convert(args: argparse.Namespace, config: Config) -> int:
    """``storyfmt convert``: between text, JSON, YAML, JSON Lines; to Markdown, HTML.

    Every input is read and converted, and every output checked, before
    anything is written.
    """
    output = args.output
    target = args.target
    if target is None:
        if output is None or output == "-" or Path(output).is_dir():
            raise CommandError("give --to FORMAT (text, json, yaml, jsonl, markdown or html)")
        target = _format_of(output, None, "to")
    inputs = _Inputs(args, config)
    folder_output = target != "jsonl" and (
        len(inputs.paths) > 1 or bool(inputs.folders) or inputs.has_jsonl
    )
    if folder_output and (output is None or output == "-"):
        raise CommandError("several stories need --to jsonl, or -o FOLDER to write one file each")
    stories = list(inputs)
    plan: list[tuple[str | None, str, str]] = []  # (file or None for stdout, origin, text)
    if target == "jsonl":
        records = (
            json.dumps({"path": name, "story": story.model_dump(mode="json")}, ensure_ascii=False)
            + "\n"
            for _, name, story in stories
        )
        plan.append((output, ", ".join(inputs.paths), "".join(records)))
    elif folder_output:
        for origin, name, story in stories:
            relative = _safe_relative(name)
            if target != "text" or relative.suffix.lower() not in (".txt", ".story"):
                relative = relative.with_suffix(_SUFFIXES[target])
            plan.append((str(Path(output) / relative), origin, WRITERS[target](story)))
    else:
        plan += [(output, origin, WRITERS[target](story)) for origin, _, story in stories]
    _check_outputs(plan, inputs.paths)
    for destination, _, text in plan:
        if folder_output and destination is not None:
            parent = Path(destination).parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise CommandError(f"{parent}: cannot create: {error.strerror}") from None
        _emit(destination, text)
    return EXIT_PROBLEMS if inputs.failed else EXIT_OK


def _check_outputs(plan: Sequence[tuple[str | None, str, str]], inputs: Sequence[str]) -> None:
    """Refuse a conversion that would write two stories to one file, or onto an input.

    Two output paths that differ only in case are one file on the case-insensitive
    file systems many repositories are checked out on; an input is recognised
    through links too (the same file, not only the same name).

    Raises:
        CommandError: naming the inputs and the output; nothing has been written.
    """
    sources: dict[tuple[int, int], str] = {}
    for path in inputs:
        if path != "-" and os.path.exists(path):
            status = os.stat(path)
            sources[(status.st_dev, status.st_ino)] = path
    taken: dict[str, tuple[str, str]] = {}
    for destination, origin, _ in plan:
        if destination is None or destination == "-":
            continue
        key = os.path.normcase(os.path.realpath(destination)).casefold()
        if key in taken:
            first, first_origin = taken[key]
            also = (
                ""
                if first == destination
                else f" and {destination} (one file where case is ignored)"
            )
            raise CommandError(
                f"{first_origin} and {origin} would both be written to {first}{also};"
                " nothing was written"
            )
        taken[key] = (destination, origin)
        try:
            status = os.stat(destination)
        except OSError:
            continue
        source = sources.get((status.st_dev, status.st_ino))
        if source is not None:
            raise CommandError(
                f"{origin} would be written to {destination}, which is the input {source};"
                " nothing was written"
            )


def _emit(output: str | None, text: str) -> None:
    if output is None or output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        _write(output, text.encode("utf-8"))


# ---- schema ------------------------------------------------------------------


def cmd_schema(args: argparse.Namespace, config: Config) -> int:
    """``storyfmt schema``: the JSON Schema of the JSON form."""
    _emit(args.output, json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


# ---- the command line ----------------------------------------------------------


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, got {text!r}")
    return value


def _codes(text: str) -> list[str]:
    return [code for code in text.split(",") if code.strip()]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_FAILURE, f"storyfmt: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``storyfmt`` command."""
    formatter = argparse.RawDescriptionHelpFormatter
    parser = _Parser(
        prog="storyfmt",
        description="Check, format and convert story files (story cards and story briefs).",
        epilog=_EXIT_CODES,
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="version", version=f"storyfmt {__version__}")
    common = _Parser(add_help=False)
    common.add_argument(
        "--config",
        metavar="FILE",
        help="read settings from this file (storyfmt.toml, or pyproject.toml with"
        " [tool.storyfmt]) instead of the nearest one",
    )
    common.add_argument("--isolated", action="store_true", help="ignore configuration files")
    reading = _Parser(add_help=False)
    reading.add_argument(
        "--stdin-filename", metavar="NAME", help="the name to report for a story read from -"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(
        name: str, help_text: str, aliases: Sequence[str] = (), *, reads_stories: bool = True
    ) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            aliases=list(aliases),
            help=help_text,
            description=help_text,
            epilog=_EXIT_CODES,
            formatter_class=formatter,
            parents=[common, reading] if reads_stories else [common],
        )

    def story_paths(subcommand: argparse.ArgumentParser) -> None:
        subcommand.add_argument(
            "paths",
            nargs="*",
            default=["."],
            metavar="PATH",
            help="files, folders (searched for the include patterns, *.story by default)"
            " or - for stdin; default: .",
        )
        subcommand.add_argument(
            "--exclude",
            action="append",
            metavar="GLOB",
            help="skip files and folders matching GLOB (relative to the current folder)",
        )
        subcommand.add_argument(
            "--force-exclude",
            action="store_true",
            help="apply include and exclude to files named on the command line too,"
            " skipping those not selected (for pre-commit)",
        )

    check = command("check", "Report every problem of story files.", aliases=["validate"])
    story_paths(check)
    check.add_argument(
        "--output-format",
        choices=("auto", *FORMATS),
        default="auto",
        help="auto (the default) is github inside GitHub Actions and text elsewhere",
    )
    check.add_argument("--strict", action="store_true", help="warnings fail the check too")
    check.add_argument(
        "--select", type=_codes, metavar="CODES", help="report only these warnings (SF501,SF5)"
    )
    check.add_argument(
        "--ignore", type=_codes, metavar="CODES", help="do not report these warnings"
    )
    check.add_argument(
        "-q", "--quiet", action="store_true", help="one line per problem, no excerpts"
    )
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text output (auto: on a terminal, unless NO_COLOR is set)",
    )
    check.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=0,
        metavar="N",
        help="worker processes (default 0: one per core this process may use)",
    )
    check.set_defaults(run=cmd_check)

    fmt = command("fmt", "Rewrite story files in canonical form.", aliases=["format"])
    story_paths(fmt)
    fmt.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if a file would change"
    )
    fmt.add_argument(
        "--diff",
        action="store_true",
        help="write nothing; print a unified diff and exit 1 if a file would change",
    )
    fmt.add_argument(
        "--line-ending",
        choices=LINE_ENDINGS,
        help="auto (the default): keep each file's line breaks (CRLF or LF); lf; crlf",
    )
    fmt.set_defaults(run=cmd_fmt)

    convert = command("convert", "Convert stories between formats.")
    convert.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="files, folders, or - for stdin"
    )
    convert.add_argument(
        "-o", "--output", metavar="OUTPUT", help="a file or folder; default stdout"
    )
    convert.add_argument(
        "--from",
        dest="source",
        choices=("text", "json", "yaml", "jsonl"),
        help="input format (default: from the file name; text for stdin)",
    )
    convert.add_argument(
        "--to",
        dest="target",
        choices=("text", "json", "yaml", "jsonl", "markdown", "html"),
        help="output format (default: from the output file name)",
    )
    convert.set_defaults(run=cmd_convert)

    schema = command(
        "schema", "Print the JSON Schema (draft 2020-12) of the JSON form.", reads_stories=False
    )
    schema.add_argument("-o", "--output", metavar="FILE")
    schema.set_defaults(run=cmd_schema)
    return parser


def _config(args: argparse.Namespace) -> Config:
    if args.isolated:
        return Config()
    if args.config:
        config = read_config(Path(args.config))
        if config is None:
            raise CommandError(f"{args.config}: has no [tool.storyfmt] table")
        return config
    return find_config(Path.cwd())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``storyfmt`` command; return its exit code."""
    # File names that are not valid UTF-8 must not crash the output.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        config = _config(args)
        return int(args.run(args, config))
    except (CommandError, ConfigError, ValueError, ImportError) as error:
        _error(str(error))
        return EXIT_FAILURE
    except BrokenPipeError:
        # The reader went away (storyfmt convert | head): what was asked for was
        # not written in full. (check keeps its own status: what it found.)
        _silence_stdout()
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the last line of defence: never a traceback
        sys.stderr.write(f"storyfmt: internal error: {type(error).__name__}: {error}\n")
        return EXIT_FAILURE
