"""One run from the client's side: `code_segments_dask`, and `DaskCoder` for `code_store`."""
from __future__ import annotations

import contextlib
import pickle
import tempfile
import uuid
from functools import partial
from pathlib import Path
from typing import Any

from . import cluster
from .partitions import (DEFAULT_PARTITION_ROWS, check_partition_rows, is_table,
                         partitioned_frame)
from .queue import code_on_cluster
from .worker import coder_plugin, fit_payload

__all__ = ["code_segments_dask", "DaskCoder"]


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
    rows = check_partition_rows(partition_rows)
    if cluster.in_process(segments, scheduler, rows, n_workers):
        from ..api import code_segments

        return code_segments(segments, codebook, coder=coder, progress=progress)
    with contextlib.ExitStack() as stack:
        client, local = stack.enter_context(
            cluster.open_client(scheduler, n_workers, connect_timeout))
        folder = parquet_dir
        if folder is None and local:
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="rm-dask-"))
        return _code_with_client(stack, client, local, segments, codebook, coder, rows,
                                 None if folder is None else Path(folder), torch_threads,
                                 progress)


def _code_with_client(stack: contextlib.ExitStack, client: Any, local: bool, segments: Any,
                      codebook: Any, coder: Any, rows: int, folder: Path | None,
                      torch_threads: int | None, progress: bool) -> Any:
    """`code_segments_dask` once the client is open (``stack`` closes what the run opens)."""
    workers = list(client.scheduler_info(n_workers=-1).get("workers", {}))
    threads = torch_threads or cluster.local_torch_threads(len(workers), local)
    # The fit (on the first worker) runs beside the partitions' embedding; it starts at
    # once unless the partitions must first be read back and counted.
    fit = partial(_start_fit, client, coder, codebook, workers[0], threads)
    fitting = fit() if is_table(segments) else None
    ddf, lengths = partitioned_frame(segments, client, rows, folder)
    fitting = fitting or fit()
    parts, total = ddf.to_delayed(), sum(lengths)
    sizes = [min(rows, max(0, total - i * rows)) for i in range(len(parts))]
    plan = _embedding_plan(coder, codebook)
    bars = _bars(progress, total, plan[0] is not None)
    stack.callback(lambda: [bar.close() for bar in bars if bar is not None])
    install = partial(_install, stack, client, local, coder)
    return code_on_cluster(client, parts, sizes, plan, fitting, workers[0], install,
                           threads, bars)


def _install(stack: contextlib.ExitStack, client: Any, local: bool, coder: Any,
             payload: bytes | None) -> str:
    """Put the coder (``payload``, pickled; None: ``coder``) on every worker; its token.

    On a shared cluster the plugin is removed again when the run ends."""
    token = f"rmresearch-coder-{uuid.uuid4().hex[:12]}"
    client.register_plugin(coder_plugin(token, payload or pickle.dumps(coder)), name=token)
    if not local:  # leave a shared cluster as we found it
        stack.callback(_quietly, client.unregister_worker_plugin, token)
    return token


def _start_fit(client: Any, coder: Any, codebook: Any, worker: str, threads: int) -> Any:
    """A future of `fit_payload` on ``worker``, or None when a fitted coder was given."""
    if coder is not None:
        return None
    return client.submit(fit_payload, codebook, threads, workers=[worker],
                         allow_other_workers=False, pure=False)


def _embedding_plan(coder: Any, codebook: Any) -> tuple[Any, frozenset[str]]:
    """The embedder ``coder`` (None: the default coder) will use, and the shas of the texts
    it embeds when fitted; ``(None, ...)`` for coders without embeddings. Nothing is fitted
    and no model is loaded."""
    from ..embeddings import embedding_sha

    if coder is None:
        from ..api import unfitted_default_coder

        coder = unfitted_default_coder(codebook)
    if not hasattr(coder, "get_embedder"):
        return None, frozenset()
    # the embedder is sent pickled: settings only (no cache connection, no model)
    return coder.get_embedder(), frozenset(embedding_sha(str(t)) for t in coder.training_texts())


def _bars(progress: bool, total: int, embedding: bool) -> tuple[Any, Any]:
    """Progress bars of segments embedded (when the coder embeds) and coded, or None."""
    if not progress:
        return None, None
    from tqdm.auto import tqdm

    embedded = tqdm(total=total, unit="segment", desc="embedding (dask)", position=0) \
        if embedding else None
    return embedded, tqdm(total=total, unit="segment", desc="coding (dask)",
                          position=int(embedding))


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
        """The wrapped coder's label."""
        return self.coder.coder_label

    @property
    def codes_(self) -> Any:
        """The wrapped coder's codes (None if it has none)."""
        return getattr(self.coder, "codes_", None)

    def code(self, segments: Any, progress: bool = False) -> Any:
        """Codings for a segments table, computed on Dask (or in this process when the table
        is too small for the default local cluster to help: see ``ran_in_process``)."""
        self.ran_in_process = cluster.in_process(
            segments, self.options.get("scheduler"),
            self.options.get("partition_rows", DEFAULT_PARTITION_ROWS),
            self.options.get("n_workers"))
        return code_segments_dask(segments, coder=self.coder, progress=progress, **self.options)
