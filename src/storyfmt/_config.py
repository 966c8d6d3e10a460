"""Configuration of the ``storyfmt`` command: ``[tool.storyfmt]`` or ``storyfmt.toml``."""

from __future__ import annotations

import fnmatch
import json
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, get_args

from storyfmt._codes import Rule, Severity, own_rule
from storyfmt._house import RULE_TIMEOUT, House, Vocabulary
from storyfmt._house._base import Options, SettingError, toml
from storyfmt._house._registry import configured, read_rules, read_vocabulary
from storyfmt._plugins import PluginError, load, related, rule_of
from storyfmt._report import FileReport
from storyfmt._ruledocs import DOCS_URL
from storyfmt._source import LineEnding

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


LINE_ENDINGS: tuple[LineEnding, ...] = get_args(LineEnding)


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and line."""


CONFIG_FILES = ("storyfmt.toml", "pyproject.toml")
"""The configuration files looked for in each folder, in this order."""

# The settings: their keys in a configuration file and their fields in Config,
# in the order the keys are listed.
SETTINGS = {
    "include": "include",
    "exclude": "exclude",
    "select": "select",
    "extend-select": "extend_select",
    "ignore": "ignore",
    "per-file-ignores": "per_file_ignores",
    "severity": "severity",
    "strict": "strict",
    "line-ending": "line_ending",
    "docs-url": "docs_url",
    "rule-timeout": "rule_timeout",
    "vocabulary": "vocabulary",
    "rules": "rules",
}


@dataclass(frozen=True)
class Origin:
    """Where a setting was given: a line of a configuration file, or an option."""

    path: Path | None = None
    line: int = 0
    option: str = ""

    def __str__(self) -> str:
        return self.option or f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Config:
    """The settings stories are checked, fixed and formatted under: those of a
    ``storyfmt.toml`` file or of the ``[tool.storyfmt]`` table of a
    ``pyproject.toml`` (see the configuration docs).

    ``Config()`` holds the defaults. Read one from a file with
    :meth:`from_file`, find the one that applies to a story file as the
    ``storyfmt`` command does with :meth:`find`, or build one in code from a
    table like the file's with :meth:`from_table`. The command-line options
    of ``storyfmt check`` override a configuration's settings.

    ``path`` is the configuration file read, ``extends`` the files it extends
    (each extending the next), and ``origins`` tells, by key, where each setting
    that is not the default was given.
    """

    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    """Codes selected besides those of ``select`` (or of the default selection)."""
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    strict: bool = False
    line_ending: LineEnding = "auto"
    docs_url: str = DOCS_URL
    """The docs site the rules are linked on, ending with ``/``."""
    rule_timeout: float = RULE_TIMEOUT
    """The seconds a plugin's rule may take on one story."""
    vocabulary: Vocabulary = Vocabulary()  # noqa: RUF009 - a tuple of tuples, never changed
    rules: Mapping[str, Options] = field(default_factory=dict)
    path: Path | None = None
    extends: tuple[Path, ...] = ()
    origins: Mapping[str, tuple[Origin, ...]] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> Config:
        """Read a ``storyfmt.toml``, or the ``[tool.storyfmt]`` table of a
        ``pyproject.toml``, and the files it extends.

        Raises:
            ConfigError: the file cannot be read, is not TOML, has no settings
                or bad ones (the message names the file and the line).
        """
        config = read_config(Path(os.path.abspath(path)))
        if config is None:
            raise ConfigError(f"{os.fspath(path)}: has no [tool.storyfmt] table")
        return config

    @classmethod
    def find(cls, path: str | os.PathLike[str]) -> Config:
        """The configuration of a story file as the ``storyfmt`` command finds
        it: that of the nearest ``storyfmt.toml`` or ``pyproject.toml`` with
        settings, in the file's folder or above it; the defaults if there is none.

        Raises:
            ConfigError: the configuration file found cannot be used.
        """
        return Configs().for_file(os.fspath(path))

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> Config:
        """A configuration built in code, from a table with the keys and values
        of the configuration file (``{"select": ["SF601"], "rules":
        {"title-too-long": {"max": 60}}}``); patterns are relative to the
        current folder.

        Raises:
            ConfigError: an unknown key or a wrong value, or ``extend``
                (which names a file: use :meth:`from_file`).
        """
        if "extend" in table:
            raise ConfigError("'extend' names a file to extend: read it with Config.from_file")
        return parse_config("", None, table)

    def with_options(self, **options: Any) -> Config:
        """This configuration under the command-line options given (not None): each
        replaces its setting, but the codes of ``ignore`` and ``extend-select``
        are added to the setting's; ``select`` drops the setting's ``extend-select``
        (only those warnings are reported)."""
        given = {name: value for name, value in options.items() if value is not None}
        base = replace(self, extend_select=()) if "select" in given else self
        origins = dict(base.origins)
        if "select" in given:
            origins.pop("extend-select", None)
        for name in given:
            key = name.replace("_", "-")
            option = (Origin(option=f"--{key}"),)
            origins[key] = origins.get(key, ()) + option if name in _ADDED else option
        added = {name: getattr(base, name) + tuple(given[name]) for name in _ADDED if name in given}
        return replace(base, **{**given, **added}, origins=origins)

    def wants(self, code: str) -> bool:
        """Tell whether a diagnostic of a code is reported: an error always is; a
        warning of a house rule (SF6xx) or of a plugin only when selected."""
        own = own_rule(code)
        if own is not None and own.severity == "error":
            return True
        opt_in = own is None or own.house
        selected = any(code.startswith(s) for s in self.select) if self.select else not opt_in
        selected = selected or any(code.startswith(s) for s in self.extend_select)
        return selected and not any(code.startswith(i) for i in self.ignore)

    def severity_of(self, code: str) -> Severity:
        """The severity a code is reported with: the catalogue's (a plugin's rules
        give warnings), unless configured."""
        own = own_rule(code)
        return self.severity.get(code, own.severity if own is not None else "warning")

    def base(self, key: str) -> str:
        """The folder the patterns of a setting are relative to: that of the
        configuration file that gave them, else the current folder."""
        given = [origin.path for origin in self.origins.get(key, ()) if origin.path]
        return os.path.dirname(os.path.abspath(given[-1])) if given else os.getcwd()

    @cached_property
    def _per_file(self) -> list[tuple[str, _Globs, tuple[str, ...]]]:
        base = self.base("per-file-ignores")
        return [(glob, _Globs([glob], base), codes) for glob, codes in self.per_file_ignores]

    @cached_property
    def _folders(self) -> dict[str, str | None]:
        """Folders (as given) relative to the base of the per-file-ignores."""
        return {}

    def ignored_in(self, path: str) -> list[tuple[str, tuple[str, ...]]]:
        """The per-file-ignores that match a file: each glob with its codes."""
        if not self.per_file_ignores:
            return []
        folder, name = os.path.split(path)
        if folder not in self._folders:
            base = self.base("per-file-ignores")
            self._folders[folder] = relative_path(os.path.abspath(folder), base)
        inside = self._folders[folder]
        relative = None if inside is None else f"{inside}/{name}" if inside else name
        return [
            (glob, codes) for glob, globs, codes in self._per_file if globs.matches(relative, name)
        ]

    def at(self, path: str) -> Config:
        """This configuration for one file: with the codes of the per-file-ignores
        that match it added to ``ignore``."""
        codes = tuple(code for _, each in self.ignored_in(path) for code in each)
        return replace(self, ignore=self.ignore + codes) if codes else self

    def house(self, path: str | None = None) -> House:
        """The vocabularies and the rules selected (for the file at ``path``, its
        per-file-ignores left out), each rule with its options: built once."""
        config = self if path is None else self.at(path)
        house = self._houses.get(config.ignore)
        if house is None:
            house = self._houses[config.ignore] = configured(
                config.vocabulary, config.rules, config.wants, config.rule_timeout
            )
        return house

    @cached_property
    def _houses(self) -> dict[tuple[str, ...], House]:
        return {}

    def apply(self, report: FileReport) -> FileReport:
        """A file's report under this configuration: the warnings it does not want
        (per-file-ignores too) left out, each severity as configured, and strict."""
        if not report.diagnostics:
            return report
        config = self.at(report.path)
        kept = []
        for item in report.diagnostics:
            if config.wants(item.code):
                kept.append(item._replace(severity=self.severity_of(item.code)))
        return replace(report, diagnostics=kept, strict=self.strict)


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

    A code of a plugin (``ACME101``) loads the plugin, to know its rules.

    Raises:
        ValueError: an unknown code, an error code where only warnings may go,
            or a plugin that cannot be loaded.
    """
    checked = []
    for code in codes:
        upper = code.strip().upper()
        if not upper:
            raise ValueError(f"{where}: unknown rule code {code!r}")
        matching = [rule for rule in Rule if rule.value.startswith(upper)]
        errors = [rule.value for rule in matching if rule.severity == "error"]
        if warnings_only and errors:
            raise ValueError(
                f"{where}: {code!r} covers error {errors[0]}; errors cannot be"
                " ignored or selected, only warnings (SF5xx and SF6xx) can"
            )
        plugged = []
        for name in related(upper):
            try:
                rules = load(name).rules
            except PluginError as error:
                raise ValueError(f"{where}: {error}") from None
            plugged += [rule.code for rule in rules if rule.code.startswith(upper)]
        if not matching and not plugged:
            letters = re.match(r"[A-Z]*", upper)
            prefix = letters[0] if letters else ""
            advice = (
                f"; no installed plugin gives {prefix} codes"
                if prefix and not prefix.startswith("SF") and not related(prefix)
                else ""
            )
            raise ValueError(f"{where}: unknown rule code {code!r}{advice}")
        checked.append(upper)
    return tuple(checked)


def whole_code(code: str) -> bool:
    """Tell whether a code (upper case) is one rule's, of storyfmt's or of a plugin
    loaded, not a prefix."""
    return own_rule(code) is not None or rule_of(code) is not None


def _strings(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"{where} must be a list of strings")
    return value


def _table_of(path: Path | None) -> tuple[str, ...]:
    """Where the settings stand in a configuration file."""
    return ("tool", "storyfmt") if path is not None and path.name == "pyproject.toml" else ()


def _at(path: Path | None, line: int) -> str:
    """How an error names the line of a setting: ``file:line: `` (nothing for a
    table given in code)."""
    return f"{path}:{line}: " if path is not None else ""


def parse_config(text: str, path: Path | None, table: Mapping[str, Any]) -> Config:
    """Turn a ``[tool.storyfmt]`` table into a :class:`Config` (``extend`` is
    checked here, and followed by :func:`read_config`); ``path`` is the file
    the table was read from, None for a table given in code.

    Raises:
        ConfigError: an unknown key or a wrong value, with its file and line.
    """
    values: dict[str, Any] = {"path": path}
    origins: dict[str, tuple[Origin, ...]] = {}
    where_table = _table_of(path)
    for key, value in table.items():
        line = _line_of(text, where_table, key) or 1
        try:
            if key in ("include", "exclude"):
                values[key] = tuple(_strings(value, f"'{key}'"))
            elif key in ("select", "extend-select", "ignore"):
                codes = _strings(value, f"'{key}'")
                values[SETTINGS[key]] = check_codes(codes, f"'{key}'", warnings_only=True)
            elif key == "per-file-ignores":
                values["per_file_ignores"] = _per_file_ignores(text, path, value, line)
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
            elif key == "docs-url":
                values["docs_url"] = _docs_url(value)
            elif key == "rule-timeout":
                values["rule_timeout"] = seconds(value, "'rule-timeout'")
            elif key == "vocabulary":
                values[key] = _house_setting(text, path, read_vocabulary, value)
            elif key == "rules":
                values[key] = _house_setting(text, path, read_rules, value)
            elif key == "extend":
                if not isinstance(value, str) or not value:
                    raise ValueError("'extend' must be the path of a configuration file")
            else:
                *keys, last = ("extend", *SETTINGS)
                raise ValueError(f"unknown key {key!r}; the keys are {', '.join(keys)} and {last}")
        except ValueError as error:
            raise ConfigError(f"{_at(path, line)}{error}") from None
        origins[key] = (Origin(path, line) if path else Origin(option="Config.from_table"),)
    return Config(**values, origins=origins)


def _per_file_ignores(
    text: str, path: Path | None, value: object, line: int
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Check a ``per-file-ignores`` table (``line``: that of its key).

    Raises:
        ValueError: the value is not a table.
        ConfigError: an entry with a wrong value or an error code, at its own line.
    """
    if not isinstance(value, dict):
        raise ValueError(
            "'per-file-ignores' must be a table of globs and codes,"
            ' such as { "drafts/**" = ["SF5"] }'
        )
    table = (*_table_of(path), "per-file-ignores")
    entries = []
    for glob, codes in value.items():
        where = f"'per-file-ignores' {glob!r}"
        try:
            checked = check_codes(_strings(codes, where), where, warnings_only=True)
        except ValueError as error:
            at = _line_of(text, table, glob) or line
            raise ConfigError(f"{_at(path, at)}{error}") from None
        entries.append((glob, checked))
    return tuple(entries)


