"""The learned role models: what they learn from, the two-step gate, and the ensemble's use of
it (a plainly non-finding segment the role rules let through gets no level)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rmresearch.coding import EnsembleCoder
from rmresearch.coding.api import default_coder
from rmresearch.coding.role_model import RoleClassifier, RoleGate
from rmresearch.coding.roles import discourse_role
from rmresearch.vocabulary import FINDING, ROLES

# four clusters: findings near +x, questions near +y, logistics near -x, headings near -y
CENTRES = {FINDING: (3.0, 0.0), "question": (0.0, 3.0), "logistics": (-3.0, 0.0),
           "heading": (0.0, -3.0)}


def _points(seed: int = 0) -> tuple[np.ndarray, list[str | None]]:
    rng = np.random.default_rng(seed)
    V, roles = [], []
    for role, centre in CENTRES.items():
        n = 60 if role == FINDING else 12  # findings outnumber the others, as in training
        V.append(rng.normal(centre, 0.6, size=(n, 2)))
        roles += [role] * n
    V.append(rng.normal((-3.0, 0.0), 0.6, size=(20, 2)))  # unknown roles: never learned
    roles += [None] * 20
    return np.vstack(V), roles


def test_learns_the_known_roles_in_vocabulary_order() -> None:
    V, roles = _points()
    model = RoleClassifier().fit(V, roles)
    assert model.classes_ == [FINDING, "question", "logistics", "heading"]
    P = model.proba(np.array([[3.0, 0.0], [0.0, 3.0], [-3.0, 0.0], [0.0, -3.0]]))
    assert P.shape == (4, len(ROLES)) and np.allclose(P.sum(axis=1), 1.0)
    assert [ROLES[j] for j in P.argmax(axis=1)] == [FINDING, "question", "logistics", "heading"]
    assert not P[:, [ROLES.index("method"), ROLES.index("about_mentoring")]].any()
    f = model.finding_proba(np.array([[3.0, 0.0], [-3.0, 0.0]]))
    assert f[0] > 0.9 and f[1] < 0.05


def test_without_findings_and_another_role_every_text_is_a_finding() -> None:
    V = np.eye(3)
    for roles in ([FINDING, FINDING, None], ["question", "heading", None], [None] * 3):
        model = RoleClassifier().fit(V, roles)
        assert model.model_ is None
        assert model.finding_proba(np.zeros((2, 3))).tolist() == [1.0, 1.0]


def test_the_gate_reads_the_second_encoder_only_for_unsure_texts() -> None:
    V, roles = _points()
    second = -V  # another encoder: the same points, mirrored
    gate = RoleGate(veto=0.05, unsure=0.5).fit(V, second, roles)
    texts = ["finding", "logistics", "between"]
    first = np.array([[3.0, 0.0], [-3.0, 0.0], [0.0, 0.0]])
    asked: list[list[str]] = []

    def encode(batch: list[str]) -> np.ndarray:
        asked.append(batch)
        return -first[[texts.index(t) for t in batch]]

    mask = gate.not_findings(texts, first, encode)
    assert mask.tolist() == [False, True, False]
    assert asked == [["logistics", "between"]]  # the plain finding was never read again
    asked.clear()
    assert not RoleGate(veto=0.0, unsure=0.5).fit(V, second, roles).not_findings(
        texts, first, encode).any()
    assert asked == []  # veto 0: no second reading at all
    # one encoder for both steps (no strong encoder): one model, nothing encoded again
    same = RoleGate(veto=0.05, unsure=0.5).fit(V, V, roles)
    assert same.second_ is same.first_
    assert same.not_findings(texts, first, encode).tolist() == [False, True, False]
    assert asked == []


# written for this test: shapes of survey and notes paperwork the role rules let through
NOT_FINDINGS = ["Columns on my observation sheet: who speaks first, who gets interrupted, who "
                "gets thanked",
                "Apologies, I have answered for my old ward as I moved to the unit in May",
                "Co-mentoring with J. is working well, she keeps me calm and I ask the awkward "
                "questions"]
FINDINGS = ["He talked over both Black nurses at handover and let the others finish.",
            "Acting-up posts on the unit are now advertised to everyone for a week."]


@pytest.fixture(scope="module")
def coders() -> tuple[EnsembleCoder, EnsembleCoder]:
    return default_coder(), EnsembleCoder(role_veto=0.0).fit_codebook()


def test_the_ensemble_takes_levels_from_plain_non_findings_only(
        coders: tuple[EnsembleCoder, EnsembleCoder]) -> None:
    gated, ungated = coders
    assert (gated.role_veto, gated.role_unsure) == (0.05, 0.5)
    assert gated.coder_label != ungated.coder_label
    texts = NOT_FINDINGS + FINDINGS
    assert [discourse_role(t) for t in texts] == [FINDING] * len(texts)  # rules let all in
    segments = pd.DataFrame({"segment_id": [f"s{i}" for i in range(len(texts))], "text": texts})
    before = ungated.code(segments)
    after = gated.code(segments)
    assert set(before["segment_id"]) == set(segments["segment_id"])  # all coded without it
    assert set(after["segment_id"]) == {"s3", "s4"}  # with it, the findings only
    kept = before[before["segment_id"].isin(["s3", "s4"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(after.drop(columns="coder").reset_index(drop=True),
                                  kept.drop(columns="coder"))
