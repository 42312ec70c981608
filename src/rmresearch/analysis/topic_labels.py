"""Readable names and distinct quotes for emergent topics (`rmresearch.analysis.topics`).

A topic's keyword list ("panel, white, shortlisting, band") tells a reader little; a phrase
from the topic's own findings ("diverse interview panel") tells them what it is about. For
each topic this module

- **labels** it with its most central phrase: candidates are runs of 1 to `MAX_WORDS` words
  of the topic's texts, part-of-speech checked with spaCy's small model (`_phrases_of`: they
  begin with a content word and end with a noun, are not cut short, hold no name), counted per
  text with sklearn's ``CountVectorizer``; a candidate must occur in at least `MIN_SUPPORT`
  of the topic's texts (and in two at least) and be at least `MIN_LIFT` times as common in the
  topic as in all the texts. The `CANDIDATES` most distinctive are embedded with the topic
  model's embedder; the one closest (cosine, plus `LIFT_WEIGHT` x log lift) to the topic's
  centroid wins, phrases of two or more words first. Labels are unique across topics (a
  topic whose best phrase is taken gets its next best);
- **quotes** it with up to three representative texts that are not near-copies: the
  texts closest to the centroid, skipping any whose embedding is within `MAX_QUOTE_SIMILARITY`
  cosine of a quote already chosen or that repeats most of its words (`MAX_WORD_OVERLAP`).

Everything is deterministic: ties are broken alphabetically or by input order, and scores are
rounded to 4 decimals before they are compared.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from typing import Callable, Sequence

import numpy as np

__all__ = ["topic_labels", "keyword_label", "distinct_quotes", "proper_names",
           "LABEL_STOP_WORDS", "MIN_SUPPORT",
           "MIN_LIFT", "LIFT_WEIGHT", "CANDIDATES", "MAX_WORDS", "MAX_QUOTE_SIMILARITY",
           "MAX_WORD_OVERLAP"]

Embed = Callable[[list[str]], np.ndarray]

MAX_WORDS = 6                # longest candidate phrase
MIN_SUPPORT = 0.2            # share of a topic's texts a candidate must occur in
MIN_LIFT = 2.0               # how much commoner in the topic than overall
CANDIDATES = 20              # candidates per topic that are embedded and compared
LIFT_WEIGHT = 0.05           # weight of log(lift) added to a candidate's cosine
MAX_QUOTE_SIMILARITY = 0.7   # cosine above which two quotes count as near-copies
MAX_WORD_OVERLAP = 0.6       # Jaccard overlap of words above which two quotes are near-copies
#: words a label may not begin or end with, besides the caller's: times and vague nouns (the
#: part-of-speech rules already keep pronouns, articles and prepositions off the ends)
LABEL_STOP_WORDS = frozenset({
    "day", "days", "morning", "month", "months", "time", "times", "today", "week", "weeks",
    "year", "years", "yesterday", "anything", "everything", "nothing", "something", "one",
    "ones", "other", "others", "same", "sure", "lot", "lots", "bit", "part", "point",
})
_DECIMALS = 4
_WORD = re.compile(r"(?u)\b[A-Za-z][A-Za-z-]*[A-Za-z]\b")
_FIRST = frozenset({"NOUN", "PROPN", "ADJ", "VERB", "NUM"})
_LAST = frozenset({"NOUN", "PROPN"})
_JOINERS = frozenset({"-", "'s", "\u2019s"})
_CUT = frozenset({"NOUN", "PROPN", "NUM"})  # a phrase followed by one of these is cut short


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)


def _centroid(vectors: np.ndarray) -> np.ndarray:
    return _unit(np.asarray(vectors, dtype=np.float64).mean(axis=0))


def proper_names(texts: Sequence[str]) -> set[str]:
    """Lower-cased words that never occur in lower case and are not all capitals: names of
    people and places ("Okafor"), kept out of labels (acronyms such as "WRES" stay)."""
    forms: dict[str, set[str]] = {}
    for text in texts:
        for word in _WORD.findall(text):
            forms.setdefault(word.lower(), set()).add(word)
    return {low for low, seen in forms.items()
            if low not in seen and not any(w.isupper() for w in seen)}


def _surface(texts: Sequence[str]) -> dict[str, str]:
    """Each lower-cased word's commonest written form (so "wres" reads "WRES")."""
    counts: Counter[str] = Counter(w for text in texts for w in _WORD.findall(text))
    best: dict[str, tuple[int, str]] = {}
    for word, n in counts.items():
        low = word.lower()
        form = word if word.isupper() and len(word) > 1 else low
        key = (n, form)
        if low not in best or key > best[low]:
            best[low] = key
    return {low: form for low, (_, form) in best.items()}


