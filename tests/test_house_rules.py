"""House rules and vocabularies: each rule's documented examples run through the
command, their options are checked where the configuration gives them, and the
rules page shows what the rules generate."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT
from test_cli import CANONICAL, run

import storyfmt
from storyfmt._cli._check import workers
from storyfmt._codes import Rule
from storyfmt._config import Config, ConfigError, read_config
from storyfmt._house import House
from storyfmt._house._base import StoryRule
from storyfmt._house._docs import START, markdown, update
from storyfmt._house._registry import RULES, configured
from storyfmt._rules import Form, diagnose

pytestmark = pytest.mark.slow

_BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
_IDS = [rule.name for rule in RULES]
RULES_PAGE = ROOT / "docs" / "rules.md"


class Examples:
    """The examples of a rule's docstring: its options, a story that passes, one
    that fails, and what ``storyfmt check`` prints for that one."""

    def __init__(self, rule: StoryRule) -> None:
        blocks = _BLOCK.findall(inspect.cleandoc(type(rule).__doc__ or ""))
        languages = [language for language, _ in blocks]
        assert languages in (["toml", "text", "text", "console"], ["text", "text", "console"])
        self.toml = blocks[0][1] if languages[0] == "toml" else ""
        (_, self.passing), (_, self.failing), (_, self.shown) = blocks[-3:]

    def project(self, folder: Path) -> Path:
        """A project whose configuration gives the examples' options."""
        (folder / "pyproject.toml").write_text(
            f'[project]\nname = "news"\n\n[tool.storyfmt]\n\n{self.toml}', "utf-8"
        )
        return folder

    def house(self, folder: Path, rule: StoryRule) -> House:
        """The house of the examples' configuration, with ``rule`` alone selected."""
        config = read_config(self.project(folder) / "pyproject.toml")
        assert config is not None
        return configured(config.vocabulary, config.rules, lambda each: each == rule.code)


def _diagnostics(stdout: str) -> str:
    """What ``storyfmt check`` printed for the problems, as the rules page shows
    them: without the links to the page, the blank lines and the summary line."""
    lines = stdout.splitlines()[:-1]
    return "\n".join(line for line in lines if line and not line.startswith(" = help: ")) + "\n"


@pytest.mark.parametrize("rule", RULES, ids=_IDS)
def test_each_rule_is_a_house_rule_of_the_catalogue(rule: StoryRule) -> None:
    listed = Rule(rule.code)
    assert listed.house
    assert listed.severity == "warning"
    assert (rule.name, rule.summary) == (listed.slug, listed.summary)
    assert type(rule).__module__ == f"storyfmt._house.{rule.name.replace('-', '_')}"
    assert type(rule).check is not StoryRule.check


def test_the_house_rules_are_the_sf6xx_codes_in_order() -> None:
    assert [rule.code for rule in RULES] == [rule.value for rule in Rule if rule.house]
    assert all(rule.value.startswith("SF6") for rule in Rule if rule.house)


@pytest.mark.parametrize("rule", RULES, ids=_IDS)
def test_the_examples_pass_and_fail_as_documented(rule: StoryRule, tmp_path: Path) -> None:
    examples = Examples(rule)
    project = examples.project(tmp_path)
    (project / "passes.story").write_text(examples.passing, "utf-8")
    (project / "story.txt").write_text(examples.failing, "utf-8")
    passed = run("check", "--strict", "--select", rule.code, "passes.story", cwd=project)
    assert (passed.returncode, passed.stdout) == (0, "No problems in 1 file\n")
    failed = run("check", "--select", rule.code, "story.txt", cwd=project)
    assert failed.returncode == 0, "a house rule only warns"
    assert _diagnostics(failed.stdout) == examples.shown
    assert failed.stdout.splitlines()[-1].startswith("0 errors, ")


@pytest.mark.parametrize("rule", RULES, ids=_IDS)
def test_the_failing_example_is_a_valid_story_warned_about(rule: StoryRule, tmp_path: Path) -> None:
    examples = Examples(rule)
    storyfmt.loads(examples.failing)  # valid: it raises nothing
    house = examples.house(tmp_path, rule)
    found = [item for item in diagnose(examples.failing, house=house) if item.code == rule.code]
    assert found
    assert {item.severity for item in found} == {"warning"}
    assert not [item for item in storyfmt.validate(examples.failing) if item.code == rule.code]


