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

Optional gold columns (used when present, e.g. ``data/gold/registers.csv``):

* ``register`` (the kind of text: news, board paper, field notes...): ``by_register`` gives
  the same figures for each register. There, ``macro_f1`` is the mean F1 over the labels
  (levels and ``none``) that occur in that register's gold or predictions, so a register
  of headings is not marked down for levels it cannot contain; ``kappa_primary`` is
  ``None`` where the register's gold has one primary label only, ``valence_accuracy``
  where no gold-coded segment was coded; ``findings``, ``uncoded_findings`` (findings given
  no level), ``non_findings`` and ``false_findings`` (non-findings given a level) count rows.
* ``role`` (``finding`` or what a non-finding is: question, about_mentoring, method,
  logistics, heading): only findings carry levels (the file is checked for it), and
  ``false_findings`` counts the non-findings the coder gives a level, overall and by role.
  Without a ``role`` column, a register's non-findings are its rows with ``levels`` none.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..codebook import Codebook, default_codebook
from ..errors import InputError, join_allowed
from ..vocabulary import FINDING, ROLES, VALENCES

__all__ = ["load_gold", "score_codings", "evaluate_gold", "format_evaluation"]

NONE = "none"
_TEXT_COLUMNS = ("id", "text", "levels", "primary", "valence", "register", "role")


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
    df = gold.astype({c: str for c in gold.columns if c in _TEXT_COLUMNS}).copy()
    dups = sorted(df.loc[df["id"].duplicated(), "id"].unique())
    if dups:
        raise InputError(f"duplicate id(s) {', '.join(dups[:10])}", path=path, column="id")
    levels = []
    for i, row in enumerate(df.itertuples(index=False), start=2):
        levels.append(_check_row(row, i, codes, path, "primary" in df.columns,
                                 "valence" in df.columns))
        _check_register_and_role(row, i, levels[-1], path)
    df["levels"] = levels
    for column in ("register", "role"):
        if column in df.columns:
            df[column] = df[column].str.strip()
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


def _check_register_and_role(row: Any, line: int, levels: list[str],
                             path: Path | None) -> None:
    for column in ("register", "role"):
        if hasattr(row, column) and not str(getattr(row, column)).strip():
            raise InputError(f"empty {column}", path=path, row=line, column=column)
    if not hasattr(row, "role"):
        return
    role = str(row.role).strip()
    if role not in ROLES:
        raise InputError(f"unknown role '{role}'", path=path, row=line, column="role",
                         allowed=join_allowed(ROLES))
    if role == FINDING and not levels:
        raise InputError(f"role '{FINDING}' with levels 'none': a finding needs at least one "
                         "level; give its levels, or the role of what the row is "
                         f"({', '.join(ROLES[1:])})", path=path, row=line,
                         column="levels")
    if role != FINDING and levels:
        raise InputError(f"role '{role}' with levels '{';'.join(levels)}': only findings "
                         f"carry levels; write 'none', or make the role '{FINDING}'",
                         path=path, row=line, column="levels")


def score_codings(gold: Any, codings: Any, codes: list[str]) -> dict[str, Any]:
    """Compare a codings table (``segment_id`` = gold ``id``) with a loaded gold table.

    Returns the figures listed in the module docstring; with a ``role`` column also
    ``false_findings``, with a ``register`` column also ``by_register``.
    """
    import numpy as np
    from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

    labels = codes + [NONE]
    G, P, prim_pred, val_pred = _matrices(gold, codings, codes)
    prec, rec, f1, sup = precision_recall_fscore_support(G, P, average=None, zero_division=0)
    per_level = {lab: {"precision": float(prec[j]), "recall": float(rec[j]), "f1": float(f1[j]),
                       "support": int(sup[j])} for j, lab in enumerate(labels)}
    kappa = cohen_kappa_score(list(gold["primary"].astype(str)), prim_pred)
    out = {"n": len(gold), "per_level": per_level, "macro_f1": float(np.mean(f1)),
           "kappa_primary": float(kappa),
           "primary_accuracy": float(np.mean([a == b for a, b in
                                              zip(gold["primary"], prim_pred)]))}
    out.update(_valence_scores(gold, val_pred))
    if "role" in gold.columns:
        out["false_findings"] = _false_findings(gold, P)
    if "register" in gold.columns:
        out["by_register"] = _by_register(gold, G, P, prim_pred, val_pred)
    return out


def _matrices(gold: Any, codings: Any, codes: list[str]) -> tuple[Any, Any, list[str],
                                                                   dict[str, str]]:
    """Gold and predicted indicator matrices (columns: codes then none), the predicted
    primary level of each gold row and the predicted valence by segment id."""
    import numpy as np

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
    prim_pred = [best[sid][1] if sid in best else NONE for sid in ids]
    return G, P, prim_pred, val_pred


