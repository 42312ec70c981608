"""Set-up contract: README's two commands, CI runs the test one, conda and pip agree."""
from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import yaml

from tests.conftest import REPO


def _norm(name: str) -> str:
    return re.split(r"[<>=!~\[; ]", name.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_names_the_same_packages_as_pyproject() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pip_names = {_norm(d) for d in project["dependencies"]}
    pip_names |= {_norm(d) for extra in project["optional-dependencies"].values() for d in extra}
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda_names = {_norm(d) for d in pip_section if not d.startswith("-")}
    conda_names |= {_norm(d) for d in env["dependencies"]
                    if isinstance(d, str) and _norm(d) not in ("python", "pip")}
    assert conda_names == pip_names


def test_every_dependency_is_pinned_in_the_constraints_file() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {_norm(line.split("==")[0]) for line in
            (REPO / "requirements/constraints.txt").read_text().splitlines() if "==" in line}
    wanted = {_norm(d) for d in project["dependencies"]}
    wanted |= {_norm(d) for extra in project["optional-dependencies"].values() for d in extra}
    assert wanted <= pins, wanted - pins


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["./run.sh report", "./run.sh test"]
    assert readme.index("```bash") < 40
    ci = (REPO / ".ci/run").read_text(encoding="utf-8")
    assert "./run.sh test" in ci


def test_help_works_for_every_command() -> None:
    from typer.main import get_command

    from rmresearch.cli import app

    names = sorted(get_command(app).commands)
    assert {"ingest", "status", "synth", "codebook"} <= set(names)
    for name in [None] + names:
        args = [sys.executable, "-m", "rmresearch.cli"] + ([name] if name else []) + ["--help"]
        proc = subprocess.run(args, capture_output=True, text=True, timeout=60,
                              env={"PYTHONPATH": str(REPO / "src"), "PATH": ""})
        assert proc.returncode == 0, proc.stderr
        assert "Usage" in proc.stdout
