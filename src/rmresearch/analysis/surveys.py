"""Evaluation forms: 1-10 scale summaries, paired change between stages, free-text answers."""
from __future__ import annotations

from typing import Sequence

import pandas as pd

from ..errors import InputError, join_allowed
from .coded import category_order, ordered_frame, require_columns
from .stattests import wilcoxon_paired

__all__ = ["survey_items", "survey_change", "free_text_answers", "paired_values",
           "scored_responses"]

RESPONSE_COLUMNS = ["respondent_id", "cohort", "role", "stage", "question_id", "value"]


def scored_responses(responses: pd.DataFrame) -> pd.DataFrame:
    """The answers with a numeric value (as float); free-text answers are left out.

    Raises
    ------
    InputError
        If a column of `RESPONSE_COLUMNS` is missing.
    """
    require_columns(responses, RESPONSE_COLUMNS, "responses")
    values = pd.to_numeric(responses["value"], errors="coerce")
    return responses.assign(value=values).dropna(subset=["value"])


def survey_items(responses: pd.DataFrame,
                 by: Sequence[str] = ("cohort", "role", "stage")) -> pd.DataFrame:
    """Summary of every 1-10 item by cohort, role and stage.

    Parameters
    ----------
    responses : DataFrame
        Long evaluation-form answers (``respondent_id, cohort, role, stage, question_id,
        value, text``). Rows without a numeric value (free text) are ignored.
    by : sequence of str
        Grouping columns (default cohort, role, stage).

    Returns
    -------
    DataFrame
        One row per group x question with at least one numeric answer: the ``by`` columns,
        ``question_id``, ``n`` (int, answers), ``mean``, ``median``, ``sd`` (float; sd is
        the sample standard deviation, NaN when n < 2). Sorted by the ``by`` columns (stages
        in programme order) then question.
    """
    keys = [*by, "question_id"]
    scored = scored_responses(responses)
    g = scored.groupby(keys, sort=False)["value"]
    out = pd.DataFrame({"n": g.size(), "mean": g.mean(), "median": g.median(),
                        "sd": g.std(ddof=1)}).reset_index()
    out["n"] = out["n"].astype("int64")
    return ordered_frame(out, keys)


def paired_values(responses: pd.DataFrame, from_stage: str, to_stage: str,
                  by: Sequence[str] = ("cohort", "role")) -> pd.DataFrame:
    """Each respondent's answer before and after, per question.

    Returns
    -------
    DataFrame
        ``by`` columns, ``question_id``, ``respondent_id``, ``before``, ``after`` (float);
        only respondents who answered the question at both stages. Repeated answers by one
        respondent at one stage are averaged.
    """
    scored = scored_responses(responses)
    stages = category_order("stage", scored["stage"])
    missing = [s for s in (from_stage, to_stage) if s not in stages]
    if missing:
        raise InputError(f"No numeric answers at stage {join_allowed(missing)}.",
                         allowed=join_allowed(stages) or "(no numeric answers at all)")
    keys = [*by, "question_id", "respondent_id"]
    part = scored[scored["stage"].isin([from_stage, to_stage])]
    wide = part.pivot_table(index=keys, columns="stage", values="value", aggfunc="mean")
    wide = wide.reindex(columns=[from_stage, to_stage]).dropna()
    wide.columns = ["before", "after"]
    return wide.reset_index()


def survey_change(responses: pd.DataFrame, from_stage: str, to_stage: str,
                  by: Sequence[str] = ("cohort", "role")) -> pd.DataFrame:
    """Paired change of each 1-10 item between two stages, per respondent.

    Parameters
    ----------
    responses : DataFrame
        Long evaluation-form answers.
    from_stage, to_stage : str
        Stages to compare (e.g. ``"enrolment"``, ``"end"``).
    by : sequence of str
        Groups tested separately (default cohort and role: mentors and mentees answer
        different questions).

    Returns
    -------
    DataFrame
        One row per group x question: the ``by`` columns, ``question_id``, ``from_stage``,
        ``to_stage``, ``n_respondents`` (int: respondents with both answers),
        ``n_changed`` (int),
        ``mean_before``, ``mean_after``, ``mean_change`` (float), ``statistic`` (Wilcoxon W),
        ``p`` (Wilcoxon signed-rank, two-sided, zero differences dropped), ``rank_biserial``
        (matched-pairs rank-biserial correlation, -1..1, positive = scores rose), ``note``
        (why a value is NaN, or a caution; "" otherwise). A group answering at only one of
        the stages has a row with ``n_respondents`` 0. Never raises for small groups.

    Raises
    ------
    InputError
        If either stage has no numeric answer; the message lists the stages present.
    """
    pairs = paired_values(responses, from_stage, to_stage, by)
    keys = [*by, "question_id"]
    scored = scored_responses(responses)
    asked = scored[scored["stage"].isin([from_stage, to_stage])][keys].drop_duplicates()
    groups = dict(iter(pairs.groupby(keys, sort=False))) if len(pairs) else {}
    empty = pairs.iloc[0:0]
    rows = []
    for key in asked.itertuples(index=False, name=None):
        grp = groups.get(key, empty)
        res = wilcoxon_paired(grp["before"], grp["after"])
        if res["n"] == 0:
            res["note"] = "no respondent answered at both stages"
        rows.append((*key, from_stage, to_stage, res["n"], res["n_changed"],
                     grp["before"].mean(), grp["after"].mean(),
                     (grp["after"] - grp["before"]).mean(), res["statistic"], res["p"],
                     res["rank_biserial"], res["note"]))
    columns = [*keys, "from_stage", "to_stage", "n_respondents", "n_changed", "mean_before",
               "mean_after", "mean_change", "statistic", "p", "rank_biserial", "note"]
    out = pd.DataFrame(rows, columns=columns)
    out = out.astype({"n_respondents": "int64", "n_changed": "int64"})
    return ordered_frame(out, keys)


def free_text_answers(responses: pd.DataFrame) -> pd.DataFrame:
    """Every non-empty free-text answer.

    Returns
    -------
    DataFrame
        ``cohort, role, stage, question_id, respondent_id, text`` (str, stripped), sorted
        by cohort, role, stage (programme order), question and respondent.
    """
    require_columns(responses, ["respondent_id", "cohort", "role", "stage", "question_id",
                                "text"], "responses")
    cols = ["cohort", "role", "stage", "question_id", "respondent_id", "text"]
    text = responses["text"].astype(object).where(responses["text"].notna(), None)
    text = text.map(lambda t: t.strip() if isinstance(t, str) else None)
    out = responses.assign(text=text)
    out = out[out["text"].map(bool, na_action="ignore").fillna(False).astype(bool)][cols]
    return ordered_frame(out, cols[:-1])
