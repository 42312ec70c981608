"""Spreadsheets: reading .csv/.xlsx as text tables, and evaluation-form exports.

An evaluation form has one row per respondent: ``respondent_id``, ``role``, then 1-10 items
and free-text columns. Each question's type is decided from its column as a whole
(`scale.is_scale_item`: mostly numbers is an item), and in an item every answer that is not a
whole number 1-10 is refused with its file, line or row, column and value, or kept as missing
and counted with ``lenient`` (`read_form_checked`). Cells holding a formula with no saved
result (`formulas`) are reported the same way, never read as blank answers. A form becomes
rows of the long ``responses`` table, and its free-text answers become a document
(``respondent | question: answer`` per line) so answers can be segmented and coded.
"""
from __future__ import annotations

import csv
import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..archive import check_zip, resolve_limit
from ..config import (MAX_SHEET_COLUMNS_ENV, MAX_SHEET_ROWS_ENV, max_sheet_columns_setting,
                      max_sheet_rows_setting)
from ..errors import InputError
from .decode import read_text
from .formulas import FormulaCell, formulas_error, uncached_formulas, worksheet_member
from .parsed import ParsedDoc, Turn
from .scale import BadAnswer, bad_answers_error, is_scale_item, scale_values

__all__ = ["Sheet", "read_sheet", "read_table", "read_form", "read_form_checked",
           "require_columns", "sheet_limits", "FORM_ID_COLUMNS", "DEFAULT_MAX_SHEET_ROWS",
           "DEFAULT_MAX_SHEET_COLUMNS", "EXCEL_MAX_ROWS"]

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


@dataclass
class Sheet:
    """A table as read: ``frame`` (text cells, one row per filled row below the header),
    ``numbers`` (the file's number of each row: its line in a CSV, its row in a workbook),
    ``unit`` (``"line"`` or ``"row"``) and ``formulas`` (cells of the table holding a formula
    with no saved result; they read as '')."""

    frame: pd.DataFrame
    numbers: list[int]
    unit: str
    formulas: list[FormulaCell]


def _csv_records(text: str, sep: str, path: Path) -> list[tuple[int, list[str]]]:
    """(line where the record starts, cells) of every record that is not blank."""
    reader = csv.reader(io.StringIO(text), delimiter=sep)
    records, line = [], 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                records.append((line, row))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"cannot be read as a table ({exc}); usually a double quote (\") "
                         "that opens a cell is never closed, so the rest of the file "
                         "becomes one cell.", path=path, line=reader.line_num,
                         allowed="comma-, semicolon- or tab-separated rows; text with commas, "
                         "quotes or line breaks inside double quotes, each quote closed.") from None
    return records


def _read_csv(path: Path) -> Sheet:
    text = read_text(path)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    records = _csv_records(text, sep, path)
    if not records:
        raise InputError("the file has no rows.", path=path)
    header = [h.strip() for h in records[0][1]]
    for number, row in records[1:]:
        if len(row) > len(header):
            raise InputError(f"has {len(row)} cells but the header has {len(header)} columns "
                             "(a stray comma, or text with a comma that is not in quotes).",
                             path=path, line=number,
                             allowed="one cell per header column; quote text containing commas.")
    body = [row + [""] * (len(header) - len(row)) for _, row in records[1:]]
    return Sheet(pd.DataFrame(body, columns=header, dtype=str), [n for n, _ in records[1:]],
                 "line", [])


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


def _sheet_rows(sheet: Any, path: Path) -> list[tuple[int, list[str]]]:
    """(row number, cells as text) of the sheet's rows, read as they come (the declared dimension is ignored: it
    made a 5 kB file ask for 17 billion cells, and one that understated its size lost rows).
    Empty rows are dropped; rows are cut to the header's width once the header is known."""
    max_rows, max_columns = sheet_limits()
    sheet.reset_dimensions()
    rows: list[tuple[int, list[str]]] = []
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
        rows.append((number, row))
    return rows


def _read_xlsx(path: Path) -> Sheet:
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
        formulas = uncached_formulas(path, worksheet_member(book.worksheets[0]))
    except _DAMAGED as exc:
        raise InputError(f"the first sheet of the workbook is damaged and cannot be read "
                         f"({_why(exc)}).", path=path, allowed="an .xlsx workbook "
                         "saved by Excel, LibreOffice or Google Sheets.") from None
    finally:
        book.close()
    rows = [(n, r) for n, r in rows if any(c.strip() for c in r)]
    if not rows:
        if formulas:
            raise formulas_error(path, formulas)
        raise InputError("the first sheet has no rows.", path=path)
    top, header = rows[0][0], [h.strip() for h in rows[0][1]]
    width = max(i + 1 for i, h in enumerate(header) if h) if any(header) else 0
    frame = pd.DataFrame([r[:width] + [""] * (width - len(r[:width])) for _, r in rows[1:]],
                         columns=header[:width], dtype=str)
    inside = [f for f in formulas if f.row >= top and f.column <= width]
    return Sheet(frame, [n for n, _ in rows[1:]], "row", inside)


