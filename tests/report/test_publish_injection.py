"""Published tables: CSV cells that would run as a formula are written as text (a leading
quote), numbers stay numbers, the Parquet copy keeps the exact text, output is deterministic."""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from rmresearch.cells import restore_cell
from rmresearch.report.publish import Publisher
from tests.test_cells import starts_unsafe

PAYLOADS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _table() -> pd.DataFrame:
    return pd.DataFrame({
        "=cohort": PAYLOADS,
        "evidence": [[p, "plain"] for p in PAYLOADS],   # lists are joined into one cell
        "change": [-0.25, -1.5, 0.0, 2.0, -3e-7, 1.0],
        "n": [-2, 6, 7, 8, 9, 10],
        "note": ["-", "fine", None, "<5", "-inf", "'=already quoted"]})


def _cells(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_published_csv_holds_no_formula_and_numbers_stay_numbers(tmp_path: Path) -> None:
    publisher = Publisher(tmp_path / "out", pseudonymiser=None, min_cell=0)
    published = publisher.table(_table(), "hostile", texts=["=cohort", "note"])
    csv_path = tmp_path / "out" / "tables" / "hostile.csv"
    rows = _cells(csv_path)
    assert not [c for row in rows for c in row if starts_unsafe(c)]
    assert rows[0] == ["'=cohort", "evidence", "change", "n", "note"]
    as_lines = [p.replace("\r", "\n") for p in PAYLOADS]  # a CR in a CSV cell: a line feed
    assert [restore_cell(r[0]) for r in rows[1:]] == as_lines
    assert [restore_cell(r[1]) for r in rows[1:]] == [f"{p}\nplain" for p in as_lines]
    assert [restore_cell(r[4]) for r in rows[1:]] == ["-", "fine", "", "<5", "-inf",
                                                      "'=already quoted"]
    back = pd.read_csv(csv_path)
    assert back["change"].tolist() == [-0.25, -1.5, 0.0, 2.0, -3e-7, 1.0]
    assert back["n"].tolist() == [-2, 6, 7, 8, 9, 10] and back["n"].dtype.kind == "i"
    parquet = pd.read_parquet(tmp_path / "out" / "tables" / "hostile.parquet")
    assert parquet["=cohort"].tolist() == PAYLOADS == published["=cohort"].tolist()


def test_published_csv_is_the_same_bytes_every_time(tmp_path: Path) -> None:
    outputs = []
    for run in ("a", "b"):
        Publisher(tmp_path / run, min_cell=0).table(_table(), "hostile")
        outputs.append((tmp_path / run / "tables" / "hostile.csv").read_bytes())
    assert outputs[0] == outputs[1] and b"'=HYPERLINK" in outputs[0]


def test_suppressed_counts_and_markers_pass_through(tmp_path: Path) -> None:
    df = pd.DataFrame({"level": ["-individual", "symbolic"], "n": [2, 40]})
    published = Publisher(tmp_path, min_cell=5).table(df, "counts")
    rows = _cells(tmp_path / "tables" / "counts.csv")
    assert rows[1][0] == "'-individual" and rows[2] == ["symbolic", str(published["n"][1])]
    assert rows[1][1] == str(published["n"][0]) and not starts_unsafe(rows[1][1])
