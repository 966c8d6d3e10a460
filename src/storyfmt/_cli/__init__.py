"""The ``storyfmt`` command: check, fmt, convert, schema and server.

A thin layer over the library: files in, the library's diagnostics and
conversions out, with CI-friendly output formats and exit codes.
"""

from __future__ import annotations

import argparse
import atexit
import io
import os
import sys
import threading
from collections.abc import Sequence
from importlib import import_module
from typing import NoReturn

from storyfmt import __version__, _regexcache
from storyfmt._cli._terminal import EXIT_FAILURE, CommandError, print_error, silence_stdout
from storyfmt._config import LINE_ENDINGS, ConfigError, Configs, seconds
from storyfmt._report import FORMATS

_EXIT_CODES = """\
exit codes:
  0  no errors (warnings allowed unless --strict)
  1  problems found (or, for fmt --check and --diff, files that would change)
  2  usage error, a file or folder that cannot be read or written,
     or internal failure"""


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of processes, got {text!r}")
    return value


def _seconds(text: str) -> float:
    try:
        return seconds(float(text), "")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds above 0, such as 10, got {text!r}"
        ) from None


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
        "--fix",
        action="store_true",
        help="apply the safe fixes, writing each file back safely, and report what is left",
    )
    check.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix or --diff, apply the unsafe fixes too (they change the story's text)",
    )
    check.add_argument(
        "--diff",
        action="store_true",
        help="write nothing; print the fixes as a unified diff and exit 1 if a file would change",
    )
    check.add_argument(
        "--select",
        type=_codes,
        metavar="CODES",
        help="report only these warnings (SF501,SF5); house rules (SF6xx) only when selected",
    )
    check.add_argument(
        "--extend-select",
        type=_codes,
        metavar="CODES",
        help="report these warnings too, besides those selected (SF601,ACME)",
    )
    check.add_argument(
        "--ignore", type=_codes, metavar="CODES", help="do not report these warnings"
    )
    check.add_argument(
        "-q", "--quiet", action="store_true", help="one line per problem, no excerpts"
    )
    check.add_argument(
        "--show-settings",
        action="store_true",
        help="print the settings of each PATH and where each comes from; check nothing",
    )
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text output (auto: on a terminal, unless NO_COLOR is set)",
    )
    check.add_argument(
        "--rule-timeout",
        type=_seconds,
        metavar="SECONDS",
        help="the time a plugin's rule may take on one story (default 10)",
    )
    check.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=0,
        metavar="N",
        help="worker processes (default 0: one per core this process may use)",
    )
    check.set_defaults(run="check")

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
    fmt.set_defaults(run="fmt")

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
    convert.set_defaults(run="convert")

    schema = command(
        "schema", "Print the JSON Schema (draft 2020-12) of the JSON form.", reads_stories=False
    )
    schema.add_argument("-o", "--output", metavar="FILE")
    schema.set_defaults(run="schema")

    server = command(
        "server",
        "Serve the Language Server Protocol on stdio, for editors (needs storyfmt[lsp]).",
        reads_stories=False,
    )
    server.add_argument(
        "--stdio", action="store_true", help="use stdio (the only transport, and the default)"
    )
    server.set_defaults(run="server")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``storyfmt`` command; return its exit code."""
    # File names that are not valid UTF-8 must not crash the output.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        configs = Configs.from_command_line(args.config, isolated=args.isolated)
        # Each command's module is imported when it runs: a command pays for
        # its own machinery only (a pool of workers, a language server...).
        command = getattr(import_module(f"storyfmt._cli._{args.run}"), f"cmd_{args.run}")
        _regexcache.keep()  # the patterns of the command's modules, for the next run
        return int(command(args, configs))
    except (CommandError, ConfigError, ValueError, ImportError) as error:
        print_error(str(error))
        return EXIT_FAILURE
    except BrokenPipeError:
        # The reader went away (storyfmt convert | head): what was asked for was
        # not written in full. (check keeps its own status: what it found.)
        silence_stdout()
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the last line of defence: never a traceback
        sys.stderr.write(f"storyfmt: internal error: {type(error).__name__}: {error}\n")
        return EXIT_FAILURE


def run() -> NoReturn:
    """The ``storyfmt`` program: :func:`main`, then exit.

    A command has written and closed all it writes when :func:`main`
    returns, so the program ends there, as mypy's does: the output is
    flushed and the exit handlers run (they stop any process a command
    started), but the interpreter is not torn down object by object, which
    took longer than reading a story. While another thread still runs, or
    when the command exits another way (``--help``, a usage error), the
    interpreter ends as usual.
    """
    code = main()
    if threading.active_count() > 1:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # a reader gone away, or a closed stream
            pass  # what the command found stands, as main() keeps it
    atexit._run_exitfuncs()
    os._exit(code)
