"""Wide tables for the comparison appendix: one row per thing compared, one column per cohort.

The long test tables (`compare_pairs`, `compare_stages`, `level_distribution`) are published
as CSV for programs; people compare across a row, so the page shows them wide. The views take
the *published* tables (counts already suppressed): a hidden count stays hidden, and a share
that would give it away is not shown either.
"""
from __future__ import annotations

import pandas as pd

from ..vocabulary import VALENCE_LABELS
from .coded import category_order, require_columns
from .stattests import format_p

__all__ = ["distribution_wide", "pairs_wide", "stage_change_view", "between_view",
           "counts_wide", "congruence_wide", "learning_view"]

CANNOT = "-"
#: a cohort whose form was not answered at a stage
NOT_ASKED = "no answers"


def _count_share(n: object, share: object) -> str:
    if isinstance(n, str):  # a suppression marker ("<5"): the share would give it away
        return n
    if n is None or pd.isna(n):
        return CANNOT
    return f"{int(n)} ({float(share):.0%})" if pd.notna(share) else str(int(n))


def distribution_wide(distribution: pd.DataFrame, by: str = "cohort") -> pd.DataFrame:
    """Level x cohort: "566 (39%)" = segments coded at the level and their share.

    The last row, ``all segments``, gives each cohort's number of segments (the denominator),
    so no column repeats it.
    """
    require_columns(distribution, [by, "code", "n", "n_segments", "prop"], "distribution")
    groups = category_order(by, distribution[by])
    rows = []
    for code in category_order("code", distribution["code"]):
        sel = distribution[distribution["code"] == code].set_index(by)
        rows.append({"level": code, **{f"cohort {g}": _count_share(sel.at[g, "n"],
                                                                   sel.at[g, "prop"])
                                       for g in groups if g in sel.index}})
    totals = distribution.drop_duplicates(by).set_index(by)["n_segments"]
    rows.append({"level": "all segments", **{f"cohort {g}": str(totals[g]) for g in groups}})
    return pd.DataFrame(rows)


def pairs_wide(pair_tests: pd.DataFrame) -> pd.DataFrame:
    """Level x valence: in each cohort "7 of 9" pairs with the finding, then the adjusted p
    ("-" when every cohort's pairs all had it, or none did: the note says so)."""
    require_columns(pair_tests, ["code", "valence", "group", "pairs_with", "pairs_total",
                                 "p_adj"], "pair tests")
    groups = category_order("group", pair_tests["group"])
    rows = []
    for (code, valence), grp in pair_tests.groupby(["code", "valence"], sort=False):
        sel = grp.set_index("group")
        row = {"level": code, "finding": VALENCE_LABELS.get(valence, valence)}
        row.update({f"cohort {g}": f"{sel.at[g, 'pairs_with']} of {sel.at[g, 'pairs_total']}"
                    for g in groups if g in sel.index})
        row["adjusted p"] = format_p(grp["p_adj"].iloc[0])
        row["note"] = _pairs_note(grp)
        rows.append(row)
    return pd.DataFrame(rows)


def _pairs_note(grp: pd.DataFrame) -> str:
    if (grp["pairs_with"] == grp["pairs_total"]).all():
        return "every pair of every cohort recorded it: nothing to compare"
    if (grp["pairs_with"] == 0).all():
        return "no pair recorded it"
    return str(grp["note"].iloc[0] or "")


def _role(stratum: object) -> str:
    return str(stratum).split("=", 1)[-1] if stratum and not pd.isna(stratum) else ""


def _overall(change: pd.DataFrame) -> pd.DataFrame:
    """Only the rows spanning the most stages of each cohort, role and question."""
    ends = change["stage"].astype(str).str.split(" to ", n=1, expand=True)
    order = {s: i for i, s in enumerate(category_order("stage", pd.concat([ends[0], ends[1]])))}
    span = ends[1].map(order) - ends[0].map(order)
    keys = ["group_a", "stratum", "question_id"]
    widest = span.groupby([change[k].astype(str) for k in keys]).transform("max")
    return change[span == widest]


