"""Checking, fixing and formatting stories under a configuration: the one
engine under the ``storyfmt`` command, the language server, and the library's
:func:`check`, :func:`fix` and :func:`format`."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import NamedTuple

from storyfmt._config import Config
from storyfmt._diagnostics import Diagnostic
from storyfmt._fixes import MAX_PASSES, Repaired, fixable, repair
from storyfmt._house import House, RuleFailed
from storyfmt._models import StoryBrief, StoryCard
from storyfmt._parser import loads
from storyfmt._plugins import owner
from storyfmt._report import FileReport
from storyfmt._rules import Form, diagnose, form_of
from storyfmt._source import LineEnding, line_break

_DEFAULTS = Config()


class RuleError(Exception):
    """A rule failed, and so a story could not be fully checked or fixed: a
    plugin's rule raised, ended its process, ran out of time or gave a warning
    that is not in the story, or the fixes did not converge.

    Attributes:
        failures: A sentence for each failure, naming the rule and who gives it.
        diagnostics: What the other rules found: the story was checked again
            without each rule that failed.
    """

    def __init__(self, failures: list[str], diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(failures))
        self.failures = failures
        self.diagnostics = diagnostics


class RewriteError(RuntimeError):
    """The canonical text of a story would not read back as the same story: a
    bug in storyfmt, and nothing is written."""


class Fixed(NamedTuple):
    """What :func:`fix` did to a story.

    Attributes:
        text: The story with the fixes applied (the text given, if none applied).
        fixed: How many problems the fixes mended.
        remaining: The problems left, as :func:`check` reports them.
    """

    text: str
    fixed: int
    remaining: list[Diagnostic]


def failure(error: RuleFailed) -> str:
    """A rule's failure as reported: who gives the rule, and what went wrong."""
    return f"{owner(error.rule.code)}: {error}"


def diagnose_all(data: str | bytes, form: Form, house: House) -> tuple[list[Diagnostic], list[str]]:
    """Every diagnostic of a story, and a sentence for each rule that failed on
    it: the story is checked again without that rule, so nothing else is lost."""
    failures: list[str] = []
    while True:
        try:
            return diagnose(data, form=form, house=house), failures
        except RuleFailed as error:
            failures.append(failure(error))
            house = house.without(error.rule)


def check_story(
    data: str | bytes, *, name: str, form: Form, config: Config
) -> tuple[list[Diagnostic], list[str]]:
    """What ``storyfmt check`` reports for a story kept at ``name``: its
    diagnostics under ``config`` (each with its configured severity), and a
    sentence for each rule that failed on it."""
    found, failures = diagnose_all(data, form, config.house(name))
    return config.apply(FileReport(name, found)).diagnostics, failures


def fix_story(
    data: bytes,
    *,
    name: str,
    form: Form,
    config: Config,
    unsafe: bool,
    found: list[Diagnostic] | None = None,
) -> Repaired:
    """A story's bytes with the fixes of the problems that ``config`` reports
    for it at ``name`` applied (the unsafe ones too with ``unsafe``), as
    ``storyfmt check --fix`` applies them; ``found`` are the story's
    diagnostics before ``config`` is applied to them, if they are known.

    Raises:
        RuleFailed: a rule failed on a story the fixes made.
    """
    wanted = config.at(name)
    return repair(
        data,
        form=form,
        unsafe=unsafe,
        wanted=lambda item: wanted.wants(item.code) and fixable(item, unsafe=unsafe),
        house=config.house(name),
        found=found,
    )


def unconverged(repaired: Repaired) -> str:
    """Why fixes that did not converge were not applied, naming their rules."""
    rules = ", ".join(f"{code} ({owner(code)})" for code in repaired.unconverged)
    return (
        f"the fixes did not converge after {MAX_PASSES} passes; they still changed the"
        f" story at the last: {rules}"
    )


def canonical(
    data: bytes, line_ending: LineEnding = "auto"
) -> tuple[StoryCard | StoryBrief, bytes]:
    """A story and its canonical bytes, proven to read back as the same story.

    The canonical text has LF line breaks; ``line_ending`` may make them CRLF
    (see :func:`line_break`).

    Raises:
        StoryFormatError: the story has errors.
        RewriteError: the canonical text would not mean the same (a bug).
    """
    story = loads(data)
    from storyfmt._writer import dumps  # noqa: PLC0415 (checking never writes)

    new = dumps(story).encode("utf-8").replace(b"\n", line_break(data, line_ending))
    if new != data and loads(new) != story:
        raise RewriteError("the canonical text would change the story; not written (a bug)")
    return story, new


