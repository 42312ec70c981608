"""The pieces of the feedback sheet (`Block`) and the sections that report the findings.

Each ``*_blocks`` function turns part of a `rmresearch.feedback.pair.PairFeedback` into the
blocks of one section (headings from `SECTIONS`); `rmresearch.feedback.sheet.sheet_blocks`
puts them in order, with the opening, the "about" and the "how it was made" sections.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from ..vocabulary import CONGRUENCE, LEVELS, VALENCE_LABELS

if TYPE_CHECKING:  # pragma: no cover
    from .pair import PairFeedback

__all__ = ["SECTIONS", "Block", "cell_text", "long_date", "profile_blocks", "finding_blocks",
           "congruence_blocks", "change_blocks", "gap_blocks", "staff_blocks"]

SECTIONS = {
    "about": "About this sheet",
    "profile": "Your profile across the four levels",
    "good": "Good practice",
    "attention": "Areas requiring attention",
    "congruence": "Said in private, seen in public",
    "change": "What changed over the sessions",
    "gaps": "Gaps: prompts for the next session",
    "staff": "What staff say: the 360-degree view",
    "method": "How this sheet was made",
}


@dataclass
class Block:
    """One piece of the sheet.

    ``kind``: ``title``, ``h1``, ``h2``, ``p``, ``quote`` (``text`` and ``where``),
    ``bullets`` (``items``: strings or (bold lead, rest) pairs), ``table`` (``header`` and
    ``rows`` of strings) or ``image`` (PNG ``data``, ``text`` as its description).
    """

    kind: str
    text: str = ""
    where: str = ""
    items: list[Any] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    data: bytes = b""
    section: str = ""


# --------------------------------------------------------------------------- words
def cell_text(value: Any) -> str:
    """A table cell as text: "" for a missing value, whole numbers without ".0"."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _count(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _level(code: str) -> str:
    return f"{code.capitalize()} level"


def long_date(iso: str) -> str:
    """An ISO date as "5 December 2020" ("" when it is not a date)."""
    try:
        day = date.fromisoformat(str(iso)[:10])
    except ValueError:
        return ""
    return f"{day.day} {day.strftime('%B %Y')}"


# --------------------------------------------------------------------------- profile
def profile_blocks(fb: "PairFeedback", figures: dict[str, bytes]) -> list[Block]:
    """The profile section: passages per level by valence and kind, the level with most
    evidence, and the ``profile`` figure when ``figures`` holds it."""
    key = "profile"
    blocks = [Block("h1", SECTIONS[key], section=key),
              Block("p", "How many passages in the mentoring notes fall at each level, and "
                         "whether they describe good practice or an area requiring "
                         "attention. A passage is a sentence or a short answer; one passage "
                         "can sit at more than one level.", section=key)]
    header = ["Level", "Good practice", "Requiring attention", "All passages",
              "Said in interview", "Seen in public", "In journals"]
    rows = [[r.code.capitalize(), cell_text(r.n_positive), cell_text(r.n_attention),
             cell_text(r.n), cell_text(r.n_said), cell_text(r.n_seen), cell_text(r.n_journal)]
            for r in fb.profile.itertuples()]
    blocks.append(Block("table", header=header, rows=rows, section=key))
    totals = {r.code: _count(r.n) for r in fb.profile.itertuples()}
    if all(v is not None for v in totals.values()) and any(totals.values()):
        top = max(LEVELS, key=lambda c: (totals[c], -LEVELS.index(c)))
        empty = [c for c in LEVELS if totals[c] == 0]
        text = f"Most of the evidence so far is at the {top} level."
        if empty:
            text += " There is nothing yet at the " + " or ".join(empty) + " level" + \
                    ("s" if len(empty) > 1 else "") + " (see the gaps below)."
        blocks.append(Block("p", text, section=key))
    if "profile" in figures:
        blocks.append(Block("image", "Passages at each level: good practice and areas "
                                     "requiring attention.", data=figures["profile"],
                            section=key))
    return blocks


# --------------------------------------------------------------------------- findings
def finding_blocks(fb: "PairFeedback", valence: str, key: str) -> list[Block]:
    """The good practice (``valence`` "positive", ``key`` "good") or attention section:
    level by level, where the finding was found and its quotes."""
    blocks = [Block("h1", SECTIONS[key], section=key)]
    intro = ("What is already working well, level by level, with the passages that show it."
             if valence == "positive" else
             "What would most help staff if it changed, level by level, with the passages "
             "that show it. These are for discussion, not judgement.")
    blocks.append(Block("p", intro, section=key))
    summary = fb.summary.set_index(["code", "valence"])
    for code in LEVELS:
        blocks.append(Block("h2", _level(code), section=key))
        quotes = fb.quotes[(fb.quotes["code"] == code) & (fb.quotes["valence"] == valence)]
        if quotes.empty:
            blocks.append(Block("p", "Nothing recorded at this level yet.", section=key))
            continue
        row = summary.loc[(code, valence)] if (code, valence) in summary.index else None
        if row is not None and row["sources"]:
            blocks.append(Block("p", f"Found in: {row['sources']}.", section=key))
        for q in quotes.sort_values("rank").itertuples():
            blocks.append(Block("quote", q.quote, where=q.where, section=key))
    return blocks


