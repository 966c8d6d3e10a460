"""The fix engine of ``check --fix``, held to what makes it safe to run blindly:
a fix is applied whole or not at all, edits are checked, fixes converge or say
so, line breaks are kept, and the summary says what happened. Plugins give the
misbehaving fixes, as real packages found through their entry points."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli import run
from test_plugins import check, in_python, install, project, site

import storyfmt
from storyfmt._diagnostics import Diagnostic, Edit, Fix
from storyfmt._fixes import MAX_PASSES
from storyfmt._fixes import repair as fix
from storyfmt._house import _check_diagnostic

__all__ = ["project", "site"]  # the fixtures this module uses from test_plugins

pytestmark = pytest.mark.slow

_FIXES = """\
from storyfmt.plugin import Edit, Fix, Span, StoryRule


def _title_end(where):
    span = where(("title",))
    return span.line, span.end_column


class Loud(StoryRule):
    code, name, summary = "FIX101", "loud", "a fix that never converges"

    def check(self, story, where, options):
        line, end = _title_end(where)
        fix = Fix("safe", "shout", (Edit(line, end, line, end, "!"),))
        yield self.warn(where(("title",)), "not loud enough", fix=fix)


class Brackets(StoryRule):
    code, name, summary = "FIX102", "brackets", "a fix of two edits"

    def check(self, story, where, options):
        if not story.title.startswith("["):
            line, end = _title_end(where)
            edits = (Edit(line, 1, line, 1, "["), Edit(line, end, line, end, "]"))
            fix = Fix("safe", "bracket", edits)
            yield self.warn(where(("title",)), "no brackets", fix=fix)


class Tail(StoryRule):
    code, name, summary = "FIX103", "tail", "a fix that overlaps the end of the title"

    def check(self, story, where, options):
        if story.title.endswith("t"):
            line, end = _title_end(where)
            fix = Fix("safe", "drop the t", (Edit(line, end - 1, line, end, ""),))
            yield self.warn(where(("title",)), "ends with t", fix=fix)


class Backwards(StoryRule):
    code, name, summary = "FIX104", "backwards", "an edit that ends before it starts"

    def check(self, story, where, options):
        line, end = _title_end(where)
        fix = Fix("safe", "reverse", (Edit(line, end, line, 1, "x"),))
        yield self.warn(where(("title",)), "backwards", fix=fix)


class Beyond(StoryRule):
    code, name, summary = "FIX105", "beyond", "a warning past the end of the story"

    def check(self, story, where, options):
        yield self.warn(Span(99, 1, 2), "beyond")


class Nought(StoryRule):
    code, name, summary = "FIX106", "nought", "an edit on line 0"

    def check(self, story, where, options):
        fix = Fix("safe", "nought", (Edit(0, 1, 0, 1, "x"),))
        yield self.warn(where(("title",)), "nought", fix=fix)


