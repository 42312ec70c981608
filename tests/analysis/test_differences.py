"""The comparison page's opening (issue 15, item 2) and its wide tables (item 3): cohort
differences that survive correction, in words, from small hand-built frames."""
from __future__ import annotations

import math

import pandas as pd
from scipy import stats

from rmresearch.analysis import (NO_DIFFERENCE, between_view, change_in_words,
                                 compare_cohorts, compare_pairs, compare_stages, counts_wide,
                                 differences_in_words, distribution_wide, level_counts,
                                 level_distribution, pairs_wide, stage_change_view,
                                 valence_distribution)
from tests.conftest import make_responses


def _pairs_frames(with_c1: int = 2, with_c2: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """C1 has 8 pairs, C2 9; ``with_*`` of them record organisational attention (one segment
    each, three times over for C1-P01 so passages and pairs differ); every pair has one
    individual good-practice segment."""
    segs, coded = [], []
    for cohort, n_pairs, n_with in (("C1", 8, with_c1), ("C2", 9, with_c2)):
        for i in range(n_pairs):
            pair = f"{cohort}-P{i + 1:02d}"
            sid = f"{pair}-a"
            segs.append({"segment_id": sid, "pair_id": pair, "cohort": cohort})
            coded.append({"segment_id": sid, "code": "individual", "valence": "positive"})
            for k in range(3 if i == 0 else 1):
                if i < n_with:
                    sid = f"{pair}-o{k}"
                    segs.append({"segment_id": sid, "pair_id": pair, "cohort": cohort})
                    coded.append({"segment_id": sid, "code": "organisational",
                                  "valence": "attention"})
    segments = pd.DataFrame(segs)
    coded = pd.DataFrame(coded).merge(segments, on="segment_id")
    return coded, segments


def test_pairs_are_counted_once_and_tested_with_fisher():
    coded, segments = _pairs_frames()
    out = compare_pairs(coded, segments)
    org = out[(out.code == "organisational") & (out.valence == "attention")].set_index("group")
    assert org.loc["C1", ["pairs_with", "pairs_total"]].tolist() == [2, 8]  # not 4 passages
    assert org.loc["C2", ["pairs_with", "pairs_total"]].tolist() == [7, 9]
    expected = stats.fisher_exact([[2, 6], [7, 2]]).pvalue
    assert math.isclose(org.loc["C1", "p"], expected) and org.loc["C1", "method"] == "Fisher exact"
    # the only testable row in the family: adjusted equals raw
    assert math.isclose(org.loc["C1", "p_adj"], expected)
    everyone = out[(out.code == "individual") & (out.valence == "positive")]
    assert everyone["p"].isna().all() and "single value" in everyone["note"].iloc[0]


def test_the_opening_names_the_surviving_difference_in_words():
    coded, segments = _pairs_frames(with_c1=2, with_c2=8)
    pair_tests = compare_pairs(coded, segments)
    p_adj = pair_tests["p_adj"].dropna().iloc[0]
    assert 0.001 < p_adj < 0.05
    words = differences_in_words(pair_tests)
    assert words[0].startswith("1 of the 1 differences tested")
    assert words[1] == ("Cohort C2 recorded organisational findings requiring attention in 8 of "
                        f"9 pairs, against 2 of 8 in C1 (adjusted p = {p_adj:.3f}).")


def test_the_opening_says_plainly_when_nothing_survives():
    coded, segments = _pairs_frames(with_c1=4, with_c2=5)
    words = differences_in_words(compare_pairs(coded, segments))
    assert words == [NO_DIFFERENCE.format(alpha=0.05, tested=1)]
    assert words[0].startswith("No difference between the cohorts survives correction")


def test_level_and_valence_shares_in_words():
    coded, segments = _pairs_frames(with_c1=0, with_c2=9)
    tests = compare_cohorts(coded, segments)
    dist = level_distribution(coded, segments)
    words = differences_in_words(cohort_tests=tests, distribution=dist,
                                 valences=valence_distribution(coded))
    org = [w for w in words if w.startswith("Organisational-level findings")]
    share = dist[(dist.cohort == "C2") & (dist.code == "organisational")]["prop"].iloc[0]
    assert org and f"{share:.0%} of cohort C2's segments, against 0% in C1" in org[0]
    assert any(w.startswith("Findings requiring attention make up") for w in words)


def test_suppressed_counts_stay_hidden_in_the_words_and_the_wide_table():
    coded, segments = _pairs_frames(with_c1=0, with_c2=9)
    dist = level_distribution(coded, segments).astype(object)
    hidden = (dist.cohort == "C1") & (dist.code == "individual")
    dist.loc[hidden, ["n", "prop"]] = "<5"
    wide = distribution_wide(dist).set_index("level")
    assert wide.loc["individual", "cohort C1"] == "<5"
    assert wide.loc["all segments", "cohort C1"] == "8"
    assert wide.loc["organisational", "cohort C2"] == "11 (55%)"  # 11 of C2's 20 segments
    words = differences_in_words(cohort_tests=compare_cohorts(coded, segments),
                                 distribution=dist)
    assert any("against <5 in C1" in w for w in words)


def test_pairs_wide_has_one_column_per_cohort():
    coded, segments = _pairs_frames()
    wide = pairs_wide(compare_pairs(coded, segments))
    assert list(wide.columns) == ["level", "finding", "cohort C1", "cohort C2", "adjusted p",
                                  "note"]
    row = wide[(wide.level == "organisational") & (wide.finding == "requiring attention")]
    assert row[["cohort C1", "cohort C2"]].iloc[0].tolist() == ["2 of 8", "7 of 9"]
    everyone = wide[(wide.level == "individual") & (wide.finding == "good practice")]
    assert everyone[["adjusted p", "note"]].iloc[0].tolist() == [
        "-", "every pair of every cohort recorded it: nothing to compare"]
    nobody = wide[(wide.level == "symbolic") & (wide.finding == "good practice")]
    assert nobody["note"].iloc[0] == "no pair recorded it"


def test_stage_change_is_shown_first_to_last_and_between_cohorts_wide():
    resp = make_responses()
    mid = resp[resp.stage == "enrolment"].assign(stage="midpoint", value=resp["value"] + 1)
    tests = compare_stages(pd.concat([resp, mid], ignore_index=True))
    change = stage_change_view(tests)
    assert set(change["stages"]) == {"enrolment → end"}
    assert len(change) == 4  # 2 cohorts x 2 roles x 1 question
    full = stage_change_view(tests, overall=False)
    assert len(full) == (tests["group_b"].isna()).sum() == 3 * len(change)
    row = change.iloc[0]
    assert math.isclose(row["change"], row["mean after"] - row["mean before"])
    between = between_view(tests)
    assert {"mean C1", "mean C2", "most different pair", "adjusted p"} <= set(between.columns)
    assert len(between) == len(tests[tests["group_b"].notna()]
                               .drop_duplicates(["stratum", "question_id", "stage"]))


def test_change_in_words_counts_rises_and_names_surviving_changes():
    tests = compare_stages(make_responses())
    words = change_in_words(tests)
    view = stage_change_view(tests)
    rose, fell = int((view["change"] > 0).sum()), int((view["change"] < 0).sum())
    assert words[0].startswith(f"From the first to the last stage, the mean rating rose in "
                               f"{rose} of the 4 cohort, role and question groups")
    assert f"and fell in {fell};" in words[0]
    survived = int((view["adjusted p"] < 0.05).sum())
    assert len(words) == 1 + survived
    for w in words[1:]:
        assert "rose from" in w or "fell from" in w


def test_counts_wide_keeps_hidden_counts_hidden():
    coded, _ = _pairs_frames()
    long = level_counts(coded, by=("code", "valence", "cohort")).astype(object)
    long.loc[(long.code == "organisational") & (long.valence == "attention")
             & (long.cohort == "C1"), "n"] = "<5"
    wide = counts_wide(long, ["code", "valence"], "cohort")
    assert list(wide.columns) == ["code", "valence", "C1", "C2"]
    org = wide[(wide.code == "organisational") & (wide.valence == "attention")].iloc[0]
    assert (org["C1"], org["C2"]) == ("<5", 9)  # C2: 7 pairs, one with 3 passages
    ind = wide[(wide.code == "individual") & (wide.valence == "positive")].iloc[0]
    assert (ind["C1"], ind["C2"]) == (8, 9)


def test_congruence_wide_is_pair_by_level_and_keeps_hidden_counts():
    from rmresearch.analysis import congruence, congruence_wide
    from tests.conftest import make_coded, make_segments

    cong = congruence(make_coded(), make_segments()).astype(object)
    first = cong.index[0]
    cong.loc[first, "n_said"] = "<5"
    wide = congruence_wide(cong)
    assert list(wide.columns)[0] == "pair_id"
    assert list(wide.columns)[1:] == [c for c in ["individual", "departmental",
                                                  "organisational", "symbolic"]
                                      if c in set(cong["code"])]
    assert len(wide) == cong["pair_id"].nunique()
    row = wide.set_index("pair_id").loc[cong.at[first, "pair_id"], cong.at[first, "code"]]
    assert row == f"{cong.at[first, 'congruence']} (said <5, seen {cong.at[first, 'n_done']})"


def test_learning_view_puts_counts_before_texts_so_no_ward_code_is_read_across_cells():
    import re

    from rmresearch.analysis import learning_view
    from rmresearch.privacy.identifiers import find_identifiers
    from rmresearch.report.html import frame_html

    published = pd.DataFrame({"code": ["departmental"], "valence": ["positive"],
                              "area": ["abusive ward"], "n_pairs": [4], "n_segments": [5],
                              "example": ["She spoke up when a patient was abusive on the ward."],
                              "area_source": ["keywords"]})

    def read_as_the_leak_check_does(df: pd.DataFrame) -> list:
        return list(find_identifiers(re.sub(r"<[^>]+>", " ", frame_html(df))))

    assert read_as_the_leak_check_does(published)  # "abusive ward 4": a false ward code
    view = learning_view(published)
    assert list(view.columns) == ["level", "finding", "pairs", "passages", "area", "example"]
    assert view.iloc[0].tolist()[:4] == ["departmental", "good practice", 4, 5]
    assert read_as_the_leak_check_does(view) == []


def test_change_in_words_says_when_the_small_count_rule_hides_every_group():
    tests = compare_stages(make_responses()).astype(object)
    change = tests["group_b"].isna()
    tests.loc[change, ["n_a", "n_b", "mean_a", "mean_b"]] = "<5"
    assert change_in_words(tests) == [
        "In every one of the 4 cohort, role and question groups, <5 respondents answered at "
        "both stages: their mean ratings are hidden by the small-count rule."]
    tests.loc[tests.index[change][:1], ["n_a", "n_b", "mean_a", "mean_b"]] = [6, 6, 4.0, 6.5]
    words = change_in_words(tests)
    assert words[0].startswith("From the first to the last stage, the mean rating rose in 1 of "
                               "the 1 cohort, role")
    assert words[0].endswith("The 3 groups with fewer respondents than the small-count rule "
                             "allows are not shown.")
