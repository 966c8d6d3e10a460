"""The rule codes: one catalogue, as the rules page lists it, written as plain codes;
the rules page is each rule's help, at the address the docs site gives it."""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT, toc_id
from pydantic import ValidationError

import storyfmt
from storyfmt._codes import Rule
from storyfmt._diagnostics import Diagnostic, diagnostic, render
from storyfmt._ruledocs import DOCS_URL, anchor, plain, rule_help, rule_url, sections

RULES = (ROOT / "docs" / "rules.md").read_text("utf-8")
_HEADING = re.compile(r"^### (SF\d{3}) `([a-z0-9-]+)` \((error|warning)\)$", re.MULTILINE)
_ROW = re.compile(
    r"^\| \[(SF\d{3})\]\(#([a-z0-9-]+)\) \| `([a-z0-9-]+)` \| (error|warning) \| (.+) \|$",
    re.MULTILINE,
)


def test_the_enum_the_catalogue_and_the_rules_page_list_the_same_rules() -> None:
    catalogue = [(rule.value, rule.slug, rule.severity) for rule in Rule]
    headings = [(m[1], m[2], m[3]) for m in _HEADING.finditer(RULES)]
    rows = [(m[1], m[3], m[4], m[5]) for m in _ROW.finditer(RULES)]
    assert headings == catalogue
    assert rows == [(*entry, rule.summary) for entry, rule in zip(catalogue, Rule, strict=True)]


def test_each_rule_is_linked_by_the_id_the_docs_site_gives_its_heading() -> None:
    ids = [toc_id(m[0].removeprefix("### ")) for m in _HEADING.finditer(RULES)]
    assert ids == [anchor(rule) for rule in Rule]
    assert [m[2] for m in _ROW.finditer(RULES)] == ids
    assert rule_url(Rule.UNEXPECTED_LINE) == DOCS_URL + "rules/#sf201-unexpected-line-error"


def test_each_rule_has_its_section_of_the_rules_page_as_its_help() -> None:
    assert list(sections()) == [rule.value for rule in Rule]
    for rule in Rule:
        section = rule_help(rule, "https://docs.example/")
        assert not section.startswith(("```", "#")), rule
        assert "```console" in section, rule
        links = re.findall(r"\]\(([^)]*)\)", section)
        assert all(link.startswith("https://docs.example/") for link in links), rule
    assert "(see [SF500](https://docs.example/rules/#sf500-too-many-warnings-warning))" in (
        rule_help(Rule.TOO_MANY_ERRORS, "https://docs.example/")
    )


def test_the_plain_help_keeps_the_text_the_addresses_and_the_examples() -> None:
    text = plain(rule_help(Rule.TOO_MANY_ERRORS, "https://docs.example/"))
    assert "(see SF500 (https://docs.example/rules/#sf500-too-many-warnings-warning))" in text
    assert "```" not in text
    assert "\n    story.txt:26:4: error[SF100] 2 more errors not shown" in text


def test_each_member_is_named_after_its_rule() -> None:
    for rule in Rule:
        assert re.fullmatch(r"SF[1-5]\d\d", rule.value), rule
        assert rule.name == rule.slug.upper().replace("-", "_")
        assert rule.summary, rule


def test_warnings_are_the_sf5xx_codes() -> None:
    # The configuration's messages say that only SF5xx codes can be selected or ignored.
    for rule in Rule:
        assert (rule.severity == "warning") == rule.value.startswith("SF5"), rule


def test_a_rule_is_its_code_wherever_it_is_written() -> None:
    rule = Rule.INVALID_NUMBER
    assert rule == "SF301"
    assert Rule("SF301") is rule
    assert hash(rule) == hash("SF301")
    assert {"SF301": 1}[rule] == 1
    assert str(rule) == f"{rule}" == format(rule) == "SF301"
    assert f"{rule:>6}|" == " SF301|"
    assert json.dumps({"code": rule, rule: 1}) == '{"code": "SF301", "SF301": 1}'


def test_a_diagnostic_holds_the_plain_code() -> None:
    item = diagnostic(Rule.UNKNOWN_STATUS, 3, 1, "Status 'Pending' is not one of the known values")
    assert type(item.code) is str
    assert item.code == "SF501"
    assert item.severity == "warning"
    assert "code='SF501'" in repr(item)
    assert "warning[SF501]" in render(item)


def test_validate_reports_plain_codes() -> None:
    found = storyfmt.validate("Title\n\nStory Stats\n\nVirality\nhigh\nStatus\nPending\n")
    assert [(d.code, type(d.code)) for d in found] == [("SF301", str), ("SF501", str)]
    assert all(isinstance(d, Diagnostic) for d in found)


def test_model_errors_carry_the_plain_code_as_their_type() -> None:
    with pytest.raises(ValidationError) as raised:
        storyfmt.StoryCard(title="")
    types = [error["type"] for error in raised.value.errors()]
    assert types == ["SF305"]
    assert type(types[0]) is str


_FIX_MARK = re.compile(r"^### (SF\d{3}) .*?(?=^### |\Z)", re.MULTILINE | re.DOTALL)


def test_the_rules_page_marks_every_fixable_rule_with_its_kind_of_fix() -> None:
    marked = {}
    for section in _FIX_MARK.finditer(RULES):
        found = re.search(r"^\*\*Fix\*\* \((safe|unsafe)\b", section.group(0), re.MULTILINE)
        if found:
            marked[section.group(1)] = found.group(1)
    assert marked == {rule.value: rule.fix for rule in Rule if rule.fix is not None}
