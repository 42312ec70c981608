"""The coded-segments table and the fixed orders every analysis table uses.

`coded_segments` joins one coder's codings to the segment metadata; every other analysis
function starts from its result (called ``coded`` throughout).
"""
from __future__ import annotations

from typing import Iterable, Sequence

import pandas as pd

from ..coding.roles import findings_only
from ..errors import InputError, join_allowed
from ..schemas import COLUMNS
from ..vocabulary import (FORM_STAGES, LEVELS, SAID_SOURCES, SEEN_SOURCES, SOURCES,
                          VALENCES,
                          is_human, stage_key)

__all__ = ["LEVELS", "VALENCES", "SOURCES", "FORM_STAGES", "SAID_SOURCES", "SEEN_SOURCES",
           "CODING_COLUMNS", "coded_segments", "findings_only", "choose_coder", "category_order",
           "stage_key", "require_columns"]

#: the codings table's columns after ``segment_id`` (`rmresearch.schemas.COLUMNS`)
CODING_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS["codings"] if c != "segment_id")
FIXED_COLUMNS = {"code": LEVELS, "valence": VALENCES, "source": SOURCES}


def require_columns(df: pd.DataFrame, columns: Iterable[str], table: str) -> None:
    """Raise `InputError` naming every column of ``columns`` missing from ``df``."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(f"The {table} table has no column(s) {join_allowed(missing)}.",
                         allowed=f"a {table} table with columns {join_allowed(columns)}.")


def category_order(column: str, observed: Iterable[object]) -> list:
    """The display order of a column's categories.

    ``code``, ``valence`` and ``source`` list every known category (framework order, then
    positive/attention/neutral, then the source order) followed by any unknown observed value,
    sorted; ``stage`` sorts by `stage_key`; other columns sort the observed values as text.
    Missing values (None/NaN) are left out.
    """
    seen = [v for v in pd.unique(pd.Series(list(observed), dtype=object)) if not pd.isna(v)]
    if column in FIXED_COLUMNS:
        fixed = list(FIXED_COLUMNS[column])
        return fixed + sorted((v for v in seen if v not in fixed), key=str)
    if column == "stage":
        return sorted(seen, key=stage_key)
    return sorted(seen, key=str)


def choose_coder(coders: Iterable[str], coder: str | None = None) -> str | None:
    """The coder to analyse: ``coder`` if given, else the single machine coder.

    Machine coders are those not starting with ``human:``. With no machine coder and one coder
    in all, that coder is used. Returns None when there are no codings at all.

    Raises
    ------
    InputError
        If ``coder`` is not present, or the choice is ambiguous; the message lists the coders.
    """
    present = sorted({str(c) for c in coders})
    if coder is not None:
        if coder not in present:
            raise InputError(f"No codings by coder '{coder}'.",
                             allowed=join_allowed(present) or "(no codings at all)")
        return coder
    machine = [c for c in present if not is_human(c)]
    if len(machine) == 1:
        return machine[0]
    if not machine and len(present) <= 1:
        return present[0] if present else None
    raise InputError(f"The codings come from {len(present)} coders; say which one to analyse "
                     "with coder=... .", allowed=join_allowed(present))


def coded_segments(segments: pd.DataFrame, codings: pd.DataFrame,
                   coder: str | None = None) -> pd.DataFrame:
    """Join one coder's codings to the segment metadata.

    Parameters
    ----------
    segments : DataFrame
        The segments table (``segment_id`` unique; ``cohort``, ``pair_id``, ``source`` ...).
    codings : DataFrame
        The codings table: ``segment_id, code, coder, score, valence, evidence``.
    coder : str, optional
        Coder label (e.g. ``"ensemble@abc123"`` or ``"human:ana"``). Default: the single
        machine coder present (see `choose_coder`).

    Returns
    -------
    DataFrame
        One row per (segment, code) coded by the chosen coder: every column of ``segments``
        (``segment_id, doc_id, version, cohort, pair_id, source, stage, speaker, speaker_role,
        start, end, text`` ...) followed by ``code, coder, score, valence, evidence``. Codings
        of segments not in ``segments`` are dropped, so filtering ``segments`` filters the
        result. Sorted by ``segment_id`` then code in framework order. Segments with no level
        have no row. When ``segments`` has a ``role`` column (the discourse role, see
        `rmresearch.coding.roles.with_roles`), a machine coder's codings of segments that are
        not findings (questions, headings, thanks, method, logistics) are dropped: only findings
        carry levels. A human coder's codings are kept whatever the role.

    Raises
    ------
    InputError
        Missing columns, duplicated segment ids, or an unknown/ambiguous coder.
    """
    require_columns(segments, ["segment_id", "cohort", "pair_id", "source", "text"], "segments")
    require_columns(codings, ["segment_id", *CODING_COLUMNS], "codings")
    dup = segments["segment_id"][segments["segment_id"].duplicated()]
    if len(dup):
        raise InputError(f"The segments table repeats segment_id {dup.iloc[0]!r} "
                         f"({dup.nunique()} id(s) repeated).", allowed="each segment once.")
    chosen = choose_coder(codings["coder"].astype(str), coder)
    picked = codings[codings["coder"].astype(str) == chosen]
    picked = (picked.sort_values(["segment_id", "code", "score"], ascending=[True, True, False],
                                 kind="mergesort")
              .drop_duplicates(["segment_id", "code"]))
    meta = segments.drop(columns=[c for c in CODING_COLUMNS if c in segments.columns])
    out = meta.merge(picked[["segment_id", *CODING_COLUMNS]], on="segment_id", how="inner")
    return sort_coded(findings_only(out))


def sort_coded(coded: pd.DataFrame) -> pd.DataFrame:
    """Sort by segment id, then code in framework order; fresh index."""
    order = {c: i for i, c in enumerate(category_order("code", coded["code"]))}
    return (coded.assign(_k=coded["code"].map(order))
            .sort_values(["segment_id", "_k"], kind="mergesort")
            .drop(columns="_k").reset_index(drop=True))


def ordered_frame(df: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Sort ``df`` by ``columns`` using each column's `category_order`; fresh index."""
    keys = {}
    for col in columns:
        order = {v: i for i, v in enumerate(category_order(col, df[col]))}
        keys[f"_k_{col}"] = df[col].map(order).fillna(len(order))
    tmp = df.assign(**keys)
    return (tmp.sort_values(list(keys), kind="mergesort").drop(columns=list(keys))
            .reset_index(drop=True))
