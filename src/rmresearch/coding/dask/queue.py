"""The client's hand-out of one run's tasks: embedding tasks to free worker threads, coding
tasks once the coder is installed, and the codings gathered in partition order."""
from __future__ import annotations

from typing import Any, Callable

from .worker import code_partition, embed_partition

__all__ = ["TaskQueue", "thread_slots", "code_on_cluster"]


def thread_slots(client: Any) -> list[str]:
    """One entry per worker thread: the worker's address."""
    info = client.scheduler_info(n_workers=-1).get("workers", {})
    return [address for address, worker in info.items()
            for _ in range(max(1, int(worker.get("nthreads") or 1)))]


class TaskQueue:
    """The client's hand-out of one run's tasks (see `code_on_cluster`).

    Parameters
    ----------
    client : distributed.Client
        The run's client.
    parts : list
        The partitions (delayed DataFrames), in order.
    plan : tuple
        ``(embedder, known)``: the embedder the embedding tasks use (None: the coder embeds
        nothing, so partitions go straight to coding) and the shas of the coder's training
        texts.
    threads : int
        Torch threads per worker.
    """

    def __init__(self, client: Any, parts: list[Any], plan: tuple[Any, frozenset[str]],
                 threads: int) -> None:
        from dask import delayed
        from distributed import as_completed

        self.client, self.parts, self.threads = client, parts, threads
        self.embedder, known = plan
        self.known = delayed(known, pure=True)  # one key for every task
        self.free = thread_slots(client)  # idle worker threads
        self.todo = list(range(len(parts)))[::-1]  # partitions not yet embedding (pop: next)
        self.waiting = [] if self.embedder is not None else list(range(len(parts)))
        self.done = as_completed()
        self.tags: dict[str, tuple[str, int, str | None]] = {}
        self.vectors: list[Any] = [None] * len(parts)
        self.coded: list[Any] = [None] * len(parts)
        self.token: str | None = None

    def track(self, future: Any, kind: str, i: int, worker: str | None = None) -> None:
        """Watch ``future`` (a ``kind`` task of partition ``i``, on ``worker``'s thread)."""
        self.tags[future.key] = (kind, i, worker)
        self.done.add(future)

    def feed(self) -> None:
        """Give each idle worker thread the next partition to embed."""
        from dask import delayed

        while self.free and self.todo and self.embedder is not None:
            i, worker = self.todo.pop(), self.free.pop(0)
            task = delayed(embed_partition, pure=True)(self.parts[i], self.embedder,
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
        """The coder ``token`` is on every worker: code the partitions waiting for it."""
        self.token = token
        for i in self.waiting:
            self._code(i)
        self.waiting = []

    def _code(self, i: int) -> None:
        from dask import delayed

        task = delayed(code_partition, pure=False)(self.parts[i], self.vectors[i],
                                                   self.token, self.threads)
        self.coded[i] = self.client.compute(task)
        self.track(self.coded[i], "code", i)


def code_on_cluster(client: Any, parts: list[Any], sizes: list[int],
                    plan: tuple[Any, frozenset[str]], fitting: Any, fit_worker: str,
                    install: Callable[[bytes | None], str], threads: int,
                    bars: tuple[Any, Any]) -> Any:
    """Embed and code every partition; the codings, in partition order.

    The client hands out the embedding tasks one per worker thread, each new one to the
    thread that has just finished (the fit takes one thread of ``fit_worker`` first), so no
    worker sits idle while partitions wait elsewhere. A partition's coding task follows its
    embedding once ``install`` (given the pickled coder from ``fitting``, or None for the
    coder given by the caller) has put the coder on every worker.
    """
    queue = TaskQueue(client, parts, plan, threads)
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


def _empty_codings() -> Any:
    import pandas as pd

    from ..frames import CODINGS_COLUMNS

    return pd.DataFrame({c: pd.Series(dtype=float if c == "score" else str)
                         for c in CODINGS_COLUMNS})


def _concat(frames: list[Any]) -> Any:
    """Coded partitions concatenated in order, with the single-process dtypes."""
    import pandas as pd

    frames = [f for f in frames if len(f)]
    if not frames:
        return _empty_codings()
    result = pd.concat(frames, ignore_index=True)
    return result.astype({c: (float if c == "score" else str) for c in result.columns})
