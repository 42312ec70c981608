"""The leak check fails closed.

Before the report is finalised every published file is scanned for every real name and
identifier in the key. A hit fails the run: the message names the file and the pseudonym that
leaked, the leaked file is moved out of the output folder (to a private quarantine beside the
store), and ``index.html`` / ``manifest.json`` say FAILED, so nothing left looks complete.

The batch runs for real (`run_batch` through the command line) with the project, the key and
the notebook runs replaced by fast stand-ins, so no notebook kernel is started.
"""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_markdown_cell, new_notebook

import rmresearch.project
import rmresearch.report.batch
import rmresearch.report.context
from rmresearch.cli import main
from rmresearch.privacy import build_key, leak_check, PseudonymKey
from rmresearch.privacy.quarantine import quarantine_leaks

MISSED = "Tomasz Wiśniewski"          # in the key only as an extra name: the pseudonymiser
ZOE, HELEN = "Zoë Ødegård", "Helen Marsh"    # of a notebook "missed" him


@pytest.fixture
def fake_run(tmp_path: Path, monkeypatch):
    """A fake project (two cohorts), a real key, and notebook runs that write given files."""
    store = tmp_path / "private" / "p.rmproj"
    store.parent.mkdir()
    docs = pd.DataFrame([dict(doc_id="C1-P01-i1", path="C1/interview.txt", version=1,
                              sha256="0" * 64, cohort="C1", pair_id="C1-P01", mentor=ZOE,
                              mentee=HELEN, text=f"{ZOE}: hello.\n{HELEN}: hi.\n")])
    key = build_key(docs, extra_names=[MISSED], use_ner=False)
    key_path = store.with_name(store.name + ".key.json")
    key.save(key_path)
    project = SimpleNamespace(
        store_path=store, documents=docs, human_coders=[], coder="ensemble@test", counts={},
        codebook=SimpleNamespace(name="edi_levels", hash="abc123"),
        check_cohorts=lambda cohorts: cohorts or ["C1", "C2"])
    monkeypatch.setattr(rmresearch.project, "prepare_project", lambda *a, **k: project)
    monkeypatch.setattr(rmresearch.report.context, "prepare_key", lambda p, k=None: key_path)
    planted: dict[str, str] = {}        # path relative to the output folder -> content

    def run_jobs(jobs, workers, progress):
        for job in jobs:
            nb = new_notebook(cells=[new_markdown_cell(f"# {job.title}")])
            nbformat.write(nb, job.executed)
            Path(job.html).write_text(f"<html><body><h1>{job.title}</h1><p>Leader A thanked "
                                      "Mentor A.</p></body></html>", encoding="utf-8")
            tables = Path(job.parameters["output"]) / "tables"
            tables.mkdir(parents=True, exist_ok=True)
            (tables / "level_counts.csv").write_text("code,n\nindividual,7\n", encoding="utf-8")
            job.status, job.duration = "ok", 0.1
        out = Path(jobs[0].html).parent
        for rel, text in planted.items():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_text(text, encoding="utf-8")

    monkeypatch.setattr(rmresearch.report.batch, "_run_jobs", run_jobs)
    data = tmp_path / "data"
    data.mkdir()
    return SimpleNamespace(out=tmp_path / "out", store=store, key=PseudonymKey.load(key_path),
                           planted=planted, project=project, data=data)


def _report(run, capsys) -> tuple[int, str, str]:
    code = main(["report", "--data", str(run.data), "--output", str(run.out),
                 "--store", str(run.store)])
    printed = capsys.readouterr()
    return code, printed.out, printed.err


