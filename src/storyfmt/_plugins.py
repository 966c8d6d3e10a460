"""Rule plugins: packages that add rules through the entry-point group ``storyfmt.rules``.

Each entry point is named for its plugin's code prefix, upper-case letters
such as ``ACME``, and loads a :class:`~storyfmt.plugin.StoryRule` subclass or a
list of them; each rule's code is the prefix followed by digits (``ACME101``).
A plugin is imported only when a configuration or an option names its codes,
so that a broken plugin breaks only the runs that use it.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

from storyfmt._house._base import Option, StoryRule

GROUP = "storyfmt.rules"
"""The entry-point group of rule plugins."""

_PREFIX = re.compile(r"[A-Z]{1,16}")
_CODE = re.compile(r"([A-Z]+)[0-9]{1,6}")
_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_OWN = "SF"  # storyfmt's own prefix, which no plugin may take or extend


class PluginError(Exception):
    """A plugin that cannot be used: it cannot be imported, or its rules are not
    rules; the message names the plugin, its package and what is wrong."""


@dataclass(frozen=True)
class Plugin:
    """An installed plugin, loaded: its prefix, its package and its rules."""

    prefix: str
    package: str
    version: str
    rules: tuple[StoryRule, ...]

    def __str__(self) -> str:
        return f"plugin {self.prefix} ({self.package} {self.version})"


@functools.cache
def installed() -> dict[str, tuple[EntryPoint, ...]]:
    """The entry points of the group, by name (a name two packages give has two)."""
    found: dict[str, tuple[EntryPoint, ...]] = {}
    for point in entry_points(group=GROUP):
        found[point.name] = (*found.get(point.name, ()), point)
    return found


def _package(point: EntryPoint) -> tuple[str, str]:
    dist = point.dist
    return (dist.name, dist.version) if dist is not None else (point.module, "")


def _label(name: str, point: EntryPoint) -> str:
    package, version = _package(point)
    return f"plugin {name} ({package} {version})".replace(" )", ")")


def _failure(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


_LOADED: dict[str, Plugin] = {}
_FAILED: dict[str, PluginError] = {}
_LOCK = threading.RLock()


def load(name: str) -> Plugin:
    """The plugin an entry point of the group names: imported once, its rules checked.

    Raises:
        PluginError: two packages give the name, the name is no code prefix,
            the import raises, or what it gives is not rules of that prefix.
    """
    with _LOCK:  # the language server checks in a thread, and answers in another
        if name in _LOADED:
            return _LOADED[name]
        if name in _FAILED:
            raise _FAILED[name]
        try:
            plugin = _LOADED[name] = _import(name)
        except PluginError as error:
            _FAILED[name] = error
            raise
        return plugin


def _import(name: str) -> Plugin:
    points = installed().get(name, ())
    if not points:
        raise PluginError(f"no installed plugin gives {name} codes")
    label = _label(name, points[0])
    if len(points) > 1:
        packages = " and ".join(sorted(" ".join(_package(point)) for point in points))
        raise PluginError(f"plugin {name} is given by two installed packages: {packages}")
    (point,) = points
    if not _PREFIX.fullmatch(name) or name.startswith(_OWN):
        raise PluginError(
            f"{label}: the entry point's name must be the plugin's code prefix, upper-case"
            f" letters such as ACME, and not start with {_OWN}; got {name!r}"
        )
    try:
        given = point.load()
    except KeyboardInterrupt:
        raise
    except BaseException as error:
        raise PluginError(f"{label}: importing {point.value} raised {_failure(error)}") from error
    items: Iterable[object]
    if isinstance(given, (type, StoryRule)) or not isinstance(given, (list, tuple)):
        items = (given,)
    else:
        items = given
    rules: list[StoryRule] = []
    for item in items:
        rule = _rule(item, label, point.value)
        problem = _problem(rule, name)
        if problem is not None:
            raise PluginError(f"{label}: {problem}")
        if any(rule.code == other.code or rule.name == other.name for other in rules):
            raise PluginError(
                f"{label}: two rules have the code {rule.code} or the name {rule.name}"
            )
        rules.append(rule)
    if not rules:
        raise PluginError(f"{label}: {point.value} gives no rules")
    # A rule's name is its table of options: it must be its own among every rule.
    from storyfmt._house._registry import every_rule  # noqa: PLC0415 - it imports this module

    for rule in rules:
        for other in every_rule():
            if other.name == rule.name:
                raise PluginError(
                    f"{label}: its rule {rule.code} is named {rule.name!r}, as {other.code} is;"
                    " a rule's name must be its own"
                )
    package, version = _package(point)
    return Plugin(name, package, version, tuple(sorted(rules, key=lambda rule: rule.code)))


def _rule(item: object, label: str, value: str) -> StoryRule:
    """A rule of what a plugin gives: an instance of a rule class, or the class."""
    if isinstance(item, type) and issubclass(item, StoryRule):
        try:
            return item()
        except KeyboardInterrupt:
            raise
        except BaseException as error:
            raise PluginError(f"{label}: {item.__name__}() raised {_failure(error)}") from error
    if isinstance(item, StoryRule):
        return item
    raise PluginError(
        f"{label}: {value} must give a StoryRule subclass or a list of them, got {item!r}"
    )


def _problem(rule: StoryRule, prefix: str) -> str | None:
    """What is wrong with a plugin's rule, if anything."""
    kind = type(rule).__name__
    code = getattr(rule, "code", None)
    match = _CODE.fullmatch(code) if isinstance(code, str) else None
    if match is None or match[1] != prefix:
        return f"{kind}.code must be {prefix} followed by digits, such as {prefix}101; got {code!r}"
    name = getattr(rule, "name", None)
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        return (
            f"{kind}.name must be lower-case words joined by hyphens, such as banned-word;"
            f" got {name!r}"
        )
    summary = getattr(rule, "summary", None)
    if not isinstance(summary, str) or not summary.strip():
        return f"{kind}.summary must say in a few words what {code} reports"
    if not isinstance(rule.options, tuple) or not all(
        isinstance(option, Option) for option in rule.options
    ):
        return f"{kind}.options must be a tuple of Option"
    if rule.fix not in (None, "safe", "unsafe"):
        return f'{kind}.fix must be "safe", "unsafe" or None; got {rule.fix!r}'
    uri = rule.help_uri
    if uri is not None and not (isinstance(uri, str) and re.match(r"https?://\S+$", uri)):
        return f"{kind}.help_uri must be an http or https address; got {uri!r}"
    if type(rule).check is StoryRule.check:
        return f"{kind} must implement check()"
    return None


def related(selector: str) -> list[str]:
    """The installed plugins whose codes a selector (a code or a code prefix) may
    name: those it starts with, and those that start with it."""
    match = re.match(r"[A-Z]+", selector)
    if match is None or selector.startswith(_OWN):
        return []
    letters = match[0]
    return sorted(
        name
        for name in installed()
        if (letters == name if letters != selector else name.startswith(letters))
    )


def rule_of(code: str) -> tuple[Plugin, StoryRule] | None:
    """The plugin and rule of a code, if an installed plugin that can be loaded
    gives it (a worker process that did not read the configuration loads it here)."""
    match = _CODE.fullmatch(code)
    if match is None or match[1] not in installed():
        return None
    try:
        plugin = load(match[1])
    except PluginError:
        return None
    found = [rule for rule in plugin.rules if rule.code == code]
    return (plugin, found[0]) if found else None


def owner(code: str) -> str:
    """Who gives the rule of a code, as messages name it: its plugin, or storyfmt."""
    found = rule_of(code)
    return str(found[0]) if found is not None else "storyfmt"


def loaded() -> list[Plugin]:
    """The plugins loaded in this process, by prefix."""
    return [_LOADED[name] for name in sorted(_LOADED)]
