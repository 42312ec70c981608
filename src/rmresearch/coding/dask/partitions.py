"""The segments table cut into partitions aligned to the coder's chunks, and Parquet files.

Partitions hold ``rows`` rows each (the last one shorter), ``rows`` a multiple of the coder's
chunk size (`rmresearch.coding.frames.CHUNK_SIZE`), so every encoder batch is the one the
single process would send. Inputs partitioned otherwise are re-cut (`aligned`).
"""
from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

from ...errors import CodingError
from ..frames import CHUNK_SIZE

__all__ = ["SEGMENT_COLUMNS", "DEFAULT_PARTITION_ROWS", "check_partition_rows", "is_table",
           "pieces", "write_parquet", "aligned", "partitioned_frame"]

SEGMENT_COLUMNS = ["segment_id", "text"]
DEFAULT_PARTITION_ROWS = CHUNK_SIZE  # one coder chunk


def check_partition_rows(partition_rows: int) -> int:
    """``partition_rows`` as an int; warns when it is not a multiple of the chunk size.

    Raises
    ------
    CodingError
        Fewer than one row.
    """
    rows = int(partition_rows)
    if rows < 1:
        raise CodingError(f"partition_rows must be at least 1; got {partition_rows}")
    if rows % CHUNK_SIZE:
        warnings.warn(f"partition_rows={rows} is not a multiple of the coder's chunk size "
                      f"({CHUNK_SIZE}): scores may differ from code_segments in the 4th decimal"
                      " for texts not yet in the embedding cache.", stacklevel=3)
    return rows


def is_table(segments: Any) -> bool:
    """True for a pandas DataFrame (rather than a Parquet path or a dask DataFrame)."""
    import pandas as pd

    return isinstance(segments, pd.DataFrame)


def pieces(segments: Any, rows: int) -> list[Any]:
    """``segments`` cut into slices of ``rows`` rows (the last shorter; one, empty, if none)."""
    return [segments.iloc[start:start + rows] for start in range(0, max(len(segments), 1), rows)]


def write_parquet(parts: list[Any], folder: Path) -> None:
    """Write the pieces as ``part.00000.parquet``, ``part.00001.parquet``, ...

    Raises
    ------
    CodingError
        ``folder`` already holds Parquet files.
    """
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.glob("*.parquet")):
        raise CodingError(f"{folder} already holds Parquet files; give an empty folder.")
    for i, piece in enumerate(parts):
        piece.to_parquet(folder / f"part.{i:05d}.parquet", index=False)


def _take(*parts: tuple[Any, int, int]) -> Any:
    import pandas as pd

    frames = [part.iloc[a:b] for part, a, b in parts]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def aligned(ddf: Any, lengths: list[int], rows: int) -> Any:
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
        taken = [(parts[j], max(start, offsets[j]) - offsets[j],
                  min(stop, offsets[j + 1]) - offsets[j])
                 for j in range(len(parts)) if offsets[j] < stop and offsets[j + 1] > start]
        out.append(delayed(_take)(*taken) if taken else parts[0])
    return dd.from_delayed(out, meta=ddf._meta, verify_meta=False)


def partitioned_frame(segments: Any, client: Any, rows: int, folder: Path | None
                      ) -> tuple[Any, list[int]]:
    """Segments as an aligned dask DataFrame of ``segment_id, text``, and its lengths.

    A DataFrame is validated and cut here: written to Parquet in ``folder``, or (None: a
    remote cluster cannot read our files) shipped in the task graph. A Parquet path or a
    dask DataFrame is read, checked and re-cut on the cluster.
    """
    import dask.dataframe as dd
    import pandas as pd

    if isinstance(segments, pd.DataFrame):
        from ..frames import validate_segments

        segments = validate_segments(segments)[SEGMENT_COLUMNS]
        cut = pieces(segments, rows)
        if folder is None:  # a remote cluster cannot read our files: ship in the graph
            from dask import delayed

            ddf = dd.from_delayed([delayed(piece) for piece in cut],
                                  meta=segments.iloc[:0], verify_meta=False)
        else:
            write_parquet(cut, folder)
            ddf = dd.read_parquet(str(folder))
        if ddf.npartitions == len(cut):  # one partition per piece: no need to count
            # (persist is not waited for: the workers may be busy with the fit)
            return client.persist(ddf), [len(piece) for piece in cut]
    else:
        ddf = _read_frame(segments)
    ddf = client.persist(ddf[SEGMENT_COLUMNS])
    lengths = list(client.compute(ddf.map_partitions(len)).result())
    if not isinstance(segments, pd.DataFrame):
        _check_unique(client, ddf)
    recut = aligned(ddf, lengths, rows)
    if recut is not ddf:  # persist while ddf still holds the parts it is cut from
        recut = client.persist(recut)
    return recut, lengths


def _read_frame(segments: Any) -> Any:
    """A Parquet file or folder, or a dask DataFrame, with its columns checked."""
    import dask.dataframe as dd

    if isinstance(segments, (str, os.PathLike)):
        ddf = dd.read_parquet(str(segments))
    elif hasattr(segments, "map_partitions"):
        ddf = segments
    else:
        raise CodingError("segments must be a pandas DataFrame, a Parquet file or folder, or a "
                          f"dask DataFrame; got {type(segments).__name__}")
    missing = [c for c in SEGMENT_COLUMNS if c not in ddf.columns]
    if missing:
        raise CodingError(f"segments have no column(s) {', '.join(map(repr, missing))}; columns "
                          f"found: {', '.join(map(str, ddf.columns)) or 'none'}")
    return ddf


def _check_unique(client: Any, ddf: Any) -> None:
    counts = ddf["segment_id"].astype(str).value_counts()
    dup = client.compute(counts[counts > 1]).result()
    if len(dup):
        shown = ", ".join(repr(d) for d in sorted(dup.index)[:10])
        raise CodingError(f"segments: duplicate segment_id(s) {shown}"
                          f"{' ...' if len(dup) > 10 else ''}; each segment needs its own id")
