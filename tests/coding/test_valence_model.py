"""The valence classifier, and the ensemble's valence read from the strong encoder."""
from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from rmresearch.coding import EnsembleCoder
from rmresearch.coding.api import default_coder
from rmresearch.coding.embeddings import Embedder
from rmresearch.coding.strong_encoder import StrongEncoder
from rmresearch.coding.valence_model import ValenceClassifier
from rmresearch.errors import CodingError


@pytest.fixture(scope="module")
def coder() -> EnsembleCoder:
    return default_coder()


def test_learns_only_from_coded_texts_with_a_valence() -> None:
    V = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9], [5.0, 5.0], [-5.0, 5.0]])
    Y = np.array([[1, 0], [0, 1], [1, 0], [-1, -1], [0, 0], [1, 0]])
    valences = ["positive", "positive", "attention", "attention", "neutral", None]
    model = ValenceClassifier(4.0, 0).fit(V, Y, valences)
    # row 4 has no level and row 5 no valence: neither is learned from
    assert model.classes_ == ["positive", "attention"]
    P = model.proba(np.array([[1.0, 0.0], [0.0, 1.0]]))
    assert P.shape == (2, 3) and np.allclose(P.sum(axis=1), 1.0)
    assert P[0, 0] > P[0, 1] and P[1, 1] > P[1, 0] and not P[:, 2].any()


def test_a_single_valence_is_given_with_certainty() -> None:
    model = ValenceClassifier(4.0, 0).fit(np.eye(2), np.array([[1], [1]]),
                                          ["attention", "attention"])
    assert model.proba(np.zeros((3, 2))).tolist() == [[0.0, 1.0, 0.0]] * 3
    empty = ValenceClassifier(4.0, 0).fit(np.eye(2), np.array([[0], [0]]), [None, None])
    assert empty.proba(np.zeros((1, 2))).tolist() == [[0.0, 0.0, 1.0]]


def test_the_ensemble_reads_valence_from_the_strong_encoder(coder: EnsembleCoder) -> None:
    assert coder.valence_encoder == "all-mpnet-base-v2"
    strong, levels = coder.get_valence_embedder(), coder.get_embedder()
    assert strong.key.startswith("all-mpnet-base-v2:") and strong.key != levels.key
    assert strong.cache_dir == levels.cache_dir
    plain = EnsembleCoder(valence_encoder=None).fit_codebook()
    assert plain.get_valence_embedder() is plain.get_embedder()
    assert plain.coder_label != coder.coder_label
    texts = ["Until last year the rota was set by whoever shouted loudest; now it is shared.",
             "We have been behind the curve on flexible working for band 5 nurses.",
             "She asked the porters what would make the huddle work for them."]
    # the levels are the level encoder's alone: identical with either valence encoder
    np.testing.assert_array_equal(plain.predict_proba(texts), coder.predict_proba(texts))
    assert not np.allclose(plain.predict_valence_proba(texts),
                           coder.predict_valence_proba(texts))


def test_unknown_valence_encoder_is_a_clear_error() -> None:
    with pytest.raises(CodingError, match="valence_encoder='bert'.*allowed: "
                                          "'all-mpnet-base-v2' or None"):
        EnsembleCoder(valence_encoder="bert").fit(["a", "b"], [["individual"], []])


def test_only_unsure_segments_given_a_level_are_read_by_the_strong_encoder(
        coder: EnsembleCoder) -> None:
    texts = ["He talked over the Black nurses at handover again.",
             "Shall we meet at ten on Thursday?",
             "Reflective journal - session 3",
             "The interview panels for band 7 posts are all white.",
             "Thank you both for the time you gave me this year."]
    segments = pd.DataFrame({"segment_id": [f"s{i}" for i in range(len(texts))],
                             "text": texts})
    counts = {}
    for below in (1.01, coder.strong_below, 0.0):
        counting = copy.copy(coder)
        counting.strong_below = below
        counting.valence_embedder_ = Embedder(use_cache=False, backend=StrongEncoder())
        codings = counting.code(segments)
        counts[below] = counting.valence_embedder_.n_encoded
    coded = codings["segment_id"].nunique()
    assert 1 <= coded < len(texts)
    # every coded segment at 1.01, only the unsure ones at the default, none at 0
    assert counts[1.01] == coded and counts[coder.strong_below] <= coded and counts[0.0] == 0
    # the shipped path, with its cache, gives the same codings
    default = copy.copy(coder)
    default.valence_embedder_ = Embedder(use_cache=False, backend=StrongEncoder())
    pd.testing.assert_frame_equal(default.code(segments), coder.code(segments))