def seconds(value: object, what: str) -> float:
    """A time limit: a number of seconds above zero."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not 0 < value < 10**6  # a limit: not a number too large to wait on
    ):
        raise ValueError(
            f"{what} must be a number of seconds above 0, such as 10, got {toml(value)}"
        )
    return float(value)


def _docs_url(value: object) -> str:
    """The address of a docs site, ending with ``/`` so that pages can follow it."""
    if not isinstance(value, str) or not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
        raise ValueError(
            f"'docs-url' must be the http or https address of the docs site, such as \"{DOCS_URL}\""
        )
    return value if value.endswith("/") else value + "/"


def _house_setting(
    text: str, path: Path | None, read: Callable[[object], Any], value: object
) -> Any:
    """Read the ``vocabulary`` or ``rules`` table; a wrong value is named by the
    line of the deepest key that leads to it.

    Raises:
        ConfigError: a wrong value.
    """
    try:
        return read(value)
    except SettingError as error:
        keys = (*_table_of(path), *error.keys)
        lines = (
            _line_of(text, keys[: depth - 1], keys[depth - 1]) for depth in range(len(keys), 0, -1)
        )
        line = next((found for found in lines if found is not None), 1)
        raise ConfigError(f"{_at(path, line)}{error}") from None


def _severities(value: object) -> dict[str, Severity]:
    if not isinstance(value, dict):
        raise ValueError("'severity' must be a table such as { SF505 = \"error\" }")
    severities: dict[str, Severity] = {}
    for code, level in value.items():
        known = code.upper()
        check_codes([known], "'severity'", warnings_only=True)
        if not whole_code(known):
            raise ValueError(f"'severity' needs whole rule codes such as SF505, not {code!r}")
        if level not in ("error", "warning"):
            raise ValueError(f'the severity of {code} must be "error" or "warning"')
        severities[known] = level
    return severities


_ADDED = ("ignore", "extend_select")
"""The settings whose codes add to those given before them (the base's, the
configuration's) instead of replacing them."""


def _extended(base: Config, own: Config) -> Config:
    """``own`` over the configuration it extends: each setting it gives replaces
    the base's, except ``ignore`` and ``extend-select``, which add to the base's
    unless ``own`` gives ``select`` too (a new start, as in ruff)."""
    keys = [key for key in own.origins if key in SETTINGS]
    changes = {SETTINGS[key]: getattr(own, SETTINGS[key]) for key in keys}
    origins = {**base.origins, **own.origins}
    for name in _ADDED:
        key = name.replace("_", "-")
        if "select" in keys:
            changes.setdefault(name, ())
            if key not in keys:
                origins.pop(key, None)
        elif key in keys:
            changes[name] = getattr(base, name) + getattr(own, name)
            origins[key] = base.origins.get(key, ()) + own.origins[key]
    return replace(
        base, **changes, path=own.path, extends=own.extends + base.extends, origins=origins
    )


_TOML_PLACE = re.compile(r"(.*) \(at line ([0-9]+), column ([0-9]+)\)", re.DOTALL)
"""Where a TOML reader's error says it is: the message, its line and column."""


def _load(path: Path) -> tuple[str, Mapping[str, Any] | None]:
    """A configuration file's text and settings; None for a ``pyproject.toml``
    without a ``[tool.storyfmt]`` table.

    Raises:
        ConfigError: the file cannot be read or is not TOML.
    """
    try:
        # A byte-order mark is no part of the TOML, as it is no part of a story.
        text = path.read_text("utf-8-sig")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the configuration: {error}") from None
    except tomllib.TOMLDecodeError as error:
        at = _TOML_PLACE.fullmatch(str(error))
        if at is None:
            raise ConfigError(f"{path}: invalid TOML: {error}") from None
        raise ConfigError(f"{path}:{at[2]}:{at[3]}: invalid TOML: {at[1]}") from None
    if path.name != "pyproject.toml":
        return text, data
    table = data.get("tool", {}).get("storyfmt")
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.storyfmt] must be a table")
    return text, table


