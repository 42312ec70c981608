"""Inter-coder agreement: percent agreement, Cohen's kappa, Krippendorff's alpha, Gwet's AC1.

Each code is a binary judgement (present/absent) per segment per coder. A coder's judgement
is *missing* for segments the coder did not see (see `rmresearch.human.sheets.coder_seen`); the
units are the segments at least one of the coders saw. Statistics are computed per code and
``overall`` (every segment x code judgement pooled; the bootstrap still resamples whole
segments). Confidence intervals are percentile bootstraps over segments, seeded.

Point estimates use the reference implementations where they exist
(`sklearn.metrics.cohen_kappa_score`, `krippendorff.alpha`); Gwet's AC1 and percent
agreement are written here (Gwet 2014, with missing ratings). The bootstrap uses closed
forms of the same statistics for binary data, which the tests check against the point
estimates.
"""
from __future__ import annotations

import warnings
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..vocabulary import is_human

__all__ = ["percent_agreement", "cohen_kappa", "krippendorff_alpha", "gwet_ac1",
           "rating_matrices", "agreement_table", "gate", "agreement_report", "kappa_note",
           "LOW_PREVALENCE", "STATISTICS"]

LOW_PREVALENCE = 0.10
STATISTICS = ("percent_agreement", "kappa", "alpha", "ac1")


def _as_matrix(matrix: object) -> tuple[np.ndarray, list]:
    """Units x coders labels -> integer codes (-1 missing) and the sorted categories."""
    frame = pd.DataFrame(matrix)
    values = frame.to_numpy(dtype=object).ravel()
    missing = pd.isna(values)
    cats = sorted({v for v, m in zip(values, missing) if not m}, key=str)
    index = {c: i for i, c in enumerate(cats)}
    codes = np.array([-1 if m else index[v] for v, m in zip(values, missing)], dtype=int)
    return codes.reshape(frame.shape), cats


def _category_counts(matrix: object, categories: Sequence | None) -> np.ndarray:
    codes, cats = _as_matrix(matrix)
    if categories is not None and cats:
        remap = np.array([list(categories).index(c) for c in cats], dtype=int)
        codes = np.where(codes >= 0, remap[np.maximum(codes, 0)], -1)
    q = max(len(categories) if categories is not None else len(cats), 1)
    return np.stack([(codes == k).sum(axis=1) for k in range(q)], axis=1)


def percent_agreement(matrix: object) -> float:
    """Share of agreeing coder pairs, averaged over units with two or more ratings.

    ``matrix`` has one row per unit and one column per coder; missing ratings are NaN/None.
    With two coders this is the share of units both rated on which they agree.
    """
    r = _category_counts(matrix, None)
    n = r.sum(axis=1)
    ok = n >= 2
    if not ok.any():
        return float("nan")
    return float(((r[ok] * (r[ok] - 1)).sum(axis=1) / (n[ok] * (n[ok] - 1))).mean())


def gwet_ac1(matrix: object, categories: Sequence | None = None) -> float:
    """Gwet's AC1 for any number of coders with missing ratings (Gwet 2014, ch. 2-3).

    ``pa`` is `percent_agreement`; ``pi_k`` is the mean over units with at least one rating
    of the share of the unit's ratings in category k; ``pe = sum_k pi_k (1 - pi_k) / (Q - 1)``
    with Q categories (``categories``, default: those observed, at least two);
    ``AC1 = (pa - pe) / (1 - pe)``.
    """
    r = _category_counts(matrix, categories)
    q = max(r.shape[1], 2)
    n = r.sum(axis=1)
    pa = percent_agreement(matrix)
    rated = n >= 1
    if not rated.any() or pa != pa:
        return float("nan")
    pi = (r[rated] / n[rated, None]).mean(axis=0)
    pe = float((pi * (1 - pi)).sum() / (q - 1))
    return float((pa - pe) / (1 - pe))


