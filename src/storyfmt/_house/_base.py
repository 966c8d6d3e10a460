"""The unit of a rule of the house or of a plugin: its code, its options and its
check, in one class.

A rule is a subclass of :class:`StoryRule` whose docstring says what it reports
and shows a story that passes and one that fails; the rules page is generated
from it. Plugins write their rules the same way (:mod:`storyfmt.plugin`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from storyfmt._codes import Applicability, Rule
from storyfmt._diagnostics import Diagnostic, Fix
from storyfmt._models import StoryBrief, StoryCard
from storyfmt._transform import Path_, Where
from storyfmt._values import Span
from storyfmt._vocabulary import FORBIDDEN

Story = StoryCard | StoryBrief
"""A validated story: what a rule checks."""

Options = Mapping[str, Any]
"""A rule's options by name, every one set (to its default unless configured)."""


class SettingError(ValueError):
    """A wrong value in the configuration; ``keys`` lead to it from the settings'
    table (``("rules", "title-too-long", "max")``), so that its line can be found."""

    def __init__(self, keys: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.keys = keys


def setting(keys: tuple[str, ...]) -> str:
    """A setting's name as messages write it: ``'rules.title-too-long.max'``."""
    return "'" + ".".join(keys) + "'"


def toml(value: object) -> str:
    """A value as TOML writes it (strings, numbers, booleans and lists of them)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(toml, value)) + "]"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


Read = Callable[[object], Any]
"""Turn a value of the configuration into an option's value, or raise
:class:`ValueError` with what the value must be (``must be ...``)."""


@dataclass(frozen=True)
class Option:
    """One option of a house rule, as the configuration sets it.

    Attributes:
        name: The key in the rule's table, such as ``max``.
        default: The value when the configuration gives none; None for no limit.
        meaning: What the option sets, for the rules page.
        read: Checks a configured value and returns the option's value.
    """

    name: str
    default: Any
    meaning: str
    read: Read


def whole_number(least: int) -> Read:
    """A reader of whole numbers of at least ``least``."""

    def read(value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ValueError(f"must be a whole number of at least {least}, got {toml(value)}")
        return value

    return read


def one_of(*choices: str) -> Read:
    """A reader of one of a few strings."""

    def read(value: object) -> str:
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(map(toml, choices))}, got {toml(value)}")
        assert isinstance(value, str)
        return value

    return read


def story_lines(value: object) -> tuple[str, ...]:
    """Read a non-empty list of texts that a story line can hold exactly: one line,
    not empty, without spaces at its ends or control characters. Repeats are dropped.
    """
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError(f"must be a list of strings, got {toml(value)}")
    if not value:
        raise ValueError("must list at least one value")
    for item in value:
        if not item or item != item.strip(" \t") or "\n" in item or FORBIDDEN.search(item):
            raise ValueError(
                f"holds {toml(item)}, which no story line can: write each value as one"
                " line, without spaces at its ends"
            )
    return tuple(dict.fromkeys(value))


def listing(items: Iterable[str], conjunction: str) -> str:
    """``A``, ``A and B``, ``A, B and C`` (or ``or``)."""
    *most, last = items
    return f"{', '.join(most)} {conjunction} {last}" if most else last


def plural(count: int, noun: str) -> str:
    """``1 point``, ``2 points``."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


class StoryRule:
    """A rule of the house or of a plugin: a warning reported only when selected,
    with options.

    A subclass sets :attr:`code`, :attr:`name` and :attr:`summary` (storyfmt's
    own rules name their catalogue entry instead:
    ``class TitleTooLong(TooLong, rule=Rule.TITLE_TOO_LONG)``), lists its
    :attr:`options`, and implements :meth:`check`. Its docstring is its
    documentation: what the rule reports and why, then, as Markdown code
    blocks, the options of its examples (``toml``, if any), a story that
    passes and one that fails (``text``), and what
    ``storyfmt check --select CODE`` prints for the one that fails
    (``console``). storyfmt's rules page is generated from it, and SARIF
    output carries it as the rule's help.
    """

    code: ClassVar[str]
    """The rule's code, such as ``SF601``: a plugin's prefix, then digits."""
    name: ClassVar[str]
    """The rule's name, lower case words joined by hyphens, such as
    ``title-too-long``; its options are the table ``[tool.storyfmt.rules.<name>]``."""
    summary: ClassVar[str]
    """What the rule reports, in a few words."""
    options: ClassVar[tuple[Option, ...]] = ()
    """The rule's options, with their defaults."""
    fix: ClassVar[Applicability | None] = None
    """Whether the rule's warnings may carry a fix (``"safe"`` or ``"unsafe"``);
    None when they never do."""
    help_uri: ClassVar[str | None] = None
    """The address of the rule's documentation, for text and SARIF output;
    storyfmt's own rules link to their section of the rules page."""

    def __init_subclass__(cls, *, rule: Rule | None = None, **kwargs: Any) -> None:
        # A rule of storyfmt's own names its catalogue entry, which gives the rest.
        super().__init_subclass__(**kwargs)
        if rule is not None:
            cls.code, cls.name, cls.summary = rule.value, rule.slug, rule.summary

    def configure(self, given: Mapping[str, object]) -> Options:
        """The rule's options: the defaults, replaced by those given, checked.

        Raises:
            SettingError: an unknown option or a wrong value.
        """
        known = {option.name: option for option in self.options}
        values = {option.name: option.default for option in self.options}
        for name, value in given.items():
            keys = ("rules", self.name, name)
            option = known.get(name)
            if option is None:
                names = f"its options are {', '.join(known)}" if known else "it has no options"
                raise SettingError(keys, f"unknown option {name!r} of {self.name}; {names}")
            try:
                values[name] = option.read(value)
            except ValueError as error:
                raise SettingError(keys, f"{setting(keys)} {error}") from None
        try:
            self.check_options(values)
        except ValueError as error:
            table = ("rules", self.name)
            raise SettingError(table, f"{setting(table)} {error}") from None
        return values

    def check_options(self, options: Options) -> None:
        """Check the options together, once each is known to be right.

        Raises:
            ValueError: what is wrong, as a phrase after the rule's table name.
        """

    def check(self, story: Story, where: Where, options: Options) -> Iterable[Diagnostic]:
        """The warnings of one story, which has no errors.

        Args:
            story: The validated story, a :class:`~storyfmt.StoryCard` or a
                :class:`~storyfmt.StoryBrief`.
            where: Where the value at a path of fields stands in the source:
                ``where(("breakdown", "points", 2))`` is the :class:`Span` of
                the third point, or None when the source does not place it.
            options: The rule's options, every one set.

        Returns:
            Diagnostics made with :meth:`warn`, in any order.
        """
        raise NotImplementedError

    def warn(
        self, span: Span | None, message: str, *, hint: str | None = None, fix: Fix | None = None
    ) -> Diagnostic:
        """A warning of this rule at ``span`` (the start of the story if unknown).

        Args:
            span: Where the warning stands, as ``where`` gives it.
            message: What is wrong, as a sentence without a final period.
            hint: What to do about it, if there is something to say.
            fix: The edits that resolve it, if the rule can be sure of them.
        """
        line, column, end = span if span is not None else (1, 1, None)
        return Diagnostic(
            line=line,
            column=column,
            code=self.code,
            severity="warning",
            message=message,
            end_line=None if end is None else line,
            end_column=end,
            hint=hint,
            fix=fix,
        )


def first_place(where: Where, *paths: Path_) -> Span | None:
    """Where the first of the paths that the source has stands."""
    for path in paths:
        found = where(path)
        if found is not None:
            return found
    return None
