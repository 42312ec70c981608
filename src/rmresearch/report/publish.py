"""Writing published tables and figures: pseudonymised, small cells suppressed, deterministic.

Every table a report publishes goes through `Publisher.table`, which applies the privacy rules
(on by default) and writes the same bytes for the same input (CSV and Parquet; CSV cells made
safe from formula injection by `rmresearch.cells`). Figures go through `Publisher.figure`
(PNG and SVG without dates).
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from ..atomic import atomic_path
from ..cells import safe_csv

__all__ = ["Publisher", "write_table", "is_people_count", "PEOPLE_COUNT_NAME",
           "NOT_PEOPLE_COUNT_NAME"]

#: The suppression rule, by what a count column counts.
#: Counts of people's records (respondents and answers of the evaluation forms, passages of
#: what people said or wrote, topic sizes) named ``n``, ``n_...`` or ``size`` are hidden
#: below ``min_cell``. Counts of coders, mentoring pairs, units and segments tested, and
#: documents identify nobody, describe the study's design, and are never hidden.
PEOPLE_COUNT_NAME = re.compile(r"n|n_\w+|size")
NOT_PEOPLE_COUNT_NAME = re.compile(
    r"n_coders|coders|n_pairs|pairs_with|pairs_total|pairs|n_units|n_segments|"
    r"n_documents|documents")


def is_people_count(column: object) -> bool:
    """Whether a column named ``column`` counts people's records (see the rule above)."""
    return not NOT_PEOPLE_COUNT_NAME.fullmatch(str(column))


def _flatten(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, (list, tuple))).any():
            out[col] = out[col].map(lambda v: "\n".join(map(str, v))
                                    if isinstance(v, (list, tuple)) else v)
    return out


def write_table(df: pd.DataFrame, stem: Path) -> list[Path]:
    """Write ``df`` as ``stem.csv`` and ``stem.parquet``, byte-identical for identical input.

    Mixed columns (numbers and suppression markers) are written as text in Parquet. In the
    CSV (opened in spreadsheets) text that would run as a formula (``= + - @``...) gets a
    leading ``'`` (`rmresearch.cells.safe_frame`, header too); the Parquet file, read by
    programs, keeps the text exactly.
    """
    df = _flatten(df).reset_index(drop=True)
    csv_path, pq_path = stem.with_suffix(".csv"), stem.with_suffix(".parquet")
    safe_csv(df, csv_path, float_format="%.6g")
    pq = df.copy()
    for col in pq.columns:
        kinds = {type(v) for v in pq[col].dropna()}
        if len(kinds) > 1 or (kinds and kinds != {str} and object in {pq[col].dtype}):
            pq[col] = pq[col].map(lambda v: None if v is None or v != v else str(v))
    with atomic_path(pq_path) as tmp:
        pq.to_parquet(tmp, index=False, engine="pyarrow", compression="snappy")
    return [csv_path, pq_path]


class Publisher:
    """Publishes tables and figures for one report into ``output``.

    Parameters
    ----------
    output : folder for ``tables/`` and ``figures/``.
    pseudonymiser : object with ``text(str) -> str`` (None: publish real names; only when the
        user turned pseudonymisation off explicitly).
    min_cell : counts below this are suppressed in published tables (0 turns it off).
    """

    def __init__(self, output: str | Path, *, pseudonymiser: Any = None, min_cell: int = 5) -> None:
        self.output = Path(output)
        self.pseudonymiser = pseudonymiser
        self.min_cell = min_cell
        self.written: list[Path] = []

    def text(self, value: Any) -> Any:
        """Pseudonymise one text value (lists element-wise)."""
        if self.pseudonymiser is None or value is None:
            return value
        if isinstance(value, (list, tuple)):
            return [self.text(v) for v in value]
        return self.pseudonymiser.text(value) if isinstance(value, str) else value

    def prepare(self, df: pd.DataFrame, *, counts: Sequence[str] = (),
                texts: Sequence[str] = (), wide: bool = False,
                linked: Sequence[str] = ()) -> pd.DataFrame:
        """Apply pseudonymisation to ``texts`` columns and suppression to count columns.

        Count columns are those named in ``counts`` plus every whole-number column named
        ``n``, ``n_...`` or ``size``, less the columns that count coders, mentoring pairs,
        units, segments or documents (`NOT_PEOPLE_COUNT_NAME`), which are never hidden.
        ``linked`` columns (shares, means) are hidden wherever a count of their row is.
        ``wide=True`` treats every numeric column as a count in a table with totals and
        applies secondary suppression as well.
        """
        from ..privacy.suppress import suppress_counts, suppress_table

        out = df.copy()
        for col in texts:
            if col in out.columns:
                out[col] = out[col].map(self.text)
        if self.min_cell > 0:
            if wide:
                out = suppress_table(out, threshold=self.min_cell)
            else:
                cols = [c for c in out.columns if is_people_count(c) and (c in counts or (
                    PEOPLE_COUNT_NAME.fullmatch(str(c))
                    and pd.api.types.is_integer_dtype(out[c])))]
                if cols:
                    out = suppress_counts(out, cols, threshold=self.min_cell,
                                          linked_cols=[c for c in linked if c in out.columns])
        return out

    def table(self, df: pd.DataFrame, name: str, *, counts: Sequence[str] = (),
              texts: Sequence[str] = (), wide: bool = False,
              linked: Sequence[str] = ()) -> pd.DataFrame:
        """Prepare ``df`` (see `prepare`), write it under ``tables/name``, and return it."""
        published = self.prepare(df, counts=counts, texts=texts, wide=wide, linked=linked)
        self.written += write_table(published, self.output / "tables" / name)
        return published

    def figure(self, fig: Any, name: str) -> list[Path]:
        """Save a matplotlib figure as PNG and SVG under ``figures/name``."""
        from .plots import save_figure

        paths = save_figure(fig, self.output / "figures" / name)
        self.written += paths
        return paths
