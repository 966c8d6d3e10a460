"""The documentation of each rule: its section of the rules page, and its address.

The rules page, ``docs/rules.md``, is the one place a rule is explained; the
package ships it (see :func:`storyfmt._shipped.shipped_text`), so that SARIF
output can carry each rule's help, and text output links to it on the docs site.
"""

from __future__ import annotations

import functools
import re

from storyfmt._codes import Rule, own_rule
from storyfmt._plugins import rule_of
from storyfmt._shipped import shipped_text

DOCS_URL = "https://storyfmt.readthedocs.io/en/latest/"
"""The documentation site, unless the configuration's ``docs-url`` names another."""

_RULE_HEADING = re.compile(r"### (SF\d{3}) `[a-z0-9-]+` \((?:error|warning)\)")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")


def anchor(rule: Rule) -> str:
    """The id the docs site gives a rule's heading.

    The heading ``SF201 `unexpected-line` (error)`` becomes its words, lower
    case, joined by hyphens, as the site's table of contents makes ids:

    >>> anchor(Rule.UNEXPECTED_LINE)
    'sf201-unexpected-line-error'
    """
    return f"{rule.value.lower()}-{rule.slug}-{rule.severity}"


def rule_url(rule: Rule, docs_url: str = DOCS_URL) -> str:
    """The address of a rule's section on the docs site at ``docs_url``.

    >>> rule_url(Rule.UNEXPECTED_LINE, "https://example.org/")
    'https://example.org/rules/#sf201-unexpected-line-error'
    """
    return f"{docs_url}rules/#{anchor(rule)}"


def rule_name(code: str) -> str:
    """The name of the rule of a code: storyfmt's, or a loaded plugin's.

    >>> rule_name("SF201")
    'unexpected-line'
    """
    own = own_rule(code)
    if own is not None:
        return own.slug
    found = rule_of(code)
    return found[1].name if found is not None else code.lower()


def help_url(code: str, docs_url: str = DOCS_URL) -> str | None:
    """The address of the documentation of a code's rule: its section of the
    rules page, or the address its plugin gives (None if it gives none)."""
    own = own_rule(code)
    if own is not None:
        return rule_url(own, docs_url)
    found = rule_of(code)
    return found[1].help_uri if found is not None else None


@functools.cache
def sections() -> dict[str, str]:
    """Each rule's section of the rules page, by code: the Markdown under its heading."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    fenced = False
    for line in shipped_text("docs/rules.md").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            match = _RULE_HEADING.fullmatch(line)
            current = found.setdefault(match[1], []) if match else None
            continue
        if current is not None:
            current.append(line)
    return {code: "\n".join(lines).strip() for code, lines in found.items()}


def rule_help(rule: Rule, docs_url: str = DOCS_URL) -> str:
    """A rule's section of the rules page, its links made absolute on the docs site.

    >>> rule_help(Rule.TOO_MANY_WARNINGS, "https://example.org/").split(")")[0]
    'After ten warnings ... (see [SF100](https://example.org/rules/#sf100-too-many-errors-error'
    """

    def absolute(link: re.Match[str]) -> str:
        target = link[2]
        if "://" not in target:
            page, _, fragment = target.partition("#")
            page = page.removesuffix(".md") or "rules"
            target = f"{docs_url}{page}/" + (f"#{fragment}" if fragment else "")
        return f"[{link[1]}]({target})"

    return _LINK.sub(absolute, sections()[rule.value])


def plain(markdown: str) -> str:
    """Markdown as plain text: a link as its text and address, code blocks indented.

    >>> print(plain("See [SF100](https://example.org/).\\n\\n```text\\nTitle\\n```"))
    See SF100 (https://example.org/).
    <BLANKLINE>
        Title
    """
    lines = []
    fenced = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        else:
            lines.append(("    " + line).rstrip() if fenced else _LINK.sub(r"\1 (\2)", line))
    return "\n".join(lines)
