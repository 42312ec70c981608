"""What is a finding, learned: logistic regression over the discourse roles on sentence vectors.

The role rules (`roles`) recognise the shapes of questions, headings, method, logistics and
talk about the mentoring, but a new writer brings shapes no rule has seen. The role models
learn the roles from the labelled training texts (`training.TrainingSet.role_labels`: every
text with a level is a finding; the roles file and the valence-only file name the role of
their non-findings) and veto a level where a segment is plainly not a finding.

`RoleGate` reads a coded segment in two steps, so that the slower encoder reads few of them:
the role model on the level encoder's vectors first; only a segment it gives a finding
probability below ``unsure`` is read by the role model on the strong encoder's vectors, and
that model's finding probability below ``veto`` takes the segment's levels away. Chosen on
the development sets (docs/evaluation.md, "A learned role gate").
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression

from ..vocabulary import FINDING, ROLES
from .valence_model import in_order

__all__ = ["RoleClassifier", "RoleGate", "ROLE_C"]

#: inverse regularisation of the role models (chosen with the gate, on the development sets)
ROLE_C = 4.0


class RoleClassifier:
    """Multinomial logistic regression over `ROLES` on any features, with balanced classes
    (findings outnumber each other role many times over in the training texts).

    Parameters
    ----------
    C, random_state
        As for `valence_model.ValenceClassifier` (C: `ROLE_C`).
    """

    def __init__(self, C: float = ROLE_C, random_state: int = 0) -> None:
        self.C, self.random_state = C, random_state

    def fit(self, V: np.ndarray, roles: Sequence[str | None],
            sample_weight: np.ndarray | None = None) -> "RoleClassifier":
        """Learn from the rows of ``V`` whose role is known; without findings and at least one
        other role it learns nothing and calls every text a finding."""
        idx = [i for i, role in enumerate(roles) if role in ROLES]
        labels = [roles[i] for i in idx]
        self.classes_ = [r for r in ROLES if r in set(labels)]
        self.model_: LogisticRegression | None = None
        if FINDING in self.classes_ and len(self.classes_) >= 2:
            self.model_ = LogisticRegression(C=self.C, max_iter=5000, class_weight="balanced",
                                             random_state=self.random_state)
            self.model_.fit(V[idx], labels, sample_weight=None if sample_weight is None
                            else np.asarray(sample_weight)[idx])
        return self

    def proba(self, V: np.ndarray) -> np.ndarray:
        """(n, 6) role probabilities in `ROLES` order (unfitted or without a model: all
        finding)."""
        if self.model_ is None:
            return in_order(np.ones((V.shape[0], 1)), [FINDING], ROLES)
        return in_order(self.model_.predict_proba(V), self.model_.classes_, ROLES)

    def finding_proba(self, V: np.ndarray) -> np.ndarray:
        """(n,) probability that each row is a finding."""
        return self.proba(V)[:, ROLES.index(FINDING)]


class RoleGate:
    """Two role models, one per encoder, read one after the other (see the module notes).

    Parameters
    ----------
    veto : float
        A segment whose finding probability from the second model is below this is not a
        finding (0: never).
    unsure : float
        The second model reads only segments the first gives a finding probability below
        this.
    random_state : int
        Seed of the solvers.
    """

    def __init__(self, veto: float, unsure: float, random_state: int = 0) -> None:
        self.veto, self.unsure, self.random_state = veto, unsure, random_state

    def fit(self, first: np.ndarray, second: np.ndarray, roles: Sequence[str | None],
            sample_weight: np.ndarray | None = None) -> "RoleGate":
        """Fit the first model on ``first`` (level-encoder vectors of the training texts) and
        the second on ``second`` (the strong encoder's; the same array when there is none)."""
        self.first_ = RoleClassifier(random_state=self.random_state).fit(first, roles,
                                                                          sample_weight)
        self.second_ = (self.first_ if second is first else
                        RoleClassifier(random_state=self.random_state).fit(second, roles,
                                                                           sample_weight))
        return self

    def not_findings(self, texts: Sequence[str], first: np.ndarray,
                     encode_second: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """Boolean mask over ``texts`` (level-encoder vectors ``first``): the second model
        says "not a finding"; ``encode_second`` gives the second encoder's vectors and is
        called once, for the unsure texts only."""
        out = np.zeros(len(texts), dtype=bool)
        if self.veto <= 0 or not len(texts):
            return out
        unsure = np.where(self.first_.finding_proba(first) < self.unsure)[0]
        if len(unsure):
            vectors = (first[unsure] if self.second_ is self.first_
                       else encode_second([texts[i] for i in unsure]))
            out[unsure[self.second_.finding_proba(vectors) < self.veto]] = True
        return out