def _non_findings(gold: Any) -> Any:
    """Boolean mask of the gold rows that are not findings (by role, else by levels)."""
    import numpy as np

    if "role" in gold.columns:
        return np.array([str(r).strip() != FINDING for r in gold["role"]])
    return np.array([not lv for lv in gold["levels"]])


def _false_findings(gold: Any, P: Any) -> dict[str, Any]:
    """Non-findings (role other than ``finding``) the coder gave at least one level."""
    coded = P[:, -1] == 0
    mask = _non_findings(gold)
    by_role: dict[str, dict[str, Any]] = {}
    for role, is_non, hit in zip(gold["role"].astype(str), mask, coded):
        if is_non:
            entry = by_role.setdefault(role.strip(), {"n": 0, "coded": 0})
            entry["n"] += 1
            entry["coded"] += int(hit)
    for entry in by_role.values():
        entry["rate"] = entry["coded"] / entry["n"]
    n, hits = int(mask.sum()), int((coded & mask).sum())
    return {"n": n, "coded": hits, "rate": hits / n if n else None,
            "by_role": dict(sorted(by_role.items()))}


def _by_register(gold: Any, G: Any, P: Any, prim_pred: list[str],
                 val_pred: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The figures for each register, in alphabetical order of register."""
    import numpy as np

    registers = np.array([str(r).strip() for r in gold["register"]])
    non_finding = _non_findings(gold)
    prim = np.array(prim_pred, dtype=object)
    out = {}
    for reg in sorted(set(registers)):
        rows = registers == reg
        sub = gold.loc[rows]
        entry = _subset_figures(G[rows], P[rows], list(sub["primary"].astype(str)),
                                list(prim[rows]))
        val = _valence_scores(sub, val_pred)
        entry["valence_accuracy"] = (val["valence_accuracy"] if val.get("valence_n")
                                     else None)
        entry["valence_n"] = val.get("valence_n", 0)
        entry["findings"] = int((G[rows, -1] == 0).sum())
        entry["uncoded_findings"] = int(((G[rows, -1] == 0) & (P[rows, -1] == 1)).sum())
        entry["non_findings"] = int(non_finding[rows].sum())
        entry["false_findings"] = int((non_finding[rows] & (P[rows, -1] == 0)).sum())
        out[reg] = entry
    return out


def _subset_figures(G: Any, P: Any, gold_primary: list[str],
                    prim_pred: list[str]) -> dict[str, Any]:
    """Macro-F1 over the labels present in ``G`` or ``P``, kappa and accuracy of the
    primary level, for a subset of gold rows. Kappa is None where the gold has a single
    primary label (it would be 0 or below whatever the coder did)."""
    import numpy as np
    from sklearn.metrics import cohen_kappa_score, precision_recall_fscore_support

    present = (G.sum(axis=0) + P.sum(axis=0)) > 0
    _, _, f1, _ = precision_recall_fscore_support(G, P, average=None, zero_division=0)
    kappa = None
    if len(set(gold_primary)) > 1:
        value = float(cohen_kappa_score(gold_primary, prim_pred))
        kappa = None if np.isnan(value) else value
    return {"n": len(gold_primary), "macro_f1": float(np.mean(f1[present])),
            "kappa_primary": kappa,
            "primary_accuracy": float(np.mean([a == b for a, b in
                                               zip(gold_primary, prim_pred)]))}


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
    if "false_findings" in result:
        lines.extend(_false_findings_lines(result["false_findings"]))
    if "by_register" in result:
        lines.extend(_register_lines(result))
    return "\n".join(lines)


def _figure(value: Any, width: int) -> str:
    """A figure to three decimals, or ``n/a`` where it is undefined."""
    if value is None or value != value:
        return f"{'n/a':>{width}}"
    return f"{value:>{width}.3f}"


def _false_findings_lines(ff: dict[str, Any]) -> list[str]:
    if not ff["n"]:
        return ["false findings: no non-finding rows in the gold"]
    lines = [f"false findings (non-findings given a level): {ff['coded']} of {ff['n']} "
             f"({ff['rate']:.0%})"]
    for role, e in ff["by_role"].items():
        lines.append(f"  {role:<18}{e['coded']:>4} of {e['n']:<4} ({e['rate']:.0%})")
    return lines


def _register_lines(result: dict[str, Any]) -> list[str]:
    head = (f"{'register':<20}{'n':>5}{'findings':>10}{'macro-F1':>10}{'kappa':>8}"
            f"{'valence':>9}{'uncoded':>9}{'false findings':>16}")
    lines = ["", "By register (macro-F1 over the labels present in the register; valence on",
             "coded findings; uncoded = findings given no level):", head]
    for reg, e in result["by_register"].items():
        lines.append(f"{reg:<20}{e['n']:>5}{e['findings']:>10}{_figure(e['macro_f1'], 10)}"
                     f"{_figure(e['kappa_primary'], 8)}{_figure(e['valence_accuracy'], 9)}"
                     f"{e['uncoded_findings']:>9}"
                     f"{str(e['false_findings']) + ' of ' + str(e['non_findings']):>16}")
    return lines
