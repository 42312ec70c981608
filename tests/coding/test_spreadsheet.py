"""Spreadsheet mode end to end (CSV and XLSX) and every bad-input case (nothing written)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from rmresearch.codebook import load_codebook
from rmresearch.coding import code_spreadsheet
from rmresearch.errors import CodingError, InputError

COLUMNS = ["id", "code", "score", "valence", "evidence", "coder"]
ROWS = [("r1", "She thanked the porters by name in the huddle."),
        ("r2", "Shall we book the next session for March?"),
        ("r3", "She nominated Grace for the trust's inclusion award and had her photo put up "
               "on the ward wall when she won."),
        ("r4", "The interview panel for the band 7 post was all white.")]


def _write_xlsx(path: Path, rows: list[list[object]]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)


def _csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header] + rows) + "\n", encoding="utf-8")
    return path


def _check_output(out: pd.DataFrame) -> None:
    assert list(out.columns) == COLUMNS
    got = out[["id", "code"]].astype(str).values.tolist()
    assert got == [["r1", "individual"], ["r3", "organisational"], ["r3", "symbolic"],
                   ["r4", "departmental"]]
    assert set(out["code"]) <= {"individual", "departmental", "organisational", "symbolic"}
    assert out["coder"].str.startswith("ensemble@").all()


def test_csv_in_csv_out(tmp_path: Path) -> None:
    src = tmp_path / "notes.csv"
    pd.DataFrame({"row": [r[0] for r in ROWS], "note": [r[1] for r in ROWS],
                  "other": range(4)}).to_csv(src, index=False)
    dst = tmp_path / "out" / "coded.csv"
    result = code_spreadsheet(src, dst, text_column="note", id_column="row")
    written = pd.read_csv(dst, dtype={"id": str})
    _check_output(written)
    assert written.equals(result.astype({"id": str}))
    first = dst.read_bytes()
    code_spreadsheet(src, dst, text_column="note", id_column="row")
    assert dst.read_bytes() == first
    assert [p.name for p in dst.parent.iterdir()] == ["coded.csv"]


def test_xlsx_in_xlsx_out_with_numeric_ids(tmp_path: Path) -> None:
    src = tmp_path / "form.xlsx"
    _write_xlsx(src, [["id", "text"]] + [[i + 1, t] for i, (_, t) in enumerate(ROWS)])
    dst = tmp_path / "coded.xlsx"
    code_spreadsheet(src, dst)
    out = pd.read_excel(dst, dtype={"id": str})
    out["id"] = "r" + out["id"]
    _check_output(out)


def test_xlsx_in_csv_out(tmp_path: Path) -> None:
    src = tmp_path / "form.xlsx"
    _write_xlsx(src, [["id", "text"]] + [list(r) for r in ROWS])
    dst = tmp_path / "coded.csv"
    code_spreadsheet(src, dst)
    _check_output(pd.read_csv(dst))


def _bad_cases(tmp_path: Path) -> list[tuple[Path, dict, type, str]]:
    header = "id,text"
    xlsx_num = tmp_path / "num.xlsx"
    _write_xlsx(xlsx_num, [["id", "text"], ["a", "He thanked the porters."], ["b", 7]])
    xlsx_dup = tmp_path / "dup.xlsx"
    _write_xlsx(xlsx_dup, [["id", "text"], [1, "x"], [2, "y"], [1.0, "z"]])
    return [
        (_csv(tmp_path / "empty.csv", header, ["a,He thanked the porters.", 'b,"   "']), {},
         InputError, r"empty.csv, row 3, column 'text': the text cell is empty"),
        (_csv(tmp_path / "noid.csv", header, [",He thanked the porters."]), {},
         InputError, r"row 2, column 'id': the id cell is empty"),
        (_csv(tmp_path / "cols.csv", "key,body", ["a,He thanked the porters."]), {},
         InputError, r"cols.csv, column 'text': no text column 'text'; columns found: "
                     r"'key', 'body'"),
        (_csv(tmp_path / "ids.csv", header, ["a,He thanked the porters."]), {"id_column": "ref"},
         InputError, r"no id column 'ref'; columns found: 'id', 'text'"),
        (_csv(tmp_path / "dups.csv", header, ["a,x", "b,y", "a,z", "b,w"]), {},
         InputError, r"duplicate id\(s\): 'a' \(rows 2, 4\); 'b' \(rows 3, 5\)"),
        (_csv(tmp_path / "numtext.csv", header, ["a,He thanked the porters.", "b,8"]), {},
         InputError, r"row 3, column 'text': the text cell holds a number \('8'\)"),
        (xlsx_num, {}, InputError, r"num.xlsx, row 3, column 'text': the text cell holds a "
                                   r"number \(7\)"),
        (xlsx_dup, {}, InputError, r"duplicate id\(s\): '1' \(rows 2, 4\)"),
        (tmp_path / "missing.csv", {}, InputError, r"missing.csv: file not found"),
        (_csv(tmp_path / "notes.txt", header, ["a,x"]), {}, InputError, r"\.csv or \.xlsx"),
        (_csv(tmp_path / "blank.csv", "", []), {}, InputError, r"the file is empty"),
    ]


def test_bad_inputs_raise_and_write_nothing(tmp_path: Path) -> None:
    for src, kwargs, error, message in _bad_cases(tmp_path):
        dst = tmp_path / "out" / "coded.csv"
        with pytest.raises(error, match=message):
            code_spreadsheet(src, dst, **kwargs)
        assert not dst.parent.exists() or not any(dst.parent.iterdir()), src


def test_existing_output_is_left_alone_on_error(tmp_path: Path) -> None:
    dst = tmp_path / "coded.csv"
    dst.write_text("previous results\n", encoding="utf-8")
    src = _csv(tmp_path / "bad.csv", "id,text", ["a,", "b,x"])
    with pytest.raises(InputError, match="row 2"):
        code_spreadsheet(src, dst)
    assert dst.read_text(encoding="utf-8") == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "coded.csv"]


def test_bad_output_suffix(tmp_path: Path) -> None:
    src = _csv(tmp_path / "ok.csv", "id,text", ["a,x"])
    with pytest.raises(InputError, match=r"out.json: the output file must be a \.csv or"):
        code_spreadsheet(src, tmp_path / "out.json")


def test_codebook_code_without_patterns_or_examples(tmp_path: Path) -> None:
    book = tmp_path / "cb.yaml"
    book.write_text("name: thin\ncodes:\n  - id: individual\n    definition: d\n"
                    "    patterns: [by name]\n  - id: empty_one\n    definition: d\n",
                    encoding="utf-8")
    src = _csv(tmp_path / "ok.csv", "id,text", ["a,He thanked them by name."])
    dst = tmp_path / "coded.csv"
    with pytest.raises(CodingError, match="'empty_one' have neither patterns nor examples"):
        code_spreadsheet(src, dst, codebook=load_codebook(book))
    assert not dst.exists()
