"""The framework matrix: pairs x levels of operation, with counts and exemplar quotes."""
from __future__ import annotations

import pandas as pd

from ..errors import InputError, join_allowed
from ..vocabulary import VALENCE_LABELS
from .coded import category_order, require_columns

__all__ = ["framework_matrix", "framework_wide"]

MATRIX_COLUMNS = ["cohort", "pair_id", "code", "n", "n_positive", "n_attention", "n_neutral",
                  "quotes", "quote_segment_ids"]


def _top_quotes(cell: pd.DataFrame, k: int) -> tuple[list[str], list[str]]:
    """Up to ``k`` distinct texts, highest score first, ties broken by segment_id."""
    ranked = cell.sort_values(["score", "segment_id"], ascending=[False, True], kind="mergesort")
    ranked = ranked.drop_duplicates("text").head(k)
    return [str(t) for t in ranked["text"]], [str(s) for s in ranked["segment_id"]]


def framework_matrix(coded: pd.DataFrame, quotes: int = 3) -> pd.DataFrame:
    """Pairs x levels: how many findings each pair has at each level, with exemplar quotes.

    Parameters
    ----------
    coded : DataFrame
        Output of `coded_segments`. Rows without a ``pair_id`` (evaluation forms) are left out.
    quotes : int
        Maximum number of exemplar quotes per cell (default 3).

    Returns
    -------
    DataFrame
        Long form, one row per pair x level (all levels for every pair, zeros kept), sorted
        by cohort, pair_id and level in framework order:

        - ``cohort`` (str), ``pair_id`` (str), ``code`` (str);
        - ``n`` (int): segments of the pair coded at the level;
        - ``n_positive``, ``n_attention``, ``n_neutral`` (int): those by valence;
        - ``quotes`` (list of str): up to ``quotes`` distinct segment texts, highest score
          first, ties broken by ``segment_id`` (deterministic);
        - ``quote_segment_ids`` (list of str): the segment each quote comes from.
    """
    require_columns(coded, ["cohort", "pair_id", "segment_id", "code", "valence", "score",
                            "text"], "coded segments")
    paired = coded.dropna(subset=["pair_id"])
    pairs = (paired[["cohort", "pair_id"]].drop_duplicates("pair_id")
             .assign(_c=lambda d: d["cohort"].astype(str), _p=lambda d: d["pair_id"].astype(str))
             .sort_values(["_c", "_p"], kind="mergesort"))
    rows = []
    groups = {key: cell for key, cell in paired.groupby(["pair_id", "code"], sort=False)}
    for cohort, pair in zip(pairs["cohort"], pairs["pair_id"]):
        for code in category_order("code", paired["code"]):
            cell = groups.get((pair, code), paired.iloc[0:0])
            texts, ids = _top_quotes(cell, quotes)
            counts = cell["valence"].value_counts()
            rows.append((cohort, pair, code, int(cell["segment_id"].nunique()),
                         int(counts.get("positive", 0)), int(counts.get("attention", 0)),
                         int(counts.get("neutral", 0)), texts, ids))
    return pd.DataFrame(rows, columns=MATRIX_COLUMNS)


def _cell_text(row: pd.Series, max_chars: int | None) -> str:
    if row["n"] == 0:
        return ""
    head = (f"{row['n']} ({row['n_positive']} {VALENCE_LABELS['positive']}, "
            f"{row['n_attention']} {VALENCE_LABELS['attention']})")
    lines = [head]
    for quote in row["quotes"]:
        q = quote if max_chars is None or len(quote) <= max_chars else \
            quote[: max_chars - 1].rstrip() + "\u2026"
        lines.append(f"\u201c{q}\u201d")
    return "\n".join(lines)


def framework_wide(matrix: pd.DataFrame, value: str = "summary",
                   max_chars: int | None = 160) -> pd.DataFrame:
    """Pivot a `framework_matrix` to one row per pair and one column per level, for display.

    Parameters
    ----------
    matrix : DataFrame
        Output of `framework_matrix`.
    value : str
        ``"summary"`` (default): each cell reads ``"3 (2 good practice, 1 requiring
        attention)"`` followed by one quoted exemplar per line, empty when the pair has no
        finding at the level; or the name of a count column (``n``, ``n_positive``,
        ``n_attention``, ``n_neutral``) for a numeric table.
    max_chars : int or None
        Quotes longer than this are cut with an ellipsis (summary only).

    Returns
    -------
    DataFrame
        Index ``pair_id`` (pairs in the matrix order), columns the levels in framework order
        (column index named ``code``); cells str (summary) or int (counts).
    """
    require_columns(matrix, ["pair_id", "code", "n", "quotes"], "framework matrix")
    if value == "summary":
        # A list, not ``apply(axis=1)``: on a matrix with no rows (a cohort with nothing
        # coded) ``apply`` returns a DataFrame and the notebook failed.
        cells = matrix.assign(_v=[_cell_text(row, max_chars) for _, row in matrix.iterrows()])
    elif value in matrix.columns and value.startswith("n"):
        cells = matrix.assign(_v=matrix[value])
    else:
        raise InputError(f"Unknown framework cell value '{value}'.", allowed=join_allowed(
            ["summary", *[c for c in matrix.columns if c.startswith("n")]]))
    wide = cells.pivot(index="pair_id", columns="code", values="_v")
    pairs = list(dict.fromkeys(matrix["pair_id"]))
    return wide.reindex(index=pairs, columns=category_order("code", matrix["code"]))
