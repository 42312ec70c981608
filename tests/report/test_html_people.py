"""Tables for people: two decimals, p-values to three ("< 0.001"), "-" with a note for what
cannot be computed, whole numbers as whole numbers, long questions shortened with a legend."""
from __future__ import annotations

import math

import pandas as pd

from rmresearch.report.html import frame_html, people_frame


def _table() -> pd.DataFrame:
    return pd.DataFrame({
        "question_id": ["How confident do you feel talking about race with your team at work?",
                        "conf_race"],
        "mean": [7.123456, 6.5], "p": [0.0000123, 0.04567], "kappa": [math.nan, 0.61234],
        "n": [12.0, 9.0], "cohort": ["C1", "C2"]})


def test_numbers_read_as_people_expect() -> None:
    shown, notes = people_frame(_table())
    assert shown["mean"].tolist() == ["7.12", "6.50"]
    assert shown["p"].tolist() == ["< 0.001", "0.046"]
    assert shown["kappa"].tolist() == ["-", "0.61"]
    assert shown["n"].tolist() == ["12", "9"]
    assert shown["question_id"].tolist() == ["Q1", "conf_race"]
    assert notes == ["- in kappa: Cohen's kappa compares exactly two coders; with more, read "
                     "alpha and AC1.",
                     "Q1: How confident do you feel talking about race with your team at work?"]


def test_the_page_table_carries_the_notes_escaped() -> None:
    df = _table().assign(question_id=["<b>Is the <i>panel</i> fair to everyone in the trust?</b>",
                                      "x"])
    page = frame_html(df, caption="Survey")
    assert "0.000012" not in page and "&lt; 0.001" in page and "7.12" in page
    assert "<li>Q1: &lt;b&gt;Is the &lt;i&gt;panel" in page and "<b>Is" not in page


def test_a_column_never_computed_says_so_and_points_to_the_note() -> None:
    df = pd.DataFrame({"statistic": [math.nan, math.nan], "cramers_v": [0.2, math.nan],
                       "note": ["a single cohort", "fewer than two groups with data"]})
    shown, notes = people_frame(df)
    assert shown["statistic"].tolist() == ["-", "-"]
    assert notes == ["- in statistic: could not be computed for any row (too few cases, or no "
                     "variation); the note column says why.",
                     "- in cramers_v: could not be computed for that row (too few cases, or no "
                     "variation); the note column says why."]


def test_numbers_among_suppression_markers_get_two_decimals() -> None:
    df = pd.DataFrame({"n": ["<5", 12], "prop": ["<5", 0.123456]}, dtype=object)
    shown, notes = people_frame(df)
    assert shown["prop"].tolist() == ["<5", "0.12"] and shown["n"].tolist() == ["<5", 12]
    assert notes == []


def test_one_reason_for_several_columns_is_said_once() -> None:
    df = pd.DataFrame({"kappa": [math.nan], "kappa_low": [math.nan], "alpha": [0.7]})
    shown, notes = people_frame(df)
    assert notes == ["- in kappa, kappa_low: Cohen's kappa compares exactly two coders; with "
                     "more, read alpha and AC1."]
