"""Configuration of the ``storyfmt`` command: ``[tool.storyfmt]`` or ``storyfmt.toml``."""

from __future__ import annotations

import fnmatch
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, get_args

from storyfmt._codes import Rule, Severity

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

DEFAULT_INCLUDE = ("*.story",)
"""File names taken when a folder is searched: the format's own extension."""

# Folders never searched for stories: version control, environments, caches.
SKIPPED_FOLDERS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
        "node_modules",
        "site-packages",
        "build",
        "dist",
    }
)


LineEnding = Literal["auto", "lf", "crlf"]
"""How ``fmt`` ends lines: as the file does (``auto``), or always LF or CRLF."""

LINE_ENDINGS: tuple[LineEnding, ...] = get_args(LineEnding)


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Config:
    """Settings of ``storyfmt check``; command-line options override them."""

    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    strict: bool = False
    line_ending: LineEnding = "auto"
    path: Path | None = None

    def with_options(self, **options: Any) -> Config:
        """This configuration with the options that were given (not None) applied."""
        given = {name: value for name, value in options.items() if value is not None}
        return replace(self, **given)

    def wants(self, rule: Rule) -> bool:
        """Tell whether a warning is reported (errors always are)."""
        if rule.severity == "error":
            return True
        code = rule.value
        selected = not self.select or any(code.startswith(s) for s in self.select)
        return selected and not any(code.startswith(i) for i in self.ignore)

    def severity_of(self, rule: Rule) -> Severity:
        """The severity a rule is reported with: the catalogue's, unless configured."""
        return self.severity.get(rule.value, rule.severity)


_HEADER = re.compile(r"[ \t]*\[\[?([^\]\n]*)\]")


def _line_of(text: str, table: tuple[str, ...], key: str) -> int | None:
    """The line of TOML text that sets ``key`` in ``table`` (``key = ...``,
    ``key.part = ...`` or a ``[table.key]`` header); None when none does."""
    quoted = "|".join(re.escape(form) for form in (key, f'"{key}"', f"'{key}'"))
    setting = re.compile(rf"[ \t]*(?:{quoted})[ \t]*[=.]")
    current: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header is not None:
            current = tuple(part.strip().strip("\"'") for part in header[1].split("."))
            if current == (*table, key):
                return number
        elif current == table and setting.match(line):
            return number
    return None


def check_codes(codes: list[str], where: str, *, warnings_only: bool) -> tuple[str, ...]:
    """Check rule codes (or code prefixes such as ``SF5``); return them upper-cased.

    Raises:
        ValueError: an unknown code, or an error code where only warnings may go.
    """
    checked = []
    for code in codes:
        upper = code.strip().upper()
        matching = [rule for rule in Rule if rule.value.startswith(upper)] if upper else []
        if not matching:
            raise ValueError(f"{where}: unknown rule code {code!r}")
        errors = [rule.value for rule in matching if rule.severity == "error"]
        if warnings_only and errors:
            raise ValueError(
                f"{where}: {code!r} covers error {errors[0]}; errors cannot be"
                " ignored or selected, only warnings (SF5xx) can"
            )
        checked.append(upper)
    return tuple(checked)


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{where} must be a list of strings")
    return value


def _table_of(path: Path) -> tuple[str, ...]:
    """Where the settings stand in a configuration file."""
    return ("tool", "storyfmt") if path.name == "pyproject.toml" else ()


def parse_config(text: str, path: Path, table: Mapping[str, Any]) -> Config:
    """Turn a ``[tool.storyfmt]`` table into a :class:`Config`.

    Raises:
        ConfigError: an unknown key or a wrong value, with its file and line.
    """
    values: dict[str, Any] = {"path": path}
    for key, value in table.items():
        where = f"{path}:{_line_of(text, _table_of(path), key) or 1}"
        try:
            if key in ("include", "exclude"):
                values[key] = tuple(_strings(value, f"'{key}'"))
            elif key in ("select", "ignore"):
                codes = _strings(value, f"'{key}'")
                values[key] = check_codes(codes, f"'{key}'", warnings_only=True)
            elif key == "strict":
                if not isinstance(value, bool):
                    raise ValueError("'strict' must be true or false")
                values[key] = value
            elif key == "severity":
                values[key] = _severities(value)
            elif key == "line-ending":
                if value not in LINE_ENDINGS:
                    raise ValueError('\'line-ending\' must be "auto", "lf" or "crlf"')
                values["line_ending"] = value
            else:
                raise ValueError(
                    f"unknown key {key!r}; the keys are include, exclude, select,"
                    " ignore, severity, strict and line-ending"
                )
        except ValueError as error:
            raise ConfigError(f"{where}: {error}") from None
    return Config(**values)


def _severities(value: object) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise ValueError("'severity' must be a table such as { SF505 = \"error\" }")
    severities: dict[str, Severity] = {}
    for code, level in value.items():
        known = code.upper()
        if known not in {rule.value for rule in Rule}:
            raise ValueError(f"'severity' needs whole rule codes such as SF505, not {code!r}")
        check_codes([known], "'severity'", warnings_only=True)
        if level not in ("error", "warning"):
            raise ValueError(f'the severity of {code} must be "error" or "warning"')
        severities[known] = level
    return severities


def read_config(path: Path) -> Config | None:
    """Read a configuration file; None for a ``pyproject.toml`` without the table.

    Raises:
        ConfigError: the file cannot be read, is not TOML, or has bad settings.
    """
    try:
        text = path.read_text("utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the configuration: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("storyfmt")
        if table is None:
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.storyfmt] must be a table")
        return parse_config(text, path, table)
    return parse_config(text, path, data)


