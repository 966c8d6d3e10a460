"""The built wheel, installed into a fresh virtual environment, reads both seeds."""

from __future__ import annotations

import importlib.metadata
import json
import os
import shutil
import subprocess
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, run_ok

from storyfmt import __version__
from storyfmt._codes import Rule

pytestmark = pytest.mark.slow


def test_wheel_ships_grammar_rules_page_and_type_marker(wheel: Path) -> None:
    archive = zipfile.ZipFile(wheel)
    names = archive.namelist()
    assert "storyfmt/grammar/story.lark" in names
    assert "storyfmt/py.typed" in names
    assert archive.read("storyfmt/docs/rules.md") == (ROOT / "docs" / "rules.md").read_bytes()
    assert not [name for name in names if name.startswith(("tests/", "grammar/", "docs/"))]


@pytest.fixture(scope="module")
def python(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The interpreter of a fresh virtual environment with the wheel installed."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    run_ok(python, "-m", "pip", "install", "--quiet", wheel)
    return python


def _command(python: Path) -> Path:
    return python.with_name("storyfmt" + (".exe" if os.name == "nt" else ""))


def test_installed_wheel_reads_the_seeds(python: Path, tmp_path: Path) -> None:
    script = (
        "import sys, storyfmt\n"
        "card = storyfmt.load(sys.argv[1]); brief = storyfmt.load(sys.argv[2])\n"
        "assert 'site-packages' in storyfmt.__file__, storyfmt.__file__\n"
        "print(card.kind, card.rank, len(card.further_learning), brief.kind)\n"
    )
    out = run_ok(
        python,
        "-c",
        script,
        CORPUS / "valid" / "seed-card.txt",
        CORPUS / "valid" / "seed-brief.txt",
        cwd=tmp_path,
    )
    assert out.split() == ["card", "20", "10", "brief"]
    # The rules' help comes from the rules page the wheel ships.
    command = _command(python)
    card = CORPUS / "valid" / "seed-card.txt"
    log = json.loads(run_ok(command, "check", "--output-format", "sarif", card, cwd=tmp_path))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == [rule.value for rule in Rule]
    assert rules[6]["help"]["markdown"].startswith("A line where the format allows none: ")


def test_the_version_is_the_same_everywhere(wheel: Path, python: Path, tmp_path: Path) -> None:
    # One place states it (storyfmt.__version__); the wheel's name and metadata,
    # the installed command, the installed metadata and SARIF all agree with it.
    metadata = zipfile.ZipFile(wheel).read(f"storyfmt-{__version__}.dist-info/METADATA")
    assert f"\nVersion: {__version__}\n" in metadata.decode("utf-8")
    assert wheel.name == f"storyfmt-{__version__}-py3-none-any.whl"
    assert run_ok(_command(python), "--version") == f"storyfmt {__version__}\n"
    installed = run_ok(python, "-c", "import importlib.metadata as m; print(m.version('storyfmt'))")
    assert installed == f"{__version__}\n"
    card = CORPUS / "valid" / "seed-card.txt"
    log = json.loads(
        run_ok(_command(python), "check", "--output-format", "sarif", card, cwd=tmp_path)
    )
    assert log["runs"][0]["tool"]["driver"]["version"] == __version__
    assert importlib.metadata.version("storyfmt") == __version__


def test_the_example_plugin_installed_beside_the_wheel_runs(python: Path, tmp_path: Path) -> None:
    plugin = tmp_path / "plugin"
    shutil.copytree(ROOT / "examples" / "plugin", plugin)
    run_ok(python, "-m", "pip", "install", "--quiet", plugin)
    project = tmp_path / "project"
    project.mkdir()
    (project / "storyfmt.toml").write_text(
        'select = ["SF5", "ACME"]\n\n[rules.banned-word]\nwords = ["summit"]\n'
    )
    (project / "summit.story").write_text("Japan Korea Summit.\nLeaders meet in Nara\n")
    command = _command(python)
    done = subprocess.run(
        [command, "check", "--output-format", "sarif", "."],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    run = json.loads(done.stdout)["runs"][0]
    (extension,) = run["tool"]["extensions"]
    assert extension["name"] == "acme-story-rules"
    assert [rule["id"] for rule in extension["rules"]] == ["ACME101", "ACME102"]
    placed = [
        (result["ruleId"], result["locations"][0]["physicalLocation"]["region"])
        for result in run["results"]
    ]
    assert placed == [
        ("ACME102", {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 20}),
        ("ACME101", {"startLine": 1, "startColumn": 13, "endLine": 1, "endColumn": 19}),
    ]
    text = run_ok(command, "check", ".", cwd=project)
    assert "summit.story:1:13: warning[ACME101] 'Summit' is a word the house bans" in text
    assert text.endswith("0 errors, 2 warnings in 1 of 1 file\n1 fixable with --fix\n")


def test_the_server_without_the_lsp_extra_says_how_to_get_it(python: Path) -> None:
    done = subprocess.run(
        [_command(python), "server"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith(
        "storyfmt: error: storyfmt server needs the lsp extra: pip install 'storyfmt[lsp]'"
    )
    assert "Traceback" not in done.stderr
