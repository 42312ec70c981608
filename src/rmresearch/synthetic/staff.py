"""Synthetic 360-degree feedback: short anonymous notes from staff who work under the leader.

Programmes want the view of the (mostly BME) staff who work under a senior leader beside the
mentor's own findings. `staff_documents` writes a few such notes for one pair (source
``staff_feedback``, author role ``staff``) with the truth of every sentence. Notes never name
other staff (so ``truth/people.csv`` is unchanged); they refer to the leader by first name, by
title and surname, or as "my manager".

All randomness comes from the ``random.Random`` passed in, which the generator derives from
the seed and the pair id alone: adding staff notes leaves every other generated file as it was.
"""
from __future__ import annotations

import random
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

from ..vocabulary import FINDING, ROLES
from .layout import date_text
from .text import PairContext, Sentence, expand

__all__ = ["STAFF_FINDINGS", "staff_documents", "has_staff_feedback"]

METHOD, LOGISTICS, HEADING = ROLES[3:]

# (level, valence) -> sentence templates; [LEAD] is the leader, [network] the staff network.
STAFF_FINDINGS: dict[tuple[str, str], tuple[str, ...]] = {
    ("individual", "positive"): (
        "[LEAD] {always|usually} thanks us by name at the end of a {busy|long} shift.",
        "When a patient's relative was racist to me, [LEAD] checked in with me privately "
        "the same day.",
        "[LEAD] makes a point of asking the quieter people in the huddle for their view first.",
        "[LEAD] took the time to learn how to say my name properly, which matters to me.",
        "[LEAD] praised the night team in front of everyone for covering the extra shifts.",
    ),
    ("individual", "attention"): (
        "[LEAD] {sometimes|often} talks over junior staff in meetings, so I have stopped "
        "speaking up.",
        "Some of the jokes [LEAD] makes about people's accents make the team uncomfortable.",
        "When I mentioned a racist remark from a patient, [LEAD] said it was just part of "
        "the job.",
        "[LEAD] {tends to|will} go to the same two or three people for everything and the "
        "rest of us are invisible.",
        "[LEAD] still mispronounces my name after two years and has never asked how to say it.",
    ),
    ("departmental", "positive"): (
        "The interview panel for the {band 6|band 7} post had a mix of people on it for the "
        "first time.",
        "We are now told why someone was chosen for an acting-up post, which feels fairer.",
        "[LEAD] opened the shadowing scheme to night staff and part-timers as well.",
        "The rota is now shared out openly, so the same people no longer get the bad shifts.",
    ),
    ("departmental", "attention"): (
        "Nobody explained why the last {band 7|band 8a} post went to someone without an "
        "interview.",
        "Most of us do not know how to report bullying in this department or who to go to.",
        "Training places in our team seem to go to the same people every year.",
        "Shortlisting for promotion here still happens behind closed doors.",
    ),
    ("organisational", "positive"): (
        "[LEAD] gave me protected time to go to the [network] meetings.",
        "[LEAD] nominated two of us for {a staff recognition award|a Star Award} this year.",
        "[LEAD] went through the staff survey results on race with us at the team meeting.",
        "[LEAD] asked me to join the trust's race equality working group.",
    ),
    ("organisational", "attention"): (
        "I have never heard [LEAD] mention the WRES results or what the trust is doing about "
        "them.",
        "When I asked about the trust's race equality targets, [LEAD] did not know what they "
        "were.",
        "The [network] meets when most of us are on shift and nobody has tried to change that.",
        "Our department never seems to put anyone forward for the trust's awards.",
    ),
    ("symbolic", "positive"): (
        "Seeing photos of colleagues who look like me on the department wall makes me think "
        "I could progress here.",
        "Having a black senior nurse on the leadership team shows the rest of us it is "
        "possible.",
        "The new welcome board shows the whole team, not just the consultants.",
    ),
    ("symbolic", "attention"): (
        "Everyone in the senior team photo in the corridor is white.",
        "The posters and the people at the front desk never reflect who actually works here.",
        "There is nobody who looks like me anywhere above band 6 in this department.",
    ),
}
OPENERS = (
    "I am writing this {anonymously|without my name}{, as the programme asked|, as agreed|}.",
    "I have worked {in the team|in [unit]|here|on this ward} for {two|three|four|five|six|"
    "nearly ten} years{| as a {nurse|HCA|porter|receptionist}}.",
    "{Thank you|Thanks} for asking for {our|staff} views{| on this}.",
    "I was asked to write {a few lines|something short} about what it is like {working here|"
    "working for [LEAD]|in [unit]}.",
)
CLOSERS = ("I hope this {is useful|helps|is what you needed}.",
           "I am happy to say more{ if that helps| in person| if you want}.",
           "I would like things to {keep improving|carry on getting better|change}.")
