"""Discourse roles: only findings get levels; questions, headings, thanks, logistics and the
mentor's method are recognised by their shape, in several voices, and the coder gates them."""
from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest

from rmresearch.coding.roles import ROLE_RULES_VERSION, discourse_role, discourse_roles
from rmresearch.errors import CodingError
from rmresearch.vocabulary import ROLES

# Sentences written for this test (not taken from the gold files), in several voices.
CASES = {
    "heading": [
        "Findings",
        "Session 4 notes:",
        "Field notes - ward visit 2",
        "Appendix C: Staff Network Terms of Reference",
        "2.1 Recruitment and promotion",
        "Recommendations",
        "Part A - About You",
        "Observation notes: 14/03/2025",
        "Interview Transcript, Pair 11",
        "Table 4. Panel membership by site",
        "Symbolic level - images, events and signage",
        "Staff survey 2024: free-text comments (race)",
        "Re: Thursday's walk round on the renal unit",
        "Summary of findings (draft 2, not for circulation)",
        "Date / Venue / Duration",
        "Purpose of report: For assurance",
    ],
    "question": [
        "How do you decide who acts up when a band 7 is off?",
        "Tell me about the last time someone on your team raised a concern.",
        "Can you describe how shortlisting works in your area?",
        "Mentor: So what would the porters say about you, do you think?",
        "Who chose the photos for the new website?",
        "NB ask her about the secondment next time.",
        "Interviewer - and, er, was that the first time you'd heard of the network?",
        "Talk me through what happens after a grievance is lodged.",
    ],
    "about_mentoring": [
        "Thank you both for your patience with me this year.",
        "My mentors were brilliant from start to finish.",
        "The programme gave me the confidence to speak up in a room full of directors.",
        "Thanks so much, I've really enjoyed our chats.",
        "You have both been incredibly generous with your time.",
        "The sessions were well organised and never felt like a box-ticking exercise.",
        "My first aim was to build a rapport with my mentee.",
        "Your honesty made me think harder than any course ever has.",
        "You were very gentle with my naive questions about the network.",
    ],
    "logistics": [
        "See you next Tuesday.",
        "Room booked for 10-11am in the library.",
        "Speak soon, and have a lovely weekend!",
        "Sorry I'm late, the lifts were out again.",
        "Can we move it to Teams next week?",
        "I'll send the invite for the next three dates.",
        "The committee is asked to note the update.",
        "Next session Thursday 2pm, her office.",
    ],
    "method": [
        "I kept notes after each session.",
        "We agreed ground rules at our first meeting.",
        "I observed her team meeting on the Wednesday.",
        "I used the observation checklist during both visits.",
        "My co-mentor and I compared notes afterwards.",
        "We agreed I would shadow him on a ward round.",
    ],
}

FINDINGS = [
    # the leader's practice, in the leader's, the mentor's, staff's and a report's voices
    "She thanked the porters by name at the end of the huddle.",
    "Thank you to our matron for putting three of us forward for the leadership course.",
    "I observed that she let the two consultants talk over the staff nurse.",
    "He asked every person round the table for their view before deciding.",
    "why do the same people always get the secondments??",
    "No BME staff on the panel again.",
    "Very visible on the wards at night.",
    "The trust's disciplinary likelihood ratio for Black staff rose to 1.9.",
    "I've been meaning to go back to the network but haven't made time.",
    "How could I have missed that for three years?",
    "Action 3.1: Publish the directorate's WRES data every quarter.",
    "Areas requiring attention: nobody from the overseas cohort was shortlisted.",
    "Her team meetings always start with a round of good news.",
    "Our mentee was firm that merit, not targets, should decide promotions.",
    "The photos in the new reception all show white consultants.",
    "um, she - she sort of, you know, never really asks us, the HCAs.",
    "Sorry - I probably address most of my questions to the consultants in the huddle.",
    "We asked her whether she would apply for the band 7 post.",
    # terse answers and labelled notes made of the same nouns as a section's topics
    "Bullying and harassment",
    "Bullying: harassment, racism",
    "Departmental practice: all-white panels",
    "Re: the matron shortlist - all white again",
]


@pytest.mark.parametrize("role, text", [(r, t) for r, ts in CASES.items() for t in ts])
def test_each_role_on_its_own_kind_of_text(role: str, text: str) -> None:
    assert discourse_role(text) == role


@pytest.mark.parametrize("text", FINDINGS)
def test_findings_stay_findings(text: str) -> None:
    assert discourse_role(text) == "finding"