def test_a_clean_run_is_complete(fake_run, capsys) -> None:
    code, out, err = _report(fake_run, capsys)
    assert code == 0, err
    assert "Report written to" in out and "FAILED" not in err
    manifest = json.loads((fake_run.out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete" and manifest["leak_check"] == "passed"
    assert manifest["withheld"] == []
    index = (fake_run.out / "index.html").read_text(encoding="utf-8")
    assert "<h1>Reverse-mentoring findings</h1>" in index and "FAILED" not in index


def test_a_leaked_name_fails_the_run_closed(fake_run, capsys) -> None:
    missed = next(p.pseudonym for p in fake_run.key.people if p.name == MISSED)
    zoe = next(p.pseudonym for p in fake_run.key.people if p.name == ZOE)
    fake_run.planted.update({
        # a quote the pseudonymiser missed, in a cohort table
        "cohorts/C1/tables/quotes.csv": f"quote\n\"{MISSED} said the panel was all white\"\n",
        # a decomposed (NFD) name in the comparison appendix
        "comparison.html": "<html><body><p>"
                           + unicodedata.normalize("NFD", f"{ZOE} chaired") + "</p></body></html>",
    })
    code, out, err = _report(fake_run, capsys)
    assert code != 0
    # The message names each file and the pseudonym that leaked, never the real name.
    assert "quotes.csv" in err and f"'{missed}'" in err
    assert "comparison.html" in err and f"'{zoe}'" in err
    assert "Leak check FAILED" in err and "Do not publish" in err
    assert MISSED not in err + out and "Ødegård" not in unicodedata.normalize("NFC", err + out)
    assert "Report written to" not in out

    # The leaked files are not left under their final names: they are in the quarantine,
    # beside the store (private), not in the output folder.
    out_dir = fake_run.out
    assert not (out_dir / "cohorts/C1/tables/quotes.csv").exists()
    assert not (out_dir / "comparison.html").exists()
    quarantine = fake_run.store.with_name("p.rmproj.quarantine") / "out"
    assert (quarantine / "cohorts/C1/tables/quotes.csv").read_text(encoding="utf-8").count(MISSED)
    assert (quarantine / "comparison.html").exists()
    assert out_dir.resolve() not in quarantine.resolve().parents
    assert (quarantine.stat().st_mode & 0o077) == 0

    # What is left does not look complete: the front page and the record say FAILED...
    manifest = json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed" and manifest["leak_check"] == "failed"
    assert sorted(manifest["withheld"]) == ["cohorts/C1/tables/quotes.csv", "comparison.html"]
    assert any("quotes.csv" in leak and missed in leak for leak in manifest["leaks"])
    status = {n["name"]: n["status"] for n in manifest["notebooks"]}
    assert status == {"cohort_C1": "failed", "cohort_C2": "ok", "comparison": "failed",
                      "themes": "ok"}
    index = (out_dir / "index.html").read_text(encoding="utf-8")
    assert "<title>rmresearch report FAILED</title>" in index
    assert "Report FAILED" in index and "not a finished report" in index
    assert 'href="comparison.html"' not in index and "quotes" not in index.split("withheld")[0]
    # ... and no real name is left anywhere in the output folder.
    assert leak_check([out_dir], fake_run.key) == []


def test_a_name_in_the_front_page_leaves_only_a_failure_page(fake_run, capsys) -> None:
    """manifest.json quotes the inputs' paths: a file named after a person leaks there."""
    fake_run.project.documents = fake_run.project.documents.assign(
        path="C1/helen_marsh_interview.txt")
    code, out, err = _report(fake_run, capsys)
    assert code != 0 and "manifest.json" in err and "Leak check FAILED" in err
    manifest = json.loads((fake_run.out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed" and "manifest.json" in manifest["withheld"]
    index = (fake_run.out / "index.html").read_text(encoding="utf-8")
    assert "Report FAILED" in index
    assert leak_check([fake_run.out], fake_run.key) == []
    quarantine = fake_run.store.with_name("p.rmproj.quarantine") / "out"
    assert "helen_marsh" in (quarantine / "manifest.json").read_text(encoding="utf-8")


def test_quarantine_keeps_relative_paths(tmp_path) -> None:
    out = tmp_path / "out"
    (out / "a" / "b").mkdir(parents=True)
    (out / "a" / "b" / "t.csv").write_text("x\n", encoding="utf-8")
    (out / "keep.csv").write_text("y\n", encoding="utf-8")
    leaks = [SimpleNamespace(file=str(out / "a" / "b" / "t.csv")),
             SimpleNamespace(file=str(out / "a" / "b" / "t.csv"))]
    moved = quarantine_leaks(out, leaks, tmp_path / "q" / "out")
    assert moved == ["a/b/t.csv"]
    assert (tmp_path / "q" / "out" / "a" / "b" / "t.csv").read_text() == "x\n"
    assert not (out / "a" / "b" / "t.csv").exists() and (out / "keep.csv").exists()
