"""The output formats of ``storyfmt check``: text, JSON, GitHub Actions, JUnit XML
(and SARIF, in :mod:`storyfmt._sarif`)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TextIO

from storyfmt import __version__
from storyfmt._diagnostics import Diagnostic, Fix, render
from storyfmt._ruledocs import help_url, rule_name

FORMATS = ("text", "json", "github", "junit", "sarif")


@dataclass
class FileReport:
    """What checking one file found; ``failure`` says why a file could not be read,
    ``rule_failures`` which rules raised instead of checking it, and ``unfixed``
    why ``check --fix`` left it as it was.

    ``strict`` is the file's configuration's: its warnings fail it too.
    """

    path: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    lines: list[str] | None = None
    failure: str | None = None
    strict: bool = False
    rule_failures: list[str] = field(default_factory=list)
    unfixed: str | None = None

    @property
    def failures(self) -> list[str]:
        """Why the file could not be read, each rule that failed on it, and why
        it could not be fixed."""
        return (
            ([self.failure] if self.failure else [])
            + self.rule_failures
            + ([self.unfixed] if self.unfixed else [])
        )

    def count(self, severity: str) -> int:
        """How many diagnostics of a severity the file has."""
        return sum(1 for item in self.diagnostics if item.severity == severity)

    @property
    def failing(self) -> list[Diagnostic]:
        """The diagnostics that fail the file: its errors, and its warnings if strict."""
        return [item for item in self.diagnostics if self.strict or item.severity == "error"]


# Control characters could drive a terminal (ESC starts a sequence); XML 1.0
# forbids them too, with surrogates, U+FFFE and U+FFFF.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
# Compiling a class of all Unicode takes 10 ms: only JUnit output needs it.
_NOT_XML = "[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """Text with its control characters written as escapes: ESC shows as ``\\x1b``."""
    return _CONTROLS.sub(_escape, text)


def _xml(text: str) -> str:
    """Text XML 1.0 can hold: the characters it forbids written as escapes."""
    return re.sub(_NOT_XML, _escape, text)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary(reports: Sequence[FileReport]) -> str:
    """One line: ``3 errors, 1 warning in 2 of 40 files``, and how many could not
    be read (``No problems in 39 files; 1 path could not be read``) or fully
    checked (``; a rule failed on 2 files``)."""
    read = [report for report in reports if report.failure is None]
    unreadable = len(reports) - len(read)
    errors = sum(report.count("error") for report in read)
    warnings = sum(report.count("warning") for report in read)
    files = sum(1 for report in read if report.diagnostics)
    failed = sum(1 for report in read if report.rule_failures)
    unfixed = sum(1 for report in read if report.unfixed)
    if errors or warnings:
        found = (
            f"{_plural(errors, 'error')}, {_plural(warnings, 'warning')}"
            f" in {files} of {_plural(len(read), 'file')}"
        )
    elif read or not unreadable:
        found = f"No problems in {_plural(len(read), 'file')}"
    else:
        return f"{_plural(unreadable, 'path')} could not be read"
    if failed:
        found += f"; a rule failed on {_plural(failed, 'file')}"
    if unfixed:
        found += f"; {_plural(unfixed, 'file')} could not be fixed"
    return f"{found}; {_plural(unreadable, 'path')} could not be read" if unreadable else found


def write_text(
    reports: Sequence[FileReport], out: TextIO, *, color: bool, quiet: bool, docs_url: str
) -> None:
    """Compiler-style diagnostics with source excerpts, each ending with the link to
    its rule on the docs site at ``docs_url``, then the summary (the files that
    could not be read are named on stderr)."""
    for report in reports:
        path = visible(report.path)
        for item in report.diagnostics:
            if quiet:
                out.write(render(item, None, path, color=color).split("\n")[0] + "\n")
            else:
                shown = render(item, report.lines, path, color=color)
                url = help_url(item.code, docs_url)
                out.write(f"{shown}\n = help: {url}\n\n" if url else f"{shown}\n\n")
    if not quiet or any(report.diagnostics or report.failures for report in reports):
        out.write(summary(reports) + "\n")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def with_hint(item: Diagnostic) -> str:
    """A diagnostic's message and its hint, on one line, for outputs that show one text."""
    return item.message + (f" (hint: {item.hint})" if item.hint else "")


