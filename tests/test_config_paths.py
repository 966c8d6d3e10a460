"""Configuration by path: the nearest configuration file, ``extend``,
``per-file-ignores`` and ``--show-settings``, on a monorepo, through the command."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest
from test_cli import run

from storyfmt._config import ConfigError, read_config

pytestmark = pytest.mark.slow

# A story with three warnings: SF501 (status), SF502 (leaning), SF503 (question).
WARNED = (
    "Title\n\nStory Stats\n\nStatus\nPending\nPolitical leaning\nFar Left\n\n"
    "Further Learning\n\nThe key issues\n\nHistory and territory.\n"
)
ROOT_CONFIG = """\
[project]
name = "newsroom"

[tool.ruff]
ignore = ["E501"]

[tool.storyfmt]
exclude = ["scratch"]
ignore = ["SF503"]

[tool.storyfmt.per-file-ignores]
"drafts/**" = ["SF5"]
"""
WEB_CONFIG = """\
extend = "../../pyproject.toml"
ignore = ["SF502"]

[per-file-ignores]
"legacy/*.story" = ["SF501"]
"""
API_CONFIG = """\
include = ["*.story", "briefs/*.txt"]
strict = true
line-ending = "crlf"
per-file-ignores = { "*_draft.story" = ["SF501"] }
"""
FILES = [
    "top.story",
    "drafts/d.story",
    "drafts/2026/d.story",
    "scratch/s.story",
    "apps/web/a.story",
    "apps/web/drafts/d.story",
    "apps/web/legacy/old.story",
    "apps/web/legacy/2019/older.story",
    "apps/web/scratch/s.story",
    "apps/api/x.story",
    "apps/api/x_draft.story",
    "apps/api/briefs/b.txt",
    "apps/api/scratch/s.story",
    "apps/api/v2/deep/y.story",
]
# What `storyfmt check .` at the root reports in each file.
FROM_ROOT = {
    # the root: ignore SF503; drafts/** ignores every warning; scratch excluded
    "top.story": ["SF501", "SF502"],
    # web extends the root: ignore adds SF502 to SF503; its per-file-ignores
    # replace the root's (drafts are checked); legacy/*.story spans folders
    "apps/web/a.story": ["SF501"],
    "apps/web/drafts/d.story": ["SF501"],
    # api stands alone: no exclude, no ignore; its own include and per-file-ignores
    "apps/api/briefs/b.txt": ["SF501", "SF502", "SF503"],
    "apps/api/scratch/s.story": ["SF501", "SF502", "SF503"],
    "apps/api/v2/deep/y.story": ["SF501", "SF502", "SF503"],
    "apps/api/x.story": ["SF501", "SF502", "SF503"],
    "apps/api/x_draft.story": ["SF502", "SF503"],
}
CHECKED_FROM_ROOT = 12  # all but the two scratch folders that the root and web exclude


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    """A repository with a root configuration, a subproject extending it and one
    that stands alone, each with per-file-ignores, and stories at several depths."""
    root = tmp_path / "newsroom"
    for name in FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(WARNED.replace("Title", name))
    (root / "pyproject.toml").write_text(ROOT_CONFIG)
    (root / "apps" / "web" / "storyfmt.toml").write_text(WEB_CONFIG)
    (root / "apps" / "api" / "storyfmt.toml").write_text(API_CONFIG)
    return root


def _found(done: subprocess.CompletedProcess[str]) -> dict[str, list[str]]:
    """The codes a ``--output-format json`` run reported, by file."""
    found: dict[str, list[str]] = {}
    for item in json.loads(done.stdout)["diagnostics"]:
        found.setdefault(item["path"], []).append(item["code"])
    return found


def _check(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run("check", "--output-format", "json", *args, cwd=cwd)


def test_each_file_is_checked_under_its_nearest_configuration(monorepo: Path) -> None:
    done = _check(monorepo, ".")
    assert done.returncode == 1, done.stderr  # api is strict, and has warnings
    assert _found(done) == FROM_ROOT
    assert json.loads(done.stdout)["summary"]["files"] == CHECKED_FROM_ROOT


def test_from_a_subfolder_the_same_files_get_the_same_settings(monorepo: Path) -> None:
    web = monorepo / "apps" / "web"
    done = _check(web, ".")
    assert (done.returncode, _found(done)) == (
        0,
        {"a.story": ["SF501"], "drafts/d.story": ["SF501"]},
    )
    # Below web, with no configuration file of its own: web's, then the root's.
    legacy = _check(web / "legacy", ".", "../a.story", "../../../top.story")
    assert (legacy.returncode, _found(legacy)) == (
        0,
        {"../a.story": ["SF501"], "../../../top.story": ["SF501", "SF502"]},
    )
    api = _check(monorepo / "apps", "api/x_draft.story", "web/legacy/old.story")
    assert (api.returncode, _found(api)) == (1, {"api/x_draft.story": ["SF502", "SF503"]})


def test_a_configuration_given_with_config_applies_to_every_file(monorepo: Path) -> None:
    done = _check(monorepo, "--config", "pyproject.toml", "apps")
    # The root's settings everywhere: api's briefs are not taken, every scratch is
    # excluded, web's legacy files are not spared, and nothing is strict.
    assert done.returncode == 0
    assert _found(done) == {
        path: ["SF501", "SF502"]
        for path in (
            "apps/api/v2/deep/y.story",
            "apps/api/x.story",
            "apps/api/x_draft.story",
            "apps/web/a.story",
            "apps/web/drafts/d.story",
            "apps/web/legacy/2019/older.story",
            "apps/web/legacy/old.story",
        )
    }
    isolated = _check(monorepo, "--isolated", "apps/web")
    assert set(_found(isolated)["apps/web/legacy/old.story"]) == {"SF501", "SF502", "SF503"}


def test_command_line_options_override_every_files_configuration(monorepo: Path) -> None:
    done = _check(monorepo, "--ignore", "SF501", "--strict", ".")
    assert done.returncode == 1  # the root's and web's warnings fail too now
    assert _found(done) == {
        path: [code for code in codes if code != "SF501"]
        for path, codes in FROM_ROOT.items()
        if codes != ["SF501"]
    }
    selected = _check(monorepo, "--select", "SF503", ".")
    # --select replaces each file's select; each file's ignore still holds
    assert set(_found(selected)) == {path for path in FROM_ROOT if path.startswith("apps/api")}


def test_force_exclude_selects_each_named_file_by_its_own_configuration(monorepo: Path) -> None:
    # As pre-commit passes staged files: every .story and .txt, from the root.
    (monorepo / "apps" / "web" / "notes.txt").write_text(WARNED)
    staged = [*FILES, "apps/web/notes.txt"]
    done = _check(monorepo, "--force-exclude", *staged)
    assert _found(done) == FROM_ROOT
    assert json.loads(done.stdout)["summary"]["files"] == CHECKED_FROM_ROOT


def test_strict_is_each_files_own(monorepo: Path) -> None:
    done = run("check", "--output-format", "junit", ".", cwd=monorepo)
    assert done.returncode == 1
    cases = {
        case.get("name"): case.find("failure") is not None
        for case in ElementTree.fromstring(done.stdout).iter("testcase")
    }
    assert cases["apps/api/x.story"]
    assert not cases["top.story"]
    assert not cases["apps/web/a.story"]
    web = run("check", "-q", "apps/web", cwd=monorepo)
    assert web.returncode == 0


def test_fmt_writes_each_file_with_its_own_line_ending(monorepo: Path) -> None:
    done = run("fmt", ".", cwd=monorepo)
    assert done.returncode == 0, done.stderr
    assert b"\r\n" in (monorepo / "apps" / "api" / "x.story").read_bytes()
    assert b"\r\n" in (monorepo / "apps" / "api" / "briefs" / "b.txt").read_bytes()
    assert b"\r" not in (monorepo / "apps" / "web" / "a.story").read_bytes()
    assert b"\r" not in (monorepo / "top.story").read_bytes()


def test_fix_leaves_what_each_files_configuration_ignores(monorepo: Path) -> None:
    api = monorepo / "apps" / "api" / "storyfmt.toml"
    api.write_text(API_CONFIG.replace('"*_draft.story" = ["SF501"]', '"*_draft.story" = ["SF503"]'))
    done = run("check", "--fix", "--unsafe-fixes", "-q", ".", cwd=monorepo)
    # The question mark (SF503) is ignored by the root, by web through extend,
    # and by api's per-file-ignores in its drafts: only api's other files get it.
    fixed = {name for name in FILES if "The key issues?" in (monorepo / name).read_text()}
    assert fixed == {
        "apps/api/briefs/b.txt",
        "apps/api/scratch/s.story",
        "apps/api/v2/deep/y.story",
        "apps/api/x.story",
    }
    assert done.stderr == "fixed 4 problems in 4 files\n"
    assert done.returncode == 1  # api's other warnings, under its strict


def test_docs_url_is_a_setting_of_the_output_from_the_current_folder(monorepo: Path) -> None:
    api = monorepo / "apps" / "api"
    (api / "storyfmt.toml").write_text(API_CONFIG + 'docs-url = "https://docs.example.org/api"\n')
    from_root = run("check", "apps/api/x.story", cwd=monorepo)
    assert " = help: https://storyfmt.readthedocs.io/en/latest/rules/#sf501" in from_root.stdout
    inside = run("check", "x.story", cwd=api)
    assert " = help: https://docs.example.org/api/rules/#sf501" in inside.stdout


def test_show_settings_tells_where_each_setting_comes_from(monorepo: Path) -> None:
    web = monorepo / "apps" / "web"
    done = run("check", "--show-settings", "--ignore", "SF5", "legacy/2019/older.story", cwd=web)
    assert (done.returncode, done.stderr) == (0, "")
    heading, *lines = done.stdout.splitlines()
    assert heading == "Settings of legacy/2019/older.story:"
    config, root = web / "storyfmt.toml", monorepo / "pyproject.toml"
    # The lines of [tool.storyfmt], not those of [tool.ruff] before it.
    settings = [line.split("  # ") for line in lines]
    assert [(setting.rstrip(), origin) for setting, origin in settings] == [
        (f'  config-file = "{config}"', "the nearest"),
        (f'  extends = ["{root}"]', f"{config}:1"),
        ('  include = ["*.story"]', "default"),
        ('  exclude = ["scratch"]', f"{root}:8"),
        ("  select = []", "default"),
        ("  extend-select = []", "default"),
        ('  ignore = ["SF503", "SF502", "SF5"]', f"{root}:9, {config}:2, --ignore"),
        ('  per-file-ignores = { "legacy/*.story" = ["SF501"] }', f"{config}:4"),
        ("  severity = {}", "default"),
        ("  strict = false", "default"),
        ('  line-ending = "auto"', "default"),
        ('  docs-url = "https://storyfmt.readthedocs.io/en/latest/"', "default"),
        ("  rule-timeout = 10.0", "default"),
        (
            '  vocabulary = { status = ["Active"], political-leaning = ["Left", "Lean Left",'
            ' "Center", "Neutral", "Lean Right", "Right"] }',
            "default",
        ),
        ("  rules = {}", "default"),
        ('  ignored-here = ["SF501"]', 'per-file-ignores "legacy/*.story"'),
    ]
    # one column for the origins
    assert len({line.index("  # ") for line in lines}) == 1


def test_show_settings_of_several_paths_checks_nothing(monorepo: Path) -> None:
    (monorepo / "apps" / "api" / "broken.story").write_text(
        "Title\n\nStory Stats\n\nVirality\nhigh\n"
    )
    done = run("check", "--show-settings", "apps/api/broken.story", "apps", cwd=monorepo)
    assert (done.returncode, done.stderr) == (0, "")
    first, second = done.stdout.split("\n\n")
    assert first.startswith("Settings of apps/api/broken.story:\n")
    assert "  strict = true " in first
    assert "  ignored-here = []  " in first
    assert first.endswith("# no per-file-ignores glob matches")
    # A folder: the settings of the files in it, with the root's configuration.
    assert second.startswith("Settings of the files in apps:\n")
    assert f'config-file = "{monorepo / "pyproject.toml"}"' in second
    assert "ignored-here" not in second
    isolated = run("check", "--show-settings", "--isolated", "top.story", cwd=monorepo)
    assert "  config-file = none  " in isolated.stdout
    assert isolated.stdout.count("# default") == 14  # all but config-file and ignored-here
    missing = run("check", "--show-settings", "nowhere.story", cwd=monorepo)
    assert (missing.returncode, missing.stderr) == (
        2,
        "storyfmt: error: nowhere.story: no such file or folder\n",
    )


def test_an_extend_cycle_is_a_configuration_error(monorepo: Path) -> None:
    api = monorepo / "apps" / "api" / "storyfmt.toml"
    web = monorepo / "apps" / "web" / "storyfmt.toml"
    api.write_text('strict = true\nextend = "../web/storyfmt.toml"\n')
    web.write_text('extend = "../api/storyfmt.toml"\n')
    done = run("check", ".", cwd=monorepo)
    assert (done.returncode, done.stdout) == (2, "")
    # api is read first (a folder search goes in name order); web's extend closes the cycle
    assert done.stderr == (
        f"storyfmt: error: {web}:1: 'extend' makes a cycle: {api} -> {web} -> {api}\n"
    )
    web.write_text('extend = "storyfmt.toml"\n')
    itself = run("check", "apps/web", cwd=monorepo)
    assert itself.stderr == f"storyfmt: error: {web}:1: 'extend' makes a cycle: {web} -> {web}\n"


@pytest.mark.parametrize(
    ("extend", "message"),
    [
        ('"../base.toml"', "'extend': no such configuration file: {apps}/base.toml"),
        ('"../api"', "'extend': no such configuration file: {apps}/api"),
        ('"../../README.md/x.toml"', "'extend': no such configuration file: "),
        ("3", "'extend' must be the path of a configuration file"),
    ],
)
def test_an_extend_that_leads_nowhere_is_a_configuration_error(
    monorepo: Path, extend: str, message: str
) -> None:
    web = monorepo / "apps" / "web" / "storyfmt.toml"
    web.write_text(f"strict = false\n\nextend = {extend}\n")
    done = run("check", "apps/web/a.story", cwd=monorepo)
    assert (done.returncode, done.stdout) == (2, "")
    expected = f"storyfmt: error: {web}:3: " + message.format(apps=monorepo / "apps")
    assert done.stderr.startswith(expected), done.stderr
    assert done.stderr.count("\n") == 1


def test_extending_a_pyproject_without_the_table_is_an_error(monorepo: Path) -> None:
    (monorepo / "pyproject.toml").write_text('[project]\nname = "newsroom"\n')
    done = run("check", "apps/web", cwd=monorepo)
    web = monorepo / "apps" / "web" / "storyfmt.toml"
    assert (done.returncode, done.stderr) == (
        2,
        f"storyfmt: error: {web}:1: 'extend': {monorepo / 'pyproject.toml'}"
        " has no [tool.storyfmt] table\n",
    )


@pytest.mark.parametrize(
    ("table", "line", "message"),
    [
        ('[per-file-ignores]\n"a/*" = ["SF5"]\n"b/*" = ["SF301"]\n', 3,
         "'per-file-ignores' 'b/*': 'SF301' covers error SF301; errors cannot be ignored"),
        ('[per-file-ignores]\n"a/*" = ["SF"]\n', 2,
         "'per-file-ignores' 'a/*': 'SF' covers error SF100"),
        ('[per-file-ignores]\n"a/*" = ["XX1"]\n', 2, "'per-file-ignores' 'a/*': unknown rule code"),
        ('\nper-file-ignores = { "a/*" = "SF501" }\n', 2,
         "'per-file-ignores' 'a/*' must be a list of strings"),
        ('strict = true\nper-file-ignores = ["SF501"]\n', 2,
         "'per-file-ignores' must be a table of globs and codes"),
    ],
)  # fmt: skip
def test_bad_per_file_ignores_name_their_file_and_line(
    monorepo: Path, table: str, line: int, message: str
) -> None:
    api = monorepo / "apps" / "api" / "storyfmt.toml"
    api.write_text(table)
    done = run("check", ".", cwd=monorepo)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(f"storyfmt: error: {api}:{line}: {message}"), done.stderr


def test_a_configuration_error_under_the_root_stops_a_run_from_the_root(monorepo: Path) -> None:
    (monorepo / "apps" / "web" / "storyfmt.toml").write_text("strictness = true\n")
    done = run("check", ".", cwd=monorepo)
    assert done.returncode == 2
    assert "apps/web/storyfmt.toml:1: unknown key 'strictness'" in done.stderr
    # A subproject that does not reach the broken file is not stopped by it.
    assert run("check", "-q", ".", cwd=monorepo / "apps" / "api").returncode == 1


def test_many_files_in_parallel_get_their_own_configurations(monorepo: Path) -> None:
    for folder in ("", "drafts/2026", "apps/web/legacy/2019", "apps/api/v2/deep", "apps/web"):
        for number in range(20):
            (monorepo / folder / f"many-{number:02d}.story").write_text(WARNED)
    serial = run("check", "--jobs", "1", "-q", ".", cwd=monorepo)
    parallel = run("check", "--jobs", "2", "-q", ".", cwd=monorepo)
    assert serial.returncode == parallel.returncode == 1
    assert serial.stdout == parallel.stdout
    # Of the hundred more, the root's keep SF501 and SF502, web's SF501, api's all
    # three; in drafts and legacy, none is left.
    assert serial.stdout.splitlines()[-1] == "0 errors, 138 warnings in 68 of 112 files"


def test_extend_combines_settings_as_ruff_does(tmp_path: Path) -> None:
    (tmp_path / "base.toml").write_text(
        'select = ["SF50"]\nignore = ["SF501"]\nstrict = true\ninclude = ["*.txt"]\n'
    )
    (tmp_path / "adds.toml").write_text('extend = "base.toml"\nignore = ["SF502"]\n')
    (tmp_path / "restarts.toml").write_text('extend = "adds.toml"\nselect = ["SF5"]\n')
    adds = read_config(tmp_path / "adds.toml")
    restarts = read_config(tmp_path / "restarts.toml")
    assert adds is not None
    assert restarts is not None
    # ignore adds to the base's; every other setting is the base's unless given
    assert (adds.select, adds.ignore, adds.strict, adds.include) == (
        ("SF50",),
        ("SF501", "SF502"),
        True,
        ("*.txt",),
    )
    # select given anew starts the selection afresh: the ignores before it go
    assert (restarts.select, restarts.ignore, restarts.strict) == (("SF5",), (), True)
    assert restarts.extends == (tmp_path / "adds.toml", tmp_path / "base.toml")
    assert [str(origin) for origin in adds.origins["ignore"]] == [
        f"{tmp_path / 'base.toml'}:2",
        f"{tmp_path / 'adds.toml'}:2",
    ]
    (tmp_path / "base.toml").write_text('strict = "yes"\n')
    with pytest.raises(ConfigError, match=r"base\.toml:1: 'strict' must be true or false"):
        read_config(tmp_path / "restarts.toml")


def test_a_byte_order_mark_is_no_part_of_the_toml(tmp_path: Path) -> None:
    (tmp_path / "storyfmt.toml").write_bytes(b"\xef\xbb\xbfstrict = true\n")
    config = read_config(tmp_path / "storyfmt.toml")
    assert config is not None
    assert config.strict is True


def test_invalid_toml_is_placed_at_its_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "storyfmt.toml").write_text("[x]\nstrict = tru\n")
    with pytest.raises(ConfigError) as raised:
        read_config(tmp_path / "storyfmt.toml")
    assert str(raised.value) == f"{tmp_path / 'storyfmt.toml'}:2:10: invalid TOML: Invalid value"


def test_patterns_from_an_extended_file_are_relative_to_that_file(tmp_path: Path) -> None:
    (tmp_path / "base.toml").write_text('exclude = ["/project/old"]\n')
    project = tmp_path / "project"
    for name in ("a.story", "old/b.story"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(WARNED)
    (project / "storyfmt.toml").write_text(
        'extend = "../base.toml"\n[per-file-ignores]\n"/a.story" = ["SF5"]\n'
    )
    done = run("check", ".", cwd=project)
    assert (done.returncode, done.stdout) == (0, "No problems in 1 file\n")
