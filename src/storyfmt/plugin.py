"""The API of rule plugins: packages that add rules to ``storyfmt check``.

A plugin is a package with an entry point in the group ``storyfmt.rules``,
named for its code prefix (upper-case letters, such as ``ACME``), that gives a
:class:`StoryRule` subclass or a list of them::

    # pyproject.toml of the plugin's package
    [project.entry-points."storyfmt.rules"]
    ACME = "acme_story_rules:RULES"

Each rule has a code of that prefix and digits (``ACME101``), a name, a
summary, a docstring that documents it, and options. Its warnings are off
until a configuration selects them (``extend-select = ["ACME"]``), like those
of storyfmt's house rules, which are written with this same API; ``ignore``,
``per-file-ignores``, ``severity``, ``[tool.storyfmt.rules.<name>]``,
``--fix`` and every output format treat them as they treat storyfmt's own.
A rule checks only stories without errors, and gets the validated model with
where each of its values stands in the source.

Example:
    >>> from collections.abc import Iterator
    >>> from storyfmt.plugin import Diagnostic, Option, Options, Story, StoryRule
    >>> from storyfmt.plugin import Where, story_lines
    >>> class BannedWord(StoryRule):
    ...     '''A title that holds a word of `words`.'''
    ...
    ...     code, name, summary = "ACME101", "banned-word", "a title with a banned word"
    ...     options = (Option("words", ("shock",), "the words no title may hold", story_lines),)
    ...
    ...     def check(self, story: Story, where: Where, options: Options) -> Iterator[Diagnostic]:
    ...         title = getattr(story, "title", "")
    ...         for word in options["words"]:
    ...             if word in title.lower():
    ...                 yield self.warn(where(("title",)), f"the title holds {word!r}")
    >>> import storyfmt
    >>> card = storyfmt.loads("Shock in Nara\\n")
    >>> rule = BannedWord()
    >>> [str(d) for d in rule.check(card, lambda path: None, rule.configure({}))]
    ["line 1: the title holds 'shock'"]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from storyfmt._codes import Applicability
from storyfmt._diagnostics import Diagnostic, Edit, Fix, StoryFormatError
from storyfmt._house import House
from storyfmt._house._base import (
    Option,
    Options,
    Read,
    Story,
    StoryRule,
    one_of,
    story_lines,
    whole_number,
)
from storyfmt._parser import parse_text, source_lines
from storyfmt._plugins import GROUP
from storyfmt._serialize import read_json, read_yaml
from storyfmt._transform import Path_ as Path
from storyfmt._transform import Where
from storyfmt._values import Span

__all__ = [
    "GROUP",
    "Applicability",
    "Diagnostic",
    "Edit",
    "Fix",
    "Option",
    "Options",
    "Path",
    "Read",
    "Span",
    "Story",
    "StoryRule",
    "Where",
    "check_rule",
    "one_of",
    "story_lines",
    "whole_number",
]


def check_rule(
    rule: StoryRule,
    source: str | bytes,
    *,
    options: Mapping[str, object] | None = None,
    form: Literal["text", "json", "yaml"] = "text",
) -> list[Diagnostic]:
    """Run one rule on one story, as ``storyfmt check`` runs it: for a plugin's tests.

    Args:
        rule: The rule.
        source: The story, as story text, JSON or YAML (``form``).
        options: The rule's options, as its table of the configuration gives
            them; the defaults for those not given.
        form: What ``source`` holds.

    Returns:
        The rule's warnings, in the order it gives them (none are capped).

    Raises:
        StoryFormatError: the story has errors, and so no rule checks it.
        ValueError: an option is unknown or wrong (its message names it).

    Example:
        >>> class Shouting(StoryRule):
        ...     code, name, summary = "ACME201", "shouting", "a title in capitals"
        ...     def check(self, story, where, options):
        ...         if story.title.isupper():
        ...             yield self.warn(where(("title",)), "the title shouts")
        >>> [(d.line, d.column, d.end_column) for d in check_rule(Shouting(), "20\\nNARA\\n")]
        [(2, 1, 5)]
    """
    house = House(rules=((rule, rule.configure(options or {})),))
    if form == "text":
        story, parsed = parse_text(source)
        problems, where = parsed.problems, parsed.span
    else:
        reading = (read_json if form == "json" else read_yaml)(source)
        story, problems = reading.story, reading.problems
        locate = reading.locate

        def where(path: Path) -> Span | None:
            return locate(path, False)

    if story is None:
        raise StoryFormatError(problems, source_lines=source_lines(source))
    return list(house.check(story, where, len(source_lines(source))))
