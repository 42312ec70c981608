"""Bad input through the command line: one clear paragraph, exit code 2, store unchanged."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from rmresearch.cli import main
from tests.conftest import MANIFEST_HEADER, REPO

ROW = "C1,C1-P01,journal,mentor,session_1,2024-10-03,Amara Okafor,Helen Marsh\n"


def _snapshot(store: Path) -> dict[str, list]:
    if not store.exists():
        return {}
    con = sqlite3.connect(store)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in ("documents", "segments", "codings", "responses", "runs")}
    finally:
        con.close()


@pytest.fixture
def store(mini_data: Path, tmp_path: Path) -> Path:
    path = tmp_path / "project.rmproj"
    assert main(["ingest", "--data", str(mini_data), "--store", str(path)]) == 0
    return path


def _add(data: Path, name: str, content: bytes, manifest_line: str | None = None) -> None:
    (data / name).write_bytes(content)
    with open(data / "manifest.csv", "a", encoding="utf-8") as fh:
        fh.write(manifest_line if manifest_line is not None else f"{name},{ROW}")


CASES = {
    "empty file": ("empty.txt", b"", None, ["empty.txt", "empty"]),
    "binary file": ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None,
                    ["photo.txt", "binary"]),
    "unknown extension": ("notes.pdf", b"%PDF-1.4", None, ["notes.pdf", "unknown type",
                                                           "'.docx'"]),
    "undecodable bytes": ("odd.txt", b"line one\nsome \x81\x8d bytes", None,
                          ["odd.txt", "line 2", "Windows-1252"]),
    "missing file": ("here.txt", b"hello", f"not_here.txt,{ROW}",
                     ["manifest.csv", "line 9", "not_here.txt", "does not exist"]),
    "duplicate doc ids": ("again.txt", b"hello", f"C1/journal.docx,{ROW}",
                          ["duplicate file 'C1/journal.docx'", "lines [6, 9]"]),
    "malformed csv": ("form.csv", b"respondent_id,role,q1\nR1,mentor,5,extra,cells\n",
                      "form.csv,C1,,feedback_form,programme,end,2025-01-01,,\n",
                      ["form.csv", "line 2", "header has 3 columns"]),
    "missing required column": ("form2.csv", b"respondent,role,q1\nR1,mentor,5\n",
                                "form2.csv,C1,,feedback_form,programme,end,2025-01-01,,\n",
                                ["form2.csv", "respondent_id", "columns found"]),
    "likert out of range": ("form3.csv", b"respondent_id,role,q1\nR1,mentor,5\nR2,mentee,11\n",
                            "form3.csv,C1,,feedback_form,programme,end,2025-01-01,,\n",
                            ["form3.csv", "line 3", "'q1'", "1-10"]),
    "bad source": ("j.txt", b"hello", "j.txt,C1,C1-P01,diary,mentor,s1,2024-01-01,,\n",
                   ["line 9", "source 'diary'", "'journal'"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_refused_and_the_store_is_unchanged(
        case: str, mini_data: Path, store: Path, capsys: pytest.CaptureFixture) -> None:
    name, content, line, needles = CASES[case]
    _add(mini_data, name, content, line)
    before = _snapshot(store)
    capsys.readouterr()
    code = main(["ingest", "--data", str(mini_data), "--store", str(store)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err and err.startswith("Error:")
    for needle in needles:
        assert needle in err, (needle, err)
    assert _snapshot(store) == before


def test_duplicate_doc_id_column(mini_data: Path, store: Path, capsys) -> None:
    text = (mini_data / "manifest.csv").read_text(encoding="utf-8").splitlines()
    header = text[0].replace("file,", "doc_id,file,", 1)
    rows = [f"same,{r}" if i < 2 else f"d{i},{r}" for i, r in enumerate(text[1:])]
    (mini_data / "manifest.csv").write_text("\n".join([header] + rows) + "\n", encoding="utf-8")
    before = _snapshot(store)
    assert main(["ingest", "--data", str(mini_data), "--store", str(store)]) == 2
    assert "duplicate doc_id 'same'" in capsys.readouterr().err
    assert _snapshot(store) == before


def test_folder_without_manifest(tmp_path: Path, capsys) -> None:
    assert main(["ingest", "--data", str(tmp_path), "--store", str(tmp_path / "p")]) == 2
    err = capsys.readouterr().err
    assert "no manifest.csv" in err and "pair_id" in err and "author_role" in err
    assert not (tmp_path / "p").exists()


def test_codebook_with_errors(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "cb.yaml"
    bad.write_text("codes:\n  - id: X y\n    definition: ''\n    colour: blue\n", encoding="utf-8")
    assert main(["codebook", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "3 problem(s)" in err and "cb.yaml" in err and "'#RRGGBB'" in err
    assert main(["codebook"]) == 0
    assert "individual" in capsys.readouterr().out


def test_status_of_missing_store(tmp_path: Path, capsys) -> None:
    assert main(["status", "--store", str(tmp_path / "none.rmproj")]) == 2
    assert "rmresearch ingest" in capsys.readouterr().err


def test_real_process_prints_no_traceback(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    proc = subprocess.run([sys.executable, "-m", "rmresearch.cli", "ingest", "--data",
                           str(tmp_path), "--store", str(tmp_path / "p.rmproj")],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "manifest" in proc.stderr
