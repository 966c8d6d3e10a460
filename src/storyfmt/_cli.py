"""The ``storyfmt`` command: check, fmt, convert and schema.

A thin layer over the library: files in, the library's diagnostics and
conversions out, with CI-friendly output formats and exit codes.
"""

from __future__ import annotations

import argparse
import difflib
import fnmatch
import io
import json
import os
import re
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from storyfmt import __version__
from storyfmt._config import (
    SKIPPED_FOLDERS,
    Config,
    ConfigError,
    check_codes,
    find_config,
    read_config,
)
from storyfmt._diagnostics import StoryFormatError, render
from storyfmt._lexer import decode, split_lines
from storyfmt._models import StoryBrief, StoryCard
from storyfmt._parser import loads
from storyfmt._render import to_html, to_markdown
from storyfmt._report import (
    FORMATS,
    FileReport,
    write_github,
    write_json,
    write_junit,
    write_text,
)
from storyfmt._rules import form_of, validate
from storyfmt._serialize import from_json, from_yaml, json_schema, to_json, to_yaml
from storyfmt._writer import dumps

EXIT_OK, EXIT_PROBLEMS, EXIT_FAILURE = 0, 1, 2

_EXIT_CODES = """\
exit codes:
  0  no errors (warnings allowed unless --strict)
  1  problems found (or, for fmt --check, files that would change)
  2  usage error, unreadable or unwritable file, or internal failure"""

# Below this many files, starting worker processes costs more than it saves.
_POOL_THRESHOLD = 64
_PROGRESS_THRESHOLD = 200

Story = StoryCard | StoryBrief


class CommandError(Exception):
    """A failure of the command itself (not of a story): one line, exit code 2."""


# ---- files -------------------------------------------------------------------


def _globs(patterns: Sequence[str]) -> Callable[[str], bool]:
    """One compiled test of whether a name matches any of the glob patterns (as fnmatch)."""
    if not patterns:
        return lambda name: False
    regex = re.compile("|".join(fnmatch.translate(os.path.normcase(p)) for p in patterns))
    return lambda name: regex.match(os.path.normcase(name)) is not None


def _walk(folder: str, config: Config) -> Iterator[str]:
    """The story files under a folder, skipping ignored and excluded folders and files.

    An exclude pattern matches a file's or folder's name or its whole path (with ``/``).
    """
    included, excluded = _globs(config.include), _globs(config.exclude)

    def kept(path: str, name: str) -> bool:
        return not (excluded(name) or excluded(path.replace(os.sep, "/")))

    for root, folders, files in os.walk(folder):
        here = str(Path(root))  # "./a" and "a/" are both reported as "a"
        prefix = "" if here == "." else here + os.sep
        folders[:] = sorted(
            name
            for name in folders
            if name not in SKIPPED_FOLDERS
            and not os.path.exists(os.path.join(root, name, "pyvenv.cfg"))
            and kept(prefix + name, name)
        )
        for name in files:
            if included(name) and kept(prefix + name, name):
                yield prefix + name


def discover(arguments: Sequence[str], config: Config) -> list[str]:
    """The files named, and the story files under the folders named, sorted.

    Raises:
        CommandError: a path that does not exist, or a folder without story files.
    """
    found: set[str] = set()
    for argument in arguments:
        if argument == "-":
            found.add("-")
            continue
        path = Path(argument)
        if path.is_dir():
            inside = set(_walk(argument, config))
            if not inside:
                patterns = ", ".join(config.include)
                raise CommandError(f"{argument}: no story files ({patterns}) in this folder")
            found |= inside
        elif path.exists():
            found.add(argument)
        else:
            raise CommandError(f"{argument}: no such file or folder")
    return sorted(found)


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
        raise CommandError(f"{path}: cannot read: {error.strerror or error}") from None


