"""The 1-10 items of an evaluation form: which columns are items, and which answers are scores.

The type of a question is decided from its column as a whole, so one odd answer never turns
an item into free text (and its scores into nothing). A column is a 1-10 item when, of its
filled cells that are not dates or a stated non-answer (``n/a``, ``-``, ``don't know``), at
least half look like numbers: whole numbers (``7``), decimals (``7.5``), fractions (``7/10``)
or number words (``seven``). Dates count for neither side: a spreadsheet turns ``7/10`` into
a date, and a column of dates stays free text.

In an item, every filled cell that is not a whole number from 1 to 10 is a `BadAnswer`
(file, row or line, column, value and why). They are refused all at once, or, with
``lenient`` (``rmresearch ingest --lenient-forms``), kept as missing answers and counted in
the run summary.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InputError

__all__ = ["BadAnswer", "is_scale_item", "scale_values", "bad_answers_error", "SCALE_ALLOWED",
           "LENIENT_OPTION"]

LENIENT_OPTION = "--lenient-forms"
SCALE_ALLOWED = ("whole numbers 1 to 10, or an empty cell for no answer. To keep answers that "
                 "are not scores as missing instead (counted in the run summary), run "
                 f"again with {LENIENT_OPTION} ('rmresearch ingest' or 'rmresearch report').")
_WHOLE = r"[-+]?\d+(?:\.0+)?"
_NUMBER = r"[-+]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][-+]?\d+)?"
_FRACTION = rf"{_NUMBER}\s*/\s*10"
_WORDS = r"zero|one|two|three|four|five|six|seven|eight|nine|ten"
_NUMBERISH = rf"(?i:{_NUMBER}|{_FRACTION}|{_WORDS})"
_DATE = (r"\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
         r"|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}")
_NON_ANSWERS = frozenset({"n/a", "na", "n.a.", "-", "--", "none", "dk", "don't know",
                          "dont know", "not applicable", "prefer not to say"})
_MAX_SHOWN = 10


@dataclass(frozen=True)
class BadAnswer:
    """An answer that cannot be read as a score: where it is, what it is and why."""

    path: str
    unit: str  # "line" (CSV) or "row" (.xlsx)
    number: int
    column: str
    value: str
    reason: str

    def where(self) -> str:
        """``line 4, column 'q1'``."""
        return f"{self.unit} {self.number}, column '{self.column}'"

    def __str__(self) -> str:
        return f"{self.path}, {self.where()}: '{self.value}' {self.reason}"


def is_scale_item(cells: pd.Series) -> bool:
    """True when the column of text ``cells`` is a 1-10 item (see module docstring)."""
    filled = cells.str.strip()
    filled = filled[filled != ""]
    neutral = filled.str.lower().isin(_NON_ANSWERS) | filled.str.fullmatch(_DATE)
    counted = filled[~neutral]
    numbers = int(counted.str.fullmatch(_NUMBERISH).sum())
    return numbers > 0 and 2 * numbers >= len(counted)


def _reason(cell: str, value: float | None) -> str:
    if value is not None:
        return "is outside the 1-10 scale"
    if re.fullmatch(_NUMBER, cell):
        return "is not a whole number"
    if re.fullmatch(_FRACTION, cell):
        return "is a fraction (write the score alone, e.g. 7)"
    if re.fullmatch(_WORDS, cell, flags=re.I):
        return "is a number in words (write it in digits, e.g. 7)"
    if re.fullmatch(_DATE, cell):
        return "is a date, not a score (a spreadsheet may have turned an answer like 7/10 " \
               "into a date)"
    if cell.lower() in _NON_ANSWERS:
        return "is not a score (leave the cell empty for no answer)"
    return "is not a number"


def scale_values(cells: pd.Series, column: str, numbers: list[int], unit: str,
                 path: Path) -> tuple[list[float | None], list[BadAnswer]]:
    """The scores of an item's ``cells`` (None for no answer or a bad one) and its bad
    answers; ``numbers`` are the file's line or row numbers of the cells."""
    values: list[float | None] = []
    bad: list[BadAnswer] = []
    whole = re.compile(_WHOLE)
    for cell, number in zip(cells.str.strip(), numbers):
        value = float(cell) if whole.fullmatch(cell) else None
        if cell and (value is None or not 1 <= value <= 10):
            bad.append(BadAnswer(str(path), unit, number, column, cell, _reason(cell, value)))
            value = None
        values.append(value)
    return values, bad


def bad_answers_error(path: Path, bad: list[BadAnswer]) -> InputError:
    """The error refusing a form with ``bad`` answers (all of them counted, the first ten
    shown), naming the file, row or line, column and value."""
    if len(bad) == 1:
        one = bad[0]
        where = {one.unit: one.number}
        return InputError(f"'{one.value}' {one.reason}; it is an answer to a 1-10 item.",
                          path=path, column=one.column, allowed=SCALE_ALLOWED, **where)
    shown = "; ".join(f"{b.where()}: '{b.value}' {b.reason}" for b in bad[:_MAX_SHOWN])
    more = f"; ... and {len(bad) - _MAX_SHOWN} more" if len(bad) > _MAX_SHOWN else ""
    return InputError(f"{len(bad)} answers to 1-10 items are not scores: {shown}{more}.",
                      path=path, allowed=SCALE_ALLOWED)
