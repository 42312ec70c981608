"""Comparing cohorts (coded findings) and stages or groups (evaluation forms)."""
from __future__ import annotations

from itertools import combinations
from typing import Sequence

import pandas as pd

from .coded import category_order, require_columns
from .stattests import bh_adjust, contingency_test, mann_whitney
from .surveys import scored_responses, survey_change

__all__ = ["compare_cohorts", "compare_pairs", "compare_stages"]

COHORT_COLUMNS = ["test", "variable", "n", "statistic", "dof", "p", "p_adj", "cramers_v",
                  "method", "note"]
PAIR_COLUMNS = ["test", "code", "valence", "group", "pairs_with", "pairs_total", "share",
                "statistic", "dof", "p", "p_adj", "cramers_v", "method", "note"]
STAGE_COLUMNS = ["test", "question_id", "stage", "stratum", "group_a", "group_b", "n_a", "n_b",
                 "mean_a", "mean_b", "statistic", "p", "p_adj", "rank_biserial", "note"]


def _presence_table(coded: pd.DataFrame, segments: pd.DataFrame, by: str,
                    code: str) -> pd.DataFrame:
    hit = set(coded.loc[coded["code"] == code, "segment_id"])
    present = segments["segment_id"].isin(hit).map({True: "present", False: "absent"})
    table = pd.crosstab(segments[by], present)
    return table.reindex(index=category_order(by, segments[by]),
                         columns=["present", "absent"], fill_value=0)


def compare_cohorts(coded: pd.DataFrame, segments: pd.DataFrame,
                    by: str = "cohort") -> pd.DataFrame:
    """Test whether cohorts differ in how often each level is found and in valence.

    The family of tests is one per level (cohort x present/absent over the segments of
    ``segments``) plus one for valence (cohort x positive/attention/neutral over the coded
    findings). Each uses `contingency_test`: chi-square, or Fisher's exact test for a 2x2
    table with an expected count below 5. p-values are Benjamini-Hochberg adjusted across the
    family (statsmodels ``fdr_bh``), NaN tests left out.

    Parameters
    ----------
    coded : DataFrame
        Output of `coded_segments`.
    segments : DataFrame
        The segments compared (the denominator of presence); filter it first to compare,
        e.g., interviews only. Coded rows of other segments are ignored.
    by : str
        Grouping column (default ``cohort``; ``stage`` or ``source`` work too).

    Returns
    -------
    DataFrame
        One row per test: ``test`` (``"level presence by <by>"`` or ``"valence by <by>"``),
        ``variable`` (the level, or ``valence``), ``n`` (segments or findings tested),
        ``statistic`` (chi-square, or the odds ratio for Fisher), ``dof`` (NaN for Fisher),
        ``p``, ``p_adj``, ``cramers_v``, ``method``, ``note`` (why values are NaN — e.g. a
        single cohort, a level never found — or a caution about small expected counts).
    """
    require_columns(segments, ["segment_id", by], "segments")
    require_columns(coded, ["segment_id", "code", "valence"], "coded segments")
    segments = segments.dropna(subset=[by])
    coded = coded[coded["segment_id"].isin(set(segments["segment_id"]))]
    coded = coded.drop(columns=[by], errors="ignore").merge(
        segments[["segment_id", by]], on="segment_id")
    rows = []
    for code in category_order("code", coded["code"]):
        res = contingency_test(_presence_table(coded, segments, by, code))
        rows.append({"test": f"level presence by {by}", "variable": code, **res})
    valence = pd.crosstab(coded[by], coded["valence"]).reindex(
        index=category_order(by, segments[by]),
        columns=category_order("valence", coded["valence"]), fill_value=0)
    rows.append({"test": f"valence by {by}", "variable": "valence",
                 **contingency_test(valence)})
    out = pd.DataFrame(rows)
    out["p_adj"] = bh_adjust(out["p"])
    return out[COHORT_COLUMNS]


