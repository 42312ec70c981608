"""The feedback sheet a mentor hands to the senior leader: who it names and what it says.

The sheet is built once as a list of `Block` (headings, paragraphs, quotes, bullet lists,
tables, pictures) from a `rmresearch.feedback.pair.PairFeedback` (`sheet_blocks`), then
rendered twice (`rmresearch.feedback.render`), so the page and the document say the same
thing. It is plain language, has no code, and is pseudonymised for everyone; only the leader
it is addressed to may be named, when the mentor chooses (``reveal_leader``, `sheet_names`).

Small-cell suppression: the sheet is a private document for one leader about their own
practice, and its counts are of passages in that pair's notes, not of people, so the feedback
notebook and ``rmresearch feedback`` default to ``min_cell=0`` (no suppression). The report
batch keeps its own ``min_cell`` for everything it publishes, feedback sheets included; when
counts are suppressed, the figures are left off the sheet (bar lengths would show them).
Staff are protected separately: they are quoted word for word only when at least
``staff_min`` staff notes came in, and their quotes carry no date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..vocabulary import LEVELS
from .evidence import LEVEL_ABOUT, pair_documents
from .pair import PairFeedback
from .sections import (SECTIONS, Block, change_blocks, congruence_blocks, finding_blocks,
                       gap_blocks, long_date, profile_blocks, staff_blocks)

if TYPE_CHECKING:  # pragma: no cover
    from ..report.context import ReportContext

__all__ = ["SECTIONS", "Block", "SheetNames", "sheet_names", "sheet_blocks"]


# --------------------------------------------------------------------------- names
@dataclass(frozen=True)
class SheetNames:
    """Who the sheet names: ``leader`` and ``mentor`` as printed; ``leader_pseudonym`` is the
    pseudonym the quotes use for the leader (None when nothing is pseudonymised);
    ``revealed`` says the leader's real name replaces it."""

    leader: str
    mentor: str
    leader_pseudonym: str | None = None
    revealed: bool = False
    pseudonymised: bool = True


def _first(values: pd.Series) -> str:
    for value in values:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def sheet_names(ctx: "ReportContext", pair: str, reveal_leader: bool = False) -> SheetNames:
    """The names a pair's sheet uses, from the report context's pseudonym key.

    The leader is "Leader X" and the mentor "Mentor X" (the pair's letter); with
    ``reveal_leader`` the leader's real name (``PseudonymKey.reverse``) replaces "Leader X" on
    the sheet, and nobody else's. Without pseudonymisation the names are the real ones.
    """
    docs = pair_documents(ctx.project.documents, pair)
    real_leader = _first(docs["mentee"]) if "mentee" in docs.columns else ""
    real_mentor = _first(docs["mentor"]) if "mentor" in docs.columns else ""
    ps = ctx.publisher.pseudonymiser
    if ps is None:
        mentors = [m.strip() for m in real_mentor.split(";") if m.strip()]
        shown = " and ".join([", ".join(mentors[:-1]), mentors[-1]] if len(mentors) > 1
                             else mentors)
        return SheetNames(real_leader or "the leader", shown or "your mentor", None,
                          revealed=False, pseudonymised=False)

    def pseudonym(role: str, real: str, fallback: str) -> str:
        found = [p.pseudonym for p in ps.key.people if p.role == role and pair in p.pairs]
        if found:  # several mentors of one pair: "Mentor A and Mentor B"
            return " and ".join([", ".join(found[:-1]), found[-1]] if len(found) > 1
                                else found)
        return ps.label(real) if real else fallback

    leader_p = pseudonym("leader", real_leader, "the leader")
    mentor_p = pseudonym("mentor", real_mentor, "your mentor")
    leader = leader_p
    if reveal_leader and ps.key.person(leader_p) is not None:
        leader = ps.key.reverse(leader_p)
    return SheetNames(leader, mentor_p, leader_p, revealed=leader != leader_p)


