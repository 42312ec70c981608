"""Model coder: sentence embeddings + one-vs-rest logistic regression.

Multi-label over the codebook's levels plus ``none`` (not codable): one balanced logistic
regression per level and one for ``none``, on L2-normalised all-MiniLM-L6-v2 embeddings, and a
multinomial logistic regression for valence. A level is assigned when its probability reaches
its threshold (`decide`). Follows scikit-learn conventions: the constructor stores its
arguments untouched, learned state ends in ``_``, `fit` returns self, predicting before
fitting raises `NotFittedError`.
"""
from __future__ import annotations

import functools
import hashlib
import json
from typing import Any, Callable, Mapping, Sequence, TypeVar

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression

from ..codebook import Codebook, default_codebook
from ..errors import CodingError, NotFittedError
from ..vocabulary import VALENCES
from .embeddings import Embedder, embedding_sha
from .valence_model import ValenceClassifier
from .training import (TrainingItem, TrainingSet, build_training_set, codebook_items,
                       levels_known, training_file_items)

__all__ = ["ModelCoder", "LevelClassifier", "decide", "items_from_frame", "NONE",
           "one_blas_thread"]

NONE = "none"


_F = TypeVar("_F", bound=Callable[..., Any])


def one_blas_thread(method: _F) -> _F:
    """Run a fitting method with one BLAS thread: the solvers' sums then add up in one order
    whatever the machine's cores, so a coder fitted on a laptop, a 2-core CI runner or a
    1-thread Dask worker gives the same probabilities to the last digit (with two threads
    they differed by up to 1e-5, enough to move a rounded score). Also faster at this size."""
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1, user_api="blas"):
            return method(*args, **kwargs)
    return wrapper  # type: ignore[return-value]


def decide(P: np.ndarray, thresholds: Sequence[float], p_none: np.ndarray | None = None,
           none_threshold: float = 1.0, fallback: float = 1.0,
           fallback_none: float = 1.0) -> np.ndarray:
    """Turn level probabilities into 0/1 assignments.

    A level is assigned when its probability reaches its threshold. When ``p_none`` reaches
    ``none_threshold`` the segment gets no level; when no level reaches its threshold but the
    best one reaches ``fallback`` (and ``p_none`` is below ``none_threshold`` and below
    ``fallback_none``), the best is kept.
    """
    P = np.asarray(P, dtype=float)
    out = (P >= np.asarray(thresholds, dtype=float)[None, :]).astype(int)
    if P.shape[0] == 0:
        return out
    best = P.argmax(axis=1)
    lonely = (out.sum(axis=1) == 0) & (P.max(axis=1) >= fallback)
    if p_none is not None:
        lonely &= (p_none < none_threshold) & (p_none < fallback_none)
        out[np.asarray(p_none) >= none_threshold] = 0
    out[np.where(lonely)[0], best[lonely]] = 1
    return out


def items_from_frame(frame: Any) -> list[TrainingItem]:
    """Training items from a DataFrame with ``text``, ``levels`` (";"-joined or ``none``) and
    optionally ``valence`` columns (the gold-file format)."""
    if isinstance(frame, list):
        return frame
    missing = [c for c in ("text", "levels") if c not in frame.columns]
    if missing:
        raise CodingError(f"extra training segments need columns 'text' and 'levels'; missing "
                          f"{missing}; found {list(frame.columns)}")
    vals = frame["valence"] if "valence" in frame.columns else [None] * len(frame)
    items = []
    for text, levels, val in zip(frame["text"], frame["levels"], vals):
        lv = levels if isinstance(levels, (list, tuple)) else str(levels).split(";")
        lv = tuple(x.strip() for x in lv if x and x.strip() and x.strip() != NONE)
        val = val if isinstance(val, str) and val in VALENCES else None
        items.append(TrainingItem(str(text), lv, val, "human"))
    return items


def _fit_binary(F: np.ndarray, y: np.ndarray, C: float, random_state: int,
                sample_weight: np.ndarray | None = None) -> Any:
    if y.min() == y.max():  # no positives (or only positives): constant
        return float(y.max())
    clf = LogisticRegression(C=C, class_weight="balanced", max_iter=2000,
                             random_state=random_state)
    return clf.fit(F, y, sample_weight=sample_weight)


