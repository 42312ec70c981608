"""The mentor chooses the quotes: a review workbook out (`write_review`), choices in
(`read_review`, `store_review`).

The workbook (``.xlsx``) lists every quote the sheet could show
(`rmresearch.feedback.candidates.candidate_table`, pseudonymised), one row per passage and
level, with a ``keep`` column pre-filled with what the sheet shows now (``keep`` or
``drop``; a drop-down list offers both). The mentor changes ``keep`` where they disagree and
gives the file back with ``rmresearch feedback --review FILE``: every filled-in ``keep`` is
stored in the project store (``ProjectStore.add_sheet_choices``) as the mentor's choice for
that passage at that level (``evidence_id`` and ``level``), and no machine run changes it.
Every cell is written through `rmresearch.cells` (text a spreadsheet would run as a formula
gets a leading ``'``) and read back through `rmresearch.cells.restore_frame`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..cells import append_row, restore_frame
from ..errors import InputError, join_allowed
from ..vocabulary import LEVELS
from .candidates import DROP, KEEP
from .pair import PairFeedback

__all__ = ["REVIEW_COLUMNS", "review_path", "review_frame", "write_review", "read_review",
           "store_review", "stored_choices"]

#: the columns of the review workbook's ``quotes`` sheet (``keep`` is the mentor's)
REVIEW_COLUMNS = ["pair", "evidence_id", "level", "valence", "kind", "source", "session",
                  "where", "quote", "keep"]
_KEPT = (KEEP, DROP)
_SHEET = "quotes"
_WIDTHS = {"pair": 10, "evidence_id": 30, "level": 14, "valence": 11, "kind": 10,
           "source": 22, "session": 8, "where": 30, "quote": 80, "keep": 8}


def review_path(folder: str | Path, pair: str) -> Path:
    """Where a run writes the pair's review workbook before it is moved: ``folder/
    quotes_<pair>.xlsx``."""
    return Path(folder) / f"quotes_{pair}.xlsx"


def review_frame(fb: PairFeedback) -> pd.DataFrame:
    """The rows of the review workbook (`REVIEW_COLUMNS`) for ``fb`` (its ``candidates``,
    as pseudonymised as ``fb``); ``keep`` holds what the sheet shows now."""
    c = fb.candidates
    return pd.DataFrame({
        "pair": fb.pair, "evidence_id": c["segment_id"].astype(str), "level": c["code"],
        "valence": c["valence"], "kind": c["kind"], "source": c["source_label"],
        "session": ["" if pd.isna(s) else str(int(s)) for s in c["session"]],
        "where": c["where"], "quote": c["quote"],
        "keep": [KEEP if s else DROP for s in c["shown"].astype(bool)]},
        columns=REVIEW_COLUMNS)


def write_review(fb: PairFeedback, path: str | Path) -> Path:
    """Write the review workbook of ``fb`` to ``path`` (atomically): a ``quotes`` sheet
    (`review_frame`; ``keep`` with a drop-down list of ``keep`` and ``drop``) and a ``help``
    sheet saying what to do."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..atomic import atomic_path

    rows = review_frame(fb)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _SHEET
    append_row(sheet, REVIEW_COLUMNS)
    for record in rows.itertuples(index=False, name=None):
        append_row(sheet, [str(v) for v in record])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for i, name in enumerate(REVIEW_COLUMNS, start=1):
        letter = openpyxl.utils.get_column_letter(i)
        sheet.column_dimensions[letter].width = _WIDTHS[name]
        if name == "quote":
            for cell in sheet[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    keep = openpyxl.utils.get_column_letter(len(REVIEW_COLUMNS))
    rule = DataValidation(type="list", formula1=f'"{",".join(_KEPT)}"', allow_blank=True,
                          showErrorMessage=True, error="Write keep or drop.")
    sheet.add_data_validation(rule)
    rule.add(f"{keep}2:{keep}{max(2, len(rows) + 1)}")
    sheet.freeze_panes = "C2"
    help_sheet = book.create_sheet("help")
    for row in [["what", "how"],
                ["keep", "keep: the quote goes on the sheet (even beyond the usual number); "
                         "drop: it never does, and what it says is not counted either."],
                ["pre-filled", "what the sheet shows now"],
                ["give it back", f"rmresearch feedback ... --pair {fb.pair} --review FILE"],
                ["later runs", "your choices are kept; new notes follow the machine's pick "
                               "until you choose"]]:
        append_row(help_sheet, row)
    with atomic_path(Path(path)) as tmp:
        book.save(tmp)
    return Path(path)


def _read(path: Path) -> pd.DataFrame:
    from ..ingest.tables import read_table

    if path.suffix.lower() != ".xlsx" or not path.is_file():
        raise InputError("is not a review workbook (.xlsx file)" + (
            "" if path.is_file() else ": there is no such file") + ".", path=path,
            allowed="the quotes_<pair>.xlsx that 'rmresearch feedback --review-file' wrote.")
    df = restore_frame(read_table(path))
    missing = [c for c in ("pair", "evidence_id", "level", "keep") if c not in df.columns]
    if missing:
        raise InputError(f"has no column(s) {', '.join(missing)}; the columns found are "
                         f"{', '.join(map(str, df.columns))}.", path=path, line=1,
                         allowed=f"the columns {', '.join(REVIEW_COLUMNS)}.")
    return df.fillna("").astype(str)


def read_review(path: str | Path, pair: str, segments: pd.DataFrame) -> pd.DataFrame:
    """The mentor's choices in the review workbook ``path`` for ``pair``.

    Parameters
    ----------
    path : the filled-in workbook (`write_review`).
    pair : the pair the sheet is for.
    segments : the store's segments (``segment_id, pair_id``), to check every evidence id.

    Returns
    -------
    DataFrame
        ``segment_id, code, keep`` (bool), one row per filled-in ``keep`` (an empty cell
        chooses nothing).

    Raises
    ------
    InputError
        Not an .xlsx file, columns missing, a row for another pair, an evidence id that is
        not one of the pair's passages, a level or ``keep`` value not allowed, or one passage
        and level given twice with different choices: every wrong row is named (spreadsheet
        row numbers), and nothing is stored.
    """
    path = Path(path)
    df = _read(path)
    owner = dict(zip(segments["segment_id"].astype(str), segments["pair_id"].astype(str)))
    problems: dict[str, list[str]] = {}
    rows = []
    for number, r in enumerate(df.itertuples(index=False), start=2):
        sid, level, keep = r.evidence_id.strip(), r.level.strip().lower(), r.keep.strip().lower()
        problem, allowed = _row_problem(r.pair.strip(), sid, level, keep, pair, owner)
        if problem:
            problems.setdefault(f"{problem} (allowed: {allowed})", []).append(str(number))
        elif keep:
            rows.append((sid, level, keep == KEEP, number))
    out = pd.DataFrame(rows, columns=["segment_id", "code", "keep", "row"])
    twice = out[out.duplicated(["segment_id", "code"], keep=False)]
    if twice.groupby(["segment_id", "code"])["keep"].nunique().gt(1).any():
        problems.setdefault("one passage and level is both kept and dropped (allowed: one "
                            "choice per evidence_id and level)", []).extend(
            str(n) for n in twice["row"])
    if problems:
        listed = [f"row{'s' if len(n) > 1 else ''} {', '.join(n[:8])}"
                  f"{' ...' if len(n) > 8 else ''}: {what}" for what, n in problems.items()]
        raise InputError("cannot be used as it is: " + "; ".join(listed[:10]) + (
            f"; and {len(listed) - 10} more problems" if len(listed) > 10 else "") +
            ". Nothing was stored.", path=path)
    return out.drop_duplicates(["segment_id", "code"])[["segment_id", "code", "keep"]]


def _row_problem(row_pair: str, sid: str, level: str, keep: str, pair: str,
                 owner: dict[str, str]) -> tuple[str, str]:
    """What is wrong with one row of a review workbook, and what is allowed ("" if fine)."""
    if row_pair != pair:
        return f"the row is for pair '{row_pair}', not '{pair}'", \
            f"only rows of pair {pair}: the file written for it"
    if owner.get(sid) != pair:
        return f"'{sid}' is not a passage of pair {pair}", \
            "the evidence_id as the file gave it"
    if level not in LEVELS:
        return f"level '{level}' is not a level", join_allowed(LEVELS)
    if keep not in ("", *_KEPT):
        return f"keep '{keep}' is not a choice", f"{join_allowed(_KEPT)}, or empty"
    return "", ""


def store_review(store: Any, path: str | Path, pair: str) -> dict[str, int]:
    """Read the review workbook ``path`` (`read_review`) and store its choices for ``pair``
    in the open project ``store`` in one transaction; return ``{"rows", "changed"}`` (choices
    read, choices that differ from the latest stored ones)."""
    choices = read_review(path, pair, store.segments(current_only=False))
    changed = store.add_sheet_choices(pair, choices, by=f"review file {Path(path).name}")
    return {"rows": len(choices), "changed": changed}


def stored_choices(store_path: str | Path, pair: str) -> pd.DataFrame:
    """The mentor's latest choices for ``pair`` in the project store at ``store_path``
    (``ProjectStore.sheet_choices``; empty when there is none)."""
    from ..store import ProjectStore

    with ProjectStore.open_existing(store_path) as store:
        return store.sheet_choices(pair)