def read_config(path: Path) -> Config | None:
    """Read a configuration file, and those it extends; None for a
    ``pyproject.toml`` without the table.

    Raises:
        ConfigError: a file cannot be read, is not TOML, or has bad settings; an
            ``extend`` leads to a file that is missing, has no settings, or
            extends back.
    """
    return _read(path, ())


def _read(path: Path, extending: tuple[Path, ...]) -> Config | None:
    """:func:`read_config`, from the files ``extending`` it (resolved, in order)."""
    text, table = _load(path)
    if table is None:
        return None
    own = parse_config(text, path, table)
    target = table.get("extend")
    if target is None:
        return own
    where = f"{path}:{_line_of(text, _table_of(path), 'extend') or 1}"
    base_path = Path(os.path.normpath(path.parent / target))
    chain = (*extending, path.resolve())
    if base_path.resolve() in chain:
        cycle = " -> ".join(str(each) for each in (*chain, base_path.resolve()))
        raise ConfigError(f"{where}: 'extend' makes a cycle: {cycle}")
    if not base_path.is_file():
        raise ConfigError(f"{where}: 'extend': no such configuration file: {base_path}")
    base = _read(base_path, chain)
    if base is None:
        raise ConfigError(f"{where}: 'extend': {base_path} has no [tool.storyfmt] table")
    return _extended(base, replace(own, extends=(base_path,)))