def stage_change_view(stage_tests: pd.DataFrame, overall: bool = True) -> pd.DataFrame:
    """The within-cohort change between stages, one row per cohort x role x question x pair
    of stages, for people: mean before and after, the change, respondents, effect size,
    adjusted p and the note ("-" where a value could not be computed). ``overall`` keeps
    only the change from the first to the last stage (the CSV holds every step)."""
    change = stage_tests[stage_tests["group_b"].isna()]
    if overall and len(change):
        change = _overall(change)
    rows = []
    for r in change.itertuples():
        computed = all(isinstance(v, (int, float)) and pd.notna(v)
                       for v in (r.mean_a, r.mean_b))
        rows.append({"cohort": r.group_a, "role": _role(r.stratum), "question": r.question_id,
                     "stages": str(r.stage).replace(" to ", " → "),
                     "respondents": r.n_a, "mean before": r.mean_a, "mean after": r.mean_b,
                     "change": r.mean_b - r.mean_a if computed else float("nan"),
                     "effect r": r.rank_biserial, "adjusted p": r.p_adj, "note": r.note})
    out = pd.DataFrame(rows, columns=["cohort", "role", "question", "stages", "respondents",
                                      "mean before", "mean after", "change", "effect r",
                                      "adjusted p", "note"])
    return out.sort_values(["cohort", "role"], kind="mergesort").reset_index(drop=True)


def between_view(stage_tests: pd.DataFrame) -> pd.DataFrame:
    """Ratings compared between cohorts at each stage: one row per role x question x stage,
    each cohort's mean in its own column, and the smallest adjusted p among the cohort pairs
    and the pair of cohorts it belongs to ("no answers": the cohort's form was not answered at
    that stage). Rows in programme order of the stages."""
    between = stage_tests[stage_tests["group_b"].notna()]
    groups = category_order("cohort", pd.concat([between["group_a"], between["group_b"]]))
    stages = {s: i for i, s in enumerate(category_order("stage", between["stage"]))}
    between = between.assign(_s=between["stage"].map(stages)).sort_values(
        ["stratum", "question_id", "_s"], kind="mergesort")
    rows = []
    for (stratum, question, stage), grp in between.groupby(["stratum", "question_id",
                                                            "stage"], sort=False):
        means = {**dict(zip(grp["group_a"], grp["mean_a"])),
                 **dict(zip(grp["group_b"], grp["mean_b"]))}
        row = {"role": _role(stratum), "question": question, "stage": stage}
        row.update({f"mean {g}": means.get(g, NOT_ASKED) for g in groups})
        best = grp.sort_values("p_adj", kind="mergesort").iloc[0]
        row["most different pair"] = f"{best.group_a} vs {best.group_b}"
        row["adjusted p"] = best.p_adj
        rows.append(row)
    return pd.DataFrame(rows)


def counts_wide(published: pd.DataFrame, index: list[str], columns: str,
                values: str = "n") -> pd.DataFrame:
    """A long count table (already published: hidden counts stay hidden) as a cross-table,
    ``index`` down the side and one column per category of ``columns`` (e.g. level x valence
    by source); categories in their display order, a missing combination shown as 0."""
    require_columns(published, [*index, columns, values], "count table")
    wide = published.pivot_table(index=index, columns=columns, values=values,
                                 aggfunc="first", sort=False)
    order = [c for c in category_order(columns, published[columns]) if c in wide.columns]
    wide = wide.reindex(columns=order).fillna(0)
    wide.columns = [str(c) for c in wide.columns]
    return wide.reset_index()


def congruence_wide(published: pd.DataFrame) -> pd.DataFrame:
    """Pair x level: whether what was said and what was seen agree, with how many passages
    were said and seen ("congruent (said 36, seen 16)"), from the published `congruence`
    table (a hidden count stays "<5")."""
    require_columns(published, ["pair_id", "code", "congruence", "n_said", "n_done"],
                    "congruence")
    cell = [f"{c} (said {s}, seen {d})" for c, s, d in
            zip(published["congruence"], published["n_said"], published["n_done"])]
    wide = published.assign(_cell=cell).pivot_table(
        index="pair_id", columns="code", values="_cell", aggfunc="first", sort=False)
    order = [c for c in category_order("code", published["code"]) if c in wide.columns]
    return wide.reindex(columns=order).fillna(CANNOT).reset_index().rename_axis(columns=None)


def learning_view(published: pd.DataFrame) -> pd.DataFrame:
    """The published `cohort_learning` table for people: level, finding, how many pairs and
    passages, then the area and its example. The counts come before the texts: an area ending
    in "ward" right before a pair count of 4 would read as the ward code "ward 4" to the
    leak check, which reads a page's cells run together."""
    require_columns(published, ["code", "valence", "area", "n_pairs", "n_segments",
                                "example"], "cohort learning")
    out = published.assign(valence=published["valence"].map(
        lambda v: VALENCE_LABELS.get(v, v)))
    out = out[["code", "valence", "n_pairs", "n_segments", "area", "example"]]
    return out.rename(columns={"code": "level", "valence": "finding", "n_pairs": "pairs",
                               "n_segments": "passages"})
