"""Topic labels, distinct quotes and topics beside the codebook themes (no BERTopic fit here).

The label tests embed with a bag-of-words function over the test's own texts, so the phrase
closest to a topic's centroid is known without the sentence model; spaCy's small model tags
the parts of speech as in the report.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from rmresearch.analysis.topic_frame import (FRAME_MISSES, FRAME_THEME, MIN_CODER_SCORE,
                                             coded_findings, topics_beside_themes,
                                             topics_by_theme)
from rmresearch.analysis.topic_labels import (MAX_QUOTE_SIMILARITY, MAX_WORDS, distinct_quotes,
                                              proper_names, topic_labels)
from rmresearch.analysis.topics import DOMAIN_STOP_WORDS, TopicsError

PANEL = ["Amara Okafor insisted on a diverse interview panel for the band {} post.",
         "Okafor said every diverse interview panel slows hiring in ward {}.",
         "We saw a diverse interview panel appoint the matron on ward {}.",
         "Amara Okafor now checks who sits on each diverse interview panel, ward {}."]
LANYARD = ["He wore the rainbow lanyard at the board meeting number {}.",
           "Staff noticed the rainbow lanyard on the ward round {}.",
           "The rainbow lanyard came out again at handover {}.",
           "She asked why he wore a rainbow lanyard to clinic {}."]
TEXTS = [t.format(i) for i in range(3) for t in PANEL] + \
        [t.format(i) for i in range(3) for t in LANYARD]
TOPICS = np.array([0] * 12 + [1] * 12)
WORDS = re.compile(r"[a-z]+")


def bag_of_words(texts: list[str]) -> np.ndarray:
    """Unit word-count vectors over the words of `TEXTS` (a stand-in sentence embedder)."""
    vocab = sorted({w for t in TEXTS for w in WORDS.findall(t.lower())})
    index = {w: i for i, w in enumerate(vocab)}
    out = np.zeros((len(texts), len(vocab)))
    for row, text in enumerate(texts):
        for word in WORDS.findall(text.lower()):
            if word in index:
                out[row, index[word]] += 1
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.where(norms > 0, norms, 1)


def labels_for(topics: np.ndarray = TOPICS) -> dict[int, str]:
    return topic_labels(TEXTS, bag_of_words(TEXTS), topics, bag_of_words,
                        stop_words=DOMAIN_STOP_WORDS, fallback={0: "kw0", 1: "kw1"})


def test_labels_are_short_phrases_of_the_topics_own_texts():
    labels = labels_for()
    assert "interview panel" in labels[0] and "rainbow lanyard" in labels[1], labels
    for topic, label in labels.items():
        words = label.split()
        assert 2 <= len(words) <= MAX_WORDS
        members = [t.lower() for t, k in zip(TEXTS, TOPICS) if k == topic]
        assert sum(label.lower() in m for m in members) >= 2
        assert not re.search(r"[,;]", label)


def test_labels_never_hold_a_name_and_are_deterministic():
    names = proper_names(TEXTS)
    assert {"amara", "okafor"} <= names and "panel" not in names
    first, second = labels_for(), labels_for()
    assert first == second
    assert not any(n in first[0].lower().split() for n in names)


def test_labels_are_unique_across_topics():
    """Split the panel texts into two topics: the second takes its next best phrase."""
    topics = np.array([0] * 6 + [2] * 6 + [1] * 12)
    labels = labels_for(topics)
    assert len(set(labels.values())) == 3, labels


def test_a_topic_without_a_qualifying_phrase_keeps_its_keywords():
    topics = np.array([0] * 12 + [1] * 11 + [3])
    labels = labels_for(topics)
    assert labels[3] == "" and labels[1] != "kw1"


def test_quotes_leave_out_near_copies_by_embedding_and_by_words():
    texts = ["The panel was all white men.", "A panel of only white men, again.",
             "Nobody explained the shortlisting decision.", "Leave over Eid was refused.",
             "Leave over Eid was refused again."]
    vectors = np.array([[1.0, 0.0, 0.0, 0.0], [0.95, 0.31, 0.0, 0.0], [0.3, 0.95, 0.0, 0.0],
                        [0.5, 0.0, 0.86, 0.0], [0.5, 0.0, 0.0, 0.86]])
    quotes = distinct_quotes(texts, vectors, [0, 1, 2, 3, 4], k=3)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    centre = unit.mean(axis=0)
    assert quotes[0] == texts[int(np.argmax(unit @ centre))]
    assert not {texts[0], texts[1]} <= set(quotes)          # cosine 0.95
    assert len([q for q in quotes if q.startswith("Leave over Eid")]) == 1  # same words
    assert len(quotes) == 3
    chosen = [texts.index(q) for q in quotes]
    sims = unit[chosen] @ unit[chosen].T
    assert (sims[~np.eye(len(chosen), dtype=bool)] <= MAX_QUOTE_SIMILARITY).all()
    assert distinct_quotes(texts, vectors, [], k=3) == []
    assert distinct_quotes(texts, vectors, [1, 0], k=1) == [texts[0]]


def _themed() -> pd.DataFrame:
    rows = [("s0", "departmental.recruitment_panels", "Recruitment and panels"),
            ("s1", "departmental.recruitment_panels", "Recruitment and panels"),
            ("s1", "organisational.staff_networks", "Staff networks"),
            ("s2", "departmental.other", "Other (departmental)"),
            ("s3", "symbolic.badges_signs", "Badges and signs"),
            ("s4", "symbolic.badges_signs", "Badges and signs"),
            ("s5", "individual.other", "Other (individual)"),
            ("zz", "symbolic.badges_signs", "Badges and signs")]
    return pd.DataFrame(rows, columns=["segment_id", "theme", "theme_name"])


def test_topics_beside_themes_puts_what_the_frame_misses_first():
    assignments = pd.DataFrame({"index": range(7), "topic": [0, 0, 0, 1, 1, 2, -1]})
    ids = ["s0", "s1", "s2", "s3", "s4", "s5", "s6"]
    by_theme = topics_by_theme(assignments, ids, _themed())
    assert by_theme.to_dict("records") == [
        {"topic": 0, "theme": "departmental.recruitment_panels",
         "theme_name": "Recruitment and panels", "n": 2},
        {"topic": 0, "theme": "organisational.staff_networks", "theme_name": "Staff networks",
         "n": 1},
        {"topic": 1, "theme": "symbolic.badges_signs", "theme_name": "Badges and signs", "n": 2}]
    topics = pd.DataFrame({"topic": [-1, 0, 1, 2], "size": [1, 3, 2, 1],
                           "label": ["unassigned", "diverse panels", "network badges", "misc"],
                           "keywords": ["", "", "", ""],
                           "representative": [[], ["a"], ["b"], ["c"]]})
    table = topics_beside_themes(topics, by_theme)
    assert table["topic"].tolist() == [2, 0, 1]
    assert table["frame"].tolist() == [FRAME_MISSES, FRAME_THEME, FRAME_THEME]
    assert table.loc[0, "theme"] == "" and table.loc[0, "share"] == 0.0
    assert table.loc[1, ["level", "theme", "overlap", "share"]].tolist() == [
        "departmental", "Recruitment and panels", 2, 0.67]
    strict = topics_beside_themes(topics, by_theme, min_share=0.9)
    assert strict["frame"].tolist() == [FRAME_MISSES, FRAME_MISSES, FRAME_THEME]
    assert strict["topic"].tolist() == [0, 2, 1]  # misses: largest first


def test_topics_by_theme_names_its_missing_inputs():
    assignments = pd.DataFrame({"index": [0], "topic": [0]})
    with pytest.raises(TopicsError, match="segment_ids has 2 ids"):
        topics_by_theme(assignments, ["a", "b"], _themed())
    with pytest.raises(TopicsError, match="theme_name"):
        topics_by_theme(assignments, ["a"], _themed().drop(columns="theme_name"))


def test_coded_findings_keeps_confidently_coded_texts_in_order():
    texts = pd.DataFrame({"segment_id": ["a", "b", "c", "d"], "text": ["1", "2", "3", "4"]})
    low = MIN_CODER_SCORE  # the calibrated score from which a coding is strong evidence
    coded = pd.DataFrame({"segment_id": ["d", "b", "b", "c"],
                          "score": [low + 0.3, low - 0.2, low + 0.05, low - 0.01]})
    assert coded_findings(texts, coded)["segment_id"].tolist() == ["b", "d"]
    assert coded_findings(texts, coded, min_score=0)["segment_id"].tolist() == ["b", "c", "d"]
    with pytest.raises(TopicsError, match="score"):
        coded_findings(texts, coded.drop(columns="score"))


def test_a_name_with_a_possessive_reads_someone_in_a_label():
    people = ["Amara Okafor", "Helen Marsh", "Priya", "Dev Nowak", "Kelechi Adebayo", "Tom"]
    texts = [f"{frame.format(p)}" for p in people for frame in (
        "She mispronounced {}'s name in the huddle.", "He mispronounced {}\u2019s name again.")]
    texts += [f"The rota on ward {i} was changed without asking the staff." for i in range(12)]
    topics = np.array([0] * 12 + [1] * 12)
    vocab = sorted({w for t in texts for w in WORDS.findall(t.lower())})

    def embed(items: list[str]) -> np.ndarray:
        out = np.array([[t.lower().count(w) for w in vocab] for t in items], dtype=float)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)

    labels = topic_labels(texts, embed(texts), topics, embed, stop_words=DOMAIN_STOP_WORDS,
                          fallback={})
    assert "someone's name" in labels[0], labels
    assert not {"amara", "okafor", "helen", "priya", "nowak"} & set(labels[0].split())


def test_a_label_ending_in_ward_is_not_read_as_a_ward_code_beside_its_size():
    """The published table reads cell after cell: "name on the ward" then the size 19 read
    "ward 19" to the leak check (seen on the bundled data); the label now has text after it."""
    from rmresearch.privacy.identifiers import find_identifiers

    topics = pd.DataFrame({"topic": [-1, 0], "size": [3, 19], "keywords": ["", ""],
                           "label": ["unassigned", "name on the ward"],
                           "representative": [[], ["Greeted the porters by name."]]})
    by_theme = pd.DataFrame({"topic": [0], "theme": ["individual.names_pronunciation"],
                             "theme_name": ["Names and pronunciation"], "n": [15]})
    table = topics_beside_themes(topics, by_theme)
    cells = " ".join(str(v) for v in table.drop(columns="representative").iloc[0])
    assert "name on the ward" in cells
    assert find_identifiers(cells) == []
    assert find_identifiers("name on the ward 19") != []  # what the old column order gave


def test_too_few_texts_give_an_empty_table_with_its_columns():
    """The report's fallback (every text unassigned) still gives a table to publish."""
    topics = pd.DataFrame({"topic": [-1], "size": [4], "label": ["unassigned"],
                           "keywords": [""], "representative": [[]]})
    assignments = pd.DataFrame({"index": range(4), "topic": [-1] * 4})
    by_theme = topics_by_theme(assignments, ["s0", "s1", "s2", "s3"], _themed())
    assert by_theme.empty
    table = topics_beside_themes(topics, by_theme)
    assert table.empty and list(table.columns) == [
        "frame", "topic", "size", "label", "level", "theme", "overlap", "share", "representative"]