def krippendorff_alpha(matrix: object) -> float:
    """Krippendorff's alpha, nominal, via `krippendorff.alpha` (units x coders, NaN missing).

    Returns NaN when it is undefined (fewer than two categories, or no unit with two
    ratings).
    """
    import krippendorff

    codes, cats = _as_matrix(matrix)
    data = np.where(codes >= 0, codes, np.nan).T.astype(float)
    if len(cats) < 2 or not ((codes >= 0).sum(axis=1) >= 2).any():
        return float("nan")
    try:
        with np.errstate(divide="ignore", invalid="ignore"):  # undefined: NaN, said below
            return float(krippendorff.alpha(reliability_data=data,
                                            level_of_measurement="nominal"))
    except (ValueError, ZeroDivisionError):
        return float("nan")


def cohen_kappa(a: Sequence, b: Sequence) -> float:
    """Cohen's kappa of two coders via scikit-learn, over units both rated (NaN if undefined)."""
    from sklearn.metrics import cohen_kappa_score

    frame = pd.DataFrame({"a": list(a), "b": list(b)}).dropna()
    if frame.empty:
        return float("nan")
    labels = sorted(set(frame["a"]) | set(frame["b"]), key=str)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = cohen_kappa_score(frame["a"], frame["b"], labels=labels)
    return float(value)


def rating_matrices(codings: pd.DataFrame, coders: Sequence[str],
                    seen: Mapping[str, Iterable[str]] | None = None,
                    codes: Sequence[str] | None = None) -> tuple[list[str], dict[str, np.ndarray]]:
    """Binary units x coders matrices, one per code (1 present, 0 absent, NaN not seen).

    Parameters
    ----------
    codings : ``segment_id, code, coder`` rows (a row means the code is present).
    coders : the coders to compare (columns, in this order).
    seen : segments each coder saw; a coder always saw the segments they coded.
    codes : codes to include (default: every code the coders used, sorted).

    Returns
    -------
    (list, dict)
        The units (sorted segment ids seen by at least one coder) and ``{code: matrix}``.
    """
    mine = codings[codings["coder"].isin(coders)]
    seen_sets = {c: set((seen or {}).get(c, ())) | set(mine.loc[mine["coder"] == c,
                                                                 "segment_id"]) for c in coders}
    units = sorted(set().union(*seen_sets.values())) if coders else []
    row = {u: i for i, u in enumerate(units)}
    codes = list(codes) if codes is not None else sorted(mine["code"].unique())
    base = np.full((len(units), len(coders)), np.nan)
    for j, coder in enumerate(coders):
        base[[row[u] for u in seen_sets[coder]], j] = 0.0
    out = {}
    for code in codes:
        x = base.copy()
        for j, coder in enumerate(coders):
            hits = mine[(mine["coder"] == coder) & (mine["code"] == code)]["segment_id"]
            x[[row[u] for u in hits], j] = 1.0
        out[code] = x
    return units, out


def _unit_arrays(x: np.ndarray) -> dict[str, np.ndarray]:
    """Per-unit quantities whose sums give every statistic for binary data (see `_from_sums`)."""
    seen = ~np.isnan(x)
    m = seen.sum(axis=1).astype(float)
    n1 = np.nansum(x, axis=1)
    n0 = m - n1
    pair = m >= 2
    safe = np.maximum(m * (m - 1), 1)
    out = {"pair": pair * 1.0, "agree": np.where(pair, (n1 * (n1 - 1) + n0 * (n0 - 1)) / safe, 0),
           "any": (m >= 1) * 1.0, "frac1": np.where(m >= 1, n1 / np.maximum(m, 1), 0),
           "m": m, "n1": n1, "mP": np.where(pair, m, 0), "n1P": np.where(pair, n1, 0),
           "o01": np.where(pair, n0 * n1 / np.maximum(m - 1, 1), 0)}
    if x.shape[1] == 2:
        both = seen.all(axis=1)
        out |= {"both": both * 1.0, "a1": (both & (x[:, 0] == 1)) * 1.0,
                "b1": (both & (x[:, 1] == 1)) * 1.0, "eq": (both & (x[:, 0] == x[:, 1])) * 1.0}
    return out


