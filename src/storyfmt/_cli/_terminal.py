"""What the command says on its streams: exit codes, failures, story errors."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO

from storyfmt._diagnostics import StoryFormatError, render
from storyfmt._report import (
    visible,
)
from storyfmt._source import decode, split_lines

EXIT_OK, EXIT_PROBLEMS, EXIT_FAILURE = 0, 1, 2


class CommandError(Exception):
    """A failure of the command itself (not of a story): one line, exit code 2."""


def display_name(path: str, args: argparse.Namespace) -> str:
    """The name a file is reported by: stdin goes by ``--stdin-filename`` if given."""
    return (args.stdin_filename or "-") if path == "-" else path


def use_color(choice: str, stream: TextIO) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def silence_stdout() -> None:
    """Send what is left of the output nowhere, so no error shows at exit."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def print_error(message: str) -> None:
    """A failure of the command, one line on stderr, control characters made visible."""
    sys.stderr.write(f"storyfmt: error: {visible(message)}\n")


def print_story_errors(path: str, error: StoryFormatError, data: bytes) -> None:
    lines = split_lines(decode(data))
    color = use_color("auto", sys.stderr)
    for item in error.diagnostics:
        sys.stderr.write(render(item, lines, visible(path), color=color) + "\n\n")