@pytest.mark.parametrize("text", [
    "Why do we still hold every panel on a Tuesday morning, when the night staff can't come?",
    "What does it say that none of our matrons are Black?",
])
def test_a_question_is_a_finding_when_the_leader_or_staff_say_it(text: str) -> None:
    assert discourse_role(text) == "question"  # unknown speaker: read as a prompt
    assert discourse_role(text, speaker_role="mentee") == "finding"
    assert discourse_role(text, speaker_role="staff") == "finding"
    assert discourse_role(text, source="staff_feedback") == "finding"
    assert discourse_role(text, speaker_role="mentor") == "question"
    assert discourse_role("Leader: " + text) == "finding"


# roles-v2: how mentors write up their own sessions in prose (their questions reported,
# the leader's thanks to them, where they met, how they watched); written for this test
MENTOR_PROSE = [
    ("question", "We asked how she decides who acts up when the band 7 is away."),
    ("question", "I asked him whether anyone on the estates side had ever been promoted from "
                 "band 5."),
    ("finding", "We asked whether the panel had ever had a BME member, and she said it had not."),
    ("about_mentoring", "You were straight with me and I needed that, she told us at the end."),
    ("about_mentoring", "She thanked us for not letting her off lightly."),
    ("about_mentoring", "He is a good listener, our mentee said about the two of us."),
    ("finding", "Send the job adverts to the network first, she told us, it fills the gaps."),
    ("finding", "She thanked the domestic staff by name at the end of the huddle."),
    ("logistics", "Our third session was in the hospital chapel because every room was taken."),
    ("finding", "Our third session was on the ward, where she introduced us to every porter."),
    ("method", "We sat at the back so as not to put the team off."),
    ("method", "I reminded her of what we had agreed in the first session."),
    ("finding", "We sat at the back and saw that nobody asked the healthcare assistants."),
    ("heading", "Walk-round of outpatients, session 5"),
    ("heading", "Notes on the board meeting (visit 2)"),
]


# roles-v4, after reading published reverse mentors' accounts (sentences written here)
MENTOR_PROSE += [
    ("about_mentoring", "Knowing how busy she was, we agreed our main aim was to build trust "
                        "before anything else."),
    ("about_mentoring", "We set out our shared objective to support her as a critical friend."),
    ("about_mentoring", "In these sessions, you both have allowed me to question how I lead."),
    ("about_mentoring", "You've challenged me more than any leadership course has."),
    ("about_mentoring", "I never felt you had an agenda or were there to judge me."),
    ("about_mentoring", "This experience was really valuable to our mentee."),
    ("method", "We met our mentee five times over the autumn, mostly in her office."),
    ("about_mentoring", "All the mentees were paired with their mentors at the launch event."),
    ("about_mentoring", "As a mentor, I tried to help her see the ward through a porter's eyes."),
    ("finding", "The panel members were trained in fair recruitment last spring."),
    ("finding", "You challenged the consultant about the rota in front of everyone."),
    ("finding", "His team knew how to raise concerns - nice to see."),
    ("finding", "Morning huddle: she ignored the healthcare assistants again."),
    ("finding", "Our mentee told us that she thanked the porters by name at the end of the shift."),
]


# roles-v5: what an evaluation report says about the programme and about its own evidence, and
# a board paper's cover labels (sentences written here)
REPORT_PROSE = [
    ("about_mentoring", "Around half of the mentors said the scheme had given them more "
                        "confidence to speak to senior staff."),
    ("about_mentoring", "Leaders in community services were less likely to say that the "
                        "programme had altered their practice."),
    ("about_mentoring", "When we asked whether the pilot had changed anything, two directors "
                        "said it was too soon to tell."),
    ("method", "Results from the second cohort should be read with caution, as only seven "
               "forms were returned."),
    ("method", "The review was unable to capture the views of bank and agency staff."),
    ("method", "Changes in how meetings were chaired could not be verified by observation."),
    ("heading", "Report author: Head of Workforce Equality"),
    ("heading", "Previously discussed at: Workforce Committee, 3 March"),
    ("heading", "Executive sponsor: Chief People Officer"),
    # bullet notes: a meeting's list, the mentors' own walk-round without a subject
    ("heading", "Attendees: two matrons, the deputy director, both of us"),
    ("heading", "Agenda: discharge delays, the new rota, estates"),
    ("method", "Toured the outpatients department together after clinic"),
    ("method", "Spent about 30 mins in the main office"),
    ("finding", "Agenda: he added the staff network's report as a standing item."),
    ("finding", "Walked past the porters for 10 mins without saying a word to them."),
    # findings beside them stay findings
    ("finding", "The programme led the trust to publish its shortlisting figures by ethnicity "
                "for the first time."),
    ("finding", "Participants said their director still chaired every panel herself."),
    ("finding", "The evaluation found that Black nurses were twice as likely to be referred "
                "to a disciplinary process."),
    ("finding", "Executive directors now sit on the staff network steering group."),
]


@pytest.mark.parametrize("role, text", REPORT_PROSE)
def test_an_evaluation_reports_own_voice(role: str, text: str) -> None:
    assert discourse_role(text) == role


