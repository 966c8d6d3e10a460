"""The house rules' part of the rules page, generated from the rules themselves.

The part runs from its marker to the end of the page: a marker after it would
fall into the last rule's section, which is that rule's help.
"""

from __future__ import annotations

import inspect

from storyfmt._house._base import StoryRule, toml
from storyfmt._house._registry import RULES

START = "<!-- The house rules, generated to the end: python -m storyfmt._house docs/rules.md -->"


def _default(value: object) -> str:
    return "none" if value is None else f"`{toml(value)}`"


def section(rule: StoryRule) -> str:
    """One rule's section: its heading, then its documentation."""
    return f"### {rule.code} `{rule.name}` (warning)\n\n{documentation(rule)}"


def documentation(rule: StoryRule) -> str:
    """A rule's documentation, in Markdown: its docstring (its summary if it has
    none), then its options."""
    table = f"`[tool.storyfmt.rules.{rule.name}]`"
    if rule.options:
        rows = [
            f"| `{option.name}` | {_default(option.default)} | {option.meaning} |"
            for option in rule.options
        ]
        header = ["| option | default | sets |", "| --- | --- | --- |"]
        options = "\n".join([f"**Options**, in {table}:", "", *header, *rows])
    else:
        options = "**Options**: none."
    text = inspect.cleandoc(type(rule).__doc__ or "") or rule.summary
    return f"{text}\n\n{options}\n"


def markdown() -> str:
    """The generated part: its marker, then every house rule's section."""
    return f"{START}\n\n" + "\n".join(map(section, RULES))


def update(page: str) -> str:
    """The rules page with its generated part replaced by :func:`markdown`.

    Raises:
        ValueError: the page lacks the marker.
    """
    start = page.find(START)
    if start < 0:
        raise ValueError(f"the page has no generated part: mark where it starts with {START}")
    return page[:start] + markdown()
