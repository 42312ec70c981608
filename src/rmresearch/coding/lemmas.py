"""Lookup lemmas for the rule coder's pipeline, set a whole document at a time.

spaCy's lookup lemmatizer reads the ``lemma_lookup`` table of ``spacy-lookups-data`` once per
token, in Python, through a `Token` object; at about a fifth of the rule coder's time it was
its largest single step. This component gives every token the same lemma from the same
table (the word itself where the table has none, and only where the token has no lemma
yet), but looks each distinct word up once per process and writes a document's lemmas in
one array operation.
"""
from __future__ import annotations

from typing import Any

from spacy.attrs import LEMMA, ORTH
from spacy.language import Language

__all__ = ["LookupLemmas", "FACTORY"]

FACTORY = "rmresearch_lookup_lemmas"
_CACHE_LIMIT = 500_000  # distinct words remembered before the memo starts again


class LookupLemmas:
    """A spaCy pipeline component: ``lemma_lookup`` lemmas, memoised by word.

    Parameters
    ----------
    vocab : spacy.vocab.Vocab
        The pipeline's vocabulary (its string store receives the lemmas).
    table : spacy.lookups.Table
        The ``lemma_lookup`` table, keyed by word.
    """

    def __init__(self, vocab: Any, table: Any) -> None:
        self.vocab = vocab
        self.table = table
        self._memo: dict[int, int] = {}

    def _lemma(self, orth: int) -> int:
        strings = self.vocab.strings
        lemma = self.table.get(orth)  # the table is keyed by the same string hash
        lemma_id = strings.add(lemma if isinstance(lemma, str) else strings[orth])
        if len(self._memo) >= _CACHE_LIMIT:
            self._memo.clear()
        self._memo[orth] = lemma_id
        return lemma_id

    def __call__(self, doc: Any) -> Any:
        if not len(doc):
            return doc
        values = doc.to_array([ORTH, LEMMA])
        memo = self._memo
        lemmas = [lemma or memo.get(orth) or self._lemma(orth)
                  for orth, lemma in values.tolist()]
        values[:, 1] = lemmas
        doc.from_array([LEMMA], values[:, 1:])
        return doc


@Language.factory(FACTORY)
def make_lookup_lemmas(nlp: Language, name: str) -> LookupLemmas:
    """Build the component with the English ``lemma_lookup`` table of ``spacy-lookups-data``
    (raises if the tables are not installed)."""
    from spacy.lookups import load_lookups

    table = load_lookups(lang=nlp.vocab.lang, tables=["lemma_lookup"]).get_table("lemma_lookup")
    return LookupLemmas(nlp.vocab, table)
