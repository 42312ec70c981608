"""Emergent themes (BERTopic): determinism in and across processes, themes found, tables.

The corpus is 120 short notes on five themes written for this test. It is embedded once per
session with the packaged MiniLM; every fit reuses those embeddings. The first UMAP fit in a
process pays about 12 s of numba compilation; the cross-process check starts its subprocess
early so that compilation overlaps the in-process fits.
"""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rmresearch.errors import RmResearchError
from rmresearch.analysis.topic_frame import missed_by_frame
from rmresearch.analysis.topic_labels import MAX_QUOTE_SIMILARITY, MAX_WORDS, keyword_label
from rmresearch.analysis.topics import (NO_CODE, OUTLIER_LABEL, TopicResult, TopicsError,
                                        default_embed, fit_topics, topics_by_level,
                                        write_topic_tables)

pytestmark = pytest.mark.slow

THEMES: dict[str, list[str]] = {
    "panels": [
        "The shortlisting panel for the band 7 post was all white men.",
        "She now insists every interview panel includes someone from a BME background.",
        "Two of the interview panel members had never done recruitment training.",
        "Candidates from the staff bank were not invited to interview this year.",
        "He explained how the panel scored each candidate at interview.",
        "The job advert asked for experience that few internal applicants could show.",
        "Feedback to unsuccessful candidates after interview was one line long.",
        "We looked at who sat on the last five recruitment panels in the department.",
        "A diverse panel changed which candidate was appointed to the matron role.",
        "Shortlisting is now done with names removed from the application forms.",
        "The recruitment panel chair said diverse interview panels slow hiring down.",
        "Internal candidates said the interview questions favoured people already acting up.",
    ],
    "networks": [
        "The BME staff network meets monthly and the chief executive attends twice a year.",
        "She has become the executive sponsor of the race equality staff network.",
        "Network members presented their WRES findings to the trust board.",
        "The disability staff network has no budget and meets in lunch breaks.",
        "He had not heard of the LGBT+ staff network until our conversation.",
        "Staff network chairs now get protected time each month for network business.",
        "The race equality network asked the board to publish its ethnicity pay gap.",
        "Few consultants join the staff networks, so the networks lack senior voices.",
        "The women's network organised a leadership day for band 5 and 6 staff.",
        "Our trust's networks were consulted on the new equality strategy.",
        "The network lead said members fear speaking up about racism at work.",
        "She now opens network meetings by sharing what the board did with their concerns.",
    ],
    "pictures": [
        "The photographs on the corridor wall show only white consultants.",
        "The noticeboard outside her office has pictures of last year's award winners.",
        "Every portrait of a former chair in the boardroom is of a white man.",
        "Posters in the waiting room feature staff of many ethnicities.",
        "The welcome poster at reception shows the ward team photographed together.",
        "There is a framed picture of the nursing award ceremony near the lifts.",
        "The department's wall of fame had no photos of porters or domestic staff.",
        "New photos on the corridor now show the healthcare assistants by name.",
        "The leaflets in the entrance picture only young white families.",
        "A photograph of a black ward sister receiving her award hangs in the atrium.",
        "The staff noticeboard was covered in outdated posters from 2019.",
        "The new display in the canteen shows pictures of staff from every band.",
    ],
    "sessions": [
        "We rescheduled our mentoring session because her diary was full of board meetings.",
        "Our third session was cut to twenty minutes after a late start.",
        "Her assistant now books our mentoring sessions six weeks ahead.",
        "We agreed to meet on Teams for the next session to save travel.",
        "The session was cancelled twice, so we booked a double slot in March.",
        "I sent the agenda for our session a week in advance.",
        "We met in the hospital cafe because no meeting room was free.",
        "The calendar invite for the session clashed with my night shift.",
        "We set a fixed time every second Tuesday morning for our sessions.",
        "Our mentoring sessions have moved to the early morning before clinics start.",
        "She rearranged the session at short notice because of an inspection visit.",
        "We booked the remaining three sessions before the summer holidays.",
    ],
    "rota": [
        "Annual leave on the ward rota is approved first come, first served.",
        "Night shifts on the rota fall mostly on the international nurses.",
        "Staff said the e-rostering system lets managers swap shifts without asking.",
        "Requests for leave over Eid were refused while Christmas leave was granted.",
        "The rota is published only two weeks ahead, which makes childcare hard.",
        "Bank holiday shifts are shared out by the ward manager with no clear rule.",
        "Part-time staff get the weekend shifts nobody else on the rota wants.",
        "Study leave requests from band 5 nurses are often turned down.",
        "The roster coordinator keeps a spreadsheet of who worked each holiday.",
        "Leave requests now go through the electronic roster, not the ward diary.",
        "Long day shifts were added to the rota without consulting the team.",
        "The ward manager reviews the rota every month for fairness of night shifts.",
    ],
}
FRAMES = ("{}", "Also: {}")
TEXTS = [frame.format(s) for theme in THEMES.values() for s in theme for frame in FRAMES]
THEME_OF = [name for name, sents in THEMES.items() for _ in sents for _ in FRAMES]
THEME_WORDS = {
    "panels": {"panel", "panels", "interview", "shortlisting", "recruitment", "candidate",
               "candidates", "interview panel"},
    "networks": {"network", "networks", "staff network", "equality", "board"},
    "pictures": {"pictures", "picture", "photographs", "photos", "photograph", "posters",
                 "noticeboard", "wall", "award", "corridor"},
    "sessions": {"session", "sessions", "mentoring", "booked", "meeting", "diary"},
    "rota": {"rota", "leave", "shifts", "night", "roster", "shift", "ward"},
}
LEVEL_OF = {"panels": "departmental", "networks": "organisational", "pictures": "symbolic"}
SUBPROCESS_SCRIPT = """
import json, sys
import numpy as np
from rmresearch.analysis.topics import fit_topics, write_topic_tables
folder = sys.argv[1]
texts = json.load(open(folder + "/texts.json", encoding="utf-8"))
result = fit_topics(texts, embeddings=np.load(folder + "/embeddings.npy"), seed=42)
write_topic_tables(result, folder + "/out")
"""


