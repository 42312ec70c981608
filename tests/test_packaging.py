"""Set-up contract: README's two commands, CI runs the test one, conda and pip agree."""
from __future__ import annotations

import os
import json
import re
import subprocess
import sys
import tomllib

import yaml

from tests.conftest import REPO

HEAVY = ("torch", "spacy", "sentence_transformers", "bertopic", "dask", "distributed",
         "sklearn", "umap")


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


def test_an_installed_wheel_finds_its_notebooks_and_codebook(tmp_path) -> None:
    """The notebooks and the codebook are package data: a wheel installed elsewhere (no
    checkout, no RMRESEARCH_NOTEBOOKS) runs from its own copies."""
    import shutil
    import zipfile

    src = tmp_path / "src-copy"
    shutil.copytree(REPO / "src", src / "src", ignore=shutil.ignore_patterns(
        "__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, src / name)
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(wheels), str(src)], check=True, capture_output=True,
                   timeout=300)
    wheel = next(wheels.glob("rmresearch-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    from rmresearch.report.notebooks import NOTEBOOKS

    assert {f"rmresearch/notebooks/{n}" for n in NOTEBOOKS.values()} <= names
    assert {"rmresearch/codebooks/edi_levels.yaml", "rmresearch/py.typed"} <= names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = ("from rmresearch.report.notebooks import notebook_dir, NOTEBOOKS\n"
             "from rmresearch.codebook import default_codebook\n"
             "d = notebook_dir(); print(d)\n"
             "assert all((d / n).is_file() for n in NOTEBOOKS.values())\n"
             "print(default_codebook().name)")
    env = {k: v for k, v in os.environ.items() if k != "RMRESEARCH_NOTEBOOKS"}
    proc = subprocess.run([sys.executable, "-I", "-c", probe.replace(
        "from rmresearch", f"import sys; sys.path.insert(0, {str(site)!r})\nfrom rmresearch", 1)],
        capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].startswith(str(site))


def _modules_after(code: str) -> list[str]:
    probe = (f"import json, sys\n{code}\n"
             f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & "
             f"set({list(HEAVY)!r}))))")
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_import_and_help_load_no_heavy_library() -> None:
    assert _modules_after("import rmresearch") == []
    assert _modules_after("import rmresearch.coding.dask, rmresearch.cli.dask") == []
    assert _modules_after("import rmresearch.coding.dask.code, rmresearch.coding.dask.project, "
                          "rmresearch.coding.dask.worker") == []  # every module of it
    help_run = ("from rmresearch.cli import main\nimport contextlib, io\n"
                "with contextlib.redirect_stdout(io.StringIO()):\n"
                "    assert main(['--help']) == 0\n")
    assert _modules_after(help_run) == []
    own_help = ("import contextlib, io, typer\nfrom rmresearch.cli import dask as cli_scale\n"
                "app = typer.Typer()\napp.callback()(lambda: None)\ncli_scale.register(app)\n"
                "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
                "    app(['code-dask', '--help'], standalone_mode=False)\n"
                "assert '--scheduler' in out.getvalue()")
    assert _modules_after(own_help) == []
