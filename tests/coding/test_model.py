"""Model and ensemble coders: estimator conventions, behaviour on real sentences, the API."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from rmresearch.coding import EnsembleCoder, ModelCoder, code_segments
from rmresearch.coding.api import default_coder
from rmresearch.errors import CodingError, NotFittedError


@pytest.fixture(scope="module")
def coder() -> EnsembleCoder:
    return default_coder()


def _segments(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"segment_id": [f"s{i:02d}" for i in range(len(texts))], "text": texts})


def _levels(codings: pd.DataFrame, sid: str) -> list[str]:
    return codings.loc[codings["segment_id"] == sid, "code"].tolist()


# ------------------------------------------------------------------ estimator conventions
def test_predict_before_fit_raises_not_fitted() -> None:
    for cls in (ModelCoder, EnsembleCoder):
        with pytest.raises(NotFittedError, match="not fitted yet.*fit"):
            cls().predict(["text"])
        with pytest.raises(NotFittedError):
            cls().code(_segments(["text"]))


def test_constructor_stores_arguments_untouched() -> None:
    thresholds = {"individual": 0.6}
    coder = EnsembleCoder(random_state=3, C=2.0, thresholds=thresholds, rule_weight=0.0)
    params = coder.get_params()
    assert params["thresholds"] is thresholds and params["random_state"] == 3
    assert params["codebook"] is None and params["embedder"] is None
    assert clone(coder).get_params()["C"] == 2.0
    assert not [k for k in vars(coder) if k.endswith("_")]


def test_fit_returns_self_and_learns_state() -> None:
    texts = ["She thanked the porters by name in the huddle.",
             "He talked over the Black nurses at handover.",
             "The interview panels are all white.",
             "Acting-up posts are now advertised to the whole team.",
             "He chairs the race equality staff network.",
             "She never attends the disability network.",
             "Photos of BME award winners are on the department wall.",
             "Every face on the senior team photo is white.",
             "Shall we book the next session for March?",
             "We talked about holidays."]
    Y = [["individual"], ["individual"], ["departmental"], ["departmental"],
         ["organisational"], ["organisational"], ["symbolic"], ["symbolic"], [], ["none"]]
    val = ["positive", "attention", "attention", "positive", "positive", "attention",
           "positive", "attention", None, None]
    model = ModelCoder(random_state=0)
    assert model.fit(texts, Y, val) is model
    assert model.coder_label.startswith("model@") and model.codes_[0] == "individual"
    P = model.predict_proba(["The shortlisting panel was all white."])
    assert P.shape == (1, 5) and np.all((P >= 0) & (P <= 1))
    assert model.predict_valence_proba(["x"]).shape == (1, 3)
    assert model.predict(texts).shape == (10, 4)
    with pytest.raises(CodingError, match="unknown level 'team'"):
        ModelCoder().fit(["a"], [["team"]])


def test_coder_label_is_a_deterministic_hash(coder: EnsembleCoder) -> None:
    other = EnsembleCoder().fit_codebook()
    assert coder.coder_label == other.coder_label
    assert coder.coder_label.startswith("ensemble@") and len(coder.coder_label) == 19
    assert EnsembleCoder(C=1.0).fit_codebook().coder_label != coder.coder_label


# ------------------------------------------------------------------ behaviour
def test_process_talk_gets_no_level(coder: EnsembleCoder) -> None:
    talk = ["Shall we book the next session for March?",
            "We agreed the ground rules: what is said here stays here.",
            "We had a good chat about our families, which helped build rapport.",
            "Can we move Thursday's meeting to the afternoon?"]
    assert code_segments(_segments(talk), coder=coder).empty


def test_each_level_and_evidence(coder: EnsembleCoder) -> None:
    texts = ["She thanked the porters by name in the huddle.",
             "The interview panel for the band 7 post was all white.",
             "He argued at board for the trust's target on BME representation.",
             "Photos of BME award winners are up on the department wall.",
             "He listens carefully to the quieter staff and asks them to speak first."]
    out = code_segments(_segments(texts), coder=coder)
    assert [_levels(out, f"s{i:02d}") for i in range(4)] == [
        ["individual"], ["departmental"], ["organisational"], ["symbolic"]]
    assert out.loc[0, "evidence"] == "by name"
    assert "individual" in _levels(out, "s04")
    row = out[out["segment_id"] == "s04"].iloc[0]
    assert row["evidence"].startswith('example: "') or row["evidence"]


def test_multi_level_sentence(coder: EnsembleCoder) -> None:
    text = ("She nominated Grace for the trust's inclusion award and had her photo put up on "
            "the ward wall when she won.")
    out = code_segments(_segments([text]), coder=coder)
    assert out["code"].tolist() == ["organisational", "symbolic"]
    assert set(out["valence"]) == {"positive"}


@pytest.mark.parametrize("text, valence", [
    ("He did not use inclusive language with the overseas nurses.", "attention"),
    ("He uses inclusive language with the overseas nurses.", "positive"),
    ("Although she says she supports the staff network, she has never attended.",
     "attention"),
    ("She was never dismissive of the junior staff.", "positive"),
    ("She was dismissive of the junior staff.", "attention"),
])
def test_negation_and_contrast_decide_valence(coder: EnsembleCoder, text: str,
                                              valence: str) -> None:
    out = code_segments(_segments([text]), coder=coder)
    assert len(out) >= 1 and set(out["valence"]) == {valence}


def test_output_is_sorted_and_byte_identical(coder: EnsembleCoder) -> None:
    texts = ["Photos of BME award winners are up on the department wall.",
             "We booked the next session.",
             "She nominated Grace for the trust's inclusion award and had her photo put up.",
             "He talked over the Black nurse twice in the huddle."]
    seg = _segments(texts).iloc[::-1].reset_index(drop=True)
    first = code_segments(seg, coder=coder)
    order = list(seg["segment_id"])
    assert first["segment_id"].map(order.index).is_monotonic_increasing
    again = code_segments(seg.copy(), coder=EnsembleCoder().fit_codebook())
    assert first.to_csv(index=False).encode() == again.to_csv(index=False).encode()
    assert first["score"].between(0, 1).all()
    assert set(first["valence"]) <= {"positive", "attention", "neutral"}


# ------------------------------------------------------------------ input validation
@pytest.mark.parametrize("frame, message", [
    (pd.DataFrame({"id": ["a"], "text": ["x"]}), "no column.*'segment_id'.*found: id, text"),
    (pd.DataFrame({"segment_id": ["a"], "body": ["x"]}), "'text'"),
    (pd.DataFrame({"segment_id": ["a", "b", "a"], "text": ["x", "y", "z"]}),
     "duplicate segment_id.*'a'"),
    (pd.DataFrame({"segment_id": ["a", "b"], "text": ["x", 3.5]}),
     "text must be a string.*row 2 \\(segment_id 'b'\\)"),
    ("not a frame", "must be a pandas DataFrame"),
])
def test_bad_segments_raise_coding_error(coder: EnsembleCoder, frame, message: str) -> None:
    with pytest.raises(CodingError, match=message):
        code_segments(frame, coder=coder)


def test_empty_input_gives_empty_table(coder: EnsembleCoder) -> None:
    out = code_segments(pd.DataFrame({"segment_id": [], "text": []}), coder=coder)
    assert out.empty and list(out.columns) == ["segment_id", "code", "coder", "score",
                                               "valence", "evidence"]


def test_human_segments_are_extra_training(coder: EnsembleCoder) -> None:
    extra = pd.DataFrame({"text": ["The rota gives Eid off to nobody.", "Tea and biscuits."],
                          "levels": ["departmental", "none"],
                          "valence": ["attention", "neutral"]})
    fitted = EnsembleCoder().fit_codebook(extra_segments=extra)
    assert fitted.coder_label != coder.coder_label
    assert "The rota gives Eid off to nobody." in fitted.training_.texts


def test_human_items_keep_only_the_frame_levels() -> None:
    from rmresearch.codebook import LEVELS
    from rmresearch.coding.training import human_items

    codings = pd.DataFrame({
        "segment_id": ["a", "a", "b", "c", "d"],
        "code": ["individual", "symbolic", "sub_code", "none", "individual"],
        "coder": ["human:ana", "human:ana", "human:ana", "human:bo", "ensemble@1"],
        "valence": ["positive", "positive", "attention", "neutral", "positive"]})
    segments = pd.DataFrame({"segment_id": list("abcd"), "text": ["A.", "B.", "C.", "D."]})
    items = human_items(codings, segments, LEVELS)
    assert [(i.text, i.levels, i.valence) for i in items] == [
        ("A.", ("individual", "symbolic"), "positive"), ("C.", (), "neutral")]


def test_a_persons_role_decisions_teach_the_role_models() -> None:
    """A segment a person called a question, thanks... is a not-codable item with that role;
    a level a person gave wins (a finding); the rules' roles teach nothing."""
    from rmresearch.codebook import LEVELS
    from rmresearch.coding.training import human_items

    codings = pd.DataFrame({"segment_id": ["a", "e"], "code": ["individual", "none"],
                            "coder": ["human:ana", "human:ana"],
                            "valence": ["attention", "neutral"]})
    segments = pd.DataFrame({
        "segment_id": list("abcdef"), "text": ["A.", "B?", "Thanks!", "D.", "", "Heading F"],
        "role": ["question", "question", "about_mentoring", "heading", "logistics", "heading"],
        "role_by": ["human:ana", "human:bo", "human:ana", "roles-v13", "human:ana", None]})
    items = human_items(codings, segments, LEVELS)
    assert [(i.text, i.levels, i.valence, i.role) for i in items] == [
        ("A.", ("individual",), "attention", "finding"), ("B?", (), None, "question"),
        ("Thanks!", (), None, "about_mentoring")]
    # without the level, a's decision stands
    assert [(i.text, i.role) for i in human_items(None, segments, LEVELS)] == [
        ("A.", "question"), ("B?", "question"), ("Thanks!", "about_mentoring")]
    assert human_items(codings, segments[["segment_id", "text"]], LEVELS)[0].role == "finding"


