"""The differences between cohorts that survive multiple-comparison correction, in words.

The comparison appendix opens with these sentences. They are built from the test tables of
`rmresearch.analysis.comparison` (`compare_pairs`, `compare_cohorts`, `compare_stages`), so
the words and the published tables always agree; a difference is reported only when its
Benjamini-Hochberg adjusted p-value is below ``alpha``.
"""
from __future__ import annotations

from typing import Sequence

import pandas as pd

from ..vocabulary import VALENCE_LABELS
from .coded import category_order, require_columns
from .crosstabs import stage_change_view
from .stattests import format_p

__all__ = ["valence_distribution", "differences_in_words", "change_in_words", "NO_DIFFERENCE"]

#: the opening sentence when no difference survives correction
NO_DIFFERENCE = ("No difference between the cohorts survives correction for multiple "
                 "comparisons (Benjamini-Hochberg, adjusted p below {alpha:g}) among the "
                 "{tested} tests on this page. Differences in the tables below may be chance.")

_FINDING_WORDS = {"positive": "good practice",
                  "attention": "findings requiring attention",
                  "neutral": "neutral findings"}
_ROLE_WORDS = {"mentee": "mentees", "mentor": "mentors", "staff": "staff"}
SHORT = 60


def valence_distribution(coded: pd.DataFrame, by: str = "cohort") -> pd.DataFrame:
    """Share of each group's coded findings at each valence.

    Returns
    -------
    DataFrame
        ``by``, ``valence``, ``n`` (int: coded passages), ``prop`` (share of the group's
        coded passages, float), every valence present in every group (0 when absent).
    """
    require_columns(coded, [by, "valence"], "coded segments")
    table = pd.crosstab(coded[by], coded["valence"]).reindex(
        index=category_order(by, coded[by]),
        columns=category_order("valence", coded["valence"]), fill_value=0)
    out = table.stack().rename("n").reset_index()
    out.columns = [by, "valence", "n"]
    out["n"] = out["n"].astype("int64")
    out["prop"] = out["n"] / out.groupby(by)["n"].transform("sum").where(lambda s: s > 0)
    return out


def _num(value: object, pattern: str = "{:.2f}") -> str:
    """A number for a sentence; a suppression marker ("<5") is kept as it is."""
    return value if isinstance(value, str) else pattern.format(float(value))