def _proba_binary(clf: Any, F: np.ndarray) -> np.ndarray:
    if isinstance(clf, float):
        return np.full(F.shape[0], clf)
    return clf.predict_proba(F)[:, 1]


class LevelClassifier:
    """One-vs-rest balanced logistic regressions for the levels, ``none`` and valence."""

    def __init__(self, C: float, valence_C: float, random_state: int) -> None:
        self.C, self.valence_C, self.random_state = C, valence_C, random_state

    def fit(self, F: np.ndarray, Y: np.ndarray, valences: Sequence[str | None],
            V: np.ndarray | None = None, sample_weight: np.ndarray | None = None,
            ) -> "LevelClassifier":
        """Fit on features ``F``, labels ``Y`` (n, n_codes; a row of -1: levels unknown, the
        text teaches valence only) and valences (features ``V``); ``sample_weight`` weighs
        each text (None: all 1)."""
        w, known = sample_weight, levels_known(Y)
        Fk, Yk, wk = F[known], Y[known], None if w is None else np.asarray(w)[known]
        self.levels_ = [_fit_binary(Fk, Yk[:, j], self.C, self.random_state, wk)
                        for j in range(Y.shape[1])]
        self.none_ = _fit_binary(Fk, (Yk.sum(axis=1) == 0).astype(int), self.C,
                                 self.random_state, wk)
        V = F if V is None else V
        self.valence_model_ = ValenceClassifier(self.valence_C, self.random_state).fit(
            V, Y, valences, sample_weight=w)
        return self

    @property
    def valence_classes_(self) -> list[str]:
        """The valences seen in training (`ValenceClassifier.classes_`)."""
        return self.valence_model_.classes_

    def proba(self, F: np.ndarray) -> np.ndarray:
        """(n, n_codes + 1) probabilities: levels then ``none``."""
        cols = [_proba_binary(c, F) for c in self.levels_] + [_proba_binary(self.none_, F)]
        return np.column_stack(cols)

    def valence_proba(self, V: np.ndarray) -> np.ndarray:
        """(n, 3) valence probabilities in `VALENCES` order."""
        return self.valence_model_.proba(V)


