"""``storyfmt fmt``: story files rewritten in canonical form, only when the
rewrite provably means the same."""

from __future__ import annotations

import argparse
import sys

from storyfmt._cli._files import (
    not_selected,
    outside_links,
    patch,
    read,
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
    print_story_errors,
)
from storyfmt._config import Configs
from storyfmt._diagnostics import StoryFormatError
from storyfmt._engine import RewriteError, canonical
from storyfmt._report import (
    visible,
)
from storyfmt._source import LineEnding


def _fmt_one(
    path: str, args: argparse.Namespace, line_ending: LineEnding, outside: dict[str, str]
) -> str:
    """Format one file; say whether it was ``unchanged``, ``changed`` or had ``errors``.

    Raises:
        CommandError: the file cannot be read or written, or was left alone on purpose.
    """
    snapshot = None if path == "-" else read_snapshot(path)
    data = read(path) if snapshot is None else snapshot.data
    shown = display_name(path, args)
    try:
        _, new = canonical(data, line_ending)
    except StoryFormatError as error:
        print_story_errors(shown, error, data)
        return "errors"
    except RewriteError as error:
        raise CommandError(f"{shown}: {error}") from None
    writes = not (args.check or args.diff)
    if path == "-" and writes:
        sys.stdout.buffer.write(new)
        return "unchanged" if new == data else "changed"
    if new == data:
        return "unchanged"
    if args.diff:
        sys.stdout.flush()
        sys.stdout.buffer.write(patch(data, new, shown))
        sys.stdout.buffer.flush()
    if args.check:
        sys.stderr.write(f"would reformat {visible(shown)}\n")
    if writes:
        rewrite(path, new, snapshot, outside)
    return "changed"


def cmd_fmt(args: argparse.Namespace, configs: Configs) -> int:
    """``storyfmt fmt``: rewrite story files in canonical form, safely."""
    found = story_files(args, configs)
    outside = outside_links(found)
    outcomes = {"changed": 0, "unchanged": 0, "errors": 0, "failed": 0}
    for path, reason in found.failures:
        print_error(f"{path}: {reason}")
        outcomes["failed"] += 1
    refused = dict(found.unselected)
    for path, reason in found.unselected:
        print_error(not_selected(path, reason, "format"))
        outcomes["failed"] += 1
    paths = [path for path in found.paths if path not in refused]
    for path in paths:
        line_ending = args.line_ending or configs.for_file(display_name(path, args)).line_ending
        try:
            outcomes[_fmt_one(path, args, line_ending, outside)] += 1
        except CommandError as error:
            print_error(str(error))
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
