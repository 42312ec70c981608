"""Ensemble coder: the model coder's probabilities, sharpened by rule hits, with valence from
embeddings, marked lemmas and cue rules.

Levels
    The mean of two one-vs-rest logistic regressions (levels and ``none``): on the sentence
    embedding, and on tf-idf of the text's lemmas (unigrams and bigrams), weighted by
    ``lexical_weight``. Its log-odds for a level rise by ``rule_weight`` when a codebook
    pattern of that level matches; a level is assigned when the resulting probability
    reaches its threshold (`DEFAULT_THRESHOLDS`, checked by cross-validation on the
    development gold set, never on the holdout set); a finding no level reaches still gets
    its most likely level at ``fallback`` (0.35) when ``none`` is below ``fallback_none``
    (0.5). The score is that probability.
Valence
    The mean of two classifiers' probabilities: logistic regression on the sentence
    embedding (where unsure, on a stronger one: ``valence_encoder``, ``strong_below``), and
    on tf-idf of the text's lemmas marked for negation scope (``not_``) and conceded
    clauses (``con_``) (`valence.valence_view`); then the cue
    rules' polarity (negation and contrast aware) shifts the log-probabilities by
    ``valence_weight`` and negated cues by ``negation_weight`` more
    (`valence.combine_valence`).
Training
    The codebook's examples, the shipped training files and any human-coded segments
    (`fit_codebook`; the files and what each teaches: `training`). Encoders read each text
    without its bullet mark or speaker label (`embedding_sha`).
    Level weights were chosen by cross-validation on ``data/gold/dev.csv`` only; valence
    weights (0.75 for the rules' polarity, 0.5 more for negated cues) on the development
    sets dev, registers, the curve set and valence_dev (docs/evaluation.md).
Discourse roles
    `code` gives no level to a segment whose discourse role (`roles.discourse_role`, rules
    ``roles``) is not a finding: a question, talk about the mentoring, the mentor's method,
    logistics or a heading has no coding row, like a segment judged not codable. The role
    is read from the text alone, so every path (in process, a store, Dask) gives the same
    codings. ``roles`` is one of the coder's parameters, so it is part of its label. Of the
    segments the rules let through and the levels reach, those the learned role models call
    plainly not a finding get no level either (`role_model.RoleGate`: ``role_veto``,
    ``role_unsure``).
Evidence
    The matched phrases of the level's patterns, else the nearest training example of the
    level by cosine similarity: ``example: "<text>"``.
"""
from __future__ import annotations

import hashlib
from typing import Any, Mapping, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from ..codebook import Codebook
from ..errors import CodingError
from ..vocabulary import FINDING, LEVELS, MACHINE_CODER
from .calibration import (CV_FOLDS, MIN_HUMAN_FOR_CALIBRATION, LevelCalibrator,
                          PlattCalibrator, blend_level_proba, cross_validated_level_proba)
from .embeddings import Embedder
from .strong_encoder import MODEL_NAME as STRONG_ENCODER, StrongEncoder
from .model import LevelClassifier, ModelCoder, decide, items_from_frame, one_blas_thread
from .roles import ROLE_RULES_VERSION, discourse_roles
from .training import levels_known
from .rules import RuleCoder, RuleResult
from .valence import VALENCE_RULES_VERSION, combine_valence
from .valence_model import LexicalValenceClassifier, ValenceClassifier
from .role_model import RoleGate

__all__ = ["EnsembleCoder", "DEFAULT_THRESHOLDS"]

# Per-level thresholds tuned by 5-fold cross-validation on data/gold/dev.csv (grid 0.30-0.80)
# did not beat 0.5 in nested cross-validation (tuned 0.871 vs fixed 0.878 macro-F1), so the
# defaults stay at 0.5. The holdout file was never used for choosing anything.
DEFAULT_THRESHOLDS: dict[str, float] = dict.fromkeys(LEVELS, 0.5)


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(ngram_range=(1, 2), token_pattern=r"\S+", sublinear_tf=True,
                           lowercase=False)


def plain_lemmas(view: str) -> str:
    """A valence view without its ``not_`` / ``con_`` marks (the text's lemmas)."""
    return " ".join(t[4:] if t.startswith(("not_", "con_")) else t for t in view.split())


