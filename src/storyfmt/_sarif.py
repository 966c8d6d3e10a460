"""SARIF 2.1.0 output of ``storyfmt check``, for GitHub code scanning.

One run: the tool with the whole rule catalogue (each rule's help is its
section of the rules page), a result for each problem, and a failed
invocation with a notification for each path that could not be read.
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
from storyfmt._report import FileReport, with_hint
from storyfmt._ruledocs import plain, rule_help, rule_url

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
"""The JSON schema that SARIF 2.1.0 documents name."""

# Files under the current folder are named relative to it, as text output names
# them; code scanning reads such paths from the root of the checkout.
_ROOT = "%SRCROOT%"
_INDEX = {rule: index for index, rule in enumerate(Rule)}

_Json = dict[str, Any]


def _rule(rule: Rule, docs_url: str) -> _Json:
    """A rule's metadata, its help from the rules page."""
    section = rule_help(rule, docs_url)
    description = section.split("\n\n")[0]
    return {
        "id": rule.value,
        "name": rule.slug,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": plain(description), "markdown": description},
        "help": {"text": plain(section), "markdown": section},
        "helpUri": rule_url(rule, docs_url),
        "defaultConfiguration": {"level": rule.severity},
    }


def _artifact(path: str, root: str) -> _Json:
    """Where a file is: relative to ``root`` if it is inside, else a ``file:`` URI."""
    absolute = os.path.abspath(path)
    relative = relative_path(absolute, root)
    if not relative:
        return {"uri": Path(absolute).as_uri()}
    return {"uri": quote(relative, errors="surrogateescape"), "uriBaseId": _ROOT}


def _result(item: Diagnostic, artifact: _Json) -> _Json:
    rule = Rule(item.code)
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
        "ruleId": rule.value,
        "ruleIndex": _INDEX[rule],
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
    results: list[_Json] = []
    notifications: list[_Json] = []
    for report in reports:
        if not (report.diagnostics or report.failure):
            continue
        artifact = _artifact(report.path, root)
        if report.failure:
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": f"{report.path}: {report.failure}"},
                    "locations": [{"physicalLocation": {"artifactLocation": artifact}}],
                }
            )
        results.extend(_result(item, artifact) for item in report.diagnostics)
    driver = {
        "name": "storyfmt",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": docs_url,
        "rules": [_rule(rule, docs_url) for rule in Rule],
    }
    run = {
        "tool": {"driver": driver},
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
