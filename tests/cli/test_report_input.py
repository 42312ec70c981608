"""``rmresearch report`` and its input: refused input leaves no project store behind, and
``--lenient-forms`` works as it does for ``ingest`` (issue 18, items 8 and 12)."""
from __future__ import annotations

import json
import math
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from rmresearch.cli import main
from rmresearch.paths import default_store_path
from rmresearch.project import prepare_project
from rmresearch.report.notebooks import NOTEBOOKS
from rmresearch.store import ProjectStore

SEVEN = "C1-P01-X,mentor,seven,Listening more.\n"


@pytest.fixture
def tiny_notebooks(tmp_path: Path, monkeypatch) -> Path:
    """Report notebooks that only print (the batch's plumbing, not the analyses, is tested)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in NOTEBOOKS.values():
        params = new_code_cell('data = ""\nstore = ""\noutput = ""\ncohort = ""')
        params.metadata["tags"] = ["parameters"]
        book = new_notebook(cells=[params, new_code_cell('print("fine")')])
        book.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
        nbformat.write(book, folder / name)
    monkeypatch.setenv("RMRESEARCH_NOTEBOOKS", str(folder))
    return folder


def _add_word_answer(data: Path) -> None:
    with open(data / "C1" / "form_start.csv", "a", encoding="utf-8") as fh:
        fh.write(SEVEN)


@pytest.mark.parametrize("spoil", ["date", "form"])
def test_refused_input_leaves_no_store(mini_data: Path, tmp_path: Path, capsys,
                                       monkeypatch, spoil: str) -> None:
    monkeypatch.chdir(tmp_path)  # the default store would go under ./.rmresearch
    if spoil == "date":
        manifest = mini_data / "manifest.csv"
        manifest.write_text(manifest.read_text(encoding="utf-8").replace(
            "2024-10-03", "2024-13-45"), encoding="utf-8")
        needles = ["manifest.csv", "column 'date': '2024-13-45'", "YYYY-MM-DD"]
    else:
        _add_word_answer(mini_data)
        needles = ["form_start.csv, line 4, column 'conf_race': 'seven'", "--lenient-forms"]
    store, out = tmp_path / "given.rmproj", tmp_path / "out"
    for extra in (["--store", str(store)], []):
        code = main(["report", "--data", str(mini_data), "--output", str(out)] + extra)
        err = capsys.readouterr().err
        assert code == 2 and err.startswith("Error:") and "Traceback" not in err
        for needle in needles:
            assert needle in err, (needle, err)
    assert not store.exists() and not default_store_path(mini_data).exists()
    assert not (tmp_path / ".rmresearch").exists() and not out.exists()


def test_a_store_that_does_not_exist_is_not_created(tmp_path: Path) -> None:
    from rmresearch.errors import StoreError

    with pytest.raises(StoreError, match="does not exist"):
        prepare_project(store=tmp_path / "none.rmproj")
    assert not (tmp_path / "none.rmproj").exists()


def test_report_lenient_forms(mini_data: Path, tmp_path: Path, tiny_notebooks: Path,
                              capsys) -> None:
    _add_word_answer(mini_data)
    store, out = tmp_path / "p.rmproj", tmp_path / "out"
    code = main(["report", "--data", str(mini_data), "--output", str(out), "--store",
                 str(store), "--lenient-forms"])
    captured = capsys.readouterr()
    assert code == 0, captured
    assert "1 form answer(s) to 1-10 items were not scores and are kept as missing" \
        in captured.err
    assert "form_start.csv, line 4, column 'conf_race': 'seven'" in captured.err
    assert "Report written to" in captured.out and (out / "index.html").is_file()
    with ProjectStore.open(store) as st:
        ingests = [json.loads(p) for p in st.runs().query("kind == 'ingest'")["params"]]
        responses = st.responses()
    assert ingests[-1]["lenient_forms"] is True and ingests[-1]["answers_kept_missing"] == 1
    start = responses[responses["doc_id"] == "C1/form_start"]
    answers = start.set_index(["respondent_id", "question_id"])["value"]
    assert math.isnan(answers[("C1-P01-X", "conf_race")])  # kept, as a missing answer
    assert answers[("C1-P01-M", "conf_race")] == 7  # and the item stays a 1-10 item
