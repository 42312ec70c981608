"""Which template atoms and frames of :mod:`rmresearch.synthetic.banks` fit a finding.

An *atom* is ``(kind, level codes, valence, template, extra)``; a *frame* is
``(template, verb form, valences, negation allowed)``. `atom_candidates` lists the atoms
that can express a level with a valence in a source's voice (negating an atom of the
opposite valence where the bank allows it); `KINDS` and `FRAMES` say which atom kinds and
frames each source uses.
"""
from __future__ import annotations

import re
from functools import lru_cache

from . import banks as B

__all__ = ["KINDS", "FRAMES", "STATIVE", "atom_levels", "atom_candidates", "fits_state",
           "combinable"]

_LEVEL_CODES = {"ind": "individual", "dep": "departmental", "org": "organisational",
                "sym": "symbolic"}
_OPPOSITE = {"positive": "attention", "attention": "positive"}
#: states, not events: no "Last week, I knew"
STATIVE = re.compile(r"<[!~]?(know|be|have)>")
_NOT_FOR_STATES = re.compile(
    r"Since|Last week|On Monday|The other day|At the last|This week|Yesterday|In Tuesday|"
    r"After our|Recently|This year|have started|try|more often|\{always|Hopefully")


def atom_levels(atom: tuple) -> list[str]:
    """The levels an atom carries (``"ind+sym"`` -> individual, symbolic)."""
    return [_LEVEL_CODES[code] for code in atom[1].split("+")]


def fits_state(frame: tuple) -> bool:
    """States (know, be, have) read badly as dated events or in the present perfect."""
    return frame[1] in ("pres", "past") and not _NOT_FOR_STATES.search(frame[0])


def combinable(template: str, form: str, body: str) -> bool:
    """Only finite clauses at the very end of a frame are joined with a second finding."""
    ends = ("VP.", "CL.", "VP{.|!}")
    return form in ("pres", "past", "perf") and template.endswith(ends) and ", and" not in body


@lru_cache(maxsize=None)
def atom_candidates(level: str, valence: str, kinds: tuple[str, ...],
                seen: bool = False) -> list[tuple[tuple, bool]]:
    """Atoms (and whether to negate them) that express ``level`` with ``valence``.

    ``seen`` keeps only what could be observed in a team meeting.
    """
    out: list[tuple[tuple, bool]] = []
    for atom in B.ATOMS:
        kind, _codes, atom_valence, _template, extra = atom
        if kind not in kinds or level not in atom_levels(atom):
            continue
        if seen and extra.get("unseen"):
            continue
        if atom_valence == valence:
            out.append((atom, False))
        elif _OPPOSITE.get(atom_valence) == valence and (extra.get("negate") or "neg" in extra):
            out.append((atom, True))
    return out


KINDS = {
    "interview": ("act", "cl", "view", "ex"),
    "interview_report": ("act", "cl", "view", "ex"),
    "observation": ("act", "cl", "view"),
    "inspection": ("ex",),
    "mentor_journal": ("act", "cl", "view", "ex"),
    "mentee_journal": ("act", "cl", "view"),
}
FRAMES = {
    "interview": {"act": B.INTERVIEW_ACT, "cl": B.INTERVIEW_CL, "ex": B.INTERVIEW_CL,
                  "view": B.INTERVIEW_VIEW},
    "interview_report": {"act": B.REPORT_ACT, "cl": B.REPORT_CL, "ex": B.REPORT_CL,
                         "view": B.REPORT_VIEW},
    "observation": {"act": B.OBS_ACT, "cl": B.OBS_CL, "view": B.OBS_VIEW},
    "inspection": {"ex": B.INSP_EX},
    "mentor_journal": {"act": B.MJ_ACT, "cl": B.MJ_CL, "ex": B.MJ_EX, "view": B.MJ_VIEW},
    "mentee_journal": {"act": B.LJ_ACT, "cl": B.LJ_CL, "view": B.LJ_VIEW},
}
