"""The worker side: per-process state, the tasks a worker runs, and the coder plugin.

Each worker process keeps the fitted coders its plugin installed (by token) and the torch
thread count pinned per thread. The plugin class derives from ``distributed.WorkerPlugin``,
so it is built on first use; pickle finds it as ``rmresearch.coding.dask.worker._CoderPlugin``
(this module's ``__getattr__`` builds it).
"""
from __future__ import annotations

import contextlib
import os
import pickle
import threading
from functools import lru_cache
from typing import Any

from ...errors import CodingError
from ...lazy import module_getattr, publish
from .partitions import SEGMENT_COLUMNS

__all__ = ["pin_threads", "embed_partition", "code_partition", "fit_payload", "coder_plugin"]

# Per worker process: fitted coders installed by the plugin, and the torch threads pinned.
_CODERS: dict[str, Any] = {}
_PINNED: dict[int, int] = {}
_CODE_LOCK = threading.Lock()  # one partition at a time per process (coders share state)


def pin_threads(threads: int) -> int:
    """Load the sentence model once and pin torch and BLAS to ``threads`` in this thread;
    return this process's id."""
    key = threading.get_ident()  # OpenMP thread counts are per calling thread
    if _PINNED.get(key) != threads:
        import torch
        from threadpoolctl import threadpool_limits

        from ..embeddings import load_sentence_model

        load_sentence_model()  # sets torch threads itself, so pin after it
        torch.set_num_threads(threads)
        threadpool_limits(threads)
        _PINNED[key] = threads
    return os.getpid()


def embed_partition(part: Any, embedder: Any, known: frozenset[str], threads: int) -> dict:
    """Embed a partition's texts ahead of coding (worker task): vectors by text sha.

    The texts go to the model in the chunks the coder would send, with the coder's training
    texts (``known``) counted as cached, so every vector is the one `code_segments` gets."""
    from ..frames import CHUNK_SIZE

    pin_threads(threads)
    texts = [str(t) for t in part["text"]]
    vectors: dict = {}
    for start in range(0, len(texts), CHUNK_SIZE):
        vectors.update(embedder.vectors(texts[start:start + CHUNK_SIZE], known))
    return vectors


def code_partition(part: Any, vectors: dict | None, token: str, threads: int) -> Any:
    """Code one partition with this worker's coder (installed by the plugin), using the
    partition's vectors embedded ahead and the coder's own training vectors (worker task).

    Raises
    ------
    CodingError
        The plugin did not install the coder ``token`` in this process.
    """
    entry = _CODERS.get(token)
    if entry is None:
        raise CodingError(f"This Dask worker (process {os.getpid()}) has no rmresearch coder "
                          f"{token!r}: the worker plugin did not run on it.")
    coder, trained = entry
    pin_threads(threads)
    from ..api import code_segments

    given = coder.get_embedder().given({**trained, **(vectors or {})}) \
        if hasattr(coder, "get_embedder") else contextlib.nullcontext()
    with _CODE_LOCK, given:
        return code_segments(part[SEGMENT_COLUMNS], coder=coder)


def fit_payload(codebook: Any, threads: int) -> bytes:
    """Fit `default_coder` for ``codebook`` on a worker and return it pickled (worker task)."""
    from ..api import default_coder

    pin_threads(threads)
    return pickle.dumps(default_coder(codebook))


def _trained_vectors(coder: Any) -> dict:
    """A fitted coder's training embeddings by text sha (empty for coders without them)."""
    return coder.trained_vectors() if hasattr(coder, "trained_vectors") else {}


@lru_cache(maxsize=1)
def _plugin_class() -> type:
    """The worker plugin class, built on first use so importing this module stays light."""
    from distributed import WorkerPlugin

    class _CoderPlugin(WorkerPlugin):
        """Install a pickled fitted coder in each worker process, remove it on teardown."""

        def __init__(self, token: str, payload: bytes, version: str) -> None:
            self.token, self.payload, self.version = token, payload, version

        def setup(self, worker: Any) -> None:
            from ... import __version__

            if __version__ != self.version:
                raise CodingError(f"Dask worker {worker.address} has rmresearch {__version__}; "
                                  f"the client has {self.version}. Install the same version "
                                  "on every worker.")
            coder = pickle.loads(self.payload)
            _CODERS[self.token] = (coder, _trained_vectors(coder))

        def teardown(self, worker: Any) -> None:
            _CODERS.pop(self.token, None)

    return publish(_CoderPlugin, __name__, "_CoderPlugin")


# pickle finds the lazily built plugin class as a module attribute
__getattr__ = module_getattr(__name__, {"_CoderPlugin": _plugin_class})


def coder_plugin(token: str, payload: bytes) -> Any:
    """A worker plugin that installs the pickled coder ``payload`` under ``token`` in every
    worker process (checking the worker has this rmresearch version)."""
    from ... import __version__

    return _plugin_class()(token, payload, __version__)