def find_config(start: Path) -> Config:
    """The configuration nearest to ``start``: in each folder from ``start`` upward,
    ``storyfmt.toml``, then a ``pyproject.toml`` with a ``[tool.storyfmt]`` table.
    With none, the defaults.

    Raises:
        ConfigError: the nearest configuration has bad settings.
    """
    for folder in (start, *start.parents):
        for name in ("storyfmt.toml", "pyproject.toml"):
            candidate = folder / name
            if candidate.is_file():
                config = read_config(candidate)
                if config is not None:
                    return config
    return Config()


# ---- which files a folder search takes ------------------------------------------


def _expand(pattern: str) -> list[str]:
    """The fnmatch patterns of one glob: each ``**/`` is zero folders or ``*/``."""
    head, found, tail = pattern.partition("**/")
    if not found:
        return [pattern]
    return [head + rest for rest in _expand(tail)] + [head + "*/" + rest for rest in _expand(tail)]


def _compile(patterns: Sequence[str]) -> Callable[[str], bool]:
    """One compiled test of whether a string matches any of the globs."""
    expanded = [os.path.normcase(each) for pattern in patterns for each in _expand(pattern)]
    if not expanded:
        return lambda text: False
    match = re.compile("|".join(fnmatch.translate(each) for each in expanded)).match
    if os.name == "nt":  # names differing only in case are the same file
        return lambda text: match(os.path.normcase(text)) is not None
    return lambda text: match(text) is not None


class _Globs:
    """Globs and their base: a pattern without ``/`` matches a name, one with ``/``
    the path relative to the base folder (a leading or trailing ``/`` changes nothing)."""

    def __init__(self, patterns: Sequence[str], base: str) -> None:
        self.patterns = tuple(patterns)
        self.base = base
        self.by_path = any("/" in p for p in patterns)
        self._name = _compile([p for p in patterns if "/" not in p])
        self._path = _compile([p.strip("/") for p in patterns if "/" in p])

    def relative(self, path: str) -> str | None:
        """A path (absolute) relative to the base with ``/``; None outside the base."""
        try:
            relative = os.path.relpath(path, self.base)
        except ValueError:  # another drive
            return None
        if relative == os.pardir or relative.startswith(os.pardir + os.sep):
            return None
        return "" if relative == os.curdir else relative.replace(os.sep, "/")

    def matches(self, relative: str | None, name: str) -> bool:
        """Whether a file or folder matches, by its name or its relative path."""
        return self._name(name) or (relative is not None and self._path(relative))


Place = tuple[str | None, ...]
"""A path as each set of globs sees it: relative to its base, or None outside."""

_ANYWHERE: Place = (None, None, None)


class Selection:
    """Which files are story files: ``include`` and not ``exclude``.

    The patterns of a configuration file are relative to its folder; those given
    with ``--exclude``, and all of them without a configuration file, to the
    current folder.
    """

    def __init__(self, config: Config, exclude: Sequence[str] = ()) -> None:
        here = os.getcwd()
        base = os.path.dirname(os.path.abspath(config.path)) if config.path else here
        self.include = _Globs(config.include, base)
        self.excludes = (_Globs(config.exclude, base), _Globs(exclude, here))
        self._all = (self.include, *self.excludes)
        self._by_path = any(globs.by_path for globs in self._all)
        self._excluding = any(globs.patterns for globs in self.excludes)

    def place(self, path: str) -> Place:
        """Where a path (as given, relative to the current folder or absolute) is."""
        absolute = os.path.abspath(path)
        return tuple(globs.relative(absolute) for globs in self._all)

    def child(self, place: Place, name: str) -> Place:
        """The place of an entry of the folder at ``place``."""
        if not self._by_path:  # only names matter: spare building paths
            return _ANYWHERE
        return tuple(
            None if relative is None else (relative + "/" + name if relative else name)
            for relative in place
        )

    def _excluded_by(self, place: Place, name: str) -> str | None:
        for globs, relative in zip(self.excludes, place[1:], strict=True):
            # "" is the base itself, which its own patterns do not exclude
            if globs.patterns and relative != "" and globs.matches(relative, name):
                return ", ".join(globs.patterns)
        return None

    def keeps_folder(self, place: Place, name: str) -> bool:
        """Whether a folder found in a search is searched."""
        return self._excluded_by(place, name) is None

    def refusal(self, place: Place, name: str) -> str | None:
        """Why a file is not a story file (``by include (*.story)``); None if it is."""
        if not self.include.matches(place[0], name):
            return f"by include ({', '.join(self.include.patterns)})"
        if not self._excluding:
            return None
        excluded = self._excluded_by(place, name)
        return None if excluded is None else f"by exclude ({excluded})"

    def refusal_of(self, path: str) -> str | None:
        """:meth:`refusal` for a file named on the command line, whose folders are
        tested against ``exclude`` too (see :meth:`excluded`)."""
        place = self.place(path)
        refused = self.refusal(place, os.path.basename(os.path.abspath(path)))
        return refused if refused is not None else self._excluded_above(place)

    def excluded(self, path: str) -> str | None:
        """Which ``exclude`` patterns skip a folder named on the command line, or
        hold it; its folders count only where they are inside the base."""
        place = self.place(path)
        name = os.path.basename(os.path.abspath(path))
        refused = self._excluded_by(place, name)
        return f"by exclude ({refused})" if refused is not None else self._excluded_above(place)

    def _excluded_above(self, place: Place) -> str | None:
        for globs, relative in zip(self.excludes, place[1:], strict=True):
            folders = relative.split("/")[:-1] if relative else []
            for depth in range(1, len(folders) + 1):
                if globs.matches("/".join(folders[:depth]), folders[depth - 1]):
                    return f"by exclude ({', '.join(globs.patterns)})"
        return None
