"""The report batch on a small synthetic project: run twice, checked once per session.

Also the notebook runner, the shipped notebooks (written by tools/build_notebooks.py) and the
one list of report parameters.
"""
from __future__ import annotations

import importlib.util
import inspect
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from rmresearch.cli import main
from rmresearch.paths import find_path
from rmresearch.report.batch import run_batch
from rmresearch.report.context import open_report
from rmresearch.report.index import published_files
from rmresearch.report.notebooks import (NOTEBOOKS, execute_notebook, notebook_dir,
                                         shipped_notebook_dir)
from rmresearch.report.publish import is_people_count
from rmresearch.report.parameters import (DEFAULTS, NOTEBOOK_PARAMETERS, PARAMETERS, REQUIRED,
                                          batch_parameters, cli_help, parameter)
from rmresearch.synthetic.generator import generate

from tests.conftest import REPO  # noqa: E402
from tests.report.machine_traces import machine_traces, readable_text

COUNT_COLUMNS = re.compile(r"^(n|n_.*|size|individual|departmental|organisational|symbolic|none)$")


@pytest.fixture(scope="session")
def small_data(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("report") / "data"
    generate(root, seed=3, cohorts=2, pairs=3, sessions=2)
    return root


@pytest.fixture(scope="session")
def batches(small_data: Path, tmp_path_factory) -> tuple:
    base = tmp_path_factory.mktemp("runs")
    first = run_batch(small_data, base / "out1", store=base / "one.rmproj", workers=2,
                      progress=False)
    second = run_batch(small_data, base / "out2", store=base / "two.rmproj", workers=2,
                       progress=False)
    return first, second


def test_batch_writes_every_appendix_and_a_manifest(batches, small_data: Path) -> None:
    first, _ = batches
    out = first.output
    assert first.ok, [(j.name, j.error) for j in first.jobs]
    assert [j.name for j in first.jobs] == ["cohort_C1", "cohort_C2", "comparison", "themes",
                                           "agreement"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    inputs = pd.read_csv(small_data / "manifest.csv")
    assert len(manifest["inputs"]) == len(inputs)
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"])
    assert manifest["codebook"]["hash"] and manifest["version"] and manifest["seed"] == 42
    assert manifest["parameters"]["pseudonymised"] is True
    assert manifest["leak_check"] == "passed"
    assert {n["status"] for n in manifest["notebooks"]} == {"ok"}
    assert all(n["duration_s"] > 0 for n in manifest["notebooks"])
    index = (out / "index.html").read_text(encoding="utf-8")
    for job in first.jobs:
        assert Path(job.html).name in index and Path(job.executed).exists()


def test_appendices_are_readable_reports_without_code(batches) -> None:
    first, _ = batches
    html = (first.output / "cohort_C1.html").read_text(encoding="utf-8")
    for heading in ("Framework matrix", "Congruence", "Cohort-wide learning",
                    "Evaluation forms"):
        assert heading in html
    assert "open_report" not in html and "ctx.publish" not in html
    assert "Traceback" not in html and "<Figure size" not in html
    assert html.count("<img") >= 4


def test_tables_and_figures_come_in_both_formats(batches) -> None:
    out = batches[0].output
    for folder in ("cohorts/C1", "cohorts/C2", "comparison", "themes", "agreement"):
        csvs = sorted((out / folder / "tables").glob("*.csv"))
        assert csvs, folder
        for csv in csvs:
            assert csv.with_suffix(".parquet").exists()
            from_csv = pd.read_csv(csv)
            from_parquet = pd.read_parquet(csv.with_suffix(".parquet"))
            assert list(from_csv.columns) == list(from_parquet.columns)
            assert len(from_csv) == len(from_parquet)
            for col in from_csv.select_dtypes("number").columns:
                pd.testing.assert_series_equal(from_csv[col], pd.to_numeric(from_parquet[col]),
                                               check_dtype=False, rtol=1e-5)
    for png in (out / "cohorts/C1/figures").glob("*.png"):
        assert png.with_suffix(".svg").exists()
    assert len(list((out / "cohorts/C1/figures").glob("*.png"))) >= 4


def test_no_real_name_is_published(batches, small_data: Path) -> None:
    people = pd.read_csv(small_data / "truth" / "people.csv")["name"].tolist()
    assert people
    for path in published_files(batches[0].output):
        if path.suffix in (".png", ".parquet"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found = [name for name in people if name in text]
        assert not found, (path, len(found))


def test_small_counts_are_suppressed(batches) -> None:
    for csv in batches[0].output.rglob("tables/*.csv"):
        table = pd.read_csv(csv, dtype=str, keep_default_na=False)
        for col in [c for c in table.columns if COUNT_COLUMNS.match(c) and is_people_count(c)]:
            shown = set(table[col])
            assert not shown & {"1", "2", "3", "4"}, (csv.name, col)


def test_counts_of_coders_and_pairs_are_shown_as_they_are(batches) -> None:
    out = batches[0].output
    agreement = pd.read_csv(out / "agreement" / "tables" / "agreement.csv", dtype=str)
    assert set(agreement["n_coders"]) == {"3"}  # two human coders and the machine
    pairs = pd.read_csv(out / "comparison" / "tables" / "pair_tests.csv", dtype=str)
    assert set(pairs["pairs_total"]) == {"3"}  # 3 pairs a cohort in the small data
    page = (out / "agreement.html").read_text(encoding="utf-8")
    assert "&lt;5" not in page.split("n_coders")[1].split("</tr>")[1]


def test_the_comparison_page_opens_with_the_differences_in_words(batches) -> None:
    out = batches[0].output
    text = readable_text(out / "comparison.html")
    opening = text.split("What differs between the cohorts", 1)[1].split(
        "Pairs with each kind of finding", 1)[0]
    tests = pd.concat([pd.read_csv(out / "comparison" / "tables" / f"{name}.csv")
                       for name in ("pair_tests", "cohort_tests", "stage_tests")])
    if (pd.to_numeric(tests["p_adj"], errors="coerce") < 0.05).any():
        assert "differences tested on this page survive correction" in opening
    else:
        assert "No difference between the cohorts survives correction" in opening
    change = tests[tests["group_b"].isna()]
    shown = pd.to_numeric(change["mean_a"], errors="coerce").notna().any()
    assert ("From the first to the last stage, the mean rating rose in" in text) == shown
    assert ("their mean ratings are hidden by the small-count rule" in text) != shown
    for heading in ("Change between stages within each cohort", "enrolment → end",
                    "Ratings compared between cohorts", "Cohorts C1, C2:"):
        assert heading in text
    assert "0.000000" not in text and "nan" not in text.split()


def test_no_published_file_holds_warnings_tracebacks_paths_or_half_names(
        batches, small_data: Path) -> None:
    names = pd.read_csv(small_data / "truth" / "people.csv")["name"].tolist()
    files = [p for p in published_files(batches[0].output)
             if p.suffix not in (".png", ".parquet")]
    assert {p.suffix for p in files} >= {".html", ".csv", ".svg", ".json"}
    found = {str(p.relative_to(batches[0].output)): machine_traces(readable_text(p), names)
             for p in files}
    assert not {k: v for k, v in found.items() if v}


def test_two_runs_give_identical_tables_and_figures(batches) -> None:
    first, second = batches
    names = sorted(p.relative_to(first.output) for p in first.output.rglob("*")
                   if p.suffix in (".csv", ".parquet", ".png", ".svg"))
    assert len(names) > 30
    assert names == sorted(p.relative_to(second.output) for p in second.output.rglob("*")
                           if p.suffix in (".csv", ".parquet", ".png", ".svg"))
    different = [str(n) for n in names
                 if (first.output / n).read_bytes() != (second.output / n).read_bytes()]
    assert not different


def _tiny_notebook(path: Path, body: str, params: str) -> None:
    cell = new_code_cell(params)
    cell.metadata["tags"] = ["parameters"]
    nb = new_notebook(cells=[cell, new_code_cell(body)])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)


def test_one_failing_cohort_does_not_stop_the_others(
        batches, small_data: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    params = ('data = ""\nstore = ""\noutput = ""\ncohort = ""\ncohorts = ""\n'
              'pseudonymise = True\nkey = ""\nmin_cell = 5\nseed = 42\ncodebook = ""')
    for kind, name in NOTEBOOKS.items():
        body = ('if cohort == "C2":\n    raise ValueError("planted failure for C2")\n'
                'print("fine")')
        _tiny_notebook(nb_dir / name, body if kind == "cohort" else 'print("fine")', params)
    monkeypatch.setenv("RMRESEARCH_NOTEBOOKS", str(nb_dir))
    store = str(batches[0].jobs[0].parameters["store"])
    out = tmp_path / "out"
    code = main(["report", "--data", str(small_data), "--output", str(out), "--store", store])
    printed = capsys.readouterr().out
    assert code == 1
    assert "cohort_C2: failed" in printed and "planted failure for C2" in printed
    assert "cohort_C1: ok" in printed and "themes: ok" in printed
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "FAILED: ValueError: planted failure for C2" in index
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    status = {n["name"]: n["status"] for n in manifest["notebooks"]}
    assert status == {"cohort_C1": "ok", "cohort_C2": "failed", "comparison": "ok",
                      "themes": "ok", "agreement": "ok"}


def test_unknown_cohort_is_refused(batches, small_data: Path, tmp_path: Path, capsys) -> None:
    store = str(batches[0].jobs[0].parameters["store"])
    code = main(["report", "--data", str(small_data), "--output", str(tmp_path / "o"),
                 "--store", store, "--cohort", "C9"])
    assert code == 2
    err = capsys.readouterr().err
    assert "C9" in err and "'C1' or 'C2'" in err


# ------------------------------------------------------------------ the shipped notebooks
def _generator():
    spec = importlib.util.spec_from_file_location("build_notebooks",
                                                  REPO / "tools" / "build_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cells(nb: nbformat.NotebookNode) -> list[tuple[str, str, bool]]:
    return [(c.cell_type, c.source, "parameters" in c.metadata.get("tags", []))
            for c in nb.cells]


def test_committed_notebooks_are_what_the_generator_writes() -> None:
    """Edit tools/build_notebooks.py, run it, commit both: a hand-edited notebook fails here."""
    generator = _generator()
    folder = REPO / "src" / "rmresearch" / "notebooks"
    assert generator.OUT == folder
    assert sorted(p.stem for p in folder.glob("*.ipynb")) == sorted(generator.NOTEBOOK_CELLS)
    for name in generator.NOTEBOOK_CELLS:
        committed = nbformat.read(folder / f"{name}.ipynb", as_version=4)
        assert _cells(committed) == _cells(generator.build(name)), (
            f"{name}.ipynb differs from what tools/build_notebooks.py writes: run it and commit")
        assert committed.metadata["kernelspec"]["name"] == "python3"


def test_notebooks_ship_with_the_package_and_can_be_overridden(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("RMRESEARCH_NOTEBOOKS", raising=False)
    shipped = REPO / "src" / "rmresearch" / "notebooks"
    assert shipped_notebook_dir().resolve() == shipped
    assert notebook_dir() == shipped
    assert all((shipped / name).is_file() for name in NOTEBOOKS.values())
    (tmp_path / NOTEBOOKS["cohort"]).write_text("{}", encoding="utf-8")
    monkeypatch.setenv("RMRESEARCH_NOTEBOOKS", str(tmp_path))
    assert notebook_dir() == tmp_path.resolve()
    monkeypatch.setenv("RMRESEARCH_NOTEBOOKS", str(tmp_path / "missing"))
    assert notebook_dir() == shipped


def test_paths_resolve_from_the_repository_when_run_in_the_notebook_folder(monkeypatch) -> None:
    """nbval and JupyterLab run a notebook in its own folder, src/rmresearch/notebooks/."""
    monkeypatch.chdir(REPO / "src" / "rmresearch" / "notebooks")
    assert find_path("data/synthetic") == REPO / "data" / "synthetic"
    assert find_path("outputs/cohorts/C1") == REPO / "outputs" / "cohorts" / "C1"
    monkeypatch.chdir(REPO)
    assert find_path("outputs/cohorts/C1") == Path("outputs/cohorts/C1")


# ------------------------------------------------------------------ the parameters, named once
def test_open_report_signature_matches_the_parameter_list() -> None:
    params = inspect.signature(open_report).parameters
    assert list(params) == [p.name for p in PARAMETERS]
    for p in PARAMETERS:
        got = params[p.name]
        assert got.kind is inspect.Parameter.KEYWORD_ONLY
        assert got.annotation in (p.type.__name__, p.type), p.name
        wanted = inspect.Parameter.empty if p.default is REQUIRED else p.default
        assert got.default == wanted and type(got.default) is type(wanted), p.name


def test_every_notebook_declares_the_parameters_with_their_defaults() -> None:
    """Each parameters cell names every report parameter, typed, with the list's default."""
    extra = {p.name: p for p in NOTEBOOK_PARAMETERS}
    for name in NOTEBOOKS.values():
        nb = nbformat.read(shipped_notebook_dir() / name, as_version=4)
        cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        lines = {line.split(":")[0]: line for line in cell.source.splitlines()}
        assert set(lines) >= {p.name for p in PARAMETERS}, name
        assert set(lines) - {p.name for p in PARAMETERS} <= set(extra), name
        for key in ("store", "key", "seed", "codebook", "pseudonymise"):
            assert lines[key].startswith(parameter(key).cell_line().split("  #")[0]), name
        namespace: dict = {}
        exec(cell.source, namespace)  # the cell is plain assignments
        assert namespace["data"] == "data/synthetic" and namespace["output"].startswith("outputs/")


def test_batch_parameters_follow_the_list() -> None:
    common = batch_parameters(store="/s.rmproj", min_cell=3)
    assert list(common) == ["data", "store", "pseudonymise", "key", "min_cell", "seed",
                            "codebook"]
    assert common == {"data": "", "store": "/s.rmproj", "pseudonymise": True, "key": "",
                      "min_cell": 3, "seed": 42, "codebook": ""}
    assert DEFAULTS["min_cell"] == 5 and "output" not in DEFAULTS
    with pytest.raises(KeyError, match="output"):
        batch_parameters(output="x")
    assert "Suppress counts" in cli_help("min_cell")
    with pytest.raises(KeyError):
        cli_help("key")


# ------------------------------------------------------------------ the notebook runner
def test_execute_notebook_reports_a_failing_cell_and_renders_it(tmp_path: Path) -> None:
    template = tmp_path / "tiny.ipynb"
    _tiny_notebook(template, 'print("before")\nraise ValueError(f"planted {value}")',
                   'value = "x"')
    executed = tmp_path / "out" / "run" / "tiny.ipynb"
    run = execute_notebook(template, executed, {"value": "y"}, html=tmp_path / "tiny.html",
                           title="Tiny")
    assert not run.ok and run.status == "failed" and run.failed_at == "notebook"
    assert (run.error_name, run.error_value) == ("ValueError", "planted y")
    assert run.error == "ValueError: planted y" and run.duration > 0
    assert run.executed == executed and executed.is_file()
    assert not list(executed.parent.glob(".*partial*")), "the hidden partial name is renamed"
    assert run.html == tmp_path / "tiny.html"
    page = run.html.read_text(encoding="utf-8")
    assert "<title>Tiny</title>" in page and "planted y" in page and "raise ValueError" not in page
    fine = tmp_path / "fine.ipynb"
    _tiny_notebook(fine, "print(value * 2)", 'value = "x"')
    ok = execute_notebook(fine, tmp_path / "fine_run.ipynb", {"value": "ab"})
    assert ok.ok and (ok.error, ok.failed_at, ok.error_name) == ("", "", "")
    assert ok.html is None  # no page asked for
    outputs = nbformat.read(ok.executed, as_version=4).cells[-1].outputs
    assert outputs[0]["text"] == "abab\n"
