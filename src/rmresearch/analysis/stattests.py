"""Small, degenerate-safe statistical tests used by the comparison and survey tables.

Each test returns a dict of plain numbers; anything that cannot be computed is NaN with a
``note`` saying why, never an exception.
"""
from __future__ import annotations

import math
import warnings
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

__all__ = ["format_p", "bh_adjust", "cramers_v", "contingency_test", "wilcoxon_paired", "mann_whitney"]

NAN = float("nan")


def format_p(p: float) -> str:
    """A p-value as people read it: three decimals, ``"< 0.001"`` below that, ``"-"`` when
    it could not be computed (NaN or None)."""
    if p is None or pd.isna(p):
        return "-"
    return "< 0.001" if float(p) < 0.001 else f"{float(p):.3f}"


def bh_adjust(p: Sequence[float]) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values; NaN entries stay NaN and are not in the family."""
    arr = np.asarray(p, dtype=float)
    out = np.full(arr.shape, NAN)
    ok = ~np.isnan(arr)
    if ok.any():
        out[ok] = multipletests(arr[ok], method="fdr_bh")[1]
    return out


def cramers_v(table: np.ndarray) -> float:
    """Cramer's V = sqrt(chi2 / (n * (min(r, c) - 1))) from the uncorrected chi-square."""
    t = np.asarray(table, dtype=float)
    n, k = t.sum(), min(t.shape) - 1
    if n == 0 or k < 1:
        return NAN
    chi2 = stats.chi2_contingency(t, correction=False)[0]
    return math.sqrt(chi2 / (n * k))


def _blank(note: str, n: float = NAN) -> dict:
    return {"n": n, "statistic": NAN, "dof": NAN, "p": NAN, "cramers_v": NAN, "method": "",
            "note": note}


def contingency_test(table: pd.DataFrame | np.ndarray) -> dict:
    """Test independence in a contingency table (rows = groups, columns = outcomes).

    All-zero rows and columns are dropped first. A 2x2 table with any expected count below 5
    uses Fisher's exact test (``statistic`` = sample odds ratio, ``dof`` NaN); otherwise
    scipy's chi-square test (with Yates' correction when dof = 1, scipy's default). Cramer's V
    always comes from the uncorrected chi-square.

    Returns
    -------
    dict
        ``n, statistic, dof, p, cramers_v, method, note``.
    """
    t = np.asarray(table, dtype=float)
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0] if t.size else t.reshape(0, 0)
    n = int(t.sum())
    if t.shape[0] < 2:
        return _blank("fewer than two groups with data", n)
    if t.shape[1] < 2:
        return _blank("the outcome takes a single value in every group", n)
    expected = stats.contingency.expected_freq(t)
    v = cramers_v(t)
    if t.shape == (2, 2) and (expected < 5).any():
        res = stats.fisher_exact(t)
        return {"n": n, "statistic": float(res.statistic), "dof": NAN, "p": float(res.pvalue),
                "cramers_v": v, "method": "Fisher exact", "note": "expected count below 5"}
    chi2, p, dof, _ = stats.chi2_contingency(t)
    small = int((expected < 5).sum())
    note = f"{small} of {expected.size} expected counts below 5" if small else ""
    method = "chi-square (Yates)" if dof == 1 else "chi-square"
    return {"n": n, "statistic": float(chi2), "dof": float(dof), "p": float(p), "cramers_v": v,
            "method": method, "note": note}


def wilcoxon_paired(before: Sequence[float], after: Sequence[float]) -> dict:
    """Wilcoxon signed-rank test of after - before with the matched-pairs rank-biserial r.

    Zero differences are dropped (scipy's ``zero_method="wilcox"``). The rank-biserial
    correlation is (T+ - T-) / (T+ + T-) over the ranks of the non-zero absolute differences:
    +1 when everyone rose, -1 when everyone fell.

    Returns
    -------
    dict
        ``n`` (pairs), ``n_changed`` (non-zero differences), ``statistic`` (scipy's W),
        ``p``, ``rank_biserial``, ``note``.
    """
    d = np.asarray(after, dtype=float) - np.asarray(before, dtype=float)
    d = d[~np.isnan(d)]
    nz = d[d != 0]
    out = {"n": len(d), "n_changed": len(nz), "statistic": NAN, "p": NAN,
           "rank_biserial": NAN, "note": ""}
    if len(d) < 2:
        return {**out, "note": "fewer than 2 paired respondents"}
    if len(nz) == 0:
        return {**out, "note": "no respondent's answer changed"}
    ranks = stats.rankdata(np.abs(nz))
    out["rank_biserial"] = float((ranks[nz > 0].sum() - ranks[nz < 0].sum()) / ranks.sum())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = stats.wilcoxon(nz)
    out["statistic"], out["p"] = float(res.statistic), float(res.pvalue)
    if len(nz) < 6:
        out["note"] = "fewer than 6 changed answers: p cannot be small"
    return out


def mann_whitney(a: Sequence[float], b: Sequence[float]) -> dict:
    """Two-sided Mann-Whitney U test of a versus b with the rank-biserial correlation.

    ``rank_biserial`` = 2 * U_a / (n_a * n_b) - 1: +1 when every value of ``a`` exceeds
    every value of ``b``, -1 the reverse, 0 no tendency.

    Returns
    -------
    dict
        ``n_a, n_b, statistic`` (U of ``a``), ``p, rank_biserial, note``.
    """
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    x, y = x[~np.isnan(x)], y[~np.isnan(y)]
    out = {"n_a": len(x), "n_b": len(y), "statistic": NAN, "p": NAN, "rank_biserial": NAN,
           "note": ""}
    if len(x) < 2 or len(y) < 2:
        return {**out, "note": "fewer than 2 answers in a group"}
    if np.unique(np.concatenate([x, y])).size == 1:
        return {**out, "note": "every answer is the same"}
    res = stats.mannwhitneyu(x, y, alternative="two-sided")
    out["statistic"], out["p"] = float(res.statistic), float(res.pvalue)
    out["rank_biserial"] = float(2 * res.statistic / (len(x) * len(y)) - 1)
    return out
