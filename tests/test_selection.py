"""Which files the command takes: include, exclude, --force-exclude, links, -j."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from collections.abc import Iterator
from concurrent.futures import Executor
from pathlib import Path
from xml.etree import ElementTree

import pytest
from test_cli import BAD, CANONICAL, COMMAND, MESSY, WARNED, run
from test_hooks import HOOKS, run_hook

from storyfmt._cli import _check
from storyfmt._cli._check import check_one
from storyfmt._config import Configs, Selection
from storyfmt._house import House
from storyfmt._report import FileReport
from storyfmt._rules import HOUSE

pytestmark = pytest.mark.slow

NOT_STORIES = {
    "README.txt": b"My project\n\n    Read the docs.\n",
    "requirements.txt": b"pydantic>=2\nlark>=1.2\n",
    "LICENSE.txt": b"MIT License\n\nCopyright (c) 2026\n",
    "CMakeLists.txt": b"cmake_minimum_required(VERSION 3.20)\nproject(x)\n",
    "notes.txt": b"Notes  \r\n\r\n\r\n    indented\r\n\ttabbed\r\n",
    "docs/guide.txt": b"Guide\n\n  Story Stats\n\nnot a story\n",
}


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """An ordinary repository: text files that are not stories, stories in
    ``stories/*.story``, and a tree of ``.txt`` stories that the configuration
    includes."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    for name, data in NOT_STORIES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "good.story").write_text(CANONICAL)
    (tmp_path / "stories" / "messy.story").write_bytes(MESSY.encode())
    (tmp_path / "stories" / "bad.story").write_text(BAD)
    (tmp_path / "archive" / "2025").mkdir(parents=True)
    (tmp_path / "archive" / "top.txt").write_text(CANONICAL)
    (tmp_path / "archive" / "2025" / "old.txt").write_bytes(MESSY.encode())
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.storyfmt]\ninclude = ["*.story", "archive/**/*.txt"]\n'
    )
    return tmp_path


def _hashes(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in folder.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(folder).parts
    }


def _checked(done: subprocess.CompletedProcess[str]) -> list[str]:
    """The files a ``--output-format junit`` run checked."""
    root = ElementTree.fromstring(done.stdout)
    return [case.get("name") or "" for case in root.iter("testcase")]


STORIES = [
    "archive/2025/old.txt",
    "archive/top.txt",
    "stories/bad.story",
    "stories/good.story",
    "stories/messy.story",
]


def test_check_of_a_repository_reports_only_the_stories(repository: Path) -> None:
    done = run("check", "--output-format", "junit", ".", cwd=repository)
    assert done.returncode == 1
    assert _checked(done) == STORIES
    text = run("check", ".", cwd=repository)
    assert text.stdout.splitlines()[-1] == "1 error, 1 warning in 1 of 5 files"


def test_fmt_of_a_repository_changes_no_byte_of_anything_else(repository: Path) -> None:
    before = _hashes(repository)
    done = run("fmt", ".", cwd=repository)
    assert done.returncode == 1  # stories/bad.story has errors
    after = _hashes(repository)
    changed = sorted(name for name in before if before[name] != after[name])
    assert changed == ["archive/2025/old.txt", "stories/messy.story"]
    assert sorted(after) == sorted(before)


def test_the_hooks_on_every_file_of_a_repository_take_only_the_stories(
    repository: Path,
) -> None:
    names = sorted(_hashes(repository))
    before = _hashes(repository)
    check = run_hook("storyfmt-check", repository, names)
    assert check.returncode == 1
    assert check.stdout.splitlines()[-1] == "1 error, 1 warning in 1 of 5 files"
    assert "README" not in check.stdout + check.stderr
    fmt = run_hook("storyfmt-fmt", repository, names)
    assert fmt.returncode == 1
    after = _hashes(repository)
    assert sorted(name for name in before if before[name] != after[name]) == [
        "archive/2025/old.txt",
        "stories/messy.story",
    ]
    for hook in HOOKS.values():
        assert "--force-exclude" in hook["entry"].split()


