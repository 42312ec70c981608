"""Valence from cue phrases, with negation and contrast, combined with a model's probability.

Rules (English, applied to lemmas):

* **Cues** are the codebook's valence patterns: a positive cue ("inclusive", "praise") counts
  +1, an attention cue ("dismissive", "all white") counts -1; general evaluative words
  (`EVALUATIVE`: "impressive", "warm" / "rude", "patronising") count +-0.5.
* **Negation** flips a cue when a negator (not, n't, never, no, without, hardly, fail, lack
  ...) stands up to three tokens before it in the same clause: "did not use inclusive
  language" -> attention; "never dismissive" -> positive. A negator that flips nothing counts
  -0.5 on its own ("she has never attended").
* **Contrast**: the clause after a contrast word decides. "X, but Y" / "X. However, Y" /
  "X, although Y": Y decides. "Although X, Y" / "Despite X, Y" / "Y despite X": Y decides.
  A positive cue in the conceded clause X counts -0.5 (what is conceded leans the other
  way; a conceded attention cue counts nothing), and a reporting verb in it ("says",
  "claims", "insists") counts -0.5 (what is said is not what is done): "Although she says
  she supports the network, she has never attended" -> attention.
* **Double negation**: a negated existential with a second negator later in the sentence
  counts +1 ("there wasn't a meeting where she didn't ask the quieter staff first").
  Negators followed by "before" / "first time" are novelty, not absence ("which nobody had
  done before"); "not only", "but also", "up from none" are not negation.

`combine_valence` adds ``weight * polarity + negation_weight * flipped`` to the log of the
model's valence probabilities (``flipped``: negated cues and double negations, which
classifiers barely see).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ..vocabulary import VALENCES
from .cues import EVALUATIVE, LEXICON_WEIGHT, marker_patterns
from .shapes import PLAN_DISCOUNT, apply_shapes, consumed_negators, disparity_cues

__all__ = ["ValenceEvidence", "Marker", "analyse_valence", "rule_valence", "combine_valence",
           "combine_scores", "valence_view", "marker_patterns", "EVALUATIVE", "LEXICON_WEIGHT",
           "NEGATION_WINDOW", "BARE_NEGATION", "VALENCE_RULES_VERSION"]

# change when the rules change: part of the coder label. v2: typographic apostrophes read as
# "'" ("didn\u2019t insist" is a negation, "I\u2019m" is "I am"), as Word writes them
# v4: negated harm ("no one gets left out"), praise by negated comparison ("could not have
# done more"), counts of harm that fell or rose, "can't remember a ... didn't", starting points
VALENCE_RULES_VERSION = "shapes-v4"
NEGATION_WINDOW = 3
BARE_NEGATION = 0.5  # weight of a negator that flips no cue ("she has never attended")
@dataclass(frozen=True)
class Marker:
    """A matched marker or cue: kind, token span and (for cues) polarity and text."""

    kind: str
    start: int
    end: int
    polarity: float = 0.0
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
    conceded_span: tuple[int, int] = (0, 0)
    negated_tokens: frozenset[int] = frozenset()
    flipped: float = 0.0  # signed sum of negated cues and double negations in the main clause
    neutral: float = 0.0  # strength of a plan or recommendation frame (`shapes`)


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
    """Apply the negation, contrast and shape rules to the cues and markers of one text.

    Parameters
    ----------
    n_tokens : int
        Length of the text in tokens.
    markers : dict
        Matches by kind: ``"cue:positive"``, ``"cue:attention"`` and the `marker_patterns`
        kinds, each a list of `Marker`.
    """
    stops = [x.start for k in ("mk:boundary", "mk:comma", "mk:post") for x in markers.get(k, [])]
    negs, neutral, double = _negators(markers)
    used = consumed_negators(markers, negs)
    bounds = sorted(x.start for x in markers.get("mk:boundary", []))
    cues = [c for c in markers.get("cue:positive", []) + markers.get("cue:attention", [])
            + disparity_cues(markers, bounds)
            if not any(c.start <= p < c.end for p in neutral)]
    cues += [w for w in markers.get("lex:positive", []) + markers.get("lex:attention", [])
             if not any(c.start <= w.start < c.end for c in cues)
             and not any(w.start <= p < w.end for p in neutral)]
    regions = _regions(n_tokens, markers)
    main, conceded = regions if regions else ((0, n_tokens), (0, 0))
    signed = _signed_cues(cues, [x for x in negs if x.start not in used], used, stops)
    bare = [x for x in negs if x.start not in used and main[0] <= x.start < main[1]]
    shape = apply_shapes(n_tokens, markers, signed, bare, stops)
    pos = att = con = 0.0
    flips = float(double)
    phrases = []
    for cue, sign, flipped in sorted(shape.signed, key=lambda x: (x[0].start, x[0].end)):
        phrases.append(("not " if flipped else "") + cue.text)
        if conceded[0] <= cue.start < conceded[1]:
            con += max(sign, 0.0)  # a conceded good point leans the other way
            continue
        flips += sign if flipped else 0
        if sign > 0:
            pos += sign
        else:
            att -= sign
    said = any(conceded[0] <= x.start < conceded[1] for x in markers.get("mk:say", []))
    con += 1.0 if said else 0.0  # "although he says X, ...": what is said is not done
    polarity = pos - att - 0.5 * con - BARE_NEGATION * min(len(bare), 2) + double + shape.shift
    if shape.neutral:
        polarity *= PLAN_DISCOUNT
    return ValenceEvidence(polarity=polarity, positive=pos + double, attention=att,
                           conceded=con, bare_negations=len(bare), contrast=regions is not None,
                           phrases=tuple(phrases) + shape.names, conceded_span=conceded,
                           negated_tokens=_scopes(negs, stops, n_tokens), flipped=flips,
                           neutral=shape.neutral)


def _signed_cues(cues: list[Marker], negs: list[Marker], used: set[int],
                 stops: Sequence[int]) -> list[tuple[Marker, float, bool]]:
    """Each cue with its sign after negation, and whether a negator flipped it.

    ``used`` (negators that belong to a shape, then those that flipped a cue) grows in
    place. A cue that contains a negator ("never", "fail to") counts unless its negator
    was used to flip another cue or belongs to a shape.
    """
    neg_pos = {x.start for x in negs} | used
    plain = [c for c in cues if not any(c.start <= p < c.end for p in neg_pos)]
    with_neg = [c for c in cues if c not in plain]
    signed: list[tuple[Marker, float, bool]] = []
    for cue in plain:
        neg = _negated(cue, negs, stops)
        if neg is not None:
            used.add(neg.start)
        signed.append((cue, -cue.polarity if neg is not None else cue.polarity, neg is not None))
    for cue in with_neg:  # "never", "not once", "fail to": count unless used to flip a cue
        inside = {p for p in neg_pos if cue.start <= p < cue.end}
        if not inside <= used:
            used |= inside
            signed.append((cue, cue.polarity, False))
    return signed


def _negators(markers: dict[str, list[Marker]]) -> tuple[list[Marker], set[int], int]:
    """Negators that count, token positions neutralised, and double negations found.

    Not negators: "not only", "but also", "up from none"; a negator followed in the same
    sentence by "before" or "first time", or just after "the first time" (novelty: "which
    nobody had done before", "the first time nobody asked me to justify it"). A
    negated existential followed by a second negator in the same sentence ("there wasn't a
    meeting where she didn't ask") is a double negation: both are dropped and it counts +1.
    """
    skip = [(x.start, x.end) for x in markers.get("mk:only", [])]
    bounds = sorted(x.start for x in markers.get("mk:boundary", []))
    sentence = lambda pos: sum(1 for b in bounds if b < pos)  # noqa: E731
    firsts = markers.get("mk:first", [])
    before = [x.start for x in markers.get("mk:before", []) + firsts]
    negs, neutral = [], set()
    for x in markers.get("mk:neg", []):
        novelty = any(x.start < b <= x.start + 8 and sentence(b) == sentence(x.start)
                      for b in before) or any(f.end <= x.start <= f.end + 2 for f in firsts)
        if novelty or any(s <= x.start < e for s, e in skip):
            neutral.add(x.start)
        else:
            negs.append(x)
    double = 0
    without = [w.start for w in markers.get("mk:without", [])]
    frames = list(markers.get("mk:exist", []))
    starts = bounds + [c.start for c in markers.get("mk:comma", [])]
    frames += [n for n in negs if _clause_start(n.start, starts) and any(
        w > n.start and sentence(w) == sentence(n.start) for w in without)]
    for ex in frames:
        first = [n for n in negs if ex.start <= n.start < ex.end]
        later = [n for n in negs if n.start >= ex.end and sentence(n.start) == sentence(ex.start)]
        if first and later:
            double += 1
            for n in (first[0], later[0]):
                neutral.add(n.start)
            negs = [n for n in negs if n.start not in neutral]
    return negs, neutral, double


def _scopes(negs: Sequence[Marker], stops: Sequence[int], n_tokens: int) -> frozenset[int]:
    """Token positions in the scope of a negator: up to `NEGATION_WINDOW` tokens after it,
    stopping at punctuation or a contrast word."""
    out: set[int] = set()
    for neg in negs:
        for pos in range(neg.end, min(n_tokens, neg.end + NEGATION_WINDOW)):
            if pos in stops:
                break
            out.add(pos)
    return frozenset(out)


def valence_view(lemmas: Sequence[str], keep: Sequence[bool], evidence: ValenceEvidence,
                 ) -> str:
    """The text as lemmas marked for the valence classifier.

    Lemmas in a negator's scope get ``not_``, lemmas in a conceded clause get ``con_`` (so
    "never dismissive" and "dismissive" are different features, and what a contrast concedes
    does not count like what it concludes). Tokens with ``keep`` False (punctuation) are left
    out.
    """
    c0, c1 = evidence.conceded_span
    out = []
    for i, (lemma, k) in enumerate(zip(lemmas, keep)):
        if not k:
            continue
        if c0 <= i < c1:
            lemma = "con_" + lemma
        elif i in evidence.negated_tokens:
            lemma = "not_" + lemma
        out.append(lemma)
    return " ".join(out)


def rule_valence(evidence: ValenceEvidence) -> str:
    """Valence from the cue rules alone: positive, attention or neutral (also a plan or
    recommendation whose cues are weak: ``|polarity| <= 0.5``)."""
    if evidence.neutral and abs(evidence.polarity) <= 0.5:
        return "neutral"
    if evidence.polarity > 0:
        return "positive"
    if evidence.polarity < 0:
        return "attention"
    return "neutral"


def combine_valence(proba: np.ndarray, evidences: Sequence[ValenceEvidence],
                    weight: float = 1.0, negation_weight: float = 1.0,
                    classes: Sequence[str] = VALENCES, neutral_weight: float = 0.0,
                    ) -> list[str]:
    """Choose a valence per text from model probabilities and cue evidence.

    Parameters
    ----------
    proba : ndarray of shape (n, 3)
        Model probabilities in the order of ``classes``.
    evidences : sequence of ValenceEvidence
        One per row of ``proba``.
    weight : float
        Strength of the cue rules' polarity relative to the model's log-probabilities.
    negation_weight : float
        Extra strength of negated cues and double negations (``ValenceEvidence.flipped``):
        classifiers on embeddings or words barely see negation, so when the rules find a
        negated cue ("never dismissive") they get the larger say.
    neutral_weight : float
        Log-odds added to neutral in a plan or recommendation frame
        (``ValenceEvidence.neutral``), which classifiers trained on descriptions of practice
        do not see as neutral.

    Returns
    -------
    list of str
        One valence per text.
    """
    scores = combine_scores(proba, evidences, weight, negation_weight, classes, neutral_weight)
    return [classes[i] for i in scores.argmax(axis=1)]


def combine_scores(proba: np.ndarray, evidences: Sequence[ValenceEvidence],
                   weight: float = 1.0, negation_weight: float = 1.0,
                   classes: Sequence[str] = VALENCES, neutral_weight: float = 0.0,
                   ) -> np.ndarray:
    """Log-probabilities shifted by ``weight * polarity + negation_weight * flipped``
    (each clipped to [-2, 2]); neutral also by ``neutral_weight * neutral``."""
    pol = np.clip(np.array([e.polarity for e in evidences], dtype=float), -2.0, 2.0)
    flip = np.clip(np.array([e.flipped for e in evidences], dtype=float), -2.0, 2.0)
    pol = weight * pol + negation_weight * flip
    frame = np.array([e.neutral for e in evidences], dtype=float)
    shift = {"positive": pol, "attention": -pol,
             "neutral": -np.abs(pol) + neutral_weight * frame}
    scores = np.log(np.clip(np.asarray(proba, dtype=float), 1e-6, 1.0))
    for j, cls in enumerate(classes):
        scores[:, j] += shift[cls]
    return scores