def _phrases_of(doc: object, stop_words: frozenset[str], names: set[str]) -> list[str]:
    """The candidate phrases of one tagged text: 1 to `MAX_WORDS` words in a row (a hyphen or
    a possessive "'s" may join them) that begin with a content word (noun, adjective, verb or
    number) and end with a noun or an -ing form, neither a stop word nor a name. A name
    followed by "'s" reads "someone's" ("mispronounced someone's name", "someone's name"),
    and may begin a phrase; a phrase followed by a noun, a number or "'s" is cut short ("course
    for band [7]") and left out; any other name, a
    personal pronoun ("I", "me") or "that" ends the phrase (so no "admit that I ..." frames)."""
    tokens = list(doc)  # type: ignore[call-overload]
    found = []
    for i, first in enumerate(tokens):
        if first.pos_ not in _FIRST or first.lower_ in stop_words \
                or (i and first.lower_ in names and tokens[i - 1].lower_ in names):
            continue
        words, text, j = 0, "", i
        while j < len(tokens) and words <= MAX_WORDS:
            token = tokens[j]
            if token.lower_ in names:
                end = j
                while end < len(tokens) and tokens[end].lower_ in names:
                    end += 1
                if end == len(tokens) or tokens[end].lower_ not in _JOINERS - {"-"}:
                    break
                text, words, j = f"{text} someone".lstrip(), words + 1, end
                continue
            if token.lower_ == "that" or token.tag_ == "PRP" \
                    or not (token.is_alpha or token.lower_ in _JOINERS):
                break
            glue = " " if text and token.is_alpha and not text.endswith("-") else ""
            text += glue + token.lower_.replace("\u2019", "'")
            words += token.is_alpha
            ends = token.pos_ in _LAST or token.tag_ == "VBG"
            cut = j + 1 < len(tokens) and (tokens[j + 1].pos_ in _CUT
                                           or tokens[j + 1].lower_ in _JOINERS)
            if token.is_alpha and ends and not cut and token.lower_ not in stop_words \
                    and words <= MAX_WORDS:
                found.append(text)
            j += 1
    return sorted(set(found))


def _phrase_matrix(texts: Sequence[str], stop_words: frozenset[str]) -> tuple[list[str], object]:
    """Candidate phrases (see `_phrases_of`; spaCy's part-of-speech tags) that occur in two
    texts or more, and a binary text x phrase matrix (sklearn's ``CountVectorizer``)."""
    from sklearn.feature_extraction.text import CountVectorizer

    from ..coding.matching import make_nlp

    nlp, _ = make_nlp("model")
    names = proper_names(texts)
    with nlp.select_pipes(disable=[p for p in nlp.pipe_names if p == "lemmatizer"]):
        phrases = [_phrases_of(doc, stop_words, names)
                   for doc in nlp.pipe(list(texts), batch_size=256)]
    vectorizer = CountVectorizer(analyzer=lambda found: found, binary=True, min_df=2)
    try:
        matrix = vectorizer.fit_transform(phrases)
    except ValueError:  # no phrase occurs twice
        return [], None
    return vectorizer.get_feature_names_out().tolist(), matrix.tocsr()


def _candidates(phrases: list[str], matrix: object, members: np.ndarray,
                total: np.ndarray, n_texts: int) -> dict[str, float]:
    """The topic's qualifying phrases with their lift, the `CANDIDATES` most distinctive
    (share of the topic's texts x log lift; then alphabetical)."""
    inside = np.asarray(matrix[members].sum(axis=0)).ravel()  # type: ignore[index]
    size = len(members)
    need = max(2, math.ceil(MIN_SUPPORT * size))
    lift = (inside / size) / np.maximum(total / n_texts, 1e-12)
    ok = np.flatnonzero((inside >= need) & (lift >= MIN_LIFT))
    weight = np.round(inside / size * np.log(np.maximum(lift, 1.0)), _DECIMALS)
    ranked = sorted(ok, key=lambda i: (-weight[i], phrases[i]))[:CANDIDATES]
    return {phrases[i]: float(lift[i]) for i in ranked}


def _best_phrases(candidates: dict[str, float], vectors: dict[str, np.ndarray],
                  centre: np.ndarray) -> list[str]:
    """Candidates by closeness to the centre plus `LIFT_WEIGHT` x log lift; phrases of two or
    more words first, then alphabetical."""
    score = {p: round(float(vectors[p] @ centre) + LIFT_WEIGHT * math.log(lift), _DECIMALS)
             for p, lift in candidates.items()}
    return sorted(candidates, key=lambda p: (len(p.split()) < 2, -score[p], p))


