"""Calibrated scores: the calibrator, the reliability table, and the coder's scores."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rmresearch.coding.calibration import (LevelCalibrator, blend_level_proba,
                                           expected_calibration_error, reliability_table)

ROOT = Path(__file__).resolve().parents[2]


def test_reliability_table_bins_scores_and_counts_outcomes() -> None:
    scores = [0.05, 0.15, 0.15, 0.95, 0.91, 1.0]
    outcomes = [0, 1, 0, 1, 1, 0]
    table = reliability_table(scores, outcomes, n_bins=10)
    assert [(r["low"], r["count"]) for r in table] == [(0.0, 1), (0.1, 2), (0.9, 3)]
    assert table[1]["observed"] == pytest.approx(0.5)
    assert table[2]["mean_score"] == pytest.approx((0.95 + 0.91 + 1.0) / 3)
    ece = expected_calibration_error(scores, outcomes, n_bins=10)
    expected = (1 * 0.05 + 2 * abs(0.15 - 0.5) + 3 * abs(0.9533333 - 2 / 3)) / 6
    assert ece == pytest.approx(expected, abs=1e-6)


def test_isotonic_calibrator_learns_the_observed_rate() -> None:
    rng = np.random.default_rng(0)
    raw = rng.uniform(0, 1, size=(4000, 2))
    truth = (rng.uniform(0, 1, size=raw.shape) < raw ** 2).astype(int)  # overconfident
    cal = LevelCalibrator().fit(np.column_stack([raw, np.zeros(len(raw))]), truth)
    out = cal.transform(np.array([[0.9, 0.5, 0.7]]))
    assert out[0, 0] == pytest.approx(0.81, abs=0.06)
    assert out[0, 1] == pytest.approx(0.25, abs=0.06)
    assert out[0, 2] == 0.7  # the none column is left as it is
    test = rng.uniform(0, 1, size=(4000, 2))
    outcome = (rng.uniform(0, 1, size=test.shape) < test ** 2).astype(int)
    calibrated = cal.transform(np.column_stack([test, np.zeros(len(test))]))[:, :2]
    assert expected_calibration_error(calibrated.ravel(), outcome.ravel()) < 0.03
    assert expected_calibration_error(test.ravel(), outcome.ravel()) > 0.1


def test_blend_adds_rule_log_odds_to_the_levels_only() -> None:
    p = np.array([[0.5, 0.5, 0.5]])
    out = blend_level_proba(p, p, np.array([[1.0, 0.0]]), lexical_weight=0.5, rule_weight=1.0)
    assert out[0, 0] == pytest.approx(1 / (1 + np.exp(-1.0)))
    assert out[0, 1] == pytest.approx(0.5) and out[0, 2] == pytest.approx(0.5)


def test_coder_scores_are_calibrated_but_decisions_unchanged() -> None:
    from rmresearch.coding import EnsembleCoder, code_segments

    texts = ["She thanked the porters by name in the huddle.",
             "The interview panels in the directorate are all white.",
             "The trust publishes its race equality figures every year.",
             "Photos of the award winners are on the department wall.",
             "He talked over the overseas nurses at handover again."]
    seg = pd.DataFrame({"segment_id": [f"s{i}" for i in range(len(texts))], "text": texts})
    cal = EnsembleCoder(calibration="isotonic").fit_codebook()
    raw = EnsembleCoder(calibration=None).fit_codebook()
    a, b = code_segments(seg, coder=cal), code_segments(seg, coder=raw)
    assert a[["segment_id", "code", "valence"]].equals(b[["segment_id", "code", "valence"]])
    assert cal.calibrator_ is not None and raw.calibrator_ is None
    assert cal.coder_label != raw.coder_label
    assert ((a["score"] >= 0) & (a["score"] <= 1)).all()
    assert not np.allclose(a["score"].to_numpy(), b["score"].to_numpy())
    # isotonic: the calibrated order never contradicts the raw order
    order_raw, order_cal = b["score"].to_numpy(), a["score"].to_numpy()
    for i in range(len(a)):
        for j in range(len(a)):
            if order_raw[i] > order_raw[j]:
                assert order_cal[i] >= order_cal[j]


def test_platt_is_the_default_monotonic_and_refitted_on_a_projects_own_codings() -> None:
    from rmresearch.coding import EnsembleCoder, code_segments
    from rmresearch.coding.calibration import (MIN_HUMAN_FOR_CALIBRATION,
                                               OUT_OF_REGISTER_PLATT, PlattCalibrator)

    texts = ["She thanked the porters by name in the huddle.",
             "The interview panels in the directorate are all white.",
             "The trust publishes its race equality figures every year.",
             "He talked over the overseas nurses at handover again."]
    seg = pd.DataFrame({"segment_id": [f"s{i}" for i in range(len(texts))], "text": texts})
    default, raw = EnsembleCoder().fit_codebook(), EnsembleCoder(calibration=None).fit_codebook()
    assert isinstance(default.calibrator_, PlattCalibrator)
    assert (default.calibrator_.a, default.calibrator_.b) == OUT_OF_REGISTER_PLATT
    a, b = code_segments(seg, coder=default), code_segments(seg, coder=raw)
    assert a[["segment_id", "code", "valence"]].equals(b[["segment_id", "code", "valence"]])
    expected = PlattCalibrator().transform(np.column_stack([b["score"], b["score"]]))[:, 0]
    assert np.allclose(a["score"].to_numpy(), expected, atol=1e-3)  # scores are rounded
    raw_s, cal_s = b["score"].to_numpy(), a["score"].to_numpy()
    assert all(cal_s[i] >= cal_s[j] for i in range(len(a)) for j in range(len(a))
               if raw_s[i] > raw_s[j])  # the map keeps the order
    # a project with enough human codings gets a map fitted on them
    gold = pd.read_csv(ROOT / "data" / "gold" / "curve_staff_survey.csv")
    few = gold.iloc[:MIN_HUMAN_FOR_CALIBRATION - 1][["text", "levels", "valence"]]
    enough = gold.iloc[:MIN_HUMAN_FOR_CALIBRATION + 30][["text", "levels", "valence"]]
    assert EnsembleCoder().fit_codebook(extra_segments=few).calibrator_.fitted_on == \
        PlattCalibrator().fitted_on
    own = EnsembleCoder().fit_codebook(extra_segments=enough).calibrator_
    assert own.fitted_on.startswith(f"{MIN_HUMAN_FOR_CALIBRATION + 30} human-coded")
    assert (own.a, own.b) != OUT_OF_REGISTER_PLATT