def test_coder_says_what_it_embeds_and_with_which_embedder(coder: EnsembleCoder) -> None:
    """What embedding ahead (on Dask) needs, as public API: the embedder the coder uses, the
    texts it embeds when fitted (known before fitting, without loading the model) and, once
    fitted, their vectors."""
    from rmresearch.coding.embeddings import Embedder, embedding_sha

    unfitted = EnsembleCoder()
    assert unfitted.training_texts() == coder.training_texts()
    assert unfitted.trained_vectors() == {}
    assert not [k for k in vars(unfitted) if k.endswith("_")]  # nothing learned or built
    assert isinstance(unfitted.get_embedder(), Embedder)
    assert unfitted.get_embedder() is unfitted.get_embedder()
    given = Embedder(use_cache=False)
    assert EnsembleCoder(embedder=given).get_embedder() is given
    texts, vectors = coder.training_texts(), coder.trained_vectors()
    assert len(texts) > 100 and set(vectors) == {embedding_sha(t) for t in texts}
    np.testing.assert_array_equal(vectors[embedding_sha(texts[0])],
                                  coder.get_embedder().encode(texts[:1])[0])


# ------------------------------------------------------------------ decisions and weights
def test_fallback_keeps_the_likeliest_level_only_when_no_level_is_unlikely() -> None:
    from rmresearch.coding.model import decide

    P = np.array([[0.40, 0.10, 0.05, 0.05],    # no level at 0.5, best 0.40, none 0.30: kept
                  [0.40, 0.10, 0.05, 0.05],    # same levels, none 0.60: stays uncoded
                  [0.30, 0.20, 0.05, 0.05],    # best below the fallback: uncoded
                  [0.70, 0.60, 0.05, 0.05]])   # above threshold: both, as before
    p_none = np.array([0.30, 0.60, 0.10, 0.10])
    out = decide(P, [0.5] * 4, p_none, 1.0, fallback=0.35, fallback_none=0.5)
    assert out.tolist() == [[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [1, 1, 0, 0]]
    # without a fallback (the old rule) the first row is uncoded too
    assert decide(P, [0.5] * 4, p_none, 1.0)[0].tolist() == [0, 0, 0, 0]


def test_human_codings_weigh_more_when_asked_and_change_the_label() -> None:
    extra = pd.DataFrame({"text": ["the ward manager never lets the agency nurses speak"
                                   " at huddle", "her bleep is always answered by someone"
                                   " else when a black nurse calls"],
                          "levels": ["individual", "departmental"],
                          "valence": ["attention", "attention"]})
    plain = EnsembleCoder(human_weight=1.0).fit_codebook(extra_segments=extra)
    heavy = EnsembleCoder(human_weight=8.0).fit_codebook(extra_segments=extra)
    assert plain.sample_weight_ is None
    assert sorted(set(heavy.sample_weight_)) == [1.0, 8.0]
    assert int((heavy.sample_weight_ == 8.0).sum()) == 2
    assert heavy.coder_label != plain.coder_label
    text = ["the agency nurses are never let speak at huddle"]
    p_plain, p_heavy = plain.predict_proba(text)[0], heavy.predict_proba(text)[0]
    assert not np.allclose(p_plain, p_heavy)
    with pytest.raises(CodingError, match="sample_weight has 1 values"):
        EnsembleCoder().fit(["a", "b"], [["individual"], []], sample_weight=[1.0])