class Configs:
    """The configuration of each file: that of the nearest configuration file
    above it, or one for all files (given with ``--config``, or the defaults with
    ``--isolated``); the command-line options override them all.

    Each folder is looked up once, and each configuration file found read once.
    """

    def __init__(self, fixed: Config | None = None, **options: Any) -> None:
        self._fixed = fixed
        self._options = options
        self._default = (fixed or Config()).with_options(**options)
        self._folders: dict[str, Config] = {}
        self._files: dict[str, Config] = {}  # by the folder of a path as given

    @classmethod
    def from_command_line(cls, path: str | None, *, isolated: bool) -> Configs:
        """The configurations the options ``--config FILE`` and ``--isolated`` ask for.

        Raises:
            ConfigError: the file given cannot be used.
        """
        if isolated:
            return cls(Config())
        if path is None:
            return cls()
        config = read_config(Path(path))
        if config is None:
            raise ConfigError(f"{path}: has no [tool.storyfmt] table")
        return cls(config)

    def with_options(self, **options: Any) -> Configs:
        """These configurations under command-line options (see :meth:`Config.with_options`)."""
        return Configs(self._fixed, **options)

    def for_folder(self, folder: str) -> Config:
        """The configuration of the files in a folder (an absolute path).

        Raises:
            ConfigError: the nearest configuration file cannot be used.
        """
        config = self._folders.get(folder)
        if config is None:
            config = self._folders[folder] = self._find(folder)
        return config

    def for_file(self, path: str) -> Config:
        """The configuration of a file (its path as given); see :meth:`for_folder`."""
        folder = os.path.dirname(path)
        config = self._files.get(folder)
        if config is None:
            config = self._files[folder] = self.for_folder(os.path.abspath(folder))
        return config

    def _find(self, folder: str) -> Config:
        if self._fixed is not None:
            return self._default
        for name in CONFIG_FILES:
            candidate = os.path.join(folder, name)
            if os.path.isfile(candidate):
                config = read_config(Path(candidate))
                if config is not None:
                    return config.with_options(**self._options)
        parent = os.path.dirname(folder)
        return self._default if parent == folder else self.for_folder(parent)

    def show(self, path: str) -> str:
        """The settings of a file, one a line, each as ``key = value  # origin``
        (a file and line, an option, or ``default``); for a folder, those of the
        files in it.

        Raises:
            ConfigError: the configuration cannot be used.
            ValueError: there is no such file or folder.
        """
        if path != "-" and not os.path.lexists(path):
            raise ValueError(f"{path}: no such file or folder")
        folder = os.path.isdir(path)
        config = self.for_folder(os.path.abspath(path)) if folder else self.for_file(path)
        if config.path is None:
            found = "--isolated" if self._fixed is not None else "no configuration file above"
        else:
            found = "--config" if self._fixed is not None else "the nearest"
        lines = [
            ("config-file", _toml(str(config.path)) if config.path else "none", found),
            ("extends", _toml([str(each) for each in config.extends]), _origin(config, "extend")),
        ]
        for key, name in SETTINGS.items():
            value = getattr(config, name)
            shown = _toml(dict(value) if key == "per-file-ignores" else value)
            lines.append((key, shown, _origin(config, key)))
        if not folder:
            matched = config.ignored_in(path)
            globs = ", ".join(_toml(glob) for glob, _ in matched)
            lines.append(
                (
                    "ignored-here",
                    _toml([code for _, codes in matched for code in codes]),
                    f"per-file-ignores {globs}" if matched else "no per-file-ignores glob matches",
                )
            )
        width = max(len(key) + len(value) for key, value, _ in lines) + 3
        heading = f"the files in {path}" if folder else path
        return f"Settings of {heading}:\n" + "".join(
            f"  {f'{key} = {value}':<{width}}  # {origin}\n" for key, value, origin in lines
        )


