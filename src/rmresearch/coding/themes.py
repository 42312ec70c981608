"""Themes within levels: give each coded finding the theme under its level, or "other".

For each row of a coded table (one row per segment and level), `assign_themes` scores the
named themes of that row's level (`rmresearch.codebook.load_themes`) by

* sentence similarity: the mean of the three highest cosine similarities between the text
  and the theme's prototypes (its name, definition, include rules and examples), from the
  package's offline embedder (`Embedder`, all-MiniLM-L6-v2, with its disk cache);
* pattern cues: the theme's patterns matched on lemmas by the rule engine (`RuleCoder` over
  the themes codebook); each distinct match adds `CUE_BONUS` (at most two count).

The best-scoring theme wins unless its score is below `OTHER_THRESHOLD`, in which case the
row gets the level's ``other`` theme. ``theme_score`` is the softmax probability (temperature
`TEMPERATURE`) of the chosen option among the level's named themes and "other" (whose score
is the threshold), so it reads as the coder's confidence, 0-1.

The constants were chosen on the themes file's own examples (each example scored against
prototypes without it: 0.76 of them right), never on the gold set
``data/gold/themes_dev.csv`` (see ``docs/themes.md`` and ``bench/bench_themes.py``).
Texts are embedded and matched once each however many levels they were coded at; the same
input gives byte-identical output.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..codebook.model import Codebook
from ..errors import CodingError, join_allowed

__all__ = ["assign_themes", "THEME_COLUMNS", "OTHER_THRESHOLD", "CUE_BONUS", "TEMPERATURE",
           "ThemeIndex", "theme_index"]

THEME_COLUMNS = ("theme", "theme_name", "theme_score")
OTHER_THRESHOLD = 0.35  # below this combined score no named theme is close enough
CUE_BONUS = 0.08        # added per distinct pattern match (at most two)
TEMPERATURE = 0.05      # softmax temperature of theme_score
_TOP_K = 3              # prototypes averaged per theme
_REQUIRED = ("segment_id", "code", "text")


@dataclass(frozen=True)
class ThemeIndex:
    """Prototype vectors of the named themes of each level, ready for scoring.

    Attributes
    ----------
    themes : the themes codebook.
    named : level -> ids of its named themes (file order, ``other`` excluded).
    vectors : level -> list (one per named theme) of ``(k, dim)`` unit prototype vectors.
    other : level -> id of its ``other`` theme.
    names : theme id -> readable name.
    """

    themes: Codebook
    named: dict[str, list[str]]
    vectors: dict[str, list[np.ndarray]]
    other: dict[str, str]
    names: dict[str, str]


_INDEXES: dict[tuple[str, str], ThemeIndex] = {}


def theme_index(themes: Codebook, embedder: Any) -> ThemeIndex:
    """Embed every theme's name, definition, include rules and examples (once per process,
    themes and model).

    Parameters
    ----------
    themes : Codebook
        A themes codebook from `load_themes`.
    embedder : Embedder
        Encodes the prototype texts (they are cached on disk like any other text).
    """
    from ..codebook.themes import OTHER, other_theme

    key = (themes.hash or str(id(themes)), embedder.key)
    if key in _INDEXES:
        return _INDEXES[key]
    levels = [c.id for c in themes.children(None)]
    named = {lv: [c.id for c in themes.children(lv) if not c.id.endswith("." + OTHER)]
             for lv in levels}
    protos = {c.id: [c.name, c.definition, *c.include, *(e.text for e in c.examples)]
              for lv in levels for c in themes.children(lv)}
    order = [t for lv in levels for t in named[lv]]
    flat = [text for t in order for text in protos[t]]
    matrix = embedder.encode(flat)
    vectors: dict[str, list[np.ndarray]] = {lv: [] for lv in levels}
    start = 0
    for lv in levels:
        for t in named[lv]:
            vectors[lv].append(matrix[start:start + len(protos[t])])
            start += len(protos[t])
    index = ThemeIndex(themes, named, vectors, {lv: other_theme(lv) for lv in levels},
                       {c.id: c.name for c in themes.codes})
    if len(_INDEXES) >= 4:
        _INDEXES.pop(next(iter(_INDEXES)))
    _INDEXES[key] = index
    return index


def _check_table(coded: Any, themes: Codebook) -> None:
    """Raise `CodingError` on a table `assign_themes` cannot use (before any model loads)."""
    import pandas as pd

    if not isinstance(coded, pd.DataFrame):
        raise CodingError("assign_themes needs a coded table (a pandas DataFrame with columns "
                          f"{join_allowed(_REQUIRED)}); got {type(coded).__name__}")
    missing = [c for c in _REQUIRED if c not in coded.columns]
    if missing:
        raise CodingError(f"coded table has no column(s) {', '.join(repr(m) for m in missing)}"
                          f"; it needs {join_allowed(_REQUIRED)}; columns found: "
                          f"{', '.join(map(str, coded.columns)) or 'none'}")
    bad = [i for i, t in enumerate(coded["text"]) if not isinstance(t, str)]
    if bad:
        where = "; ".join(f"row {i + 1} (segment_id {coded['segment_id'].iloc[i]!r})"
                          for i in bad[:5])
        raise CodingError(f"coded table: text must be a string; {len(bad)} row(s) are not: "
                          f"{where}")
    known = [c.id for c in themes.children(None) if themes.children(c.id)]
    wrong = [i for i, c in enumerate(coded["code"]) if str(c) not in known]
    if wrong:
        where = "; ".join(f"row {i + 1} (segment_id {coded['segment_id'].iloc[i]!r}, code "
                          f"{coded['code'].iloc[i]!r})" for i in wrong[:5])
        raise CodingError(f"coded table: {len(wrong)} row(s) have a code with no themes in "
                          f"'{themes.name}': {where}. Codes with themes: {join_allowed(known)}")


def _cue_counts(texts: list[str], themes: Codebook) -> list[dict[str, int]]:
    """Distinct pattern matches per theme for each text (the rule engine on the themes)."""
    from .rules import RuleCoder

    coder = RuleCoder(codebook=themes)
    return [{code: len(found) for code, found in res.hits.items()}
            for res in coder.iter_analyse(texts)]


def _similarities(vec: np.ndarray, protos: list[np.ndarray]) -> np.ndarray:
    """Mean of the top `_TOP_K` cosine similarities of ``vec`` to each theme's prototypes."""
    out = np.empty(len(protos), dtype=np.float64)
    for j, matrix in enumerate(protos):
        sims = np.sort(matrix @ vec)[::-1][:_TOP_K]
        out[j] = float(sims.mean())
    return out