HEADINGS = ("Staff feedback (anonymous) - received [date]", "Anonymous feedback, [date]",
            "Staff view - [date]", "Feedback from a member of staff", "360 feedback [date]",
            "Comments from the team ([date])")
_SHARE = 3  # one pair in three has staff feedback


def has_staff_feedback(pair_number: int) -> bool:
    """Whether the generator writes staff notes for pair ``pair_number`` (1-based):
    the second pair of every three (P02, P05, P08 ...)."""
    return pair_number % _SHARE == 2


def _lead(ctx: PairContext, rng: random.Random) -> str:
    lead = ctx.mentee
    honorific = "Dr" if lead.title == "Dr" else ("Mr" if lead.pronoun == "he" else "Ms")
    return rng.choice((lead.first, lead.first, f"{honorific} {lead.last}", "my manager"))


def _sentence(template: str, ctx: PairContext, rng: random.Random, level: str = "",
              valence: str = "neutral", role: str = FINDING) -> Sentence:
    text = expand(template, rng)
    text = text.replace("[LEAD]", _lead(ctx, rng)).replace("[network]", "the " + ctx.network)
    text = re.sub(r"\s+", " ", text.replace("[unit]", ctx.dept[1])).strip()
    text = text[0].upper() + text[1:]
    return Sentence(text, (level,) if level else (), valence if level else "neutral", role)


def _note(ctx: PairContext, rng: random.Random,
          sample: Callable[[str], tuple[str, str]]) -> list[Sentence]:
    sentences = [_sentence(rng.choice(OPENERS), ctx, rng, role=METHOD)] \
        if rng.random() < 0.7 else []
    used: set[str] = set()
    for _ in range(rng.randint(2, 4)):
        level, valence = sample("staff_feedback")
        options = [t for t in STAFF_FINDINGS[(level, valence)] if t not in used] \
            or list(STAFF_FINDINGS[(level, valence)])
        template = rng.choice(options)
        used.add(template)
        sentences.append(_sentence(template, ctx, rng, level, valence))
    if rng.random() < 0.5:
        sentences.append(_sentence(rng.choice(CLOSERS), ctx, rng, role=LOGISTICS))
    return sentences


def staff_documents(folder: Path, pair_id: str, ctx: PairContext, rng: random.Random,
                    sessions: int, first_day: date,
                    sample: Callable[[str], tuple[str, str]]) -> list[tuple[dict, list[Sentence]]]:
    """Write two to four anonymous staff notes for one pair into ``folder``.

    Returns ``(manifest row without file/cohort, sentences)`` per note, the row holding
    ``doc_id``, ``pair_id``, ``source``, ``author_role``, ``stage``, ``date``, ``mentor``,
    ``mentee`` and ``path`` (the file written).
    """
    out = []
    for number in range(1, rng.randint(2, 4) + 1):
        session = min(sessions, 1 + (number - 1) * max(1, sessions) // 3)
        when = first_day + timedelta(days=30 * session + rng.randint(0, 12))
        sentences = _note(ctx, rng, sample)
        path = folder / f"staff_feedback_{number}.txt"
        heading = rng.choice(HEADINGS).replace("[date]", date_text(when, rng))
        path.write_text("\n".join([heading, "", " ".join(s.text for s in sentences)]) + "\n",
                        encoding="utf-8", newline="\n")
        sentences = [Sentence(heading, role=HEADING), *sentences]
        row = {"doc_id": f"{pair_id}-staff_feedback-{number}", "pair_id": pair_id,
               "source": "staff_feedback", "author_role": "staff",
               "stage": f"session_{session}", "date": when.isoformat(),
               "mentor": ctx.mentor.full, "mentee": ctx.mentee.full, "path": path}
        out.append((row, sentences))
    return out