def _settings(
    path: str | os.PathLike[str] | None, config: Config | None
) -> tuple[str, Form, Config]:
    """The name a story goes by, its form, and its settings; a story that is
    kept nowhere matches no ``per-file-ignores``."""
    config = config or _DEFAULTS
    if path is None:
        if config.per_file_ignores:
            config = replace(config, per_file_ignores=())
        return "<string>", "text", config
    name = os.fspath(path)
    return name, form_of(name), config


def check(
    text: str | bytes,
    *,
    path: str | os.PathLike[str] | None = None,
    config: Config | None = None,
) -> list[Diagnostic]:
    """Check a story as ``storyfmt check`` checks a file: every error, and the
    warnings the configuration selects, each with its configured severity.

    Args:
        text: The story, as text or UTF-8 bytes.
        path: Where the story is kept, if anywhere: its extension says whether
            it is story text, JSON, YAML or JSON Lines (story text if none), and
            the configuration's ``per-file-ignores`` match it.
        config: The settings (see :class:`Config`): the warnings selected, the
            house rules and plugins with their options, the vocabularies. The
            defaults if None; :meth:`Config.find` gives the one the command
            would use for ``path``.

    Returns:
        The diagnostics, sorted by position: empty for a story with nothing to
        report.

    Raises:
        RuleError: a rule of a plugin failed; the diagnostics of the other
            rules are in its ``diagnostics``.

    Example:
        >>> config = Config.from_table(
        ...     {"select": ["SF601"], "rules": {"title-too-long": {"max": 8}}}
        ... )
        >>> [(d.line, d.code) for d in check("Japan Korea Summit\\n", config=config)]
        [(1, 'SF601')]
    """
    name, form, config = _settings(path, config)
    diagnostics, failures = check_story(text, name=name, form=form, config=config)
    if failures:
        raise RuleError(failures, diagnostics)
    return diagnostics


def fix(
    text: str,
    *,
    unsafe: bool = False,
    path: str | os.PathLike[str] | None = None,
    config: Config | None = None,
) -> Fixed:
    """Apply the fixes of a story's problems, as ``storyfmt check --fix`` does.

    Each fix is applied whole or not at all, pass after pass until a pass
    changes nothing; a pass is kept only if the story has no more errors after
    it. Only story text is fixed: for a ``path`` of a JSON or YAML story, the
    text comes back as it was.

    Args:
        text: The story text.
        unsafe: Apply the unsafe fixes too (``--unsafe-fixes``): they change
            the story's meaning, to what the writer most likely meant.
        path: Where the story is kept, as for :func:`check`.
        config: The settings, as for :func:`check`: only the fixes of the
            problems it reports are applied.

    Returns:
        The text fixed, how many problems were fixed, and what is left.

    Raises:
        RuleError: a rule of a plugin failed, or the fixes did not converge;
            nothing was applied.

    Example:
        >>> fixed = fix("Japan Korea Summit\\n\\nStory Stats\\n\\nStatus:\\nActive\\n")
        >>> print(fixed.text, end="")
        Japan Korea Summit
        <BLANKLINE>
        Story Stats
        <BLANKLINE>
        Status
        Active
        >>> fixed.fixed, fixed.remaining
        (1, [])
    """
    name, form, config = _settings(path, config)
    data = text.encode("utf-8", "surrogatepass")
    # Read once: what is found before fixing is both the report and the first pass.
    found, failures = diagnose_all(data, form, config.house(name))
    reported = config.apply(FileReport(name, found)).diagnostics
    if failures:
        raise RuleError(failures, reported)
    if form != "text":
        return Fixed(text, 0, reported)
    try:
        repaired = fix_story(data, name=name, form=form, config=config, unsafe=unsafe, found=found)
    except RuleFailed as error:
        raise RuleError([failure(error)], reported) from None
    if repaired.unconverged:
        raise RuleError([unconverged(repaired)], reported)
    remaining = config.apply(FileReport(name, repaired.remaining)).diagnostics
    return Fixed(repaired.data.decode("utf-8", "surrogatepass"), repaired.applied, remaining)


def format(text: str, *, config: Config | None = None) -> str:
    """A story's canonical text, as ``storyfmt fmt`` writes it: proven to read
    back as the same story.

    Args:
        text: The story text.
        config: Its ``line-ending`` setting says which line breaks the text
            gets: ``"auto"`` (the default) keeps CRLF if the text has them.

    Raises:
        StoryFormatError: the story has errors, and cannot be formatted.

    Example:
        >>> print(format("20\\nJapan Korea Summit   \\nNara, Japan /\\n"), end="")
        20
        Japan Korea Summit
        Nara, Japan /
    """
    data = text.encode("utf-8", "surrogatepass")
    _, new = canonical(data, (config or _DEFAULTS).line_ending)
    return new.decode("utf-8", "surrogatepass")