def _order(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    key = pd.to_numeric(frame[column], errors="coerce").fillna(-1.0)
    return frame.assign(_k=key).sort_values("_k", ascending=False, kind="mergesort")


def _short(text: object) -> str:
    text = str(text)
    return text if len(text) <= SHORT else text[:SHORT - 1].rstrip() + "…"


def _others(parts: Sequence[str]) -> str:
    if not parts:
        return ""
    return ", against " + (parts[0] if len(parts) == 1 else
                           ", ".join(parts[:-1]) + " and " + parts[-1])


def _pair_sentences(pair_tests: pd.DataFrame, alpha: float) -> list[str]:
    out = []
    keep = pair_tests[pair_tests["p_adj"] < alpha]
    for (code, valence), grp in keep.groupby(["code", "valence"], sort=False):
        grp = grp.sort_values("share", ascending=False, kind="mergesort")
        top, rest = grp.iloc[0], grp.iloc[1:]
        parts = [f"{r.pairs_with} of {r.pairs_total} in {r.group}" for r in rest.itertuples()]
        finding = f"{code} {_FINDING_WORDS.get(valence, valence)}"
        out.append(f"Cohort {top['group']} recorded {finding} in {top['pairs_with']} of "
                   f"{top['pairs_total']} pairs{_others(parts)} (adjusted p "
                   f"{_p(top['p_adj'])}).")
    return out


def _p(p: float) -> str:
    text = format_p(p)
    return text if text.startswith("<") else f"= {text}"


def _share_sentences(tests: pd.DataFrame, distribution: pd.DataFrame,
                     valences: pd.DataFrame | None, by: str, alpha: float) -> list[str]:
    out = []
    for row in tests[tests["p_adj"] < alpha].itertuples():
        if row.variable == "valence":
            if valences is None:
                continue
            shares = valences[valences["valence"] == "attention"]
            what, unit = f"Findings {VALENCE_LABELS['attention']}", "coded findings"
        else:
            shares = distribution[distribution["code"] == row.variable]
            what, unit = f"{str(row.variable).capitalize()}-level findings", "segments"
        shares = _order(shares, "prop")
        if shares.empty:
            continue
        top, rest = shares.iloc[0], shares.iloc[1:]
        parts = [f"{_num(r.prop, '{:.0%}')} in {getattr(r, by)}" for r in rest.itertuples()]
        out.append(f"{what} make up {_num(top['prop'], '{:.0%}')} of cohort {top[by]}'s {unit}"
                   f"{_others(parts)} "
                   f"(adjusted p {_p(row.p_adj)}; Cramér's V {row.cramers_v:.2f}).")
    return out


def _stage_sentences(stage_tests: pd.DataFrame, alpha: float) -> list[str]:
    out = []
    for r in stage_tests[stage_tests["p_adj"] < alpha].itertuples():
        role = str(r.stratum).split("=", 1)[-1] if r.stratum else ""
        who = _ROLE_WORDS.get(role, f"{role} respondents" if role else "respondents")
        question = _short(r.question_id)
        if r.group_b is None or pd.isna(r.group_b):
            direction = "rose" if r.rank_biserial > 0 else "fell"
            out.append(f"In cohort {r.group_a}, {who}' ratings of '{question}' {direction} "
                       f"from {_num(r.mean_a)} to {_num(r.mean_b)} ({r.stage}; {r.n_a} "
                       f"respondents; adjusted p {_p(r.p_adj)}).")
        else:
            up = r.rank_biserial > 0  # group_a's answers tend to be the higher
            hi, lo = (r.group_a, r.group_b) if up else (r.group_b, r.group_a)
            means = (r.mean_a, r.mean_b) if up else (r.mean_b, r.mean_a)
            out.append(f"At {r.stage}, {who} of cohort {hi} rated '{question}' higher than "
                       f"those of cohort {lo} (mean {_num(means[0])} against "
                       f"{_num(means[1])}; adjusted p {_p(r.p_adj)}).")
    return out


def _tested(*frames: pd.DataFrame | None, pair_keys: Sequence[str] = ("code", "valence")) -> int:
    pair_tests, others = frames[0], frames[1:]
    n = 0
    if pair_tests is not None and len(pair_tests):
        n += int(pair_tests.dropna(subset=["p"]).drop_duplicates(list(pair_keys)).shape[0])
    return n + sum(int(f["p"].notna().sum()) for f in others if f is not None)


def differences_in_words(pair_tests: pd.DataFrame | None = None,
                         cohort_tests: pd.DataFrame | None = None,
                         stage_tests: pd.DataFrame | None = None, *,
                         distribution: pd.DataFrame | None = None,
                         valences: pd.DataFrame | None = None, by: str = "cohort",
                         alpha: float = 0.05) -> list[str]:
    """Sentences naming every difference between cohorts that survives correction.

    Parameters
    ----------
    pair_tests : DataFrame, optional
        `compare_pairs` output: "Cohort C2 recorded organisational findings requiring
        attention in 7 of 9 pairs, against 2 of 8 in C1 (adjusted p = 0.010)."
    cohort_tests : DataFrame, optional
        `compare_cohorts` output, with ``distribution`` (`level_distribution`) for the level
        shares and ``valences`` (`valence_distribution`) for the valence mix.
    stage_tests : DataFrame, optional
        `compare_stages` output: differences between cohorts at a stage and changes within a
        cohort between stages.
    by : str
        The grouping column of ``distribution`` and ``valences`` (default ``cohort``).
    alpha : float
        A difference is reported when its adjusted p-value is below this (default 0.05).

    Returns
    -------
    list of str
        A first sentence saying how many of the tests survive, then one sentence per
        surviving difference (pairs first, then shares, then the evaluation forms). When
        none survives, one sentence saying so plainly (`NO_DIFFERENCE`).
    """
    sentences: list[str] = []
    if pair_tests is not None:
        sentences += _pair_sentences(pair_tests, alpha)
    if cohort_tests is not None and distribution is not None:
        sentences += _share_sentences(cohort_tests, distribution, valences, by, alpha)
    if stage_tests is not None:
        sentences += _stage_sentences(stage_tests, alpha)
    tested = _tested(pair_tests, cohort_tests, stage_tests)
    if not sentences:
        return [NO_DIFFERENCE.format(alpha=alpha, tested=tested)]
    head = (f"{len(sentences)} of the {tested} differences tested on this page survive "
            f"correction for multiple comparisons (Benjamini-Hochberg, adjusted p below "
            f"{alpha:g}):")
    return [head, *sentences]


def change_in_words(stage_tests: pd.DataFrame, alpha: float = 0.05) -> list[str]:
    """One sentence on the change from the first to the last stage within each cohort: in
    how many cohort x role x question groups the mean rating rose or fell, and how many of
    those changes survive correction; then one sentence per surviving change.

    Parameters
    ----------
    stage_tests : DataFrame
        `compare_stages` output.
    alpha : float
        A change is named when its adjusted p-value is below this (default 0.05).
    """
    view = stage_change_view(stage_tests)
    change = pd.to_numeric(view["change"], errors="coerce")
    hidden = view["mean before"].map(lambda v: isinstance(v, str))
    if not len(view) or (change.isna().all() and not hidden.any()):
        return ["No respondent answered a 1-10 question at two stages: no change to report."]
    if change.notna().sum() == 0:
        return [f"In every one of the {int(hidden.sum())} cohort, role and question groups, "
                f"{view.loc[hidden, 'respondents'].iloc[0]} respondents answered at both "
                "stages: their mean ratings are hidden by the small-count rule."]
    p_adj = pd.to_numeric(view["adjusted p"], errors="coerce")
    survived = int((p_adj < alpha).sum())
    groups = int(change.notna().sum())
    verdict = ("none of these changes survives" if survived == 0 else
               f"{survived} of these changes survive{'s' if survived == 1 else ''}")
    rose = int((change > 0).sum())
    first = (f"From the first to the last stage, the mean rating rose in {rose} of the "
             f"{groups} cohort, role and question groups with answers at both stages "
             f"and fell in {int((change < 0).sum())}; {verdict} correction for multiple "
             f"comparisons (adjusted p below {alpha:g}).")
    if hidden.any():
        first += (f" The {int(hidden.sum())} groups with fewer respondents than the "
                  "small-count rule allows are not shown.")
    overall = stage_tests[stage_tests["group_b"].isna()]
    named = _stage_sentences(overall[overall["stage"].isin(set(view["stages"].str.replace(
        " → ", " to ")))], alpha)
    return [first, *named]