RULES = [Loud, Brackets, Tail, Backwards, Beyond, Nought]
"""


@pytest.fixture
def fixes(site: Path) -> Path:
    install(site, "fix-rules", {"FIX": "fix_rules:RULES"}, {"fix_rules.py": _FIXES})
    return site


def _story(project: Path, text: str) -> Path:
    story = project / "stories" / "summit.story"
    story.write_text(text)
    return story


def test_a_fix_that_never_converges_is_reported_and_nothing_is_written(
    fixes: Path, project: Path
) -> None:
    story = _story(project, "Summit\n")
    done = check(fixes, project, "--fix", "--select", "FIX101", ".")
    assert done.returncode == 2
    assert story.read_text() == "Summit\n"
    assert f"the fixes did not converge after {MAX_PASSES} passes" in done.stderr
    assert "FIX101 (plugin FIX (fix-rules 1.0))" in done.stderr
    assert "fixed" not in done.stderr.replace("not be fixed", "")


def test_a_fix_is_applied_whole_or_waits_for_the_next_pass(fixes: Path, project: Path) -> None:
    story = _story(project, "Summit\n")
    done = check(fixes, project, "--fix", "--select", "FIX102,FIX103", ".")
    assert done.returncode == 0, done.stderr
    # One pass: the two-edit fix and the overlapping one cannot both apply.
    assert story.read_text() in ("[Summi]\n", "[Summit]\n")
    assert story.read_text().count("[") == story.read_text().count("]") == 1
    assert done.stderr == "fixed 2 problems in 1 file\n"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("FIX104", "it gave an edit that ends before it starts"),
        ("FIX105", "it gave a diagnostic on line 99, past the story's 2 lines"),
        ("FIX106", "it gave an edit at line 0, column 1: lines and columns count from 1"),
    ],
)
def test_a_bad_edit_or_place_is_the_rules_failure(
    fixes: Path, project: Path, code: str, reason: str
) -> None:
    story = _story(project, "Summit\n")
    done = check(fixes, project, "--fix", "--output-format", "json", "--select", code, ".")
    assert done.returncode == 2
    assert story.read_text() == "Summit\n"
    reasons = [failure["reason"] for failure in json.loads(done.stdout)["failures"]]
    assert reason in reasons[0]
    assert reasons[0].startswith(f"plugin FIX (fix-rules 1.0): rule {code}")


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_an_inserted_line_break_is_the_files_own(newline: str) -> None:
    before = newline.join(["T", "", "Further Learning", "", "Why?", "Because.", ""])
    fixed = fix(before.encode())
    after = newline.join(["T", "", "Further Learning", "", "Why?", "", "Because.", ""])
    assert fixed.data.decode() == after
    assert storyfmt.validate(fixed.data) == []


def test_a_fix_of_many_lines_converges_in_one_run(tmp_path: Path) -> None:
    bullets = "".join(f"\u2022Point {number}.\n" for number in range(300))
    story = tmp_path / "a.story"
    story.write_text(f"T\n\nThe Breakdown\n\n{bullets}")
    done = run("check", "--fix", "a.story", cwd=tmp_path)
    assert done.returncode == 0, done.stdout
    assert storyfmt.validate(story.read_bytes()) == []
    assert done.stderr == "fixed 1 problem in 1 file\n"


def test_a_file_include_does_not_select_is_not_called_unreadable(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("T\n\nstory stats\n\nStatus\nActive\n")
    done = run("check", "--fix", "notes.txt", cwd=tmp_path)
    assert done.returncode == 2
    assert "could not be read" not in done.stdout + done.stderr
    assert "1 file could not be fixed" in done.stdout
    assert "not selected as a story file" in done.stderr
    assert "SF201" in done.stdout, "its problems are still shown"
    assert notes.read_text() == "T\n\nstory stats\n\nStatus\nActive\n"


def test_unsafe_fixes_without_fix_counts_them_as_fixable(tmp_path: Path) -> None:
    (tmp_path / "a.story").write_text("T\n\nFurther Learning\n\nWhy\n\nBecause.\n")
    plain = run("check", "a.story", cwd=tmp_path)
    assert "0 fixable with --fix (1 more with --unsafe-fixes)" in plain.stdout
    unsafe = run("check", "--unsafe-fixes", "a.story", cwd=tmp_path)
    assert "1 fixable with --fix\n" in unsafe.stdout
    assert "--unsafe-fixes)" not in unsafe.stdout


def test_a_fix_is_counted_only_when_written(tmp_path: Path) -> None:
    story = tmp_path / "a.story"
    story.write_text("T\n\nstory stats\n\nStatus\nActive\n")
    story.chmod(0o444)
    done = run("check", "--fix", "a.story", cwd=tmp_path)
    assert done.returncode == 2
    assert "fixed" not in done.stderr.replace("not be fixed", "")


def test_a_fix_whose_edits_overlap_an_earlier_longer_edit_is_refused() -> None:
    wide = Edit(1, 1, 1, 10, "x")
    inside = Edit(1, 3, 1, 4, "y")
    later = Edit(1, 5, 1, 6, "z")  # after `inside`, yet inside `wide`
    for edits in ((wide, later), (wide, inside, later)):
        item = Diagnostic(1, 1, "FIX107", "warning", "m", fix=Fix("safe", "m", edits))
        with pytest.raises(ValueError, match="edits overlap"):
            _check_diagnostic(item, "FIX107", 1)


def test_the_library_refuses_fixes_that_do_not_converge(fixes: Path) -> None:
    script = """
import storyfmt
config = storyfmt.Config.from_table({"select": ["FIX101"]})
try:
    storyfmt.fix("Summit\\n", config=config)
except storyfmt.RuleError as error:
    print(error.failures, [d.code for d in error.diagnostics])
"""
    assert in_python(fixes, script).strip() == (
        f"['the fixes did not converge after {MAX_PASSES} passes; they still changed the story"
        " at the last: FIX101 (plugin FIX (fix-rules 1.0))'] ['FIX101']"
    )
