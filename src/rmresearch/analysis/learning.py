"""Cohort-wide learning: common areas of good practice and of attention across pairs.

An *area* is finer than a level. When the coder recorded the phrase that matched (rule
evidence), the area is that phrase, normalised: lower case, punctuation dropped, each word
replaced by its dictionary lemma from spaCy's English lookup table ("talked over" -> "talk
over", "interview panels" -> "interview panel"; forms of "be" are kept as written), or by a
crude plural-to-singular rule when that table is not installed. When the evidence is a
training example (``example: "..."``) or empty, areas are the most widespread keywords
(unigrams and bigrams, English stop words removed, same normalisation) among the segment texts
of that level and valence, found with scikit-learn's CountVectorizer.
"""
from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from importlib import resources
from typing import Sequence

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

from .coded import ordered_frame, require_columns

__all__ = ["cohort_learning", "normalise_phrase", "evidence_phrases"]

_WORD = re.compile(r"[a-z][a-z'\-]*[a-z]|[a-z]")
_KEEP_S = {"always", "perhaps", "news", "series", "its", "yes", "was", "has", "does", "is",
           "us", "this", "thus", "his", "hers", "ours", "yours", "theirs", "bias", "canvas",
           "lens", "gas", "across", "less", "unless", "whereas", "analysis", "basis", "status",
           "focus", "bonus", "campus", "census", "plus", "minus", "diabetes", "ethos"}
_IRREGULAR = {"women": "woman", "men": "man", "children": "child", "people's": "people",
              "staff's": "staff"}
DOMAIN_STOP_WORDS = frozenset({
    "said", "says", "say", "think", "thought", "really", "just", "like", "know", "yes", "okay",
    "ok", "mentor", "mentee", "session", "today", "lot", "bit", "thing", "things", "way",
    "quite", "did", "does", "don't", "didn't", "i'm", "it's", "we're", "they're", "that's",
    "i've", "going", "got", "make", "made", "time"})
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS | DOMAIN_STOP_WORDS)


@lru_cache(maxsize=1)
def _lemma_table() -> dict[str, str]:
    """spaCy's English lookup lemmas (package spacy-lookups-data, read directly: no spaCy
    import); empty when the package is missing, and the suffix rules below are used."""
    try:
        data = resources.files("spacy_lookups_data") / "data" / "en_lemma_lookup.json.gz"
        return dict(json.loads(gzip.decompress(data.read_bytes())))
    except (ModuleNotFoundError, FileNotFoundError, OSError, ValueError):
        return {}


def _lemmaish(word: str) -> str:
    word = word.strip("'-")
    if word.endswith("'s"):
        word = word[:-2]
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    table = _lemma_table()
    if word in table and word not in _KEEP_S and table[word] != "be":
        return table[word]
    if word in _KEEP_S or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _tokens(text: str) -> list[str]:
    return [t for t in (_lemmaish(w) for w in _WORD.findall(str(text).lower().replace("\u2019",
                                                                                      "'"))) if t]


def normalise_phrase(phrase: str) -> str:
    """Lower-case, punctuation-free, crudely singular form of a phrase (stop words kept)."""
    return " ".join(_tokens(phrase))


def evidence_phrases(evidence: object) -> list[str]:
    """Normalised rule phrases in an evidence string; [] for ``example: ...`` or empty."""
    if evidence is None or (isinstance(evidence, float) and np.isnan(evidence)):
        return []
    text = str(evidence).strip()
    if not text or text.lower().startswith("example:"):
        return []
    return list(dict.fromkeys(p for p in (normalise_phrase(x) for x in text.split(";")) if p))


def _analyzer(text: str) -> list[str]:
    words = [t for t in _tokens(text) if t not in STOP_WORDS and len(t) > 2]
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