# --------------------------------------------------------------------------- blocks
def _opening(fb: PairFeedback, names: SheetNames) -> list[Block]:
    """The title and the line saying who the sheet is from and what it covers."""
    cohort = f", cohort {fb.cohort}" if fb.cohort else ""
    latest = long_date(fb.period.get("last", ""))
    span = fb.period.get("text", "")
    span = span[:1].upper() + span[1:]
    return [Block("title", f"Reverse mentoring feedback for {names.leader}"),
            Block("p", f"From {names.mentor} (mentoring pair {fb.pair}{cohort})."
                  + (f" {span}." if span else "")
                  + (f" Based on the notes up to {latest}." if latest else ""))]


def _about(fb: PairFeedback, names: SheetNames) -> list[Block]:
    """What the sheet draws on, the four levels, who is named, and the pair's notes."""
    key = "about"
    staff = ", and anonymous notes from staff who work with you" if fb.has_staff else ""
    blocks = [
        Block("h1", SECTIONS[key], section=key),
        Block("p", "This sheet brings together what came up during our reverse mentoring: "
                   "what you said in our one-to-one interviews, what was seen when you were "
                   "observed in meetings and when your department was visited, and what was "
                   f"written in the reflective journals{staff}.", section=key),
        Block("p", "It follows the four levels at which a leader's practice affects equality, "
                   "diversity and inclusion:", section=key),
        Block("bullets", items=[(code.capitalize() + ":", LEVEL_ABOUT[code] + ".")
                                for code in LEVELS], section=key),
        Block("p", "At each level it shows areas of good practice as well as areas requiring "
                   "attention. The aim is shared learning, not catching anyone out.",
              section=key),
    ]
    if names.pseudonymised:
        who = "Other people are not named: they appear" if names.revealed else \
            f"People are not named: you appear as {names.leader}, and other people"
        blocks.append(Block("p", "The sheet is confidential to you and your mentor. "
                                 f"{who} as Person 1, Person 2 and so on.", section=key))
    return blocks + [Block("p", note, section=key) for note in fb.notes]


def _method(min_cell: int) -> list[Block]:
    """How the sheet was made, with the suppression threshold when there is one."""
    method = ("Passages from the notes were sorted into the four levels, and into good "
              "practice or areas requiring attention, by the rmresearch coding tool; your "
              "mentor can show you the full notes behind any quote. Counts are of passages, "
              "not of people. Questions the mentor asked in interviews are not counted as "
              "evidence about you.")
    if min_cell > 0:
        method += f" Counts from 1 to {min_cell - 1} are shown as <{min_cell}."
    return [Block("h1", SECTIONS["method"], section="method"),
            Block("p", method, section="method")]


def _reveal(blocks: list[Block], pseudonym: str, name: str) -> list[Block]:
    """``blocks`` with the leader's pseudonym replaced by their name everywhere."""
    pattern = re.compile(re.escape(pseudonym) + r"(?![A-Za-z0-9])")

    def sub(value: Any) -> Any:
        if isinstance(value, str):
            return pattern.sub(name, value)
        if isinstance(value, tuple):
            return tuple(sub(v) for v in value)
        if isinstance(value, list):
            return [sub(v) for v in value]
        return value

    return [Block(b.kind, sub(b.text), sub(b.where), sub(b.items), sub(b.header), sub(b.rows),
                  b.data, b.section) for b in blocks]


def sheet_blocks(fb: PairFeedback, names: SheetNames, *,
                 figures: dict[str, bytes] | None = None, min_cell: int = 0) -> list[Block]:
    """The sheet's content, in order (see `SECTIONS` for the headings).

    Parameters
    ----------
    fb : the pair's feedback, pseudonymised (and, when published with suppression, with
        suppressed counts).
    names : who is named (`sheet_names`).
    figures : PNG bytes by name (``profile``, ``change``) to include; leave out when counts
        are suppressed.
    min_cell : the suppression threshold the counts went through (0: none), for the note.
    """
    figures = figures or {}
    blocks = _opening(fb, names) + _about(fb, names) + profile_blocks(fb, figures)
    blocks += finding_blocks(fb, "positive", "good")
    blocks += finding_blocks(fb, "attention", "attention")
    blocks += congruence_blocks(fb)
    blocks += change_blocks(fb, figures)
    blocks += gap_blocks(fb)
    if fb.has_staff:
        blocks += staff_blocks(fb)
    blocks += _method(min_cell)
    if names.revealed and names.leader_pseudonym:
        blocks = _reveal(blocks, names.leader_pseudonym, names.leader)
    return blocks