def _why(exc: BaseException) -> str:
    return "damaged compressed data" if isinstance(exc, zlib.error) else type(exc).__name__


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_sheet(path: str | Path) -> Sheet:
    """Read a .csv or .xlsx file into a `Sheet`: a DataFrame of strings (empty cells are
    ''), the file's line (CSV) or row (.xlsx) number of each of its rows, and the cells of
    the table holding a formula with no saved result (read as '').

    Raises
    ------
    InputError
        Unknown extension, unreadable file, malformed rows, blank or duplicate headers.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        sheet = _read_csv(path)
    elif suffix == ".xlsx":
        sheet = _read_xlsx(path)
    else:
        raise InputError(f"unknown spreadsheet type '{suffix}'.", path=path,
                         allowed="'.csv' or '.xlsx'.")
    df = sheet.frame
    blank = [i + 1 for i, c in enumerate(df.columns) if not str(c).strip()]
    if blank:
        if sheet.formulas:  # a header computed by a formula that was never calculated
            raise formulas_error(path, sheet.formulas)
        raise InputError(f"header cell(s) {blank} are blank.", path=path, line=1,
                         allowed="a name in every header cell.")
    dupes = sorted({c for c in df.columns if list(df.columns).count(c) > 1})
    if dupes:
        raise InputError(f"column name(s) {dupes} appear more than once.", path=path, line=1)
    return sheet


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a .csv or .xlsx file into a DataFrame of strings (empty cells are '').

    Raises
    ------
    InputError
        Unknown extension, unreadable file, malformed rows, blank or duplicate headers; a
        formula with no saved result (it would read as an empty cell).
    """
    sheet = read_sheet(path)
    if sheet.formulas:
        raise formulas_error(Path(path), sheet.formulas)
    return sheet.frame


def require_columns(df: pd.DataFrame, required: tuple[str, ...], path: Path) -> None:
    """Raise `InputError` naming the missing columns and the ones found."""
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputError(f"is missing required column(s) {missing}; the columns found are "
                         f"{list(df.columns)}.", path=path, line=1,
                         allowed=f"a header with {list(required)} and the question columns.")


def _form_frame(sheet: Sheet, path: Path) -> tuple[pd.DataFrame, list[int]]:
    """The form's respondents (rows with a respondent id) and their line or row numbers."""
    df = sheet.frame
    df.columns = [c.strip().lower().replace(" ", "_") for c in df.columns]
    same = sorted({c for c in df.columns if list(df.columns).count(c) > 1})
    if same:
        raise InputError(f"two or more columns are named {same} once upper/lower case and "
                         "spaces are ignored ('Q 1' and 'q_1' are the same question).",
                         path=path, line=1, allowed="a different name for every column.")
    require_columns(df, FORM_ID_COLUMNS, path)
    keep = (df["respondent_id"].str.strip() != "").tolist()
    numbers = [n for n, k in zip(sheet.numbers, keep) if k]
    df = df[keep].reset_index(drop=True)
    if df.empty:
        raise InputError("has a header but no respondents.", path=path)
    dup = df["respondent_id"][df["respondent_id"].duplicated()].tolist()
    if dup:
        raise InputError(f"respondent id(s) {sorted(set(dup))} appear more than once.",
                         path=path, column="respondent_id",
                         allowed="one row per respondent.")
    return df, numbers


def _formula_answers(sheet: Sheet, questions: list[str], path: Path) -> list[BadAnswer]:
    """Formulas with no saved result in question columns, as bad answers; anywhere else in
    the table (ids, roles, stages) they are refused."""
    columns = list(sheet.frame.columns)
    out = []
    for cell in sheet.formulas:
        column = columns[cell.column - 1]
        if column not in questions:
            raise formulas_error(path, sheet.formulas)
        out.append(BadAnswer(str(path), sheet.unit, cell.row, column, cell.formula,
                             "is a formula with no saved result (the workbook was never "
                             "calculated)"))
    return out


def read_form_checked(path: str | Path, *, lenient: bool = False
                      ) -> tuple[ParsedDoc, list[BadAnswer]]:
    """Read an evaluation-form export (see module docstring).

    Parameters
    ----------
    path : the .csv or .xlsx export.
    lenient : keep answers to 1-10 items that are not scores (and formulas with no saved
        result) as missing answers, and return them, instead of refusing the form.

    Returns
    -------
    (ParsedDoc, list of BadAnswer)
        The form, and the answers kept as missing (empty unless ``lenient``).

    Raises
    ------
    InputError
        A damaged or malformed table, missing id columns, duplicate respondents; unless
        ``lenient``, answers to 1-10 items that are not whole numbers 1-10 (all listed).
    """
    path = Path(path)
    sheet = read_sheet(path)
    df, numbers = _form_frame(sheet, path)
    questions = [c for c in df.columns if c not in FORM_ID_COLUMNS + _OPTIONAL_ID_COLUMNS]
    if not questions:
        raise InputError("has no question columns after 'respondent_id' and 'role'.", path=path)
    bad = _formula_answers(sheet, questions, path)
    scores = {}
    for q in questions:
        if is_scale_item(df[q]):
            scores[q], wrong = scale_values(df[q], q, numbers, sheet.unit, path)
            bad += wrong
    if bad and not lenient:
        raise bad_answers_error(path, sorted(bad, key=lambda b: (b.number, b.column)))
    doc = _form_doc(df, scores, [q for q in questions if q not in scores])
    return doc, sorted(bad, key=lambda b: (b.number, b.column))


def read_form(path: str | Path, *, lenient: bool = False) -> ParsedDoc:
    """Read an evaluation-form export (see `read_form_checked`; the answers kept as missing
    with ``lenient`` are not returned)."""
    return read_form_checked(path, lenient=lenient)[0]


def _form_doc(df: pd.DataFrame, scores: dict[str, list[float | None]],
              free: list[str]) -> ParsedDoc:
    responses, lines, turns, pos = [], [], [], 0
    # Plain dicts, not ``iterrows()``: a Series per row made a 100,000-row export take ~35 s.
    has_stage = "stage" in df.columns
    for idx, row in enumerate(df.to_dict("records")):
        rid, role = row["respondent_id"].strip(), row["role"].strip().lower()
        stage = row.get("stage", "").strip() if has_stage else ""
        for q, values in scores.items():
            responses.append(dict(respondent_id=rid, role=role, stage=stage, question_id=q,
                                  value=values[idx], text=None))
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
