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
"""
from __future__ import annotations

import contextlib
import logging
import os
import pickle
import tempfile
import threading
import uuid
import warnings
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Iterator

from ..errors import CodingError
from ..lazy import module_getattr, publish

__all__ = ["code_segments_dask", "code_store_dask", "DaskCoder", "DEFAULT_PARTITION_ROWS",
           "MAX_LOCAL_WORKERS"]

DEFAULT_PARTITION_ROWS = 2048  # one coder chunk (coding.frames.CHUNK_SIZE)
MAX_LOCAL_WORKERS = 8  # each worker holds torch and the model (about 0.6 GB)
_COLUMNS = ["segment_id", "text"]
_TRIM = "MALLOC_TRIM_THRESHOLD_"

# Per worker process: fitted coders installed by the plugin, and the torch threads pinned.
_CODERS: dict[str, Any] = {}
_PINNED: dict[int, int] = {}
_CODE_LOCK = threading.Lock()  # one partition at a time per process (coders share state)


# ------------------------------------------------------------------ worker side
def _pin_threads(threads: int) -> int:
    """Load the sentence model once and pin torch and BLAS to ``threads`` in this thread."""
    key = threading.get_ident()  # OpenMP thread counts are per calling thread
    if _PINNED.get(key) != threads:
        import torch
        from threadpoolctl import threadpool_limits

        from .embeddings import load_sentence_model

        load_sentence_model()  # sets torch threads itself, so pin after it
        torch.set_num_threads(threads)
        threadpool_limits(threads)
        _PINNED[key] = threads
    return os.getpid()


def _embed_partition(part: Any, embedder: Any, known: frozenset[str], threads: int) -> dict:
    """Embed a partition's texts ahead of coding (worker task): vectors by text sha.

    The texts go to the model in the chunks the coder would send, with the coder's training
    texts (``known``) counted as cached, so every vector is the one `code_segments` gets."""
    from .frames import CHUNK_SIZE

    _pin_threads(threads)
    texts = [str(t) for t in part["text"]]
    vectors: dict = {}
    for start in range(0, len(texts), CHUNK_SIZE):
        vectors.update(embedder.vectors(texts[start:start + CHUNK_SIZE], known))
    return vectors


def _code_partition(part: Any, vectors: dict | None, token: str, threads: int) -> Any:
    """Code one partition with this worker's coder (installed by the plugin), using the
    partition's vectors embedded ahead and the coder's own training vectors."""
    entry = _CODERS.get(token)
    if entry is None:
        raise CodingError(f"This Dask worker (process {os.getpid()}) has no rmresearch coder "
                          f"{token!r}: the worker plugin did not run on it.")
    coder, trained = entry
    _pin_threads(threads)
    from .api import code_segments

    embedder = getattr(coder, "embedder_", None)
    given = embedder.given({**trained, **(vectors or {})}) if embedder is not None \
        else contextlib.nullcontext()
    with _CODE_LOCK, given:
        return code_segments(part[_COLUMNS], coder=coder)


def _trained_vectors(coder: Any) -> dict:
    """A fitted coder's training embeddings by text sha (empty for coders without them)."""
    training, emb = getattr(coder, "training_", None), getattr(coder, "train_emb_", None)
    if training is None or emb is None:
        return {}
    from .embeddings import text_sha

    return {text_sha(t): v for t, v in zip(training.texts, emb)}


@lru_cache(maxsize=1)
def _plugin_class() -> type:
    """The worker plugin class, built on first use so importing this module stays light."""
    from distributed import WorkerPlugin

    class _CoderPlugin(WorkerPlugin):
        """Install a pickled fitted coder in each worker process, remove it on teardown."""

        def __init__(self, token: str, payload: bytes, version: str) -> None:
            self.token, self.payload, self.version = token, payload, version

        def setup(self, worker: Any) -> None:
            from .. import __version__

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


