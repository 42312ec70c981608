"""Training material: the shipped files, merging by text, rows that teach valence only, and
the discourse roles that teach the role models."""
from __future__ import annotations

from importlib import resources

import numpy as np
import pytest
import yaml

from rmresearch.codebook import default_codebook
from rmresearch.coding import EnsembleCoder
from rmresearch.coding.model import LevelClassifier
from rmresearch.coding.training import (ROLE_ONLY, TRAINING_FILES, VALENCE_ONLY,
                                        VALENCE_TRAINING_FILES, TrainingItem,
                                        build_training_set, training_file_items)
from rmresearch.errors import CodingError
from rmresearch.vocabulary import FINDING, ROLES

LEVEL_TEXTS = ["She thanked the porters by name in the huddle.",
               "He talked over the Black nurses at handover.",
               "The interview panels for band 7 posts are all white.",
               "Acting-up posts are now advertised to the whole team for a week.",
               "He chairs the race equality staff network and never misses it.",
               "She has not been to a single disability network meeting.",
               "Photos of the BME award winners are up on the department wall.",
               "Every face on the senior team photo is white.",
               "Shall we book the next session for March?",
               "We talked about his holiday in Wales."]
LEVEL_Y = np.array([[1, 0, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0],
                    [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]])
LEVEL_VAL = ["positive", "attention", "attention", "positive", "positive", "attention",
             "positive", "attention", None, None]
# findings whose valence only is taught: flat words, a judgement in the second clause
VALENCE_TEXTS = ["The trust's EDI lead reports to the chief people officer.",
                 "Shortlisting ratios are broadly stable at 1.6, which we recognise is not good enough.",
                 "Formal disciplinaries of Black staff fell from 31 to 12 in two years.",
                 "The action plan sets out six workstreams for next year."]
VALENCE_VAL = ["neutral", "attention", "positive", "neutral"]


def test_valence_only_items_have_unknown_levels_unless_a_level_file_has_the_text() -> None:
    cb = default_codebook()
    items = [TrainingItem("He asked the HCAs first.", ("individual",), "positive", "training"),
             TrainingItem("The board met twice.", ("organisational",), "neutral", VALENCE_ONLY),
             TrainingItem("He asked the HCAs first.", ("symbolic",), "attention", VALENCE_ONLY)]
    ts = build_training_set(cb, items)
    assert ts.texts == ["He asked the HCAs first.", "The board met twice."]
    # a level file's labels win over a valence-only item's; its source and valence stay
    assert ts.Y[0].tolist() == [1, 0, 0, 0] and ts.valences[0] == "positive"
    assert ts.sources[0] == "training"
    assert ts.Y[1].tolist() == [-1, -1, -1, -1] and ts.valences[1] == "neutral"
    assert ts.sources[1] == VALENCE_ONLY
    # the order does not matter: a level item after a valence-only one makes it known
    ts2 = build_training_set(cb, items[::-1])
    assert ts2.Y[ts2.texts.index("He asked the HCAs first.")].tolist() == [1, 0, 0, 0]
    assert ts2.sources[ts2.texts.index("He asked the HCAs first.")] == "training"
    assert ts.hash != build_training_set(cb, items[:1]).hash


def test_level_classifier_learns_valence_but_not_levels_from_unknown_rows() -> None:
    rng = np.random.default_rng(0)
    F = rng.normal(size=(40, 6))
    Y = (F[:, :4] > 0.3).astype(int)
    val = ["positive" if x > 0 else "attention" for x in F[:, 4]]
    extra = rng.normal(size=(30, 6))
    F2 = np.vstack([F, extra])
    Y2 = np.vstack([Y, -np.ones((30, 4), dtype=int)])
    val2 = val + ["neutral" if x > 0 else "attention" for x in extra[:, 5]]
    probe = rng.normal(size=(15, 6))
    alone = LevelClassifier(4.0, 4.0, 0).fit(F, Y, val)
    more = LevelClassifier(4.0, 4.0, 0).fit(F2, Y2, val2)
    np.testing.assert_array_equal(alone.proba(probe), more.proba(probe))
    assert "neutral" in more.valence_classes_ and "neutral" not in alone.valence_classes_
    assert not np.allclose(alone.valence_proba(probe), more.valence_proba(probe))


def test_ensemble_levels_are_the_same_with_valence_only_rows() -> None:
    """Embedding and lexical level models ignore the rows; both valence models use them."""
    texts, Y = LEVEL_TEXTS + VALENCE_TEXTS, np.vstack([LEVEL_Y, -np.ones((4, 4), dtype=int)])
    alone = EnsembleCoder(random_state=0).fit(LEVEL_TEXTS, LEVEL_Y, LEVEL_VAL)
    more = EnsembleCoder(random_state=0).fit(texts, Y, LEVEL_VAL + VALENCE_VAL)
    probe = ["The shortlisting panel was all white.", "She chairs the network.",
             "The committee is asked to note the WRES report."]
    np.testing.assert_array_equal(alone.predict_proba(probe), more.predict_proba(probe))
    assert not np.allclose(alone.predict_valence_proba(probe), more.predict_valence_proba(probe))
    assert alone.coder_label != more.coder_label


