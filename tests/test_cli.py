"""The installed ``storyfmt`` command, run as a real subprocess on real files."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import CORPUS, ROOT

import storyfmt
from storyfmt._ruledocs import DOCS_URL

pytestmark = pytest.mark.slow

COMMAND = Path(sys.executable).with_name("storyfmt" + (".exe" if os.name == "nt" else ""))
EXAMPLES = ROOT / "examples"
VALID = sorted(p for p in (CORPUS / "valid").glob("*.txt") if not p.name.endswith(".out.txt"))
BAD = "Title\n\nStory Stats\n\nVirality\nhigh\nStatus\nPending\n"
WARNED = "Title\n\nStory Stats\n\nStatus\nPending\n"
CANONICAL = "Title\n\nStory Stats\n\nStatus\nActive\n"
MESSY = "Title  \r\n\r\n\r\nStory Stats\r\nStatus\r\n  Active\r\n"


def run(
    *args: str,
    cwd: Path,
    stdin: bytes | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value for key, value in os.environ.items() if key not in ("GITHUB_ACTIONS", "NO_COLOR")
    }
    environment.update(env or {})
    done = subprocess.run(
        [str(COMMAND), *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env=environment,
        timeout=300,
        check=False,
    )
    result = subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def stories(tmp_path: Path) -> Path:
    """A folder of the two seed examples, a story with problems and a file that is no story."""
    for name in ("brief-japan-korea-summit.story", "card-japan-korea-summit.story"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    (tmp_path / "bad.story").write_text(BAD)
    (tmp_path / "notes.md").write_text("not a story")
    return tmp_path


def test_the_command_is_installed() -> None:
    assert COMMAND.exists(), "install the project (pip install .) to get the storyfmt command"


def test_check_reports_problems_like_a_compiler(stories: Path) -> None:
    done = run("check", ".", cwd=stories)
    assert done.returncode == 1
    assert done.stdout.splitlines()[:6] == [
        "bad.story:6:1: error[SF301] Virality must be a number, got 'high'",
        " 6 | high",
        "   | ^^^^",
        " = hint: write a decimal number such as 5.1 or 12",
        f" = help: {DOCS_URL}rules/#sf301-invalid-number-error",
        "",
    ]
    assert "bad.story:8:1: warning[SF501] Status 'Pending' is not one of the known values" in (
        done.stdout
    )
    assert done.stdout.splitlines()[-1] == "1 error, 1 warning in 1 of 3 files"


def test_check_of_valid_files_exits_zero(tmp_path: Path) -> None:
    for path in VALID:
        shutil.copy(path, tmp_path / path.with_suffix(".story").name)
    done = run("check", "--ignore", "SF5", ".", cwd=tmp_path)
    assert done.returncode == 0, done.stdout
    assert done.stdout == f"No problems in {len(VALID)} files\n"


def test_warnings_fail_only_when_strict(tmp_path: Path) -> None:
    (tmp_path / "story.txt").write_text(WARNED)
    assert run("check", "story.txt", cwd=tmp_path).returncode == 0
    assert run("check", "--strict", "story.txt", cwd=tmp_path).returncode == 1
    ignored = run("check", "--strict", "--ignore", "SF501", "story.txt", cwd=tmp_path)
    assert (ignored.returncode, ignored.stdout) == (0, "No problems in 1 file\n")
    selected = run("check", "--select", "SF502", "story.txt", cwd=tmp_path)
    assert "SF501" not in selected.stdout


def test_github_annotations_inside_actions(stories: Path) -> None:
    done = run("check", ".", cwd=stories, env={"GITHUB_ACTIONS": "true"})
    assert done.returncode == 1
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::")]
    pattern = re.compile(
        r"::(error|warning) file=([^,]+),line=(\d+),col=(\d+),endLine=(\d+),"
        r"endColumn=(\d+),title=(SF\d{3}) [a-z0-9-]+::(.+)"
    )
    parsed = [pattern.fullmatch(line) for line in annotations]
    assert all(parsed), annotations
    assert [(m[1], m[2], m[3], m[4], m[7]) for m in parsed if m] == [
        ("error", "bad.story", "6", "1", "SF301"),
        ("warning", "bad.story", "8", "1", "SF501"),
    ]


@pytest.mark.parametrize("output", ["json", "sarif"])
def test_a_missing_path_is_recorded_in_the_document(stories: Path, output: str) -> None:
    named = ("missing.story", "card-japan-korea-summit.story")
    done = run("check", "--output-format", output, *named, cwd=stories)
    assert done.returncode == 2
    document = json.loads(done.stdout)
    if output == "json":
        assert document["failures"] == [
            {"path": "missing.story", "reason": "no such file or folder"}
        ]
    else:
        (invocation,) = document["runs"][0]["invocations"]
        assert invocation["executionSuccessful"] is False
        assert "missing.story: no such file or folder" in json.dumps(invocation)
    assert "missing.story: no such file or folder" in done.stderr


def test_json_output_parses(stories: Path) -> None:
    done = run("check", "--output-format", "json", ".", cwd=stories)
    document = json.loads(done.stdout)
    assert document["summary"] == {
        "files": 3,
        "files_with_problems": 1,
        "errors": 1,
        "warnings": 1,
        "unreadable": 0,
        "rule_failures": 0,
        "unfixed": 0,
    }
    assert document["failures"] == []
    first = document["diagnostics"][0]
    assert (first["path"], first["line"], first["column"], first["code"]) == (
        "bad.story",
        6,
        1,
        "SF301",
    )


def test_junit_output_is_well_formed(stories: Path) -> None:
    done = run("check", "--output-format", "junit", ".", cwd=stories)
    root = ElementTree.fromstring(done.stdout)
    cases = root.findall("./testsuite/testcase")
    assert sorted(case.get("name") or "" for case in cases) == [
        "bad.story",
        "brief-japan-korea-summit.story",
        "card-japan-korea-summit.story",
    ]
    failures = root.findall("./testsuite/testcase/failure")
    assert [f.get("type") for f in failures] == ["SF301"]


def test_colour_is_on_only_when_asked(stories: Path) -> None:
    assert "\x1b[" in run("check", "--color", "always", "bad.story", cwd=stories).stdout
    assert "\x1b[" not in run("check", "bad.story", cwd=stories).stdout
    no_color = run("check", "bad.story", cwd=stories, env={"NO_COLOR": "1"})
    assert "\x1b[" not in no_color.stdout


def test_quiet_prints_one_line_per_problem(stories: Path) -> None:
    done = run("check", "-q", "bad.story", cwd=stories)
    assert done.stdout.splitlines() == [
        "bad.story:6:1: error[SF301] Virality must be a number, got 'high'",
        "bad.story:8:1: warning[SF501] Status 'Pending' is not one of the known values",
        "1 error, 1 warning in 1 of 1 file",
    ]


def test_stdin_with_a_file_name(tmp_path: Path) -> None:
    done = run("check", "-", "--stdin-filename", "cards/a.txt", cwd=tmp_path, stdin=BAD.encode())
    assert done.returncode == 1
    assert done.stdout.startswith("cards/a.txt:6:1: error[SF301]")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "missing.txt"], "missing.txt: no such file or folder"),
        (["check", "empty"], "empty: no story files (*.story) in this folder"),
        (["check", "dangling.txt"], "dangling.txt: cannot read: a broken symbolic link (to "),
        (["check", "links"], "links/dangling.story: cannot read: a broken symbolic link (to "),
        (["check", "--config", "storyfmt.toml", "."], "storyfmt.toml: cannot read"),
        (["check", "--jobs", "many", "."], "expected a whole number of processes"),
        (["check", "--ignore", "SF301", "."], "errors cannot be ignored"),
        (["check", "--select", "XX1", "."], "unknown rule code 'XX1'"),
        (["convert", "card.txt"], "give --to FORMAT"),
        (["nonsense"], "invalid choice"),
    ],
)
def test_usage_and_file_errors_exit_two(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "card.txt").write_text(CANONICAL)
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "links").mkdir()
    (tmp_path / "links" / "dangling.story").symlink_to(tmp_path / "nowhere.txt")
    done = run(*args, cwd=tmp_path)
    assert done.returncode == 2
    last = done.stderr.splitlines()[-1]
    assert last.startswith("storyfmt: error: ")
    assert message in last
    if not done.stderr.startswith("usage:"):
        assert done.stderr.count("\n") == 1, done.stderr


def test_folders_skip_environments_and_version_control(tmp_path: Path) -> None:
    for folder in (".git", ".venv", "node_modules", "env"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.story").write_text(BAD)
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "stories").mkdir()
    (tmp_path / "stories" / "a.story").write_text(CANONICAL)
    done = run("check", ".", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "No problems in 1 file\n")


def test_a_thousand_files_in_parallel_report_in_path_order(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(1000):
        text = BAD if number % 100 == 7 else CANONICAL.replace("Title", f"Story {number}")
        (folder / f"{number:04d}.story").write_text(text)
    serial = run("check", "--jobs", "1", "-q", "many", cwd=tmp_path)
    parallel = run("check", "--jobs", "2", "-q", "many", cwd=tmp_path)
    assert serial.returncode == parallel.returncode == 1
    assert serial.stdout == parallel.stdout
    assert serial.stdout.splitlines()[-1] == "10 errors, 10 warnings in 10 of 1000 files"
    reported = [line.split(":")[0] for line in serial.stdout.splitlines()[:-1]]
    assert reported == sorted(reported)


def test_configuration_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.storyfmt]\nignore = ["SF501"]\nstrict = true\n'
    )
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "story.txt").write_text(WARNED)
    done = run("check", "story.txt", cwd=tmp_path / "sub")
    assert (done.returncode, done.stdout) == (0, "No problems in 1 file\n")
    overridden = run("check", "--isolated", "--strict", "story.txt", cwd=tmp_path / "sub")
    assert overridden.returncode == 1


def test_configuration_promotes_a_warning(tmp_path: Path) -> None:
    (tmp_path / "storyfmt.toml").write_text('[severity]\nSF501 = "error"\n')
    (tmp_path / "story.txt").write_text(WARNED)
    done = run("check", "story.txt", cwd=tmp_path)
    assert done.returncode == 1
    assert "error[SF501]" in done.stdout


def test_configuration_names_the_docs_site_the_rules_are_linked_on(tmp_path: Path) -> None:
    config = tmp_path / "storyfmt.toml"
    config.write_text('docs-url = "https://docs.example.org/storyfmt"\n')
    (tmp_path / "story.txt").write_text(WARNED)
    done = run("check", "story.txt", cwd=tmp_path)
    link = " = help: https://docs.example.org/storyfmt/rules/#sf501-unknown-status-warning\n"
    assert link in done.stdout
    assert "help:" not in run("check", "-q", "story.txt", cwd=tmp_path).stdout
    config.write_text('\ndocs-url = "docs.example.org"\n')
    refused = run("check", "story.txt", cwd=tmp_path)
    assert (refused.returncode, refused.stdout) == (2, "")
    assert f"{config}:2: 'docs-url' must be the http or https address" in refused.stderr


def test_unknown_configuration_key_names_its_line(tmp_path: Path) -> None:
    (tmp_path / "storyfmt.toml").write_text('include = ["*.txt"]\n\nstrictness = true\n')
    (tmp_path / "story.txt").write_text(CANONICAL)
    done = run("check", ".", cwd=tmp_path)
    assert done.returncode == 2
    assert f"{tmp_path / 'storyfmt.toml'}:3: unknown key 'strictness'" in done.stderr


def test_a_bad_setting_in_pyproject_is_named_by_its_own_line(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ruff]\nignore = ["E501"]\n\n[tool.storyfmt]\nstrict = true\nignore = ["SF301"]\n'
        '\n[tool.storyfmt.severity]\nSF501 = "fatal"\n'
    )
    (tmp_path / "story.story").write_text(CANONICAL)
    done = run("check", ".", cwd=tmp_path)
    assert done.returncode == 2
    assert f"{tmp_path / 'pyproject.toml'}:6: 'ignore': 'SF301' covers error" in done.stderr
    (tmp_path / "pyproject.toml").write_text(
        (tmp_path / "pyproject.toml").read_text().replace("SF301", "SF502")
    )
    done = run("check", ".", cwd=tmp_path)
    assert f"{tmp_path / 'pyproject.toml'}:8: the severity of SF501" in done.stderr


def test_fmt_rewrites_only_what_changes(tmp_path: Path) -> None:
    messy, canonical = tmp_path / "messy.story", tmp_path / "canonical.story"
    messy.write_bytes(MESSY.encode())
    messy.chmod(0o640)
    canonical.write_text(CANONICAL)
    os.utime(canonical, (1_000_000_000, 1_000_000_000))
    check = run("fmt", "--check", ".", cwd=tmp_path)
    assert check.returncode == 1
    assert "would reformat messy.story" in check.stderr
    assert messy.read_bytes() == MESSY.encode()
    done = run("fmt", ".", cwd=tmp_path)
    assert done.returncode == 0
    assert messy.read_text() == CANONICAL
    assert oct(messy.stat().st_mode & 0o777) == oct(0o640)
    assert canonical.stat().st_mtime == 1_000_000_000
    again = run("fmt", "--check", ".", cwd=tmp_path)
    assert again.returncode == 0
    assert "0 files would be reformatted, 2 left unchanged" in again.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["canonical.story", "messy.story"]


def test_fmt_diff_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "messy.story"
    path.write_bytes(MESSY.encode())
    done = run("fmt", "--diff", "messy.story", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout.startswith("--- messy.story\n+++ messy.story\n")
    assert "-  Active\r\n+Active\r\n" in done.stdout
    assert path.read_bytes() == MESSY.encode()


def test_fmt_leaves_files_with_errors_and_read_only_files(tmp_path: Path) -> None:
    broken, locked = tmp_path / "broken.story", tmp_path / "locked.story"
    broken.write_text(BAD.replace("Title", "Title  "))
    locked.write_bytes(MESSY.encode())
    locked.chmod(0o444)
    done = run("fmt", ".", cwd=tmp_path)
    assert done.returncode == 2
    assert "broken.story:6:1: error[SF301]" in done.stderr
    assert "locked.story: the file is read-only; not rewritten" in done.stderr
    assert broken.read_text() == BAD.replace("Title", "Title  ")
    assert locked.read_bytes() == MESSY.encode()


def test_fmt_follows_a_symlink_and_keeps_it(tmp_path: Path) -> None:
    target, link = tmp_path / "target.story", tmp_path / "link.story"
    target.write_bytes(MESSY.encode())
    link.symlink_to(target)
    assert run("fmt", "link.story", cwd=tmp_path).returncode == 0
    assert link.is_symlink()
    assert target.read_text() == CANONICAL


def test_fmt_of_stdin_prints_the_canonical_text(tmp_path: Path) -> None:
    done = run("fmt", "-", cwd=tmp_path, stdin=MESSY.encode())
    assert (done.returncode, done.stdout) == (0, CANONICAL.replace("\n", "\r\n"))


def test_fmt_never_changes_what_a_story_means(tmp_path: Path) -> None:
    for path in VALID:
        shutil.copy(path, tmp_path / path.with_suffix(".story").name)
    done = run("fmt", ".", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    for path in VALID:
        formatted = tmp_path / path.with_suffix(".story").name
        assert storyfmt.load(formatted) == storyfmt.load(path)
        assert storyfmt.dumps(storyfmt.load(formatted)) == formatted.read_text("utf-8")


def test_convert_json_and_back_gives_the_canonical_text(tmp_path: Path) -> None:
    card = EXAMPLES / "card-japan-korea-summit.story"
    as_json = run("convert", str(card), "--to", "json", cwd=tmp_path)
    assert as_json.returncode == 0
    assert json.loads(as_json.stdout)["kind"] == "card"
    back = run(
        "convert",
        "-",
        "--from",
        "json",
        "--to",
        "text",
        cwd=tmp_path,
        stdin=as_json.stdout.encode(),
    )
    assert back.stdout == storyfmt.dumps(storyfmt.load(card))


def test_convert_yaml_both_ways(tmp_path: Path) -> None:
    brief = EXAMPLES / "brief-japan-korea-summit.story"
    assert run("convert", str(brief), "-o", "brief.yaml", cwd=tmp_path).returncode == 0
    back = run("convert", "brief.yaml", "--to", "text", cwd=tmp_path)
    assert back.stdout == storyfmt.dumps(storyfmt.load(brief))


def test_convert_a_folder_to_json_lines_and_back(tmp_path: Path) -> None:
    source = tmp_path / "source"
    (source / "nested").mkdir(parents=True)
    for path in VALID[:10]:
        shutil.copy(path, source / "nested" / path.with_suffix(".story").name)
    shutil.copy(EXAMPLES / "card-japan-korea-summit.story", source / "card.story")
    done = run("convert", "source", "--to", "jsonl", "-o", "all.jsonl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in (tmp_path / "all.jsonl").read_text().splitlines()]
    assert [r["path"] for r in records] == sorted(r["path"] for r in records)
    assert "card.story" in [r["path"] for r in records]
    assert run("convert", "all.jsonl", "--to", "text", "-o", "out", cwd=tmp_path).returncode == 0
    for record in records:
        written = tmp_path / "out" / record["path"]
        assert storyfmt.load(written) == storyfmt.load(source / record["path"])


def test_convert_refuses_paths_that_leave_the_output_folder(tmp_path: Path) -> None:
    story = storyfmt.loads(CANONICAL).model_dump(mode="json")
    line = json.dumps({"path": "../escape.txt", "story": story})
    (tmp_path / "evil.jsonl").write_text(line + "\n")
    done = run("convert", "evil.jsonl", "--to", "text", "-o", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "refusing to write outside the output folder" in done.stderr
    assert not (tmp_path / "escape.txt").exists()


def test_convert_markdown_and_html_escape_the_text(tmp_path: Path) -> None:
    (tmp_path / "card.txt").write_text(
        "<script>alert(1)</script> & *stars*\n\nTop Keywords\n\nA|B / C_D /\n"
    )
    html = run("convert", "card.txt", "--to", "html", cwd=tmp_path).stdout
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; *stars*" in html
    assert html.startswith("<!DOCTYPE html>")
    markdown = run("convert", "card.txt", "--to", "markdown", cwd=tmp_path).stdout
    assert markdown.splitlines()[0] == r"# \<script\>alert(1)\</script\> \& \*stars\*"
    assert r"- A\|B" in markdown


def test_convert_reports_a_bad_story_and_exits_one(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_text(BAD)
    done = run("convert", "bad.txt", "--to", "json", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert "bad.txt:6:1: error[SF301]" in done.stderr


def test_schema_accepts_every_corpus_json(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    done = run("schema", cwd=tmp_path)
    schema = json.loads(done.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for path in VALID:
        validator.validate(json.loads(path.with_suffix(".json").read_text("utf-8")))
    assert not validator.is_valid({"kind": "card", "title": "20"})
    assert not validator.is_valid({"kind": "card", "title": "T", "tags": ["a / b"]})


def test_python_dash_m_runs_the_same_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "storyfmt", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, f"storyfmt {storyfmt.__version__}\n")


def test_help_documents_the_exit_codes(tmp_path: Path) -> None:
    done = run("check", "--help", cwd=tmp_path)
    assert done.returncode == 0
    assert "0  no errors" in done.stdout
    assert "2  usage error" in done.stdout


# The program ends without tearing the interpreter down (storyfmt._cli.run):
# what a normal exit does that anyone could see must still happen.
PROGRAM = """
import atexit, sys, threading, time
from storyfmt._cli import run
atexit.register(lambda: print("exit handler ran", flush=True))
if sys.argv[1] == "thread":
    del sys.argv[1]
    threading.Thread(target=lambda: (time.sleep(0.5), print("thread ended"))).start()
run()
"""


def _program(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """:data:`PROGRAM` run with ``args``; a first argument ``thread`` starts a
    thread that outlives the command."""
    return subprocess.run(
        [sys.executable, "-c", PROGRAM, *args], cwd=cwd, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(("story", "status"), [(CANONICAL, 0), (BAD, 1)])
def test_the_program_exits_with_the_status_its_output_and_its_exit_handlers(
    tmp_path: Path, story: str, status: int
) -> None:
    # 400 reports: more than one buffer of output, all of it flushed.
    for number in range(400):
        (tmp_path / f"{number:03d}.story").write_text(story)
    done = _program("check", "--jobs", "1", ".", cwd=tmp_path)
    assert done.returncode == status, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "exit handler ran"
    if status:
        assert len([line for line in lines if "error[SF301]" in line]) == 400
        assert lines[-2] == "400 errors, 400 warnings in 400 of 400 files"


def test_the_program_waits_for_a_thread_still_running(tmp_path: Path) -> None:
    (tmp_path / "card.story").write_text(CANONICAL)
    done = _program("thread", "check", "-q", "card.story", cwd=tmp_path)
    assert (done.returncode, done.stdout.splitlines()) == (0, ["thread ended", "exit handler ran"])