def test_without_configuration_a_folder_search_takes_only_story_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text(BAD)
    (tmp_path / "card.story").write_text(CANONICAL)
    done = run("check", ".", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "No problems in 1 file\n")


def test_check_checks_any_file_named(repository: Path) -> None:
    done = run("check", "notes.txt", cwd=repository)
    assert done.returncode == 1
    assert done.stdout.startswith("notes.txt:")


def test_fmt_refuses_a_named_file_that_is_not_selected(repository: Path) -> None:
    done = run("fmt", "notes.txt", "stories/messy.story", cwd=repository)
    assert done.returncode == 2
    assert (
        "storyfmt: error: notes.txt: not selected as a story file by include"
        " (*.story, archive/**/*.txt); not rewritten (to format it, make include and"
        " exclude in storyfmt.toml or [tool.storyfmt] select it)"
    ) in done.stderr.splitlines()
    assert (repository / "notes.txt").read_bytes() == NOT_STORIES["notes.txt"]
    assert (repository / "stories" / "messy.story").read_text() == CANONICAL


def test_force_exclude_skips_named_files_not_selected_silently(repository: Path) -> None:
    fmt = run("fmt", "--force-exclude", "notes.txt", "archive/top.txt", cwd=repository)
    assert fmt.returncode == 0
    assert "notes.txt" not in fmt.stderr
    check = run("check", "--force-exclude", "notes.txt", "docs/guide.txt", cwd=repository)
    assert (check.returncode, check.stdout) == (0, "No problems in 0 files\n")
    folder = run("check", "--force-exclude", "--exclude", "docs", "docs", cwd=repository)
    assert (folder.returncode, folder.stdout) == (0, "No problems in 0 files\n")


# ---- include and exclude: what the patterns match --------------------------------


def test_exclude_is_relative_to_the_configuration_file(repository: Path) -> None:
    (repository / "storyfmt.toml").write_text('exclude = ["stories/bad.story"]\n')
    from_root = run("check", ".", cwd=repository)
    assert (from_root.returncode, from_root.stdout) == (0, "No problems in 2 files\n")
    from_inside = run("check", ".", cwd=repository / "stories")
    assert (from_inside.returncode, from_inside.stdout) == (0, "No problems in 2 files\n")


def test_absolute_paths_are_matched_relative_to_the_base(repository: Path) -> None:
    (repository / "storyfmt.toml").write_text('exclude = ["stories/bad.story"]\n')
    folder = run("check", str(repository / "stories"), cwd=repository)
    assert (folder.returncode, folder.stdout) == (0, "No problems in 2 files\n")
    bad = str(repository / "stories" / "bad.story")
    named = run("check", "--force-exclude", bad, cwd=repository)
    assert (named.returncode, named.stdout) == (0, "No problems in 0 files\n")
    without = run("check", bad, cwd=repository)
    assert without.returncode == 1


def test_a_pattern_without_a_slash_matches_names_at_any_depth(repository: Path) -> None:
    (repository / "stories" / "drafts").mkdir()
    (repository / "stories" / "drafts" / "wip.story").write_text(BAD)
    (repository / "storyfmt.toml").write_text('exclude = ["drafts", "bad.*"]\n')
    done = run("check", ".", cwd=repository / "stories")
    assert (done.returncode, done.stdout) == (0, "No problems in 2 files\n")
    named = run("check", "--force-exclude", "drafts/wip.story", cwd=repository / "stories")
    assert (named.returncode, named.stdout) == (0, "No problems in 0 files\n")


