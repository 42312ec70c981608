"""A mentor's own prose notes, the way mentors write them up (two mentors, "we", the leader's
words reported, thanks to the mentors, the mentors' own process, headings): the evidence behind
the feedback sheet holds findings only, and the mentors' reports of the leader are in it.

The notes were written for this test after reading published accounts by reverse mentors;
no sentence is taken from them.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

NOTES = {
    "s1_interview.txt": (
        "Interview notes - session 1\n\n"
        "Our first meeting was in the director's office on a Tuesday afternoon. My first aim "
        "was to build trust and rapport, so we kept the opening informal.\n"
        "We asked how he would describe the culture of the estates team.\n"
        "He told us that the team had never had a black engineer above band 6 and that this "
        "bothered him.\n"
        "He was firm that promotion should rest on merit alone and said he had little time for "
        "targets on board make-up.\n"
        "Thank you both for giving up your time, he said at the end.\n"),
    "s2_observation.txt": (
        "Observation - team meeting, session 2\n\n"
        "We sat at the back of the monthly estates meeting so as not to make the team "
        "self-conscious.\n"
        "He opened by thanking the night porters by name for covering the flood in the "
        "basement.\n"
        "When a junior surveyor started to speak he was talked over by a senior manager, and our "
        "mentee did not step in.\n"),
    "s4_interview.txt": (
        "Session 4 interview\n\n"
        "We reminded him of what we had seen at the team meeting.\n"
        "He explained that he now sits on every interview panel for band 7 and above and makes "
        "sure the panel is mixed.\n"
        "You explained clearly what I did well and where I can do better, he told us, and he "
        "thanked us for being honest.\n"
        "They question things, not looking to trip you up, he added about the two of us.\n"),
}
NOT_FINDINGS = ["Interview notes", "Our first meeting", "My first aim", "We asked how",
                "Thank you both", "Observation - team", "We sat at the back", "Session 4",
                "We reminded him", "You explained clearly", "They question things"]
MANIFEST = ("file,cohort,pair_id,source,author_role,stage,date,mentor,mentee\n"
            "s1_interview.txt,R1,R1-P01,interview,mentor,session_1,2024-06-04,"
            "Ayo Bello; Nia Kaur,Tom Hurst\n"
            "s2_observation.txt,R1,R1-P01,observation,mentor,session_2,2024-07-02,"
            "Ayo Bello; Nia Kaur,Tom Hurst\n"
            "s4_interview.txt,R1,R1-P01,interview,mentor,session_4,2024-09-03,"
            "Ayo Bello; Nia Kaur,Tom Hurst\n")


@pytest.fixture(scope="module")
def prose(tmp_path_factory: pytest.TempPathFactory):
    from rmresearch.analysis import coded_segments
    from rmresearch.coding.roles import with_roles
    from rmresearch.project import prepare_project

    root = tmp_path_factory.mktemp("prose")
    data = root / "notes"
    data.mkdir()
    for name, text in NOTES.items():
        (data / name).write_text(text, encoding="utf-8")
    (data / "manifest.csv").write_text(MANIFEST, encoding="utf-8")
    project = prepare_project(data, root / "p.rmproj")
    segments = with_roles(project.segments)
    return project, segments, coded_segments(segments, project.codings, project.coder)


def _starts(texts: pd.Series, prefix: str) -> bool:
    return bool(texts.str.strip().str.startswith(prefix).any())


def test_the_store_holds_each_segments_role(prose) -> None:
    project, segments, _ = prose
    stored = project.segments.set_index("text")["role"]
    assert stored.notna().all()  # decided when the store was coded, with who speaks
    roles = dict(zip(segments["text"].str[:18], segments["role"]))
    assert roles["Interview notes - "] == "heading" and roles["We asked how he wo"] == "question"
    assert roles["Thank you both for"] == "about_mentoring"
    assert roles["We sat at the back"] == "method"


def test_only_findings_reach_the_sheets_evidence(prose) -> None:
    from rmresearch import feedback

    project, segments, coded = prose
    assert not any(_starts(coded["text"], p) for p in NOT_FINDINGS)  # no levels on them
    fb = feedback.pair_feedback(coded, segments, project.documents, "R1-P01")
    shown = pd.concat([fb.quotes["quote"], fb.congruence["said_quote"].dropna(),
                       fb.congruence["seen_quote"].dropna()])
    assert not any(_starts(shown, p) for p in NOT_FINDINGS)
    reported = fb.quotes[fb.quotes["kind"] == "reported"]
    assert _starts(reported["quote"], "He explained that he now sits on every interview panel")
    assert (reported["source_label"] == "interview, as the mentor reported it").all()
    assert _starts(fb.quotes[fb.quotes["kind"] == "seen"]["quote"], "He opened by thanking")


#: every finding the prose notes hold evidence for (start of the sentence, level, valence),
#: written with the notes, before any run
PROSE_FINDINGS = [
    ("He told us that the team had never had a black engineer", "departmental", "attention"),
    ("He was firm that promotion should rest on merit alone", "organisational", "attention"),
    ("He opened by thanking the night porters by name", "individual", "positive"),
    ("When a junior surveyor started to speak", "individual", "attention"),
    ("He explained that he now sits on every interview panel", "departmental", "positive"),
]


def test_every_finding_with_evidence_in_the_prose_notes_is_on_the_sheet(prose) -> None:
    from rmresearch import feedback

    project, segments, coded = prose
    fb = feedback.pair_feedback(coded, segments, project.documents, "R1-P01")
    quotes = fb.quotes.assign(quote=fb.quotes["quote"].str.strip())
    missed = [start for start, level, valence in PROSE_FINDINGS
              if not ((quotes["quote"].str.startswith(start)) & (quotes["code"] == level)
                      & (quotes["valence"] == valence)).any()]
    assert missed == []