def _choose(sims: np.ndarray, cues: np.ndarray) -> tuple[int, float]:
    """Index of the winner among named themes, or -1 for other; and its softmax score."""
    combined = np.append(sims + CUE_BONUS * np.minimum(cues, 2), OTHER_THRESHOLD)
    best = int(np.argmax(combined))
    z = (combined - combined.max()) / TEMPERATURE
    prob = np.exp(z) / np.exp(z).sum()
    return (-1 if best == len(sims) else best), float(prob[best])


def assign_themes(coded: Any, themes: Codebook | None = None, *, embedder: Any = None) -> Any:
    """Give every coded row the theme under its level that fits best, or the level's other.

    Parameters
    ----------
    coded : DataFrame
        One row per segment and level, with at least ``segment_id``, ``code`` (a level id)
        and ``text``; other columns are kept as they are.
    themes : Codebook or None
        A themes codebook (`rmresearch.codebook.load_themes`); None is the shipped one.
    embedder : Embedder or None
        Sentence encoder; None is a default `Embedder` (offline model, disk cache).

    Returns
    -------
    DataFrame
        A copy of ``coded`` (same index and order) plus ``theme`` (theme id), ``theme_name``
        and ``theme_score`` (0-1, rounded to 4 places).

    Raises
    ------
    CodingError
        Not a table, missing columns, text that is not a string, or a row whose code is not
        a level with themes (the first five such rows are named).
    """
    from ..codebook.themes import default_themes
    from .embeddings import Embedder

    themes = themes if themes is not None else default_themes()
    _check_table(coded, themes)
    emb = embedder if embedder is not None else Embedder()
    index = theme_index(themes, emb)
    out = coded.copy()
    if not len(out):
        out["theme"], out["theme_name"] = "", ""
        out["theme_score"] = np.zeros(0, dtype=float)
        return out.astype({"theme": str, "theme_name": str})
    texts = list(dict.fromkeys(out["text"]))
    position = {t: i for i, t in enumerate(texts)}
    vectors = emb.encode(texts)
    cues = _cue_counts(texts, themes)
    chosen, names, scores = [], [], []
    for level, text in zip(out["code"].astype(str), out["text"]):
        pos = position[text]
        named = index.named[level]
        sims = _similarities(vectors[pos], index.vectors[level])
        counts = np.array([cues[pos].get(t, 0) for t in named], dtype=float)
        best, score = _choose(sims, counts)
        theme = index.other[level] if best < 0 else named[best]
        chosen.append(theme)
        names.append(index.names[theme])
        scores.append(round(score, 4))
    out["theme"], out["theme_name"] = chosen, names
    out["theme_score"] = np.asarray(scores, dtype=float)
    return out
