"""Congruence: does what a leader *says* (interview) match what they *do* (observed)?

"Said" means found in a one-to-one interview (said in private, in the leader's words or as the
mentor reports them); "done" means found in an observation of the leader in their own setting
or a visual inspection of their department (seen in public). Journals, forms and staff feedback
count as neither. Two readings per pair and level:

* ``category``, whether there is evidence on each side (`rmresearch.vocabulary.CONGRUENCE`, the
  words the feedback sheet uses too);
* ``congruence``, whether the two sides agree by valence
  (`rmresearch.vocabulary.PAIR_CONGRUENCE`): congruent, said good practice but seen attention,
  said attention but seen good practice, mixed (one side evenly split or without judgement),
  said only, seen only, no evidence.
"""
from __future__ import annotations

import pandas as pd

from ..vocabulary import (CONGRUENCE, INCONGRUENT, PAIR_CONGRUENCE, SAID_SOURCES,
                          SEEN_SOURCES)
from .coded import category_order, require_columns

__all__ = ["CONGRUENCE_CATEGORIES", "PAIR_CONGRUENCE", "congruence", "congruence_summary",
           "incongruent_pairs", "incongruence_statement"]

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


def _by_valence(said: bool, done: bool, said_lean: str, done_lean: str) -> str:
    """The `PAIR_CONGRUENCE` category of one pair and level."""
    if not (said and done):
        return PAIR_CONGRUENCE[4] if said else PAIR_CONGRUENCE[5] if done else PAIR_CONGRUENCE[6]
    if said_lean == done_lean and said_lean != "mixed":
        return PAIR_CONGRUENCE[0]
    if (said_lean, done_lean) == ("positive", "attention"):
        return PAIR_CONGRUENCE[1]
    if (said_lean, done_lean) == ("attention", "positive"):
        return PAIR_CONGRUENCE[2]
    return PAIR_CONGRUENCE[3]


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


def _categorise(out: pd.DataFrame) -> pd.DataFrame:
    """Add ``said``, ``done``, ``category``, ``valence_agrees`` and ``congruence`` to the
    per pair and level counts."""
    out["said"], out["done"] = out["n_said"] > 0, out["n_done"] > 0
    out["category"] = pd.Categorical(
        [_category(s, d) for s, d in zip(out["said"], out["done"])],
        categories=list(CONGRUENCE_CATEGORIES), ordered=True)
    leans = [(_lean(r.n_said_positive, r.n_said_attention),
              _lean(r.n_done_positive, r.n_done_attention)) for r in out.itertuples()]
    both = [s and d for s, d in zip(out["said"], out["done"])]
    out["valence_agrees"] = pd.array([a == b if sd else pd.NA for (a, b), sd in
                                      zip(leans, both)], dtype="boolean")
    out["congruence"] = pd.Categorical(
        [_by_valence(s, d, a, b) for (a, b), s, d in zip(leans, out["said"], out["done"])],
        categories=list(PAIR_CONGRUENCE), ordered=True)
    return out


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
        - ``congruence`` (ordered categorical, `PAIR_CONGRUENCE`): said against seen by
          valence: ``congruent`` (both sides lean the same way), ``said good practice, seen
          attention``, ``said attention, seen good practice``, ``mixed`` (a side evenly split,
          or only neutral), ``said only``, ``seen only``, ``no evidence``;
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
    out = _categorise(out)
    lead = ["cohort", "pair_id", "code", "n_said", "n_said_positive", "n_said_attention",
            "n_done", "n_done_positive", "n_done_attention", "said", "done", "category",
            "congruence", "valence_agrees", "has_interview_data", "has_observation_data"]
    return out[lead]


def congruence_summary(cong: pd.DataFrame, by: str = "category") -> pd.DataFrame:
    """Number of pairs in each congruence category, per level.

    Parameters
    ----------
    cong : DataFrame
        Output of `congruence`.
    by : str
        ``category`` (evidence on each side, `CONGRUENCE_CATEGORIES`) or ``congruence`` (said
        against seen by valence, `PAIR_CONGRUENCE`).

    Returns
    -------
    DataFrame
        One row per level x category (every category, zeros kept): ``code``, ``category``
        (str), ``n_pairs`` (int), ``prop`` (share of the level's pairs, float).
    """
    categories = {"category": CONGRUENCE_CATEGORIES, "congruence": PAIR_CONGRUENCE}
    if by not in categories:
        raise ValueError(f"by={by!r}; allowed: {', '.join(map(repr, categories))}")
    require_columns(cong, ["code", by, "pair_id"], "congruence")
    codes = category_order("code", cong["code"])
    index = pd.MultiIndex.from_product([codes, list(categories[by])],
                                       names=["code", "category"])
    n = (cong.assign(category=cong[by].astype(str))
         .groupby(["code", "category"])["pair_id"].nunique())
    out = n.reindex(index, fill_value=0).rename("n_pairs").reset_index()
    out["n_pairs"] = out["n_pairs"].astype("int64")
    totals = out.groupby("code")["n_pairs"].transform("sum")
    out["prop"] = out["n_pairs"] / totals.where(totals > 0)
    return out


def incongruent_pairs(cong: pd.DataFrame) -> pd.DataFrame:
    """The pairs and levels where what was said and what was seen lean opposite ways.

    Returns
    -------
    DataFrame
        ``cohort, pair_id, code, congruence`` (str; one of `INCONGRUENT`), ``n_said``,
        ``n_done`` (int), in the order of ``cong``.
    """
    require_columns(cong, ["cohort", "pair_id", "code", "congruence", "n_said", "n_done"],
                    "congruence")
    rows = cong[cong["congruence"].astype(str).isin(INCONGRUENT)]
    return (rows[["cohort", "pair_id", "code", "congruence", "n_said", "n_done"]]
            .assign(congruence=lambda d: d["congruence"].astype(str)).reset_index(drop=True))


def incongruence_statement(cong: pd.DataFrame) -> str:
    """One sentence for a reader: how many pairs show words and deeds apart, and where."""
    pairs = cong["pair_id"].nunique()
    apart = incongruent_pairs(cong)
    if apart.empty:
        both = int((cong["said"] & cong["done"]).groupby(cong["pair_id"]).any().sum())
        return (f"No pair shows what was said and what was seen leaning opposite ways "
                f"({both} of {pairs} pairs have evidence on both sides at some level).")
    where = "; ".join(f"{pair} ({', '.join(f'{r.code}: {r.congruence}' for r in g.itertuples())})"
                      for pair, g in apart.groupby("pair_id", sort=False))
    n = apart["pair_id"].nunique()
    return (f"{n} of {pairs} pair{'s' if pairs != 1 else ''} show what was said and what was "
            f"seen leaning opposite ways: {where}.")