def write_atomically(path: str, data: bytes) -> None:
    """Replace a file's bytes all at once, keeping its permissions.

    The new bytes go to a temporary file in the same folder, which then takes the
    file's place with ``os.replace``: a reader sees the old file or the new one,
    never half of one. A symbolic link is followed, and stays a link.

    Raises:
        CommandError: the file is read-only or the folder is not writable.
    """
    target = os.path.realpath(path)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    else:
        if not mode & 0o222 or not os.access(target, os.W_OK):
            raise CommandError(f"{path}: the file is read-only; not rewritten")
    folder = os.path.dirname(target)
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".storyfmt-", suffix=".tmp")
    except OSError as error:
        raise CommandError(f"{path}: cannot write: {error.strerror or error}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except OSError as error:
        os.unlink(temporary)
        raise CommandError(f"{path}: cannot write: {error.strerror or error}") from None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


# ---- check -------------------------------------------------------------------


def check_one(path: str, data: bytes | None = None) -> FileReport:
    """Check one file (read here unless ``data`` is given); runs in worker processes."""
    if data is None:
        try:
            data = _read(path, stdin=False)
        except CommandError as error:
            return FileReport(path, failure=str(error))
    found = validate(data, form=form_of(path))
    lines = split_lines(decode(data)) if found else None
    return FileReport(path, found, lines)


def _check_all(paths: list[str], jobs: int, stdin_data: bytes | None) -> Iterator[FileReport]:
    on_disk = [path for path in paths if path != "-"]
    if stdin_data is not None:
        yield check_one("-", stdin_data)
    if jobs > 1 and len(on_disk) >= _POOL_THRESHOLD:
        chunk = max(1, min(256, len(on_disk) // (jobs * 8)))
        with ProcessPoolExecutor(max_workers=jobs) as pool:
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
    kept = [
        replace(item, severity=config.severity_of(item.code))
        for item in report.diagnostics
        if config.wants(item.code)
    ]
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
        exclude=config.exclude + tuple(args.exclude) if args.exclude else None,
    )
    paths = discover(args.paths, config)
    stdin_data = sys.stdin.buffer.read() if "-" in paths else None
    jobs = args.jobs or _cores()
    results = _check_all(paths, jobs, stdin_data)
    if sys.stderr.isatty() and len(paths) >= _PROGRESS_THRESHOLD and not args.quiet:
        results = _progress(results, len(paths))
    reports: list[FileReport] = []
    unreadable: list[str] = []
    for report in results:
        if report.failure is not None:
            unreadable.append(report.failure)
            continue
        named = replace(report, path=_shown(report.path, args))
        reports.append(_apply_config(named, config))
    reports.sort(key=lambda report: report.path)
    output = args.output_format
    if output == "auto":
        output = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    out = sys.stdout
    if output == "json":
        write_json(reports, out)
    elif output == "github":
        write_github(reports, out)
    elif output == "junit":
        write_junit(reports, out, strict=config.strict)
    else:
        write_text(reports, out, color=_use_color(args.color, out), quiet=args.quiet)
    for message in unreadable:
        sys.stderr.write(f"storyfmt: error: {message}\n")
    if unreadable:
        return EXIT_FAILURE
    failing = ("error", "warning") if config.strict else ("error",)
    problems = any(item.severity in failing for report in reports for item in report.diagnostics)
    return EXIT_PROBLEMS if problems else EXIT_OK


# ---- fmt ---------------------------------------------------------------------


def _report_errors(path: str, error: StoryFormatError, data: bytes) -> None:
    lines = split_lines(decode(data))
    color = _use_color("auto", sys.stderr)
    for item in error.diagnostics:
        sys.stderr.write(render(item, lines, path, color=color) + "\n\n")


def canonical(data: bytes) -> tuple[Story, bytes]:
    """A story and its canonical bytes, proven to read back as the same story.

    Raises:
        StoryFormatError: the story has errors.
        CommandError: the canonical text would not mean the same (a bug).
    """
    story = loads(data)
    new = dumps(story).encode("utf-8")
    if new != data and loads(new) != story:
        raise CommandError("the canonical text would change the story; not written (a bug)")
    return story, new


def _fmt_one(path: str, args: argparse.Namespace) -> str:
    """Format one file; say whether it was ``unchanged``, ``changed`` or had ``errors``.

    Raises:
        CommandError: the file cannot be read or written.
    """
    data = _read(path)
    try:
        _, new = canonical(data)
    except StoryFormatError as error:
        _report_errors(_shown(path, args), error, data)
        return "errors"
    if path == "-":
        sys.stdout.buffer.write(new)
        return "unchanged" if new == data else "changed"
    if new == data:
        return "unchanged"
    if args.diff:
        old_text = decode(data).splitlines(keepends=True)
        new_text = new.decode("utf-8").splitlines(keepends=True)
        sys.stdout.writelines(difflib.unified_diff(old_text, new_text, path, path))
    if args.check:
        sys.stderr.write(f"would reformat {path}\n")
    elif not args.diff:
        write_atomically(path, new)
    return "changed"


def cmd_fmt(args: argparse.Namespace, config: Config) -> int:
    """``storyfmt fmt``: rewrite story files in canonical form, safely."""
    paths = discover(args.paths, config)
    outcomes = {"changed": 0, "unchanged": 0, "errors": 0, "failed": 0}
    for path in paths:
        try:
            outcomes[_fmt_one(path, args)] += 1
        except CommandError as error:
            sys.stderr.write(f"storyfmt: error: {error}\n")
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
            parts.append(f"{outcomes['failed']} not readable or not writable")
        sys.stderr.write(", ".join(parts) + "\n")
    if outcomes["failed"]:
        return EXIT_FAILURE
    if outcomes["errors"] or (args.check and outcomes["changed"]):
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


def _format_of(path: str, given: str | None, role: str) -> str:
    if given is not None:
        return given
    found = _EXTENSIONS.get(Path(path).suffix.lower())
    if found is None:
        raise CommandError(
            f"{path}: cannot tell the {role} format from the file name; give --{role} FORMAT"
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
    """Stories read from files, stdin or JSON Lines, each with its name."""

    def __init__(self, args: argparse.Namespace, config: Config) -> None:
        self.args = args
        self.config = config
        self.paths = discover(args.inputs, config)
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

    def __iter__(self) -> Iterator[tuple[str, Story]]:
        for path, source in self.formats.items():
            data = _read(path)
            shown = _shown(path, self.args)
            if source == "jsonl":
                yield from self._records(shown, data)
                continue
            story = self._parse(shown, data, source)
            if story is not None:
                yield _record_name(shown, self.folders), story

    def _records(self, path: str, data: bytes) -> Iterator[tuple[str, Story]]:
        for number, line in enumerate(data.splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
                name, story_data = record["path"], record["story"]
                if not isinstance(name, str):
                    raise TypeError
            except (ValueError, KeyError, TypeError):
                sys.stderr.write(
                    f"{where}: error: expected a JSON object"
                    ' {"path": "...", "story": {...}} on this line\n'
                )
                self.failed = True
                continue
            story = self._parse(where, json.dumps(story_data).encode(), "json")
            if story is not None:
                yield name, story


def cmd_convert(args: argparse.Namespace, config: Config) -> int:
    """``storyfmt convert``: between text, JSON, YAML, JSON Lines; to Markdown, HTML."""
    if args.source in ("markdown", "html"):
        raise CommandError(f"{args.source} is an output format only")
    output = args.output
    target = args.target
    if target is None:
        if output is None or output == "-" or Path(output).is_dir():
            raise CommandError("give --to FORMAT (text, json, yaml, jsonl, markdown or html)")
        target = _format_of(output, None, "to")
    inputs = _Inputs(args, config)
    many = len(inputs.paths) > 1 or bool(inputs.folders) or inputs.has_jsonl
    if target == "jsonl":
        lines = [
            json.dumps({"path": name, "story": story.model_dump(mode="json")}, ensure_ascii=False)
            + "\n"
            for name, story in inputs
        ]
        _emit(output, "".join(lines))
    elif many:
        if output is None or output == "-":
            raise CommandError(
                "several stories need --to jsonl, or -o FOLDER to write one file each"
            )
        folder = Path(output)
        for name, story in inputs:
            relative = _safe_relative(name)
            if target != "text" or relative.suffix.lower() not in (".txt", ".story"):
                relative = relative.with_suffix(_SUFFIXES[target])
            destination = folder / relative
            try:
                destination.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise CommandError(
                    f"{destination.parent}: cannot create: {error.strerror}"
                ) from None
            write_atomically(str(destination), WRITERS[target](story).encode("utf-8"))
    else:
        for _, story in inputs:
            _emit(output, WRITERS[target](story))
    return EXIT_PROBLEMS if inputs.failed else EXIT_OK


def _emit(output: str | None, text: str) -> None:
    if output is None or output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomically(output, text.encode("utf-8"))


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
            help="files, folders (searched for *.story and *.txt) or - for stdin; default: .",
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
        "--exclude", action="append", metavar="GLOB", help="skip paths matching GLOB"
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
    fmt.add_argument("--diff", action="store_true", help="print a unified diff instead of writing")
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
        sys.stderr.write(f"storyfmt: error: {error}\n")
        return EXIT_FAILURE
    except BrokenPipeError:
        # The reader went away (storyfmt check | head): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the last line of defence: never a traceback
        sys.stderr.write(f"storyfmt: internal error: {type(error).__name__}: {error}\n")
        return EXIT_FAILURE
