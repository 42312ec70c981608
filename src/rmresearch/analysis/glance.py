"""Findings at a glance: per level, the good-practice and attention themes ranked by how many
pairs show them, with one quote each, the way a published evaluation's findings table reads.

Starts from a coded table with themes (`rmresearch.coding.themes.assign_themes` adds
``theme`` and ``theme_name`` to `coded_segments`' output). Counts are of pairs, never of
sentences: a theme that one talkative pair mentions twenty times is one pair.
"""
from __future__ import annotations

import pandas as pd

from ..vocabulary import LEVELS, VALENCE_WORDS
from ..codebook.themes import OTHER
from .coded import category_order, require_columns

__all__ = ["GLANCE_COLUMNS", "findings_at_a_glance", "strongest_findings", "strongest_table",
           "glance_view"]

#: the columns of `findings_at_a_glance`, in order
GLANCE_COLUMNS = ["code", "valence", "rank", "theme", "theme_name", "n_pairs", "pairs",
                  "quote", "quote_pair"]
_SHOWN = ("positive", "attention")  # findings; practice described without judgement is not


def _quote(rows: pd.DataFrame) -> tuple[str, str]:
    """The clearest passage of a theme: highest score, then shortest, then first by id."""
    best = rows.assign(_len=rows["text"].str.len()).sort_values(
        ["score", "_len", "segment_id"], ascending=[False, True, True], kind="mergesort")
    top = best.iloc[0]
    return str(top["text"]), str(top["pair_id"])


def findings_at_a_glance(coded: pd.DataFrame, *, top: int = 5, min_pairs: int = 1,
                         total_pairs: int | None = None) -> pd.DataFrame:
    """The themes most pairs show, per level and valence, with one quote each.

    Parameters
    ----------
    coded : DataFrame
        One row per (segment, level) with ``segment_id, pair_id, code, valence, score, text,
        theme, theme_name`` (`coded_segments` plus `assign_themes`). Rows without a pair
        (evaluation forms) are left out.
    top : int
        Most themes per level and valence.
    min_pairs : int
        Fewest pairs for a theme to be shown.
    total_pairs : int, optional
        The number of pairs to count against ("6 of 8 pairs"): give the pairs of the cohort;
        default: the pairs with any coded passage in ``coded``.

    Returns
    -------
    DataFrame
        `GLANCE_COLUMNS`: ``code`` (level), ``valence`` (positive or attention), ``rank`` (1 =
        most pairs within the level and valence; ties broken by passages, then theme name),
        ``theme`` (id), ``theme_name``, ``n_pairs`` (int), ``pairs`` ("6 of 8 pairs", of the
        pairs with any coded finding), ``quote`` (str), ``quote_pair`` (the pair quoted).
        Levels in framework order, good practice first, a level's catch-all ``other`` theme
        after its named themes. Empty (with these columns) when nothing qualifies.
    """
    require_columns(coded, ["segment_id", "pair_id", "code", "valence", "score", "text",
                            "theme", "theme_name"], "coded segments with themes")
    paired = coded.dropna(subset=["pair_id"])
    total = int(paired["pair_id"].nunique()) if total_pairs is None else int(total_pairs)
    rows = []
    for (code, valence, theme), g in paired[paired["valence"].isin(_SHOWN)].groupby(
            ["code", "valence", "theme"], sort=False):
        n_pairs = int(g["pair_id"].nunique())
        if n_pairs < min_pairs:
            continue
        quote, quote_pair = _quote(g)
        rows.append(dict(code=code, valence=valence, theme=theme, theme_name=str(g["theme_name"].iloc[0]), n_pairs=n_pairs,
                         n_passages=int(g["segment_id"].nunique()),
                         pairs=f"{n_pairs} of {total} pair{'s' if total != 1 else ''}",
                         quote=quote, quote_pair=quote_pair))
    if not rows:
        return pd.DataFrame(columns=GLANCE_COLUMNS).astype({"n_pairs": "int64",
                                                             "rank": "int64"})
    out = pd.DataFrame(rows)
    levels = {c: i for i, c in enumerate(category_order("code", out["code"]))}
    out = out.assign(_l=out["code"].map(levels), _v=out["valence"].map(_SHOWN.index),
                     _o=out["theme"].astype(str).str.endswith(f".{OTHER}"))
    out = out.sort_values(["_l", "_v", "_o", "n_pairs", "n_passages", "theme_name"],
                          ascending=[True, True, True, False, False, True], kind="mergesort")
    out["rank"] = out.groupby(["code", "valence"]).cumcount() + 1
    out = out[out["rank"] <= top]
    return out[GLANCE_COLUMNS].reset_index(drop=True)


def strongest_findings(glance: pd.DataFrame, n: int = 3) -> list[str]:
    """The ``n`` named findings most pairs show, as sentences for a reader ("Good practice at
    departmental level: recruitment and panels (6 of 8 pairs)."), most pairs first; a
    level's catch-all ``other`` theme is never a headline."""
    named = glance[~glance["theme"].astype(str).str.endswith(f".{OTHER}")]  # no catch-all
    if named.empty:
        return []
    order = {c: i for i, c in enumerate(LEVELS)}
    best = named.assign(_l=named["code"].map(order).fillna(len(order))).sort_values(
        ["n_pairs", "_l", "rank"], ascending=[False, True, True], kind="mergesort").head(n)
    return [f"{VALENCE_WORDS[r.valence].capitalize()} at {r.code} level: "
            f"{str(r.theme_name).lower()} ({r.pairs})." for r in best.itertuples()]


def glance_view(glance: pd.DataFrame) -> pd.DataFrame:
    """`findings_at_a_glance` as a reader sees it: ``Level``, ``Finding`` (good practice or
    area requiring attention), ``Theme``, ``Pairs``, ``Quote``; one row per theme."""
    return pd.DataFrame({
        "Level": glance["code"].astype(str).str.capitalize(),
        "Finding": glance["valence"].map(VALENCE_WORDS).str.capitalize(),
        "Theme": glance["theme_name"], "Pairs": glance["pairs"], "Quote": glance["quote"]})


def strongest_table(glance: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """`strongest_findings` as a one-column table (``finding``), for the report's front page."""
    return pd.DataFrame({"finding": pd.Series(strongest_findings(glance, n), dtype=object)})
