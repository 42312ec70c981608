"""Gaps in a pair's evidence, each with a prompt for the next session.

(Named ``prompts`` rather than ``gaps``: a module ``gaps`` would hide the function
``rmresearch.feedback.gaps`` behind the submodule of the same name.)
"""
from __future__ import annotations

import pandas as pd

from ..vocabulary import KIND_OF_SOURCE, LEVELS
from .evidence import KINDS, LEVEL_ABOUT, mentor_evidence, of_kind

__all__ = ["PROMPTS", "gaps"]

# Prompts for the next session: (level, "said") asks, (level, "seen") looks.
PROMPTS = {
    ("individual", "said"): "Ask how the leader's own attitudes and behaviour show with BME "
                            "staff day to day, for example how they respond to a racist remark "
                            "from a patient or who they go to for views.",
    ("individual", "seen"): "Observe a team meeting or huddle: notice the leader's language, "
                            "who they ask for views, who they praise in public and their body "
                            "language.",
    ("departmental", "said"): "Ask about recruitment and promotion in the department: who sits "
                              "on interview panels, how acting-up posts are filled and "
                              "explained, and how staff report bullying and harassment.",
    ("departmental", "seen"): "Sit in on a departmental process such as shortlisting, an "
                              "interview panel or a rota meeting, and note who takes part and "
                              "how decisions are explained.",
    ("organisational", "said"): "Ask about the leader's part in trust-wide initiatives: WRES "
                                "and staff survey results, targets for the make-up of boards, "
                                "staff networks and award nominations.",
    ("organisational", "seen"): "Look for trust-wide equality work in the department (the WRES "
                                "action plan, staff network notices, award nominations) or "
                                "observe a board or committee meeting the leader attends.",
    ("symbolic", "said"): "Ask what signals the department sends about who can succeed there, "
                          "and who its role models are.",
    ("symbolic", "seen"): "Walk round the department: who is pictured on the walls, who works "
                          "front-of-house and who holds senior, visible posts.",
}
_ALL = "all levels"

_Gap = tuple[str, str, str]  # code, gap, prompt


def _level_gaps(code: str, cell: pd.DataFrame, has: dict[str, bool]) -> list[_Gap]:
    """The gaps at one level; ``cell`` is its mentor evidence, ``has`` the kinds in use."""
    if cell.empty:
        return [(code, f"No evidence yet at {code} level.",
                 PROMPTS[(code, "said")] + " " + PROMPTS[(code, "seen")])]
    rows = []
    said, seen = len(of_kind(cell, "said")) > 0, len(of_kind(cell, "seen")) > 0
    if not seen and has["seen"]:
        rows.append((code, f"Nothing seen in public yet at {code} level (no observation "
                           "or inspection evidence).", PROMPTS[(code, "seen")]))
    if not said and has["said"]:
        rows.append((code, f"Not discussed in interview yet at {code} level.",
                     PROMPTS[(code, "said")]))
    vals = set(cell["valence"])
    if "positive" not in vals:
        rows.append((code, f"No good practice recorded yet at {code} level.",
                     f"Ask what the leader is most proud of at {code} level ("
                     f"{LEVEL_ABOUT[code]}), and look for good practice to recognise."))
    if "attention" not in vals:
        rows.append((code, f"No area requiring attention recorded yet at {code} level.",
                     f"Ask where the leader feels least sure at {code} level: the aim is "
                     "shared learning, not catching anyone out."))
    return rows


def _source_gaps(sources: set[str], has: dict[str, bool]) -> list[_Gap]:
    """The sources the pair has not used yet (``code`` "all levels")."""
    rows = []
    if not has["said"]:
        rows.append((_ALL, "No one-to-one interview notes yet.",
                     "Hold a semi-structured interview: ask the leader to describe, in their "
                     "own words, their practice at each of the four levels."))
    if not any(s == "observation" for s in sources):
        rows.append((_ALL, "No observation of the leader in a meeting yet.",
                     "Arrange to observe a team meeting or huddle the leader chairs."))
    if not any(s == "inspection" for s in sources):
        rows.append((_ALL, "No visual inspection of the department yet.",
                     "Walk round the department: noticeboards, pictures, who works where."))
    if not has["staff"]:
        rows.append((_ALL, "No feedback yet from staff who work under the leader "
                           "(the 360-degree view).",
                     "Consider inviting staff, especially BME staff, to give anonymous "
                     "feedback on the leader's practice."))
    return rows


def gaps(evidence: pd.DataFrame, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Levels (and sources) with no evidence yet, each with a prompt for the next session.

    ``documents`` (the pair's documents, `pair_documents`) tells which sources the pair has
    used at all; without it only the coded evidence is looked at.

    Gaps found, per level in framework order: ``no evidence`` (nothing at the level from any
    mentor source), ``not seen in public`` (said or written but never observed or inspected),
    ``not discussed in interview``, ``no good practice recorded`` and ``no area requiring
    attention recorded``; then, for the pair as a whole (``code`` "all levels"), sources not
    used yet: no interview, no observation, no visual inspection, no staff feedback (the
    360-degree view). When the pair has no observation or inspection notes at all, the
    per-level "not seen" gaps are folded into the one source gap (likewise for interviews).

    Returns
    -------
    DataFrame
        ``code``, ``gap`` (short plain statement), ``prompt`` (what to do next session).
    """
    ev = mentor_evidence(evidence)
    sources: set[str] = set(evidence["source"])
    if documents is not None:
        sources |= set(documents["source"])
    has = {kind: any(KIND_OF_SOURCE.get(s) == kind for s in sources) for kind in KINDS}
    rows = [gap for code in LEVELS for gap in _level_gaps(code, ev[ev["code"] == code], has)]
    rows += _source_gaps(sources, has)
    return pd.DataFrame(rows, columns=["code", "gap", "prompt"])