@pytest.mark.parametrize("form", ["json", "yaml"])
@pytest.mark.parametrize("rule", RULES, ids=_IDS)
def test_the_rules_find_the_same_in_json_and_yaml_at_the_values(
    rule: StoryRule, form: Form, tmp_path: Path
) -> None:
    examples = Examples(rule)
    house = examples.house(tmp_path, rule)
    story = storyfmt.loads(examples.failing)
    source = storyfmt.to_json(story) if form == "json" else storyfmt.to_yaml(story)
    as_text = [item for item in diagnose(examples.failing, house=house) if item.code == rule.code]
    found = [item for item in diagnose(source, form=form, house=house) if item.code == rule.code]
    assert [item.message for item in found] == [item.message for item in as_text]
    lines = source.splitlines()
    for item in found:
        assert 1 < item.line <= len(lines), item


# ---- options -------------------------------------------------------------------

_BAD_OPTIONS = [
    (
        "[rules.title-too-long]\nmax = 0\n",
        "2: 'rules.title-too-long.max' must be a whole number of at least 1, got 0",
    ),
    (
        "[rules.title-too-long]\nmax = true\n",
        "2: 'rules.title-too-long.max' must be a whole number of at least 1, got true",
    ),
    (
        "[rules.title-too-long]\n\nmaximum = 90\n",
        "3: unknown option 'maximum' of title-too-long; its options are max",
    ),
    (
        "[rules.breakdown-count-exact]\nmax = 1\n",
        "2: unknown option 'max' of breakdown-count-exact; it has no options",
    ),
    (
        "strict = true\n\n[rules]\ntitle-length = { max = 90 }\n",
        "4: unknown rule 'title-length' in 'rules'; the rules with options are title-too-long,",
    ),
    (
        "[rules]\nSF601 = { max = 90 }\n",
        "2: unknown rule 'SF601' in 'rules'; write its name: title-too-long",
    ),
    (
        "[rules]\npoint-count = 3\n",
        "2: 'rules.point-count' must be a table, such as { min = 1 }",
    ),
    (
        "[rules]\nbreakdown-count-exact = true\n",
        "2: 'rules.breakdown-count-exact' must be a table, and the rule has no options",
    ),
    ("rules = 3\n", "1: 'rules' must be a table of rules and their options"),
    (
        "[rules.point-count]\nmin = 5\nmax = 3\n",
        "1: 'rules.point-count' has min = 5, more than max = 3",
    ),
    (
        "[rules.keyword-count]\nmin = -1\n",
        "2: 'rules.keyword-count.min' must be a whole number of at least 0, got -1",
    ),
    (
        '[rules.missing-stat]\nkeys = ["Status", "political leaning"]\n',
        "2: 'rules.missing-stat.keys' holds 'political leaning'; write the key as stories do:"
        " 'Political leaning'",
    ),
    ("[rules.missing-stat]\nkeys = []\n", "2: 'rules.missing-stat.keys' must list at least one"),
    (
        '[rules.tags-keywords-mismatch]\nmatch = "equal"\n',
        "2: 'rules.tags-keywords-mismatch.match' must be one of \"tags-in-keywords\",",
    ),
    (
        "rules.title-too-long.max = 0\n",
        "1: 'rules.title-too-long.max' must be a whole number of at least 1, got 0",
    ),
    (
        "[rules]\nheadline-too-long = { max = 0 }\n",
        "2: 'rules.headline-too-long.max' must be a whole number of at least 1, got 0",
    ),
    ("[vocabulary]\nstatus = []\n", "2: 'vocabulary.status' must list at least one value"),
    (
        '[vocabulary]\nstatus = ["Active"]\nextend-status = "Paused"\n',
        "3: 'vocabulary.extend-status' must be a list of strings, got \"Paused\"",
    ),
    (
        '[vocabulary]\npolitical-leaning = ["Left ", "Right"]\n',
        "2: 'vocabulary.political-leaning' holds \"Left \", which no story line can",
    ),
    (
        '[vocabulary]\nstatuses = ["Active"]\n',
        "2: unknown key 'vocabulary.statuses'; the keys are status, political-leaning,"
        " extend-status, extend-political-leaning",
    ),
    ('vocabulary = ["Active"]\n', "1: 'vocabulary' must be a table such as { status = [...] }"),
]


