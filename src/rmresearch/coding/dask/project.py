"""`code_store_dask`: `code_store` with the coding step on Dask."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .code import DaskCoder

__all__ = ["code_store_dask"]


def code_store_dask(path: str | Path, codebook: Any = None, *, use_human: bool = True,
                    progress: bool = False, **options: Any) -> dict[str, Any]:
    """`code_store` with the coding step on Dask (``options`` as for `code_segments_dask`).

    The coder is the one `code_store` fits: the default coder for ``codebook`` with, when
    ``use_human``, the store's `human_training_items` (so both write under the same label).

    Returns
    -------
    dict
        As `code_store`; ``human_examples`` is the number of human-coded segments the coder
        learned from, and ``in_process`` is True when the new segments were too few for a
        local cluster to help and were coded in this process.

    Raises
    ------
    StoreError
        No store at ``path``.
    """
    from ...codebook import default_codebook
    from ...store import ProjectStore, require_store
    from ..api import default_coder
    from ..project import code_store, human_training_items

    require_store(path)
    cb = codebook or default_codebook()
    human = []
    if use_human:  # the same training data as code_store(coder=None)
        with ProjectStore.open(path) as st:
            human = human_training_items(st, cb)
    coder = default_coder(cb, extra_segments=human or None)
    dask_coder = DaskCoder(coder, **options)
    result = code_store(path, cb, coder=dask_coder, progress=progress)
    result["human_examples"] = len(human)
    result["in_process"] = bool(dask_coder.ran_in_process)
    return result
