"""Valence from cue phrases, with negation and contrast, combined with a model's probability.

Rules (English, applied to lemmas):

* **Cues** are the codebook's valence patterns: a positive cue ("inclusive", "praise") counts
  +1, an attention cue ("dismissive", "all white") counts -1.
* **Negation** flips a cue when a negator (not, n't, never, no, without, hardly, fail, lack
  ...) stands up to three tokens before it in the same clause: "did not use inclusive
  language" -> attention; "never dismissive" -> positive. A negator that flips nothing counts
  -0.5 on its own ("she has never attended").
* **Contrast**: the clause after a contrast word decides. "X, but Y" / "X. However, Y" /
  "X, although Y": Y decides. "Although X, Y" / "Despite X, Y" / "Y despite X": Y decides.
  Cues in the conceded clause X count -0.5 times their sign (what is conceded leans the
  other way): "Although she says she supports the network, she has never attended" ->
  attention.

`combine_valence` adds ``weight * polarity`` to the log of the model's valence probabilities.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ..codebook import VALENCES

__all__ = ["ValenceEvidence", "Marker", "analyse_valence", "rule_valence", "combine_valence",
           "marker_patterns", "NEGATION_WINDOW"]

NEGATION_WINDOW = 3
_NEGATORS = ["not", "never", "no", "nobody", "none", "nothing", "neither", "nor", "without",
             "hardly", "rarely", "seldom", "barely", "fail", "lack", "refuse", "unable",
             "cannot", "nowhere"]
_POST = ["but", "however", "yet", "nevertheless", "nonetheless"]
_POST_MULTI = [["even", "so"], ["that", "said"], ["on", "the", "other", "hand"],
               ["having", "said", "that"]]
_SUB = ["although", "though", "whereas", "while", "whilst"]
_SUB_MULTI = [["even", "though"], ["even", "if"]]
_DESPITE = [["despite"], ["in", "spite", "of"], ["notwithstanding"]]
_BOUNDARY = [".", "!", "?", ";", ":"]


def marker_patterns() -> dict[str, list[list[dict]]]:
    """spaCy `Matcher` token patterns (lower-cased lemmas) for negators, contrast, boundaries."""
    lem = lambda words: [{"LEMMA": w} for w in words]  # noqa: E731
    return {
        "mk:neg": [[{"LEMMA": {"IN": _NEGATORS}}]],
        "mk:post": [[{"LEMMA": {"IN": _POST}}]] + [lem(m) for m in _POST_MULTI],
        "mk:sub": [[{"LEMMA": {"IN": _SUB}}]] + [lem(m) for m in _SUB_MULTI],
        "mk:despite": [lem(m) for m in _DESPITE],
        "mk:boundary": [[{"ORTH": {"IN": _BOUNDARY}}]],
        "mk:comma": [[{"ORTH": {"IN": [",", "—", "–"]}}]],
        "mk:only": [[{"LEMMA": "not"}, {"LEMMA": {"IN": ["only", "just"]}}],
                    [{"LEMMA": "but"}, {"LEMMA": {"IN": ["also", "too"]}}],
                    [{"LEMMA": {"IN": ["not", "n't"]}}, {"LEMMA": "yet"}],
                    [{"LEMMA": "no"}, {"LEMMA": {"IN": ["doubt", "matter"]}}]],
    }


@dataclass(frozen=True)
class Marker:
    """A matched marker or cue: kind, token span and (for cues) polarity and text."""

    kind: str
    start: int
    end: int
    polarity: int = 0
    text: str = ""


@dataclass(frozen=True)
class ValenceEvidence:
    """What the cue rules found in one text; ``polarity`` > 0 leans positive, < 0 attention."""

    polarity: float = 0.0
    positive: float = 0.0
    attention: float = 0.0
    conceded: float = 0.0
    bare_negations: int = 0
    contrast: bool = False
    phrases: tuple[str, ...] = field(default=())

    def features(self) -> list[float]:
        """Numeric features for a classifier (same order every time)."""
        return [self.polarity, self.positive, self.attention, self.conceded,
                float(self.bare_negations), float(self.contrast)]


def _clause_start(pos: int, boundaries: Sequence[int]) -> bool:
    return pos == 0 or (pos - 1) in boundaries


def _next_after(pos: int, stops: Sequence[int], default: int) -> int:
    return min((s for s in stops if s > pos), default=default)


def _regions(n: int, m: dict[str, list[Marker]]) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Return ``(main, conceded)`` token ranges for the last contrast marker, or None."""
    bounds = [b.start for b in m.get("mk:boundary", [])]
    commas = [c.start for c in m.get("mk:comma", [])] + bounds
    skip = {(x.start, x.end) for x in m.get("mk:only", [])}
    contrasts = [x for k in ("mk:post", "mk:sub", "mk:despite") for x in m.get(k, [])
                 if not any(s <= x.start < e for s, e in skip)]
    if not contrasts:
        return None
    last = max(contrasts, key=lambda x: (x.start, -x.end))
    at_start = _clause_start(last.start, bounds)
    if last.kind == "mk:despite" and not at_start:
        return (0, last.start), (last.start, n)
    if last.kind in ("mk:sub", "mk:despite") and at_start:
        comma = _next_after(last.end, commas, n)
        if comma >= n:
            return None
        return (comma + 1, n), (last.start, comma)
    if last.kind == "mk:sub":  # "while" mid-sentence is usually temporal
        if last.text.lower() in ("while", "whilst"):
            return None
    return (last.end, n), (0, last.start)