def test_a_star_matches_across_folders_and_double_star_matches_none(tmp_path: Path) -> None:
    for name in ("a/x.story", "a/b/y.story", "c/top.txt", "c/d/e/deep.txt", "top.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(CANONICAL)
    (tmp_path / "storyfmt.toml").write_text(
        'include = ["*.story", "c/**/*.txt"]\nexclude = ["a/*"]\n'
    )
    done = run("check", "--output-format", "junit", ".", cwd=tmp_path)
    assert _checked(done) == ["c/d/e/deep.txt", "c/top.txt"]


@pytest.mark.parametrize(
    ("path", "excluded"),
    [
        ("drafts/a.story", True),
        ("sub/drafts/a.story", False),
        ("x/a.story", True),
        ("sub/x/a.story", False),
        ("deep/a.story", True),
        ("a/b/deep/c.story", True),
        ("a/b/deeper/c.story", False),
        ("old.story", True),
        ("sub/old.story", True),
        ("ok.story", False),
    ],
)
def test_what_each_kind_of_pattern_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, excluded: bool
) -> None:
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")  # the base is the configuration's folder
    (tmp_path / "storyfmt.toml").write_text('exclude = ["/drafts", "x/", "**/deep", "old.*"]\n')
    refused = Selection(Configs()).refusal_of(str(tmp_path / path))
    assert (refused is not None) == excluded
    assert refused in (None, "by exclude (/drafts, x/, **/deep, old.*)")


def test_command_line_exclude_is_relative_to_the_current_folder(repository: Path) -> None:
    (repository / "stories" / "nested").mkdir()
    (repository / "stories" / "nested" / "x.story").write_text(BAD)
    (repository / "storyfmt.toml").write_text('exclude = ["nested/*.story", "bad.story"]\n')
    # In the configuration, "nested/*.story" is relative to the repository: no match.
    assert run("check", ".", cwd=repository / "stories").returncode == 1
    done = run("check", "--exclude", "nested/*.story", ".", cwd=repository / "stories")
    assert (done.returncode, done.stdout) == (0, "No problems in 2 files\n")


# ---- links -----------------------------------------------------------------------


def test_linked_folders_are_followed_once_and_loops_end(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "bad.story").write_text(BAD)
    (tmp_path / "real" / "loop").symlink_to(tmp_path / "real")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "other.story").write_text(WARNED)
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "linked").symlink_to(tmp_path / "outside")
    (tmp_path / "tree" / "real").symlink_to(tmp_path / "real")
    (tmp_path / "tree" / "same.story").symlink_to(tmp_path / "outside" / "other.story")
    done = run("check", "--output-format", "junit", "tree", cwd=tmp_path)
    assert done.returncode == 1
    assert _checked(done) == ["tree/linked/other.story", "tree/real/bad.story"]
    both = run("check", "--output-format", "junit", "real", "tree/real", cwd=tmp_path)
    assert _checked(both) == ["real/bad.story"]


# ---- workers -----------------------------------------------------------------------


