"""The GitHub Action, ``action.yml``, run as a runner runs a composite action: each
``run:`` step with bash as ``shell: bash`` runs it, in a workspace, with the
variables and the files a runner sets, and the inputs passed only as the action
passes them (through ``env:``). A ``uses:`` step is not run: its inputs are
recorded, as the action gives them."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT, run_ok
from test_cli import BAD
from test_sarif import schema_errors

from storyfmt import __version__

pytestmark = pytest.mark.slow

ACTION: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
_EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)
# The part of the expression language the action may use: strings, comparisons,
# ! && ||, parentheses, the status functions, and names of the contexts below.
_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<op>&&|\|\||==|!=|!|\(|\))"
    r"|(?P<call>(?:success|failure|cancelled|always)\(\))|(?P<name>[A-Za-z_][\w.-]*))"
)


@dataclass
class Step:
    """What one step of the action did."""

    id: str | None
    outcome: str  # success, failure or skipped
    status: int | None = None
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, str] = field(default_factory=dict)  # of a `uses:` step


@dataclass
class Run:
    """A run of the action: its steps in order, and its outputs."""

    steps: list[Step]
    outputs: dict[str, str]

    def step(self, step_id: str) -> Step:
        (found,) = [step for step in self.steps if step.id == step_id]
        return found

    @property
    def uploads(self) -> list[Step]:
        """The steps that upload to code scanning and ran."""
        return [
            step
            for step, spec in zip(self.steps, STEPS, strict=True)
            if spec.get("uses", "").startswith("github/codeql-action/upload-sarif@")
            and step.outcome == "success"
        ]


def _file_commands(path: Path) -> dict[str, str]:
    """The ``NAME=value`` and ``NAME<<DELIMITER`` lines a step wrote to a file
    such as ``$GITHUB_OUTPUT``."""
    values: dict[str, str] = {}
    lines = iter(path.read_text("utf-8").splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body = []
            for each in lines:
                if each == delimiter:
                    break
                body.append(each)
            values[name] = "\n".join(body)
        elif line:
            name, value = line.split("=", 1)
            values[name] = value
    return values


class Runner:
    """A runner's job around the action: the workspace (the repository checked
    out), the runner's temporary folder, and the environment a runner gives a
    step of a composite action."""

    def __init__(self, root: Path, env: Mapping[str, str] = {}) -> None:
        self.workspace = root / "workspace"
        self.temp = root / "runner-temp"
        self.workspace.mkdir()
        self.temp.mkdir()
        inherited = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("GITHUB_", "RUNNER_", "INPUT_", "STORYFMT_"))
        }
        self.env = {
            **inherited,
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_ACTION_PATH": str(ROOT),
            "GITHUB_ACTION_REPOSITORY": "storyfmt/storyfmt",
            "RUNNER_TEMP": str(self.temp),
            "RUNNER_OS": "Linux",
            **env,
        }
        self.paths: list[str] = []

    def run(self, inputs: Mapping[str, str] = {}) -> Run:
        """Run the action with these inputs, as ``with:`` gives them."""
        declared = ACTION["inputs"]
        assert set(inputs) <= set(declared), (
            f"inputs the action lacks: {set(inputs) - set(declared)}"
        )
        context: dict[str, Any] = {
            "inputs": {},
            "steps": {},
            "github": {"action_path": str(ROOT), "workspace": str(self.workspace)},
            "runner": {"temp": str(self.temp), "os": "Linux"},
        }
        for name, spec in declared.items():
            value = inputs.get(name, spec.get("default", ""))
            context["inputs"][name] = self._substitute(str(value), context, failed=False)
        steps: list[Step] = []
        failed = False
        for number, spec in enumerate(STEPS):
            condition = spec.get("if", "success()")
            condition = condition.strip()
            if condition.startswith("${{"):
                condition = _EXPRESSION.fullmatch(condition)[1]  # type: ignore[index]
            if not _evaluate(condition, context, failed=failed):
                steps.append(Step(spec.get("id"), "skipped"))
                continue
            if "uses" in spec:
                given = {
                    name: self._substitute(str(value), context, failed=failed)
                    for name, value in spec.get("with", {}).items()
                }
                steps.append(Step(spec.get("id"), "success", inputs=given))
                continue
            step = self._run_script(number, spec, context, failed=failed)
            failed = failed or step.outcome == "failure"
            steps.append(step)
            if step.id is not None:
                context["steps"][step.id] = {"outputs": step.outputs, "outcome": step.outcome}
        outputs = {
            name: self._substitute(spec["value"], context, failed=failed)
            for name, spec in ACTION["outputs"].items()
        }
        return Run(steps, outputs)

    def _substitute(self, text: str, context: dict[str, Any], *, failed: bool) -> str:
        def value(match: re.Match[str]) -> str:
            found = _evaluate(match[1], context, failed=failed)
            return str(found).lower() if isinstance(found, bool) else str(found)

        return _EXPRESSION.sub(value, text)

    def _run_script(
        self, number: int, spec: dict[str, Any], context: dict[str, Any], *, failed: bool
    ) -> Step:
        assert spec["shell"] == "bash"
        commands = self.temp / "_runner_file_commands"
        commands.mkdir(exist_ok=True)
        files = {
            name: commands / f"{name.lower()}_{number}"
            for name in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY")
        }
        for path in files.values():
            path.write_text("")
        script = self.temp / f"step_{number}.sh"
        script.write_text(spec["run"])
        env = {
            **self.env,
            **{name: str(path) for name, path in files.items()},
            **{
                name: self._substitute(str(value), context, failed=failed)
                for name, value in spec.get("env", {}).items()
            },
        }
        env["PATH"] = os.pathsep.join([*reversed(self.paths), env.get("PATH", "")])
        # What a runner runs for `shell: bash`.
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
        self.env.update(_file_commands(files["GITHUB_ENV"]))
        self.paths.extend(files["GITHUB_PATH"].read_text("utf-8").splitlines())
        return Step(
            spec.get("id"),
            "success" if done.returncode == 0 else "failure",
            done.returncode,
            done.stdout,
            done.stderr,
            _file_commands(files["GITHUB_OUTPUT"]),
        )


def _lookup(name: str, context: dict[str, Any]) -> Any:
    found: Any = context
    for part in name.split("."):
        assert isinstance(found, dict), f"no {name} in the contexts"
        if part not in found and found is not context:
            return ""  # as GitHub gives a missing property: null, which is ''
        assert part in found, f"the context {part!r} is not one a runner gives a composite step"
        found = found[part]
    return found


def _evaluate(expression: str, context: dict[str, Any], *, failed: bool) -> Any:
    """An expression of the action, evaluated as GitHub would (no job is cancelled)."""
    functions = {"success": not failed, "failure": failed, "cancelled": False, "always": True}
    python = []
    expression = expression.strip()
    position = 0
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        assert match is not None, f"an expression the tests cannot read: {expression!r}"
        position = match.end()
        if match["string"] is not None:
            python.append(repr(match["string"][1:-1].replace("''", "'")))
        elif match["op"] is not None:
            python.append({"&&": " and ", "||": " or ", "!": " not "}.get(match["op"], match["op"]))
        elif match["call"] is not None:
            python.append(repr(functions[match["call"][:-2]]))
        else:
            python.append(repr(_lookup(match["name"], context)))
    return eval("".join(python), {"__builtins__": {}})


def test_the_action_is_a_composite_action_of_bash_steps() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert {"name", "description", "author", "branding", "inputs", "outputs"} <= set(ACTION)
    for name, spec in ACTION["inputs"].items():
        assert spec["description"], name
        assert isinstance(spec.get("default"), str), name
    text = (ROOT / "action.yml").read_text("utf-8")
    used_inputs = set(re.findall(r"\binputs\.([\w-]+)", text))
    assert used_inputs == set(ACTION["inputs"]), "an input is used but not declared, or unused"
    earlier: dict[str, str] = {}
    for spec in STEPS:
        assert spec["name"]
        if "run" in spec:
            assert spec["shell"] == "bash", spec["name"]
            # Inputs and outputs reach a script only through env: never as shell code.
            assert "${{" not in spec["run"], spec["name"]
            for value in spec.get("env", {}).values():
                assert _EXPRESSION.fullmatch(value.strip()), value
        else:
            assert re.fullmatch(r"[\w-]+/[\w-]+(/[\w-]+)*@v\d+", spec["uses"]), spec["uses"]
        for step_id, output in re.findall(r"\bsteps\.([\w-]+)\.outputs\.([\w-]+)", str(spec)):
            assert f'echo "{output}=' in earlier[step_id], f"{step_id} writes no {output}"
        if "id" in spec:
            earlier[spec["id"]] = spec.get("run", "")
    for spec in ACTION["outputs"].values():
        for step_id, output in re.findall(r"\bsteps\.([\w-]+)\.outputs\.([\w-]+)", spec["value"]):
            assert f'echo "{output}=' in earlier[step_id]


@pytest.fixture(scope="module")
def wheelhouse(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of storyfmt's wheel, the example plugin's and their dependencies'."""
    house = tmp_path_factory.mktemp("wheelhouse")
    plugin = ROOT / "examples" / "plugin"
    run_ok(sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir", house, wheel, plugin)
    return house


@pytest.fixture
def runner(tmp_path: Path, wheelhouse: Path) -> Runner:
    """A runner whose pip installs from the wheelhouse only, and whose workspace
    holds the examples and a broken story whose name has a space."""
    runner = Runner(tmp_path, {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse)})
    shutil.copytree(ROOT / "examples", runner.workspace / "examples")
    (runner.workspace / "stories").mkdir()
    (runner.workspace / "stories" / "bad story.story").write_text(BAD)
    return runner


