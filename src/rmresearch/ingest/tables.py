"""Spreadsheets: reading .csv/.xlsx as text tables, and evaluation-form exports.

An evaluation form has one row per respondent: ``respondent_id``, ``role``, then 1-10 items
(columns whose filled cells are all whole numbers) and free-text columns (anything else).
It becomes rows of the long ``responses`` table, and its free-text answers become a
document (``respondent | question: answer`` per line) so answers can be segmented and coded.
"""
from __future__ import annotations

import csv
import io
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pandas as pd

from ..archive import check_zip, resolve_limit
from ..config import (MAX_SHEET_COLUMNS_ENV, MAX_SHEET_ROWS_ENV, max_sheet_columns_setting,
                      max_sheet_rows_setting)
from ..errors import InputError
from .decode import read_text
from .parsed import ParsedDoc, Turn

__all__ = ["read_table", "read_form", "require_columns", "sheet_limits", "FORM_ID_COLUMNS",
           "DEFAULT_MAX_SHEET_ROWS", "DEFAULT_MAX_SHEET_COLUMNS", "EXCEL_MAX_ROWS"]

FORM_ID_COLUMNS = ("respondent_id", "role")
# What openpyxl, and the zipfile, zlib and XML parsers under it, raise on a damaged or
# foreign workbook (XML parse errors are SyntaxErrors; openpyxl fails with AttributeError on
# chart sheets and on XML of the wrong kind); sheets are parsed while rows are read.
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
            KeyError, ValueError, TypeError, IndexError, AttributeError, SyntaxError, OSError)
_OPTIONAL_ID_COLUMNS = ("stage", "cohort", "pair_id")
# A worksheet's declared size (``<dimension ref="A1:XFD1048576">``) is never used: rows are
# read as they come, and these bound them. Rows count from row 1 (empty rows too); columns
# count up to the last cell with a value (empty formatted cells further right are ignored).
DEFAULT_MAX_SHEET_ROWS = 500_000
DEFAULT_MAX_SHEET_COLUMNS = 1_000
EXCEL_MAX_ROWS = 1_048_576  # no row of a real workbook lies further down


def _read_csv(path: Path) -> pd.DataFrame:
    text = read_text(path)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise InputError(f"cannot be read as a table ({exc}); usually a double quote (\") "
                         "that opens a cell is never closed, so the rest of the file "
                         "becomes one cell.", path=path, line=reader.line_num,
                         allowed="comma-, semicolon- or tab-separated rows; text with commas, "
                         "quotes or line breaks inside double quotes, each quote closed.") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise InputError("the file has no rows.", path=path)
    header = [h.strip() for h in rows[0]]
    for number, row in enumerate(rows[1:], start=2):
        if len(row) > len(header):
            raise InputError(f"has {len(row)} cells but the header has {len(header)} columns "
                             "(a stray comma, or text with a comma that is not in quotes).",
                             path=path, line=number,
                             allowed="one cell per header column; quote text containing commas.")
    body = [row + [""] * (len(header) - len(row)) for row in rows[1:]]
    return pd.DataFrame(body, columns=header, dtype=str)


def sheet_limits(max_rows: int | None = None,
                 max_columns: int | None = None) -> tuple[int | None, int | None]:
    """(rows, columns) read from a worksheet at most: the values given, else
    ``RMRESEARCH_MAX_SHEET_ROWS`` / ``RMRESEARCH_MAX_SHEET_COLUMNS``, else the defaults;
    None for a limit of 0 (off)."""
    rows = resolve_limit(max_rows, max_sheet_rows_setting, DEFAULT_MAX_SHEET_ROWS,
                         MAX_SHEET_ROWS_ENV, "rows")
    columns = resolve_limit(max_columns, max_sheet_columns_setting, DEFAULT_MAX_SHEET_COLUMNS,
                            MAX_SHEET_COLUMNS_ENV, "columns")
    return (None if rows is None else int(rows)), (None if columns is None else int(columns))


def _raise_it(variable: str) -> str:
    return (f"Delete what is not part of the table, or raise the limit with the environment "
            f"variable {variable}=N (0 turns the limit off).")