@pytest.fixture(scope="session")
def embeddings() -> np.ndarray:
    """Real MiniLM embeddings of the corpus, computed once."""
    return default_embed(TEXTS)


@pytest.fixture(scope="session")
def other_process(embeddings: np.ndarray, tmp_path_factory: pytest.TempPathFactory):
    """Start a fresh interpreter fitting the same input; yields (process, output folder)."""
    folder = tmp_path_factory.mktemp("topics_subprocess")
    (folder / "texts.json").write_text(json.dumps(TEXTS), encoding="utf-8")
    np.save(folder / "embeddings.npy", embeddings)
    env = {**os.environ, "PYTHONHASHSEED": "12345", "HF_HUB_OFFLINE": "1",
           "TRANSFORMERS_OFFLINE": "1"}
    proc = subprocess.Popen([sys.executable, "-c", SUBPROCESS_SCRIPT, str(folder)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    yield proc, folder / "out"
    if proc.poll() is None:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="session")
def result(embeddings: np.ndarray, other_process) -> TopicResult:
    """One fit of the corpus (after the cross-process run has started)."""
    return fit_topics(TEXTS, embeddings=embeddings, seed=42)


def test_refit_in_same_process_is_identical(result, embeddings, tmp_path):
    again = fit_topics(TEXTS, embeddings=embeddings.copy(), seed=42)
    pd.testing.assert_frame_equal(result.topics, again.topics)
    pd.testing.assert_frame_equal(result.assignments, again.assignments)
    first = write_topic_tables(result, tmp_path / "a")
    second = write_topic_tables(again, tmp_path / "b")
    for name in first:
        assert first[name].read_bytes() == second[name].read_bytes()


def test_fit_in_another_process_gives_the_same_bytes(result, other_process, tmp_path):
    proc, out = other_process
    _, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr[-3000:]
    here = write_topic_tables(result, tmp_path)
    for name, path in here.items():
        assert (out / path.name).read_bytes() == path.read_bytes(), name


def test_topics_follow_the_themes(result):
    topics = result.topics.set_index("topic")
    found = [t for t in topics.index if t != -1]
    assert len(found) >= 2
    themes = pd.Series(THEME_OF)
    for topic in found:
        members = themes[(result.assignments["topic"] == topic).to_numpy()]
        theme = members.mode().iloc[0]
        assert (members == theme).mean() >= 0.8, (topic, members.value_counts().to_dict())
        keywords = set(topics.loc[topic, "keywords"].split(";"))
        assert keywords & THEME_WORDS[theme], (theme, keywords)


def test_tables_have_the_documented_schema(result):
    topics, assignments = result.topics, result.assignments
    assert list(topics.columns) == ["topic", "size", "label", "keywords", "representative"]
    assert list(assignments.columns) == ["index", "topic", "probability"]
    assert topics["topic"].tolist() == sorted(topics["topic"]) and topics["topic"].iloc[0] == -1
    assert topics.loc[topics["topic"] == -1, "label"].item() == OUTLIER_LABEL
    assert topics["size"].sum() == len(TEXTS)
    assert assignments["index"].tolist() == list(range(len(TEXTS)))
    counts = assignments["topic"].value_counts()
    assert all(counts.get(t, 0) == s for t, s in zip(topics["topic"], topics["size"]))
    assert assignments["probability"].between(0, 1).all()
    assert (assignments.loc[assignments["topic"] == -1, "probability"] == 0).all()
    assert str(assignments["topic"].dtype) == "int64"
    for _, row in topics[topics["topic"] != -1].iterrows():
        words = row["keywords"].split(";")
        assert 1 <= len(words) <= 10
        label = row["label"].lower()
        members = [TEXTS[i].lower().replace("\u2019", "'") for i in
                   result.assignments.index[result.assignments["topic"] == row["topic"]]]
        assert 1 <= len(label.split()) <= MAX_WORDS and sum(label in m for m in members) >= 2, \
            (label, members[:3])
    assert "model" not in repr(result)


def test_representative_texts_come_from_the_input(result):
    inputs = set(TEXTS)
    for topic, size, docs in result.topics[["topic", "size", "representative"]].itertuples(
            index=False):
        assert (1 <= len(docs) <= 3) if topic != -1 else docs == []
        assert len(set(docs)) == len(docs) and set(docs) <= inputs
        members = {TEXTS[i] for i in result.assignments.index[result.assignments["topic"] == topic]}
        assert set(docs) <= members
        if len(docs) > 1:
            vectors = default_embed(list(docs))
            similar = vectors @ vectors.T
            assert (similar[~np.eye(len(docs), dtype=bool)] <= MAX_QUOTE_SIMILARITY + 1e-4).all()


def _codings() -> pd.DataFrame:
    """One level per segment of the panels, networks and pictures themes, by two coders."""
    rows = [(f"s{i:03d}", LEVEL_OF[theme], coder)
            for i, theme in enumerate(THEME_OF) if theme in LEVEL_OF
            for coder in ("rules@1", "human:amara")]
    return pd.DataFrame(rows, columns=["segment_id", "code", "coder"])


def test_topics_by_level_counts_every_segment_once(result):
    ids = [f"s{i:03d}" for i in range(len(TEXTS))]
    table = topics_by_level(result.assignments, ids, _codings())
    assert list(table.columns) == ["individual", "departmental", "organisational", "symbolic",
                                   NO_CODE]
    assert table.index.tolist() == result.topics["topic"].tolist()
    assert int(table.to_numpy().sum()) == len(TEXTS)
    assert table.sum(axis=1).tolist() == result.topics["size"].tolist()
    assert table[NO_CODE].sum() == THEME_OF.count("sessions") + THEME_OF.count("rota")
    missed = missed_by_frame(result.topics, table)
    themes = pd.Series(THEME_OF)
    for topic in missed["topic"]:
        members = themes[(result.assignments["topic"] == topic).to_numpy()]
        assert members.isin(["sessions", "rota"]).mean() >= 0.5
    assert len(missed) >= 1 and (missed["share_none"] >= 0.5).all()


def test_topics_by_level_counts_a_segment_under_each_of_its_levels(result):
    ids = [f"s{i:03d}" for i in range(len(TEXTS))]
    extra = pd.DataFrame({"segment_id": ["s000", "s000", "zzz"],
                          "code": ["individual", "valence_only", "symbolic"]})
    coded = pd.concat([_codings(), extra], ignore_index=True)
    table = topics_by_level(result.assignments, ids, coded)
    assert "valence_only" in table.columns and table.columns[-1] == NO_CODE
    assert int(table.to_numpy().sum()) == len(TEXTS) + 2
    only_levels = topics_by_level(result.assignments, ids, coded,
                                  levels=["departmental", "symbolic"])
    assert list(only_levels.columns) == ["departmental", "symbolic", NO_CODE]
    assert int(only_levels.to_numpy().sum()) == len(TEXTS)


def test_topics_by_level_rejects_misaligned_ids(result):
    with pytest.raises(TopicsError, match="segment_ids has 3 ids"):
        topics_by_level(result.assignments, ["a", "b", "c"], _codings())


def test_too_few_texts_raise_a_project_error_before_embedding():
    def never(texts: list[str]) -> np.ndarray:
        raise AssertionError("embedding should not run")

    with pytest.raises(RmResearchError, match=r"at least 30 texts.*got 12"):
        fit_topics(TEXTS[:12], embed=never)
    with pytest.raises(TopicsError, match=r"at least 50 texts.*got 40"):
        fit_topics(TEXTS[:40], embed=never, min_topic_size=25)


@pytest.mark.parametrize("kwargs, message", [
    ({"min_topic_size": 1}, "min_topic_size"),
    ({"nr_topics": "few"}, "nr_topics"),
])
def test_bad_options_are_named(kwargs, message):
    with pytest.raises(TopicsError, match=message):
        fit_topics(TEXTS, embeddings=np.zeros((len(TEXTS), 4)), **kwargs)


def test_bad_texts_and_embeddings_are_reported(embeddings):
    with pytest.raises(TopicsError, match="position"):
        fit_topics(["   ", *TEXTS], embeddings=embeddings)
    with pytest.raises(TopicsError, match=f"expected {len(TEXTS)} rows"):
        fit_topics(TEXTS, embeddings=embeddings[:-1])
    broken = embeddings.copy()
    broken[3, 0] = np.nan
    with pytest.raises(TopicsError, match="NaN"):
        fit_topics(TEXTS, embeddings=broken)


def test_embed_function_gives_the_same_result_as_precomputed(result, embeddings):
    lookup = dict(zip(TEXTS, embeddings))
    calls: list[int] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        if texts[0] not in lookup:  # the candidate phrases of the labels
            return default_embed(texts)
        return np.stack([lookup[t] for t in texts])

    fitted = fit_topics(TEXTS, embed=embed, seed=42)
    assert calls[0] == len(TEXTS) and len(calls) == 2  # the texts, then the label phrases
    pd.testing.assert_frame_equal(fitted.assignments, result.assignments)
    pd.testing.assert_frame_equal(fitted.topics, result.topics)


def test_nr_topics_merges_and_global_random_state_is_restored(embeddings):
    np.random.seed(7)
    random.seed(7)
    expected = (np.random.random(), random.random())
    np.random.seed(7)
    random.seed(7)
    merged = fit_topics(TEXTS, embeddings=embeddings, seed=42, nr_topics=2)
    assert (np.random.random(), random.random()) == expected
    assert (merged.topics["topic"] != -1).sum() <= 2
    assert merged.topics["size"].sum() == len(TEXTS)


def test_no_structure_gives_a_single_unassigned_topic():
    texts = [f"Note {i}: item{i} checked" for i in range(40)]
    noise = np.random.RandomState(1).randn(40, 384).astype(np.float32)
    found = fit_topics(texts, embeddings=noise, seed=42)
    assert found.topics[["topic", "size", "label"]].to_dict("records") == [
        {"topic": -1, "size": 40, "label": OUTLIER_LABEL}]
    assert (found.assignments["topic"] == -1).all()
    assert (found.assignments["probability"] == 0).all()


def test_a_topic_without_a_phrase_is_labelled_by_a_phrase_its_texts_hold_not_a_keyword_list(
        ) -> None:
    texts = ["I described her as very articulate, in a way that landed badly.",
             "He called the new nurse articulate; it landed badly with the team.",
             "Said 'so articulate' about the registrar."]
    keywords = ["articulate", "described articulate", "landed badly", "badly"]
    assert keyword_label(keywords, texts) == "landed badly"  # in two texts, word for word
    assert keyword_label(["articulate", "described articulate"], texts) == "articulate"
    assert keyword_label([], texts) == ""


def test_a_keyword_label_never_carries_a_name() -> None:
    texts = ["He described Bernadette as difficult in the huddle.",
             "Bernadette was described as abrupt by the matron.",
             "The matron described the night staff as a handful."]
    assert keyword_label(["described bernadette", "described", "huddle"], texts) == "described"
    assert keyword_label(["bernadette described"], texts) == "someone described"
