"""Files for the commands: finding story files, reading them, and writing safely."""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from storyfmt._cli._terminal import CommandError
from storyfmt._config import (
    SKIPPED_FOLDERS,
    Configs,
    Place,
    Selection,
)
from storyfmt._files import NotRewritten, Snapshot, links_outside, write_file


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
            found.failures.append((path, f"cannot read the folder: {reason(error)}"))
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

    A path that does not exist is one of :attr:`Found.failures`.

    Raises:
        CommandError: a folder without story files.
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
                patterns = ", ".join(selection.include_patterns(argument))
                raise CommandError(f"{argument}: no story files ({patterns}) in this folder")
        elif os.path.lexists(argument):  # a broken link too: reading it says why
            refused = selection.refusal_of(argument)
            if refused is not None:
                if force_exclude:
                    continue
                found.unselected.append((argument, refused))
            found.paths.append(argument)
        else:  # a failure to report in every output format, as an unreadable one is
            found.failures.append((argument, "no such file or folder"))
    found.paths = _once(found.paths) if several else sorted(set(found.paths))
    for argument in arguments:  # a file named is the user's choice, wherever it leads
        found.folder_of.pop(argument, None)
    return found


def read(path: str, stdin: bool = True) -> bytes:
    try:
        if path == "-" and stdin:
            return sys.stdin.buffer.read()
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise CommandError(f"{path}: {cannot_read(path, error)}") from None


def reason(error: OSError) -> str:
    return error.strerror or str(error)


def cannot_read(path: str, error: OSError) -> str:
    """Why a file cannot be read, in words: a broken link says where it leads."""
    if isinstance(error, FileNotFoundError) and os.path.islink(path):
        return f"cannot read: a broken symbolic link (to {os.readlink(path)})"
    return f"cannot read: {reason(error)}"


def read_snapshot(path: str) -> Snapshot:
    """A file's bytes and identity, read for ``fmt``."""
    try:
        return Snapshot.read(path)
    except OSError as error:
        raise CommandError(f"{path}: {cannot_read(path, error)}") from None


def write(path: str, data: bytes, expected: Snapshot | None = None) -> None:
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


def story_files(args: argparse.Namespace, configs: Configs) -> Found:
    """:func:`discover` with the selection of the configurations and the options."""
    selection = Selection(configs, args.exclude or ())
    return discover(args.paths, selection, force_exclude=args.force_exclude)


def emit(output: str | None, text: str) -> None:
    if output is None or output == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write(output, text.encode("utf-8"))


def _patch_lines(data: bytes) -> list[str]:
    """Lines as ``patch`` sees them: each ended by LF, the last one perhaps not."""
    return re.findall(r"[^\n]*\n|[^\n]+", data.decode("utf-8", "surrogateescape"))


def patch(old: bytes, new: bytes, name: str) -> bytes:
    """A unified diff that ``patch`` can apply, byte-order mark and line breaks included."""
    out: list[str] = []
    import difflib  # noqa: PLC0415 (only --diff needs it)

    for line in difflib.unified_diff(_patch_lines(old), _patch_lines(new), name, name):
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out).encode("utf-8", "surrogateescape")


def outside_links(found: Found) -> dict[str, str]:
    """The files found through a link to outside the folder searched, with that folder."""
    return links_outside((found.folder_of.get(path, path), path) for path in found.paths)


def not_selected(path: str, reason: str, verb: str) -> str:
    """Why a file named on the command line is not rewritten (to ``verb`` it)."""
    return (
        f"{path}: not selected as a story file {reason}; not rewritten (to {verb} it,"
        " make include and exclude in storyfmt.toml or [tool.storyfmt] select it)"
    )


def rewrite(path: str, data: bytes, snapshot: Snapshot | None, outside: dict[str, str]) -> None:
    """Write a story file back, safely, unless it is a link out of the folder searched.

    Raises:
        CommandError: the file was left as it was, with the reason.
    """
    if path in outside:
        raise CommandError(f"{path}: a link to a file outside {outside[path]}; not rewritten")
    write(path, data, snapshot)