def _keyword_areas(rows: pd.DataFrame, top_n: int, min_pairs: int) -> list[list[str]]:
    """For each row, the selected keywords its text contains (selection per call)."""
    if rows.empty:
        return []
    vec = CountVectorizer(analyzer=_analyzer, binary=True)
    try:
        X = vec.fit_transform(rows["text"].astype(str)).tocsc()
    except ValueError:  # no usable words at all
        return [[] for _ in range(len(rows))]
    terms = vec.get_feature_names_out()
    pairs = rows["pair_id"].astype(str).to_numpy()
    stats = []
    for j, term in enumerate(terms):
        docs = X.indices[X.indptr[j]:X.indptr[j + 1]]
        stats.append((-len(set(pairs[docs])), -len(docs), -len(term.split()), term,
                      frozenset(docs)))
    chosen: list[tuple[str, frozenset]] = []
    for neg_pairs, _, _, term, docs in sorted(stats, key=lambda s: s[:4]):
        if -neg_pairs < min_pairs or len(chosen) >= top_n:
            break
        if any(d == docs and (term in t or t in term) for t, d in chosen):
            continue  # same segments as a longer/shorter chosen term: redundant
        chosen.append((term, docs))
    return [[t for t, d in chosen if i in d] for i in range(len(rows))]


def _areas(rows: pd.DataFrame, top_n: int, min_pairs: int) -> pd.DataFrame:
    """Explode rows into (row, area, area_source) for one level x valence group."""
    phrases = rows["evidence"].map(evidence_phrases)
    ruled = rows.assign(area=phrases, area_source="evidence")[phrases.map(bool)]
    rest = rows[~phrases.map(bool)]
    keyed = rest.assign(area=_keyword_areas(rest, top_n, min_pairs) if len(rest) else [],
                        area_source="keywords")
    return pd.concat([ruled, keyed]).explode("area").dropna(subset=["area"])


def _summarise(exploded: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    ranked = exploded.sort_values(["score", "segment_id"], ascending=[False, True],
                                  kind="mergesort")
    g = ranked.groupby(keys, sort=False)
    return pd.DataFrame({
        "n_pairs": g["pair_id"].nunique(), "n_segments": g["segment_id"].nunique(),
        "example": g["text"].first(),
        "area_source": g["area_source"].agg(lambda s: "+".join(sorted(set(s))))}).reset_index()


def cohort_learning(coded: pd.DataFrame, min_pairs: int = 2,
                    valences: Sequence[str] = ("positive", "attention"), top_n: int = 10,
                    by: str | None = None) -> pd.DataFrame:
    """Areas of good practice and areas requiring attention shared by several pairs.

    Parameters
    ----------
    coded : DataFrame
        Output of `coded_segments`; rows without ``pair_id`` (forms) are left out.
    min_pairs : int
        Keep areas found in at least this many pairs (default 2).
    valences : sequence of str
        Valences to report (default good practice and attention; add ``"neutral"`` if wanted).
    top_n : int
        At most this many keyword areas per level x valence (rule phrases are not capped).
    by : str, optional
        A further grouping column (e.g. ``"cohort"``) to find shared areas within each group.

    Returns
    -------
    DataFrame
        One row per (``by``,) level, valence and area, sorted by level (framework order),
        valence, then ``n_pairs`` and ``n_segments`` descending, then area:

        - ``code``, ``valence``, ``area`` (str);
        - ``n_pairs`` (int): distinct pairs with at least one segment in the area;
        - ``n_segments`` (int): distinct segments in the area;
        - ``example`` (str): the highest-scoring segment text (ties: lowest segment_id);
        - ``area_source`` (str): ``evidence`` (rule phrase), ``keywords`` or both joined
          by ``+``.
    """
    require_columns(coded, ["pair_id", "segment_id", "code", "valence", "score", "evidence",
                            "text", *([by] if by else [])], "coded segments")
    keys = [*([by] if by else []), "code", "valence"]
    rows = coded.dropna(subset=["pair_id"])
    rows = rows[rows["valence"].isin(list(valences))]
    parts = [_areas(grp, top_n, min_pairs) for _, grp in
             rows.groupby(keys, sort=True)] if len(rows) else []
    columns = [*keys, "area", "n_pairs", "n_segments", "example", "area_source"]
    if not parts or all(p.empty for p in parts):
        return pd.DataFrame(columns=columns)
    out = _summarise(pd.concat(parts), [*keys, "area"])
    out = out[out["n_pairs"] >= min_pairs]
    out = out.sort_values(["n_pairs", "n_segments", "area"], ascending=[False, False, True],
                          kind="mergesort")
    out = ordered_frame(out, keys)
    return out[columns].astype({"n_pairs": "int64", "n_segments": "int64"})
