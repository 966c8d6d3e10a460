"""Rule plugins, found through their entry points as the command finds any
installed package's: each test lays out packages on a folder put on PYTHONPATH,
their ``.dist-info`` and all, and runs ``storyfmt check`` as a real subprocess.
(``test_packaging.py`` installs the example plugin into a virtual environment.)"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from test_sarif import schema_errors

import storyfmt
from storyfmt.plugin import check_rule

pytestmark = pytest.mark.slow

EXAMPLE = ROOT / "examples" / "plugin" / "src" / "acme_story_rules"

STORY = """\
Shocking Summit in Nara.
Leaders meet

The Breakdown

  • The leaders met.
  • A shocking point.
"""
"""A card that breaks both rules of the example plugin: ACME101 at 1:1 and
7:7, ACME102 (fixable) at the end of the title."""

SELECTED = '[tool.storyfmt]\nselect = ["SF5", "ACME"]\n'


def install(site: Path, package: str, entry_points: dict[str, str], files: dict[str, str]) -> None:
    """Lay out an installed distribution: its modules and its ``.dist-info``."""
    info = site / f"{package.replace('-', '_')}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {package}\nVersion: 1.0\n")
    points = "".join(f"{name} = {value}\n" for name, value in entry_points.items())
    (info / "entry_points.txt").write_text(f"[storyfmt.rules]\n{points}")
    for name, text in files.items():
        path = site / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A folder of installed packages, holding the example plugin."""
    folder = tmp_path / "site"
    install(folder, "acme-story-rules", {"ACME": "acme_story_rules:RULES"}, {})
    shutil.copytree(EXAMPLE, folder / "acme_story_rules")
    return folder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A repository whose configuration selects the plugin's rules."""
    folder = tmp_path / "project"
    (folder / "stories").mkdir(parents=True)
    (folder / "pyproject.toml").write_text(SELECTED)
    (folder / "stories" / "summit.story").write_text(STORY)
    return folder