def test_never_more_workers_than_files_or_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_check, "_cores", lambda: 4)
    assert _check.workers(200, 300) == (4, 6)
    assert _check.workers(200, 0) == (4, 6)
    assert _check.workers(200, 1) == (1, 200)
    assert _check.workers(10, 300) == (1, 10)  # too few to be worth a pool
    monkeypatch.setattr(_check, "_cores", lambda: 1000)
    assert _check.workers(200, 300) == (200, 1)
    assert _check.workers(100_000, 300) == (300, 41)
    for files in (64, 65, 500, 3000, 10_000, 1_000_000):
        count, chunk = _check.workers(files, 0)
        assert count <= files
        assert count <= -(-files // chunk)


def test_many_jobs_on_few_files_give_the_same_output(tmp_path: Path) -> None:
    for number in range(200):
        text = BAD if number % 50 == 3 else CANONICAL
        (tmp_path / f"{number:03d}.story").write_text(text)
    one = run("check", "-j", "1", ".", cwd=tmp_path)
    many = run("check", "-j", "300", ".", cwd=tmp_path)
    assert one.returncode == many.returncode == 1
    assert one.stdout == many.stdout
    assert one.stdout.splitlines()[-1] == "4 errors, 4 warnings in 4 of 200 files"


# ---- a reader that goes away ------------------------------------------------------


@pytest.mark.parametrize(("dangling", "status"), [(False, 1), (True, 2)])
def test_a_closed_pipe_keeps_the_exit_status(tmp_path: Path, dangling: bool, status: int) -> None:
    for number in range(1500):
        (tmp_path / f"{number:04d}.story").write_text(BAD)
    if dangling:
        (tmp_path / "zz.story").symlink_to(tmp_path / "nowhere")
    script = f"'{COMMAND}' check . | head -1; echo \"status ${{PIPESTATUS[0]}}\" >&2"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout == "0000.story:6:1: error[SF301] Virality must be a number, got 'high'\n"
    lines = done.stderr.splitlines()
    assert lines[-1] == f"status {status}"
    broken = "storyfmt: error: zz.story: cannot read: a broken symbolic link"
    assert [line.split(" (to ")[0] for line in lines[:-1]] == ([broken] if dangling else [])


def test_output_cut_short_by_a_closed_pipe_is_not_success(tmp_path: Path) -> None:
    (tmp_path / "card.story").write_text(CANONICAL)
    # The reader is gone before storyfmt writes: nothing of the output arrives.
    for command in ("convert card.story --to json", "fmt -", "schema"):
        script = f"'{COMMAND}' {command} < card.story | true; echo ${{PIPESTATUS[0]}}"
        done = subprocess.run(
            ["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False
        )
        assert (done.stdout, done.stderr) == ("2\n", ""), command


# ---- names with control characters ---------------------------------------------


def test_control_characters_in_names_are_escaped_in_every_output(tmp_path: Path) -> None:
    (tmp_path / "ok\x0c.story").write_text(WARNED.replace("Pending", "\uffff"))
    (tmp_path / "red\x1b[31m.story").write_text(BAD)
    (tmp_path / "gone\x1b]0;x\x07.story").symlink_to(tmp_path / "nowhere")
    junit = run("check", "--output-format", "junit", ".", cwd=tmp_path)
    root = ElementTree.fromstring(junit.stdout)
    names = [case.get("name") for case in root.iter("testcase")]
    assert names == ["gone\\x1b]0;x\\x07.story", "ok\\x0c.story", "red\\x1b[31m.story"]
    # A noncharacter in the story is named by its code point, never written raw.
    assert "[U+FFFF]" in junit.stdout
    assert "\uffff" not in junit.stdout
    for output in ("text", "github", "json", "junit"):
        done = run("check", "--output-format", output, ".", cwd=tmp_path)
        assert done.returncode == 2
        for stream in (done.stdout, done.stderr):
            assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", stream), (output, stream)
    text = run("check", ".", cwd=tmp_path)
    assert "red\\x1b[31m.story:6:1: error[SF301]" in text.stdout
    assert "storyfmt: error: gone\\x1b]0;x\\x07.story: cannot read" in text.stderr
    document = json.loads(run("check", "--output-format", "json", ".", cwd=tmp_path).stdout)
    assert document["failures"][0]["path"] == "gone\x1b]0;x\x07.story"  # exact, as JSON escapes it
    missing = run("check", "no\x1bsuch", cwd=tmp_path)
    assert missing.stderr == "storyfmt: error: no\\x1bsuch: no such file or folder\n"


def _stories(folder: Path, count: int) -> list[str]:
    paths = []
    for number in range(count):
        path = folder / f"{number:03d}.story"
        path.write_text(BAD if number % 7 == 3 else CANONICAL, "utf-8")
        paths.append(str(path))
    return paths


def _reports(found: Iterator[FileReport]) -> list[tuple[str, list[str]]]:
    return sorted((r.path, [f"{d.line}:{d.code}" for d in r.diagnostics]) for r in found)


def test_workers_are_started_only_when_they_pay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = _stories(tmp_path, 120)
    houses = [HOUSE] * len(paths)
    alone = _reports(check_one(path) for path in paths)
    started: list[int] = []
    start_workers = _check.start_workers

    def counted(count: int, houses: list[House]) -> Executor:
        started.append(count)
        return start_workers(count, houses)

    monkeypatch.setattr(_check, "start_workers", counted)
    # Starting a worker costs more than the files would: this process checks them.
    monkeypatch.setattr(_check, "_START_COST", {})
    monkeypatch.setattr(_check, "_DEFAULT_START_COST", 1e9)
    assert _reports(_check._check_shared(paths, houses, 3, 10)) == alone
    assert started == []
    # Starting them is free: two workers check what this process does not.
    monkeypatch.setattr(_check, "_DEFAULT_START_COST", 0.0)
    assert _reports(_check._check_shared(paths, houses, 3, 10)) == alone
    assert started == [2]