@pytest.mark.parametrize(("toml", "message"), _BAD_OPTIONS)
def test_a_wrong_setting_is_named_with_its_line(toml: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "storyfmt.toml"
    path.write_text(toml, "utf-8")
    with pytest.raises(ConfigError) as raised:
        read_config(path)
    assert str(raised.value).startswith(f"{path}:{message}")


def test_a_wrong_setting_in_pyproject_is_named_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "news"\n\n[tool.storyfmt]\nselect = ["SF6"]\n\n'
        '[tool.storyfmt.vocabulary]\nextend-status = ["Paused"]\n\n'
        "[tool.storyfmt.rules.point-count]\nmin = 1\nmax = 0\n",
        "utf-8",
    )
    (tmp_path / "story.story").write_text(CANONICAL)
    done = run("check", ".", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == (
        f"storyfmt: error: {tmp_path / 'pyproject.toml'}:12: 'rules.point-count.max'"
        " must be a whole number of at least 1, got 0\n"
    )


def test_options_not_given_keep_their_defaults(tmp_path: Path) -> None:
    path = tmp_path / "storyfmt.toml"
    path.write_text("[rules.point-count]\nmax = 8\n[rules.missing-stat]\n", "utf-8")
    config = read_config(path)
    assert config is not None
    assert config.rules == {
        "point-count": {"min": 1, "max": 8},
        "missing-stat": {
            "keys": ("Status", "Duration", "Virality", "Articles", "Political leaning")
        },
    }


# ---- selection -----------------------------------------------------------------

_WORDY = "A title of more than forty characters, for sure\n"


def test_house_rules_are_off_until_selected(tmp_path: Path) -> None:
    (tmp_path / "storyfmt.toml").write_text("[rules.title-too-long]\nmax = 40\n", "utf-8")
    (tmp_path / "story.story").write_text(_WORDY, "utf-8")
    assert run("check", "--strict", ".", cwd=tmp_path).returncode == 0
    selected = run("check", "--strict", "--select", "SF5,SF601", ".", cwd=tmp_path)
    assert selected.returncode == 1
    assert selected.stdout.splitlines()[0] == (
        "story.story:1:1: warning[SF601] the title is 47 characters long; at most 40 allowed"
    )
    assert selected.stdout.splitlines()[-1] == "0 errors, 1 warning in 1 of 1 file"
    everything = run("check", "--select", "SF6", ".", cwd=tmp_path)
    assert everything.stdout.splitlines()[-1] == "0 errors, 5 warnings in 1 of 1 file"
    ignored = run("check", "--strict", "--select", "SF5,SF6", "--ignore", "SF6", ".", cwd=tmp_path)
    assert (ignored.returncode, ignored.stdout) == (0, "No problems in 1 file\n")


def test_a_selected_house_rule_takes_its_configured_severity(tmp_path: Path) -> None:
    (tmp_path / "storyfmt.toml").write_text(
        'select = ["SF5", "SF601"]\n\n[severity]\nSF601 = "error"\n', "utf-8"
    )
    (tmp_path / "story.story").write_text("x" * 81 + "\n", "utf-8")
    done = run("check", ".", cwd=tmp_path)
    assert done.returncode == 1
    assert "story.story:1:1: error[SF601] the title is 81 characters long; at most 80" in (
        done.stdout
    )


def test_wants_selects_house_rules_only_by_name() -> None:
    default = Config()
    assert default.wants(Rule.UNKNOWN_STATUS)
    assert not default.wants(Rule.TITLE_TOO_LONG)
    chosen = Config(select=("SF5", "SF601"))
    assert chosen.wants(Rule.TITLE_TOO_LONG)
    assert chosen.wants(Rule.UNKNOWN_STATUS)
    assert not chosen.wants(Rule.HEADLINE_TOO_LONG)
    assert not Config(select=("SF6",), ignore=("SF60",)).wants(Rule.POINT_COUNT)


def test_house_rules_judge_only_stories_without_errors(tmp_path: Path) -> None:
    (tmp_path / "storyfmt.toml").write_text('select = ["SF6"]\n', "utf-8")
    (tmp_path / "story.story").write_text("x" * 81 + "\n\nStory Stats\n\nVirality\nhigh\n", "utf-8")
    done = run("check", ".", cwd=tmp_path)
    assert done.returncode == 1
    assert "SF6" not in done.stdout
    assert done.stdout.splitlines()[-1] == "1 error, 0 warnings in 1 of 1 file"


def test_fix_reports_the_house_warnings_of_the_fixed_story(tmp_path: Path) -> None:
    (tmp_path / "storyfmt.toml").write_text('select = ["SF601"]\n', "utf-8")
    path = tmp_path / "story.story"
    path.write_text("x" * 81 + "\n\nstory stats\n\nStatus\nActive\n", "utf-8")
    done = run("check", "--fix", ".", cwd=tmp_path)
    assert path.read_text("utf-8") == "x" * 81 + "\n\nStory Stats\n\nStatus\nActive\n"
    assert "story.story:1:1: warning[SF601] the title is 81 characters long" in done.stdout
    assert done.returncode == 0


def test_worker_processes_check_with_the_house_rules(tmp_path: Path) -> None:
    files = 80
    if workers(files, 2)[0] < 2:
        pytest.skip("one core: no worker processes")
    (tmp_path / "storyfmt.toml").write_text(
        'select = ["SF6"]\n\n[vocabulary]\nstatus = ["Paused"]\n\n'
        "[rules.title-too-long]\nmax = 10\n",
        "utf-8",
    )
    for number in range(files):
        (tmp_path / f"{number:03d}.story").write_text(
            f"Story number {number}\n\nStory Stats\n\nStatus\nActive\n", "utf-8"
        )
    done = run("check", "-j", "2", "--select", "SF501,SF601", ".", cwd=tmp_path)
    assert done.stdout.count("warning[SF601]") == files
    assert done.stdout.count("warning[SF501] Status 'Active'") == files


# ---- vocabularies --------------------------------------------------------------

_STATS = "Title\n\nStory Stats\n\nStatus\n{}\nPolitical leaning\n{}\n"


@pytest.mark.parametrize(
    ("toml", "status", "leaning", "warned"),
    [
        ("", "Active", "Center", []),
        ("", "Developing", "Centre", ["SF501", "SF502"]),
        ('extend-status = ["Developing"]\n', "Developing", "Center", []),
        ('extend-status = ["Developing"]\n', "Active", "Center", []),
        ('status = ["Developing"]\n', "Active", "Center", ["SF501"]),
        ('status = ["Open"]\nextend-status = ["Closed"]\n', "Closed", "Center", []),
        ('extend-status = ["Closed"]\nstatus = ["Open"]\n', "Active", "Center", ["SF501"]),
        ('political-leaning = ["Centre"]\n', "Active", "Centre", []),
        ('political-leaning = ["Centre"]\n', "Active", "Center", ["SF502"]),
        ('extend-political-leaning = ["Centre"]\n', "Active", "Center", []),
    ],
)
def test_the_vocabularies_are_replaced_or_extended(
    toml: str, status: str, leaning: str, warned: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "storyfmt.toml"
    path.write_text(f"[vocabulary]\n{toml}", "utf-8")
    config = read_config(path)
    assert config is not None
    house = configured(config.vocabulary, config.rules, config.wants)
    found = diagnose(_STATS.format(status, leaning), house=house)
    assert [item.code for item in found] == warned


def test_a_replaced_vocabulary_is_the_hint(tmp_path: Path) -> None:
    (tmp_path / "storyfmt.toml").write_text(
        '[vocabulary]\nstatus = ["Open", "Closed"]\nextend-status = ["Paused", "Open"]\n',
        "utf-8",
    )
    (tmp_path / "story.json").write_text(
        '{"kind": "card", "title": "T",\n "stats": {"status": "Active"}}\n', "utf-8"
    )
    done = run("check", "story.json", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.splitlines()[0] == (
        "story.json:2:22: warning[SF501] Status 'Active' is not one of the known values"
    )
    assert " = hint: known values: Open, Closed, Paused" in done.stdout


# ---- the rules page ------------------------------------------------------------


def test_the_rules_page_shows_the_house_rules_as_generated() -> None:
    page = RULES_PAGE.read_text("utf-8")
    assert page.count(START) == 1
    assert update(page) == page, "regenerate with: python -m storyfmt._house docs/rules.md"


def test_the_generated_part_has_a_section_per_rule_with_its_options() -> None:
    generated = markdown()
    headings = re.findall(r"^### (SF6\d\d) `([a-z-]+)` \(warning\)$", generated, re.MULTILINE)
    assert headings == [(rule.code, rule.name) for rule in RULES]
    for rule in RULES:
        for option in rule.options:
            assert f"| `{option.name}` |" in generated
        assert (f"**Options**, in `[tool.storyfmt.rules.{rule.name}]`:" in generated) == bool(
            rule.options
        )


def test_the_page_is_written_by_the_module(tmp_path: Path) -> None:
    page = tmp_path / "rules.md"
    page.write_text(f"# Rules\n\nBefore.\n\n{START}\n\n### SF601 old\n", "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "storyfmt._house", str(page)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert page.read_text("utf-8") == f"# Rules\n\nBefore.\n\n{markdown()}"
