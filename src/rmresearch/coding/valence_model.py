"""The valence classifiers of the model coders: logistic regression over the three valences,
on any features (`ValenceClassifier`) or on tf-idf of marked lemmas (`LexicalValenceClassifier`).

Valence is only reported for coded segments, so they learn from coded texts: those with a
known valence and at least one level (a row of -1, levels unknown, counts as coded: such
texts teach valence only, `training.VALENCE_TRAINING_FILES`).
"""
from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression

from ..vocabulary import VALENCES

__all__ = ["ValenceClassifier", "LexicalValenceClassifier", "coded_with_valence", "in_order"]


def in_order(proba: np.ndarray, classes: Sequence[str], order: Sequence[str]) -> np.ndarray:
    """A classifier's probabilities (columns in ``classes`` order) as columns in ``order``
    (zeros for a class it never saw)."""
    out = np.zeros((proba.shape[0], len(order)))
    for j, cls in enumerate(classes):
        out[:, list(order).index(cls)] = proba[:, j]
    return out


def coded_with_valence(Y: np.ndarray, valences: Sequence[str | None]) -> list[int]:
    """Rows that teach valence: a known valence and a row of ``Y`` that is not all zero."""
    return [i for i, v in enumerate(valences) if v is not None and Y[i].any()]


class ValenceClassifier:
    """Multinomial logistic regression over `VALENCES` on any features.

    Parameters
    ----------
    C : float
        Inverse regularisation.
    random_state : int
        Seed of the solver.
    max_iter : int
        The solver's most iterations.
    """

    def __init__(self, C: float, random_state: int, max_iter: int = 2000) -> None:
        self.C, self.random_state, self.max_iter = C, random_state, max_iter

    def fit(self, V: np.ndarray, Y: np.ndarray, valences: Sequence[str | None],
            sample_weight: np.ndarray | None = None) -> "ValenceClassifier":
        """Learn from the rows of ``V`` whose valence is known and whose row of ``Y`` (levels;
        -1 = unknown) is not all zero; ``sample_weight`` weighs each row (None: all 1)."""
        idx = coded_with_valence(Y, valences)
        labels = np.array([valences[i] for i in idx])
        self.classes_ = [v for v in VALENCES if v in set(labels)]
        self.model_: LogisticRegression | None = None
        if len(self.classes_) >= 2:
            self.model_ = LogisticRegression(C=self.C, max_iter=self.max_iter,
                                             random_state=self.random_state)
            self.model_.fit(V[idx], labels,
                            sample_weight=None if sample_weight is None
                            else np.asarray(sample_weight)[idx])
        return self

    def proba(self, V: np.ndarray) -> np.ndarray:
        """(n, 3) valence probabilities in `VALENCES` order; one class seen in training gets
        probability 1 (none seen: neutral)."""
        if self.model_ is None:
            fill = self.classes_[0] if self.classes_ else "neutral"
            return in_order(np.ones((V.shape[0], 1)), [fill], VALENCES)
        return in_order(self.model_.predict_proba(V), self.model_.classes_, VALENCES)


class LexicalValenceClassifier:
    """A `ValenceClassifier` on tf-idf of texts' valence views (`valence.valence_view`: lemmas
    marked for negation scope and conceded clauses), the vocabulary learned from the texts
    that teach valence.

    Parameters
    ----------
    C, random_state
        As for `ValenceClassifier`.
    vectorizer : callable
        Makes a new, unfitted tf-idf vectorizer.
    """

    def __init__(self, C: float, random_state: int, vectorizer: Callable[[], Any]) -> None:
        self.C, self.random_state, self.vectorizer = C, random_state, vectorizer

    def fit(self, views: Sequence[str], Y: np.ndarray, valences: Sequence[str | None],
            sample_weight: np.ndarray | None = None) -> "LexicalValenceClassifier":
        """Learn from the views of the texts that teach valence (`coded_with_valence`)."""
        idx = coded_with_valence(Y, valences)
        self.vectorizer_ = self.vectorizer()
        if idx:
            self.vectorizer_.fit([views[i] for i in idx])
        X = self.vectorizer_.transform(views) if idx else np.zeros((len(views), 0))
        self.model_ = ValenceClassifier(self.C, self.random_state, max_iter=3000).fit(
            X, Y, valences, sample_weight)
        return self

    @property
    def ready(self) -> bool:
        """Whether it learned at least two valences (else the caller does without it)."""
        return len(self.model_.classes_) >= 2

    def proba(self, views: Sequence[str]) -> np.ndarray:
        """(n, 3) valence probabilities in `VALENCES` order."""
        return self.model_.proba(self.vectorizer_.transform(list(views)))