def check(site: Path, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1"}
    env.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [sys.executable, "-m", "storyfmt", "check", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def in_python(site: Path, script: str) -> str:
    """What a Python script that uses the library prints, with the site's plugins."""
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return done.stdout


def found(done: subprocess.CompletedProcess[str]) -> list[tuple[str, int, int, str]]:
    """The diagnostics of a JSON run: code, line, column, path."""
    document = json.loads(done.stdout)
    return [
        (item["code"], item["line"], item["column"], item["path"])
        for item in document["diagnostics"]
    ]


SUMMIT = "stories/summit.story"
BOTH = [
    ("ACME101", 1, 1, SUMMIT),
    ("ACME102", 1, 1, SUMMIT),
    ("ACME101", 7, 7, SUMMIT),
]


def test_selected_rules_run_at_their_places(site: Path, project: Path) -> None:
    done = check(site, project, "--output-format", "json", ".")
    assert done.returncode == 0, done.stderr
    assert found(done) == BOTH
    document = json.loads(done.stdout)
    first = document["diagnostics"][0]
    assert (first["name"], first["severity"], first["end_column"]) == ("banned-word", "warning", 9)
    assert first["message"] == "'Shocking' is a word the house bans"


def test_the_text_output_links_the_plugins_docs(site: Path, project: Path) -> None:
    done = check(site, project, ".")
    assert done.returncode == 0, done.stderr
    assert "stories/summit.story:7:7: warning[ACME101] 'shocking' is a word the house bans" in (
        done.stdout
    )
    assert " = help: https://example.org/acme/rules/#banned-word" in done.stdout
    assert "1 fixable with --fix" in done.stdout


def test_plugin_rules_are_off_until_selected(site: Path, project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.storyfmt]\n")
    done = check(site, project, "--output-format", "json", ".")
    assert (done.returncode, found(done)) == (0, [])
    done = check(site, project, "--output-format", "json", "--select", "ACME102", ".")
    assert found(done) == [BOTH[1]]


def test_ignore_per_file_ignores_and_severity_apply(site: Path, project: Path) -> None:
    config = project / "pyproject.toml"
    config.write_text(SELECTED + 'ignore = ["ACME102"]\n')
    assert found(check(site, project, "--output-format", "json", ".")) == [BOTH[0], BOTH[2]]
    done = check(site, project, "--output-format", "json", "--ignore", "ACME1", ".")
    assert found(done) == []
    config.write_text(SELECTED + '[tool.storyfmt.per-file-ignores]\n"stories/*" = ["ACME101"]\n')
    assert found(check(site, project, "--output-format", "json", ".")) == [BOTH[1]]
    config.write_text(SELECTED + '[tool.storyfmt.severity]\nACME102 = "error"\n')
    done = check(site, project, "--output-format", "json", ".")
    assert done.returncode == 1
    severities = [item["severity"] for item in json.loads(done.stdout)["diagnostics"]]
    assert severities == ["warning", "error", "warning"]


def test_options_come_from_the_rules_table(site: Path, project: Path) -> None:
    config = project / "pyproject.toml"
    config.write_text(SELECTED + '[tool.storyfmt.rules.banned-word]\nwords = ["leaders"]\n')
    done = check(site, project, "--output-format", "json", ".")
    assert found(done) == [
        ("ACME102", 1, 1, SUMMIT),
        ("ACME101", 2, 1, SUMMIT),
        ("ACME101", 6, 9, SUMMIT),
    ]
    config.write_text(SELECTED + "[tool.storyfmt.rules.banned-word]\nwords = []\n")
    done = check(site, project, ".")
    assert done.returncode == 2
    assert done.stderr == (
        f"storyfmt: error: {config}:4: 'rules.banned-word.words' must list at least one value\n"
    )


def test_fix_applies_a_plugins_fix_once(site: Path, project: Path) -> None:
    story = project / "stories" / "summit.story"
    done = check(site, project, "--fix", ".")
    assert done.returncode == 0, done.stderr
    assert done.stderr == "fixed 1 problem in 1 file\n"
    assert story.read_text() == STORY.replace("Nara.", "Nara", 1)
    again = check(site, project, "--fix", ".")
    assert (again.returncode, again.stderr) == (0, "")
    assert story.read_text() == STORY.replace("Nara.", "Nara", 1)


def test_sarif_carries_the_plugin_as_an_extension(site: Path, project: Path) -> None:
    done = check(site, project, "--output-format", "sarif", ".")
    assert done.returncode == 0, done.stderr
    log: dict[str, Any] = json.loads(done.stdout)
    assert schema_errors(log) == []
    (run,) = log["runs"]
    (extension,) = run["tool"]["extensions"]
    assert (extension["name"], extension["version"]) == ("acme-story-rules", "1.0")
    banned, period = extension["rules"]
    assert banned["id"] == "ACME101"
    assert banned["name"] == "banned-word"
    assert banned["shortDescription"] == {"text": "a word the house bans"}
    assert banned["fullDescription"]["text"].startswith("A title, headline or Breakdown point")
    assert "| `words` |" in banned["help"]["markdown"]
    assert banned["helpUri"] == "https://example.org/acme/rules/#banned-word"
    assert banned["defaultConfiguration"] == {"level": "warning"}
    assert "helpUri" not in period
    results = [
        (r["ruleId"], r["rule"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in run["results"]
    ]
    assert results == [
        ("ACME101", {"id": "ACME101", "index": 0, "toolComponent": {"index": 0}}, 1),
        ("ACME102", {"id": "ACME102", "index": 1, "toolComponent": {"index": 0}}, 1),
        ("ACME101", {"id": "ACME101", "index": 0, "toolComponent": {"index": 0}}, 7),
    ]


def test_plugin_rules_run_in_worker_processes(site: Path, project: Path) -> None:
    for number in range(80):
        (project / "stories" / f"copy-{number:02}.story").write_text(STORY)
    done = check(site, project, "--output-format", "json", "--jobs", "2", ".")
    assert done.returncode == 0, done.stderr
    assert len(found(done)) == 3 * 81
    # A rule failing in a worker is named by its plugin there too.
    install(site, "boom-rules", {"BOOM": "boom_rules:RULES"}, {"boom_rules.py": _RAISES})
    done = check(site, project, "--jobs", "2", "--select", "BOOM101", ".")
    assert done.returncode == 2
    failures = done.stderr.splitlines()
    assert len(failures) == 81
    assert all(": plugin BOOM (boom-rules 1.0): rule BOOM101 crash raised" in f for f in failures)


_RAISES = """\
from storyfmt.plugin import StoryRule

class Crash(StoryRule):
    code, name, summary = "BOOM101", "crash", "a rule that raises"

    def check(self, story, where, options):
        if story.title.startswith("Shocking"):
            raise ZeroDivisionError("division by zero")
        return ()

class Wrong(StoryRule):
    code, name, summary = "BOOM102", "wrong", "a rule that gives no diagnostics"

    def check(self, story, where, options):
        yield "a warning"

RULES = [Crash, Wrong]
"""


def test_a_rule_that_raises_is_the_plugins_failure(site: Path, project: Path) -> None:
    install(site, "boom-rules", {"BOOM": "boom_rules:RULES"}, {"boom_rules.py": _RAISES})
    (project / "stories" / "calm.story").write_text("Calm Summit\n")
    (project / "pyproject.toml").write_text('[tool.storyfmt]\nselect = ["SF5", "ACME", "BOOM"]\n')
    done = check(site, project, ".")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    # The other rules still report, on the file the plugin failed on too.
    assert "stories/summit.story:7:7: warning[ACME101]" in done.stdout
    assert done.stderr.splitlines() == [
        "storyfmt: error: stories/calm.story: plugin BOOM (boom-rules 1.0): rule BOOM102 wrong"
        " raised TypeError: it gave a str, not a Diagnostic",
        "storyfmt: error: stories/summit.story: plugin BOOM (boom-rules 1.0): rule BOOM101 crash"
        " raised ZeroDivisionError: division by zero",
        "storyfmt: error: stories/summit.story: plugin BOOM (boom-rules 1.0): rule BOOM102 wrong"
        " raised TypeError: it gave a str, not a Diagnostic",
    ]
    assert "\n0 errors, 3 warnings in 1 of 2 files; a rule failed on 2 files\n" in done.stdout
    document = json.loads(check(site, project, "--output-format", "json", ".").stdout)
    assert document["summary"]["rule_failures"] == 3
    assert [failure["path"] for failure in document["failures"]] == [
        "stories/calm.story",
        "stories/summit.story",
        "stories/summit.story",
    ]
    github = check(site, project, "--output-format", "github", ".")
    assert github.returncode == 2
    assert "::error file=stories/summit.story,title=rule failed::plugin BOOM" in github.stdout
    sarif = json.loads(check(site, project, "--output-format", "sarif", ".").stdout)
    (invocation,) = sarif["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert len(invocation["toolExecutionNotifications"]) == 3
    junit = check(site, project, "--output-format", "junit", ".")
    assert 'type="rule-failed"' in junit.stdout
    fixing = check(site, project, "--fix", ".")
    assert fixing.returncode == 2
    assert (project / "stories" / "summit.story").read_text() == STORY, "a failed file is not fixed"


def _one_rule(code: str, name: str, *, check: bool = True) -> dict[str, str]:
    """A module of one rule class, ``Rule``, with a check unless ``check`` is false."""
    body = "    def check(self, story, where, options):\n        return ()\n" if check else ""
    header = "from storyfmt.plugin import StoryRule\nclass Rule(StoryRule):\n"
    return {
        "bad_rules.py": f'{header}    code, name, summary = "{code}", "{name}", "a rule"\n{body}'
    }


@pytest.mark.parametrize(
    ("points", "files", "message"),
    [
        (
            {"BAD": "bad_rules:RULES"},
            {"bad_rules.py": "import no_such_module\n"},
            "plugin BAD (bad-rules 1.0): importing bad_rules:RULES raised"
            " ModuleNotFoundError: No module named 'no_such_module'",
        ),
        (
            {"BAD": "bad_rules:RULES"},
            {"bad_rules.py": "RULES = 3\n"},
            "plugin BAD (bad-rules 1.0): bad_rules:RULES must give a StoryRule subclass"
            " or a list of them, got 3",
        ),
        (
            {"BAD": "bad_rules:Rule"},
            _one_rule("ACME101", "bad"),
            "plugin BAD (bad-rules 1.0): Rule.code must be BAD followed by digits,"
            " such as BAD101; got 'ACME101'",
        ),
        (
            {"BAD": "bad_rules:Rule"},
            _one_rule("BADX101", "bad"),
            "plugin BAD (bad-rules 1.0): Rule.code must be BAD followed by digits,"
            " such as BAD101; got 'BADX101'",
        ),
        (
            {"BAD": "bad_rules:Rule"},
            _one_rule("BAD101", "title-too-long"),
            "plugin BAD (bad-rules 1.0): its rule BAD101 is named 'title-too-long', as SF601 is;"
            " a rule's name must be its own",
        ),
        (
            {"BAD": "bad_rules:Rule"},
            _one_rule("BAD101", "Bad Name", check=False),
            "plugin BAD (bad-rules 1.0): Rule.name must be lower-case words joined by hyphens,"
            " such as banned-word; got 'Bad Name'",
        ),
        (
            {"BAD": "bad_rules:Rule"},
            _one_rule("BAD101", "bad", check=False),
            "plugin BAD (bad-rules 1.0): Rule must implement check()",
        ),
    ],
    ids=[
        "import-error",
        "not-rules",
        "other-prefix",
        "longer-prefix",
        "name-taken",
        "bad-name",
        "no-check",
    ],
)
def test_a_plugin_that_cannot_be_used_is_named(
    site: Path, project: Path, points: dict[str, str], files: dict[str, str], message: str
) -> None:
    install(site, "bad-rules", points, files)
    config = project / "pyproject.toml"
    config.write_text('[tool.storyfmt]\nselect = ["SF5", "BAD"]\n')
    done = check(site, project, ".")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == f"storyfmt: error: {config}:2: 'select': {message}\n"
    # A broken plugin breaks only the runs that select it.
    config.write_text(SELECTED)
    assert check(site, project, ".").returncode == 0


def test_two_packages_cannot_give_one_prefix(site: Path, project: Path) -> None:
    install(site, "acme-fork", {"ACME": "acme_story_rules:RULES"}, {})
    done = check(site, project, ".")
    assert done.returncode == 2
    assert done.stderr.endswith(
        "'select': plugin ACME is given by two installed packages:"
        " acme-fork 1.0 and acme-story-rules 1.0\n"
    )


def test_a_code_no_plugin_gives_is_unknown(site: Path, project: Path) -> None:
    done = check(site, project, "--select", "XYZ1", ".")
    assert done.returncode == 2
    assert done.stderr == (
        "storyfmt: error: --select: unknown rule code 'XYZ1'; no installed plugin gives XYZ codes\n"
    )
    done = check(site, project, "--select", "ACME999", ".")
    assert done.stderr == "storyfmt: error: --select: unknown rule code 'ACME999'\n"


def test_the_docs_example_rule_works() -> None:
    page = (ROOT / "docs" / "plugins.md").read_text("utf-8")
    source = page.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, Any] = {}
    exec(source, namespace)
    rule = namespace["BannedWord"]()
    (warning,) = check_rule(rule, "20\nA Shocking Summit\n")
    assert (warning.code, warning.line, warning.column, warning.end_column) == (
        "ACME101",
        2,
        3,
        11,
    )
    assert warning.message == "'Shocking' is a word the house bans"


def _example_rules() -> dict[str, Any]:
    spec = importlib.util.spec_from_file_location("acme_story_rules", EXAMPLE / "__init__.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {rule.name: rule() for rule in module.RULES}


def test_check_rule_runs_one_rule_as_the_command_does() -> None:
    rules = _example_rules()
    banned = rules["banned-word"]
    warnings = check_rule(banned, STORY)
    assert [(d.code, d.line, d.column, d.end_column) for d in warnings] == [
        ("ACME101", 1, 1, 9),
        ("ACME101", 7, 7, 15),
    ]
    points = "".join(f"  • Shocking point {n}.\n" for n in range(12))
    many = check_rule(banned, f"Title\n\nThe Breakdown\n\n{points}")
    assert len(many) == 12, "a rule's own warnings are not capped"
    (only,) = check_rule(banned, STORY, options={"words": ["met"]})
    assert (only.line, only.column) == (6, 17)
    data = storyfmt.to_json(storyfmt.loads(STORY))
    placed = [(d.line, d.column) for d in check_rule(banned, data, form="json")]
    assert placed == [(4, 12), (12, 7)], "in JSON the span of the value, quotes and all"
    (period,) = check_rule(rules["title-final-period"], STORY)
    assert period.fix is not None
    assert period.fix.edits[0].column == 24


def test_check_rule_refuses_a_story_with_errors_and_bad_options() -> None:
    rule = _example_rules()["banned-word"]
    with pytest.raises(storyfmt.StoryFormatError, match="Virality must be a number"):
        check_rule(rule, "Title\n\nStory Stats\n\nVirality\nhigh\n")
    with pytest.raises(ValueError, match=r"'rules\.banned-word\.words' must list at least one"):
        check_rule(rule, STORY, options={"words": []})
    with pytest.raises(ValueError, match="unknown option 'word' of banned-word"):
        check_rule(rule, STORY, options={"word": ["x"]})


def test_extend_select_adds_plugin_rules_to_the_default_warnings(site: Path, project: Path) -> None:
    story = project / "stories" / "summit.story"
    story.write_text(STORY.replace("Leaders meet", "Leaders meet\nA / A /"))
    config = project / "pyproject.toml"
    config.write_text('[tool.storyfmt]\nextend-select = ["ACME102"]\n')
    codes = [code for code, *_ in found(check(site, project, "--output-format", "json", "."))]
    assert codes == ["ACME102", "SF506"], "the default warnings stay"
    done = check(site, project, "--output-format", "json", "--extend-select", "ACME101", ".")
    assert [code for code, *_ in found(done)] == ["ACME101", "ACME102", "SF506", "ACME101"]
    # A configuration that extends another adds its codes to the other's,
    # unless it starts anew with select.
    (project / "stories" / "storyfmt.toml").write_text(
        'extend = "../pyproject.toml"\nextend-select = ["ACME101"]\n'
    )
    done = check(site, project, "--output-format", "json", ".")
    assert [code for code, *_ in found(done)] == ["ACME101", "ACME102", "SF506", "ACME101"]
    # --select reports only the warnings it names.
    done = check(site, project, "--output-format", "json", "--select", "SF5", ".")
    assert [code for code, *_ in found(done)] == ["SF506"]
    (project / "stories" / "storyfmt.toml").write_text(
        'extend = "../pyproject.toml"\nselect = ["SF5"]\n'
    )
    assert [code for code, *_ in found(check(site, project, "--output-format", "json", "."))] == [
        "SF506"
    ]


_MISBEHAVING = """\
from storyfmt.plugin import Span, StoryRule

class Leaves(StoryRule):
    code, name, summary = "ODD101", "leaves", "a rule that exits"

    def check(self, story, where, options):
        raise SystemExit(0)

class Nowhere(StoryRule):
    code, name, summary = "ODD102", "nowhere", "a rule that warns at line 0"

    def check(self, story, where, options):
        yield self.warn(Span(0, 0, 1), "here")

class Mute(StoryRule):
    code, name, summary = "ODD103", "mute", "a rule whose message is a number"

    def check(self, story, where, options):
        yield self.warn(where(("title",)), 42)

class Kept(StoryRule):
    code, name, summary = "ODD104", "kept", "a rule that holds what cannot be pickled"

    def __init__(self):
        self.words = lambda: ("shocking",)

    def check(self, story, where, options):
        if "Shocking" in story.title:
            yield self.warn(where(("title",)), "shocking")

RULES = [Leaves, Nowhere, Mute, Kept]
"""


def test_rules_that_exit_or_misplace_their_warnings_are_failures(site: Path, project: Path) -> None:
    install(site, "odd-rules", {"ODD": "odd_rules:RULES"}, {"odd_rules.py": _MISBEHAVING})
    done = check(site, project, "--output-format", "json", "--select", "ODD", ".")
    assert done.returncode == 2, "a rule that exits does not end the check as a success"
    document = json.loads(done.stdout)
    reasons = [failure["reason"] for failure in document["failures"]]
    prefix = "plugin ODD (odd-rules 1.0): rule "
    assert reasons == [
        prefix + "ODD101 leaves raised SystemExit: 0",
        prefix + "ODD102 nowhere raised ValueError: it gave a diagnostic at line 0,"
        " column 0: lines and columns count from 1",
        prefix + "ODD103 mute raised TypeError: it gave a diagnostic whose message or hint"
        " is not a string",
    ]
    assert found(done) == [("ODD104", 1, 1, SUMMIT)]


_CHATTY = """\
from storyfmt.plugin import StoryRule

class Chatty(StoryRule):
    code, name, summary = "TALK101", "chatty", "a rule that prints"

    def check(self, story, where, options):
        print("chatty was here", flush=True)
        if story.title.startswith("Shocking"):
            yield self.warn(where(("title",)), "shocking")

RULES = [Chatty]
"""


@pytest.mark.parametrize("output", ["json", "sarif"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_what_a_rule_prints_never_reaches_stdout(
    site: Path, project: Path, output: str, jobs: str
) -> None:
    install(site, "talk-rules", {"TALK": "talk_rules:RULES"}, {"talk_rules.py": _CHATTY})
    for number in range(70):  # enough files for worker processes
        (project / "stories" / f"calm-{number}.story").write_text("Calm\n")
    done = check(site, project, "--output-format", output, "-j", jobs, "--select", "TALK", ".")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert "chatty was here" in done.stderr
    assert "TALK101" in json.dumps(document)


def test_a_rule_that_cannot_go_to_worker_processes_is_checked_in_one(
    site: Path, project: Path
) -> None:
    install(site, "odd-rules", {"ODD": "odd_rules:RULES"}, {"odd_rules.py": _MISBEHAVING})
    for number in range(70):
        (project / "stories" / f"copy-{number:02}.story").write_text(STORY)
    done = check(site, project, "--output-format", "json", "--jobs", "2", "--select", "ODD104", ".")
    assert done.returncode == 0, done.stderr
    assert len(found(done)) == 71


def test_a_name_an_unselected_plugin_takes_leaves_the_selected_one_alone(
    site: Path, project: Path
) -> None:
    clash = _one_rule("ABC101", "banned-word")
    install(site, "abc-rules", {"ABC": "bad_rules:Rule"}, clash)
    config = project / "pyproject.toml"
    config.write_text(SELECTED + '[tool.storyfmt.rules.banned-word]\nwords = ["leaders"]\n')
    done = check(site, project, "--output-format", "json", ".")
    assert done.returncode == 0, done.stderr
    assert ("ACME101", 2, 1, SUMMIT) in found(done)
    # Both selected: the one loaded second (the configuration's, after the
    # option's) is refused, naming the other.
    done = check(site, project, "--extend-select", "ABC", ".")
    assert done.returncode == 2
    assert done.stderr.endswith(
        "'select': plugin ACME (acme-story-rules 1.0): its rule ACME101 is named"
        " 'banned-word', as ABC101 is; a rule's name must be its own\n"
    )


_WILD = """\
import os
import signal
import time

from storyfmt.plugin import StoryRule


class Ends(StoryRule):
    code, name, summary = "WILD101", "ends", "a rule that ends its process on one story"

    def check(self, story, where, options):
        if story.title == "Exit":
            os._exit(7)
        yield self.warn(where(("title",)), "checked")


class Killed(StoryRule):
    code, name, summary = "WILD102", "killed", "a rule whose process is killed"

    def check(self, story, where, options):
        os.kill(os.getpid(), signal.SIGKILL)
        return ()


class Hangs(StoryRule):
    code, name, summary = "WILD103", "hangs", "a rule that never returns on one story"

    def check(self, story, where, options):
        while story.title == "Hang":
            time.sleep(0.01)
        yield self.warn(where(("title",)), "checked")


class Writes(StoryRule):
    code, name, summary = "WILD104", "writes", "a rule that writes to file descriptor 1"

    def check(self, story, where, options):
        os.write(1, b"written to fd 1\\n")
        yield self.warn(where(("title",)), "checked")


RULES = [Ends, Killed, Hangs, Writes]
"""


@pytest.fixture
def wild(site: Path, project: Path) -> Path:
    """The wild rules installed, and a project of three stories: one that makes
    a rule misbehave (its title says how), and two calm ones."""
    install(site, "wild-rules", {"WILD": "wild_rules:RULES"}, {"wild_rules.py": _WILD})
    (project / "stories" / "summit.story").unlink()
    for name in ("a-calm", "c-calm"):
        (project / "stories" / f"{name}.story").write_text("Calm\n")
    return site


def _outputs(done: subprocess.CompletedProcess[str], output: str) -> str:
    """What a run reported on stdout, checked to be a document of its format."""
    if output == "json":
        return json.dumps(json.loads(done.stdout))
    if output == "sarif":
        document = json.loads(done.stdout)
        assert schema_errors(document) == []
        return json.dumps(document)
    return done.stdout


@pytest.mark.parametrize("output", ["text", "json", "sarif", "github", "junit"])
def test_a_rule_that_ends_its_process_is_its_plugins_failure(
    wild: Path, project: Path, output: str
) -> None:
    (project / "stories" / "b-exit.story").write_text("Exit\n")
    done = check(wild, project, "--output-format", output, "--select", "WILD101", ".")
    assert done.returncode == 2, done.stderr
    reason = (
        "plugin WILD (wild-rules 1.0): rule WILD101 ends ended the process it ran in:"
        " it exited with code 7"
    )
    assert f"stories/b-exit.story: {reason}" in done.stderr
    if output != "text":
        assert reason in _outputs(done, output)
    # The rule still checked the stories before and after it, in a new process.
    assert _outputs(done, output).count("checked") == 2


@pytest.mark.skipif(sys.platform == "win32", reason="no SIGKILL on Windows")
def test_a_rule_whose_process_is_killed_is_its_plugins_failure(wild: Path, project: Path) -> None:
    done = check(wild, project, "--output-format", "json", "--select", "WILD102", ".")
    assert done.returncode == 2
    reasons = {failure["reason"] for failure in json.loads(done.stdout)["failures"]}
    assert reasons == {
        "plugin WILD (wild-rules 1.0): rule WILD102 killed ended the process it ran in:"
        " it was killed by SIGKILL"
    }


def test_a_rule_that_never_returns_is_stopped_at_its_time_limit(wild: Path, project: Path) -> None:
    (project / "stories" / "b-hang.story").write_text("Hang\n")
    reason = (
        "stories/b-hang.story: plugin WILD (wild-rules 1.0): rule WILD103 hangs did not"
        " return within {} s, its time limit (rule-timeout)"
    )
    done = check(wild, project, "--select", "WILD103", "--rule-timeout", "0.5", ".")
    assert done.returncode == 2
    assert reason.format("0.5") in done.stderr
    assert done.stdout.count("checked") == 2, "the other stories are still checked"
    # The limit is a setting of the configuration too.
    (project / "pyproject.toml").write_text(
        '[tool.storyfmt]\nrule-timeout = 1\nselect = ["WILD"]\n'
    )
    done = check(wild, project, "--output-format", "json", "--select", "WILD103", ".")
    assert done.returncode == 2
    assert [failure["reason"] for failure in json.loads(done.stdout)["failures"]] == [
        reason.format("1").removeprefix("stories/b-hang.story: ")
    ]
    (project / "pyproject.toml").write_text("[tool.storyfmt]\nrule-timeout = 0\n")
    done = check(wild, project, ".")
    assert done.returncode == 2
    assert "pyproject.toml:2: 'rule-timeout' must be a number of seconds above 0" in done.stderr
    done = check(wild, project, "--rule-timeout", "soon", ".")
    assert done.returncode == 2
    assert "--rule-timeout: expected a number of seconds above 0" in done.stderr


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_what_a_rule_writes_to_the_file_descriptor_goes_to_stderr(
    wild: Path, project: Path, jobs: str
) -> None:
    for number in range(70):  # enough files for worker processes
        (project / "stories" / f"calm-{number}.story").write_text("Calm\n")
    done = check(wild, project, "--output-format", "sarif", "-j", jobs, "--select", "WILD104", ".")
    assert done.returncode == 0, done.stderr
    assert _outputs(done, "sarif").count('"checked"') == 72
    assert done.stderr.count("written to fd 1") == 72


def test_the_library_applies_plugins_and_contains_them(wild: Path, project: Path) -> None:
    script = """
import storyfmt
config = storyfmt.Config.from_table({"select": ["WILD101"]})
print([d.code for d in storyfmt.check("Calm\\n", config=config)])
try:
    storyfmt.check("Exit\\n", config=config)
except storyfmt.RuleError as error:
    print(error.failures, error.diagnostics)
"""
    assert in_python(wild, script).splitlines() == [
        "['WILD101']",
        "['plugin WILD (wild-rules 1.0): rule WILD101 ends ended the process it ran in:"
        " it exited with code 7'] []",
    ]