def _annotations(step: Step) -> list[str]:
    return [line for line in step.stdout.splitlines() if line.startswith("::")]


def test_by_default_the_action_installs_its_own_version(runner: Runner) -> None:
    # The wheelhouse holds the one storyfmt: the version the action asks for is
    # the one storyfmt states.
    done = runner.run({"src": "examples"})
    install, check, upload = done.steps
    assert install.outcome == "success", install.stderr
    assert install.stdout == f"Installed storyfmt {__version__}\n"
    assert done.outputs["version"] == __version__ == importlib.metadata.version("storyfmt")
    # In a virtual environment of the runner's temporary folder, not the job's Python.
    assert install.outputs["storyfmt"] == str(runner.temp / "storyfmt-action" / "bin" / "storyfmt")
    assert (check.outcome, check.status, _annotations(check)) == ("success", 0, [])
    assert upload.outcome == "skipped"
    assert done.outputs["sarif-file"] == ""


def test_the_problems_are_annotations_and_an_error_fails_the_step(
    runner: Runner, wheel: Path
) -> None:
    done = runner.run({"version": str(wheel), "src": 'examples "stories/bad story.story"'})
    install, check, upload = done.steps
    assert install.outcome == "success", install.stderr
    assert (check.outcome, check.status) == ("failure", 1)
    assert _annotations(check) == [
        "::error file=stories/bad story.story,line=6,col=1,endLine=6,endColumn=5,"
        "title=SF301 invalid-number::Virality must be a number, got 'high' "
        "(hint: write a decimal number such as 5.1 or 12)",
        "::warning file=stories/bad story.story,line=8,col=1,endLine=8,endColumn=8,"
        "title=SF501 unknown-status::Status 'Pending' is not one of the known values "
        "(hint: known values: Active)",
    ]
    assert upload.outcome == "skipped"


