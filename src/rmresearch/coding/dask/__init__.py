"""Scale-out coding on Dask: the same codings as `code_segments`, computed on a cluster.

`code_segments_dask` writes the segments to Parquet partitions, reads them back with
``dask.dataframe.read_parquet`` and codes each partition on the workers of a
``dask.distributed`` cluster: a `LocalCluster` (one single-threaded process per core, at
most 8) created and closed inside the call by default, or any running scheduler by address
(``scheduler="tcp://host:8786"``). A table with no more partitions than the local cluster
would have workers is coded in this process by default: each worker would load torch and
the model for one partition at most, and one process on all the cores is faster
(``scheduler="local"`` forces a cluster).

Each partition is two tasks. The first embeds its texts (the slow part); the client hands
these out one per worker thread as threads free up, starting at once, while the coder is
fitted on the first worker (`default_coder`, so the client never loads torch). The second
codes the partition with those vectors once the coder is installed in every worker process
by a worker plugin. Each worker loads the sentence model once and runs
torch with ``torch_threads`` threads. Local workers start without Dask's
``MALLOC_TRIM_THRESHOLD_`` setting, under which torch takes 40-50% longer.

Identical results
    Codings are concatenated in partition order, so rows come out in `code_segments` order,
    with the same dtypes: the CSV is byte-identical to the single-process one. Embeddings
    depend in the 7th decimal on which texts share an encoder batch, so partitions are
    aligned to the coder's chunks (`rmresearch.coding.frames.CHUNK_SIZE`): keep
    ``partition_rows`` a multiple of it (a warning says when it is not). Inputs partitioned
    otherwise (a Parquet folder, a dask DataFrame) are re-cut into aligned partitions. The
    embedding tasks count the coder's training texts as already embedded (as they are in
    the single process once the coder is fitted), and the coding tasks use the coder's own
    training vectors for them, so every vector is the single-process one, bit for bit.

Workers need the same rmresearch version installed (checked) and their own embedding cache
(``RMRESEARCH_CACHE_DIR`` on each worker; SQLite, not for network file systems).

Modules, one role each (importing this package loads none of them, nor Dask):

| module | role |
|---|---|
| `code` | `code_segments_dask` and `DaskCoder`: one run from the client's side |
| `project` | `code_store_dask`: `code_store` with the coding step on Dask |
| `cluster` | the client (a local cluster or a running scheduler), in-process or not |
| `partitions` | cutting the table into aligned partitions, Parquet files |
| `queue` | handing embedding and coding tasks to free worker threads |
| `worker` | per-process worker state, the worker tasks and the coder plugin |
"""
from __future__ import annotations

from ...lazy import lazy_exports

__all__ = ["code_segments_dask", "code_store_dask", "DaskCoder", "DEFAULT_PARTITION_ROWS",
           "MAX_LOCAL_WORKERS"]

_LAZY = {
    "code_segments_dask": "code", "DaskCoder": "code", "code_store_dask": "project",
    "DEFAULT_PARTITION_ROWS": "partitions", "MAX_LOCAL_WORKERS": "cluster",
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