# ------------------------------------------------------------------ client side
@contextlib.contextmanager
def _client(scheduler: Any, n_workers: int | None, timeout: float) -> Iterator[tuple[Any, bool]]:
    """Yield ``(client, local)``: a new LocalCluster (closed after) or a running scheduler."""
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        yield scheduler, False
        return
    if scheduler in (None, "", "local"):
        n = n_workers or _default_local_workers()
        with _without_malloc_trim():
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
        with cluster, Client(cluster) as client:
            yield client, True
        return
    address = str(scheduler)
    try:
        client = Client(address, timeout=timeout)
    except (OSError, ValueError, TypeError) as exc:
        raise CodingError(
            f"Cannot reach the Dask scheduler at {address!r} ({exc}). Give an address such as "
            "tcp://host:8786 of a running scheduler ('dask scheduler', then 'dask worker "
            "tcp://host:8786 --nthreads 1' on each machine), or leave the scheduler out to use "
            "a local cluster.") from None
    try:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            raise CodingError(f"The Dask scheduler at {address} has no workers (waited "
                              f"{timeout:g} s); start some with 'dask worker {address} "
                              "--nthreads 1'.") from None
        yield client, False
    finally:
        client.close()


@contextlib.contextmanager
def _without_malloc_trim() -> Iterator[None]:
    """Start local workers without ``MALLOC_TRIM_THRESHOLD_``.

    Dask's nannies set it to 65536 for their workers (and leave it in this process's
    environment, where later workers inherit it); glibc then maps and unmaps every large
    tensor and torch takes 40-50% longer to encode. ``None`` unsets a variable in Dask's
    ``distributed.nanny.pre-spawn-environ``; the variable is put back here afterwards.
    """
    import dask

    saved = os.environ.pop(_TRIM, None)
    try:
        with dask.config.set({f"distributed.nanny.pre-spawn-environ.{_TRIM}": None}):
            yield
    finally:
        if saved is not None:
            os.environ[_TRIM] = saved


def _default_local_workers() -> int:
    """Local worker processes: one per core, at most `MAX_LOCAL_WORKERS`. (Two one-thread
    processes encoded somewhat more texts a second than one process on two threads.)"""
    return max(1, min(os.cpu_count() or 1, MAX_LOCAL_WORKERS))


def _check_rows(partition_rows: int) -> int:
    from .frames import CHUNK_SIZE

    rows = int(partition_rows)
    if rows < 1:
        raise CodingError(f"partition_rows must be at least 1; got {partition_rows}")
    if rows % CHUNK_SIZE:
        warnings.warn(f"partition_rows={rows} is not a multiple of the coder's chunk size "
                      f"({CHUNK_SIZE}): scores may differ from code_segments in the 4th decimal"
                      " for texts not yet in the embedding cache.", stacklevel=3)
    return rows


def _pieces(segments: Any, rows: int) -> list[Any]:
    """``segments`` cut into slices of ``rows`` rows (the last shorter; one, empty, if none)."""
    return [segments.iloc[start:start + rows] for start in range(0, max(len(segments), 1), rows)]


def _write_parquet(pieces: list[Any], folder: Path) -> None:
    """Write the pieces as ``part.00000.parquet``, ``part.00001.parquet``, ..."""
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.glob("*.parquet")):
        raise CodingError(f"{folder} already holds Parquet files; give an empty folder.")
    for i, piece in enumerate(pieces):
        piece.to_parquet(folder / f"part.{i:05d}.parquet", index=False)


def _take(*pieces: tuple[Any, int, int]) -> Any:
    import pandas as pd

    frames = [part.iloc[a:b] for part, a, b in pieces]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def _aligned(ddf: Any, lengths: list[int], rows: int) -> Any:
    """Re-cut a dask DataFrame into partitions of exactly ``rows`` rows (the last shorter)."""
    import dask.dataframe as dd
    from dask import delayed

    if not lengths or (all(n == rows for n in lengths[:-1]) and lengths[-1] <= rows):
        return ddf
    parts, offsets, total = ddf.to_delayed(), [0], sum(lengths)
    for n in lengths:
        offsets.append(offsets[-1] + n)
    out = []
    for start in range(0, max(total, 1), rows):
        stop = min(start + rows, total)
        pieces = [(parts[j], max(start, offsets[j]) - offsets[j],
                   min(stop, offsets[j + 1]) - offsets[j])
                  for j in range(len(parts)) if offsets[j] < stop and offsets[j + 1] > start]
        out.append(delayed(_take)(*pieces) if pieces else parts[0])
    return dd.from_delayed(out, meta=ddf._meta, verify_meta=False)


