"""The output formats of ``storyfmt check``: text, JSON, GitHub Actions, JUnit XML."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO
from xml.etree import ElementTree

from storyfmt import __version__
from storyfmt._diagnostics import CODES, Diagnostic, render

FORMATS = ("text", "json", "github", "junit")


@dataclass
class FileReport:
    """What checking one file found; ``failure`` says why a file could not be read."""

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    lines: list[str] | None = None
    failure: str | None = None

    def count(self, severity: str) -> int:
        """How many diagnostics of a severity the file has."""
        return sum(1 for item in self.diagnostics if item.severity == severity)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary(reports: Sequence[FileReport]) -> str:
    """One line: ``3 errors, 1 warning in 2 of 40 files``."""
    errors = sum(report.count("error") for report in reports)
    warnings = sum(report.count("warning") for report in reports)
    files = sum(1 for report in reports if report.diagnostics)
    if not errors and not warnings:
        return f"No problems in {_plural(len(reports), 'file')}"
    return (
        f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
        f" in {files} of {_plural(len(reports), 'file')}"
    )


def write_text(reports: Sequence[FileReport], out: TextIO, *, color: bool, quiet: bool) -> None:
    """Compiler-style diagnostics with source excerpts, then the summary."""
    for report in reports:
        for item in report.diagnostics:
            if quiet:
                out.write(render(item, None, report.path, color=color).split("\n")[0] + "\n")
            else:
                out.write(render(item, report.lines, report.path, color=color) + "\n\n")
    if not quiet or any(report.diagnostics for report in reports):
        out.write(summary(reports) + "\n")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write_github(reports: Sequence[FileReport], out: TextIO) -> None:
    """GitHub Actions workflow commands, which show as annotations on the lines."""
    for report in reports:
        for item in report.diagnostics:
            properties = {
                "file": report.path,
                "line": str(item.line),
                "col": str(item.column),
            }
            if item.end_line is not None and item.end_column is not None:
                properties["endLine"] = str(item.end_line)
                properties["endColumn"] = str(item.end_column)
            properties["title"] = f"{item.code} {CODES[item.code].name}"
            props = ",".join(
                f"{key}={_escape_property(value)}" for key, value in properties.items()
            )
            message = item.message + (f" (hint: {item.hint})" if item.hint else "")
            out.write(f"::{item.severity} {props}::{_escape_data(message)}\n")
    out.write(summary(reports) + "\n")


def as_json(report: FileReport, item: Diagnostic) -> dict[str, object]:
    """One diagnostic of a file as a JSON object."""
    return {
        "path": report.path,
        "line": item.line,
        "column": item.column,
        "end_line": item.end_line,
        "end_column": item.end_column,
        "code": item.code,
        "name": CODES[item.code].name,
        "severity": item.severity,
        "message": item.message,
        "hint": item.hint,
    }


def write_json(reports: Sequence[FileReport], out: TextIO) -> None:
    """One JSON document: a summary and every diagnostic with its file."""
    document = {
        "storyfmt": __version__,
        "summary": {
            "files": len(reports),
            "files_with_problems": sum(1 for report in reports if report.diagnostics),
            "errors": sum(report.count("error") for report in reports),
            "warnings": sum(report.count("warning") for report in reports),
        },
        "diagnostics": [as_json(report, item) for report in reports for item in report.diagnostics],
    }
    json.dump(document, out, indent=2, ensure_ascii=False)
    out.write("\n")


def write_junit(reports: Sequence[FileReport], out: TextIO, *, strict: bool) -> None:
    """JUnit XML: one test case per file, failed by its errors (and warnings if strict)."""
    failing = {"error", "warning"} if strict else {"error"}
    suite = ElementTree.Element(
        "testsuite",
        name="storyfmt",
        tests=str(len(reports)),
        failures=str(sum(1 for r in reports if any(d.severity in failing for d in r.diagnostics))),
        errors="0",
        skipped="0",
    )
    for report in reports:
        case = ElementTree.SubElement(
            suite, "testcase", classname="storyfmt.check", name=report.path, file=report.path
        )
        if not report.diagnostics:
            continue
        text = "\n".join(render(item, None, report.path) for item in report.diagnostics)
        failed = [item for item in report.diagnostics if item.severity in failing]
        if failed:
            first = failed[0]
            failure = ElementTree.SubElement(
                case,
                "failure",
                message=f"{_plural(len(failed), 'problem')}; first: line {first.line}:"
                f" {first.message}",
                type=first.code,
            )
            failure.text = text
        else:
            ElementTree.SubElement(case, "system-out").text = text
    root = ElementTree.Element("testsuites", name="storyfmt")
    root.append(suite)
    ElementTree.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ElementTree.tostring(root, encoding="unicode") + "\n")