def topic_labels(texts: Sequence[str], vectors: np.ndarray, topics: np.ndarray, embed: Embed,
                 *, stop_words: frozenset[str], fallback: dict[int, str]) -> dict[int, str]:
    """A short readable phrase for every topic (``-1`` excluded).

    Parameters
    ----------
    texts : sequence of str
        The texts that were fitted.
    vectors : numpy.ndarray
        Their ``(n, d)`` embeddings.
    topics : numpy.ndarray
        The topic of each text (``-1``: unassigned).
    embed : callable
        ``list[str] -> ndarray``: the topic model's embedder, used for the candidate phrases.
    stop_words : frozenset of str
        Words a phrase may not begin or end with.
    fallback : dict
        Label of a topic with no qualifying phrase (e.g. its top keywords).

    Returns
    -------
    dict
        Topic id -> label, unique across topics.
    """
    phrases, matrix = _phrase_matrix(texts, stop_words)
    ids = sorted(int(t) for t in set(topics.tolist()) if t != -1)
    if matrix is None or not ids:
        return {t: fallback.get(t, "") for t in ids}
    total = np.asarray(matrix.sum(axis=0)).ravel()  # type: ignore[union-attr]
    wanted = {t: _candidates(phrases, matrix, np.flatnonzero(topics == t), total, len(texts))
              for t in ids}
    every = sorted({p for found in wanted.values() for p in found})
    phrase_vectors = dict(zip(every, _unit(np.asarray(embed(every), dtype=np.float64)))) \
        if every else {}
    surface = _surface(texts)
    labels: dict[int, str] = {}
    for topic in sorted(ids, key=lambda t: (-int((topics == t).sum()), t)):
        centre = _centroid(vectors[topics == topic])
        ranked = _best_phrases(wanted[topic], phrase_vectors, centre)
        free = [p for p in ranked if p not in labels.values()]
        label = free[0] if free else fallback.get(topic, "")
        labels[topic] = label
    return {t: _WORD.sub(lambda m: surface.get(m.group(), m.group()), labels[t])
            if labels[t] in phrases else labels[t] for t in ids}


def keyword_label(keywords: Sequence[str], texts: Sequence[str]) -> str:
    """The label of a topic no phrase qualifies for: its first keyword of two or more words
    that the topic's texts hold word for word in two texts or more ("landed badly"), else its
    first keyword; never a list of keywords ("described, articulate, badly" read as stems),
    and never a name: a keyword with a proper name of the texts in it (`proper_names`) is
    passed over, and if every keyword has one, its names read "someone".

    Parameters
    ----------
    keywords : sequence of str
        The topic's keywords, most distinctive first (single words and word pairs).
    texts : sequence of str
        The topic's texts.
    """
    lowered = [" ".join(re.findall(r"[\w'\u2019-]+", t.lower())) for t in texts]
    names = proper_names(texts)
    clean = [k for k in keywords if not names & set(k.lower().split())]
    for keyword in clean:
        if len(keyword.split()) > 1 and \
                sum(f" {keyword} " in f" {t} " for t in lowered) >= 2:
            return keyword
    if clean:
        return clean[0]
    return " ".join("someone" if w.lower() in names else w
                    for w in keywords[0].split()) if keywords else ""


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def _near_copy(candidate: int, chosen: list[int], unit: np.ndarray, words: list[set[str]]
               ) -> bool:
    for other in chosen:
        if round(float(unit[candidate] @ unit[other]), _DECIMALS) > MAX_QUOTE_SIMILARITY:
            return True
        union = words[candidate] | words[other]
        if union and len(words[candidate] & words[other]) / len(union) > MAX_WORD_OVERLAP:
            return True
    return False


def distinct_quotes(texts: Sequence[str], vectors: np.ndarray, members: Sequence[int],
                    k: int = 3) -> list[str]:
    """Up to ``k`` texts of a topic that typify it and are not near-copies of each other.

    Parameters
    ----------
    texts : sequence of str
        All fitted texts.
    vectors : numpy.ndarray
        Their embeddings.
    members : sequence of int
        Positions of the topic's texts.
    k : int
        Most quotes to return.

    Returns
    -------
    list of str
        The quotes, closest to the topic's centroid first; none repeats another's text, is
        within `MAX_QUOTE_SIMILARITY` cosine of it or shares more than `MAX_WORD_OVERLAP` of
        its words.
    """
    members = list(members)
    if not members:
        return []
    unit = _unit(np.asarray(vectors, dtype=np.float64)[members])
    closeness = np.round(unit @ _centroid(unit), _DECIMALS)
    order = sorted(range(len(members)), key=lambda i: (-closeness[i], members[i]))
    words = [_words(texts[m]) for m in members]
    chosen: list[int] = []
    seen: set[str] = set()
    for i in order:
        key = " ".join(texts[members[i]].lower().split())
        if key in seen or _near_copy(i, chosen, unit, words):
            continue
        chosen.append(i)
        seen.add(key)
        if len(chosen) == k:
            break
    return [texts[members[i]] for i in chosen]