@pytest.mark.parametrize("role, text", MENTOR_PROSE)
def test_a_mentors_prose_notes(role: str, text: str) -> None:
    assert discourse_role(text, speaker_role="mentor", source="interview") == role


def test_mentors_asking_the_leader_for_a_view_is_a_question_in_any_voice() -> None:
    text = "We asked how he would describe the culture of the estates team."
    assert discourse_role(text) == "question"  # no speaker known: "we" asking "he" a view
    assert discourse_role("We asked what she thought, and she said it was fair.") == "finding"
    assert discourse_role("We asked staff what they thought about the rota.") == "finding"


def test_staff_speaking_to_their_leader_is_a_finding() -> None:
    patient = "You were patient with my questions about the new rota."
    assert discourse_role(patient, source="staff_feedback") == "finding"
    assert discourse_role("She was patient with my questions about the rota.") == "finding"
    text = "You've challenged me to apply for the band 6 and I got it."
    assert discourse_role(text, source="staff_feedback") == "finding"
    assert discourse_role(text, speaker_role="staff") == "finding"


def test_a_leader_asking_is_practice_not_a_question() -> None:
    text = "I asked HR why every shortlist for band 7 last year was white."
    assert discourse_role(text, speaker_role="mentee") == "finding"
    assert discourse_role("We asked how she decides who acts up.") == "finding"  # unknown voice


def test_method_that_reports_the_leader_is_a_finding() -> None:
    assert discourse_role("I observed her team meeting.") == "method"
    assert discourse_role("I observed her team meeting: she never once asked the HCAs.") \
        == "finding"
    assert discourse_role("I kept notes after each session.") == "method"
    assert discourse_role("I kept notes after each session because she kept interrupting.") \
        == "finding"


def test_numbered_labels_with_a_year_are_headings_but_figures_are_not() -> None:
    assert discourse_role("Annex C: race equality action plan 2025/26") == "heading"
    assert discourse_role("Section 4 - WRES indicators 2023-2024") == "heading"
    assert discourse_role("Table 3: 12 of 15 panels were all white") == "finding"
    assert discourse_role("Appendix A: in 2024 no Black nurse was promoted") == "finding"


def test_the_mentors_approach_and_an_evaluations_sample_are_method() -> None:
    assert discourse_role("Before our second session I looked at his team's rota.") == "method"
    assert discourse_role("My approach was to listen more than I talked.") == "method"
    assert discourse_role("Respondents were invited by email through the networks.") == "method"
    assert discourse_role("My approach was to listen, but he never let Black staff speak.") \
        == "finding"
    assert discourse_role("Interviewees were selected by managers, all of them white.") \
        == "finding"


def test_roles_of_a_table_use_speaker_and_source_columns() -> None:
    table = pd.DataFrame({
        "text": ["Findings", "How are panels chosen here?", "How are panels chosen here?",
                 "She chairs every panel herself.", 17],
        "speaker_role": ["unknown", "mentor", "mentee", "mentor", None],
        "source": ["journal", "interview", "interview", "interview", "journal"],
    }, index=[10, 11, 12, 13, 14])
    roles = discourse_roles(table)
    assert roles.tolist() == ["heading", "question", "finding", "finding", "finding"]
    assert roles.index.tolist() == [10, 11, 12, 13, 14]
    assert set(roles) <= set(ROLES)
    assert discourse_roles(table[["text"]]).tolist()[:3] == ["heading", "question", "question"]


@pytest.fixture(scope="module")
def coder():
    from rmresearch.coding.api import default_coder

    return default_coder()


def test_gate_gives_headings_and_questions_no_codings(coder) -> None:
    from rmresearch.coding import code_segments

    finding = "The BME staff network chair now sits on every interview panel in the directorate."
    heading = "Level 2: Departmental Practice and Interview Panels"
    question = "How do you make sure BME staff sit on every interview panel in your directorate?"
    table = pd.DataFrame({"segment_id": ["h", "q", "f"], "text": [heading, question, finding]})
    assert discourse_roles(table).tolist() == ["heading", "question", "finding"]

    codings = code_segments(table, coder=coder)
    assert set(codings["segment_id"]) == {"f"}
    alone = code_segments(table.iloc[[2]], coder=coder)
    pd.testing.assert_frame_equal(codings, alone)
    assert len(alone) >= 1 and alone["coder"].iloc[0] == coder.coder_label

    ungated = copy.copy(coder)
    ungated.roles = None  # the same fitted model without the gate codes the question
    assert "q" in set(code_segments(table, coder=ungated)["segment_id"])