def _within_columns(values: tuple, limit: int, number: int, path: Path) -> tuple:
    """The row cut to ``limit`` columns, or `InputError` if a cell beyond holds a value."""
    extra = values[limit:]
    if extra.count(None) + extra.count("") == len(extra):
        return values[:limit]
    from openpyxl.utils import get_column_letter

    column = limit + next(i for i, v in enumerate(extra) if v is not None and v != "") + 1
    raise InputError(f"a value in column {get_column_letter(column)} (column {column:,}) "
                     f"lies beyond the limit of {limit:,} columns.", path=path, row=number,
                     allowed=f"tables of up to {limit:,} columns. "
                     + _raise_it(MAX_SHEET_COLUMNS_ENV))


def _too_many_rows(number: int, limit: int | None, path: Path) -> InputError:
    if limit is None:
        return InputError(f"the first sheet has a row numbered {number:,}, past the last row "
                          f"of any Excel sheet ({EXCEL_MAX_ROWS:,}).", path=path,
                          allowed="a workbook saved by Excel, LibreOffice or Google Sheets.")
    return InputError(f"the first sheet has values in row {number:,}, past the limit of "
                      f"{limit:,} rows.", path=path,
                      allowed=f"tables of up to {limit:,} rows (empty rows count). "
                      + _raise_it(MAX_SHEET_ROWS_ENV))


def _sheet_rows(sheet: Any, path: Path) -> list[list[str]]:
    """The sheet's rows as text, read as they come (the declared dimension is ignored: it
    made a 5 kB file ask for 17 billion cells, and one that understated its size lost rows).
    Empty rows are dropped; rows are cut to the header's width once the header is known."""
    max_rows, max_columns = sheet_limits()
    sheet.reset_dimensions()
    rows: list[list[str]] = []
    width: int | None = None
    for number, values in enumerate(sheet.iter_rows(min_row=1, min_col=1, values_only=True),
                                    start=1):
        if number > EXCEL_MAX_ROWS:
            raise _too_many_rows(number, None, path)
        if max_columns is not None and len(values) > max_columns:
            values = _within_columns(values, max_columns, number, path)
        if values.count(None) == len(values):
            continue  # an empty row (or a gap openpyxl fills in)
        if max_rows is not None and number > max_rows:
            raise _too_many_rows(number, max_rows, path)
        row = ["" if v is None else _cell_text(v) for v in values[:width]]
        if width is None and any(c.strip() for c in row):
            header = [h.strip() for h in row]
            width = max(i + 1 for i, h in enumerate(header) if h)
        rows.append(row)
    return rows


def _read_xlsx(path: Path) -> pd.DataFrame:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        check_zip(path)  # limits on entries and unpacked size, before openpyxl unpacks
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, *_DAMAGED) as exc:
        raise InputError(f"is not a readable Excel workbook ({_why(exc)}).",
                         path=path, allowed="an .xlsx workbook (old .xls files must be "
                         "re-saved as .xlsx).") from None
    try:
        if not book.worksheets:
            raise InputError("the workbook has no worksheet (only chart sheets, or none).",
                             path=path, allowed="an .xlsx workbook whose first sheet holds "
                             "the table.")
        rows = _sheet_rows(book.worksheets[0], path)
    except _DAMAGED as exc:
        raise InputError(f"the first sheet of the workbook is damaged and cannot be read "
                         f"({_why(exc)}).", path=path, allowed="an .xlsx workbook "
                         "saved by Excel, LibreOffice or Google Sheets.") from None
    finally:
        book.close()
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise InputError("the first sheet has no rows.", path=path)
    header = [h.strip() for h in rows[0]]
    width = max(i + 1 for i, h in enumerate(header) if h) if any(header) else 0
    return pd.DataFrame([r[:width] + [""] * (width - len(r[:width])) for r in rows[1:]],
                        columns=header[:width], dtype=str)


