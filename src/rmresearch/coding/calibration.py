"""Calibrated level scores: what a coding's score means.

A coding's raw score is the ensemble's level probability after the rule adjustment
(`blend_level_proba`); it ranks segments but is not a probability of being right. The
calibrator maps it to one:

* `cross_validated_level_proba` refits the ensemble's level classifiers (embedding and
  lexical logistic regressions, rule hits) on k-1 folds of the training texts and scores
  the held-out fold, so every training text gets a score from a model that never saw it;
* `LevelCalibrator` fits scikit-learn's `IsotonicRegression` (the isotonic method of
  `CalibratedClassifierCV`) on those held-out scores, pooled over the levels, against
  whether the text carries the level. Pooling gives each part of the curve many points.

Decisions are not changed: a level is still assigned when the *raw* probability reaches its
threshold, so macro-F1 and kappa are those of the uncalibrated coder; only the score
reported with each coding is calibrated. `reliability_table` and
`expected_calibration_error` measure the result on any coded gold set.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from .training import levels_known

__all__ = ["blend_level_proba", "cross_validated_level_proba", "LevelCalibrator",
           "PlattCalibrator", "reliability_table", "expected_calibration_error", "CV_FOLDS",
           "OUT_OF_REGISTER_PLATT", "MIN_HUMAN_FOR_CALIBRATION", "STRONG_SCORE"]

CV_FOLDS = 5
#: Platt map ``sigmoid(a * logit(p) + b)`` of a coding's raw score, fitted on the codings
#: the shipped coder gives data/gold/registers.csv and data/gold/curve_staff_survey.csv (416
#: codings in 12 registers, none of them training text; refitted for the coder with the role
#: rules roles-v13 and none_threshold 0.8); leave-one-register-out ECE 0.033 against 0.100 raw
#: (bench/bench_calibration.py --platt, which prints these numbers again for the current coder).
OUT_OF_REGISTER_PLATT = (0.6642, -0.1738)
#: Human-coded segments a project needs before the calibration is fitted on them instead
MIN_HUMAN_FOR_CALIBRATION = 50
#: A coding's (calibrated) score from which it is strong evidence: the feedback sheet's
#: first quotes, the texts emergent topics are fitted on (a raw 0.7 before scores were
#: calibrated)
STRONG_SCORE = 0.55


def blend_level_proba(p_embedding: np.ndarray, p_lexical: np.ndarray, hits: np.ndarray,
                      lexical_weight: float, rule_weight: float) -> np.ndarray:
    """Level probabilities (levels then ``none``) of the ensemble.

    The mean of the embedding and lexical classifiers' probabilities (``lexical_weight`` is
    the lexical share), whose log-odds for a level rise by ``rule_weight`` where ``hits``
    (n, n_levels, 0/1) says a codebook pattern of that level matched.
    """
    w = lexical_weight
    P = np.clip((1 - w) * p_embedding + w * p_lexical, 1e-6, 1 - 1e-6)
    logit = np.log(P / (1 - P))
    logit[:, :-1] += rule_weight * hits
    return 1.0 / (1.0 + np.exp(-logit))


def cross_validated_level_proba(E: np.ndarray, lemmas: Sequence[str], hits: np.ndarray,
                                Y: np.ndarray, make_vectorizer: Callable[[], Any], *,
                                C: float, lexical_C: float, lexical_weight: float,
                                rule_weight: float, random_state: int,
                                n_splits: int = CV_FOLDS) -> np.ndarray:
    """Held-out level probabilities (n, n_levels + 1) of the training texts.

    Parameters
    ----------
    E : ndarray (n, d)
        Sentence embeddings of the training texts.
    lemmas : sequence of str
        Their lemmas (the lexical classifier's input).
    hits : ndarray (n, n_levels)
        1 where a pattern of the level matched the text.
    Y : ndarray (n, n_levels)
        The training labels.
    make_vectorizer : callable
        Builds a fresh tf-idf vectorizer, as the ensemble does.
    C, lexical_C, lexical_weight, rule_weight, random_state
        The ensemble's parameters.
    n_splits : int
        Folds (shuffled with ``random_state``).
    """
    from sklearn.model_selection import KFold

    from .model import LevelClassifier

    out = np.zeros((len(lemmas), Y.shape[1] + 1))
    lemmas = np.asarray(list(lemmas), dtype=object)
    folds = KFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    for train, test in folds.split(E):
        none = [None] * len(train)
        emb = LevelClassifier(C, C, random_state).fit(E[train], Y[train], none)
        vec = make_vectorizer()
        lex = LevelClassifier(lexical_C, lexical_C, random_state).fit(
            vec.fit_transform(lemmas[train]), Y[train], none)
        out[test] = blend_level_proba(emb.proba(E[test]), lex.proba(vec.transform(lemmas[test])),
                                      hits[test], lexical_weight, rule_weight)
    return out


@dataclass
class LevelCalibrator:
    """Isotonic map from a raw level probability to the probability that the level is
    right, fitted on held-out predictions of the training texts."""

    model: Any = None

    def fit(self, P: np.ndarray, Y: np.ndarray) -> "LevelCalibrator":
        """Fit on raw level probabilities ``P`` (n, n_levels[+1]) and labels ``Y``."""
        from sklearn.isotonic import IsotonicRegression

        k, known = Y.shape[1], levels_known(Y)
        x, y = P[known, :k].ravel(), Y[known].ravel().astype(float)
        self.model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip",
                                        increasing=True).fit(x, y)
        return self

    def transform(self, P: np.ndarray) -> np.ndarray:
        """Calibrated copy of ``P``: level columns mapped, a ``none`` column kept."""
        P = np.asarray(P, dtype=float)
        out = P.copy()
        if self.model is None or P.size == 0:
            return out
        k = P.shape[1] - 1 if P.shape[1] > 1 else P.shape[1]
        out[:, :k] = self.model.predict(P[:, :k].ravel()).reshape(P.shape[0], k)
        return out


def reliability_table(scores: Sequence[float], outcomes: Sequence[int],
                      n_bins: int = 10) -> list[dict[str, float]]:
    """Equal-width bins of score: lower and upper edge, mean score, observed share of
    outcomes that are 1 (for codings: precision), count. Empty bins are left out."""
    s = np.asarray(scores, dtype=float)
    o = np.asarray(outcomes, dtype=float)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.digitize(s, edges[1:-1], right=True), 0, n_bins - 1)
    rows = []
    for b in range(n_bins):
        mask = which == b
        if mask.any():
            rows.append({"low": float(edges[b]), "high": float(edges[b + 1]),
                         "mean_score": float(s[mask].mean()),
                         "observed": float(o[mask].mean()), "count": int(mask.sum())})
    return rows


def expected_calibration_error(scores: Sequence[float], outcomes: Sequence[int],
                               n_bins: int = 10) -> float:
    """Count-weighted mean of ``|mean score - observed|`` over the `reliability_table` bins."""
    table = reliability_table(scores, outcomes, n_bins)
    n = sum(r["count"] for r in table)
    if not n:
        return float("nan")
    return sum(r["count"] * abs(r["mean_score"] - r["observed"]) for r in table) / n


@dataclass
class PlattCalibrator:
    """Platt map from a raw level probability to the probability that the level is right:
    ``sigmoid(a * logit(p) + b)``, monotonic, so rankings and decisions do not change.

    Without fitting it holds `OUT_OF_REGISTER_PLATT` (fitted on text in registers the
    training data lacks); `fit` refits it on a project's own human codings.
    """

    a: float = OUT_OF_REGISTER_PLATT[0]
    b: float = OUT_OF_REGISTER_PLATT[1]
    fitted_on: str = "out-of-register gold sets"

    @staticmethod
    def _logit(p: np.ndarray) -> np.ndarray:
        p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
        return np.log(p / (1 - p))

    def fit(self, scores: Sequence[float], outcomes: Sequence[int],
            fitted_on: str = "human codings") -> "PlattCalibrator":
        """Fit ``a, b`` by logistic regression of ``outcomes`` (1 = right) on the logit of
        ``scores``; keeps the current map when the outcomes are all one class."""
        from sklearn.linear_model import LogisticRegression

        y = np.asarray(outcomes, dtype=int)
        if len(y) == 0 or y.min() == y.max():
            return self
        model = LogisticRegression(C=1e4, max_iter=1000).fit(self._logit(scores)[:, None], y)
        self.a, self.b = float(model.coef_[0, 0]), float(model.intercept_[0])
        self.fitted_on = fitted_on
        return self

    def transform(self, P: np.ndarray) -> np.ndarray:
        """Calibrated copy of ``P``: level columns mapped, a ``none`` column kept."""
        P = np.asarray(P, dtype=float)
        out = P.copy()
        if P.size == 0:
            return out
        k = P.shape[1] - 1 if P.shape[1] > 1 else P.shape[1]
        out[:, :k] = 1.0 / (1.0 + np.exp(-(self.a * self._logit(P[:, :k]) + self.b)))
        return out