def _negated(cue: Marker, negs: Sequence[Marker], stops: Sequence[int]) -> Marker | None:
    for neg in negs:
        inside = cue.start <= neg.start < cue.end
        before = cue.start - NEGATION_WINDOW <= neg.start < cue.start
        if inside:
            return None
        if before and not any(neg.start < s < cue.start for s in stops):
            return neg
    return None


def analyse_valence(n_tokens: int, markers: dict[str, list[Marker]]) -> ValenceEvidence:
    """Apply the negation and contrast rules to the cues and markers of one text.

    Parameters
    ----------
    n_tokens : int
        Length of the text in tokens.
    markers : dict
        Matches by kind: ``"cue:positive"``, ``"cue:attention"`` and the `marker_patterns`
        kinds, each a list of `Marker`.
    """
    skip = {(x.start, x.end) for x in markers.get("mk:only", [])}
    negs = [x for x in markers.get("mk:neg", []) if not any(s <= x.start < e for s, e in skip)]
    stops = [x.start for k in ("mk:boundary", "mk:comma", "mk:post") for x in markers.get(k, [])]
    cues = markers.get("cue:positive", []) + markers.get("cue:attention", [])
    regions = _regions(n_tokens, markers)
    main, conceded = regions if regions else ((0, n_tokens), (0, 0))
    used: set[int] = set()
    pos = att = con = 0.0
    phrases = []
    for cue in sorted(cues, key=lambda c: (c.start, c.end)):
        neg = _negated(cue, negs, stops)
        sign = -cue.polarity if neg is not None else cue.polarity
        if neg is not None:
            used.add(neg.start)
        phrases.append(("not " if neg is not None else "") + cue.text)
        if conceded[0] <= cue.start < conceded[1]:
            con += sign
        elif sign > 0:
            pos += 1
        else:
            att += 1
    bare = sum(1 for x in negs if x.start not in used and main[0] <= x.start < main[1])
    polarity = pos - att - 0.5 * con - 0.5 * min(bare, 2)
    return ValenceEvidence(polarity=polarity, positive=pos, attention=att, conceded=con,
                           bare_negations=bare, contrast=regions is not None,
                           phrases=tuple(phrases))


def rule_valence(evidence: ValenceEvidence) -> str:
    """Valence from the cue rules alone: positive, attention or neutral."""
    if evidence.polarity > 0:
        return "positive"
    if evidence.polarity < 0:
        return "attention"
    return "neutral"


def combine_valence(proba: np.ndarray, evidences: Sequence[ValenceEvidence],
                    weight: float = 1.0, classes: Sequence[str] = VALENCES) -> list[str]:
    """Choose a valence per text from model probabilities and cue evidence.

    Parameters
    ----------
    proba : ndarray of shape (n, 3)
        Model probabilities in the order of ``classes``.
    evidences : sequence of ValenceEvidence
        One per row of ``proba``.
    weight : float
        Strength of the cue rules relative to the model's log-probabilities.

    Returns
    -------
    list of str
        One valence per text.
    """
    scores = combine_scores(proba, evidences, weight, classes)
    return [classes[i] for i in scores.argmax(axis=1)]


def combine_scores(proba: np.ndarray, evidences: Sequence[ValenceEvidence],
                   weight: float = 1.0, classes: Sequence[str] = VALENCES) -> np.ndarray:
    """Log-probabilities shifted by ``weight * polarity`` (clipped to [-2, 2])."""
    pol = np.clip(np.array([e.polarity for e in evidences], dtype=float), -2.0, 2.0)
    shift = {"positive": pol, "attention": -pol, "neutral": -np.abs(pol)}
    scores = np.log(np.clip(np.asarray(proba, dtype=float), 1e-6, 1.0))
    for j, cls in enumerate(classes):
        scores[:, j] += weight * shift[cls]
    return scores
