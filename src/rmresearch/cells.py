"""Safe spreadsheet cells: text that a spreadsheet would run as a formula is written as text.

Every CSV and .xlsx file rmresearch writes (the review sheet, ``code --output``, published
tables) goes through `safe_cell`, the one place that decides how a cell is written
(formula or "CSV" injection, OWASP). A text cell that begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return (OWASP's list; also a line feed, white space like the
other two, and the full-width ``＝ ＋ － ＠`` that some spreadsheets read as formulas) is
written with a single quote ``'`` in front, so Excel, LibreOffice and Google Sheets show it
as text and never run it (``=HYPERLINK("http://x","y")`` becomes
``'=HYPERLINK("http://x","y")``). In .xlsx files every text cell is also stored as a
string, never as a formula or an error value.

What is left as it is:

* numbers (an ``int`` or ``float``, negative too) stay numbers;
* text that is exactly a number (``-3``, ``+0.25``, ``-1e5``) is read as that number by a
  spreadsheet, never as a formula, so it is not prefixed;
* text that begins with anything else.

The prefix is reversible: `restore_cell` removes it where `safe_cell` added it, so reading
back a sheet we wrote gives the original text (a reviewer's decisions and the segments'
text do not change). Text that itself begins with quotes before a trigger (``'=x``) gets
one more quote, so the two functions are exact inverses on text.

For CSV, `safe_frame` also turns carriage returns inside text into line feeds, so a cell
cannot end its row early (see there). Parquet files are for programs, not spreadsheets: they
keep the text exactly as it is.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

__all__ = ["TRIGGERS", "PREFIX", "safe_cell", "restore_cell", "safe_frame", "safe_csv",
           "restore_frame", "append_row", "write_frame"]

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
PREFIX = "'"
_TRIGGER = "".join(re.escape(t) for t in TRIGGERS)
_NEEDS_PREFIX = re.compile(f"'*[{_TRIGGER}]")      # what safe_cell prefixes
_PREFIXED = re.compile(f"'+[{_TRIGGER}]")          # what restore_cell un-prefixes
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")


def safe_cell(value: Any) -> Any:
    """``value`` as it should be written into a spreadsheet or CSV cell.

    Parameters
    ----------
    value : any
        A cell value.

    Returns
    -------
    any
        ``"'" + value`` for text that begins with a trigger (see `TRIGGERS`), possibly after
        single quotes, unless the text is exactly a number; ``value`` itself otherwise
        (numbers, missing values and other text are returned unchanged).
    """
    if (isinstance(value, str) and _NEEDS_PREFIX.match(value)
            and not _NUMBER.fullmatch(value)):
        return PREFIX + value
    return value


def restore_cell(value: Any) -> Any:
    """The original of a cell written through `safe_cell` (the added quote removed).

    Parameters
    ----------
    value : any
        A cell value read back from a file we wrote.

    Returns
    -------
    any
        Text that begins with one or more single quotes followed by a trigger loses one
        quote; everything else is returned unchanged.
    """
    if isinstance(value, str) and _PREFIXED.match(value):
        return value[len(PREFIX):]
    return value


def _map_frame(df: pd.DataFrame, fn: Any) -> pd.DataFrame:
    out = df.copy()
    if isinstance(out.columns, pd.MultiIndex):
        out.columns = pd.MultiIndex.from_tuples([tuple(fn(x) for x in c) for c in out.columns],
                                                names=out.columns.names)
    else:
        out.columns = out.columns.map(fn)
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if column.dtype == object or isinstance(column.dtype, (pd.StringDtype,
                                                               pd.CategoricalDtype)):
            out.isetitem(i, column.map(fn))
    return out


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str) and "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return safe_cell(value)


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` ready for ``to_csv``: carriage returns inside text made line feeds,
    then `safe_cell` applied to every text value and column name.

    Only text columns (object, string, category) are touched: numeric, boolean and date
    columns are left as they are. The line breaks matter because the CSV writer, given
    ``lineterminator="\\n"``, quotes a cell holding ``\\n`` but not one holding a bare
    ``\\r``, which spreadsheets read as the end of the row (so ``"x\\r=1"`` would start a
    new row with a live ``=1``). `restore_frame` does not turn them back.
    """
    return _map_frame(df, _csv_cell)


def safe_csv(df: pd.DataFrame, path: str | Path, *, float_format: str | None = None) -> Path:
    """Write ``df`` as CSV (UTF-8, ``\n`` line ends, no index) to ``path`` atomically, every
    cell made safe by `safe_frame`: the one way rmresearch writes a CSV a person may open."""
    from .atomic import atomic_write_text

    text = safe_frame(df).to_csv(index=False, lineterminator="\n", float_format=float_format)
    return atomic_write_text(path, text)


def restore_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` (read from a file written with `safe_frame` or `append_row`) with
    `restore_cell` applied to every text value and column name."""
    return _map_frame(df, restore_cell)


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """Append ``values`` as a row of the openpyxl worksheet ``sheet``, made safe.

    Each value goes through `safe_cell`; missing values (None, NaN) become empty cells and
    every text cell is stored as a string (data type ``s``), never as a formula or an error
    value such as ``#N/A``.
    """
    row = [None if _missing(v) else safe_cell(v) for v in values]
    sheet.append(row)
    for cell, value in zip(sheet[sheet.max_row], row):
        if isinstance(value, str):
            cell.data_type = "s"


def write_frame(sheet: Any, df: pd.DataFrame) -> None:
    """Write ``df`` (header row, then one row per record) into an openpyxl ``sheet`` through
    `append_row`; numbers stay numbers."""
    append_row(sheet, [str(c) for c in df.columns])
    for record in df.astype(object).itertuples(index=False, name=None):
        append_row(sheet, [_plain(v) for v in record])


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _plain(value: Any) -> Any:
    """numpy numbers as Python numbers (openpyxl writes those as numbers)."""
    return value.item() if isinstance(value, (np.integer, np.floating, np.bool_)) else value
