"""SARIF 2.1.0 output of ``storyfmt check``, for GitHub code scanning.

One run: the tool with the whole rule catalogue (each rule's help is its
section of the rules page) and an extension for each plugin loaded, with its
rules; a result for each problem; and a failed invocation with a notification
for each path that could not be read or checked.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from storyfmt import __version__
from storyfmt._codes import Rule
from storyfmt._config import relative_path
from storyfmt._diagnostics import Diagnostic
from storyfmt._house._base import StoryRule
from storyfmt._house._docs import documentation
from storyfmt._plugins import Plugin, loaded
from storyfmt._report import FileReport, with_hint
from storyfmt._ruledocs import plain, rule_help, rule_url

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
"""The JSON schema that SARIF 2.1.0 documents name."""

# Files under the current folder are named relative to it, as text output names
# them; code scanning reads such paths from the root of the checkout.
_ROOT = "%SRCROOT%"

_Json = dict[str, Any]


def _rule(rule: Rule, docs_url: str) -> _Json:
    """A rule's metadata, its help from the rules page."""
    return _descriptor(
        rule.value,
        rule.slug,
        rule.summary,
        help_markdown=rule_help(rule, docs_url),
        uri=rule_url(rule, docs_url),
        level=rule.severity,
    )


def _plugin_rule(rule: StoryRule) -> _Json:
    """A plugin rule's metadata, its help from its documentation."""
    return _descriptor(
        rule.code,
        rule.name,
        rule.summary,
        help_markdown=documentation(rule),
        uri=rule.help_uri,
        level="warning",
    )


def _descriptor(
    code: str, name: str, summary: str, *, help_markdown: str, uri: str | None, level: str
) -> _Json:
    description = help_markdown.split("\n\n", maxsplit=1)[0]
    descriptor = {
        "id": code,
        "name": name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": plain(description), "markdown": description},
        "help": {"text": plain(help_markdown), "markdown": help_markdown},
        "helpUri": uri,
        "defaultConfiguration": {"level": level},
    }
    if uri is None:
        del descriptor["helpUri"]
    return descriptor


def _extension(plugin: Plugin) -> _Json:
    """A plugin as a tool component, with its rules."""
    component: _Json = {"name": plugin.package, "rules": list(map(_plugin_rule, plugin.rules))}
    if plugin.version:
        component["version"] = plugin.version
    return component


def _artifact(path: str, root: str) -> _Json:
    """Where a file is: relative to ``root`` if it is inside, else a ``file:`` URI."""
    absolute = os.path.abspath(path)
    relative = relative_path(absolute, root)
    if not relative:
        return {"uri": Path(absolute).as_uri()}
    return {"uri": quote(relative, errors="surrogateescape"), "uriBaseId": _ROOT}


def _result(item: Diagnostic, artifact: _Json, rule: _Json) -> _Json:
    if item.end_line is not None and item.end_column is not None:
        end_line, end_column = item.end_line, item.end_column
    else:  # the one character the caret of text output marks
        end_line, end_column = item.line, item.column + 1
    region = {
        "startLine": item.line,
        "startColumn": item.column,
        "endLine": end_line,
        "endColumn": end_column,
    }
    return {
        "ruleId": item.code,
        **rule,
        "level": item.severity,
        "message": {"text": with_hint(item)},
        "locations": [{"physicalLocation": {"artifactLocation": artifact, "region": region}}],
    }


def write_sarif(reports: Sequence[FileReport], out: TextIO, *, docs_url: str) -> None:
    """A SARIF 2.1.0 log of the problems found, the rules linked on ``docs_url``.

    A path that could not be read is an error notification of the invocation,
    which is then not successful. Columns count characters (code points).
    """
    root = os.getcwd()
    plugins = loaded()
    # A result names its rule by its index in the driver's rules, or, for a
    # plugin's rule, by its index in the extension's.
    references: dict[str, _Json] = {
        rule.value: {"ruleIndex": index} for index, rule in enumerate(Rule)
    }
    for component, plugin in enumerate(plugins):
        for index, each in enumerate(plugin.rules):
            reference = {"id": each.code, "index": index, "toolComponent": {"index": component}}
            references[each.code] = {"rule": reference}
    results: list[_Json] = []
    notifications: list[_Json] = []
    for report in reports:
        failures = report.failures
        if not (report.diagnostics or failures):
            continue
        artifact = _artifact(report.path, root)
        for failure in failures:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": f"{report.path}: {failure}"},
                    "locations": [{"physicalLocation": {"artifactLocation": artifact}}],
                }
            )
        results.extend(
            _result(item, artifact, references[item.code]) for item in report.diagnostics
        )
    driver = {
        "name": "storyfmt",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": docs_url,
        "rules": [_rule(rule, docs_url) for rule in Rule],
    }
    tool: _Json = {"driver": driver}
    if plugins:
        tool["extensions"] = list(map(_extension, plugins))
    run = {
        "tool": tool,
        "invocations": [
            {
                "executionSuccessful": not notifications,
                "toolExecutionNotifications": notifications,
            }
        ],
        "originalUriBaseIds": {_ROOT: {"uri": Path(root).as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    json.dump(document, out, indent=2, ensure_ascii=False)
    out.write("\n")
