"""Small-cell suppression for published tables (NHS practice: counts of 1-4 are not shown).

Choices made here, so a reader of a published table knows what a symbol means:

- Zero is shown as 0. A zero identifies nobody, and hiding it would also hide "nothing was
  found", which is itself a finding. (Set ``keep_zero=False`` to suppress zeros too.)
- Counts 1 .. threshold-1 are *primary* suppressions, shown as ``marker`` (default ``"<5"``).
- In a table published with row and column totals, a suppressed cell could be recovered by
  subtraction if it were the only hidden cell of its row or column. *Secondary* suppression
  hides one more cell of such a row or column (the smallest non-zero visible body cell; a zero
  or a total only if nothing else is left) and repeats until no row or column has exactly one
  hidden cell. Secondary cells are shown as ``secondary_marker`` (default ``"*"``), because
  they are not necessarily below 5.
- Counts must be whole numbers; missing values stay missing. The result has dtype object
  (Python ints and marker strings). Everything is deterministic: ties between equally small
  cells go to the first in row-major order.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from ..errors import InputError, join_allowed

__all__ = ["suppress_counts", "suppression_mask", "suppress_table"]

PRIMARY, SECONDARY = "primary", "secondary"


def _marker(marker: str | None, threshold: int) -> str:
    return f"<{threshold}" if marker is None else marker


def _is_small(values: pd.Series, threshold: int, keep_zero: bool) -> pd.Series:
    num = pd.to_numeric(values, errors="coerce")
    low = 0 if not keep_zero else 1
    return num.notna() & (num >= low) & (num < threshold)


def _as_int(value: object) -> object:
    if isinstance(value, (int, np.integer)) or (isinstance(value, (float, np.floating))
                                                and float(value).is_integer()):
        return int(value)
    return value


def suppress_counts(df: pd.DataFrame, count_cols: Sequence[str] | str, threshold: int = 5,
                    marker: str | None = None, linked_cols: Sequence[str] = (),
                    keep_zero: bool = True) -> pd.DataFrame:
    """Primary suppression of count columns in a long table.

    Parameters
    ----------
    df : DataFrame
        Any table with count columns (e.g. `level_counts`).
    count_cols : str or sequence of str
        Columns holding counts.
    threshold : int
        Counts from 1 to ``threshold - 1`` are hidden (default 5: 1-4 hidden).
    marker : str, optional
        Shown instead of a hidden count (default ``"<{threshold}"``, i.e. ``"<5"``).
    linked_cols : sequence of str
        Columns derived from the counts (proportions, means) that would give a hidden count
        away; they are replaced by ``marker`` in every row where a count was hidden.
    keep_zero : bool
        Show zeros (default True, see the module notes).

    Returns
    -------
    DataFrame
        A copy of ``df``; the count and linked columns have dtype object holding ints (or
        the original values) and the marker. Other columns are unchanged.
    """
    cols = [count_cols] if isinstance(count_cols, str) else list(count_cols)
    missing = [c for c in [*cols, *linked_cols] if c not in df.columns]
    if missing:
        raise InputError(f"The table has no column(s) {join_allowed(missing)}.",
                         allowed=join_allowed(map(str, df.columns)))
    for col in cols:
        if pd.to_numeric(df[col], errors="coerce").isna().all() and df[col].notna().any():
            raise InputError(f"Column '{col}' holds no numbers, so it cannot be suppressed.",
                             allowed="a column of counts.")
    text = _marker(marker, threshold)
    out = df.copy()
    hidden_rows = pd.Series(False, index=df.index)
    for col in cols:
        small = _is_small(df[col], threshold, keep_zero)
        hidden_rows |= small
        out[col] = pd.Series([text if hide else _as_int(v) for v, hide in zip(df[col], small)],
                             index=df.index, dtype=object)
    for col in linked_cols:
        out[col] = pd.Series([text if hide else v for v, hide in zip(df[col], hidden_rows)],
                             index=df.index, dtype=object)
    return out


def _with_totals(wide: pd.DataFrame, label: str) -> pd.DataFrame:
    body = wide.apply(pd.to_numeric, errors="coerce").fillna(0)
    if label not in body.columns:
        body[label] = body.drop(columns=[label], errors="ignore").sum(axis=1)
    if label not in body.index:
        body.loc[label] = body.drop(index=[label], errors="ignore").sum(axis=0)
    return body


def _equations(shape: tuple[int, int]) -> list[list[tuple[int, int]]]:
    rows = [[(i, j) for j in range(shape[1])] for i in range(shape[0])]
    cols = [[(i, j) for i in range(shape[0])] for j in range(shape[1])]
    return rows + cols


def _complement(eq: list[tuple[int, int]], values: np.ndarray, state: np.ndarray,
                total_pos: set[tuple[int, int]]) -> tuple[int, int] | None:
    free = [c for c in eq if state[c] == ""]
    if not free:
        return None
    return min(free, key=lambda c: (c in total_pos, values[c] == 0, values[c], c))


def suppression_mask(wide_df: pd.DataFrame, threshold: int = 5, totals: bool = True,
                     total_label: str = "Total", keep_zero: bool = True) -> pd.DataFrame:
    """Which cells of a wide count table to hide, and why.

    Returns
    -------
    DataFrame
        Same shape as the table published (with the ``total_label`` row and column added when
        ``totals`` and absent); each cell ``""`` (shown), ``"primary"`` or ``"secondary"``.
    """
    table = _with_totals(wide_df, total_label) if totals else \
        wide_df.apply(pd.to_numeric, errors="coerce")
    values = table.to_numpy(dtype=float)
    small = np.nan_to_num(values, nan=-1.0)
    low = 1 if keep_zero else 0
    state = np.where((small >= low) & (small < threshold), PRIMARY, "").astype(object)
    if totals:
        r, c = table.index.get_loc(total_label), table.columns.get_loc(total_label)
        total_pos = {(i, c) for i in range(values.shape[0])} | \
            {(r, j) for j in range(values.shape[1])}
        changed = True
        while changed:
            changed = False
            for eq in _equations(values.shape):
                if sum(state[x] != "" for x in eq) == 1:
                    pick = _complement(eq, values, state, total_pos)
                    if pick is not None:
                        state[pick], changed = SECONDARY, True
    return pd.DataFrame(state, index=table.index, columns=table.columns)


def suppress_table(wide_df: pd.DataFrame, threshold: int = 5, totals: bool = True,
                   marker: str | None = None, secondary_marker: str = "*",
                   total_label: str = "Total", keep_zero: bool = True) -> pd.DataFrame:
    """Primary and secondary suppression of a wide count table (e.g. cohort x level).

    Parameters
    ----------
    wide_df : DataFrame
        Counts, rows and columns labelled; missing cells count as 0. If it already has a
        ``total_label`` row/column they are used as the published totals; otherwise, with
        ``totals=True``, they are added (sums of the unsuppressed counts).
    threshold : int
        Counts 1 .. threshold-1 are hidden (default 5).
    totals : bool
        Publish row and column totals and apply secondary suppression (default True). With
        False only primary suppression is applied and no totals are added.
    marker, secondary_marker : str
        Shown for primary (default ``"<{threshold}"``) and secondary (``"*"``) suppressions.
    total_label : str
        Label of the totals row and column (default ``"Total"``).
    keep_zero : bool
        Show zeros (default True).

    Returns
    -------
    DataFrame
        dtype object, same labels as ``wide_df`` plus the totals row and column: Python ints
        where shown, the markers where hidden. No row or column contains exactly one hidden
        cell, so no hidden cell can be recovered by subtraction from a total.
    """
    state = suppression_mask(wide_df, threshold, totals, total_label, keep_zero)
    table = _with_totals(wide_df, total_label) if totals else wide_df
    labels = {PRIMARY: _marker(marker, threshold), SECONDARY: secondary_marker}
    cells = [[labels[s] if s else _as_int(v) for v, s in zip(vals, states)]
             for vals, states in zip(table.to_numpy(dtype=object), state.to_numpy())]
    return pd.DataFrame(cells, index=table.index, columns=table.columns, dtype=object)