def compare_pairs(coded: pd.DataFrame, segments: pd.DataFrame, by: str = "cohort",
                  valences: Sequence[str] = ("positive", "attention")) -> pd.DataFrame:
    """Test whether cohorts differ in how many of their pairs record each kind of finding.

    For every level x valence (good practice, attention), each cohort's mentoring pairs are
    split into those with at least one such finding and those with none; the cohort x
    (with, without) table is tested with `contingency_test` (Fisher's exact test for two
    cohorts with small counts, else chi-square). Pairs, not passages, are the unit: a pair
    that mentions a finding twenty times counts once, so one talkative pair cannot make a
    difference on its own. p-values are Benjamini-Hochberg adjusted across the family.

    Parameters
    ----------
    coded : DataFrame
        Output of `coded_segments` (``segment_id, pair_id, code, valence``).
    segments : DataFrame
        The segments compared (``segment_id``, ``pair_id`` and ``by``): a cohort's pairs are
        the pairs with at least one segment here.
    by : str
        Grouping column (default ``cohort``).
    valences : sequence of str
        Valences tested (default good practice and attention).

    Returns
    -------
    DataFrame
        One row per level x valence x group: ``test``, ``code``, ``valence``, ``group``,
        ``pairs_with`` and ``pairs_total`` (int), ``share`` (float), and the test's
        ``statistic, dof, p, p_adj, cramers_v, method, note`` repeated on the rows of one
        level x valence.
    """
    require_columns(segments, ["segment_id", "pair_id", by], "segments")
    require_columns(coded, ["segment_id", "code", "valence"], "coded segments")
    segs = segments.dropna(subset=[by, "pair_id"])
    totals = segs.groupby(by)["pair_id"].nunique()
    groups = [g for g in category_order(by, segs[by]) if g in totals.index]
    hits = coded[["segment_id", "code", "valence"]].merge(
        segs[["segment_id", "pair_id", by]], on="segment_id")
    rows, tests = [], []
    for code in category_order("code", coded["code"]):
        for valence in valences:
            sel = hits[(hits["code"] == code) & (hits["valence"] == valence)]
            with_ = sel.groupby(by)["pair_id"].nunique().reindex(groups, fill_value=0)
            table = pd.DataFrame({"with": with_, "without": totals[groups] - with_})
            res = contingency_test(table.to_numpy())
            tests.append(res["p"])
            for g in groups:
                rows.append({"test": f"pairs with the finding by {by}", "code": code,
                             "valence": valence, "group": g,
                             "pairs_with": int(with_[g]), "pairs_total": int(totals[g]),
                             "share": with_[g] / totals[g] if totals[g] else float("nan"),
                             **{k: res[k] for k in ("statistic", "dof", "p", "cramers_v",
                                                    "method", "note")}})
    out = pd.DataFrame(rows, columns=[c for c in PAIR_COLUMNS if c != "p_adj"])
    adjusted = bh_adjust(tests)
    out.insert(PAIR_COLUMNS.index("p_adj"), "p_adj",
               [a for a in adjusted for _ in groups])
    return out.astype({"pairs_with": "int64", "pairs_total": "int64"})[PAIR_COLUMNS]


def _stratum_label(strata: Sequence[str], key: tuple) -> str:
    return ", ".join(f"{s}={v}" for s, v in zip(strata, key)) if strata else ""


def _between(scored: pd.DataFrame, between: str, strata: list[str]) -> list[dict]:
    rows = []
    keys = [*strata, "question_id", "stage"]
    for key, grp in scored.groupby(keys, sort=False):
        groups = category_order(between, grp[between])
        for a, b in combinations(groups, 2):
            va = grp.loc[grp[between] == a, "value"]
            vb = grp.loc[grp[between] == b, "value"]
            res = mann_whitney(va, vb)
            rows.append({"test": f"between {between} (Mann-Whitney)", "question_id": key[-2],
                         "stage": key[-1], "stratum": _stratum_label(strata, key),
                         "group_a": a, "group_b": b, "mean_a": va.mean(), "mean_b": vb.mean(),
                         **res})
    return rows