def _frame(segments: Any, client: Any, rows: int, folder: Path | None) -> tuple[Any, list[int]]:
    """Segments as an aligned dask DataFrame of ``segment_id, text``, and its lengths."""
    import dask.dataframe as dd
    import pandas as pd

    if isinstance(segments, pd.DataFrame):
        from .frames import validate_segments

        segments = validate_segments(segments)[_COLUMNS]
        pieces = _pieces(segments, rows)
        if folder is None:  # a remote cluster cannot read our files: ship in the graph
            from dask import delayed

            ddf = dd.from_delayed([delayed(piece) for piece in pieces],
                                  meta=segments.iloc[:0], verify_meta=False)
        else:
            _write_parquet(pieces, folder)
            ddf = dd.read_parquet(str(folder))
        if ddf.npartitions == len(pieces):  # one partition per piece: no need to count
            # (persist is not waited for: the workers may be busy with the fit)
            return client.persist(ddf), [len(piece) for piece in pieces]
    elif isinstance(segments, (str, os.PathLike)):
        ddf = dd.read_parquet(str(segments))
    elif hasattr(segments, "map_partitions"):
        ddf = segments
    else:
        raise CodingError("segments must be a pandas DataFrame, a Parquet file or folder, or a "
                          f"dask DataFrame; got {type(segments).__name__}")
    missing = [c for c in _COLUMNS if c not in ddf.columns]
    if missing:
        raise CodingError(f"segments have no column(s) {', '.join(map(repr, missing))}; columns "
                          f"found: {', '.join(map(str, ddf.columns)) or 'none'}")
    ddf = client.persist(ddf[_COLUMNS])
    lengths = list(client.compute(ddf.map_partitions(len)).result())
    if not isinstance(segments, pd.DataFrame):
        _check_unique(client, ddf)
    aligned = _aligned(ddf, lengths, rows)
    if aligned is not ddf:  # persist while ddf still holds the parts it is cut from
        aligned = client.persist(aligned)
    return aligned, lengths


def _check_unique(client: Any, ddf: Any) -> None:
    counts = ddf["segment_id"].astype(str).value_counts()
    dup = client.compute(counts[counts > 1]).result()
    if len(dup):
        shown = ", ".join(repr(d) for d in sorted(dup.index)[:10])
        raise CodingError(f"segments: duplicate segment_id(s) {shown}"
                          f"{' ...' if len(dup) > 10 else ''}; each segment needs its own id")


def _empty_codings() -> Any:
    import pandas as pd

    from .frames import CODINGS_COLUMNS

    return pd.DataFrame({c: pd.Series(dtype=float if c == "score" else str)
                         for c in CODINGS_COLUMNS})


def _bars(progress: bool, total: int, embedding: bool) -> tuple[Any, Any]:
    """Progress bars of segments embedded (when the coder embeds) and coded, or None."""
    if not progress:
        return None, None
    from tqdm.auto import tqdm

    embedded = tqdm(total=total, unit="segment", desc="embedding (dask)", position=0) \
        if embedding else None
    return embedded, tqdm(total=total, unit="segment", desc="coding (dask)",
                          position=int(embedding))


def _concat(frames: list[Any]) -> Any:
    """Coded partitions concatenated in order, with the single-process dtypes."""
    import pandas as pd

    frames = [f for f in frames if len(f)]
    if not frames:
        return _empty_codings()
    result = pd.concat(frames, ignore_index=True)
    return result.astype({c: (float if c == "score" else str) for c in result.columns})


def _fit_payload(codebook: Any, threads: int) -> bytes:
    """Fit `default_coder` for ``codebook`` on a worker and return it pickled (worker task)."""
    from .api import default_coder

    _pin_threads(threads)
    return pickle.dumps(default_coder(codebook))


