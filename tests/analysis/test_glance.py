"""Findings at a glance: themes ranked by pairs, one quote each, strongest findings in words."""
from __future__ import annotations

import pandas as pd

from rmresearch.analysis.glance import GLANCE_COLUMNS, findings_at_a_glance, strongest_findings


def _coded() -> pd.DataFrame:
    rows = [  # segment, pair, level, valence, score, theme, text
        ("a1", "P1", "departmental", "positive", 0.9, "departmental.panels", "Panel mixed."),
        ("a2", "P1", "departmental", "positive", 0.8, "departmental.panels", "Panels mixed again."),
        ("a3", "P2", "departmental", "positive", 0.7, "departmental.panels", "A BME panel member."),
        ("a4", "P3", "departmental", "positive", 0.95, "departmental.shadowing",
         "Shadowing offered to two HCAs."),
        ("a5", "P3", "departmental", "attention", 0.9, "departmental.panels",
         "Same faces on every panel."),
        ("a6", "P2", "individual", "positive", 0.9, "individual.praise", "Thanked porters."),
        ("a7", "P4", "individual", "neutral", 0.9, "individual.praise", "Attends the huddle."),
        ("a9", "P1", "departmental", "positive", 0.9, "departmental.other", "Rota shared."),
        ("b9", "P2", "departmental", "positive", 0.9, "departmental.other", "Rota fair."),
        ("c9", "P3", "departmental", "positive", 0.9, "departmental.other", "Rota open."),
        ("a8", None, "organisational", "positive", 0.9, "organisational.wres", "Form answer."),
    ]
    df = pd.DataFrame(rows, columns=["segment_id", "pair_id", "code", "valence", "score",
                                     "theme", "text"])
    names = {"departmental.panels": "Recruitment and panels",
             "departmental.shadowing": "Development and shadowing",
             "individual.praise": "Public praise", "organisational.wres": "WRES and data",
             "departmental.other": "Other departmental findings"}
    return df.assign(theme_name=df["theme"].map(names))


def test_themes_are_ranked_by_pairs_with_the_clearest_quote() -> None:
    glance = findings_at_a_glance(_coded())
    assert list(glance.columns) == GLANCE_COLUMNS
    assert glance[["code", "valence", "theme_name", "pairs", "rank"]].values.tolist() == [
        ["individual", "positive", "Public praise", "1 of 4 pairs", 1],
        ["departmental", "positive", "Recruitment and panels", "2 of 4 pairs", 1],
        ["departmental", "positive", "Development and shadowing", "1 of 4 pairs", 2],
        ["departmental", "positive", "Other departmental findings", "3 of 4 pairs", 3],
        ["departmental", "attention", "Recruitment and panels", "1 of 4 pairs", 1],
    ]  # neutral and pair-less rows are no finding; P4 counts among the pairs; 'other' last
    panels = glance.iloc[1]
    assert (panels["quote"], panels["quote_pair"], panels["n_pairs"]) == ("Panel mixed.", "P1", 2)
    assert len(findings_at_a_glance(_coded(), top=1)) == 3
    assert len(findings_at_a_glance(_coded(), min_pairs=2)) == 2


def test_strongest_findings_in_words() -> None:
    words = strongest_findings(findings_at_a_glance(_coded()), n=2)
    assert words == ["Good practice at departmental level: recruitment and panels (2 of 4 "
                     "pairs).", "Good practice at individual level: public praise (1 of 4 "
                     "pairs)."]  # the catch-all, though 3 pairs show it, is no headline
    every = strongest_findings(findings_at_a_glance(_coded()), n=5)
    assert len(every) == 4 and ("Area requiring attention at departmental level: recruitment "
                                "and panels (1 of 4 pairs).") in every


def test_nothing_to_show_is_an_empty_table_with_the_columns() -> None:
    none = findings_at_a_glance(_coded().assign(valence="neutral"))
    assert none.empty and list(none.columns) == GLANCE_COLUMNS
    assert strongest_findings(none) == []


def test_pairs_are_counted_against_the_cohorts_pairs() -> None:
    glance = findings_at_a_glance(_coded(), total_pairs=8)
    assert glance["pairs"].iloc[1] == "2 of 8 pairs"