def _origin(config: Config, key: str) -> str:
    """Where a setting was given, for people: files and lines, options, or ``default``."""
    return ", ".join(str(origin) for origin in config.origins.get(key, ())) or "default"


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _toml(value: object) -> str:
    """A setting's value as TOML writes it, on one line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Vocabulary):
        value = {key.replace("_", "-"): list(known) for key, known in value._asdict().items()}
    if isinstance(value, Mapping):
        items = [
            f"{key if _BARE_KEY.fullmatch(key) else _toml(key)} = {_toml(item)}"
            for key, item in value.items()
        ]
        return "{ " + ", ".join(items) + " }" if items else "{}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)


# ---- which files a folder search takes ------------------------------------------


def _expand(pattern: str) -> list[str]:
    """The fnmatch patterns of one glob: each ``**/`` is zero folders or ``*/``."""
    head, found, tail = pattern.partition("**/")
    if not found:
        return [pattern]
    return [head + rest for rest in _expand(tail)] + [head + "*/" + rest for rest in _expand(tail)]


def relative_path(path: str, base: str) -> str | None:
    """An absolute path relative to the folder ``base``, with ``/`` whatever the
    system; ``""`` for the folder itself, None outside it."""
    try:
        relative = os.path.relpath(path, base)
    except ValueError:  # another drive
        return None
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return None
    return "" if relative == os.curdir else relative.replace(os.sep, "/")


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
        return relative_path(path, self.base)

    def matches(self, relative: str | None, name: str) -> bool:
        """Whether a file or folder matches, by its name or its relative path."""
        return self._name(name) or (relative is not None and self._path(relative))


Relative = tuple[str | None, ...]
"""A path as each set of globs sees it: relative to its base, or None outside."""

_ANYWHERE: Relative = (None, None, None)


class _ConfigSelection:
    """Which files one configuration takes: ``include`` and not ``exclude``.

    The patterns of a configuration file are relative to its folder; those given
    with ``--exclude``, and all of them without a configuration file, to the
    current folder.
    """

    def __init__(self, config: Config, exclude: Sequence[str] = ()) -> None:
        self.include = _Globs(config.include, config.base("include"))
        self.excludes = (
            _Globs(config.exclude, config.base("exclude")),
            _Globs(exclude, os.getcwd()),
        )
        self._all = (self.include, *self.excludes)
        self._by_path = any(globs.by_path for globs in self._all)
        self._excluding = any(globs.patterns for globs in self.excludes)

    def place(self, path: str) -> Relative:
        """Where a path (absolute) is."""
        return tuple(globs.relative(path) for globs in self._all)

    def child(self, place: Relative, name: str) -> Relative:
        """The place of an entry of the folder at ``place``."""
        if not self._by_path:  # only names matter: spare building paths
            return _ANYWHERE
        return tuple(
            None if relative is None else (relative + "/" + name if relative else name)
            for relative in place
        )

    def excluded_by(self, place: Relative, name: str) -> str | None:
        """Which ``exclude`` patterns skip a file or folder; None if none do."""
        for globs, relative in zip(self.excludes, place[1:], strict=True):
            # "" is the base itself, which its own patterns do not exclude
            if globs.patterns and relative != "" and globs.matches(relative, name):
                return f"by exclude ({', '.join(globs.patterns)})"
        return None

    def refusal(self, place: Relative, name: str) -> str | None:
        """Why a file is not a story file (``by include (*.story)``); None if it is."""
        if not self.include.matches(place[0], name):
            return f"by include ({', '.join(self.include.patterns)})"
        return self.excluded_by(place, name) if self._excluding else None

    def excluded_inside(self, place: Relative, name: str) -> str | None:
        """:meth:`excluded_by`, for a folder holding a path named on the command
        line: patterns count only where it is inside their base."""
        for globs, relative in zip(self.excludes, place[1:], strict=True):
            if relative and globs.matches(relative, name):
                return f"by exclude ({', '.join(globs.patterns)})"
        return None

    def holds(self, folder: str) -> bool:
        """Whether a folder (absolute) is inside the base of any of the patterns."""
        return any(globs.relative(folder) for globs in self._all)


class Place:
    """Where a file or folder found in a search is: its folder (absolute) and
    name, the selection of that folder, and its path as that one's globs see it.

    A folder named on the command line has the selection of its own folder.
    """

    __slots__ = ("folder", "inner", "name", "relative", "selection")

    def __init__(
        self, folder: str, name: str, selection: _ConfigSelection, relative: Relative
    ) -> None:
        self.folder = folder
        self.name = name
        self.selection = selection
        self.relative = relative
        # For a folder searched: its path, the selection of its entries, and its
        # path as that one sees it.
        self.inner: tuple[str, _ConfigSelection, Relative] | None = None

    @property
    def path(self) -> str:
        """The absolute path (joined only when asked: files found never need it)."""
        return os.path.join(self.folder, self.name)


class Selection:
    """Which files are story files: in each folder, those that the ``include``
    and ``exclude`` of its configuration (see :class:`Configs`) take, and that
    the patterns given with ``--exclude`` do not exclude.

    Raises:
        ConfigError: (from each method) a configuration that cannot be used.
    """

    def __init__(self, configs: Configs, exclude: Sequence[str] = ()) -> None:
        self._configs = configs
        self._exclude = tuple(exclude)
        self._selections: dict[Path | None, _ConfigSelection] = {}

    def _of(self, folder: str) -> _ConfigSelection:
        """The selection of the entries of a folder (an absolute path)."""
        config = self._configs.for_folder(folder)
        selection = self._selections.get(config.path)
        if selection is None:
            selection = self._selections[config.path] = _ConfigSelection(config, self._exclude)
        return selection

    def include_patterns(self, folder: str) -> tuple[str, ...]:
        """The ``include`` patterns of the files in a folder."""
        return self._of(os.path.abspath(folder)).include.patterns

    def place(self, folder: str) -> Place:
        """Where a folder named on the command line is (relative or absolute)."""
        absolute = os.path.abspath(folder)
        selection = self._of(absolute)
        folder, name = os.path.split(absolute)
        return Place(folder, name, selection, selection.place(absolute))

    def child(self, place: Place, name: str) -> Place:
        """The place of an entry of the folder at ``place``."""
        if place.inner is None:
            path = place.path
            selection = self._of(path)
            same = selection is place.selection
            place.inner = (path, selection, place.relative if same else selection.place(path))
        path, selection, relative = place.inner
        return Place(path, name, selection, selection.child(relative, name))

    def keeps_folder(self, place: Place, name: str) -> bool:
        """Whether a folder found in a search is searched."""
        return place.selection.excluded_by(place.relative, name) is None

    def refusal(self, place: Place, name: str) -> str | None:
        """Why a file found in a search is not a story file
        (``by include (*.story)``); None if it is."""
        return place.selection.refusal(place.relative, name)

    def refusal_of(self, path: str) -> str | None:
        """:meth:`refusal` for a file named on the command line, whose folders are
        tested against ``exclude`` too (see :meth:`excluded`)."""
        absolute = os.path.abspath(path)
        selection = self._of(os.path.dirname(absolute))
        refused = selection.refusal(selection.place(absolute), os.path.basename(absolute))
        return refused if refused is not None else self._excluded_above(absolute)

    def excluded(self, path: str) -> str | None:
        """Which ``exclude`` patterns skip a folder named on the command line, or
        a folder holding it.

        Each folder is tested against the patterns of the configuration of the
        folder holding it, where it is inside their base, from the folder up to
        the highest base of the path's own configuration.
        """
        absolute = os.path.abspath(path)
        selection = self._of(os.path.dirname(absolute))
        refused = selection.excluded_by(selection.place(absolute), os.path.basename(absolute))
        return refused if refused is not None else self._excluded_above(absolute)

    def _excluded_above(self, path: str) -> str | None:
        own = self._of(os.path.dirname(path))
        folder = os.path.dirname(path)
        while own.holds(folder):
            parent = os.path.dirname(folder)
            selection = self._of(parent)
            refused = selection.excluded_inside(selection.place(folder), os.path.basename(folder))
            if refused is not None:
                return refused
            folder = parent
        return None
