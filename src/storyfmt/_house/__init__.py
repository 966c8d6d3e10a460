"""House rules and vocabularies: what a newsroom adds to the format's own checks.

The vocabularies (the values Status and Political leaning are expected to
take, SF501 and SF502) can be replaced or extended in the configuration's
``[tool.storyfmt.vocabulary]`` table. The house rules (SF6xx) are warnings
that are off until selected, each with options in its own table
``[tool.storyfmt.rules.<name>]``; each is one class in a module of this
package, and the rules page is generated from them (``python -m storyfmt._house``).

This module holds what a check needs: the rules are imported only where a
configuration is read (:mod:`storyfmt._house._registry`), so that
``import storyfmt`` does not import them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import redirect_stdout
from typing import TYPE_CHECKING, NamedTuple

from storyfmt._diagnostics import Diagnostic
from storyfmt._vocabulary import KNOWN_LEANINGS, KNOWN_STATUS

if TYPE_CHECKING:
    from storyfmt._contained import Outcome
    from storyfmt._house._base import Options, Story, StoryRule
    from storyfmt._transform import Where


class Vocabulary(NamedTuple):
    """The values Status (SF501) and Political leaning (SF502) are expected to take."""

    status: tuple[str, ...] = KNOWN_STATUS
    political_leaning: tuple[str, ...] = KNOWN_LEANINGS


class RuleFailed(Exception):
    """A rule failed while it checked a story; ``rule`` is the rule, and the
    message says what went wrong (``reason``: what it raised, how it ended its
    process, or that it ran out of time)."""

    def __init__(self, rule: StoryRule, reason: str) -> None:
        super().__init__(f"rule {rule.code} {rule.name} {reason}")
        self.rule = rule


def _raised(error: BaseException) -> str:
    """What a rule raised, as failures say it: ``ValueError: ...``."""
    return f"{type(error).__name__}: {error}"


def _check_place(what: str, start: tuple[int, int], end: tuple[int, int], lines: int) -> None:
    """Check that a range is in a story of ``lines`` lines, and does not end
    before it starts."""
    numbers = (*start, *end)
    if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in numbers):
        raise ValueError(
            f"it gave {what} at line {start[0]}, column {start[1]}: lines and columns count from 1"
        )
    if end < start:
        raise ValueError(f"it gave {what} that ends before it starts")
    if end[0] > lines:
        raise ValueError(f"it gave {what} on line {end[0]}, past the story's {lines:,} lines")


def _check_diagnostic(item: object, code: str, lines: int) -> None:
    """Check that a rule gave a diagnostic of its own code, placed in the story
    of ``lines`` lines, with a fix whose edits are placed there too and do not
    overlap.

    Raises:
        TypeError: not a diagnostic, or a message that is not text.
        ValueError: another code, or a place or an edit not in the story.
    """
    if not isinstance(item, Diagnostic):
        raise TypeError(f"it gave a {type(item).__name__}, not a Diagnostic")
    if item.code != code:
        raise ValueError(f"it gave a diagnostic of {item.code}, not of its own code")
    if not isinstance(item.message, str) or not isinstance(item.hint, (str, type(None))):
        raise TypeError("it gave a diagnostic whose message or hint is not a string")
    start = (item.line, item.column)
    _check_place(
        "a diagnostic", start, (item.end_line or start[0], item.end_column or start[1]), lines
    )
    if item.fix is None:
        return
    ends = (0, 0)
    for edit in sorted(item.fix.edits, key=lambda edit: (edit.line, edit.column)):
        begin, end = (edit.line, edit.column), (edit.end_line, edit.end_column)
        _check_place("an edit", begin, end, lines)
        if begin < ends:
            raise ValueError("it gave a fix whose edits overlap")
        ends = max(ends, end)


RULE_TIMEOUT = 10.0
"""The seconds a plugin's rule may take on one story, unless configured."""


class House(NamedTuple):
    """The vocabularies a story is checked against, and the rules selected (of
    the house and of plugins), each with its options.

    With a ``limit``, the rules of plugins run contained, in a process of their
    own (:mod:`storyfmt._contained`), each given ``limit`` seconds a story;
    without, they run in this process, as :func:`storyfmt.plugin.check_rule`
    runs a rule under test.
    """

    vocabulary: Vocabulary = Vocabulary()
    rules: tuple[tuple[StoryRule, Options], ...] = ()
    limit: float | None = None

    def check(self, story: Story, where: Where, lines: int) -> Iterator[Diagnostic]:
        """The warnings of the rules for one story of ``lines`` lines, rule after rule.

        Raises:
            RuleFailed: a rule raised (even ``SystemExit``), ended its process,
                ran out of time, or gave something other than diagnostics of its
                own code, placed in the story.
        """
        contained = [each for each in self.rules if self._contains(each[0])]
        outcomes = iter(self._run_contained(contained, story, where))
        for rule, options in self.rules:
            if contained and self._contains(rule):
                outcome = next(outcomes)
                if outcome.failure:
                    raise RuleFailed(rule, outcome.failure)
                found = outcome.found
            else:
                try:
                    # What a rule prints must not mix with a report on stdout.
                    with redirect_stdout(sys.stderr):
                        found = list(rule.check(story, where, options))
                except KeyboardInterrupt:
                    raise
                except BaseException as error:
                    raise RuleFailed(rule, f"raised {_raised(error)}") from error
            try:
                for item in found:
                    _check_diagnostic(item, rule.code, lines)
            except (TypeError, ValueError) as error:
                raise RuleFailed(rule, f"raised {_raised(error)}") from error
            yield from found

    def _contains(self, rule: StoryRule) -> bool:
        """Whether a rule runs contained: a plugin's, with a limit."""
        return self.limit is not None and not rule.code.startswith("SF")

    def _run_contained(
        self, rules: list[tuple[StoryRule, Options]], story: Story, where: Where
    ) -> list[Outcome]:
        if not rules or self.limit is None:
            return []
        from storyfmt import _contained  # noqa: PLC0415 - only plugin rules need it

        return _contained.run(rules, story, _contained.places(story, where), self.limit)

    def without(self, rule: StoryRule) -> House:
        """This house without one of its rules."""
        return self._replace(rules=tuple(each for each in self.rules if each[0] is not rule))
