"""Congruence: does what a leader *says* (interview) match what they *do* (observed)?

"Said" means found in a one-to-one interview (said in private); "done" means found in an
observation of the leader in their own setting or a visual inspection of their department
(seen in public). Journals, forms and staff feedback count as neither. The categories are
`rmresearch.vocabulary.CONGRUENCE`, the words the feedback sheet uses too.
"""
from __future__ import annotations

import pandas as pd

from ..vocabulary import CONGRUENCE, SAID_SOURCES, SEEN_SOURCES
from .coded import category_order, require_columns

__all__ = ["CONGRUENCE_CATEGORIES", "congruence", "congruence_summary"]

#: said and seen, said in private only, seen in public only, no evidence (display order)
CONGRUENCE_CATEGORIES: tuple[str, ...] = CONGRUENCE


def _side_counts(coded: pd.DataFrame, sources: tuple[str, ...], prefix: str) -> pd.DataFrame:
    part = coded[coded["source"].isin(sources)]
    g = part.groupby(["pair_id", "code"])
    counts = pd.DataFrame({f"n_{prefix}": g["segment_id"].nunique()})
    for val in ("positive", "attention"):
        sub = part[part["valence"] == val].groupby(["pair_id", "code"])["segment_id"].nunique()
        counts[f"n_{prefix}_{val}"] = sub
    return counts


def _lean(pos: int, att: int) -> str:
    return "positive" if pos > att else "attention" if att > pos else "mixed"


def _category(said: bool, done: bool) -> str:
    if said and done:
        return CONGRUENCE_CATEGORIES[0]
    if said:
        return CONGRUENCE_CATEGORIES[1]
    return CONGRUENCE_CATEGORIES[2] if done else CONGRUENCE_CATEGORIES[3]


def _pairs(coded: pd.DataFrame, segments: pd.DataFrame | None) -> pd.DataFrame:
    base = coded if segments is None else segments
    require_columns(base, ["cohort", "pair_id", "source"], "segments")
    base = base.dropna(subset=["pair_id"])
    pairs = base.groupby("pair_id", sort=False).agg(
        cohort=("cohort", "first"),
        has_interview_data=("source", lambda s: bool(s.isin(SAID_SOURCES).any())),
        has_observation_data=("source", lambda s: bool(s.isin(SEEN_SOURCES).any())))
    pairs = pairs.reset_index()
    key = pairs["cohort"].astype(str) + "\x00" + pairs["pair_id"].astype(str)
    return pairs.iloc[key.argsort(kind="mergesort")].reset_index(drop=True)


def congruence(coded: pd.DataFrame, segments: pd.DataFrame | None = None) -> pd.DataFrame:
    """Said-versus-done evidence for every pair and level.

    Parameters
    ----------
    coded : DataFrame
        Output of `coded_segments`.
    segments : DataFrame, optional
        The segments table. Given, it lists every pair (also those with no coded finding)
        and tells which pairs have any interview / observation data at all; otherwise both
        are taken from ``coded``.

    Returns
    -------
    DataFrame
        One row per pair x level (levels in framework order), sorted by cohort and pair:

        - ``cohort``, ``pair_id``, ``code`` (str);
        - ``n_said`` (int): interview segments of the pair coded at the level;
          ``n_said_positive``, ``n_said_attention`` (int) by valence;
        - ``n_done`` (int): observation + inspection segments coded at the level;
          ``n_done_positive``, ``n_done_attention`` (int);
        - ``said``, ``done`` (bool): n_said > 0, n_done > 0;
        - ``category`` (ordered categorical): ``said and seen``, ``said in private only``,
          ``seen in public only`` or ``no evidence`` (`CONGRUENCE_CATEGORIES`);
        - ``valence_agrees`` (nullable boolean): for ``said and seen`` rows, whether the said
          and done findings lean the same way (more positive than attention, or the reverse,
          or equal on both sides); NA otherwise;
        - ``has_interview_data``, ``has_observation_data`` (bool): whether the pair has any
          interview / observation-or-inspection segment at all, to tell "not observed" from
          "observed and not seen".
    """
    require_columns(coded, ["cohort", "pair_id", "source", "segment_id", "code", "valence"],
                    "coded segments")
    pairs = _pairs(coded, segments)
    codes = category_order("code", coded["code"])
    grid = pairs.merge(pd.DataFrame({"code": codes}), how="cross")
    paired = coded.dropna(subset=["pair_id"])
    counts = _side_counts(paired, SAID_SOURCES, "said").join(
        _side_counts(paired, SEEN_SOURCES, "done"), how="outer")
    out = grid.merge(counts.reset_index(), on=["pair_id", "code"], how="left")
    count_cols = [c for c in out.columns if c.startswith("n_")]
    out[count_cols] = out[count_cols].fillna(0).astype("int64")
    out["said"], out["done"] = out["n_said"] > 0, out["n_done"] > 0
    out["category"] = pd.Categorical(
        [_category(s, d) for s, d in zip(out["said"], out["done"])],
        categories=list(CONGRUENCE_CATEGORIES), ordered=True)
    agrees = [pd.NA if not (r.said and r.done) else
              _lean(r.n_said_positive, r.n_said_attention)
              == _lean(r.n_done_positive, r.n_done_attention) for r in out.itertuples()]
    out["valence_agrees"] = pd.array(agrees, dtype="boolean")
    lead = ["cohort", "pair_id", "code", "n_said", "n_said_positive", "n_said_attention",
            "n_done", "n_done_positive", "n_done_attention", "said", "done", "category",
            "valence_agrees", "has_interview_data", "has_observation_data"]
    return out[lead]


def congruence_summary(cong: pd.DataFrame) -> pd.DataFrame:
    """Number of pairs in each congruence category, per level.

    Returns
    -------
    DataFrame
        One row per level x category (all four categories, zeros kept): ``code``,
        ``category`` (str), ``n_pairs`` (int), ``prop`` (share of the level's pairs, float).
    """
    require_columns(cong, ["code", "category", "pair_id"], "congruence")
    codes = category_order("code", cong["code"])
    index = pd.MultiIndex.from_product([codes, list(CONGRUENCE_CATEGORIES)],
                                       names=["code", "category"])
    n = (cong.assign(category=cong["category"].astype(str))
         .groupby(["code", "category"])["pair_id"].nunique())
    out = n.reindex(index, fill_value=0).rename("n_pairs").reset_index()
    out["n_pairs"] = out["n_pairs"].astype("int64")
    totals = out.groupby("code")["n_pairs"].transform("sum")
    out["prop"] = out["n_pairs"] / totals.where(totals > 0)
    return out
