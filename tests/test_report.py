"""The report batch on a small synthetic project: run twice, checked once per session."""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from rmresearch.cli import main
from rmresearch.report.batch import NOTEBOOKS, run_batch
from rmresearch.report.index import published_files
from rmresearch.synthetic.generator import generate

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
        for col in [c for c in table.columns if COUNT_COLUMNS.match(c)]:
            shown = set(table[col])
            assert not shown & {"1", "2", "3", "4"}, (csv.name, col)


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
