"""Measuring name detection: recall (and precision) on hand-written tricky cases.

The cases file (``data/privacy/tricky_names.csv``) has columns ``text``, ``names`` (the
expected person names as written, ";"-joined), ``category``, ``note`` and ``split``
('dev' rows were looked at while writing the rules; 'holdout' rows only once at the end).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from ..errors import InputError
from .names import PARTICLES, is_initial, name_tokens, normalise, strip_accents, variants_of

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["DEFAULT_CASES", "load_cases", "name_recall"]

DEFAULT_CASES = Path(__file__).resolve().parents[3] / "data" / "privacy" / "tricky_names.csv"


def load_cases(path: str | Path | None = None) -> "pd.DataFrame":
    """Read a tricky-names file (default: the repository's ``data/privacy`` copy)."""
    import pandas as pd

    path = Path(path) if path else DEFAULT_CASES
    if not path.exists():
        raise InputError("no tricky-names file here.", path=path)
    cases = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"text", "names"} - set(cases.columns)
    if missing:
        raise InputError(f"missing column(s) {sorted(missing)}.", path=path,
                         allowed="text, names, category (optional), note, split")
    return cases


def _key(name: str) -> str:
    return strip_accents(normalise(name))


def _words(name: str) -> set[str]:
    """Tokens that identify someone: no initials, no particles ("Dela", "Al")."""
    return {strip_accents(t.strip(".")) for t in name_tokens(name)
            if not is_initial(t) and t not in PARTICLES}


def _score_row(expected: list[str], found: list[str]) -> dict[str, int]:
    found_keys = {_key(f) for f in found}
    covered: set[str] = set()
    for f in found:
        covered.update(strip_accents(v) for v in variants_of(f))
    expected_words = set().union(*(_words(e) | {strip_accents(normalise(e))}
                                   for e in expected)) if expected else set()
    return {
        "names": len(expected),
        "strict": sum(_key(e) in found_keys for e in expected),
        "covered": sum(_words(e) <= covered for e in expected),
        "found": len(found),
        "correct": sum(bool(_words(f)) and _words(f) <= expected_words for f in found),
    }


def _summary(rows: list[dict[str, int]]) -> dict[str, float]:
    total = {k: sum(r[k] for r in rows) for k in ("names", "strict", "covered", "found",
                                                   "correct")}
    return {"names": total["names"],
            "recall_strict": round(total["strict"] / total["names"], 3) if total["names"] else 0.0,
            "recall_covered": round(total["covered"] / total["names"], 3) if total["names"]
            else 0.0,
            "precision": round(total["correct"] / total["found"], 3) if total["found"] else 1.0}


def name_recall(cases: "pd.DataFrame", nlp: Any = None,
                detect: Callable[[list[str]], list[list[str]]] | None = None) -> dict:
    """Recall of `detect_names` on ``cases`` (see `load_cases`), overall and by category.

    Returns
    -------
    dict
        ``names`` (expected names), ``recall_strict`` (the exact name found),
        ``recall_covered`` (every identifying token of the name found in some detected name,
        so a key built from the detections would replace it), ``precision`` (detected names
        made of expected tokens), ``by_category`` and ``by_split`` (same figures), and
        ``misses``: (row number, expected name) pairs not covered.
    """
    if detect is None:
        from .detect import detect_names_many

        def detect(texts: list[str]) -> list[list[str]]:
            return detect_names_many(texts, nlp)

    texts = cases["text"].tolist()
    found = detect(texts)
    rows, misses = [], []
    for i, (names, got) in enumerate(zip(cases["names"], found)):
        expected = [n.strip() for n in str(names).split(";") if n.strip()]
        rows.append(_score_row(expected, got))
        covered = set().union(*(variants_of(g) for g in got)) if got else set()
        covered = {strip_accents(c) for c in covered}
        misses.extend((i + 1, e) for e in expected if not _words(e) <= covered)
    out: dict[str, Any] = _summary(rows)
    for column in ("category", "split"):
        if column in cases.columns:
            groups: dict[str, list] = {}
            for value, row in zip(cases[column], rows):
                groups.setdefault(str(value), []).append(row)
            out[f"by_{column}"] = {k: _summary(v) for k, v in sorted(groups.items())}
    out["misses"] = misses
    return out
