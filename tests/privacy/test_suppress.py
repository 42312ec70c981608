"""Small-cell suppression: primary (1-4 hidden, 0 shown) and secondary (no recovery by
subtraction from totals)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from rmresearch.errors import InputError
from rmresearch.privacy.suppress import suppress_counts, suppress_table, suppression_mask

WIDE = pd.DataFrame({"individual": [12, 3, 20], "departmental": [7, 9, 15],
                     "symbolic": [0, 6, 2]}, index=["C1", "C2", "C3"])


def test_suppress_counts_primary_keeps_zero():
    df = pd.DataFrame({"code": list("abcdef"), "n": [0, 1, 4, 5, 12, np.nan],
                       "prop": [0.0, 0.1, 0.4, 0.5, 1.2, np.nan]})
    out = suppress_counts(df, "n", linked_cols=["prop"])
    assert out["n"].tolist()[:5] == [0, "<5", "<5", 5, 12]
    assert pd.isna(out["n"].iloc[5])
    assert out["prop"].tolist()[:5] == [0.0, "<5", "<5", 0.5, 1.2]
    assert out["n"].dtype == object and isinstance(out["n"].iloc[3], int)
    assert out["code"].equals(df["code"]) and df["n"].iloc[1] == 1  # input untouched


def test_suppress_counts_threshold_marker_and_errors():
    df = pd.DataFrame({"n": [0, 7, 10], "m": [3, 11, 9]})
    out = suppress_counts(df, ["n", "m"], threshold=10)
    assert out.to_dict("list") == {"n": [0, "<10", 10], "m": ["<10", 11, "<10"]}
    assert suppress_counts(df, "n", keep_zero=False)["n"].tolist() == ["<5", 7, 10]
    with pytest.raises(InputError, match="count"):
        suppress_counts(df, "count")
    with pytest.raises(InputError, match="no numbers"):
        suppress_counts(pd.DataFrame({"n": ["a", "b"]}), "n")


def test_suppress_table_primary_and_secondary_by_hand():
    out = suppress_table(WIDE)
    expected = pd.DataFrame(
        {"individual": ["*", "<5", 20, 35], "departmental": ["*", 9, "*", 31],
         "symbolic": [0, "*", "<5", 8], "Total": [19, 18, 37, 74]},
        index=["C1", "C2", "C3", "Total"], dtype=object)
    pd.testing.assert_frame_equal(out, expected)
    assert (out.dtypes == object).all()


def _published_bounds(wide: pd.DataFrame, out: pd.DataFrame, threshold: int = 5):
    """Min and max of every hidden cell that a reader could infer from the table (LP)."""
    full = wide.copy()
    full["Total"] = full.sum(axis=1)
    full.loc["Total"] = full.sum(axis=0)
    cells = [(i, j) for i in range(full.shape[0]) for j in range(full.shape[1])]
    var = {c: k for k, c in enumerate(cells)}
    eqs, rhs = [], []
    r, c = full.shape
    for i in range(r):  # each row: body cells - total = 0
        row = np.zeros(len(cells))
        for j in range(c - 1):
            row[var[(i, j)]] = 1
        row[var[(i, c - 1)]] = -1
        eqs.append(row), rhs.append(0)
    for j in range(c):
        col = np.zeros(len(cells))
        for i in range(r - 1):
            col[var[(i, j)]] = 1
        col[var[(r - 1, j)]] = -1
        eqs.append(col), rhs.append(0)
    bounds = []
    for i, j in cells:
        shown = out.iat[i, j]
        if shown == f"<{threshold}":
            bounds.append((1, threshold - 1))
        elif shown == "*":
            bounds.append((0, None))
        else:
            bounds.append((shown, shown))
    result = {}
    for i, j in cells:
        if isinstance(out.iat[i, j], str):
            obj = np.zeros(len(cells))
            obj[var[(i, j)]] = 1
            lo = linprog(obj, A_eq=np.array(eqs), b_eq=rhs, bounds=bounds).fun
            hi = -linprog(-obj, A_eq=np.array(eqs), b_eq=rhs, bounds=bounds).fun
            result[(full.index[i], full.columns[j])] = (lo, hi, full.iat[i, j])
    return result


def test_no_hidden_cell_recoverable_from_totals():
    out = suppress_table(WIDE)
    bounds = _published_bounds(WIDE, out)
    assert len(bounds) == 6
    for cell, (lo, hi, true) in bounds.items():
        assert lo - 1e-6 <= true <= hi + 1e-6, cell
        assert hi - lo >= 1 - 1e-6, f"{cell} recoverable: {lo}..{hi}"
    # hand check: C2 individual (3) can be anything from 2 to 4 given the published table
    assert bounds[("C2", "individual")][:2] == pytest.approx((2, 4))


def test_primary_only_suppression_would_be_recoverable():
    naive = suppress_table(WIDE, totals=False)  # primary only, then totals published
    naive["Total"] = WIDE.sum(axis=1)
    naive.loc["Total"] = [35, 31, 8, 74]
    lo, hi, _ = _published_bounds(WIDE, naive)[("C2", "individual")]
    assert lo == pytest.approx(hi) == pytest.approx(3)


def test_every_row_and_column_has_zero_or_several_hidden_cells():
    rng = np.random.default_rng(7)
    for _ in range(20):
        wide = pd.DataFrame(rng.integers(0, 15, size=(4, 5)))
        mask = suppression_mask(wide).to_numpy()
        hidden = mask != ""
        assert set(hidden.sum(axis=0)) <= set(range(0, 10)) - {1}
        assert set(hidden.sum(axis=1)) <= set(range(0, 10)) - {1}
        body = mask[:-1, :-1]
        assert ((body == "primary") == ((wide.to_numpy() >= 1) & (wide.to_numpy() < 5))).all()


def test_existing_totals_small_totals_and_no_totals():
    with_totals = WIDE.copy()
    with_totals["Total"] = with_totals.sum(axis=1)
    with_totals.loc["Total"] = with_totals.sum(axis=0)
    pd.testing.assert_frame_equal(suppress_table(with_totals), suppress_table(WIDE))
    small = pd.DataFrame({"a": [2, 10], "b": [1, 12]}, index=["x", "y"])
    out = suppress_table(small)
    assert out.loc["x"].tolist() == ["<5", "<5", "<5"]  # the row total 3 is small too
    # column "Total" would otherwise give x's total away: 25 - 22 = 3
    assert out.loc["y"].tolist() == ["*", "*", "*"]
    assert out.loc["Total"].tolist() == [12, 13, 25]
    hidden = (suppression_mask(small) != "").to_numpy()
    assert 1 not in set(hidden.sum(axis=0)) | set(hidden.sum(axis=1))
    plain = suppress_table(WIDE, totals=False)
    assert list(plain.columns) == list(WIDE.columns) and "Total" not in plain.index
    assert (plain == "*").sum().sum() == 0 and (plain == "<5").sum().sum() == 2


def test_suppression_is_deterministic_with_ties():
    tie = pd.DataFrame({"a": [3, 8, 8], "b": [8, 8, 8], "c": [8, 8, 8]})
    first = suppression_mask(tie)
    assert first.equals(suppression_mask(tie))
    assert first.iat[0, 1] == "secondary" and first.iat[1, 0] == "secondary"  # first of ties
