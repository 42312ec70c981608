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

__all__ = ["DEFAULT_CASES", "IDENTIFIER_CASES", "load_cases", "name_recall",
           "load_identifier_cases", "identifier_recall"]

DEFAULT_CASES = Path(__file__).resolve().parents[3] / "data" / "privacy" / "tricky_names.csv"
IDENTIFIER_CASES = DEFAULT_CASES.with_name("identifiers.csv")


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


# --------------------------------------------------------------------------- identifiers
def load_identifier_cases(path: str | Path | None = None) -> "pd.DataFrame":
    """Read an identifier benchmark (default: ``data/privacy/identifiers.csv``).

    Columns: ``case``, ``text`` (a sentence as notes hold it), ``identifiers`` (what must be
    replaced, ``kind[:tag]=value`` joined by ``|``; kinds as in `identifier_recall`),
    ``known`` (the pair's mentor and mentee as the manifest gives them, ``;``-joined, or
    empty) and ``split`` ('dev' rows were looked at while improving the detectors,
    'holdout' rows only to measure).
    """
    import pandas as pd

    path = Path(path) if path else IDENTIFIER_CASES
    if not path.exists():
        raise InputError("no identifier benchmark here.", path=path)
    cases = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"case", "text", "identifiers"} - set(cases.columns)
    if missing:
        raise InputError(f"missing column(s) {sorted(missing)}.", path=path,
                         allowed="case, text, identifiers, known, split")
    return cases


def _expected(cell: str) -> list[tuple[str, str, str]]:
    """``(kind, tag, value)`` of a ``kind[:tag]=value|...`` cell."""
    out = []
    for item in filter(None, cell.split("|")):
        label, _, value = item.partition("=")
        kind, _, tag = label.partition(":")
        out.append((kind.strip(), tag.strip() or kind.strip(), value.strip()))
    return out


def _occurrences(text: str, value: str) -> list[tuple[int, int]]:
    spans, start = [], text.find(value)
    while start >= 0 and value:
        spans.append((start, start + len(value)))
        start = text.find(value, start + 1)
    return spans


def _covering(text: str, spans: list[tuple[int, int, str]], a: int, b: int
              ) -> set[str] | None:
    """The pseudonyms of the hits that together cover ``text[a:b]``, or None when a letter
    or digit of it is left."""
    who: set[str] = set()
    for pos in range(a, b):
        found = [p for s, e, p in spans if s <= pos < e]
        if not found and text[pos].isalnum():
            return None
        who.update(found)
    return who


def identifier_recall(cases: "pd.DataFrame", nlp: Any = None) -> dict[str, Any]:
    """Recall and precision of the whole pseudonymisation on an identifier benchmark.

    The cases become one project (one document per case, its pair's mentor and mentee from
    ``known``); the key is built as a report builds it (`build_key`, NER on unless ``nlp``
    is False) and each text pseudonymised (`Pseudonymiser`). An identifier is *caught* when
    every character of every occurrence of it lies inside a replaced span; it is *split*
    when that took replacements with different pseudonyms ("Femi Person 3" counts as
    missed: "Femi" is left; "Person 4 Person 3" counts as caught but split).

    Returns
    -------
    dict
        ``identifiers``, ``recall``, ``precision`` (replaced spans overlapping an expected
        identifier / all replaced spans), ``by_kind`` and ``by_tag`` (count and recall),
        ``by_split``, ``split_names``, ``misses`` and ``false_positives`` (case, text).
    """
    import pandas as pd

    from .build import build_key
    from .pseudonymise import Pseudonymiser

    known = [[n.strip() for n in str(k).split(";")] + ["", ""] for k in
             cases.get("known", pd.Series([""] * len(cases)))]
    docs = pd.DataFrame({"doc_id": cases["case"], "cohort": "B", "pair_id": cases["case"],
                         "mentor": [k[0] for k in known], "mentee": [k[1] for k in known],
                         "text": cases["text"]})
    ps = Pseudonymiser(build_key(docs, use_ner=nlp is not False,
                                 nlp=nlp if nlp is not False else None))
    rows, misses, false_pos, split_names = [], [], [], 0
    for case, text, cell, part in zip(cases["case"], cases["text"], cases["identifiers"],
                                      cases.get("split", pd.Series([""] * len(cases)))):
        hits = [(h.start, h.end, getattr(h, "pseudonym", getattr(h, "kind", "")))
                for h in ps.hits(text)]
        expected = _expected(cell)
        spans = [sp for _, _, v in expected for sp in _occurrences(text, v)]
        for kind, tag, value in expected:
            covers = [_covering(text, hits, a, b) for a, b in _occurrences(text, value)]
            caught = bool(covers) and all(c is not None for c in covers)
            split_names += caught and kind == "name" and any(len(c) > 1 for c in covers)
            rows.append(dict(kind=kind, tag=tag, split=part, caught=caught))
            if not caught:
                misses.append((case, kind, value))
        for a, b, _ in hits:
            if not any(a < e and s < b for s, e in spans):
                false_pos.append((case, text[a:b]))
    table = pd.DataFrame(rows)
    n_hits = sum(len(ps.hits(t)) for t in cases["text"])

    def summary(group: "pd.DataFrame") -> dict[str, float]:
        return {"n": int(len(group)), "recall": round(float(group["caught"].mean()), 3)}

    return {"identifiers": len(table), "recall": round(float(table["caught"].mean()), 3),
            "precision": round(1 - len(false_pos) / n_hits, 3) if n_hits else 1.0,
            "by_kind": {k: summary(g) for k, g in table.groupby("kind")},
            "by_tag": {k: summary(g) for k, g in table[table.kind == "name"].groupby("tag")},
            "by_split": {k: summary(g) for k, g in table.groupby("split")},
            "split_names": int(split_names), "misses": misses, "false_positives": false_pos}
