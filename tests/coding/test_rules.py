"""Rule coder and valence rules on real sentences (spaCy only, no embedding model)."""
from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from rmresearch.codebook import load_codebook
from rmresearch.coding.rules import RuleCoder, make_nlp
from rmresearch.coding.valence import combine_valence, rule_valence

SMALL_CODEBOOK = """
name: small test frame
version: "0.1"
valence:
  positive: {patterns: [praise, welcome, inclusive, support]}
  attention: {patterns: [dismissive, all white, talk over, defensive]}
not_codable:
  examples: ["Shall we book the next session for March?"]
codes:
  - id: individual
    definition: The leader's own behaviour.
    patterns:
      - inclusive language
      - talk over
      - tokens: [{LEMMA: roll}, {POS: PRON, OP: "?"}, {LEMMA: eye}]
    examples: ["She thanked the porters by name."]
  - id: departmental
    definition: Practice in the leader's department.
    patterns: [interview panel, shortlist]
    examples: ["The interview panels are all white."]
  - id: organisational
    definition: Trust-wide initiatives.
    patterns: [staff network, wres]
    examples: ["He chairs the race equality network."]
  - id: symbolic
    definition: Visible signals.
    patterns: [noticeboard, front of house]
    examples: ["Award winners' photos on the wall."]
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> RuleCoder:
    path = Path(tmp_path_factory.mktemp("cb")) / "small.yaml"
    path.write_text(SMALL_CODEBOOK, encoding="utf-8")
    return RuleCoder(load_codebook(path)).fit()


def test_hits_carry_the_matched_text_as_evidence(small: RuleCoder) -> None:
    res = small.analyse(["He talked over Priya twice, then used Inclusive Language.",
                         "All three interview panels were all white."])
    assert res[0].hits == {"individual": ("talked over", "Inclusive Language")}
    assert res[1].hits == {"departmental": ("interview panels",)}


def test_lemmas_and_case_do_not_matter(small: RuleCoder) -> None:
    hits = small.predict(["The STAFF NETWORKS met.", "She shortlisted two nurses.",
                          "We talked about the weather."])
    assert hits.tolist() == [[0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 0]]


def test_pos_constraint_works_without_a_tagger(small: RuleCoder) -> None:
    res = small.analyse(["She rolled her eyes at the HCA.", "He rolled eyes."])
    assert res[0].hits == {"individual": ("rolled her eyes",)}
    assert res[1].hits == {"individual": ("rolled eyes",)}


def test_rule_code_table(small: RuleCoder) -> None:
    import pandas as pd

    seg = pd.DataFrame({"segment_id": ["a", "b", "c"],
                        "text": ["The noticeboard is out of date and the panel all white.",
                                 "Shall we book the next session for March?",
                                 "He supports the staff network and the WRES work."]})
    out = small.code(seg)
    assert list(out.columns) == ["segment_id", "code", "coder", "score", "valence", "evidence"]
    assert out[["segment_id", "code"]].values.tolist() == [["a", "symbolic"],
                                                          ["c", "organisational"]]
    assert out.loc[1, "evidence"] == "staff network; WRES"
    assert out.loc[1, "valence"] == "positive" and out.loc[0, "valence"] == "attention"
    assert out["coder"].str.startswith("rules@").all()
    assert ((out["score"] > 0) & (out["score"] <= 1)).all()


@pytest.mark.parametrize("text, expected", [
    ("He did not use inclusive language.", "attention"),
    ("He uses inclusive language.", "positive"),
    ("She was never dismissive of junior staff.", "positive"),
    ("She was dismissive of junior staff.", "attention"),
    ("Although she says she supports the staff network, she has never attended.", "attention"),
    ("He was defensive at first, but now he welcomes challenge.", "positive"),
    ("Despite being defensive at first, he now welcomes challenge.", "positive"),
    ("He welcomes challenge in private, but he talked over the nurse in the huddle.",
     "attention"),
    ("There wasn't a single meeting where she didn't ask the quieter staff first.", "positive"),
    ("He arranged shadowing, which nobody in the department had done before.", "neutral"),
    ("Not only did she praise the team, but also the bank staff.", "positive"),
])
def test_negation_and_contrast_rules(small: RuleCoder, text: str, expected: str) -> None:
    assert rule_valence(small.analyse([text])[0].valence) == expected


def test_valence_view_marks_negation_and_concession(small: RuleCoder) -> None:
    view = small.analyse(["Although he says he supports it, he never attends."],
                         view=True)[0].view
    assert "con_support" in view and "not_attend" in view


def test_combine_lets_a_negated_cue_overrule_the_model(small: RuleCoder) -> None:
    ev = small.analyse(["She was never dismissive.", "She was dismissive."])
    model = [[0.2, 0.7, 0.1], [0.2, 0.7, 0.1]]  # positive, attention, neutral
    assert combine_valence(model, [e.valence for e in ev]) == ["positive", "attention"]


def test_default_codebook_rules_find_each_level() -> None:
    coder = RuleCoder().fit()
    res = coder.analyse(["Chaired huddle. Thanked Band 3s by name.",
                         "The interview panel was all white.",
                         "She nominated Grace for the trust award.",
                         "Photos of BME award winners are on the department wall.",
                         "We met in the café and talked about the weather."])
    assert [sorted(r.hits) for r in res] == [["individual"], ["departmental"],
                                              ["organisational"], ["symbolic"], []]
    assert coder.coder_label.startswith("rules@")


def test_rule_coder_speed_is_reasonable() -> None:
    """Not a benchmark (see bench/bench_coding.py): a guard against pathological slowness."""
    import time

    coder = RuleCoder().fit()
    texts = ["He talked over the Filipino nurses in the huddle, then thanked them by name, "
             "although the interview panel was still all white."] * 2000
    coder.analyse(texts[:50])
    start = time.perf_counter()
    coder.analyse(texts)
    words = sum(len(t.split()) for t in texts)
    assert words / (time.perf_counter() - start) > 5_000  # ~100k+ on an idle machine


def test_lookup_pipeline_needs_no_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nlp, attr = make_nlp()
    assert attr == "LEMMA" and nlp.has_pipe("lemmatizer")


def test_small_model_pipeline_matches_with_real_tags() -> None:
    coder = RuleCoder(pipeline="model").fit()
    texts = ["She rolled her eyes at the HCA.", "The interview panel was all white.",
             "She nominated Grace for the trust award."]
    res = coder.analyse(texts)
    assert res[0].hits == {"individual": ("rolled her eyes",)}
    assert [r.hits for r in res[1:]] == [r.hits for r in RuleCoder().analyse(texts[1:])]


def test_missing_lookup_tables_fall_back_with_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    import spacy.language

    def broken(self, *args, **kwargs):
        raise RuntimeError("lookups missing")

    monkeypatch.setattr(spacy.language.Language, "initialize", broken)
    with pytest.warns(UserWarning, match="lookup lemmas are not available.*spacy-lookups-data"):
        nlp, attr = make_nlp.__wrapped__("lookup")
    assert attr == "LEMMA" and nlp.has_pipe("tagger")
