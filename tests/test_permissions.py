"""Inputs that cannot be read fail the command (exit 2) in every output format.

Permissions mean nothing to root, so under root the command runs as user
nobody, in a folder of its own under /tmp that nobody may enter. CI runs as
root: there, a machine where nobody cannot run the interpreter fails these
tests instead of skipping them (.ci/run makes the interpreter reachable).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from test_cli import BAD, CANONICAL, COMMAND

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.name == "nt", reason="POSIX permissions and users"),
]

NOBODY = 65534


def _as_reader() -> list[str]:
    """The command prefix that runs a program as a user without privileges."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv"):
        return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    return ["runuser", "-u", "nobody", "--"]


def storyfmt(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed command as a user that permissions apply to."""
    done = subprocess.run(
        [*_as_reader(), str(COMMAND), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(cwd)},
        timeout=300,
        check=False,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


@pytest.fixture(scope="module")
def reader() -> None:
    """Skip (fail in CI) when the user without privileges cannot run the command."""
    if not _as_reader():
        return
    done = subprocess.run(
        [*_as_reader(), str(COMMAND), "--version"], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        reason = (
            f"user nobody cannot run {COMMAND} ({done.stderr.strip()}); make the folders"
            " of the interpreter traversable, as .ci/run does"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


class Folder:
    """A folder under /tmp that nobody may enter, and a way to close folders and files in it."""

    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(dir="/tmp", prefix="storyfmt-"))
        self.path.chmod(0o755)
        self.closed: list[Path] = []

    def close(self, path: Path) -> Path:
        """Take every permission off a file or folder (given back before removal)."""
        path.chmod(0)
        self.closed.append(path)
        return path


@pytest.fixture
def folder(reader: None) -> Iterator[Folder]:
    made = Folder()
    try:
        yield made
    finally:
        for path in made.closed:
            path.chmod(0o755)
        shutil.rmtree(made.path)


def _with_a_closed_folder(folder: Folder) -> Path:
    """A good story beside a folder that cannot be read, holding an invalid story."""
    (folder.path / "good.story").write_text(CANONICAL)
    (folder.path / "closed").mkdir()
    (folder.path / "closed" / "bad.story").write_text(BAD)
    folder.close(folder.path / "closed")
    return folder.path


REASON = "cannot read the folder: Permission denied"


def test_an_unreadable_folder_fails_the_text_output(folder: Folder) -> None:
    done = storyfmt("check", ".", cwd=_with_a_closed_folder(folder))
    assert done.returncode == 2
    assert done.stdout == "No problems in 1 file; 1 path could not be read\n"
    assert done.stderr == f"storyfmt: error: closed: {REASON}\n"


def test_an_unreadable_folder_fails_the_json_output(folder: Folder) -> None:
    done = storyfmt("check", "--output-format", "json", ".", cwd=_with_a_closed_folder(folder))
    assert done.returncode == 2
    document = json.loads(done.stdout)
    assert document["failures"] == [{"path": "closed", "reason": REASON}]
    assert document["summary"]["unreadable"] == 1
    assert document["summary"]["files"] == 1


def test_an_unreadable_folder_fails_the_github_output(folder: Folder) -> None:
    done = storyfmt("check", "--output-format", "github", ".", cwd=_with_a_closed_folder(folder))
    assert done.returncode == 2
    assert done.stdout.splitlines()[0] == f"::error file=closed,title=unreadable::{REASON}"


def test_an_unreadable_folder_fails_the_junit_output(folder: Folder) -> None:
    done = storyfmt("check", "--output-format", "junit", ".", cwd=_with_a_closed_folder(folder))
    assert done.returncode == 2
    suite = ElementTree.fromstring(done.stdout).find("testsuite")
    assert suite is not None
    assert suite.get("errors") == "1"
    errors = [(case.get("name"), case.find("error")) for case in suite.iter("testcase")]
    assert [(name, error.get("message")) for name, error in errors if error is not None] == [
        ("closed", REASON)
    ]


def test_an_unreadable_folder_named_says_permission_denied(folder: Folder) -> None:
    done = storyfmt("check", "closed", cwd=_with_a_closed_folder(folder))
    assert (done.returncode, done.stdout) == (2, "1 path could not be read\n")
    assert done.stderr == f"storyfmt: error: closed: {REASON}\n"


def test_fmt_fails_on_an_unreadable_folder(folder: Folder) -> None:
    done = storyfmt("fmt", ".", cwd=_with_a_closed_folder(folder))
    assert done.returncode == 2
    assert f"storyfmt: error: closed: {REASON}" in done.stderr.splitlines()


def test_an_unreadable_file_fails_in_a_folder_and_named(folder: Folder) -> None:
    (folder.path / "good.story").write_text(CANONICAL)
    (folder.path / "locked.story").write_text(BAD)
    folder.close(folder.path / "locked.story")
    for paths in (["."], ["locked.story", "good.story"]):
        done = storyfmt("check", *paths, cwd=folder.path)
        assert done.returncode == 2
        assert done.stderr == "storyfmt: error: locked.story: cannot read: Permission denied\n"
        assert done.stdout == "No problems in 1 file; 1 path could not be read\n"
