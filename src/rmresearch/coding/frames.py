"""Input validation and output tables shared by the coders."""
from __future__ import annotations

from typing import Any, Iterator

from ..errors import CodingError
from ..schemas import COLUMNS

__all__ = ["CODINGS_COLUMNS", "validate_segments", "codings_frame", "iter_chunks", "CHUNK_SIZE"]

CODINGS_COLUMNS: list[str] = list(COLUMNS["codings"])  # the codings table (schemas)
CHUNK_SIZE = 2048


def _where(df: Any, pos: int) -> str:
    return f"row {pos + 1} (segment_id {df['segment_id'].iloc[pos]!r})"


def validate_segments(segments: Any) -> Any:
    """Check a segments table and return a copy with ``segment_id`` as str.

    Raises
    ------
    CodingError
        Not a DataFrame; missing ``segment_id`` or ``text`` column (the columns found are
        listed); duplicate ids (named); missing or non-string text (rows named).
    """
    import pandas as pd

    if not isinstance(segments, pd.DataFrame):
        raise CodingError(f"segments must be a pandas DataFrame with columns 'segment_id' and "
                          f"'text'; got {type(segments).__name__}")
    missing = [c for c in ("segment_id", "text") if c not in segments.columns]
    if missing:
        raise CodingError(f"segments table has no column(s) {', '.join(repr(m) for m in missing)}"
                          f"; columns found: {', '.join(map(str, segments.columns)) or 'none'}")
    if segments["segment_id"].isna().any():
        pos = int(segments["segment_id"].isna().to_numpy().argmax())
        raise CodingError(f"segments table: row {pos + 1} has no segment_id")
    ids = segments["segment_id"].astype(str)
    dup = ids[ids.duplicated(keep=False)].unique().tolist()
    if dup:
        shown = ", ".join(repr(d) for d in dup[:10]) + (" ..." if len(dup) > 10 else "")
        raise CodingError(f"segments table: duplicate segment_id(s) {shown}; each segment "
                          "needs its own id")
    bad = [i for i, t in enumerate(segments["text"]) if not isinstance(t, str)]
    if bad:
        where = "; ".join(_where(segments, i) for i in bad[:5])
        kind = type(segments["text"].iloc[bad[0]]).__name__
        raise CodingError(f"segments table: text must be a string; {len(bad)} row(s) are not "
                          f"(first found: {kind}): {where}")
    out = segments.copy()
    out["segment_id"] = ids
    return out


def codings_frame(rows: list[tuple]) -> Any:
    """Build a codings DataFrame with the standard columns and types."""
    import pandas as pd

    df = pd.DataFrame(rows, columns=CODINGS_COLUMNS)
    df["segment_id"] = df["segment_id"].astype(str)
    df["score"] = df["score"].astype(float).clip(0.0, 1.0).round(4)
    for col in ("code", "coder", "valence", "evidence"):
        df[col] = df[col].astype(str)
    return df.reset_index(drop=True)


def iter_chunks(segments: Any, size: int = CHUNK_SIZE, progress: bool = False) -> Iterator[Any]:
    """Yield consecutive row slices of ``segments`` (with a tqdm bar if ``progress``)."""
    starts = range(0, len(segments), size)
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(segments), unit="segment", desc="coding")
        for start in starts:
            chunk = segments.iloc[start:start + size]
            yield chunk
            bar.update(len(chunk))
        bar.close()
        return
    for start in starts:
        yield segments.iloc[start:start + size]
