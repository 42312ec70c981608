"""Safe spreadsheet cells (formula injection): the one function, its inverse, frames and sheets."""
from __future__ import annotations

import csv
import io
import math

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmresearch.cells import (PREFIX, TRIGGERS, append_row, restore_cell, restore_frame,
                              safe_cell, safe_frame, write_frame)

# OWASP CSV-injection payloads, and text that only looks like one.
PAYLOADS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
            "=cmd|' /C calc'!A0", "-inf", "-", "\uff1dSUM(A1)", "'=1+1", "''+1"]
PLAIN = ["ok", "", "'", "'quoted'", "a=1", " =1", "3-2", "#N/A"]
NUMBER_TEXT = ["-3", "+0.25", "-1e5", "-.5", "+7"]


def starts_unsafe(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as a formula (not a number)."""
    if not text.startswith(TRIGGERS):
        return False
    if text.strip() != text or "_" in text:  # "-3\t", "-1_0": not plain numbers
        return True
    try:
        return not math.isfinite(float(text))  # "-inf" is a formula to a spreadsheet
    except ValueError:
        return True


@pytest.mark.parametrize("text", PAYLOADS)
def test_payloads_get_one_quote_and_come_back(text: str) -> None:
    written = safe_cell(text)
    assert written == PREFIX + text
    assert not starts_unsafe(written)
    assert restore_cell(written) == text


@pytest.mark.parametrize("value", PLAIN + NUMBER_TEXT + [-2, -2.5, 0, None, True,
                                                         np.int64(-3), np.float64(-0.5)])
def test_numbers_and_other_text_are_left_alone(value: object) -> None:
    assert safe_cell(value) is value
    assert restore_cell(safe_cell(value)) is value


@given(st.text(alphabet=st.sampled_from(list("'=+-@\t\r\uff1d1.eaX ")), max_size=8)
       | st.text(max_size=12))
def test_safe_and_restore_are_inverse_and_never_leave_a_formula(text: str) -> None:
    written = safe_cell(text)
    assert restore_cell(written) == text
    assert not starts_unsafe(written)


def test_safe_frame_covers_headers_and_text_but_keeps_numbers() -> None:
    df = pd.DataFrame({"=cohort": ["-2+3", "fine", None], "change": [-0.25, 1.5, np.nan],
                       "n": [-3, 4, 5], "flag": [True, False, True],
                       "mixed": ["<5", -7, "@x"]})
    safe = safe_frame(df)
    assert list(safe.columns) == ["'=cohort", "change", "n", "flag", "mixed"]
    assert safe["'=cohort"].tolist()[:2] == ["'-2+3", "fine"] and pd.isna(safe.iloc[2, 0])
    assert safe["mixed"].tolist() == ["<5", -7, "'@x"]
    for col in ("change", "n", "flag"):
        assert safe[col].dtype == df[col].dtype
    assert df.columns[0] == "=cohort"  # the input is not changed
    text = safe.to_csv(index=False, lineterminator="\n")
    back = pd.read_csv(io.StringIO(text))
    assert back["n"].tolist() == [-3, 4, 5] and back["change"].iloc[0] == -0.25
    pd.testing.assert_frame_equal(restore_frame(safe), df)


@pytest.mark.parametrize("text", ["\r=1", "a\r=1", "a\r\n@x", "\t=1"])
def test_a_carriage_return_cannot_start_a_row_in_a_csv(text: str) -> None:
    written = safe_frame(pd.DataFrame({"a": [text], "b": [1]})).to_csv(
        index=False, lineterminator="\n")
    rows = list(csv.reader(io.StringIO(written, newline="")))
    assert len(rows) == 2 and rows[1][1] == "1"
    assert not starts_unsafe(rows[1][0])
    assert restore_cell(rows[1][0]) == text.replace("\r\n", "\n").replace("\r", "\n")


def test_safe_frame_covers_every_header_row() -> None:
    df = pd.DataFrame([[1, "=x"]], columns=pd.MultiIndex.from_tuples([("a", "-b"), ("=c", "d")]))
    lines = safe_frame(df).to_csv(index=False, lineterminator="\n").splitlines()
    assert lines == ["a,'=c", "'-b,d", "1,'=x"]


def test_sheet_rows_never_hold_a_formula_or_an_error_value(tmp_path) -> None:
    book = openpyxl.Workbook()
    append_row(book.active, PAYLOADS + PLAIN + [-2, -2.5, None, float("nan")])
    write_frame(book.create_sheet("frame"), pd.DataFrame(
        {"=id": PAYLOADS, "score": np.linspace(-1, 1, len(PAYLOADS)),
         "n": np.arange(-3, len(PAYLOADS) - 3)}))
    book.save(tmp_path / "x.xlsx")
    cells = [c for ws in openpyxl.load_workbook(tmp_path / "x.xlsx").worksheets
             for row in ws.iter_rows() for c in row if c.value is not None]
    assert cells and all(c.data_type not in ("f", "e") for c in cells)
    assert not any(isinstance(c.value, str) and starts_unsafe(c.value) for c in cells)
    loaded = openpyxl.load_workbook(tmp_path / "x.xlsx")
    first = [c.value for c in loaded.active[1]]
    assert [restore_cell(v) for v in first[:len(PAYLOADS)]] == PAYLOADS
    assert first[len(PAYLOADS) + PLAIN.index("#N/A")] == "#N/A"
    end = len(PAYLOADS) + len(PLAIN)
    assert first[end:end + 2] == [-2, -2.5] and first[end + 2:] in ([], [None], [None, None])
    frame = loaded["frame"]
    assert [c.value for c in frame[1]] == ["'=id", "score", "n"]
    assert [c.value for c in frame["C"][1:]] == list(range(-3, len(PAYLOADS) - 3))
    assert all(c.data_type == "n" for c in frame["B"][1:])