def _why(exc: BaseException) -> str:
    return "damaged compressed data" if isinstance(exc, zlib.error) else type(exc).__name__


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a .csv or .xlsx file into a DataFrame of strings (empty cells are '').

    Raises
    ------
    InputError
        Unknown extension, unreadable file, malformed rows, blank or duplicate headers.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        df = _read_csv(path)
    elif suffix == ".xlsx":
        df = _read_xlsx(path)
    else:
        raise InputError(f"unknown spreadsheet type '{suffix}'.", path=path,
                         allowed="'.csv' or '.xlsx'.")
    blank = [i + 1 for i, c in enumerate(df.columns) if not str(c).strip()]
    if blank:
        raise InputError(f"header cell(s) {blank} are blank.", path=path, line=1,
                         allowed="a name in every header cell.")
    dupes = sorted({c for c in df.columns if list(df.columns).count(c) > 1})
    if dupes:
        raise InputError(f"column name(s) {dupes} appear more than once.", path=path, line=1)
    return df


def require_columns(df: pd.DataFrame, required: tuple[str, ...], path: Path) -> None:
    """Raise `InputError` naming the missing columns and the ones found."""
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputError(f"is missing required column(s) {missing}; the columns found are "
                         f"{list(df.columns)}.", path=path, line=1,
                         allowed=f"a header with {list(required)} and the question columns.")


def _likert(series: pd.Series) -> bool:
    filled = series[series.str.strip() != ""]
    return bool(len(filled)) and bool(filled.str.strip().str.fullmatch(r"-?\d+(\.0+)?").all())


def read_form(path: str | Path) -> ParsedDoc:
    """Read an evaluation-form export (see module docstring)."""
    path = Path(path)
    df = read_table(path)
    df.columns = [c.strip().lower().replace(" ", "_") for c in df.columns]
    same = sorted({c for c in df.columns if list(df.columns).count(c) > 1})
    if same:
        raise InputError(f"two or more columns are named {same} once upper/lower case and "
                         "spaces are ignored ('Q 1' and 'q_1' are the same question).",
                         path=path, line=1, allowed="a different name for every column.")
    require_columns(df, FORM_ID_COLUMNS, path)
    df = df[df["respondent_id"].str.strip() != ""].reset_index(drop=True)
    if df.empty:
        raise InputError("has a header but no respondents.", path=path)
    dup = df["respondent_id"][df["respondent_id"].duplicated()].tolist()
    if dup:
        raise InputError(f"respondent id(s) {sorted(set(dup))} appear more than once.",
                         path=path, column="respondent_id",
                         allowed="one row per respondent.")
    questions = [c for c in df.columns if c not in FORM_ID_COLUMNS + _OPTIONAL_ID_COLUMNS]
    if not questions:
        raise InputError("has no question columns after 'respondent_id' and 'role'.", path=path)
    scale = [q for q in questions if _likert(df[q])]
    return _form_doc(df, scale, [q for q in questions if q not in scale], path)


def _form_doc(df: pd.DataFrame, scale: list[str], free: list[str], path: Path) -> ParsedDoc:
    responses, lines, turns, pos = [], [], [], 0
    # Plain dicts, not ``iterrows()``: a Series per row made a 100,000-row export take ~35 s.
    has_stage = "stage" in df.columns
    for idx, row in enumerate(df.to_dict("records")):
        rid, role = row["respondent_id"].strip(), row["role"].strip().lower()
        stage = row.get("stage", "").strip() if has_stage else ""
        for q in scale:
            cell = row[q].strip()
            value = float(cell) if cell else None
            if value is not None and not 1 <= value <= 10:
                raise InputError(f"value {cell} is outside the 1-10 scale.", path=path,
                                 line=int(idx) + 2, column=q, allowed="whole numbers 1 to 10, "
                                 "or an empty cell for no answer.")
            responses.append(dict(respondent_id=rid, role=role, stage=stage, question_id=q,
                                  value=value, text=None))
        for q in free:
            answer = " ".join(row[q].split())
            if not answer:
                continue
            responses.append(dict(respondent_id=rid, role=role, stage=stage, question_id=q,
                                  value=None, text=answer))
            prefix = f"{rid} | {q}: "
            speaker_role = role if role in ("mentor", "mentee", "staff") else "respondent"
            turns.append(Turn(pos + len(prefix), pos + len(prefix) + len(answer), rid,
                              speaker_role, None))
            lines.append(prefix + answer + "\n")
            pos += len(lines[-1])
    return ParsedDoc(text="".join(lines), turns=turns, responses=responses)
