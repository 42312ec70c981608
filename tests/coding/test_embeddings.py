"""Embedding cache: keyed by model and text hash; a re-run over unchanged text skips the model."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from rmresearch.coding.embeddings import (Embedder, default_cache_dir, embedding_sha, model_key,
                                          text_sha)
from rmresearch.errors import CodingError


def test_cache_hit_skips_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["She thanked the porters by name.", "The panel was all white.",
             "She thanked the porters by name."]
    first = Embedder(cache_dir=tmp_path).encode(texts)
    assert first.shape == (3, 384) and first.dtype == np.float32
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(first[0], first[2])
    assert (tmp_path / "embeddings.sqlite").is_file()

    def boom(self, texts):  # the model must not be called again
        raise AssertionError(f"model called for {texts}")

    monkeypatch.setattr(Embedder, "_encode_model", boom)
    again = Embedder(cache_dir=tmp_path)
    assert np.array_equal(again.encode(texts), first)
    assert again.n_encoded == 0
    with pytest.raises(AssertionError, match="Something new"):
        again.encode(["Something new."])


def test_only_new_texts_are_encoded(tmp_path: Path) -> None:
    emb = Embedder(cache_dir=tmp_path)
    emb.encode(["one text", "two text"])
    assert emb.n_encoded == 2
    emb.encode(["two text", "three text", "one text"])
    assert emb.n_encoded == 3


def test_speaker_labels_and_bullets_are_not_read(tmp_path: Path) -> None:
    """'A: ' or '- ' says who speaks or how the notes were laid out, not what was said: the
    encoder reads the same sentence (and encodes it once)."""
    emb = Embedder(cache_dir=tmp_path)
    plain = "we're piloting anonymised CVs for the two admin posts next month."
    vecs = emb.encode([plain, "A: " + plain, "- " + plain, "Participant 2 - " + plain,
                       "A plain sentence: " + plain])
    assert all(np.array_equal(vecs[0], vecs[i]) for i in (1, 2, 3))
    assert not np.array_equal(vecs[0], vecs[4])
    assert emb.n_encoded == 2
    assert embedding_sha("A: " + plain) == embedding_sha(plain) == text_sha(plain)


def test_env_var_sets_the_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RMRESEARCH_CACHE_DIR", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"
    Embedder().encode(["cached where the variable says"])
    assert (tmp_path / "c" / "embeddings.sqlite").is_file()


def test_cache_off_and_keys(tmp_path: Path) -> None:
    emb = Embedder(use_cache=False)
    emb.encode(["a", "a"])
    assert emb.n_encoded == 1  # de-duplicated within a call
    assert model_key().startswith("all-MiniLM-L6-v2:") and len(text_sha("a")) == 64
    assert Embedder().encode([]).shape == (0, 384)


def test_unwritable_cache_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(CodingError, match="RMRESEARCH_CACHE_DIR"):
        Embedder(cache_dir=blocker / "sub").encode(["x"])


_LONG = ("The trust board agreed that every shortlisting panel for band 7 and above will include "
         "a trained member from a staff network, and that the data on who is shortlisted, "
         "interviewed and appointed will be published each quarter by ethnicity and disability.")
_SHORT = ["Acting-up posts go to the same people.", "My manager listened.", "No rota changes.",
          "The panel was all white.", "She thanked the porters by name.", "Nobody asked us."]


def test_vectors_ahead_match_encode_after_the_known_texts_are_cached(tmp_path: Path) -> None:
    """Embedding ahead with the training texts counted as known gives, bit for bit, the
    vectors `encode` gives once those texts are cached (how a fitted coder sees them)."""
    chunk = _SHORT[:3] + [_LONG] + _SHORT[3:]
    single = Embedder(cache_dir=tmp_path / "single")
    single.encode([_LONG])  # the fit embeds the training text first
    expected = single.encode(chunk)

    ahead = Embedder(cache_dir=tmp_path / "ahead")
    vectors = ahead.vectors(chunk, known={text_sha(_LONG)})
    assert text_sha(_LONG) not in vectors and ahead.n_encoded == len(_SHORT)
    for i, text in enumerate(chunk):
        if text != _LONG:
            assert np.array_equal(vectors[text_sha(text)], expected[i]), text

    # the coder then encodes its chunk with those vectors (and its training vectors) given
    later = Embedder(cache_dir=tmp_path / "later")
    with later.given({**vectors, text_sha(_LONG): expected[3]}):
        assert np.array_equal(later.encode(chunk), expected)
    assert later.n_encoded == 0
    assert later.encode(["My manager listened."]).shape == (1, 384)  # given only in the block
    assert later.n_encoded == 1


def test_given_vectors_are_not_pickled_or_cached(tmp_path: Path) -> None:
    import pickle

    emb = Embedder(cache_dir=tmp_path)
    fake = {text_sha("x"): np.ones(384, dtype=np.float32)}
    with emb.given(fake):
        assert np.array_equal(emb.encode(["x"])[0], fake[text_sha("x")])
        assert pickle.loads(pickle.dumps(emb))._given == {}
    assert not np.array_equal(emb.encode(["x"])[0], fake[text_sha("x")])  # not cached