def _start_fit(client: Any, coder: Any, codebook: Any, worker: str, threads: int) -> Any:
    """A future of `_fit_payload` on ``worker``, or None when a fitted coder was given."""
    if coder is not None:
        return None
    return client.submit(_fit_payload, codebook, threads, workers=[worker],
                         allow_other_workers=False, pure=False)


def _is_table(segments: Any) -> bool:
    import pandas as pd

    return isinstance(segments, pd.DataFrame)


def _embedding_plan(coder: Any, codebook: Any) -> tuple[Any, frozenset[str]]:
    """The embedder ``coder`` (None: the default coder) will use, and the shas of the texts
    it embeds when fitted; ``(None, ...)`` for coders without embeddings. Nothing is fitted
    and no model is loaded."""
    from .embeddings import text_sha

    if coder is None:
        from .api import unfitted_default_coder

        coder = unfitted_default_coder(codebook)
        texts = coder._codebook_training().texts
    else:
        training = getattr(coder, "training_", None)
        texts = list(training.texts) if training is not None else []
    if not hasattr(coder, "_embedder"):
        return None, frozenset()
    # sent pickled: settings only (no cache connection, no model)
    return coder._embedder(), frozenset(text_sha(str(t)) for t in texts)


def _thread_slots(client: Any) -> list[str]:
    """One entry per worker thread: the worker's address."""
    info = client.scheduler_info(n_workers=-1).get("workers", {})
    return [address for address, worker in info.items()
            for _ in range(max(1, int(worker.get("nthreads") or 1)))]


class _Queue:
    """The client's hand-out of one run's tasks (see `_code_on_cluster`)."""

    def __init__(self, client: Any, parts: list[Any], plan: tuple[Any, frozenset[str]],
                 threads: int) -> None:
        from dask import delayed
        from distributed import as_completed

        self.client, self.parts, self.threads = client, parts, threads
        self.embedder, known = plan
        self.known = delayed(known, pure=True)  # one key for every task
        self.free = _thread_slots(client)  # idle worker threads
        self.todo = list(range(len(parts)))[::-1]  # partitions not yet embedding (pop: next)
        self.waiting = [] if self.embedder is not None else list(range(len(parts)))
        self.done = as_completed()
        self.tags: dict[str, tuple[str, int, str | None]] = {}
        self.vectors: list[Any] = [None] * len(parts)
        self.coded: list[Any] = [None] * len(parts)
        self.token: str | None = None

    def track(self, future: Any, kind: str, i: int, worker: str | None = None) -> None:
        self.tags[future.key] = (kind, i, worker)
        self.done.add(future)

    def feed(self) -> None:
        """Give each idle worker thread the next partition to embed."""
        from dask import delayed

        while self.free and self.todo and self.embedder is not None:
            i, worker = self.todo.pop(), self.free.pop(0)
            task = delayed(_embed_partition, pure=True)(self.parts[i], self.embedder,
                                                         self.known, self.threads)
            self.track(self.client.compute(task, workers=[worker], allow_other_workers=True),
                       "embed", i, worker)

    def ready(self, i: int) -> None:
        """Partition ``i`` is embedded: code it now, or once the coder is installed."""
        if self.token is None:
            self.waiting.append(i)
        else:
            self._code(i)

    def installed(self, token: str) -> None:
        self.token = token
        for i in self.waiting:
            self._code(i)
        self.waiting = []

    def _code(self, i: int) -> None:
        from dask import delayed

        task = delayed(_code_partition, pure=False)(self.parts[i], self.vectors[i],
                                                    self.token, self.threads)
        self.coded[i] = self.client.compute(task)
        self.track(self.coded[i], "code", i)


