"""Frequencies: how often each level (and valence) is found, by source, cohort, pair or stage."""
from __future__ import annotations

from typing import Sequence

import pandas as pd

from .coded import FIXED_COLUMNS, category_order, ordered_frame, require_columns

__all__ = ["level_counts", "level_distribution"]


def _as_list(by: str | Sequence[str]) -> list[str]:
    return [by] if isinstance(by, str) else list(by)


def level_counts(coded: pd.DataFrame,
                 by: str | Sequence[str] = ("code", "valence", "source")) -> pd.DataFrame:
    """Count findings in every combination of the ``by`` columns, zeros kept.

    Parameters
    ----------
    coded : DataFrame
        Output of `coded_segments`.
    by : str or sequence of str
        Columns of ``coded`` to count by (default ``code, valence, source``).

    Returns
    -------
    DataFrame
        Long table, one row per combination of categories (absent combinations appear with
        zero), sorted by the ``by`` columns in their display order:

        - one column per ``by`` column. ``code``, ``valence`` and ``source`` list every
          category, zeros kept, in a fixed order: levels in framework order (individual,
          departmental, organisational, symbolic, then any other code), valence
          positive/attention/neutral, sources interview, observation, inspection, journal,
          feedback_form, staff_feedback. Other columns (cohort, pair_id, stage ...) take the
          combinations that occur in ``coded`` (so pairs are not crossed with the wrong
          cohort), stages ordered session_1.. then enrolment/post_training/midpoint/end,
          others sorted as text;
        - ``n`` (int): number of findings (coded (segment, level) rows);
        - ``n_segments`` (int): number of distinct segments among them, only when ``code``
          is not in ``by`` (with it, a segment is one finding per level and the column would
          repeat ``n``).

        Rows whose ``by`` value is missing (e.g. ``pair_id`` of a form) are not counted.
    """
    cols = _as_list(by)
    require_columns(coded, [*cols, "segment_id"], "coded segments")
    grid = _grid(coded, cols)
    grouped = coded.groupby(cols, dropna=True, sort=False)
    counts = pd.DataFrame({"n": grouped.size(), "n_segments": grouped["segment_id"].nunique()})
    out = grid.merge(counts.reset_index(), on=cols, how="left")
    out[["n", "n_segments"]] = out[["n", "n_segments"]].fillna(0)
    out = out.astype({"n": "int64", "n_segments": "int64"})
    return ordered_frame(out.drop(columns="n_segments") if "code" in cols else out, cols)


def _grid(coded: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    """Every category of the fixed columns (code, valence, source) crossed with the
    combinations of the other columns that occur together in ``coded``."""
    fixed = [c for c in cols if c in FIXED_COLUMNS]
    free = [c for c in cols if c not in FIXED_COLUMNS]
    grid = (coded[free].dropna().drop_duplicates() if free
            else pd.DataFrame(index=pd.RangeIndex(1)))
    for col in fixed:
        grid = grid.merge(pd.DataFrame({col: category_order(col, coded[col])}), how="cross")
    return grid[cols].reset_index(drop=True)


def level_distribution(coded: pd.DataFrame, segments: pd.DataFrame,
                       by: str | Sequence[str] = "cohort") -> pd.DataFrame:
    """Share of segments coded at each level, per group.

    Parameters
    ----------
    coded : DataFrame
        Output of `coded_segments`.
    segments : DataFrame
        The segments the shares are taken of (the denominator); filter it first to restrict
        the comparison (e.g. to interviews only).
    by : str or sequence of str
        Grouping column(s) present in ``segments`` (default ``cohort``).

    Returns
    -------
    DataFrame
        One row per group x level (levels in framework order, all four always present):
        the ``by`` column(s), ``code``, ``n`` (segments of the group coded at the level),
        ``n_segments`` (segments in the group), ``prop`` (= n / n_segments, float in 0-1).
        A segment coded at two levels counts once under each, so props need not sum to 1.
    """
    cols = _as_list(by)
    require_columns(segments, [*cols, "segment_id"], "segments")
    require_columns(coded, ["segment_id", "code"], "coded segments")
    base = segments[[*cols, "segment_id"]].dropna(subset=cols)
    totals = base.groupby(cols, sort=False)["segment_id"].nunique().rename("n_segments")
    hits = coded[["segment_id", "code"]].merge(base, on="segment_id", how="inner")
    n = hits.groupby([*cols, "code"], sort=False)["segment_id"].nunique().rename("n")
    groups = [category_order(c, base[c]) for c in cols]
    index = pd.MultiIndex.from_product([*groups, category_order("code", coded["code"])],
                                       names=[*cols, "code"])
    out = n.reindex(index, fill_value=0).reset_index()
    out = out.merge(totals.reset_index(), on=cols, how="left")
    out["n"] = out["n"].astype("int64")
    out["n_segments"] = out["n_segments"].astype("int64")
    out["prop"] = out["n"] / out["n_segments"]
    return out
