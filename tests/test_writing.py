"""``fmt`` and ``convert`` never lose data: the installed command, as a real subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest
from test_cli import CANONICAL, COMMAND, EXAMPLES, MESSY, run

import storyfmt

pytestmark = pytest.mark.slow

CARD = EXAMPLES / "card-japan-korea-summit.story"
CRLF_CANONICAL = CANONICAL.replace("\n", "\r\n").encode()


# ---- fmt: links, owners, files changed meanwhile -----------------------------


def test_fmt_keeps_a_hard_linked_file_one_file(tmp_path: Path) -> None:
    path, other = tmp_path / "a.story", tmp_path / "b.story"
    path.write_bytes(MESSY.encode())
    os.link(path, other)
    done = run("fmt", "a.story", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert path.stat().st_ino == other.stat().st_ino
    assert path.stat().st_nlink == 2
    assert other.read_text() == CANONICAL


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_fmt_keeps_the_owner_and_group(tmp_path: Path) -> None:
    path = tmp_path / "a.story"
    path.write_bytes(MESSY.encode())
    os.chown(path, 65534, 65534)
    done = run("fmt", "a.story", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (path.stat().st_uid, path.stat().st_gid) == (65534, 65534)
    assert path.read_text() == CANONICAL


def _as_nobody() -> list[str]:
    """The command prefix that runs a program as the user nobody, or a skip."""
    runuser = shutil.which("runuser")
    if runuser is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("needs root and runuser")
    prefix = [runuser, "-u", "nobody", "--"]
    probe = subprocess.run([*prefix, str(COMMAND), "--version"], capture_output=True, check=False)
    if probe.returncode != 0:
        if os.environ.get("CI"):
            pytest.fail(f"nobody cannot run {COMMAND}: {probe.stderr.decode()}")
        pytest.skip("the user nobody cannot run the installed command here")
    return prefix


def test_fmt_by_another_user_keeps_the_owner_by_writing_in_place() -> None:
    prefix = _as_nobody()
    folder = Path(tempfile.mkdtemp(prefix="storyfmt-owner-"))  # reachable by nobody
    try:
        folder.chmod(0o777)
        path = folder / "shared.story"
        path.write_bytes(MESSY.encode())
        path.chmod(0o666)
        inode = path.stat().st_ino
        done = subprocess.run(
            [*prefix, str(COMMAND), "fmt", "shared.story"],
            cwd=folder,
            capture_output=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        assert (path.stat().st_uid, path.stat().st_ino) == (0, inode)
        assert path.read_bytes() == CRLF_CANONICAL
        assert sorted(p.name for p in folder.iterdir()) == ["shared.story"]
    finally:
        shutil.rmtree(folder)


def test_fmt_does_not_follow_a_link_out_of_the_folder_searched(tmp_path: Path) -> None:
    (tmp_path / "tree").mkdir()
    (tmp_path / "elsewhere").mkdir()
    target = tmp_path / "elsewhere" / "target.story"
    target.write_bytes(MESSY.encode())
    (tmp_path / "tree" / "link.story").symlink_to(target)
    (tmp_path / "tree" / "own.story").write_bytes(MESSY.encode())
    done = run("fmt", "tree", cwd=tmp_path)
    assert done.returncode == 2
    assert "tree/link.story: a link to a file outside tree; not rewritten" in done.stderr
    assert target.read_bytes() == MESSY.encode()
    assert (tmp_path / "tree" / "own.story").read_text() == CANONICAL
    named = run("fmt", "tree/link.story", cwd=tmp_path)
    assert named.returncode == 0, named.stderr
    assert (tmp_path / "tree" / "link.story").is_symlink()
    assert target.read_text() == CANONICAL


def _big_story(points: int) -> str:
    lines = "".join(f"  - Point number {i} of a long breakdown   \n" for i in range(points))
    return "Title  \n\nThe Breakdown\n\n" + lines


def test_fmt_never_writes_back_a_story_edited_while_it_runs(tmp_path: Path) -> None:
    path = tmp_path / "big.story"
    path.write_text(_big_story(60_000))
    edits = [
        storyfmt.dumps(storyfmt.loads(_big_story(60_000).replace("Title  ", title))).encode()
        for title in ("Edited title", "Edited again")
    ]
    status = path.stat()
    # An access time older than the modification time is updated by the next read,
    # which tells when fmt has read the file.
    os.utime(path, ns=(status.st_mtime_ns - 10**10, status.st_mtime_ns))
    first_access = path.stat().st_atime_ns
    process = subprocess.Popen(
        [str(COMMAND), "fmt", "big.story"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    written: list[bytes] = []

    def edit() -> None:
        while process.poll() is None and path.stat().st_atime_ns == first_access:
            time.sleep(0.001)
        while process.poll() is None:
            if written and path.read_bytes() != written[-1]:
                return  # someone else wrote the file: the last edit was lost
            data = edits[len(written) % 2]
            if len(written) % 2:
                path.write_bytes(data)  # in place, as a shell redirection does
            else:
                saved = tmp_path / "saved.tmp"
                saved.write_bytes(data)
                os.replace(saved, path)  # a new file, as an editor saves
            written.append(data)

    editor = threading.Thread(target=edit)
    editor.start()
    _, stderr = process.communicate(timeout=300)
    editor.join()
    assert written, "the story was never edited while fmt ran"
    assert path.read_bytes() == written[-1]
    assert process.returncode == 2
    assert "big.story: changed since it was read; not rewritten" in stderr.decode()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.story"]


# ---- fmt --diff and --check --------------------------------------------------


def test_fmt_diff_exits_one_when_a_file_would_change(tmp_path: Path) -> None:
    (tmp_path / "messy.story").write_bytes(MESSY.encode())
    (tmp_path / "canonical.story").write_text(CANONICAL)
    assert run("fmt", "--diff", "messy.story", cwd=tmp_path).returncode == 1
    unchanged = run("fmt", "--diff", "canonical.story", cwd=tmp_path)
    assert (unchanged.returncode, unchanged.stdout) == (0, "")


def _applies(diff: str, original: bytes, expected: bytes, folder: Path) -> None:
    """The diff, applied with ``patch`` to a copy of the original, gives ``expected``."""
    copy = folder / "copy"
    copy.mkdir()
    (copy / "x.story").write_bytes(original)
    patched = subprocess.run(
        ["patch", "-p0", "--quiet"],
        input=diff.encode(),
        cwd=copy,
        capture_output=True,
        check=False,
    )
    assert patched.returncode == 0, patched.stdout + patched.stderr
    assert (copy / "x.story").read_bytes() == expected


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs patch")
@pytest.mark.parametrize(
    "original",
    [
        b"\xef\xbb\xbf" + CANONICAL.encode(),
        CANONICAL.encode().rstrip(b"\n"),
        MESSY.encode(),
        b"Title\r\rStory Stats\r\rStatus\rActive",
    ],
    ids=["bom-only", "no-final-newline", "crlf", "lone-cr"],
)
def test_fmt_diff_is_a_patch_that_applies(tmp_path: Path, original: bytes) -> None:
    (tmp_path / "x.story").write_bytes(original)
    done = run("fmt", "--diff", "x.story", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout.startswith("--- x.story\n+++ x.story\n")
    assert run("fmt", "x.story", cwd=tmp_path).returncode == 0
    _applies(done.stdout, original, (tmp_path / "x.story").read_bytes(), tmp_path)


def test_fmt_diff_shows_a_byte_order_mark_and_a_missing_final_newline(tmp_path: Path) -> None:
    (tmp_path / "x.story").write_bytes(b"\xef\xbb\xbf" + CANONICAL.encode().rstrip(b"\n"))
    diff = run("fmt", "--diff", "x.story", cwd=tmp_path).stdout
    assert "-\ufeffTitle\n+Title\n" in diff
    assert diff.endswith("-Active\n\\ No newline at end of file\n+Active\n")


def test_fmt_check_and_diff_of_stdin_print_no_story(tmp_path: Path) -> None:
    check = run("fmt", "--check", "-", cwd=tmp_path, stdin=MESSY.encode())
    assert (check.returncode, check.stdout) == (1, "")
    assert "would reformat -" in check.stderr
    diff = run(
        "fmt", "--diff", "--stdin-filename", "x.story", "-", cwd=tmp_path, stdin=MESSY.encode()
    )
    assert diff.returncode == 1
    assert diff.stdout.startswith("--- x.story\n+++ x.story\n@@")
    assert "-  Active\r\n+Active\r\n" in diff.stdout
    quiet = run("fmt", "--check", "-", cwd=tmp_path, stdin=CANONICAL.encode())
    assert (quiet.returncode, quiet.stdout, quiet.stderr) == (0, "", "")


# ---- fmt: line endings -------------------------------------------------------


def test_fmt_keeps_a_canonical_crlf_file_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "x.story"
    path.write_bytes(CRLF_CANONICAL)
    os.utime(path, (1_000_000_000, 1_000_000_000))
    check = run("fmt", "--check", "x.story", cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert run("fmt", "--diff", "x.story", cwd=tmp_path).stdout == ""
    assert run("fmt", "x.story", cwd=tmp_path).returncode == 0
    assert path.read_bytes() == CRLF_CANONICAL
    assert path.stat().st_mtime == 1_000_000_000


def test_fmt_formats_a_crlf_file_with_crlf(tmp_path: Path) -> None:
    path = tmp_path / "x.story"
    path.write_bytes(MESSY.encode())
    assert run("fmt", "x.story", cwd=tmp_path).returncode == 0
    assert path.read_bytes() == CRLF_CANONICAL


def test_fmt_writes_lf_for_a_lone_cr_file(tmp_path: Path) -> None:
    path = tmp_path / "x.story"
    path.write_bytes(CANONICAL.replace("\n", "\r").encode())
    assert run("fmt", "x.story", cwd=tmp_path).returncode == 0
    assert path.read_bytes() == CANONICAL.encode()


def test_the_line_ending_setting_and_option(tmp_path: Path) -> None:
    path = tmp_path / "x.story"
    path.write_bytes(CRLF_CANONICAL)
    (tmp_path / "storyfmt.toml").write_text('line-ending = "lf"\n')
    assert run("fmt", "--check", "x.story", cwd=tmp_path).returncode == 1
    assert run("fmt", "x.story", cwd=tmp_path).returncode == 0
    assert path.read_bytes() == CANONICAL.encode()
    assert run("fmt", "--line-ending", "crlf", "x.story", cwd=tmp_path).returncode == 0
    assert path.read_bytes() == CRLF_CANONICAL
    stdin = run("fmt", "--line-ending", "crlf", "-", cwd=tmp_path, stdin=CANONICAL.encode())
    assert stdin.stdout.encode() == CRLF_CANONICAL


def test_a_wrong_line_ending_setting_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "storyfmt.toml").write_text('strict = true\nline-ending = "cr"\n')
    (tmp_path / "x.story").write_text(CANONICAL)
    done = run("fmt", "x.story", cwd=tmp_path)
    assert done.returncode == 2
    assert (
        f'{tmp_path / "storyfmt.toml"}:2: \'line-ending\' must be "auto", "lf" or "crlf"'
        in done.stderr
    )


def test_convert_to_text_writes_lf(tmp_path: Path) -> None:
    (tmp_path / "x.story").write_bytes(MESSY.encode())
    done = run("convert", "x.story", "--to", "text", "-o", "out.story", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out.story").read_bytes() == CANONICAL.encode()


# ---- convert: outputs that collide or overwrite inputs -------------------------


def test_convert_refuses_two_inputs_for_one_output(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    shutil.copy(CARD, tmp_path / "in" / "a.txt")
    (tmp_path / "in" / "a.story").write_text(CANONICAL)
    done = run("convert", "in/a.txt", "in/a.story", "--to", "json", "-o", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert (
        "in/a.story and in/a.txt would both be written to out/in/a.json; nothing was written"
        in done.stderr
    )
    assert not (tmp_path / "out").exists()


def test_convert_refuses_a_folder_walk_that_meets_two_names(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    shutil.copy(CARD, tmp_path / "in" / "a.txt")
    (tmp_path / "in" / "a.story").write_text(CANONICAL)
    (tmp_path / "storyfmt.toml").write_text('include = ["*.story", "*.txt"]\n')
    done = run("convert", "in", "--to", "yaml", "-o", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert "would both be written to out/a.yaml; nothing was written" in done.stderr
    assert not (tmp_path / "out").exists()


def _jsonl(*names: str) -> str:
    story = storyfmt.loads(CANONICAL).model_dump(mode="json")
    return "".join(json.dumps({"path": name, "story": story}) + "\n" for name in names)


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (
            ("a.txt", "b.txt", "a.txt"),
            "all.jsonl:1 and all.jsonl:3 would both be written to out/a.txt",
        ),
        (
            ("Card.txt", "card.txt"),
            "all.jsonl:1 and all.jsonl:2 would both be written to out/Card.txt"
            " and out/card.txt (one file where case is ignored)",
        ),
    ],
    ids=["same-path", "same-path-but-case"],
)
def test_convert_refuses_json_lines_records_for_one_output(
    tmp_path: Path, names: tuple[str, ...], message: str
) -> None:
    (tmp_path / "all.jsonl").write_text(_jsonl(*names))
    done = run("convert", "all.jsonl", "--to", "text", "-o", "out", cwd=tmp_path)
    assert done.returncode == 2
    assert f"{message}; nothing was written" in done.stderr
    assert not (tmp_path / "out").exists()


def test_convert_never_writes_over_its_input(tmp_path: Path) -> None:
    card = tmp_path / "card.txt"
    shutil.copy(CARD, card)
    (tmp_path / "alias.json").symlink_to(card)
    os.link(card, tmp_path / "copy.json")
    for output in ("card.txt", "alias.json", "copy.json", "./card.txt"):
        done = run("convert", "card.txt", "--to", "json", "-o", output, cwd=tmp_path)
        assert done.returncode == 2, output
        assert (
            f"card.txt would be written to {output}, which is the input card.txt;"
            " nothing was written" in done.stderr
        )
        assert card.read_bytes() == CARD.read_bytes()


def test_convert_to_text_into_the_input_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.story").write_bytes(MESSY.encode())
    (tmp_path / "in" / "b.story").write_text(CANONICAL)
    done = run("convert", "in", "--to", "text", "-o", "in", cwd=tmp_path)
    assert done.returncode == 2
    assert "which is the input in/a.story; nothing was written" in done.stderr
    assert (tmp_path / "in" / "a.story").read_bytes() == MESSY.encode()


def test_convert_reports_bad_json_lines_records_where_check_does(tmp_path: Path) -> None:
    bad = ['{"path": "b.story"}', '{"path": "c.story", "story": {"kind": "card", "title": 1}}']
    (tmp_path / "all.jsonl").write_text(_jsonl("a.story") + "\n".join([*bad, "not json"]) + "\n")
    done = run("convert", "all.jsonl", "--to", "text", "-o", "out", cwd=tmp_path)
    assert done.returncode == 1
    checked = run("check", "-q", "all.jsonl", cwd=tmp_path)
    errors = [line for line in checked.stdout.splitlines() if ": error[" in line]
    assert [line.split(" ")[0] for line in errors] == [
        "all.jsonl:2:1:",
        "all.jsonl:3:56:",
        "all.jsonl:4:2:",
    ]
    assert all(line in done.stderr for line in errors)
    assert sorted(path.name for path in (tmp_path / "out").iterdir()) == ["a.story"]


def test_convert_of_json_lines_onto_itself_is_refused(tmp_path: Path) -> None:
    (tmp_path / "all.jsonl").write_text(_jsonl("a.txt"))
    done = run("convert", "all.jsonl", "--to", "jsonl", "-o", "all.jsonl", cwd=tmp_path)
    assert done.returncode == 2
    assert "which is the input all.jsonl; nothing was written" in done.stderr
    assert (tmp_path / "all.jsonl").read_text() == _jsonl("a.txt")


@pytest.mark.parametrize(("name", "label"), [("x.md", "Markdown"), ("x.html", "HTML")])
def test_convert_cannot_read_output_formats(tmp_path: Path, name: str, label: str) -> None:
    (tmp_path / name).write_text("# Title\n")
    done = run("convert", name, "--to", "json", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == (
        f"storyfmt: error: {name}: {label} is an output format; storyfmt cannot read it"
        " (readable: text, json, yaml, jsonl)\n"
    )
