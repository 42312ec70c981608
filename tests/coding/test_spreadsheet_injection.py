"""`code --input ... --output x.csv/.xlsx`: text that would run as a formula is written as text."""
from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd

from rmresearch.cells import restore_cell
from rmresearch.cli import main
from rmresearch.coding import code_spreadsheet
from tests.test_cells import starts_unsafe

# ids carry the payloads (ids are written back as they came, stripped of surrounding white
# space, so tab and CR payloads cannot reach this file; see tests/test_cells.py for those);
# the texts code to something.
IDS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "=1+1", "-cmd|' /C calc'!A0"]
TEXTS = ["She thanked the porters by name in the huddle.",
         "The interview panel for the band 7 post was all white.",
         "She nominated Grace for the trust's inclusion award and had her photo put up on "
         "the ward wall when she won.",
         "He thanked the cleaners by name at the ward meeting.",
         "The shortlisting panel for the matron post was all white again.",
         "She thanked the porters by name at the board."]


def _input(tmp_path: Path) -> Path:
    """A CSV input (an .xlsx written by another tool would hold the payloads as formulas)."""
    path = tmp_path / "notes.csv"
    pd.DataFrame({"id": [*IDS, "-5"], "text": [*TEXTS, TEXTS[0]]}).to_csv(path, index=False)
    return path


def test_csv_output_has_no_cell_a_spreadsheet_would_run(tmp_path: Path) -> None:
    out = tmp_path / "coded.csv"
    result = code_spreadsheet(_input(tmp_path), out)
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if starts_unsafe(c)]
    assert {row[0] for row in rows[1:]} == {"'" + i for i in IDS} | {"-5"}
    written = pd.read_csv(out, dtype={"id": str}, keep_default_na=False)
    assert written["score"].dtype == float and (written["score"] > 0).all()
    assert written["id"].map(restore_cell).tolist() == result["id"].tolist()
    assert set(result["id"]) == set(IDS) | {"-5"}


def test_xlsx_output_through_the_command_holds_no_formula(tmp_path: Path) -> None:
    out = tmp_path / "coded.xlsx"
    assert main(["code", "--input", str(_input(tmp_path)), "--output", str(out)]) == 0
    sheet = openpyxl.load_workbook(out).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    assert not [c.value for c in cells if isinstance(c.value, str) and starts_unsafe(c.value)]
    header = [c.value for c in sheet[1]]
    assert header == ["id", "code", "score", "valence", "evidence", "coder"]
    ids = {restore_cell(c.value) for c in sheet["A"][1:]}
    assert ids == set(IDS) | {"-5"}
    scores = [c for c in sheet["C"][1:]]
    assert scores and all(c.data_type == "n" and 0 < c.value <= 1 for c in scores)
    back = pd.read_excel(out, dtype={"id": str})
    assert set(back["id"].map(restore_cell)) == set(IDS) | {"-5"}