class EnsembleCoder(ModelCoder):
    """Rules + embeddings + lexical valence, fitted like the model coder.

    Parameters
    ----------
    codebook, random_state, C, valence_C, batch_size, embedder, human_weight
        As for `ModelCoder`.
    none_threshold : float
        A segment whose probability of no level reaches this gets no level (0.8; 1 never
        vetoes). Chosen on the development sets (registers.csv, dev, the staff-survey curve set
        and the four mentor-notes sets): 0.8 kept five more of their 740 non-findings off
        the findings pages than 1.0 and lost one of their 550 findings; macro-F1 rose on
        registers.csv and dev (docs/evaluation.md).
    thresholds : mapping or None
        Level thresholds; None uses `DEFAULT_THRESHOLDS` (0.5 for codes not listed).
    rule_weight : float
        Log-odds added to a level when one of its patterns matches.
    lexical_weight : float
        Share of the lexical (tf-idf of lemmas) classifier in the level probabilities; the
        rest comes from the embedding classifier.
    lexical_C : float
        Inverse regularisation of the lexical classifiers.
    valence_weight : float
        Weight of the cue rules' polarity against the classifiers' log-probabilities.
    negation_weight : float
        Extra weight of negated cues and double negations (`valence.combine_valence`).
    neutral_weight : float
        Log-odds added to neutral when the text is a plan or a recommendation
        (`shapes`; `valence.combine_valence`).
    valence_rules : str
        Version of the valence rules (`valence.VALENCE_RULES_VERSION`), so that a change of
        the rules is a change of the coder's label.
    calibration : str or None
        ``"platt"`` (default): each coding's score is the probability that the level is
        right (`calibration.PlattCalibrator`): fitted on text in registers the training data
        lacks, and refitted on a project's own human codings once it has
        `MIN_HUMAN_FOR_CALIBRATION` of them (`fit_codebook`). ``"isotonic"``: fitted on
        cross-validated predictions of the training texts (over-confident on other
        registers: docs/evaluation.md). None: the raw level probability. Decisions are the
        same in every case; only the reported score differs.
    fallback, fallback_none : float
        A finding that no level reaches its threshold for still gets its most likely level
        when that level's probability reaches ``fallback`` and the probability of no level
        is below ``fallback_none`` (plain testimony without the programme's words was left
        uncoded; chosen on registers.csv, dev.csv and the staff-survey curve set together,
        docs/evaluation.md).
    roles : str or None
        The discourse-role rules that gate `code` (`roles.ROLE_RULES_VERSION`); None codes
        every segment, whatever it is (the coder before the rules, under a label of its own).
    valence_encoder : str or None
        The encoder whose vectors the embedding valence classifier reads:
        ``"all-mpnet-base-v2"`` (default, `strong_encoder.StrongEncoder`; its recipe is part
        of the coder's label) or None (the level encoder, all-MiniLM-L6-v2). Chosen on the
        development sets: valence rose on registers.csv, the curve set and valence_dev and
        held on dev (docs/evaluation.md).
    strong_below : float
        The strong encoder reads a coded segment only when the level encoder's valence
        (embedding and lexical models) gives no valence at least this probability (0.7; 1.01:
        every coded segment; 0: none). Chosen on the development sets: as accurate as
        reading every segment, with the strong encoder on under half of them.
    role_veto, role_unsure : float
        A segment the levels reach gets none when the role model on the ``valence_encoder``'s
        vectors gives it a finding probability below ``role_veto`` (0.05; 0: never); that
        model reads only segments the role model on the level encoder's vectors gives below
        ``role_unsure`` (0.5). Chosen on the development sets (`role_model`).
    """

    _kind = MACHINE_CODER

    def __init__(self, codebook: Codebook | None = None, random_state: int = 0, C: float = 4.0,
                 valence_C: float = 4.0, thresholds: Mapping[str, float] | None = None,
                 none_threshold: float = 0.8, batch_size: int = 64,
                 embedder: Embedder | None = None, rule_weight: float = 1.0,
                 lexical_weight: float = 0.5, lexical_C: float = 16.0,
                 valence_weight: float = 0.75, negation_weight: float = 0.5,
                 roles: str | None = ROLE_RULES_VERSION, neutral_weight: float = 1.0,
                 valence_rules: str = VALENCE_RULES_VERSION,
                 calibration: str | None = "platt", human_weight: float = 1.0,
                 fallback: float = 0.35, fallback_none: float = 0.5,
                 valence_encoder: str | None = STRONG_ENCODER,
                 strong_below: float = 0.7, role_veto: float = 0.05,
                 role_unsure: float = 0.5) -> None:
        super().__init__(codebook=codebook, random_state=random_state, C=C,
                         valence_C=valence_C, thresholds=thresholds,
                         none_threshold=none_threshold, batch_size=batch_size,
                         embedder=embedder, human_weight=human_weight)
        self.rule_weight = rule_weight
        self.lexical_weight = lexical_weight
        self.lexical_C = lexical_C
        self.valence_weight = valence_weight
        self.negation_weight = negation_weight
        self.roles = roles
        self.neutral_weight = neutral_weight
        self.valence_rules = valence_rules
        self.calibration = calibration
        self.fallback = fallback
        self.fallback_none = fallback_none
        self.valence_encoder = valence_encoder
        self.strong_below = strong_below
        self.role_veto = role_veto
        self.role_unsure = role_unsure

    def _thresholds(self) -> list[float]:
        given = dict(DEFAULT_THRESHOLDS if self.thresholds is None else self.thresholds)
        return [float(given.get(c, 0.5)) for c in self.codes_]

    def _rule_coder(self) -> RuleCoder:
        if getattr(self, "rules_", None) is None:
            self.rules_ = RuleCoder(self.codebook).fit()
        return self.rules_

    @one_blas_thread
    def fit(self, X: Sequence[str], Y: Any, valence: Sequence[str | None] | None = None,
            sample_weight: Sequence[float] | None = None,
            roles: Sequence[str | None] | None = None) -> "EnsembleCoder":
        """Fit the embedding and lexical classifiers (levels and valence) and the role models,
        each text weighed by ``sample_weight`` (None: all 1); ``roles`` as for
        `ModelCoder.fit`. Returns self."""
        self.rules_ = None
        if self.valence_rules != VALENCE_RULES_VERSION:
            raise CodingError(f"EnsembleCoder(valence_rules={self.valence_rules!r}): unknown "
                              f"valence rules; allowed: {VALENCE_RULES_VERSION!r}")
        if self.calibration not in (None, "isotonic", "platt"):
            raise CodingError(f"EnsembleCoder(calibration={self.calibration!r}): allowed: "
                              "'platt', 'isotonic' or None")
        if self.valence_encoder not in (None, STRONG_ENCODER):
            raise CodingError(f"EnsembleCoder(valence_encoder={self.valence_encoder!r}): "
                              f"unknown encoder; allowed: {STRONG_ENCODER!r} or None (the "
                              "level encoder)")
        self.valence_embedder_ = None
        super().fit(X, Y, valence, sample_weight, roles)
        ts, w = self.training_, self.sample_weight_
        results = self._rule_coder().analyse(ts.texts, view=True)
        views = [r.view for r in results]
        lemmas = [plain_lemmas(v) for v in views]
        vec, known = _vectorizer(), levels_known(ts.Y)
        Xl = vec.fit_transform([lm for lm, k in zip(lemmas, known) if k])
        self.lexical_levels_ = (vec, LevelClassifier(self.lexical_C, self.lexical_C,
                                                     self.random_state).fit(
            Xl, ts.Y[known], [None] * int(known.sum()),
            sample_weight=None if w is None else w[known]))
        self.calibrator_ = PlattCalibrator() if self.calibration == "platt" else None
        if self.calibration == "isotonic" and len(ts.texts) >= 5 * CV_FOLDS:
            held_out = self._held_out_proba(lemmas, results)
            self.calibrator_ = LevelCalibrator().fit(held_out, ts.Y)
        self.strong_valence_, strong = None, self.train_emb_
        if self.valence_encoder is not None:
            strong = self.get_valence_embedder().encode(ts.texts)
            self.strong_valence_ = ValenceClassifier(self.valence_C, self.random_state).fit(
                strong, ts.Y, ts.valences, w)
        self.lexical_valence_ = LexicalValenceClassifier(
            self.lexical_C, self.random_state, _vectorizer).fit(views, ts.Y, ts.valences, w)
        self.role_gate_ = RoleGate(self.role_veto, self.role_unsure, self.random_state).fit(
            self.train_emb_, strong, ts.role_labels(), w)
        return self

    def get_valence_embedder(self) -> Embedder:
        """The valence classifier's embedder: the level one when ``valence_encoder`` is None,
        else a `StrongEncoder` one caching in the level embedder's folder (the model is
        built once, `strong_encoder.model_folder`); made on first use, loads no model."""
        if self.valence_encoder is None:
            return self.get_embedder()
        if getattr(self, "valence_embedder_", None) is None:
            self.valence_embedder_ = Embedder(cache_dir=self.get_embedder().cache_dir,
                                              backend=StrongEncoder())
        return self.valence_embedder_

    def _hash(self, codebook_hash: str | None = None, training_hash: str | None = None) -> str:
        """`ModelCoder._hash`, with the valence encoder's identity when it is not the level
        encoder (a new recipe of the strong encoder is a new coder label)."""
        base = super()._hash(codebook_hash, training_hash)
        if self.valence_encoder is None:
            return base
        payload = f"{base}|{self.get_valence_embedder().key}".encode()
        return hashlib.sha256(payload).hexdigest()[:10]

    def _held_out_proba(self, lemmas: list[str], results: list[RuleResult]) -> np.ndarray:
        """Cross-validated level probabilities of the training texts."""
        return cross_validated_level_proba(
            self.train_emb_, lemmas, self._hits(results), self.training_.Y, _vectorizer,
            C=self.C, lexical_C=self.lexical_C, lexical_weight=self.lexical_weight,
            rule_weight=self.rule_weight, random_state=self.random_state)

    @one_blas_thread
    def fit_codebook(self, codebook: Codebook | None = None, extra_segments: Any = None,
                     ) -> "EnsembleCoder":
        """As `ModelCoder.fit_codebook`; with ``calibration="platt"`` and at least
        `MIN_HUMAN_FOR_CALIBRATION` human-coded segments among ``extra_segments``, the
        calibration is refitted on the project's own codings (held-out scores of the human
        segments the coder would code, against whether the human gave that level)."""
        super().fit_codebook(codebook, extra_segments)
        if self.calibration != "platt" or extra_segments is None:
            return self
        human = {item.text for item in items_from_frame(extra_segments)}
        rows = [i for i, t in enumerate(self.training_.texts) if t in human]
        if len(rows) < MIN_HUMAN_FOR_CALIBRATION:
            return self
        results = self._rule_coder().analyse(self.training_.texts, view=True)
        held = self._held_out_proba([plain_lemmas(r.view) for r in results], results)[rows]
        A = decide(held[:, :-1], self._thresholds(), held[:, -1], self.none_threshold,
                   fallback=self.fallback, fallback_none=self.fallback_none).astype(bool)
        Y = self.training_.Y[rows].astype(bool)
        self.calibrator_ = PlattCalibrator().fit(
            held[:, :-1][A], Y[A].astype(int),
            fitted_on=f"{len(rows)} human-coded segments of the project")
        return self

    # ----------------------------------------------------------------- scoring
    def _hits(self, results: list[RuleResult]) -> np.ndarray:
        hits = np.array([[r.count(c) > 0 for c in self.codes_] for r in results], dtype=float)
        return hits.reshape(len(results), len(self.codes_))

    def _level_proba(self, E: np.ndarray, results: list[RuleResult]) -> np.ndarray:
        vec, lex = self.lexical_levels_
        Pl = lex.proba(vec.transform([plain_lemmas(r.view) for r in results]))
        return blend_level_proba(self.clf_.proba(E), Pl, self._hits(results),
                                 self.lexical_weight, self.rule_weight)

    def calibrated(self, P: np.ndarray) -> np.ndarray:
        """Level probabilities as calibrated scores (`calibration`); unchanged when the
        coder has no calibrator."""
        calibrator = getattr(self, "calibrator_", None)
        return P if calibrator is None else calibrator.transform(P)

    def _valence_proba(self, texts: list[str], E: np.ndarray, results: list[RuleResult],
                       ) -> np.ndarray:
        """Combined classifier valence probabilities of ``texts`` (level embeddings ``E``):
        the mean of the embedding and lexical models; where its top probability is below
        ``strong_below``, the embedding model is the strong encoder's."""
        P = self.clf_.valence_proba(E)
        lex = (self.lexical_valence_.proba([r.view for r in results])
               if self.lexical_valence_.ready else P)
        mixed = (P + lex) / 2.0
        unsure = np.where(mixed.max(axis=1) < self.strong_below)[0]
        if self.strong_valence_ is not None and len(unsure):
            strong = self.get_valence_embedder().encode([texts[i] for i in unsure])
            mixed[unsure] = (self.strong_valence_.proba(strong) + lex[unsure]) / 2.0
        return mixed

    def _score(self, texts: list[str], gate: np.ndarray | None = None,
               ) -> tuple[np.ndarray, np.ndarray, list[RuleResult], np.ndarray, list[str]]:
        """Embeddings, level probabilities (+none), rule results, assignments (only rows in
        ``gate``; None: all) and valences: every text's when ``gate`` is None, else only
        those of the texts given a level (the others' are ``""``: never reported)."""
        E = self.get_embedder().encode(texts)
        results = self._rule_coder().analyse(texts, view=True)
        P = self._level_proba(E, results)
        A = decide(P[:, :-1], self._thresholds(), P[:, -1], self.none_threshold,
                   fallback=self.fallback, fallback_none=self.fallback_none)
        rows = np.arange(len(texts))
        if gate is not None:
            A = A & np.asarray(gate, dtype=bool)[:, None]
            rows = np.where(A.any(axis=1))[0]
            A[rows[self.role_gate_.not_findings([texts[i] for i in rows], E[rows],
                                                self.get_valence_embedder().encode)]] = False
            rows = np.where(A.any(axis=1))[0]
        vals = [""] * len(texts)
        if len(rows):
            picked = [results[i] for i in rows]
            VP = self._valence_proba([texts[i] for i in rows], E[rows], picked)
            found = combine_valence(VP, [r.valence for r in picked], self.valence_weight,
                                    self.negation_weight, neutral_weight=self.neutral_weight)
            for i, val in zip(rows, found):
                vals[i] = val
        return E, P, results, A, vals

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """(n, n_levels + 1) probabilities after the rule adjustment (levels, then none)."""
        self._check_fitted()
        texts = [str(t) for t in X]
        return self._level_proba(self.get_embedder().encode(texts),
                                 self._rule_coder().analyse(texts, view=True))

    def predict_valence_proba(self, X: Sequence[str]) -> np.ndarray:
        """(n, 3) combined classifier valence probabilities (before the cue rules)."""
        self._check_fitted()
        texts = [str(t) for t in X]
        return self._valence_proba(texts, self.get_embedder().encode(texts),
                                   self._rule_coder().analyse(texts, view=True))

    def predict_valence(self, X: Sequence[str]) -> list[str]:
        """Final valence per text (classifiers + cue rules), whether or not it is coded."""
        self._check_fitted()
        return self._score([str(t) for t in X])[4]

    def code(self, segments: Any, progress: bool = False) -> Any:
        """Codings table for a segments table (``segment_id``, ``text``), chunk by chunk."""
        from .frames import codings_frame, iter_chunks

        self._check_fitted()
        rows: list[tuple] = []
        for chunk in iter_chunks(segments, progress=progress):
            E, P, results, A, vals = self._score([str(t) for t in chunk["text"]],
                                                 gate=self.findings_mask(chunk))
            rows += self._rows(list(chunk["segment_id"]), E, self.calibrated(P), A, vals,
                               [r.hits for r in results])
        return codings_frame(rows)

    def findings_mask(self, segments: Any) -> np.ndarray:
        """Boolean array: the rows of ``segments`` this coder may give levels (their role is
        a finding under ``roles``; all rows when ``roles`` is None).

        Only ``text`` is read (not ``speaker_role`` or ``source``), so that the store and
        Dask paths, which pass ``segment_id`` and ``text`` only, gate exactly the same rows.

        Raises
        ------
        CodingError
            ``roles`` names rules this version does not have.
        """
        if self.roles is None:
            return np.ones(len(segments), dtype=bool)
        if self.roles != ROLE_RULES_VERSION:
            raise CodingError(f"EnsembleCoder(roles={self.roles!r}): unknown discourse-role "
                              f"rules; allowed: {ROLE_RULES_VERSION!r} or None (no gate)")
        texts = segments[["text"]].astype({"text": str})
        return (discourse_roles(texts) == FINDING).to_numpy()
