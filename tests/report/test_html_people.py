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
    assert notes == ["- in kappa: could not be computed for that row (too few cases, or no "
                     "variation).",
                     "Q1: How confident do you feel talking about race with your team at work?"]


def test_the_page_table_carries_the_notes_escaped() -> None:
    df = _table().assign(question_id=["<b>Is the <i>panel</i> fair to everyone in the trust?</b>",
                                      "x"])
    page = frame_html(df, caption="Survey")
    assert "0.000012" not in page and "&lt; 0.001" in page and "7.12" in page
    assert "<li>Q1: &lt;b&gt;Is the &lt;i&gt;panel" in page and "<b>Is" not in page