def _code_on_cluster(client: Any, parts: list[Any], sizes: list[int],
                     plan: tuple[Any, frozenset[str]], fitting: Any, fit_worker: str,
                     install: Any, threads: int, bars: tuple[Any, Any]) -> Any:
    """Embed and code every partition; the codings, in partition order.

    The client hands out the embedding tasks one per worker thread, each new one to the
    thread that has just finished (the fit takes one thread of ``fit_worker`` first), so no
    worker sits idle while partitions wait elsewhere. A partition's coding task follows its
    embedding once ``install`` (given the pickled coder from ``fitting``, or None for the
    coder given by the caller) has put the coder on every worker.
    """
    queue = _Queue(client, parts, plan, threads)
    if fitting is None:
        queue.installed(install(None))
    else:
        queue.free.remove(fit_worker)
        queue.track(fitting, "fit", -1, fit_worker)
    queue.feed()
    for future in queue.done:
        kind, i, worker = queue.tags.pop(future.key)
        if future.status == "error":
            future.result()  # raises the worker's error here
        if worker is not None:
            queue.free.append(worker)
        if kind == "fit":
            queue.installed(install(future.result()))
        elif kind == "embed":
            queue.vectors[i] = future
            _advance(bars[0], sizes[i])
            queue.ready(i)
        else:
            _advance(bars[1], sizes[i])
        queue.feed()
    return _concat(client.gather(queue.coded))


def _advance(bar: Any, n: int) -> None:
    if bar is not None:
        bar.update(n)


