"""``storyfmt check --fix``: the fixes diagnostics offer, applied safely and only
when the story reads better for them."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import CORPUS
from test_cli import run

import storyfmt
from storyfmt._codes import Rule
from storyfmt._diagnostics import Edit
from storyfmt._fixes import apply_edits
from storyfmt._fixes import repair as fix

INVALID = sorted((CORPUS / "invalid").glob("*.txt"))

# Each kind of safe fix: the story, and the story fixed.
CASES = {
    "heading-case": (
        "T\n\nstory stats\n\nStatus\nActive\n",
        "T\n\nStory Stats\n\nStatus\nActive\n",
    ),
    "heading-colon": ("T\n\nTop Keywords:\n\nA / B /\n", "T\n\nTop Keywords\n\nA / B /\n"),
    "heading-nbsp": (
        "T\n\nThe Breakdown\n\n  \u2022 A point.\n\nTop\u00a0Keywords\n\nA / B /\n",
        "T\n\nThe Breakdown\n\n  \u2022 A point.\n\nTop Keywords\n\nA / B /\n",
    ),
    "footer-apostrophe": ("T\n\nYoure all caught up\n", "T\n\nYou're all caught up\n"),
    "breakdown-count": ("T\n\nthe breakdown 2\n\n- a\n- b\n", "T\n\nThe Breakdown 2\n\n- a\n- b\n"),
    "bullet-space": (
        "T\n\nThe Breakdown\n\n\u2022A\n\u2022B\n",
        "T\n\nThe Breakdown\n\n\u2022 A\n\u2022 B\n",
    ),
    "key-and-value": ("T\n\nStory Stats\n\nVirality: 5.1\n", "T\n\nStory Stats\n\nVirality\n5.1\n"),
    "blank-after-question": (
        "T\n\nFurther Learning\n\nWhy?\nBecause.\n",
        "T\n\nFurther Learning\n\nWhy?\n\nBecause.\n",
    ),
    "unit-case": (
        "T\n\nStory Stats\n\nDuration\n7 Hours\n",
        "T\n\nStory Stats\n\nDuration\n7 hours\n",
    ),
    "rank": ("#20\nTitle\nHeadline\nA / B /\n", "20\nTitle\nHeadline\nA / B /\n"),
}
UNSAFE = {
    "tag-line-end": ("T\n\nTop Keywords\n\nA / B\n", "T\n\nTop Keywords\n\nA / B /\n"),
    "question-mark": (
        "T\n\nFurther Learning\n\nWhy\n\nBecause.\n",
        "T\n\nFurther Learning\n\nWhy?\n\nBecause.\n",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_safe_fix_makes_the_story_valid(name: str) -> None:
    before, after = CASES[name]
    fixed = fix(before.encode())
    assert fixed.data.decode() == after
    assert fixed.remaining == []
    assert fix(fixed.data).data == fixed.data


@pytest.mark.parametrize("name", sorted(UNSAFE))
def test_an_unsafe_fix_applies_only_when_asked(name: str) -> None:
    before, after = UNSAFE[name]
    assert fix(before.encode()).data == before.encode()
    fixed = fix(before.encode(), unsafe=True)
    assert fixed.data.decode() == after
    assert fixed.remaining == []


@pytest.mark.parametrize("name", sorted(CASES) + sorted(UNSAFE))
def test_each_fix_is_of_the_kind_its_rule_declares(name: str) -> None:
    before, _ = {**CASES, **UNSAFE}[name]
    offered = [item for item in storyfmt.validate(before) if item.fix is not None]
    assert offered
    for item in offered:
        assert item.fix is not None
        assert Rule(item.code).fix == item.fix.applicability
        expected = "unsafe" if name in UNSAFE else "safe"
        assert item.fix.applicability == expected


def test_fixes_keep_the_files_line_breaks_and_byte_order_mark() -> None:
    before = "\ufeffT\r\n\r\nStory Stats\r\n\r\nVirality: 5.1\r\nArticles\r\n3\r\n"
    fixed = fix(before.encode())
    assert fixed.data.decode() == (
        "\ufeffT\r\n\r\nStory Stats\r\n\r\nVirality\r\n5.1\r\nArticles\r\n3\r\n"
    )


def test_overlapping_edits_apply_the_first_only() -> None:
    data, applied = apply_edits(
        b"abcdef\n", [Edit(1, 2, 1, 4, "X"), Edit(1, 3, 1, 5, "Y"), Edit(1, 6, 1, 6, "!")]
    )
    assert (data, applied) == (b"aXde!f\n", 2)


def test_a_story_with_an_error_no_fix_can_mend_keeps_its_other_fixes() -> None:
    before = "T\n\nstory stats\n\nVirality\nhigh\n"
    fixed = fix(before.encode())
    assert fixed.data.decode() == "T\n\nStory Stats\n\nVirality\nhigh\n"
    assert [item.code for item in fixed.remaining] == ["SF301"]


def _fixable_corpus() -> list[Path]:
    """The invalid corpus files whose every error offers a fix."""
    chosen = []
    for path in INVALID:
        errors = [d for d in storyfmt.validate(path.read_bytes()) if d.severity == "error"]
        if errors and all(d.fix is not None for d in errors):
            chosen.append(path)
    return chosen


FIXABLE = _fixable_corpus()


def test_the_corpus_has_fixable_files() -> None:
    assert len(FIXABLE) >= 9


@pytest.mark.parametrize("path", FIXABLE, ids=lambda path: path.stem)
def test_fix_makes_a_fixable_corpus_file_valid_and_a_second_fix_changes_nothing(
    path: Path, tmp_path: Path
) -> None:
    story = tmp_path / "story.story"
    shutil.copyfile(path, story)
    done = run("check", "--fix", "--unsafe-fixes", "story.story", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "fixed" in done.stderr
    once = story.read_bytes()
    assert not [d for d in storyfmt.validate(once) if d.severity == "error"]
    again = run("check", "--fix", "--unsafe-fixes", "story.story", cwd=tmp_path)
    assert again.returncode == 0
    assert story.read_bytes() == once


def test_diff_shows_the_fixes_writes_nothing_and_patch_applies_it(tmp_path: Path) -> None:
    before = CASES["key-and-value"][0] + "\nTop keywords\n\nA / B /\n"
    (tmp_path / "a.story").write_text(before)
    done = run("check", "--diff", "a.story", cwd=tmp_path)
    assert done.returncode == 1
    assert (tmp_path / "a.story").read_text() == before
    assert "-Virality: 5.1\n+Virality\n+5.1\n" in done.stdout
    assert "would fix 2 problems in 1 file" in done.stderr
    subprocess.run(["patch", "-s", "-p0"], input=done.stdout, text=True, cwd=tmp_path, check=True)
    assert storyfmt.validate((tmp_path / "a.story").read_bytes()) == []


def test_check_says_how_many_problems_fix_would_fix(tmp_path: Path) -> None:
    (tmp_path / "a.story").write_text(CASES["heading-case"][0])
    (tmp_path / "b.story").write_text(UNSAFE["question-mark"][0])
    done = run("check", ".", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout.endswith("1 fixable with --fix (1 more with --unsafe-fixes)\n")


def test_json_output_carries_each_fix_as_edits_with_ranges(tmp_path: Path) -> None:
    (tmp_path / "a.story").write_text(CASES["heading-case"][0])
    done = run("check", "--output-format", "json", "a.story", cwd=tmp_path)
    (item,) = json.loads(done.stdout)["diagnostics"]
    assert item["fix"] == {
        "applicability": "safe",
        "message": "write the heading as 'Story Stats'",
        "edits": [
            {
                "content": "Story Stats",
                "location": {"row": 3, "column": 1},
                "end_location": {"row": 3, "column": 12},
            }
        ],
    }


def test_fix_honours_select_and_ignore(tmp_path: Path) -> None:
    story = tmp_path / "a.story"
    story.write_text(UNSAFE["question-mark"][0])
    done = run("check", "--fix", "--unsafe-fixes", "--ignore", "SF503", "a.story", cwd=tmp_path)
    assert done.returncode == 0
    assert story.read_text() == UNSAFE["question-mark"][0]


def test_fix_never_rewrites_a_file_not_selected_as_a_story(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text(CASES["heading-case"][0])
    done = run("check", "--fix", "notes.txt", cwd=tmp_path)
    assert done.returncode == 2
    assert "not selected as a story file" in done.stderr
    assert "to fix it" in done.stderr
    assert notes.read_text() == CASES["heading-case"][0]


def test_fix_of_stdin_writes_the_fixed_story_to_stdout(tmp_path: Path) -> None:
    before, after = CASES["blank-after-question"]
    done = run("check", "--fix", "-", cwd=tmp_path, stdin=before.encode())
    assert done.returncode == 0
    assert done.stdout == after


@pytest.mark.parametrize("output", ["text", "json", "sarif", "github", "junit"])
@pytest.mark.parametrize(
    "story", ["Title\n", "Title\n\nStory Stats\n\nVirality\nhigh\n"], ids=["valid", "no-fix"]
)
def test_fix_of_stdin_writes_the_story_to_stdout_even_with_nothing_to_fix(
    tmp_path: Path, story: str, output: str
) -> None:
    done = run("check", "--fix", "--output-format", output, "-", cwd=tmp_path, stdin=story.encode())
    assert done.stdout == story
    assert done.returncode == (0 if story == "Title\n" else 1)
    assert done.stderr


@pytest.mark.parametrize(
    ("name", "story"),
    [
        ("a.yaml", "kind: card\ntitle: T\nfurther_learning:\n- question: Why\n  answer: So.\n"),
        ("b.yaml", 'kind: card\ntitle: T\nfurther_learning:\n- question: "Why"\n  answer: So.\n'),
        ("c.yaml", "{kind: card, title: T, further_learning: [{question: Why, answer: So.}]}\n"),
        (
            "d.json",
            '{"kind": "card", "title": "T",\n "further_learning": [{"question": "Why",'
            ' "answer": "So."}]}\n',
        ),
    ],
)
def test_fix_never_edits_a_json_or_yaml_story(tmp_path: Path, name: str, story: str) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.storyfmt]\ninclude = ["*.yaml", "*.json"]\n')
    (tmp_path / name).write_text(story)
    done = run("check", "--fix", "--unsafe-fixes", name, cwd=tmp_path)
    assert (tmp_path / name).read_text() == story
    assert done.returncode == 0
    assert "SF503" in done.stdout
    assert "fixed" not in done.stderr
    assert "fixable" not in done.stdout


def test_fix_keeps_a_files_permissions(tmp_path: Path) -> None:
    story = tmp_path / "a.story"
    story.write_text(CASES["heading-case"][0])
    story.chmod(0o640)
    run("check", "--fix", "a.story", cwd=tmp_path)
    assert story.read_text() == CASES["heading-case"][1]
    assert story.stat().st_mode & 0o777 == 0o640
