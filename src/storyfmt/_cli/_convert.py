"""``storyfmt convert``: stories between text, JSON, YAML and JSON Lines, and to
Markdown and HTML."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from storyfmt._cli._files import discover, emit, read
from storyfmt._cli._terminal import (
    EXIT_OK,
    EXIT_PROBLEMS,
    CommandError,
    display_name,
    print_story_errors,
)
from storyfmt._config import (
    Configs,
    Selection,
)
from storyfmt._diagnostics import StoryFormatError
from storyfmt._models import StoryBrief, StoryCard
from storyfmt._parser import loads
from storyfmt._render import to_html, to_markdown
from storyfmt._serialize import (
    from_json,
    from_yaml,
    read_jsonl,
    to_json,
    to_yaml,
)
from storyfmt._writer import dumps

Story = StoryCard | StoryBrief

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

    def __init__(self, args: argparse.Namespace, configs: Configs) -> None:
        self.args = args
        found = discover(args.inputs, Selection(configs))
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
            print_story_errors(name, error, data)
            self.failed = True
            return None

    def __iter__(self) -> Iterator[tuple[str, str, Story]]:
        for path, source in self.formats.items():
            data = read(path)
            shown = display_name(path, self.args)
            if source == "jsonl":
                yield from self._records(shown, data)
                continue
            story = self._parse(shown, data, source)
            if story is not None:
                yield shown, _record_name(shown, self.folders), story

    def _records(self, path: str, data: bytes) -> Iterator[tuple[str, str, Story]]:
        for number, name, reading in read_jsonl(data):
            if reading.problems:
                print_story_errors(path, StoryFormatError(reading.problems), data)
                self.failed = True
            elif name is not None and reading.story is not None:
                yield f"{path}:{number}", name, reading.story


def cmd_convert(args: argparse.Namespace, configs: Configs) -> int:
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
    inputs = _Inputs(args, configs)
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
        emit(destination, text)
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
