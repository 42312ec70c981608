"""Valence rules for the shapes of language (coding/shapes.py), on sentences written for
these tests: the rule valence alone, with the shipped codebook's cues (spaCy only)."""
from __future__ import annotations

import pytest

from rmresearch.coding.rules import RuleCoder
from rmresearch.coding.valence import combine_valence, rule_valence


@pytest.fixture(scope="module")
def rules() -> RuleCoder:
    return RuleCoder().fit()


def _valence(rules: RuleCoder, text: str) -> str:
    return rule_valence(rules.analyse([text])[0].valence)


@pytest.mark.parametrize("text, expected", [
    # ending a problem: the problem named after the verb is what is ended
    ("The manager put a stop to posts being filled by a tap on the shoulder.", "positive"),
    ("She challenged the all-white shortlist at the panel.", "positive"),
    ("She keeps an all-white shortlist.", "attention"),
    # disparities, and their direction
    ("Black nurses are twice as likely as white nurses to face a formal process.",
     "attention"),
    ("Asian doctors are under-represented at consultant grade.", "attention"),
    ("The relative likelihood of white candidates being appointed rose to 1.7.", "attention"),
    ("The gap in appointment rates narrowed from 1.6 to 1.1.", "positive"),
    # a problem framed in the past is one that has gone
    ("Until 2021 the directorate did not advertise secondments.", "positive"),
    ("In the past nobody on the ward was funded for a degree.", "positive"),
    ("The directorate did not advertise secondments.", "attention"),
    # ... or one the sentence closes in the past ("shapes-v3"), and a count that starts at none
    ("For fifteen years the unit never put a porter forward for an award, until last year.",
     "positive"),
    ("Nobody from the night team was ever asked to sit on a panel - until this spring.",
     "positive"),
    ("Nobody from the night team was ever asked to sit on a panel.", "attention"),
    # a rise from nothing is good practice, not an absence (shapes-v4)
    ("Four of the ward sisters are now from minority backgrounds, up from none in 2020.",
     "positive"),
    ("Two of this year's award nominees came from the bank team (none last year).",
     "positive"),
    ("None of the ward sisters are from minority backgrounds.", "attention"),
    # the mentor's hedge: no problem found (but not an absence of people)
    ("I didn't detect this in any of the huddles I sat in.", "positive"),
    ("We did not observe any of the curtness staff described.", "positive"),
    ("I did not see any Black staff on the panel.", "attention"),
    # a negated causative of feeling
    ("He never once made me feel like an outsider.", "positive"),
    ("She never made me feel welcome.", "attention"),
    # admissions, lapsed intentions, missed acts, persistence
    ("If I am honest we have been behind the curve on this.", "attention"),
    ("I still get it wrong with names I find hard to say.", "attention"),
    ("I've been meaning to go back to the network since the summer.", "attention"),
    ("She has yet to meet the chair of the staff network.", "attention"),
    ("He should have asked the healthcare assistants first.", "attention"),
    # comparisons with what was intended
    ("Progress has been slower than we intended.", "attention"),
    ("Applications from the community grew faster than we had hoped.", "positive"),
    # plans and recommendations: described without judgement yet
    ("I plan to sit on two shortlisting panels next quarter.", "neutral"),
    ("The board should set a target for senior appointments.", "neutral"),
    ("Owner: director of nursing", "neutral"),
    # double negation with "without"; a writer's doubt is not a judgement
    ("No band 7 post is filled without an open advert now.", "positive"),
    ("I might be wrong, but she has started asking the HCAs first.", "neutral"),
    # shapes-v4: negated harm, praise by a negated comparison, "can't remember a ... didn't",
    # counts of harm that fell or rose, "no ... without" after a comma
    ("Nobody on this ward gets left off the training list any more.", "positive"),
    ("On nights no one is singled out for the heavy bays now.", "positive"),
    ("I can't remember a single handover where she didn't ask the night staff first.",
     "positive"),
    ("Honestly, I couldn't have asked for a better manager when my father died.", "positive"),
    ("Grievances from overseas nurses fell by a third after the new process.", "positive"),
    ("Grievances from overseas nurses rose by a third last year.", "attention"),
    ("In her directorate, no shortlist goes to panel without a second reader.", "positive"),
    ("I have to own that I left the rota to the sisters for far too long.", "attention"),
])
def test_shapes_of_language_decide_valence(rules: RuleCoder, text: str, expected: str) -> None:
    assert _valence(rules, text) == expected


@pytest.mark.parametrize("text", [
    "It was the first time nobody questioned my accent in a meeting.",  # novelty
    "Until this year, not one of the unit's sisters came from the overseas cohort.",
])
def test_negators_of_novelty_and_past_are_not_problems(rules: RuleCoder, text: str) -> None:
    assert _valence(rules, text) != "attention"


def test_shapes_are_named_in_the_evidence(rules: RuleCoder) -> None:
    ev = rules.analyse(["Until 2021 the directorate did not advertise secondments.",
                        "I didn't detect this at all."])
    assert "past problem" in ev[0].valence.phrases
    assert "hedge" in ev[1].valence.phrases


def test_a_plan_frame_raises_neutral_against_the_model(rules: RuleCoder) -> None:
    ev = [r.valence for r in rules.analyse(["We plan to publish the figures by ward.",
                                            "We published the figures by ward."])]
    model = [[0.5, 0.1, 0.4], [0.5, 0.1, 0.4]]  # positive, attention, neutral
    assert combine_valence(model, ev, neutral_weight=1.0) == ["neutral", "positive"]
    assert combine_valence(model, ev, neutral_weight=0.0) == ["positive", "positive"]


@pytest.mark.parametrize("straight", [
    "I didn't insist on a diverse panel for the band 7 post.",
    "If I'm honest, I haven't asked the night staff once.",
    "She wasn't dismissive of the agency nurses at all.",
])
def test_typographic_apostrophes_read_as_straight_ones(rules: RuleCoder, straight: str) -> None:
    """Word and phones write \u2019: a negation or a contraction must read the same."""
    curly = straight.replace("'", "\u2019")
    a, b = rules.analyse([straight, curly], view=True)
    assert a.view == b.view and a.valence == b.valence
    assert _valence(rules, curly) == _valence(rules, straight)
    assert [h[1:] for h in a.hits] == [h[1:] for h in b.hits]