def congruence_blocks(fb: "PairFeedback") -> list[Block]:
    """The "said in private, seen in public" section: the table and the one-sided quotes."""
    key = "congruence"
    blocks = [Block("h1", SECTIONS[key], section=key),
              Block("p", "Does what you said in private, in our one-to-one interviews, show in "
                         "how you act in public: in the meetings you were observed in and in "
                         "your department? Something said and also seen is stronger evidence "
                         "than something only said.", section=key)]
    rows = [[r.code.capitalize(), r.finding.capitalize(), cell_text(r.n_said),
             cell_text(r.n_seen), r.statement] for r in fb.congruence.itertuples()]
    blocks.append(Block("table", header=["Level", "Finding", "Said in interview",
                                         "Seen in public", "What this means"], rows=rows,
                        section=key))
    said_only = fb.congruence[fb.congruence["status"] == CONGRUENCE[1]]
    seen_only = fb.congruence[fb.congruence["status"] == CONGRUENCE[2]]
    blocks.append(Block("h2", "Said in private, not yet seen in public", section=key))
    if said_only.empty:
        blocks.append(Block("p", "Nothing: whatever came up in interview has also been seen "
                                 "in public, or nothing came up yet.", section=key))
    for r in said_only.itertuples():
        blocks.append(Block("p", f"{_level(r.code)}, {r.finding}:", section=key))
        if r.said_quote:  # none when the mentor kept none of them for the sheet
            blocks.append(Block("quote", r.said_quote, where=r.said_where, section=key))
    if len(seen_only):
        blocks.append(Block("h2", "Seen in public, not raised in interview", section=key))
        for r in seen_only.itertuples():
            blocks.append(Block("p", f"{_level(r.code)}, {r.finding}:", section=key))
            if r.seen_quote:
                blocks.append(Block("quote", r.seen_quote, where=r.seen_where, section=key))
    return blocks


def change_blocks(fb: "PairFeedback", figures: dict[str, bytes]) -> list[Block]:
    """The change section: counts per session and level, the trend per level, and the
    ``change`` figure when ``figures`` holds it."""
    key = "change"
    blocks = [Block("h1", SECTIONS[key], section=key)]
    text = fb.period.get("text", "")
    blocks.append(Block("p", f"How the findings moved across the sessions ({text}): good "
                             "practice and areas requiring attention recorded in each session, "
                             "level by level." if text else "How the findings moved across "
                             "the sessions.", section=key))
    if fb.change.empty:
        blocks.append(Block("p", "No session-by-session notes yet.", section=key))
        return blocks
    header = ["Session", "Dates"] + [c.capitalize() for c in LEVELS]
    rows = []
    for ses, cell in fb.change.groupby("session", sort=True):
        first = cell.iloc[0]
        dates = long_date(first["date_from"])
        if first["date_to"] and first["date_to"] != first["date_from"]:
            dates = f"{dates} to {long_date(first['date_to'])}"
        by_code = cell.set_index("code")
        rows.append([str(ses), dates] + [
            f"{cell_text(by_code.loc[c, 'n_positive'])} good, "
            f"{cell_text(by_code.loc[c, 'n_attention'])} attention" if c in by_code.index
            else "" for c in LEVELS])
    blocks.append(Block("table", header=header, rows=rows, section=key))
    blocks.append(Block("bullets", items=[(r.code.capitalize() + ":", r.statement)
                                          for r in fb.change_summary.itertuples()],
                        section=key))
    if "change" in figures:
        blocks.append(Block("image", "Good practice and areas requiring attention by session "
                                     "and level.", data=figures["change"], section=key))
    return blocks


def gap_blocks(fb: "PairFeedback") -> list[Block]:
    """The gaps section: each gap with its prompt for the next session."""
    key = "gaps"
    blocks = [Block("h1", SECTIONS[key], section=key),
              Block("p", "Where there is no evidence yet. These are not failings: they are "
                         "prompts for what to ask about or look at in the next session.",
                    section=key)]
    if fb.gaps.empty:
        blocks.append(Block("p", "No gaps: every level has evidence from interview and from "
                                 "observation or inspection, with both good practice and areas "
                                 "requiring attention.", section=key))
        return blocks
    blocks.append(Block("bullets", items=[(r.gap, r.prompt) for r in fb.gaps.itertuples()],
                        section=key))
    return blocks


def staff_blocks(fb: "PairFeedback") -> list[Block]:
    """The 360-degree section: staff beside the mentoring notes, and staff quotes when
    enough notes came in."""
    key = "staff"
    n = fb.n_staff_notes
    blocks = [Block("h1", SECTIONS[key], section=key),
              Block("p", f"{n} anonymous note{'s' if n != 1 else ''} from staff who work with "
                         "you, sorted into the same levels and shown beside what the mentoring "
                         "notes found.", section=key)]
    rows = [[r.code.capitalize(), cell_text(r.n_staff_positive),
             cell_text(r.n_staff_attention), cell_text(r.n_mentor_positive),
             cell_text(r.n_mentor_attention), r.comparison] for r in fb.staff.itertuples()]
    blocks.append(Block("table", header=["Level", "Staff: good practice",
                                         "Staff: requiring attention",
                                         "Mentoring notes: good practice",
                                         "Mentoring notes: requiring attention", "Comparison"],
                        rows=rows, section=key))
    if not fb.staff_quoted:
        blocks.append(Block("p", f"Staff are not quoted word for word: fewer than "
                                 f"{fb.staff_min} notes came in, and quoting them could show "
                                 "who wrote what.", section=key))
        return blocks
    for code in LEVELS:
        quotes = fb.staff_quotes[fb.staff_quotes["code"] == code]
        if quotes.empty:
            continue
        blocks.append(Block("h2", f"Staff on the {code} level", section=key))
        for q in quotes.sort_values(["valence", "rank"], ascending=[False, True]).itertuples():
            blocks.append(Block("quote", q.quote, where=f"{q.where}, {VALENCE_LABELS[q.valence]}",
                                section=key))
    return blocks
