"""The valence classifier of the model coders: logistic regression over the three valences.

Valence is only reported for coded segments, so it learns from coded texts: those with a
known valence and at least one level (a row of -1, levels unknown, counts as coded: such
texts teach valence only, `training.VALENCE_TRAINING_FILES`).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression

from ..vocabulary import VALENCES

__all__ = ["ValenceClassifier"]


class ValenceClassifier:
    """Multinomial logistic regression over `VALENCES` on any features.

    Parameters
    ----------
    C : float
        Inverse regularisation.
    random_state : int
        Seed of the solver.
    """

    def __init__(self, C: float, random_state: int) -> None:
        self.C, self.random_state = C, random_state

    def fit(self, V: np.ndarray, Y: np.ndarray, valences: Sequence[str | None],
            sample_weight: np.ndarray | None = None) -> "ValenceClassifier":
        """Learn from the rows of ``V`` whose valence is known and whose row of ``Y`` (levels;
        -1 = unknown) is not all zero; ``sample_weight`` weighs each row (None: all 1)."""
        idx = [i for i, v in enumerate(valences) if v is not None and Y[i].any()]
        labels = np.array([valences[i] for i in idx])
        self.classes_ = [v for v in VALENCES if v in set(labels)]
        self.model_: LogisticRegression | None = None
        if len(self.classes_) >= 2:
            self.model_ = LogisticRegression(C=self.C, max_iter=2000,
                                             random_state=self.random_state)
            self.model_.fit(V[idx], labels,
                            sample_weight=None if sample_weight is None
                            else np.asarray(sample_weight)[idx])
        return self

    def proba(self, V: np.ndarray) -> np.ndarray:
        """(n, 3) valence probabilities in `VALENCES` order; one class seen in training gets
        probability 1 (none seen: neutral)."""
        out = np.zeros((V.shape[0], len(VALENCES)))
        if self.model_ is None:
            fill = self.classes_[0] if self.classes_ else "neutral"
            out[:, VALENCES.index(fill)] = 1.0
            return out
        proba = self.model_.predict_proba(V)
        for j, cls in enumerate(self.model_.classes_):
            out[:, VALENCES.index(cls)] = proba[:, j]
        return out