def test_with_sarif_the_log_goes_to_code_scanning(runner: Runner, wheel: Path) -> None:
    (runner.workspace / "storyfmt.toml").write_text(
        'select = ["SF5", "ACME"]\n\n[rules.banned-word]\nwords = ["summit"]\n'
    )
    done = runner.run(
        {
            "version": str(wheel),
            "plugins": "acme-story-rules==1.0.0",
            "args": '--select "SF501,ACME"',
            "src": "examples stories",
            "sarif": "true",
            "category": "stories",
        }
    )
    install, check, _ = done.steps
    assert install.outcome == "success", install.stderr
    # The errors are code scanning's to show: the step passes.
    assert (check.outcome, check.status, _annotations(check)) == ("success", 0, [])
    assert check.stdout == "storyfmt found errors: code scanning shows them as alerts\n"
    sarif = runner.temp / "storyfmt.sarif"
    assert done.outputs["sarif-file"] == check.outputs["sarif-file"] == str(sarif)
    (upload,) = done.uploads
    assert upload.inputs == {"sarif_file": str(sarif), "category": "stories"}
    log = json.loads(sarif.read_text("utf-8"))
    assert schema_errors(log) == []
    run = log["runs"][0]
    assert run["tool"]["driver"]["version"] == done.outputs["version"] == __version__
    assert [extension["name"] for extension in run["tool"]["extensions"]] == ["acme-story-rules"]
    found = {
        (result["ruleId"], result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
        for result in run["results"]
    }
    assert ("SF301", "stories/bad%20story.story") in found
    assert any(rule == "ACME101" for rule, _ in found)


def test_a_path_that_cannot_be_read_fails_the_step_after_writing_the_log(
    runner: Runner, wheel: Path
) -> None:
    done = runner.run({"version": str(wheel), "src": "examples missing", "sarif": "true"})
    _, check, _ = done.steps
    assert (check.outcome, check.status) == ("failure", 2)
    (upload,) = done.uploads
    log = json.loads(Path(upload.inputs["sarif_file"]).read_text("utf-8"))
    assert schema_errors(log) == []
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False
    assert upload.inputs["category"] == "storyfmt"


def test_no_input_runs_as_shell_code(runner: Runner, wheel: Path) -> None:
    done = runner.run(
        {
            "version": str(wheel),
            "args": "--strict",
            "src": '$(touch${IFS}one) "`touch two`" "; touch three"',
        }
    )
    _, check, _ = done.steps
    # The paths are paths, that cannot be read: nothing ran.
    assert (check.outcome, check.status) == ("failure", 2)
    assert sorted(path.name for path in runner.workspace.iterdir()) == ["examples", "stories"]
    assert "file=$(touch${IFS}one)," in check.stdout


def _documented_uses() -> list[tuple[str, dict[str, Any]]]:
    """Each step of the docs' YAML examples that uses the action: the page and the step."""
    found = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = page.read_text("utf-8")
        for block in re.findall(r"^```yaml\n(.*?)^```$", text, re.MULTILINE | re.DOTALL):
            if "storyfmt/storyfmt@" not in block:
                continue
            stack: list[Any] = [yaml.safe_load(block)]
            while stack:
                item = stack.pop()
                if isinstance(item, dict):
                    if str(item.get("uses", "")).startswith("storyfmt/storyfmt@"):
                        found.append((page.name, item))
                    stack.extend(item.values())
                elif isinstance(item, list):
                    stack.extend(item)
    return found


def test_the_docs_show_the_action_at_this_version_with_its_inputs() -> None:
    documented = _documented_uses()
    assert {page for page, _ in documented} >= {"README.md", "recipes.md"}
    for page, step in documented:
        assert step["uses"] == f"storyfmt/storyfmt@v{__version__}", page
        assert set(step.get("with", {})) <= set(ACTION["inputs"]), page
    assert any(step.get("with", {}).get("sarif") is True for _, step in documented)
    recipes = (ROOT / "docs" / "recipes.md").read_text("utf-8")
    for name in ACTION["inputs"]:
        assert f"| `{name}` |" in recipes, f"the recipes' table lacks the input {name}"