def test_role_rules_are_part_of_the_coder_label() -> None:
    from rmresearch.coding.api import unfitted_default_coder
    from rmresearch.coding.ensemble import EnsembleCoder

    gated = unfitted_default_coder()
    assert gated.roles == ROLE_RULES_VERSION
    assert gated.codebook_label() != EnsembleCoder(roles=None).codebook_label()


def test_unknown_role_rules_are_a_clear_error(coder) -> None:
    bad = copy.copy(coder)
    bad.roles = "roles-v99"
    with pytest.raises(CodingError, match=r"roles='roles-v99'.*allowed: 'roles-v13' or None"):
        bad.code(pd.DataFrame({"segment_id": ["a"], "text": ["She chairs every panel."]}))


def test_code_store_stores_each_segments_role_using_who_speaks(tmp_path) -> None:
    """The store path decides roles with the speaker: a mentor's question in an interview is
    a question, the leader's rhetorical one stays a finding; roles are kept across runs."""
    from rmresearch.coding.project import code_store
    from rmresearch.coding.roles import ROLE_RULES_LABEL, with_roles
    from rmresearch.ingest import ingest_folder
    from rmresearch.store import ProjectStore

    data = tmp_path / "data"
    data.mkdir()
    (data / "int.txt").write_text(
        "Mentor: Who sat on the last interview panel you chaired?\n"
        "Leader: Why do our panels always look the same? I have asked HR twice.\n"
        "Mentor: Our mentee told us he had stopped shortlisting alone.\n"
        "Mentor: Thank you, see you next month.\n", encoding="utf-8")
    (data / "manifest.csv").write_text(
        "file,cohort,pair_id,source,author_role,stage,date,mentor,mentee\n"
        "int.txt,C1,C1-P01,interview,mentor,session_1,2024-10-03,Ann Lee,Bo Ray\n",
        encoding="utf-8")
    store = tmp_path / "p.rmproj"
    with ProjectStore.open(store) as st:
        st.ingest(ingest_folder(data))
    result = code_store(store, coder=_TextOnlyCoder())
    with ProjectStore.open(store) as st:
        segs = st.segments()
    roles = dict(zip(segs["text"].str[:20], segs["role"]))
    assert result["roles"] == len(segs) and set(segs["role_by"]) == {ROLE_RULES_LABEL}
    assert roles["Who sat on the last "] == "question"
    assert roles["Why do our panels al"] == "finding"
    assert roles["Our mentee told us h"] == "finding"
    assert roles["Thank you, see you n"] == "logistics"
    assert code_store(store, coder=_TextOnlyCoder())["roles"] == 0  # decided once
    # with_roles keeps stored roles and decides the missing ones
    mixed = segs.assign(role=segs["role"].where(segs.index != 0))
    filled = with_roles(mixed)
    assert filled["role"].tolist() == segs["role"].tolist()
    assert filled["role_by"].tolist() == segs["role_by"].tolist()


class _TextOnlyCoder:
    """A stand-in coder for store tests that need no model: codes nothing."""

    coder_label = "stub@roles-test"

    def code(self, segments, progress: bool = False):
        from rmresearch.coding.frames import codings_frame

        return codings_frame([])


#: a reverse mentor's method written in many shapes (prose, bullets, passives, plans, with
#: "they", "not" and "who" in them), beside findings written to look like method ("I sat in on
#: his panel: all three were white consultants") and talk about the mentoring. Written for
#: these tests by a writer who read published mentors' accounts and field-note guides first;
#: nothing copied.
METHOD_SET = Path(__file__).parent / "data" / "method_set.csv"


@pytest.fixture(scope="module")
def method_set() -> pd.DataFrame:
    table = pd.read_csv(METHOD_SET, keep_default_na=False)
    return table.assign(rule=[discourse_role(t) for t in table["text"]])


def test_findings_that_look_like_method_are_never_gated(method_set) -> None:
    findings = method_set[method_set["role"] == "finding"]
    assert len(findings) == 52
    assert findings.loc[findings["rule"] != "finding", "text"].tolist() == []


def test_the_observers_craft_is_method_in_many_shapes(method_set) -> None:
    method = method_set[method_set["role"] == "method"]
    assert len(method) == 62
    assert (method["rule"] == "method").sum() >= 19  # roles-v6: 20 (roles-v5: 1)


def test_the_mentors_method_reaches_no_findings_page(method_set, coder) -> None:
    """Rules and coder together: what the product would show as a finding."""
    from rmresearch.coding import code_segments

    table = method_set.assign(segment_id=[f"m{i:03d}" for i in range(len(method_set))])
    coded = set(code_segments(table[["segment_id", "text"]], coder=coder)["segment_id"])
    shown = table[table["segment_id"].isin(coded)].groupby("role").size().to_dict()
    assert shown.get("finding") == 52
    assert shown.get("method", 0) <= 7  # measured 6 of 62 (24 with roles-v5)
