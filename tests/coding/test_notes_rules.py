"""A mentor's own side of a session in their notes (roles-v7, v9): the questions they still
mean to ask or put to the leader, their plans for what to look at next and whom to hear from,
their nerves and what the mentoring does for them, thanks they note down, who took part,
interruptions, the programme itself. None is the leader's practice;
sentences that report the leader's words or acts beside them stay findings."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from rmresearch.coding.roles import discourse_role

# Sentences written for this test, not taken from any gold or development file.
OWN_SIDE = {
    "question": [
        "and then my next question was whether anyone in his team had ever asked to act up",
        "Follow-up: who signs off the overtime list?",
        "- Q: how are the bank shifts shared out at weekends?",
        "Questions I still want to ask: who chairs the band 6 panels, and who picks them?",
        "Does she know who her BME staff go to with a concern? Need to ask her that.",
        "I asked her who she would call if a patient refused a Black nurse's care.",
        "- ask re: the secondment that was never advertised??",
        "Question for myself: do I bring up the rota or wait for him to?",
        "Follow-up: who signs off the bank shift list?",
        "We put one more question to her, roughly: who would she ring first about a racist "
        "patient?",
    ],
    "method": [
        "Next time I want to look at how the last two band 7 posts were advertised.",
        "- next time: check the rota for the last three bank holidays",
        "For next time I'd like to go and sit in on the morning huddle and count who speaks.",
        "I'm going to compare what she said about appraisals with what I saw on the ward.",
        "- walk round outpatients with her 9:30-10:05, looked at the boards by the lifts",
        "Jotted the main points on my phone afterwards.",
        "No notes taken in the room; wrote it up on the train home.",
        "Transcripts were coded independently by two members of the project team.",
        "Told her I'd use anonymised extracts in the cohort report.",
        "Next time it might be useful to get the views of the porters on her corridor.",
        "We made clear up front that nothing would go to his line manager.",
        "I counted who spoke at the handover and for roughly how long.",
        "Wherever I could I took down her actual words, not my summary.",
        "We used the trust's values as a rough guide for what to look for.",
        "Plan week 4: shadow her at the bed meeting and note who she calls on.",
        "Tally sheet: who speaks first, who is cut off, whose idea gets credited.",
        "Grabbed a few pictures of the lift lobby posters to look at later.",
        "My own background as a Filipino nurse on nights may have influenced what I picked up.",
        "Fewer porters and cleaners answered, so their views are under-represented in the "
        "results.",
        "Visit Weds: look at the rota board and who is on the front desk",
        "Records examined included two years of exit interview forms.",
        "Both interviewers had worked on these wards, which will have shaped what staff told "
        "us.",
    ],
    "about_mentoring": [
        "I was really nervous going in, he is three bands above my manager.",
        "I worry that I'm being too polite with her because she's so senior.",
        "- felt listened to. First time I've said any of this to a director",
        "The mentoring is helping me more than her, I think.",
        "She asked me how I was finding it and whether I felt able to be honest.",
        "He sent me an email afterwards to say thank you for the challenge.",
        "- she called the sessions the best hour of her week",
        "Of the 22 mentees in this cohort, 17 were white men.",
        "It felt quite unnatural at first to challenge a medical director.",
        "The pilot is coordinated by the workforce team and is now in its second round.",
        "Our programme, in its first year, paired nineteen executives with band 2-5 staff.",
        "What first sparked the programme was a grim set of WRES figures in 2021.",
        "Seeing the board take it seriously encouraged me to volunteer as a mentor.",
        "My mentees and I have been meeting monthly since the spring.",
        "Our programme coordinator sorted every room change without a fuss.",
        "Two mentees who dropped out said the timing clashed with winter pressures.",
        "Mentors were told at induction that a patient safety concern could not stay "
        "confidential.",
        "Being someone's mentor at band 3 has done more for my confidence than any course.",
        "bit anxious ahead of session 2, she runs the whole division",
        "The programme exists to put decision-makers in front of experiences they never hear.",
        "Mentees must attend the half-day briefing before they are matched.",
        "No pair will be matched within the same directorate.",
    ],
    "logistics": [
        "Paused at 11:40 for a bleep, resumed 11:50.",
        "Session cancelled again - his PA called at 8.15 to say he was in a bed meeting.",
        "Our 1:1 started late because he was held up on the ward.",
        "Slides from the network launch attached, in case it helps before Thursday.",
        "Morning both, quick reminder that forms are due back by the end of the month.",
    ],
    "heading": [
        "Wk 3 obs - theatre managers mtg",
        "Observation notes: outpatients leadership huddle",
        "Mentee name: __________",
    ],
}
# Look-alikes: the leader's or staff's practice in the same shapes; they stay findings.
LOOK_ALIKES = [
    "I asked him what he thought and he said the panel was fine because it was all consultants.",
    "He said thank you to the night porters in front of the whole team.",
    "She thanked the HCAs by name at handover, which none of the sisters do.",
    "Next time he chairs the panel he wants a Black nurse on it, he told me.",
    "Staff felt listened to for the first time since the merger.",
    "I will look at how we advertise acting-up posts across the division.",
    "I was nervous of raising it, he said, because the last person who did was moved to nights.",
    "Of the twelve band 7s on his unit, one is from a minority background.",
    "Observation: only the white consultants were introduced by name at the huddle.",
    "Session moved again: he has cancelled the network chair's 1:1 three times too.",
    "The meeting started late because she waited for the interpreter, as she always does.",
    "The scheme was launched by the chief executive, who now has a porter as his own mentor.",
    "It is uncomfortable to be the only Black midwife on the labour ward.",
    "Next time we shortlist, I'll talk to the network chair before the panel meets.",
    "I put it to him that the panel was all white and he said he had not noticed.",
    "His encouragement persuaded two of the HCAs to apply for the nursing degree.",
    "I counted who spoke at the handover: only the white consultants.",
    "My mentor and I met on the ward, where she showed me the bank shift allocations.",
    "He made clear up front that racist remarks from patients would be reported every time.",
    "Minutes attached show she cut the network chair off twice.",
    "Postponed again, five out of eight now, each time for an estates meeting.",
    "Hi all, she told the huddle that the bank shifts would go to whoever asked first.",
    "Why is it always the overseas nurses who get the Christmas nights?",
    "Thanks for letting me know the interview panel for band 7 now has a network rep on it.",
    "He used the staff survey as a frame for his whole directorate plan.",
    "P2: the last three band 6 posts went to people the manager already knew",
    "M: You cut across Grace twice in the huddle - were you aware of it?",
    "The quiet room is held for consultants every afternoon, so nurses pray in the linen store.",
    "Thanks to my mentor we've moved the huddle to 10am so the night staff can join before "
    "they leave.",
    "Network item pushed off the agenda for the third time this quarter.",
    "Can you tell me why the overseas nurses are again the ones on Christmas nights?",
    "Follow-up: she now publishes the acting-up list on the ward board (checked it myself).",
    "He thanked us warmly for our time, then appointed his old registrar without an interview.",
]


@pytest.mark.parametrize("role,text", [(r, t) for r, ts in OWN_SIDE.items() for t in ts])
def test_a_mentors_own_side_is_not_a_finding(role: str, text: str) -> None:
    assert discourse_role(text) == role


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_practice_in_the_same_shapes_stays_a_finding(text: str) -> None:
    assert discourse_role(text) == "finding"


def test_a_leaders_plan_said_by_the_leader_stays_a_finding() -> None:
    text = "I'm going to compare what she told me about appraisals with the staff survey."
    assert discourse_role(text, speaker_role="mentee") == "finding"
    assert discourse_role(text, speaker_role="mentor") == "method"


#: Development sets for roles in mentors' own notes and a programme's paperwork, each written
#: for this project by writers who read public pages of their registers first (published
#: mentors' accounts, evaluation forms and reports, programme newsletters, staff networks'
#: emails, podcasts, staff testimony) and saw no gold set and none of the rules; nothing
#: copied. The rules of roles-v7 were written reading the errors of the first set; those of
#: roles-v11 reading the errors of the second (b: 260 rows by another writer, in messages,
#: emails, forms, newsletters, minutes, dictation, forums and an evaluation report), whose
#: blind figures before them were 23 of 170 non-findings shown and 8 of 90 findings gated;
#: those of roles-v12 reading the third (c: 240 rows by a third writer, in interview and
#: focus-group transcripts with speaker labels, a leader's journal, a handbook, OD emails,
#: minutes, voice notes and an evaluation report), blind with roles-v11: 22 of 150 shown, 3
#: of 90 gated. The fourth (d: 200 rows by a fourth writer, in a mentor's notebook and
#: write-up, exit questionnaires, a coordinator's spreadsheet comments, a union rep's emails,
#: leaders' posts, chat and a software-transcribed debrief) measured roles-v12 blind: 11 of
#: 120 shown (the session-start rules, roles-v8: 12) and 5 of 80 findings gated (roles-v8:
#: 5); roles-v13 mends the five gated findings' shapes.
NOTES_SETS = {"a": Path(__file__).parent / "data" / "mentor_notes_roles.csv",
              "b": Path(__file__).parent / "data" / "mentor_notes_roles_b.csv",
              "c": Path(__file__).parent / "data" / "mentor_notes_roles_c.csv",
              "d": Path(__file__).parent / "data" / "mentor_notes_roles_d.csv",
              "e": Path(__file__).parent / "data" / "mentor_notes_roles_e.csv"}
#: per set: findings, other rows, fewest of the other rows the rules must recognise, fewest
#: findings the product must show, most of the other rows it may show as findings.
#: With the learned role gate (`role_model`; docs/evaluation.md, "A learned role gate")
#: shown went 0 -> 0, 3 -> 3, 5 -> 4, 9 -> 5 and, blind, 14 -> 11; it took two findings of
#: set a (a leader's objective for himself, a leader's admission of unease about race) and
#: one of set e.
EXPECTED = {"a": (88, 132, 65, 86, 1),  # roles-v7: 68 recognised (roles-v6: 31); 0 shown
            "b": (90, 170, 80, 80, 5),  # roles-v12: 90 recognised (roles-v10: 57); 3 shown
            "c": (90, 150, 65, 84, 6),  # roles-v12: 71 recognised (roles-v11: 53); 4 shown
            "d": (80, 120, 38, 76, 7),  # roles-v13: 42 recognised (roles-v8: 35); 5 shown
            # set e is kept blind (measured, rows never read): roles-v13, 48 recognised,
            # 11 shown, 2 findings gated by the rules, 92 findings shown
            "e": (96, 144, 45, 90, 13)}


@pytest.fixture(scope="module", params=sorted(NOTES_SETS))
def notes_set(request) -> tuple[str, pd.DataFrame]:
    table = pd.read_csv(NOTES_SETS[request.param], keep_default_na=False)
    return request.param, table.assign(rule=[discourse_role(t) for t in table["text"]])


#: findings the rules still gate, each with why
GATED = {"c": ["M: Why was the only Black applicant not shortlisted when she met every essential "
               "criterion?"]}  # a mentor's question; what it takes for granted is the finding
#: blind sets: how many findings the rules may gate (counted, the rows never read)
GATED_BLIND = {"e": 2}


def test_no_finding_of_mentors_notes_is_gated(notes_set) -> None:
    name, table = notes_set
    findings = table[table["role"] == "finding"]
    assert len(findings) == EXPECTED[name][0]
    gated = findings.loc[findings["rule"] != "finding", "text"].tolist()
    if name in GATED_BLIND:
        assert len(gated) <= GATED_BLIND[name]
    else:
        assert gated == GATED.get(name, [])


def test_most_of_a_mentors_own_side_is_recognised(notes_set) -> None:
    name, table = notes_set
    other = table[table["role"] != "finding"]
    assert len(other) == EXPECTED[name][1]
    assert (other["rule"] != "finding").sum() >= EXPECTED[name][2]


def test_a_mentors_notes_reach_the_findings_page_as_findings_only(notes_set) -> None:
    """Rules and coder together: what the product would show as a finding."""
    from rmresearch.coding import code_segments
    from rmresearch.coding.api import default_coder

    name, table = notes_set
    table = table.assign(segment_id=[f"n{i:03d}" for i in range(len(table))])
    coded = set(code_segments(table[["segment_id", "text"]], coder=default_coder())["segment_id"])
    shown = table[table["segment_id"].isin(coded)].groupby("role").size().to_dict()
    assert shown.pop("finding") >= EXPECTED[name][3]
    assert sum(shown.values()) <= EXPECTED[name][4], shown