class ModelCoder(BaseEstimator):
    """Sentence embeddings + logistic regression, multi-label over levels plus ``none``.

    Parameters
    ----------
    codebook : Codebook or None
        The coding frame (None: the shipped EDI levels); gives the level order.
    random_state : int
        Seed of the classifiers.
    C : float
        Inverse regularisation of the level classifiers.
    valence_C : float
        Inverse regularisation of the valence classifier.
    thresholds : mapping or None
        Probability a level needs to be assigned; None uses 0.5 for every level.
    none_threshold : float
        ``none`` probability at which a segment gets no level.
    batch_size : int
        Encoder batch size (fixed, 64).
    embedder : Embedder or None
        Custom embedder (cache folder, model); None builds the default one.
    human_weight : float
        Weight of each human-coded segment of the project (``extra_segments`` of
        `fit_codebook`) against one codebook or training-file example: a project's own
        codings are in its own register, so they count more.
    """

    def __init__(self, codebook: Codebook | None = None, random_state: int = 0, C: float = 4.0,
                 valence_C: float = 4.0, thresholds: Mapping[str, float] | None = None,
                 none_threshold: float = 1.0, batch_size: int = 64,
                 embedder: Embedder | None = None, human_weight: float = 1.0) -> None:
        self.codebook = codebook
        self.random_state = random_state
        self.C = C
        self.valence_C = valence_C
        self.thresholds = thresholds
        self.none_threshold = none_threshold
        self.batch_size = batch_size
        self.embedder = embedder
        self.human_weight = human_weight

    _kind = "model"

    # ----------------------------------------------------------------- fitting
    def get_embedder(self) -> Embedder:
        """The embedder this coder encodes with: ``embedder`` if given, else a default one
        (``batch_size``); built on first use and kept as ``embedder_``. Loads no model."""
        if getattr(self, "embedder_", None) is None:
            self.embedder_ = self.embedder or Embedder(batch_size=self.batch_size)
        return self.embedder_

    def training_texts(self) -> list[str]:
        """The texts this coder embeds when it is fitted, without fitting or encoding.

        Once fitted: its training texts. Before: those `fit_codebook` (without extra
        segments) learns from.

        Raises
        ------
        CodingError
            Not fitted, and the codebook has no examples to learn from.
        """
        training = getattr(self, "training_", None)
        if training is not None:
            return list(training.texts)
        return list(self._codebook_training().texts)

    def trained_vectors(self) -> dict[str, np.ndarray]:
        """The fitted training texts' embeddings by cache key (`embeddings.embedding_sha`); empty
        before fitting."""
        training, emb = getattr(self, "training_", None), getattr(self, "train_emb_", None)
        if training is None or emb is None:
            return {}
        return {embedding_sha(t): v for t, v in zip(training.texts, emb)}

    def _codes(self) -> list[str]:
        return (self.codebook or default_codebook()).ids

    def _targets(self, Y: Any) -> np.ndarray:
        codes = self._codes()
        if isinstance(Y, np.ndarray) and Y.ndim == 2:
            if Y.shape[1] != len(codes):
                raise CodingError(f"Y has {Y.shape[1]} columns; the codebook has {len(codes)} "
                                  f"levels ({', '.join(codes)})")
            return Y.astype(int)
        out = np.zeros((len(Y), len(codes)), dtype=int)
        for i, labels in enumerate(Y):
            labels = [labels] if isinstance(labels, str) else list(labels)
            for lv in labels:
                if lv == NONE:
                    continue
                if lv not in codes:
                    raise CodingError(f"row {i + 1} of Y: unknown level '{lv}'; known: "
                                      f"{', '.join(codes)} or 'none'")
                out[i, codes.index(lv)] = 1
        return out

    @one_blas_thread
    def fit(self, X: Sequence[str], Y: Any, valence: Sequence[str | None] | None = None,
            sample_weight: Sequence[float] | None = None,
            roles: Sequence[str | None] | None = None) -> "ModelCoder":
        """Fit on texts ``X`` and labels ``Y`` (0/1 matrix or lists of level ids).

        ``valence`` (optional) gives each text's valence (None where unknown);
        ``sample_weight`` (optional) each text's weight (None: all 1); ``roles`` (optional)
        each text's discourse role (None: `TrainingSet.role_labels`).
        """
        texts = [str(t) for t in X]
        Y = self._targets(Y)
        if len(texts) != len(Y):
            raise CodingError(f"X has {len(texts)} texts but Y has {len(Y)} rows")
        valence = list(valence) if valence is not None else [None] * len(texts)
        codebook = self.codebook or default_codebook()
        if roles is not None and len(roles) != len(texts):
            raise CodingError(f"X has {len(texts)} texts but roles has {len(roles)} values")
        self.training_ = TrainingSet(texts, Y, valence, ["fit"] * len(texts), codebook.ids,
                                     None if roles is None else list(roles))
        self.codes_ = codebook.ids
        self.codebook_hash_ = codebook.hash
        F, V, self.train_emb_ = self._train_features(texts)
        self.sample_weight_ = (None if sample_weight is None
                               else np.asarray(sample_weight, dtype=float))
        if self.sample_weight_ is not None and len(self.sample_weight_) != len(texts):
            raise CodingError(f"X has {len(texts)} texts but sample_weight has "
                              f"{len(self.sample_weight_)} values")
        self.clf_ = LevelClassifier(self.C, self.valence_C, self.random_state).fit(
            F, Y, valence, V, sample_weight=self.sample_weight_)
        self.hash_ = self._hash()
        return self

    def fit_codebook(self, codebook: Codebook | None = None, extra_segments: Any = None,
                     ) -> "ModelCoder":
        """Fit on the codebook's examples, its not-codable examples, the shipped training
        file and optional human-coded segments (DataFrame ``text, levels[, valence]``)."""
        if codebook is not None:
            self.codebook = codebook
        ts = self._codebook_training(extra_segments)
        weights = None
        if self.human_weight != 1.0 and "human" in ts.sources:
            weights = [self.human_weight if s == "human" else 1.0 for s in ts.sources]
        return self.fit(ts.texts, ts.Y, ts.valences, sample_weight=weights, roles=ts.roles)

    def codebook_label(self, extra_segments: Any = None) -> str:
        """The `coder_label` that ``fit_codebook(extra_segments=...)`` would give, without
        fitting (no embeddings): lets a caller see that a store is already coded by it."""
        cb = self.codebook or default_codebook()
        ts = self._codebook_training(extra_segments)
        return f"{self._kind}@{self._hash(cb.hash, ts.hash)}"

    def _codebook_training(self, extra_segments: Any = None) -> TrainingSet:
        cb = self.codebook or default_codebook()
        items = codebook_items(cb) + training_file_items(cb)
        if extra_segments is not None:
            items += items_from_frame(extra_segments)
        ts = build_training_set(cb, items)
        if not ts.texts:
            raise CodingError(f"Codebook {cb.name} has no examples to learn from; add "
                              "examples to its codes")
        return ts

    def _train_features(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Level features, valence features and embeddings of the training texts."""
        E = self.get_embedder().encode(texts)
        return E, E, E

    def _hash(self, codebook_hash: str | None = None, training_hash: str | None = None) -> str:
        params = {k: v for k, v in self.get_params().items()
                  if k not in ("codebook", "embedder")}
        payload = json.dumps([self._kind, codebook_hash or self.codebook_hash_,
                              self.get_embedder().key, params,
                              training_hash or self.training_.hash], sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:10]

    # ----------------------------------------------------------------- predicting
    def _check_fitted(self) -> None:
        if not hasattr(self, "clf_"):
            raise NotFittedError(f"This {type(self).__name__} is not fitted yet: call "
                                 "fit(texts, labels) or fit_codebook() before predicting.")

    @property
    def coder_label(self) -> str:
        """``model@<hash>`` of codebook, model, parameters and training data."""
        self._check_fitted()
        return f"{self._kind}@{self.hash_}"

    def _thresholds(self) -> list[float]:
        given = dict(self.thresholds or {})
        return [float(given.get(c, 0.5)) for c in self.codes_]

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Probabilities of shape (n, n_levels + 1): levels in codebook order, then none."""
        self._check_fitted()
        return self.clf_.proba(self.get_embedder().encode([str(t) for t in X]))

    def predict(self, X: Sequence[str]) -> np.ndarray:
        """0/1 array of shape (n, n_levels)."""
        P = self.predict_proba(X)
        return decide(P[:, :-1], self._thresholds(), P[:, -1], self.none_threshold)

    def predict_valence_proba(self, X: Sequence[str]) -> np.ndarray:
        """(n, 3) valence probabilities (positive, attention, neutral)."""
        self._check_fitted()
        return self.clf_.valence_proba(self.get_embedder().encode([str(t) for t in X]))

    def nearest_examples(self, E: np.ndarray, code_index: int) -> tuple[np.ndarray, np.ndarray]:
        """Index into the training texts and cosine of the nearest example of a level."""
        mask = self.training_.Y[:, code_index] == 1
        if not mask.any():
            return np.full(len(E), -1), np.zeros(len(E))
        idx = np.where(mask)[0]
        sims = E @ self.train_emb_[idx].T
        best = sims.argmax(axis=1)
        return idx[best], sims[np.arange(len(E)), best]

    def code(self, segments: Any, progress: bool = False) -> Any:
        """Codings table for a segments table (``segment_id``, ``text``)."""
        from .frames import codings_frame, iter_chunks

        self._check_fitted()
        rows: list[tuple] = []
        for chunk in iter_chunks(segments, progress=progress):
            texts = [str(t) for t in chunk["text"]]
            E = self.get_embedder().encode(texts)
            P = self.clf_.proba(E)
            A = decide(P[:, :-1], self._thresholds(), P[:, -1], self.none_threshold)
            V = self.clf_.valence_proba(E)
            vals = [VALENCES[i] for i in V.argmax(axis=1)]
            rows += self._rows(list(chunk["segment_id"]), E, P, A, vals, None)
        return codings_frame(rows)

    def _rows(self, ids: list, E: np.ndarray, P: np.ndarray, A: np.ndarray, vals: list[str],
              hits: list[dict[str, tuple[str, ...]]] | None) -> list[tuple]:
        rows = []
        label = self.coder_label
        nearest = {j: self.nearest_examples(E, j) for j in range(len(self.codes_))
                   if A[:, j].any()}
        for i, sid in enumerate(ids):
            for j, code in enumerate(self.codes_):
                if not A[i, j]:
                    continue
                found = hits[i].get(code) if hits else None
                if found:
                    evidence = "; ".join(found)
                else:
                    k = nearest[j][0][i]
                    evidence = f'example: "{self.training_.texts[k]}"' if k >= 0 else ""
                rows.append((str(sid), code, label, float(P[i, j]), vals[i], evidence))
        return rows
