"""Spreadsheet mode: code one text column of a CSV or XLSX file into a new CSV or XLSX file.

Output columns are exactly ``id, code, score, valence, evidence, coder``: one row per (id,
level) assigned; rows judged not codable produce no row.

Input rules (every problem names the file, the row and the column):

* the text and id columns must exist (the message lists the columns found);
* ids must be present and unique (duplicates are named with their rows); numeric ids are
  fine and are written as text (``12`` and ``12.0`` both become ``"12"``);
* every text cell must hold text: an empty cell is an error (say which row), and so is a
  cell holding only a number, a date or a true/false value, in CSV as in XLSX, because that
  almost always means the wrong column was chosen;
* XLSX files are read from their first sheet;
* every code of the codebook needs patterns or examples.

Nothing is written unless the whole file codes: the output goes to a temporary file in the
same folder and is renamed over the target at the end. Cells are written through
`rmresearch.cells`: an id or evidence beginning ``= + - @`` (a formula to a spreadsheet) is
written as text with a leading ``'``, never as a formula; scores stay numbers.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..atomic import atomic_path
from ..cells import safe_csv, write_frame
from ..codebook import Codebook, default_codebook
from ..errors import InputError, join_allowed
from .api import check_codebook_codable, code_segments

__all__ = ["code_spreadsheet", "read_table", "OUTPUT_COLUMNS"]

OUTPUT_COLUMNS = ["id", "code", "score", "valence", "evidence", "coder"]
_SUFFIXES = (".csv", ".xlsx")
_NUMBER = re.compile(r"^\s*[-+]?(\d+([.,]\d*)?|\.\d+)([eE][-+]?\d+)?\s*%?\s*$")


def _check_suffix(path: Path, role: str) -> str:
    suffix = path.suffix.lower()
    if suffix not in _SUFFIXES:
        raise InputError(f"the {role} file must be a .csv or .xlsx file, not '{suffix or path.name}'",
                         path=path, allowed=join_allowed(_SUFFIXES))
    return suffix


def read_table(path: str | Path) -> Any:
    """Read a CSV (UTF-8, text cells) or the first sheet of an XLSX file (typed cells)."""
    import pandas as pd

    path = Path(path)
    suffix = _check_suffix(path, "input")
    if not path.is_file():
        raise InputError("file not found", path=path)
    try:
        if suffix == ".csv":
            return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        return pd.read_excel(path, sheet_name=0, dtype=object)
    except pd.errors.EmptyDataError:
        raise InputError("the file is empty; it needs a header row and at least one row",
                         path=path) from None
    except UnicodeDecodeError:
        raise InputError("cannot be read as UTF-8 text; save it as 'CSV UTF-8'", path=path) \
            from None
    except Exception as exc:  # openpyxl / parser errors: corrupt or not really that format
        raise InputError(f"cannot be read as a {suffix[1:].upper()} table "
                         f"({exc.__class__.__name__}: {exc})", path=path) from None


def _is_blank(value: Any) -> bool:
    import pandas as pd

    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _not_text(value: Any) -> str | None:
    """What a non-text cell holds ("a number", "a datetime value"), or None for text."""
    if isinstance(value, str):
        return "a number" if _NUMBER.match(value) else None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    return f"a {type(value).__name__} value"


def _id_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _cells(table: Any, path: Path, text_column: str, id_column: str) -> tuple[list[str],
                                                                               list[str]]:
    """Check the id and text columns; return ids and texts as strings."""
    found = ", ".join(f"'{c}'" for c in table.columns) or "none"
    for col, what in ((text_column, "text"), (id_column, "id")):
        if col not in table.columns:
            raise InputError(f"no {what} column '{col}'; columns found: {found}", path=path,
                             column=col)
    ids, texts = [], []
    for pos, (raw_id, raw_text) in enumerate(zip(table[id_column], table[text_column])):
        row = pos + 2  # spreadsheet row: the header is row 1
        if _is_blank(raw_id):
            raise InputError("the id cell is empty; every row needs an id", path=path,
                             row=row, column=id_column)
        if _is_blank(raw_text):
            raise InputError("the text cell is empty; remove the row or add its text",
                             path=path, row=row, column=text_column)
        kind = _not_text(raw_text)
        if kind:
            raise InputError(f"the text cell holds {kind} ({raw_text!r}), not text; is "
                             f"'{text_column}' the right column?", path=path, row=row,
                             column=text_column)
        ids.append(_id_text(raw_id))
        texts.append(raw_text)
    _check_unique(ids, path, id_column)
    return ids, texts


def _check_unique(ids: list[str], path: Path, id_column: str) -> None:
    rows: dict[str, list[int]] = {}
    for pos, value in enumerate(ids):
        rows.setdefault(value, []).append(pos + 2)
    dups = {k: v for k, v in rows.items() if len(v) > 1}
    if dups:
        shown = "; ".join(f"'{k}' (rows {', '.join(map(str, v))})"
                          for k, v in list(dups.items())[:10])
        raise InputError(f"duplicate id(s): {shown}; every row needs its own id", path=path,
                         column=id_column)


def code_spreadsheet(input_path: str | Path, output_path: str | Path,
                     text_column: str = "text", id_column: str = "id",
                     codebook: Codebook | None = None, *, coder: Any = None,
                     progress: bool = False) -> Any:
    """Code a spreadsheet's text column and write the codings as CSV or XLSX.

    Parameters
    ----------
    input_path : str or Path
        ``.csv`` (UTF-8) or ``.xlsx`` (first sheet) with a header row.
    output_path : str or Path
        ``.csv`` or ``.xlsx``; written atomically, only if everything codes.
    text_column, id_column : str
        Header names of the text to code and of the row identifier.
    codebook : Codebook or None
        The coding frame (default: the shipped EDI levels).
    coder : fitted coder or None
        Default: the ensemble coder for ``codebook``.

    Returns
    -------
    DataFrame
        What was written: ``id, code, score, valence, evidence, coder`` (in the file, text
        that a spreadsheet would run as a formula has a leading ``'``; see `rmresearch.cells`).

    Raises
    ------
    InputError
        Bad file, missing column, empty or non-text cell, duplicate ids (file, row, column).
    CodingError
        A codebook code with neither patterns nor examples.
    """
    import pandas as pd

    input_path, output_path = Path(input_path), Path(output_path)
    out_suffix = _check_suffix(output_path, "output")
    cb = codebook or default_codebook()
    check_codebook_codable(cb)
    ids, texts = _cells(read_table(input_path), input_path, text_column, id_column)
    segments = pd.DataFrame({"segment_id": ids, "text": texts})
    codings = code_segments(segments, cb, coder=coder, progress=progress)
    result = codings.rename(columns={"segment_id": "id"})[OUTPUT_COLUMNS]
    _write(result, output_path, out_suffix)
    return result


def _write(result: Any, path: Path, suffix: str) -> None:
    """Write the codings atomically, every cell made safe (`rmresearch.cells`)."""
    if suffix == ".csv":
        safe_csv(result, path)
        return
    import openpyxl

    with atomic_path(path) as tmp:
        book = openpyxl.Workbook()
        book.active.title = "codings"
        write_frame(book.active, result)
        book.save(tmp)