def code_segments_dask(segments: Any, codebook: Any = None, *, coder: Any = None,
                       scheduler: Any = None, n_workers: int | None = None,
                       partition_rows: int = DEFAULT_PARTITION_ROWS,
                       parquet_dir: str | Path | None = None, torch_threads: int | None = None,
                       progress: bool = False, connect_timeout: float = 10.0) -> Any:
    """Code segments on Dask; the same table, row for row and byte for byte, as `code_segments`.

    Parameters
    ----------
    segments : DataFrame, str, Path or dask DataFrame
        A segments table (``segment_id``, ``text``), a Parquet file or folder holding those
        columns, or a dask DataFrame.
    codebook : Codebook or None
        The coding frame; None is the shipped four-level EDI codebook.
    coder : fitted coder or None
        None fits `default_coder` for ``codebook`` once, on the first worker (the same fit
        as `code_segments` makes) while the partitions are embedded, and ships it to the
        others.
    scheduler : str, distributed.Client or None
        None: a `LocalCluster` created and closed here, except that a table with no more
        partitions than its workers is coded in this process; "local": always a
        `LocalCluster`; an address
        such as ``tcp://host:8786``: a running cluster; a Client: used as is, left open.
    n_workers : int or None
        Local cluster only: worker processes (default: one per core, at most 8).
    partition_rows : int
        Rows per partition; keep it a multiple of ``CHUNK_SIZE`` (2048).
    parquet_dir : str, Path or None
        Where a DataFrame's partitions are written (an empty folder every worker can read).
        None: a temporary folder for a local cluster; for a remote cluster the rows travel
        with the task graph instead.
    torch_threads : int or None
        Torch threads per worker; None: on a local cluster the cores shared among its
        workers (1 each by default), else 1.
    progress : bool
        Show progress bars (segments embedded, segments coded).
    connect_timeout : float
        Seconds to wait for a remote scheduler and its first worker.

    Raises
    ------
    CodingError
        Bad segments (as `code_segments`), an unreachable scheduler or one without workers.
    """
    rows = _check_rows(partition_rows)
    if _in_process(segments, scheduler, rows, n_workers):
        from .api import code_segments

        return code_segments(segments, codebook, coder=coder, progress=progress)
    with contextlib.ExitStack() as stack:
        client, local = stack.enter_context(_client(scheduler, n_workers, connect_timeout))
        folder = parquet_dir
        if folder is None and local:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="rm-dask-"))
        workers = list(client.scheduler_info(n_workers=-1).get("workers", {}))
        threads = torch_threads or (max(1, (os.cpu_count() or 1) // len(workers)) if local
                                    else 1)
        # The fit (on the first worker) runs beside the partitions' embedding; it starts at
        # once unless the partitions must first be read back and counted.
        fit = partial(_start_fit, client, coder, codebook, workers[0], threads)
        fitting = fit() if _is_table(segments) else None
        ddf, lengths = _frame(segments, client, rows, None if folder is None else Path(folder))
        fitting = fitting or fit()
        parts, total = ddf.to_delayed(), sum(lengths)
        sizes = [min(rows, max(0, total - i * rows)) for i in range(len(parts))]
        plan = _embedding_plan(coder, codebook)
        bars = _bars(progress, total, plan[0] is not None)
        stack.callback(lambda: [bar.close() for bar in bars if bar is not None])

        def install(payload: bytes | None) -> str:
            token = f"rmresearch-coder-{uuid.uuid4().hex[:12]}"
            from .. import __version__

            client.register_plugin(_plugin_class()(token, payload or pickle.dumps(coder),
                                                   __version__), name=token)
            if not local:  # leave a shared cluster as we found it
                stack.callback(_quietly, client.unregister_worker_plugin, token)
            return token

        return _code_on_cluster(client, parts, sizes, plan, fitting, workers[0], install,
                                threads, bars)


def _in_process(segments: Any, scheduler: Any, rows: int, n_workers: int | None) -> bool:
    """Whether the default local cluster would be slower than this process, so a table is
    coded here instead.

    A worker given one partition loads torch and the model for it alone: slower than one
    process on all the cores. When this process already uses every core (torch runs on up
    to `MAX_TORCH_THREADS`), the cluster has no spare core and only gains by one-thread
    workers encoding a little faster, which needs more than two partitions per worker to
    repay the extra model loads (measured on 2 cores: 3 partitions 0.84x, 5 partitions
    0.93-0.96x the single process).
    """
    if scheduler is not None or not _is_table(segments):
        return False
    from .embeddings import MAX_TORCH_THREADS

    workers = n_workers or _default_local_workers()
    spare_cores = (os.cpu_count() or 1) > MAX_TORCH_THREADS
    return -(-len(segments) // rows) <= workers * (1 if spare_cores else 2)


def _quietly(function: Any, *args: Any) -> None:
    with contextlib.suppress(Exception):
        function(*args)


class DaskCoder:
    """A fitted coder whose ``code`` runs on Dask: for `code_segments` and `code_store`.

    ``DaskCoder(coder, scheduler=..., ...)`` takes the keyword arguments of
    `code_segments_dask`; ``coder_label`` and ``codes_`` are the wrapped coder's.
    """

    def __init__(self, coder: Any, **options: Any) -> None:
        self.coder = coder
        self.options = options
        self.ran_in_process: bool | None = None  # set by `code`: where the last table went

    @property
    def coder_label(self) -> str:
        return self.coder.coder_label

    @property
    def codes_(self) -> Any:
        return getattr(self.coder, "codes_", None)

    def code(self, segments: Any, progress: bool = False) -> Any:
        """Codings for a segments table, computed on Dask (or in this process when the table
        is too small for the default local cluster to help: see ``ran_in_process``)."""
        self.ran_in_process = _in_process(
            segments, self.options.get("scheduler"),
            self.options.get("partition_rows", DEFAULT_PARTITION_ROWS),
            self.options.get("n_workers"))
        return code_segments_dask(segments, coder=self.coder, progress=progress, **self.options)


def code_store_dask(path: str | Path, codebook: Any = None, *, use_human: bool = True,
                    progress: bool = False, **options: Any) -> dict[str, Any]:
    """`code_store` with the coding step on Dask (``options`` as for `code_segments_dask`).

    The result also holds ``human_examples`` (human-coded segments the coder learned from)
    and ``in_process`` (True when the new segments were too few for a local cluster to help
    and were coded in this process).
    """
    from ..codebook import default_codebook
    from .api import default_coder
    from .project import HUMAN_PREFIX, code_store
    from .training import human_items
    from ..store import ProjectStore, require_store

    require_store(path)
    cb = codebook or default_codebook()
    human = []
    if use_human:  # the same training data as code_store(coder=None)
        with ProjectStore.open(path) as st:
            codings = st.codings()
            human = human_items(codings[codings["coder"].astype(str)
                                        .str.startswith(HUMAN_PREFIX)], st.segments())
    coder = default_coder(cb, extra_segments=human or None)
    dask_coder = DaskCoder(coder, **options)
    result = code_store(path, cb, coder=dask_coder, progress=progress)
    result["human_examples"] = len(human)
    result["in_process"] = bool(dask_coder.ran_in_process)
    return result
