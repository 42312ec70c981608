"""The Dask client: a local cluster made for one run, or a running scheduler; or no cluster.

`in_process` decides when the default local cluster could not beat this process, so a table
is coded here instead; `open_client` starts (and closes) the local cluster, without Dask's
``MALLOC_TRIM_THRESHOLD_`` for its workers, or connects to a scheduler by address.
"""
from __future__ import annotations

import contextlib
import logging
import os
from typing import Any, Iterator

from ...config import without_variable
from ...errors import CodingError
from .partitions import is_table

__all__ = ["MAX_LOCAL_WORKERS", "open_client", "default_local_workers", "in_process",
           "local_torch_threads"]

MAX_LOCAL_WORKERS = 8  # each worker holds torch and the model (about 0.6 GB)
_TRIM = "MALLOC_TRIM_THRESHOLD_"


@contextlib.contextmanager
def open_client(scheduler: Any, n_workers: int | None, timeout: float
                ) -> Iterator[tuple[Any, bool]]:
    """Yield ``(client, local)``: a new LocalCluster (closed after) or a running scheduler.

    Parameters
    ----------
    scheduler : str, distributed.Client or None
        None, "" or "local": a LocalCluster of ``n_workers`` one-thread processes; a Client:
        used as is (left open); else a scheduler address such as ``tcp://host:8786``.
    n_workers : int or None
        Local cluster only: worker processes (None: `default_local_workers`).
    timeout : float
        Seconds to wait for a remote scheduler and its first worker.

    Raises
    ------
    CodingError
        The scheduler cannot be reached, or has no worker within ``timeout``.
    """
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        yield scheduler, False
        return
    if scheduler in (None, "", "local"):
        n = n_workers or default_local_workers()
        with _without_malloc_trim():
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
        with cluster, Client(cluster) as client:
            yield client, True
        return
    with _remote_client(str(scheduler), timeout) as client:
        yield client, False


@contextlib.contextmanager
def _remote_client(address: str, timeout: float) -> Iterator[Any]:
    """A client of the running scheduler at ``address`` with at least one worker."""
    from distributed import Client

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
        yield client
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

    with without_variable(_TRIM), \
            dask.config.set({f"distributed.nanny.pre-spawn-environ.{_TRIM}": None}):
        yield


def default_local_workers() -> int:
    """Local worker processes: one per core, at most `MAX_LOCAL_WORKERS`. (Two one-thread
    processes encoded somewhat more texts a second than one process on two threads.)"""
    return max(1, min(os.cpu_count() or 1, MAX_LOCAL_WORKERS))


def local_torch_threads(workers: int, local: bool) -> int:
    """Torch threads per worker: on a local cluster the cores shared among its ``workers``,
    else 1."""
    return max(1, (os.cpu_count() or 1) // workers) if local else 1


def in_process(segments: Any, scheduler: Any, rows: int, n_workers: int | None) -> bool:
    """Whether the default local cluster would be slower than this process, so a table is
    coded here instead.

    A worker given one partition loads torch and the model for it alone: slower than one
    process on all the cores. When this process already uses every core (torch runs on up
    to `MAX_TORCH_THREADS`), the cluster has no spare core and only gains by one-thread
    workers encoding a little faster, which needs more than two partitions per worker to
    repay the extra model loads (measured on 2 cores: 3 partitions 0.84x, 5 partitions
    0.93-0.96x the single process).
    """
    if scheduler is not None or not is_table(segments):
        return False
    from ..embeddings import MAX_TORCH_THREADS

    workers = n_workers or default_local_workers()
    spare_cores = (os.cpu_count() or 1) > MAX_TORCH_THREADS
    return -(-len(segments) // rows) <= workers * (1 if spare_cores else 2)
