"""The project's fixed words, in one place: levels, valences, sources, stages, coder names.

Every table, chart, sheet and check takes these from here; nothing else spells them out.
Labels are what people read; ids are what tables hold.
"""
from __future__ import annotations

import re
from typing import Any

__all__ = [
    "LEVELS", "LEVEL_COLOURS", "VALENCES", "VALENCE_COLOURS", "VALENCE_LABELS",
    "VALENCE_WORDS", "valence_words", "SOURCES", "AUTHOR_ROLES", "SPEAKER_ROLES",
    "SAID_SOURCES", "SEEN_SOURCES", "KIND_OF_SOURCE", "REPORTED", "SAID_KINDS", "CONGRUENCE",
    "CONGRUENCE_COLOURS", "PAIR_CONGRUENCE", "INCONGRUENT", "PAIR_CONGRUENCE_COLOURS", "ROLES",
    "FINDING", "ROLE_DEFINITIONS",
    "FORM_STAGES", "SESSION_PATTERN", "session_number", "stage_key", "HUMAN_PREFIX",
    "is_human", "human_coder", "MACHINE_CODER",
]

# ---------------------------------------------------------------- the four levels of operation
LEVELS: tuple[str, ...] = ("individual", "departmental", "organisational", "symbolic")
LEVEL_COLOURS: dict[str, str] = {"individual": "#1F77B4", "departmental": "#FF7F0E",
                                 "organisational": "#9467BD", "symbolic": "#17BECF"}

# ---------------------------------------------------------------- valence
VALENCES: tuple[str, ...] = ("positive", "attention", "neutral")
VALENCE_COLOURS: dict[str, str] = {"positive": "#2E7D32", "attention": "#C62828",
                                   "neutral": "#9E9E9E"}
#: short labels for chart legends and table headers
VALENCE_LABELS: dict[str, str] = {"positive": "good practice",
                                  "attention": "requiring attention", "neutral": "neutral"}
#: the words used in sentences ("an area requiring attention came up ...")
VALENCE_WORDS: dict[str, str] = {"positive": "good practice",
                                 "attention": "area requiring attention",
                                 "neutral": "described without judgement"}


def valence_words(valence: Any) -> str:
    """Plain words for a valence in a sentence; an unknown value is returned as text."""
    return VALENCE_WORDS.get(str(valence), str(valence))


# ---------------------------------------------------------------- sources and who wrote them
SOURCES: tuple[str, ...] = ("interview", "observation", "inspection", "journal",
                            "feedback_form", "staff_feedback")
AUTHOR_ROLES: tuple[str, ...] = ("mentor", "mentee", "programme", "staff")
SPEAKER_ROLES: tuple[str, ...] = ("mentor", "mentee", "respondent", "staff", "unknown")
#: congruence: what the leader says in private (interview) against what is seen in public
SAID_SOURCES: tuple[str, ...] = ("interview",)
SEEN_SOURCES: tuple[str, ...] = ("observation", "inspection")
#: the kind of evidence each source gives (sources not listed give none of these)
KIND_OF_SOURCE: dict[str, str] = {"interview": "said", "observation": "seen",
                                  "inspection": "seen", "journal": "journal",
                                  "staff_feedback": "staff"}
#: the kind of a passage of interview notes in which the mentor reports what the leader said or
#: did (a finding, not the mentor's question); it counts as said in private
REPORTED = "reported"
SAID_KINDS: tuple[str, ...] = ("said", REPORTED)
#: congruence categories per pair and level, in display order
CONGRUENCE: tuple[str, ...] = ("said and seen", "said in private only", "seen in public only",
                               "no evidence")
CONGRUENCE_COLOURS: dict[str, str] = dict(zip(CONGRUENCE, ("#1B9E77", "#E6AB02", "#7570B3",
                                                           "#D9D9D9")))

#: a pair's said-against-seen evidence at one level, by valence (cohort appendix), in order
PAIR_CONGRUENCE: tuple[str, ...] = ("congruent", "said good practice, seen attention",
                                    "said attention, seen good practice", "mixed", "said only",
                                    "seen only", "no evidence")
#: the two that show a leader's words and deeds apart
INCONGRUENT: tuple[str, ...] = PAIR_CONGRUENCE[1:3]
PAIR_CONGRUENCE_COLOURS: dict[str, str] = dict(zip(PAIR_CONGRUENCE, (
    "#1B9E77", "#D95F02", "#7570B3", "#A6761D", "#E6AB02", "#66A61E", "#D9D9D9")))

#: what a segment is (discourse role): only findings carry levels
ROLES: tuple[str, ...] = ("finding", "question", "about_mentoring", "method", "logistics",
                          "heading")
FINDING = ROLES[0]
#: what each role means, in the words of the review sheet's help
ROLE_DEFINITIONS: dict[str, str] = {
    "finding": "practice of the leader, their department or the organisation (carries levels)",
    "question": "a question or prompt put by the mentor", "about_mentoring": "thanks, praise "
    "or criticism of the mentors, rapport, the programme itself",
    "method": "how the notes were gathered", "logistics": "arrangements and pleasantries",
    "heading": "a heading or label"}

# ---------------------------------------------------------------- programme stages
FORM_STAGES: tuple[str, ...] = ("enrolment", "post_training", "midpoint", "end")
SESSION_PATTERN = re.compile(r"^session[_ ]?(\d+)$", re.IGNORECASE)


def session_number(stage: Any) -> int | None:
    """The session number of a ``session_N`` stage (``session 2`` too), else None.

    The stage is matched as written: surrounding spaces make it not a session stage.
    """
    match = SESSION_PATTERN.match("" if stage is None else str(stage))
    return int(match.group(1)) if match else None


def stage_key(stage: Any) -> tuple[int, int, str]:
    """Sort key for stages: ``session_1..session_n`` by number, then form stages, then others."""
    text = "" if stage is None else str(stage)
    number = session_number(text)
    if number is not None:
        return (0, number, text)
    if text in FORM_STAGES:
        return (1, FORM_STAGES.index(text), text)
    return (2, 0, text)


# ---------------------------------------------------------------- coders
HUMAN_PREFIX = "human:"
#: the family of the default machine coder: its labels read ``ensemble@<hash>``
MACHINE_CODER = "ensemble"


def is_human(coder: Any) -> bool:
    """True for a human coder's label (``human:<name>``)."""
    return str(coder).startswith(HUMAN_PREFIX)


def human_coder(name: str) -> str:
    """The coder label for a person: ``human:<name>`` (a label already prefixed is kept)."""
    return name if is_human(name) else HUMAN_PREFIX + name
