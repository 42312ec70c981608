"""The rule coder's lemma component gives the lemmas of spaCy's own lookup lemmatizer."""
from __future__ import annotations

import spacy

from rmresearch.coding.lemmas import FACTORY
from rmresearch.coding.rules import make_nlp

TEXTS = [
    "she was running the meetings and didn't listen to the HCAs' concerns",
    "Interviews were shortlisted blind; panels weren't all-white any more.",
    "the matron's staff said they'd been passed over, again and again",
    "",
    "   ",
    "Ümlaut café naïve — 3.5% of Band 8a posts (n=12) went to BME staff!!",
    "he's thanked the porters, the cleaners & the ward clerks by name",
]


def _spacy_lookup() -> spacy.language.Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def test_lemmas_are_those_of_spacy_lookup_lemmatizer() -> None:
    ours, _ = make_nlp()
    theirs = _spacy_lookup()
    for text in TEXTS + [t.lower() for t in TEXTS]:
        got = [t.lemma_ for t in ours(text)]
        want = [t.lemma_ for t in theirs(text)]
        assert got == want, text
    assert [t.lemma_ for t in ours("she was running")] == ["she", "be", "run"]


def test_batches_give_the_same_lemmas_as_one_text_at_a_time() -> None:
    ours, _ = make_nlp()
    texts = TEXTS * 40
    piped = [[t.lemma_ for t in d] for d in ours.pipe(texts, batch_size=7)]
    assert piped == [[t.lemma_ for t in ours(text)] for text in texts]


def test_a_lemma_already_set_is_kept() -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe(FACTORY, name="lemmatizer")
    doc = nlp.make_doc("they were listening")
    doc[2].lemma_ = "hear"
    doc = nlp.get_pipe("lemmatizer")(doc)
    assert [t.lemma_ for t in doc] == ["they", "be", "hear"]
