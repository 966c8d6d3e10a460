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

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from storyfmt._vocabulary import KNOWN_LEANINGS, KNOWN_STATUS

if TYPE_CHECKING:
    from storyfmt._diagnostics import Diagnostic
    from storyfmt._house._base import HouseRule, Options
    from storyfmt._transform import Where


class Vocabulary(NamedTuple):
    """The values Status (SF501) and Political leaning (SF502) are expected to take."""

    status: tuple[str, ...] = KNOWN_STATUS
    political_leaning: tuple[str, ...] = KNOWN_LEANINGS


class House(NamedTuple):
    """The vocabularies a story is checked against, and the house rules selected,
    each with its options."""

    vocabulary: Vocabulary = Vocabulary()
    rules: tuple[tuple[HouseRule, Options], ...] = ()

    def check(self, story: Mapping[str, Any], where: Where) -> Iterator[Diagnostic]:
        """The warnings of the house rules for one story, rule after rule."""
        for rule, options in self.rules:
            yield from rule.check(story, where, options)
