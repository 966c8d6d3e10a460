"""``storyfmt check --output-format sarif``, run as a real subprocess: valid SARIF
2.1.0 that code scanning reads, with the rule catalogue and every problem located."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import CORPUS, DATA, ROOT, toc_id
from test_cli import BAD, CANONICAL, WARNED, run

from storyfmt import __version__
from storyfmt._codes import Rule
from storyfmt._ruledocs import DOCS_URL

pytestmark = pytest.mark.slow

SCHEMA = json.loads((DATA / "sarif-2.1.0-rtm.5.json").read_text("utf-8"))
RULES_PAGE = (ROOT / "docs" / "rules.md").read_text("utf-8")
# Each rule's heading on the rules page, and its section up to the next heading.
_SECTION = re.compile(r"^### (SF\d{3} [^\n]*)\n\n(.*?)\n*(?=^##|\Z)", re.MULTILINE | re.DOTALL)
WIDE = "Title \U0001f642\nHeadline\nCafé \U0001f642 /  / x /\n"
"""An empty tag at the 10th character of its line, after a two-byte and a four-byte one."""


def sarif(*args: str, cwd: Path, status: int) -> dict[str, Any]:
    """Run ``check --output-format sarif``; the log, checked against the SARIF schema."""
    done = run("check", "--output-format", "sarif", *args, cwd=cwd)
    assert done.returncode == status, done.stderr
    log: dict[str, Any] = json.loads(done.stdout)
    assert schema_errors(log) == []
    return log


def schema_errors(log: dict[str, Any]) -> list[str]:
    """Where a log breaks the SARIF 2.1.0 schema, and how."""
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """Stories with an error and a warning, a warning, none, in a nested folder whose
    file name has a space, and a link to a file that is not there."""
    (tmp_path / "bad.story").write_text(BAD)
    (tmp_path / "warned.story").write_text(WARNED)
    (tmp_path / "good.story").write_text(CANONICAL)
    nested = tmp_path / "cards" / "2026"
    nested.mkdir(parents=True)
    (nested / "wide tags.story").write_text(WIDE, encoding="utf-8")
    (tmp_path / "gone.story").symlink_to(tmp_path / "nowhere.story")
    return tmp_path


def test_the_schema_is_the_draft_4_schema_of_sarif_2_1_0() -> None:
    assert SCHEMA["$schema"] == "http://json-schema.org/draft-04/schema#"
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    assert SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]


def test_the_tool_lists_every_rule_with_its_section_of_the_rules_page(repository: Path) -> None:
    log = sarif(".", cwd=repository, status=2)
    assert (log["version"], len(log["runs"])) == ("2.1.0", 1)
    driver = log["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("storyfmt", __version__)
    assert driver["informationUri"] == DOCS_URL
    sections = {m[1][:5]: (m[1], m[2]) for m in _SECTION.finditer(RULES_PAGE)}
    heading_ids = {toc_id(heading) for heading, _ in sections.values()}
    assert [rule["id"] for rule in driver["rules"]] == [rule.value for rule in Rule]
    for entry, rule in zip(driver["rules"], Rule, strict=True):
        heading, section = sections[rule.value]
        assert entry["name"] == rule.slug
        assert entry["shortDescription"] == {"text": rule.summary}
        assert entry["defaultConfiguration"] == {"level": rule.severity}
        page, anchor = entry["helpUri"].split("#")
        assert page == DOCS_URL + "rules/"
        assert anchor == toc_id(heading)
        # The help is the section as the page has it, its links made absolute.
        help_text = entry["help"]["markdown"].replace(DOCS_URL + "rules/#", "#")
        assert help_text == section
        links = re.findall(r"\]\(#([^)]+)\)", help_text)
        assert set(links) <= heading_ids
        description = section.split("\n\n")[0]
        assert entry["fullDescription"]["markdown"].replace(DOCS_URL + "rules/#", "#") == (
            description
        )
        assert "```" not in entry["help"]["text"]
        assert "](" not in entry["fullDescription"]["text"]
    assert "(see SF500 (https://" in driver["rules"][0]["help"]["text"]


def _results(log: dict[str, Any]) -> list[tuple[str, str, str, int, int, int, int]]:
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    found = []
    for result in log["runs"][0]["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        region = location["physicalLocation"]["region"]
        assert artifact["uriBaseId"] == "%SRCROOT%"
        found.append(
            (
                artifact["uri"],
                result["ruleId"],
                result["level"],
                region["startLine"],
                region["startColumn"],
                region["endLine"],
                region["endColumn"],
            )
        )
    return found


def test_each_problem_is_a_result_where_it_is(repository: Path) -> None:
    log = sarif(".", cwd=repository, status=2)
    run_ = log["runs"][0]
    assert run_["columnKind"] == "unicodeCodePoints"
    assert run_["originalUriBaseIds"] == {"%SRCROOT%": {"uri": repository.as_uri() + "/"}}
    assert _results(log) == [
        ("bad.story", "SF301", "error", 6, 1, 6, 5),
        ("bad.story", "SF501", "warning", 8, 1, 8, 8),
        # Columns count characters: a byte or UTF-16 count would say 14 or 11.
        ("cards/2026/wide%20tags.story", "SF214", "error", 3, 10, 3, 11),
        ("warned.story", "SF501", "warning", 6, 1, 6, 8),
    ]
    messages = [result["message"]["text"] for result in run_["results"]]
    assert messages[0] == (
        "Virality must be a number, got 'high' (hint: write a decimal number such as 5.1 or 12)"
    )


def test_levels_follow_the_configuration_and_links_the_docs_url(repository: Path) -> None:
    (repository / "storyfmt.toml").write_text(
        'docs-url = "https://docs.example.org/storyfmt"\n[severity]\nSF501 = "error"\n'
    )
    log = sarif("warned.story", cwd=repository, status=1)
    (result,) = log["runs"][0]["results"]
    assert (result["ruleId"], result["level"]) == ("SF501", "error")
    driver = log["runs"][0]["tool"]["driver"]
    rule = driver["rules"][result["ruleIndex"]]
    assert rule["defaultConfiguration"] == {"level": "warning"}
    assert (
        rule["helpUri"] == "https://docs.example.org/storyfmt/rules/#sf501-unknown-status-warning"
    )
    assert driver["informationUri"] == "https://docs.example.org/storyfmt/"
    assert "https://docs.example.org/storyfmt/rules/#" in driver["rules"][0]["help"]["markdown"]


def test_the_counts_are_those_of_the_json_output(repository: Path) -> None:
    log = sarif(".", cwd=repository, status=2)
    summary = json.loads(run("check", "--output-format", "json", ".", cwd=repository).stdout)
    levels = [result["level"] for result in log["runs"][0]["results"]]
    assert levels.count("error") == summary["summary"]["errors"] == 2
    assert levels.count("warning") == summary["summary"]["warnings"] == 2
    notifications = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert len(notifications) == summary["summary"]["unreadable"] == 1


def test_a_file_that_cannot_be_read_fails_the_run(repository: Path) -> None:
    log = sarif(".", cwd=repository, status=2)
    (invocation,) = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error"
    assert notification["message"]["text"] == (
        f"gone.story: cannot read: a broken symbolic link (to {repository / 'nowhere.story'})"
    )
    (location,) = notification["locations"]
    assert location["physicalLocation"]["artifactLocation"] == {
        "uri": "gone.story",
        "uriBaseId": "%SRCROOT%",
    }
    (repository / "gone.story").unlink()
    (invocation,) = sarif(".", cwd=repository, status=1)["runs"][0]["invocations"]
    assert invocation == {"executionSuccessful": True, "toolExecutionNotifications": []}


def test_paths_are_relative_to_the_current_folder_with_forward_slashes(repository: Path) -> None:
    cards = repository / "cards"
    nested = sarif("2026", str(repository / "bad.story"), "../warned.story", cwd=cards, status=1)
    uris = {
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for result in nested["runs"][0]["results"]
    }
    # A file outside the current folder is named by its absolute file URI, without a base.
    assert uris == {
        "2026/wide%20tags.story",
        (repository / "bad.story").as_uri(),
        (repository / "warned.story").as_uri(),
    }
    stdin = run(
        "check",
        "--output-format",
        "sarif",
        "--stdin-filename",
        "cards/2026/new.story",
        "-",
        cwd=repository,
        stdin=BAD.encode(),
    )
    artifact = json.loads(stdin.stdout)["runs"][0]["results"][0]["locations"][0]
    assert artifact["physicalLocation"]["artifactLocation"] == {
        "uri": "cards/2026/new.story",
        "uriBaseId": "%SRCROOT%",
    }


def test_every_problem_of_the_corpus_is_valid_sarif(tmp_path: Path) -> None:
    stories = sorted(str(path) for path in (CORPUS / "invalid").glob("*.txt"))
    log = sarif("--isolated", *stories, cwd=tmp_path, status=1)
    codes = {result["ruleId"] for result in log["runs"][0]["results"]}
    expected = {
        item["code"]
        for path in (CORPUS / "invalid").glob("*.errors.json")
        for item in json.loads(path.read_text("utf-8"))
    }
    assert codes >= expected