def _stage_pairs(scored: pd.DataFrame) -> list[tuple[str, str]]:
    stages = category_order("stage", scored["stage"])
    pairs = list(zip(stages, stages[1:]))
    if len(stages) > 2:
        pairs.append((stages[0], stages[-1]))
    return pairs


def _paired(responses: pd.DataFrame, between: str, strata: list[str],
            stage_pairs: Sequence[tuple[str, str]]) -> list[dict]:
    rows = []
    for before, after in stage_pairs:
        change = survey_change(responses, before, after, by=[*strata, between])
        for r in change.to_dict("records"):
            rows.append({"test": "stage change (Wilcoxon)", "question_id": r["question_id"],
                         "stage": f"{before} to {after}",
                         "stratum": _stratum_label(strata, tuple(r[s] for s in strata)),
                         "group_a": r[between], "group_b": None, "n_a": r["n_respondents"],
                         "n_b": r["n_respondents"], "mean_a": r["mean_before"],
                         "mean_b": r["mean_after"], "statistic": r["statistic"], "p": r["p"],
                         "rank_biserial": r["rank_biserial"], "note": r["note"]})
    return rows


def compare_stages(responses: pd.DataFrame, between: str = "cohort",
                   strata: Sequence[str] | None = None,
                   stage_pairs: Sequence[tuple[str, str]] | None = None) -> pd.DataFrame:
    """Compare 1-10 answers between groups at each stage, and within groups across stages.

    Two families of tests, each Benjamini-Hochberg adjusted on its own (``p_adj``):

    - between groups: at every stage and question, a two-sided Mann-Whitney U test for each
      pair of ``between`` groups (e.g. cohort 1 vs cohort 2), with the rank-biserial
      correlation (+1: every answer of group_a above every answer of group_b);
    - stage change: for every group and question, a paired Wilcoxon signed-rank test between
      two stages (see `survey_change`), rank-biserial +1 when every changed answer rose.

    Parameters
    ----------
    responses : DataFrame
        Long evaluation-form answers.
    between : str
        ``"cohort"`` (default) or ``"role"``.
    strata : sequence of str, optional
        Columns kept apart in every test. Default: ``role`` when comparing cohorts (mentors
        and mentees answer different scales), ``cohort`` when comparing roles.
    stage_pairs : sequence of (str, str), optional
        Stages compared for change. Default: each consecutive pair of stages present, plus
        first to last when there are more than two.

    Returns
    -------
    DataFrame
        One row per test: ``test``, ``question_id``, ``stage`` (the stage, or ``"<from> to
        <to>"``), ``stratum`` (e.g. ``"role=mentee"``), ``group_a``, ``group_b`` (None for
        stage change), ``n_a``, ``n_b`` (answers; paired respondents for change),
        ``mean_a``, ``mean_b`` (before/after for change), ``statistic`` (U of group_a, or
        Wilcoxon W), ``p``, ``p_adj``, ``rank_biserial``, ``note`` (why NaN: a single group,
        n < 2, no change ...). A single cohort gives no between rows, never an error.
    """
    if strata is None:
        strata = ["role"] if between == "cohort" else ["cohort"] if between == "role" else []
    strata = [s for s in strata if s != between]
    scored = scored_responses(responses)
    require_columns(scored, [between, *strata], "responses")
    between_rows = _between(scored, between, list(strata))
    pairs = _stage_pairs(scored) if stage_pairs is None else list(stage_pairs)
    change_rows = _paired(responses, between, list(strata), pairs)
    frames = []
    for rows in (between_rows, change_rows):
        part = pd.DataFrame(rows, columns=STAGE_COLUMNS)
        if len(part):
            part["p_adj"] = bh_adjust(part["p"])
            frames.append(part)
    if not frames:
        return pd.DataFrame(columns=STAGE_COLUMNS)
    return pd.concat(frames, ignore_index=True)[STAGE_COLUMNS]