def write_github(reports: Sequence[FileReport], out: TextIO) -> None:
    """GitHub Actions workflow commands, which show as annotations on the lines."""
    for report in reports:
        path = visible(report.path)
        if report.failure:
            props = f"file={_escape_property(path)},title=unreadable"
            out.write(f"::error {props}::{_escape_data(report.failure)}\n")
        for failure in report.rule_failures:
            props = f"file={_escape_property(path)},title=rule failed"
            out.write(f"::error {props}::{_escape_data(failure)}\n")
        if report.unfixed:
            props = f"file={_escape_property(path)},title=not fixed"
            out.write(f"::error {props}::{_escape_data(report.unfixed)}\n")
        for item in report.diagnostics:
            properties = {
                "file": path,
                "line": str(item.line),
                "col": str(item.column),
            }
            if item.end_line is not None and item.end_column is not None:
                properties["endLine"] = str(item.end_line)
                properties["endColumn"] = str(item.end_column)
            properties["title"] = f"{item.code} {rule_name(item.code)}"
            props = ",".join(
                f"{key}={_escape_property(value)}" for key, value in properties.items()
            )
            out.write(f"::{item.severity} {props}::{_escape_data(with_hint(item))}\n")
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
        "name": rule_name(item.code),
        "severity": item.severity,
        "message": item.message,
        "hint": item.hint,
        "fix": None if item.fix is None else _fix_json(item.fix),
    }


def _fix_json(fix: Fix) -> dict[str, object]:
    """A fix in the shape ruff writes: edits with 1-based rows and columns."""
    return {
        "applicability": fix.applicability,
        "message": fix.message,
        "edits": [
            {
                "content": edit.content,
                "location": {"row": edit.line, "column": edit.column},
                "end_location": {"row": edit.end_line, "column": edit.end_column},
            }
            for edit in fix.edits
        ],
    }


def write_json(reports: Sequence[FileReport], out: TextIO) -> None:
    """One JSON document: a summary, every diagnostic with its file, and every
    path that could not be read with the reason."""
    failures = [
        {"path": report.path, "reason": reason} for report in reports for reason in report.failures
    ]
    unreadable = sum(1 for report in reports if report.failure)
    document = {
        "storyfmt": __version__,
        "summary": {
            "files": len(reports) - unreadable,
            "files_with_problems": sum(1 for report in reports if report.diagnostics),
            "errors": sum(report.count("error") for report in reports),
            "warnings": sum(report.count("warning") for report in reports),
            "unreadable": unreadable,
            "rule_failures": sum(len(report.rule_failures) for report in reports),
            "unfixed": sum(1 for report in reports if report.unfixed),
        },
        "diagnostics": [as_json(report, item) for report in reports for item in report.diagnostics],
        "failures": failures,
    }
    json.dump(document, out, indent=2, ensure_ascii=False)
    out.write("\n")


def write_junit(reports: Sequence[FileReport], out: TextIO) -> None:
    """JUnit XML: one test case per file, failed by its errors (and warnings if
    strict); a path that could not be read is a test case with an ``<error>``."""
    from xml.etree import ElementTree  # noqa: PLC0415 (only JUnit output needs it)

    suite = ElementTree.Element(
        "testsuite",
        name="storyfmt",
        tests=str(len(reports)),
        failures=str(sum(1 for report in reports if report.failing)),
        errors=str(sum(1 for report in reports if report.failures)),
        skipped="0",
    )
    for report in reports:
        path = _xml(visible(report.path))
        case = ElementTree.SubElement(
            suite, "testcase", classname="storyfmt.check", name=path, file=path
        )
        if report.failures:
            kind = (
                "unreadable"
                if report.failure
                else "rule-failed"
                if report.rule_failures
                else "unfixed"
            )
            message = "; ".join(report.failures)
            ElementTree.SubElement(case, "error", message=_xml(message), type=kind).text = _xml(
                f"{path}: {message}"
            )
        if not report.diagnostics:
            continue
        text = "\n".join(render(item, None, path) for item in report.diagnostics)
        failed = report.failing
        if failed:
            first = failed[0]
            failure = ElementTree.SubElement(
                case,
                "failure",
                message=_xml(
                    f"{_plural(len(failed), 'problem')}; first: line {first.line}: {first.message}"
                ),
                type=first.code,
            )
            failure.text = _xml(text)
        else:
            ElementTree.SubElement(case, "system-out").text = _xml(text)
    root = ElementTree.Element("testsuites", name="storyfmt")
    root.append(suite)
    ElementTree.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ElementTree.tostring(root, encoding="unicode") + "\n")
