"""Analysis layer: hand-built fixture, hand-computed expectations."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from rmresearch.analysis import (
    CONGRUENCE_CATEGORIES, LEVELS, bh_adjust, category_order, cohort_learning,
    coded_segments, compare_cohorts, compare_stages, congruence, congruence_summary,
    contingency_test, cramers_v, framework_matrix, framework_wide, free_text_answers,
    level_counts, level_distribution, mann_whitney, normalise_phrase, survey_change,
    survey_items, wilcoxon_paired)
from rmresearch.analysis import incongruence_statement, incongruent_pairs
from rmresearch.errors import InputError
from rmresearch.vocabulary import PAIR_CONGRUENCE
from tests.conftest import MACHINE, make_coded, make_codings, make_responses, make_segments

def test_coded_segments_picks_single_machine_coder_and_keeps_metadata():
    coded = make_coded()
    assert set(coded["coder"]) == {MACHINE}
    assert len(coded) == 12
    assert not coded.duplicated(["segment_id", "code"]).any()
    row = coded[(coded.segment_id == "s10") & (coded.code == "individual")].iloc[0]
    assert (row.cohort, row.pair_id, row.source, row.stage) == ("C2", "C2-P02", "journal",
                                                                "session_2")
    # framework order within a segment
    assert list(coded[coded.segment_id == "s10"]["code"]) == ["individual", "organisational"]


def test_coded_segments_human_coder_and_errors():
    human = coded_segments(make_segments(), make_codings(), coder="human:ana")
    assert sorted(human["code"]) == ["individual", "symbolic"]
    two_machines = pd.concat([make_codings(),
                              make_codings().assign(coder="rules@0.1.0")])
    with pytest.raises(InputError, match="rules@0.1.0") as err:
        coded_segments(make_segments(), two_machines)
    assert "human:ana" in str(err.value)
    with pytest.raises(InputError, match="Allowed"):
        coded_segments(make_segments(), make_codings(), coder="model@zzz")


def test_coded_segments_filters_by_segments_given():
    segs = make_segments()
    coded = coded_segments(segs[segs.cohort == "C2"], make_codings())
    assert set(coded["cohort"]) == {"C2"} and len(coded) == 4


# --- frequencies -------------------------------------------------------------------------

def test_level_counts_full_grid_in_fixed_order():
    counts = level_counts(make_coded())
    assert len(counts) == 4 * 3 * 6
    assert list(counts["code"].drop_duplicates()) == list(LEVELS)
    assert list(counts["valence"].drop_duplicates()) == ["positive", "attention", "neutral"]
    assert list(counts["source"].drop_duplicates())[:4] == ["interview", "observation",
                                                            "inspection", "journal"]
    get = counts.set_index(["code", "valence", "source"])["n"]
    assert get[("individual", "positive", "interview")] == 3  # s01, s05, s08
    assert get[("individual", "attention", "observation")] == 1  # s06
    assert get[("symbolic", "positive", "interview")] == 0
    assert counts["n"].sum() == 12
    assert list(counts.columns) == ["code", "valence", "source", "n"]  # no column repeats n


def test_level_counts_n_segments_counts_distinct_segments():
    by_source = level_counts(make_coded(), by="source").set_index("source")
    assert by_source.loc["journal", "n"] == 2  # s10 at two levels
    assert by_source.loc["journal", "n_segments"] == 1
    assert by_source.loc["staff_feedback", "n"] == 0


def test_level_counts_does_not_cross_pairs_with_other_cohorts():
    counts = level_counts(make_coded(), by=["cohort", "pair_id", "code"])
    assert len(counts) == 4 * 4  # four coded pairs x four levels, no (C1, C2-P01) rows
    assert set(zip(counts.cohort, counts.pair_id)) == {("C1", "C1-P01"), ("C1", "C1-P02"),
                                                       ("C2", "C2-P01"), ("C2", "C2-P02")}
    assert counts["n"].sum() == 11  # the form's finding has no pair


def test_level_distribution_props():
    dist = level_distribution(make_coded(), make_segments(), by="cohort")
    c1 = dist[(dist.cohort == "C1") & (dist.code == "individual")].iloc[0]
    assert (c1.n, c1.n_segments) == (4, 8)  # s01, s03, s05, s06 of 8 C1 segments
    assert c1.prop == pytest.approx(0.5)
    assert len(dist) == 2 * 4


# --- framework matrix --------------------------------------------------------------------

def test_framework_matrix_counts_and_quotes_order():
    m = framework_matrix(make_coded(), quotes=2)
    assert len(m) == 4 * 4  # four pairs with coded findings x four levels
    cell = m[(m.pair_id == "C1-P02") & (m.code == "individual")].iloc[0]
    assert (cell.n, cell.n_positive, cell.n_attention) == (2, 1, 1)
    assert cell.quotes[0].startswith("Talked over")  # score 0.95 before 0.90
    assert cell.quote_segment_ids == ["s06", "s05"]
    empty = m[(m.pair_id == "C2-P01") & (m.code == "symbolic")].iloc[0]
    assert empty.n == 0 and empty.quotes == []
    assert "form" not in set(m["pair_id"].astype(str))


def test_framework_quotes_tie_broken_by_segment_id():
    coded = make_coded()
    coded.loc[coded.segment_id.isin(["s05", "s06"]), "score"] = 0.5
    cell = framework_matrix(coded).set_index(["pair_id", "code"]).loc[("C1-P02",
                                                                       "individual")]
    assert cell.quote_segment_ids == ["s05", "s06"]


def test_framework_wide_display_and_counts():
    m = framework_matrix(make_coded())
    wide = framework_wide(m)
    assert list(wide.columns) == list(LEVELS)
    assert wide.loc["C1-P01", "individual"].startswith("2 (2 good practice, 0 requiring")
    assert "\u201cThanked the porters" in wide.loc["C1-P01", "individual"]
    assert wide.loc["C1-P01", "organisational"] == ""
    assert framework_wide(m, "n").loc["C1-P02", "departmental"] == 1
    with pytest.raises(InputError, match="summary"):
        framework_wide(m, "bogus")


# --- congruence --------------------------------------------------------------------------

def test_congruence_categories_on_fixture():
    cong = congruence(make_coded(), make_segments())
    cat = cong.set_index(["pair_id", "code"])["category"].astype(str)
    assert cat[("C1-P01", "individual")] == "said and seen"
    assert cat[("C1-P01", "departmental")] == "said in private only"
    assert cat[("C1-P01", "symbolic")] == "seen in public only"  # inspection counts as seen
    assert cat[("C1-P01", "organisational")] == "no evidence"
    assert cat[("C1-P02", "departmental")] == "seen in public only"
    assert cat[("C2-P01", "individual")] == "said in private only"
    assert cat[("C2-P02", "individual")] == "no evidence"  # journal is neither said nor done
    assert cat[("C2-P03", "individual")] == "no evidence"  # pair known only from segments
    assert list(cong["category"].cat.categories) == list(CONGRUENCE_CATEGORIES)
    assert CONGRUENCE_CATEGORIES == ("said and seen", "said in private only",
                                     "seen in public only", "no evidence")


def test_congruence_valence_and_data_flags():
    cong = congruence(make_coded(), make_segments()).set_index(["pair_id", "code"])
    assert bool(cong.loc[("C1-P01", "individual"), "valence_agrees"]) is True
    assert bool(cong.loc[("C1-P02", "individual"), "valence_agrees"]) is False
    assert pd.isna(cong.loc[("C1-P01", "departmental"), "valence_agrees"])
    assert not cong.loc[("C2-P01", "individual"), "has_observation_data"]
    assert cong.loc[("C1-P02", "individual"), ["n_said", "n_done"]].tolist() == [1, 1]
    without = congruence(make_coded())
    assert "C2-P03" not in set(without["pair_id"])


def test_congruence_by_valence_says_where_words_and_deeds_part():
    cong = congruence(make_coded(), make_segments()).set_index(["pair_id", "code"])
    by = cong["congruence"].astype(str)
    assert by[("C1-P01", "individual")] == "congruent"  # said good, seen good
    assert by[("C1-P02", "individual")] == "said good practice, seen attention"
    assert by[("C1-P01", "departmental")] == "said only"
    assert by[("C1-P01", "symbolic")] == "seen only"
    assert by[("C2-P02", "individual")] == "no evidence"
    apart = incongruent_pairs(cong.reset_index())
    assert apart[["pair_id", "code", "congruence"]].values.tolist() == [
        ["C1-P02", "individual", "said good practice, seen attention"]]
    sentence = incongruence_statement(cong.reset_index())
    assert sentence.startswith("1 of 5 pairs show what was said and what was seen leaning "
                               "opposite ways: C1-P02 (individual: said good practice, seen")
    summary = congruence_summary(cong.reset_index(), by="congruence")
    ind = summary[summary.code == "individual"].set_index("category")["n_pairs"]
    assert ind["congruent"] == 1 and ind["said good practice, seen attention"] == 1
    assert len(summary) == 4 * len(PAIR_CONGRUENCE)
    with pytest.raises(ValueError, match="allowed: 'category', 'congruence'"):
        congruence_summary(cong.reset_index(), by="colour")


def test_congruence_with_no_opposite_leaning_pair_says_so():
    coded = make_coded()
    calm = coded[coded["segment_id"] != "s06"]
    sentence = incongruence_statement(congruence(calm, make_segments()))
    assert sentence.startswith("No pair shows what was said and what was seen leaning")


def test_congruence_summary_counts_pairs():
    summary = congruence_summary(congruence(make_coded(), make_segments()))
    ind = summary[summary.code == "individual"].set_index("category")["n_pairs"]
    assert ind.to_dict() == {"said and seen": 2, "said in private only": 1,
                             "seen in public only": 0, "no evidence": 2}
    assert len(summary) == 16


# --- cohort learning ---------------------------------------------------------------------

def test_normalise_phrase():
    assert normalise_phrase("Interview Panels,") == "interview panel"
    assert normalise_phrase("BME award nominations") == "bme award nomination"
    assert normalise_phrase("women at front-of-house") == "woman at front-of-house"
    assert normalise_phrase("Talked over") == normalise_phrase("talk over") == "talk over"
    assert normalise_phrase("was ignored") == "was ignore"  # forms of "be" kept as written


def test_cohort_learning_rule_phrases_and_keywords():
    out = cohort_learning(make_coded(), min_pairs=2)
    assert list(out.columns) == ["code", "valence", "area", "n_pairs", "n_segments", "example",
                                 "area_source"]
    top = out.iloc[0]
    assert (top.code, top.valence, top.area, top.n_pairs) == ("individual", "positive",
                                                              "inclusive language", 3)
    assert top.example.startswith("I try to use")  # score 0.90 tie: s01 before s05
    assert "interview panel" not in set(out["area"])  # 2 pairs, but of opposite valence
    loose = cohort_learning(make_coded(), min_pairs=1)
    panel = loose[loose.area == "interview panel"]
    assert list(panel["valence"]) == ["positive", "attention"]
    assert list(panel["n_pairs"]) == [1, 1]
    org = out[out.code == "organisational"]
    assert "award nomination" in set(org["area"])
    assert set(org["area_source"]) == {"keywords"}
    assert (out["n_pairs"] >= 2).all()
    assert out.equals(cohort_learning(make_coded(), min_pairs=2))  # deterministic


def test_cohort_learning_empty_and_by_cohort():
    coded = make_coded()
    assert cohort_learning(coded.iloc[0:0]).empty
    by = cohort_learning(coded, min_pairs=2, by="cohort")
    first = by.groupby("cohort").head(1).set_index("cohort")
    assert first.loc["C1", "area"] == "inclusive language" and first.loc["C1", "n_pairs"] == 2
    assert first.loc["C2", "area"] == "award nomination" and first.loc["C2", "n_pairs"] == 2
    assert list(by["cohort"]) == sorted(by["cohort"])


# --- statistics --------------------------------------------------------------------------

def test_contingency_2x3_matches_scipy_and_hand_cramers_v():
    table = np.array([[10, 20, 30], [25, 15, 12]])
    chi2, p, dof, _ = stats.chi2_contingency(table)
    res = contingency_test(table)
    assert res["statistic"] == pytest.approx(chi2) and res["p"] == pytest.approx(p)
    assert res["dof"] == 2 and res["method"] == "chi-square"
    n = table.sum()
    expected = np.outer(table.sum(1), table.sum(0)) / n
    chi2_hand = ((table - expected) ** 2 / expected).sum()
    assert res["cramers_v"] == pytest.approx(math.sqrt(chi2_hand / (n * 1)))
    assert cramers_v(table) == pytest.approx(res["cramers_v"])


def test_contingency_fisher_for_small_2x2_and_degenerate():
    small = np.array([[3, 1], [1, 3]])
    res = contingency_test(small)
    assert res["method"] == "Fisher exact" and math.isnan(res["dof"])
    assert res["p"] == pytest.approx(stats.fisher_exact(small).pvalue)
    assert res["statistic"] == pytest.approx(9.0)
    one_row = contingency_test(np.array([[4, 6], [0, 0]]))
    assert math.isnan(one_row["p"]) and "fewer than two groups" in one_row["note"]
    one_col = contingency_test(np.array([[0, 6], [0, 9]]))
    assert math.isnan(one_col["p"]) and "single value" in one_col["note"]


def test_bh_adjust_against_hand_calculation():
    p = [0.01, 0.04, np.nan, 0.03, 0.20]
    # sorted 0.01, 0.03, 0.04, 0.20 (m = 4): 0.04, 0.06, 0.0533, 0.20 -> step-up minimum
    expected = [0.04, 0.16 / 3, np.nan, 0.16 / 3, 0.20]
    np.testing.assert_allclose(bh_adjust(p), expected, equal_nan=True)


def test_wilcoxon_rank_biserial_by_hand():
    res = wilcoxon_paired([0, 0, 0, 0, 0], [2, -1, 3, -4, 1])
    # |d| ranks: 1,1 -> 1.5 each; 2 -> 3; 3 -> 4; 4 -> 5. T+ = 3 + 4 + 1.5, T- = 1.5 + 5
    assert res["rank_biserial"] == pytest.approx((8.5 - 6.5) / 15)
    assert res["p"] == pytest.approx(stats.wilcoxon([2, -1, 3, -4, 1]).pvalue)
    assert math.isnan(wilcoxon_paired([5], [6])["p"])
    same = wilcoxon_paired([5, 6], [5, 6])
    assert math.isnan(same["p"]) and "changed" in same["note"]


def test_mann_whitney_rank_biserial_by_hand():
    res = mann_whitney([1, 2, 3], [2, 3, 4])
    assert res["statistic"] == pytest.approx(2.0)  # 0 + 0.5 + 1.5
    assert res["rank_biserial"] == pytest.approx(2 * 2 / 9 - 1)
    assert mann_whitney([8, 9, 7], [5, 6, 4])["rank_biserial"] == pytest.approx(1.0)
    assert "fewer than 2" in mann_whitney([1], [2, 3])["note"]
    assert "same" in mann_whitney([5, 5], [5, 5])["note"]


# --- comparison --------------------------------------------------------------------------

def test_compare_cohorts_tables_and_bh():
    segs, coded = make_segments(), make_coded()
    out = compare_cohorts(coded, segs)
    assert list(out.columns) == ["test", "variable", "n", "statistic", "dof", "p", "p_adj",
                                 "cramers_v", "method", "note"]
    assert list(out["variable"]) == [*LEVELS, "valence"]
    ind = out[out.variable == "individual"].iloc[0]
    # C1: 4 of 8 segments individual; C2: 2 of 5 (s08, s10)
    table = np.array([[4, 4], [2, 3]])
    assert ind["method"] == "Fisher exact" and ind["n"] == 13
    assert ind["p"] == pytest.approx(stats.fisher_exact(table).pvalue)
    np.testing.assert_allclose(out["p_adj"], bh_adjust(out["p"]), equal_nan=True)


def test_compare_cohorts_single_cohort_gives_nan_with_note():
    segs = make_segments()
    one = segs[segs.cohort == "C1"]
    out = compare_cohorts(coded_segments(one, make_codings()), one)
    assert out["p"].isna().all() and out["p_adj"].isna().all()
    assert out["note"].str.contains("fewer than two groups").all()


def test_compare_cohorts_chi_square_on_bigger_table():
    rows, codings = [], []
    for c, (hits, total) in {"A": (30, 60), "B": (10, 60), "C": (20, 60)}.items():
        for k in range(total):
            sid = f"{c}{k:03d}"
            rows.append((sid, c, f"{c}-P1", "interview", "session_1", "mentee", "text"))
            if k < hits:
                codings.append((sid, "individual", MACHINE, 0.9, "positive", "x"))
    segs = pd.DataFrame(rows, columns=["segment_id", "cohort", "pair_id", "source", "stage",
                                       "speaker_role", "text"])
    coded = coded_segments(segs, pd.DataFrame(codings, columns=make_codings().columns))
    out = compare_cohorts(coded, segs).set_index("variable")
    table = np.array([[30, 30], [10, 50], [20, 40]])
    assert out.loc["individual", "statistic"] == pytest.approx(stats.chi2_contingency(table)[0])
    assert out.loc["individual", "dof"] == 2
    assert "single value" in out.loc["departmental", "note"]  # never found anywhere
    assert "single value" in out.loc["valence", "note"]  # all positive


# --- surveys -----------------------------------------------------------------------------

def test_survey_items_summary():
    items = survey_items(make_responses())
    assert list(items.columns) == ["cohort", "role", "stage", "question_id", "n", "mean",
                                   "median", "sd"]
    row = items[(items.cohort == "C1") & (items.role == "mentor") & (items.stage == "end")]
    row = row.iloc[0]
    assert (row.n, row["mean"], row["median"]) == (6, pytest.approx(38 / 6), 6.0)
    assert row["sd"] == pytest.approx(np.std([7, 6, 5, 6, 8, 6], ddof=1))
    assert list(items["stage"].drop_duplicates()) == ["enrolment", "end"]
    assert "need" not in set(items["question_id"])


def test_survey_change_paired():
    out = survey_change(make_responses(), "enrolment", "end")
    row = out[(out.cohort == "C1") & (out.role == "mentor")].iloc[0]
    assert (row.n_respondents, row.n_changed) == (6, 5)
    assert row.mean_before == pytest.approx(4.5)
    assert row.mean_change == pytest.approx(11 / 6)
    assert row.rank_biserial == pytest.approx(1.0)  # every changed answer rose
    assert row.p == pytest.approx(stats.wilcoxon([3, 1, 2, 3, 2]).pvalue)
    with pytest.raises(InputError, match="midpoint"):
        survey_change(make_responses(), "midpoint", "end")


def test_survey_change_small_groups_do_not_crash():
    resp = make_responses()
    resp = resp[resp.respondent_id.isin(["C1-me0"]) | (resp.cohort == "C2")]
    out = survey_change(resp, "enrolment", "end")
    row = out[out.cohort == "C1"].iloc[0]
    assert row.n_respondents == 1 and math.isnan(row.p) and "fewer than 2" in row.note


def test_survey_change_group_without_pairs_gets_a_row():
    resp = make_responses()
    resp = resp[~((resp.stage == "end") & (resp.role == "mentee") & (resp.cohort == "C1"))]
    out = survey_change(resp, "enrolment", "end").set_index(["cohort", "role"])
    assert out.loc[("C1", "mentee"), "n_respondents"] == 0
    assert "both stages" in out.loc[("C1", "mentee"), "note"]
    assert out.loc[("C2", "mentee"), "n_respondents"] == 6


def test_free_text_answers():
    ft = free_text_answers(make_responses())
    assert len(ft) == 4  # one per cohort x role; blank and None dropped
    assert set(ft["text"]) == {"More on boundaries."}
    assert list(ft.columns) == ["cohort", "role", "stage", "question_id", "respondent_id",
                                "text"]


def test_compare_stages_between_and_change():
    out = compare_stages(make_responses(), between="cohort")
    between = out[out.test.str.startswith("between")]
    # per stage x role: C1 vs C2
    assert len(between) == 2 * 2
    row = between[(between.stage == "enrolment") & (between.stratum == "role=mentor")].iloc[0]
    ref = stats.mannwhitneyu([4, 5, 3, 6, 5, 4], [8, 9, 7, 8, 9, 9])
    assert row.p == pytest.approx(ref.pvalue)
    assert row.rank_biserial == pytest.approx(2 * ref.statistic / 36 - 1)
    assert row.rank_biserial == pytest.approx(-1.0)
    change = out[out.test.str.startswith("stage change")]
    assert len(change) == 4 and set(change["stage"]) == {"enrolment to end"}
    np.testing.assert_allclose(change["p_adj"], bh_adjust(change["p"]), equal_nan=True)


def test_compare_stages_single_cohort():
    resp = make_responses()
    out = compare_stages(resp[resp.cohort == "C1"], between="cohort")
    assert not out.test.str.startswith("between").any()
    assert (out.test.str.startswith("stage change")).sum() == 2
    by_role = compare_stages(resp[resp.cohort == "C1"], between="role")
    assert by_role.test.str.startswith("between").sum() == 2
    assert set(by_role["stratum"]) == {"cohort=C1"}


def test_category_order_stages():
    assert category_order("stage", ["end", "session_10", "session_2", "enrolment"]) == [
        "session_2", "session_10", "enrolment", "end"]


def test_stage_key_matches_stages_as_written():
    from rmresearch.analysis import stage_key
    assert stage_key("session 3") == (0, 3, "session 3")
    assert stage_key("Session_12") == (0, 12, "Session_12")
    assert stage_key("midpoint") == (1, 2, "midpoint")
    assert stage_key(" session_1") == (2, 0, " session_1")  # spaces: not a session stage
    assert stage_key(None) == (2, 0, "")


# --- one home for the fixed words ---------------------------------------------------------

def test_analysis_words_are_the_vocabulary_and_schema_objects():
    from rmresearch import analysis, schemas, vocabulary
    from rmresearch.analysis import coded as coded_module
    for name in ("LEVELS", "VALENCES", "SOURCES", "FORM_STAGES", "SAID_SOURCES",
                 "SEEN_SOURCES", "stage_key"):
        assert getattr(analysis, name) is getattr(vocabulary, name), name
    assert analysis.CONGRUENCE_CATEGORIES is vocabulary.CONGRUENCE
    assert ("segment_id", *coded_module.CODING_COLUMNS) == tuple(schemas.COLUMNS["codings"])
    assert schemas.SOURCES is vocabulary.SOURCES
    assert schemas.AUTHOR_ROLES is vocabulary.AUTHOR_ROLES
    assert schemas.SPEAKER_ROLES is vocabulary.SPEAKER_ROLES


def test_only_findings_carry_a_machine_coders_levels() -> None:
    """With a role column, the machine coder's codings of questions and headings are dropped;
    a human's codings are kept whatever the role."""
    segs = make_segments()
    first = segs["segment_id"].iloc[0]
    roles = segs.assign(role=["heading" if s == first else "finding" for s in segs["segment_id"]])
    codings = make_codings()
    machine = MACHINE
    both = pd.concat([codings, pd.DataFrame([
        dict(segment_id=first, code="symbolic", coder=machine, score=0.9, valence="positive",
             evidence="x"),
        dict(segment_id=first, code="symbolic", coder="human:ana", score=1.0,
             valence="positive", evidence="x")])]).drop_duplicates(
        ["segment_id", "code", "coder"], keep="last")
    assert first in set(coded_segments(segs, both, machine)["segment_id"])
    assert first not in set(coded_segments(roles, both, machine)["segment_id"])
    assert first in set(coded_segments(roles, both, "human:ana")["segment_id"])
    kept = coded_segments(roles, both, machine)
    assert set(kept["role"]) == {"finding"}