def test_shipped_valence_file_teaches_valence_with_its_findings_only() -> None:
    cb = default_codebook()
    items = training_file_items(cb)
    only = [it for it in items if it.source == VALENCE_ONLY]
    (name,) = VALENCE_TRAINING_FILES
    rows = yaml.safe_load(resources.files("rmresearch").joinpath(name).read_text("utf-8"))
    findings = [r for r in rows if r.get("levels")]
    assert len(rows) > 1000 and 0 < len(findings) < len(rows)
    assert [it.text for it in only] == [r["text"].strip() for r in findings]
    assert {it.role for it in only} == {FINDING}
    assert all(it.levels and it.valence for it in only)
    assert {it.valence for it in only} == {"positive", "attention", "neutral"}
    # in the merged set those texts carry no levels, so they never teach a level
    ts = build_training_set(cb, items)
    level_texts = {it.text for it in items if it.source != VALENCE_ONLY}
    for text in {it.text for it in only} - level_texts:
        assert (ts.Y[ts.texts.index(text)] == -1).all()


def _parse(tmp_path, text: str) -> list[TrainingItem]:
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    return training_file_items(default_codebook(), path)


def test_an_item_may_name_its_role_and_one_with_levels_is_a_finding(tmp_path) -> None:
    items = _parse(tmp_path, """
- {text: "Q3. What would you change first?", levels: [], valence: neutral, role: question}
- {text: "He asked the HCAs first.", levels: [individual], valence: positive}
- {text: "He asked the porters first.", levels: [individual], valence: positive, role: finding}
- {text: "We met in the library.", levels: []}
""")
    assert [it.role for it in items] == ["question", FINDING, FINDING, None]
    ts = build_training_set(default_codebook(), items)
    assert ts.roles == ["question", FINDING, FINDING, None]
    assert ts.role_labels() == ts.roles


def test_a_wrong_role_is_named_with_the_roles_allowed(tmp_path) -> None:
    with pytest.raises(CodingError) as info:
        _parse(tmp_path, """
- {text: "Thanks all!", levels: [], role: thanks}
- {text: "Section 2", levels: [symbolic], role: heading}
""")
    message = str(info.value)
    assert "mine.yaml" in message and "item 1: role 'thanks' is not one of" in message
    assert all(role in message for role in ROLES)
    assert "item 2: role 'heading' with levels ['symbolic']; only a 'finding' has levels" \
        in message


def test_role_only_rows_teach_no_level_and_no_valence() -> None:
    cb = default_codebook()
    items = [TrainingItem("Room 4 again, 2pm.", (), None, ROLE_ONLY, "logistics"),
             TrainingItem("He asked the HCAs first.", ("individual",), "positive", "training"),
             TrainingItem("Reflective log, week 3", (), None, "training"),
             TrainingItem("Reflective log, week 3", (), None, ROLE_ONLY, "heading"),
             TrainingItem("He asked the HCAs first.", (), None, ROLE_ONLY, "method")]
    ts = build_training_set(cb, items)
    assert ts.texts == ["Room 4 again, 2pm.", "He asked the HCAs first.", "Reflective log, week 3"]
    assert (ts.Y[0] == -1).all() and ts.valences[0] is None and ts.sources[0] == ROLE_ONLY
    # a text with a level is a finding whatever a later item says; a known not-codable text
    # takes the role a role-only item gives it, and stays known (its row is zeros)
    assert ts.roles == ["logistics", FINDING, "heading"]
    assert ts.Y[2].tolist() == [0, 0, 0, 0] and ts.sources[2] == "training"
    # without roles: a text with a level (or a row of -1) is a finding, the others unknown
    plain = type(ts)(ts.texts, ts.Y, ts.valences, ts.sources, ts.codes)
    assert plain.role_labels() == [FINDING, FINDING, None]
    assert plain.hash != ts.hash


def test_the_shipped_files_name_the_roles_of_their_non_findings() -> None:
    cb = default_codebook()
    items = training_file_items(cb)
    roles_file = [it for it in training_file_items(
        cb, resources.files("rmresearch").joinpath(TRAINING_FILES[-1]))]
    assert len(roles_file) > 500 and all(it.role in ROLES for it in roles_file)
    assert {it.role for it in roles_file} == set(ROLES)
    role_only = [it for it in items if it.source == ROLE_ONLY]
    assert len(role_only) > 300 and {it.role for it in role_only} == set(ROLES) - {FINDING}
    assert all(not it.levels and it.valence is None for it in role_only)
    ts = build_training_set(cb, items)
    known = [r for r in ts.roles if r is not None]
    assert sum(r != FINDING for r in known) > 700 and known.count(FINDING) > 4000
