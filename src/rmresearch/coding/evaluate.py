"""Evaluate a coder against a hand-coded gold file.

Gold format (CSV or XLSX): ``id, text, levels[, primary][, valence]`` where ``levels`` is
";"-joined level ids or ``none``. Metrics:

* per level (and ``none`` = a segment with no level): precision, recall, F1 over the
  multi-label indicator matrix (`sklearn.metrics.precision_recall_fscore_support`);
* ``macro_f1``: mean F1 over the four levels plus ``none``;
* ``kappa_primary``: Cohen's kappa between gold ``primary`` and the predicted primary (the
  highest-scoring predicted level, or ``none``);
* ``valence_accuracy``: on segments that gold codes (levels != none) and the coder also
  coded, the share whose predicted valence equals gold; ``valence_accuracy_all`` counts gold-
  coded segments the coder left uncoded as wrong.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..codebook import Codebook, default_codebook
from ..errors import InputError, join_allowed
from ..vocabulary import VALENCES

__all__ = ["load_gold", "score_codings", "evaluate_gold", "format_evaluation"]

NONE = "none"


def _read_table(path: Path) -> Any:
    import pandas as pd

    if not path.is_file():
        raise InputError("gold file not found", path=path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return pd.read_excel(path, dtype=str, keep_default_na=False)
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, OSError) as exc:
        raise InputError(f"cannot be read as a CSV or XLSX table ({exc})", path=path) from None


def load_gold(gold: Any, codebook: Codebook | None = None) -> Any:
    """Read and check a gold table; return it with ``levels`` as lists and ``primary`` filled.

    Raises
    ------
    InputError
        Missing columns (lists those found), empty text, unknown levels or valences, a primary
        not among the levels, duplicate ids; each names the file, row and column.
    """
    import pandas as pd

    path = None
    if isinstance(gold, (str, Path)):
        path = Path(gold)
        gold = _read_table(path)
    if not isinstance(gold, pd.DataFrame):
        raise InputError(f"gold must be a file path or a DataFrame, not {type(gold).__name__}")
    missing = [c for c in ("id", "text", "levels") if c not in gold.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(repr(m) for m in missing)}; columns "
                         f"found: {', '.join(map(str, gold.columns))}", path=path)
    codes = (codebook or default_codebook()).ids
    df = gold.astype({c: str for c in gold.columns if c in ("id", "text", "levels", "primary",
                                                            "valence")}).copy()
    dups = sorted(df.loc[df["id"].duplicated(), "id"].unique())
    if dups:
        raise InputError(f"duplicate id(s) {', '.join(dups[:10])}", path=path, column="id")
    levels = []
    for i, row in enumerate(df.itertuples(index=False), start=2):
        levels.append(_check_row(row, i, codes, path, "primary" in df.columns,
                                 "valence" in df.columns))
    df["levels"] = levels
    if "primary" not in df.columns:
        df["primary"] = [lv[0] if lv else NONE for lv in levels]
    return df.reset_index(drop=True)


def _check_row(row: Any, line: int, codes: list[str], path: Path | None, has_primary: bool,
               has_valence: bool) -> list[str]:
    if not str(row.text).strip():
        raise InputError("empty text", path=path, row=line, column="text")
    raw = [x.strip() for x in str(row.levels).split(";") if x.strip()]
    if not raw:
        raise InputError("empty levels; write 'none' for a segment with no level", path=path,
                         row=line, column="levels")
    levels = [] if raw == [NONE] else raw
    bad = [x for x in levels if x not in codes]
    if bad:
        raise InputError(f"unknown level(s) {', '.join(bad)}", path=path, row=line,
                         column="levels", allowed=join_allowed(codes + [NONE]))
    if has_primary and str(row.primary) not in (levels or [NONE]):
        raise InputError(f"primary '{row.primary}' is not one of the row's levels "
                         f"({';'.join(levels) or NONE})", path=path, row=line, column="primary")
    if has_valence and str(row.valence) not in VALENCES:
        raise InputError(f"valence '{row.valence}' is not allowed", path=path, row=line,
                         column="valence", allowed=join_allowed(VALENCES))
    return levels


def score_codings(gold: Any, codings: Any, codes: list[str]) -> dict[str, Any]:
    """Compare a codings table (``segment_id`` = gold ``id``) with a loaded gold table."""
    import numpy as np
    from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

    ids = list(gold["id"].astype(str))
    pos = {sid: i for i, sid in enumerate(ids)}
    labels = codes + [NONE]
    G = np.zeros((len(ids), len(labels)), dtype=int)
    P = np.zeros_like(G)
    for i, lv in enumerate(gold["levels"]):
        for x in lv:
            G[i, labels.index(x)] = 1
    best: dict[str, tuple[float, str]] = {}
    val_pred: dict[str, str] = {}
    for sid, code, score, val in zip(codings["segment_id"].astype(str), codings["code"],
                                     codings["score"], codings["valence"]):
        if sid in pos and code in codes:
            P[pos[sid], labels.index(code)] = 1
            if sid not in best or float(score) > best[sid][0]:
                best[sid] = (float(score), code)
            val_pred.setdefault(sid, val)
    G[:, -1] = (G[:, :-1].sum(axis=1) == 0)
    P[:, -1] = (P[:, :-1].sum(axis=1) == 0)
    prec, rec, f1, sup = precision_recall_fscore_support(G, P, average=None, zero_division=0)
    per_level = {lab: {"precision": float(prec[j]), "recall": float(rec[j]), "f1": float(f1[j]),
                       "support": int(sup[j])} for j, lab in enumerate(labels)}
    prim_pred = [best[sid][1] if sid in best else NONE for sid in ids]
    kappa = cohen_kappa_score(list(gold["primary"].astype(str)), prim_pred)
    out = {"n": len(ids), "per_level": per_level, "macro_f1": float(np.mean(f1)),
           "kappa_primary": float(kappa),
           "primary_accuracy": float(np.mean([a == b for a, b in
                                              zip(gold["primary"], prim_pred)]))}
    out.update(_valence_scores(gold, val_pred))
    return out


def _valence_scores(gold: Any, val_pred: dict[str, str]) -> dict[str, Any]:
    if "valence" not in gold.columns:
        return {}
    coded = [(str(s), v) for s, v, lv in zip(gold["id"], gold["valence"], gold["levels"]) if lv]
    both = [(s, v) for s, v in coded if s in val_pred]
    hits = sum(val_pred[s] == v for s, v in both)
    return {"valence_accuracy": hits / len(both) if both else float("nan"),
            "valence_n": len(both),
            "valence_accuracy_all": hits / len(coded) if coded else float("nan"),
            "valence_n_all": len(coded)}


def evaluate_gold(gold_df_or_path: Any, coder: Any = None,
                  codebook: Codebook | None = None) -> dict[str, Any]:
    """Code the gold texts with ``coder`` (default: the ensemble) and score them.

    Parameters
    ----------
    gold_df_or_path : DataFrame, str or Path
        Gold table or CSV/XLSX file with ``id, text, levels[, primary][, valence]``.
    coder : fitted coder with ``code(segments)`` or None
        None fits the default `EnsembleCoder` on ``codebook``.
    codebook : Codebook or None
        Frame whose level ids the gold uses (default: the shipped EDI levels).

    Returns
    -------
    dict
        ``per_level``, ``macro_f1``, ``kappa_primary``, ``valence_accuracy`` and more; see
        the module docstring.
    """
    import pandas as pd

    from .api import code_segments

    cb = codebook or getattr(coder, "codebook", None) or default_codebook()
    gold = load_gold(gold_df_or_path, cb)
    segments = pd.DataFrame({"segment_id": gold["id"].astype(str), "text": gold["text"]})
    codings = code_segments(segments, cb, coder=coder)
    result = score_codings(gold, codings, cb.ids)
    result["coder"] = str(codings["coder"].iloc[0]) if len(codings) else ""
    if isinstance(gold_df_or_path, (str, Path)):
        result["gold"] = str(gold_df_or_path)
    return result


def format_evaluation(result: dict[str, Any], format: str = "text") -> str:
    """Render an `evaluate_gold` result as ``text`` (a small table) or ``json``."""
    if format == "json":
        return json.dumps(result, indent=2, sort_keys=True)
    if format != "text":
        raise InputError(f"unknown format '{format}'", allowed=join_allowed(["text", "json"]))
    lines = [f"Gold: {result.get('gold', '(table)')}  segments: {result['n']}  "
             f"coder: {result.get('coder', '')}",
             f"{'level':<16}{'precision':>10}{'recall':>10}{'F1':>8}{'support':>9}"]
    for lab, m in result["per_level"].items():
        lines.append(f"{lab:<16}{m['precision']:>10.3f}{m['recall']:>10.3f}{m['f1']:>8.3f}"
                     f"{m['support']:>9d}")
    lines.append(f"macro-F1 (levels + none): {result['macro_f1']:.3f}")
    lines.append(f"Cohen's kappa, primary level: {result['kappa_primary']:.3f}")
    if "valence_accuracy" in result:
        lines.append(f"valence accuracy, coded segments: {result['valence_accuracy']:.3f} "
                     f"(n={result['valence_n']}); counting uncoded as wrong: "
                     f"{result['valence_accuracy_all']:.3f} (n={result['valence_n_all']})")
    return "\n".join(lines)