def _from_sums(s: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Statistics from summed unit quantities (works on scalars or arrays of replicates)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        pa = s["agree"] / s["pair"]
        pi = s["frac1"] / s["any"]
        pe = 2 * pi * (1 - pi)
        n0p = s["mP"] - s["n1P"]
        out = {"prevalence": s["n1"] / s["m"], "percent_agreement": pa,
               "ac1": (pa - pe) / (1 - pe),
               "alpha": np.where(n0p * s["n1P"] > 0,
                                 1 - (s["mP"] - 1) * s["o01"] / (n0p * s["n1P"]), np.nan)}
        if "both" in s:
            po, pa1, pb1 = s["eq"] / s["both"], s["a1"] / s["both"], s["b1"] / s["both"]
            pek = pa1 * pb1 + (1 - pa1) * (1 - pb1)
            out["kappa"] = np.where(pek < 1, (po - pek) / (1 - pek), np.nan)
        else:
            out["kappa"] = np.full_like(np.asarray(pa, dtype=float), np.nan)
    return out


def _bootstrap(arrays: Mapping[str, np.ndarray], weights: np.ndarray, level: float
               ) -> dict[str, tuple[float, float]]:
    sums = {k: weights @ v for k, v in arrays.items()}
    stats = _from_sums(sums)
    tail = (1 - level) / 2 * 100
    out = {}
    for name in STATISTICS:
        vals = np.asarray(stats[name], dtype=float)
        vals = vals[np.isfinite(vals)]
        out[name] = ((float(np.percentile(vals, tail)), float(np.percentile(vals, 100 - tail)))
                     if len(vals) >= max(10, weights.shape[0] // 2) else (np.nan, np.nan))
    return out


def _point(x: np.ndarray) -> dict[str, float]:
    """Point estimates of every statistic for one units x coders binary matrix."""
    both = ~np.isnan(x).any(axis=1) if x.shape[1] == 2 else None
    return {"percent_agreement": percent_agreement(x),
            "kappa": cohen_kappa(x[both, 0], x[both, 1]) if both is not None else np.nan,
            "alpha": krippendorff_alpha(x), "ac1": gwet_ac1(x, categories=[0.0, 1.0])}


def kappa_note(prevalence: float, n_units: int) -> str:
    """A plain-language warning when kappa cannot be read at face value (or '')."""
    if n_units < 2:
        return "fewer than two segments were seen by two coders: nothing to compare."
    if prevalence != prevalence:
        return ""
    if prevalence < LOW_PREVALENCE or prevalence > 1 - LOW_PREVALENCE:
        return (f"the code is present in {prevalence:.0%} of judgements: kappa is unreliable "
                "when a code is this rare or this common (the kappa paradox: agreement can be "
                "high while kappa is low); read AC1 and percent agreement alongside it.")
    return ""


def agreement_table(codings: pd.DataFrame, coders: Sequence[str], *,
                    seen: Mapping[str, Iterable[str]] | None = None,
                    codes: Sequence[str] | None = None, n_boot: int = 1000, seed: int = 0,
                    level: float = 0.95) -> pd.DataFrame:
    """Agreement per code and overall between two or more coders.

    Parameters
    ----------
    codings, coders, seen, codes : as for `rating_matrices`.
    n_boot : bootstrap replicates (0: no intervals); segments are resampled.
    seed : random seed of the bootstrap.
    level : confidence level of the percentile intervals.

    Returns
    -------
    DataFrame
        One row per code then ``overall``: ``code, n_units`` (segments seen by at least two
        of the coders), ``n_coders, prevalence`` (share of judgements on those segments
        that apply the code),
        ``percent_agreement, kappa`` (NaN unless exactly two coders), ``alpha, ac1``, for each
        statistic ``<stat>_low`` and ``<stat>_high``, and ``note`` (plain-language
        warnings, e.g. the kappa paradox at low prevalence).
    """
    from ..errors import InputError

    if len(coders) < 2:
        raise InputError(f"agreement needs at least two coders; got {list(coders)}.")
    units, mats = rating_matrices(codings, coders, seen, codes)
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(len(units), np.full(len(units), 1 / len(units)), size=n_boot) \
        if n_boot and units else None
    rows, pooled = [], {}
    for code, x in mats.items():
        arrays = _unit_arrays(x)
        pooled = {k: pooled.get(k, 0) + v for k, v in arrays.items()}
        rows.append(_row(code, x, arrays, weights, level))
    if mats:
        stacked = np.vstack(list(mats.values()))
        rows.append(_row("overall", stacked, pooled, weights, level))
    return pd.DataFrame(rows)


def _row(code: str, x: np.ndarray, arrays: Mapping[str, np.ndarray], weights: np.ndarray | None,
         level: float) -> dict:
    n_units = int(arrays["pair"].sum()) if code != "overall" else int((arrays["pair"] > 0).sum())
    compared = x[(~np.isnan(x)).sum(axis=1) >= 2]  # prevalence where agreement is measured
    prevalence = float(np.nansum(compared) / max((~np.isnan(compared)).sum(), 1))
    row = {"code": code, "n_units": n_units, "n_coders": x.shape[1], "prevalence": prevalence,
           **_point(x)}
    ci = _bootstrap(arrays, weights, level) if weights is not None and n_units else {}
    for name in STATISTICS:
        row[f"{name}_low"], row[f"{name}_high"] = ci.get(name, (np.nan, np.nan))
    row["note"] = kappa_note(prevalence, n_units)
    return row


def gate(codings: pd.DataFrame, machine: str, humans: Sequence[str], *,
         seen: Mapping[str, Iterable[str]] | None = None, codes: Sequence[str] | None = None,
         threshold: float = 0.67, min_units: int = 10) -> pd.DataFrame:
    """Decide per code whether the machine coder can be trusted on its own.

    Alpha is computed among the machine coder and the human coders together, over segments
    the machine and at least one human saw (with one human: machine-vs-human alpha).

    Returns
    -------
    DataFrame
        ``code, alpha, n`` (segments compared), ``decision`` (``auto`` when alpha >=
        ``threshold`` on at least ``min_units`` segments, else ``review``) and ``reason``.
    """
    units, mats = rating_matrices(codings, [machine, *humans], seen, codes)
    rows = []
    for code, x in mats.items():
        keep = ~np.isnan(x[:, 0]) & (~np.isnan(x[:, 1:])).any(axis=1)
        alpha, n = krippendorff_alpha(x[keep]), int(keep.sum())
        if n < min_units:
            decision, reason = "review", f"only {n} human-coded segments (need {min_units})"
        elif alpha != alpha:
            decision, reason = "review", "alpha undefined (no coder used the code, or all did)"
        elif alpha >= threshold:
            decision, reason = "auto", f"alpha {alpha:.2f} >= {threshold:.2f}"
        else:
            decision, reason = "review", f"alpha {alpha:.2f} < {threshold:.2f}"
        rows.append({"code": code, "alpha": alpha, "n": n, "decision": decision,
                     "reason": reason})
    return pd.DataFrame(rows, columns=["code", "alpha", "n", "decision", "reason"])


def agreement_report(store_path: str, names: Sequence[str], *, codebook: object = None,
                     n_boot: int = 1000, seed: int = 0, threshold: float = 0.67,
                     min_units: int = 10) -> tuple[list[str], pd.DataFrame, pd.DataFrame]:
    """Agreement among coders of a store, and gating of each machine coder against humans.

    ``names`` may be short (``ensemble`` -> latest ``ensemble@...``). Returns the resolved
    coders, the `agreement_table` over the codebook's codes (plus any other code used) and
    the `gate` table with a ``coder`` column (empty unless a machine coder and at least one
    ``human:`` coder are compared).
    """
    from ..codebook import default_codebook
    from ..store import ProjectStore
    from .sheets import coder_seen, resolve_coders

    codebook = codebook or default_codebook()
    with ProjectStore.open_existing(store_path) as store:
        coders = resolve_coders(store, names)
        seen, codings = coder_seen(store, coders), store.codings()
    codings = codings[codings["coder"].isin(coders)]
    codes = list(codebook.ids) + sorted(set(codings["code"]) - set(codebook.ids))
    table = agreement_table(codings, coders, seen=seen, codes=codes, n_boot=n_boot, seed=seed)
    humans = [c for c in coders if is_human(c)]
    gates = [gate(codings, m, humans, seen=seen, codes=codes, threshold=threshold,
                  min_units=min_units).assign(coder=m)
             for m in coders if humans and not is_human(m)]
    empty = pd.DataFrame(columns=["code", "alpha", "n", "decision", "reason", "coder"])
    return coders, table, pd.concat(gates, ignore_index=True) if gates else empty
