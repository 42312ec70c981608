"""Headings of synthetic documents: each on its own line, worded as people word them, or absent.

"Session 3 - 14 March", "Notes, third meeting", "Reflections after session three", a bare date,
or nothing at all: `header_lines` gives the lines a document starts with (each a segment of
its own, role ``heading`` in the truth). No heading has a colon after a capitalised word that a
transcript reader could take for a speaker, nor a full stop inside it.
"""
from __future__ import annotations

import random
from datetime import date

__all__ = ["header_lines", "date_text"]

_ORDINAL = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_NUMBER = ("one", "two", "three", "four", "five", "six", "seven", "eight")
_TITLES = {
    "interview": ("Mentoring conversation", "Mentoring session", "Conversation",
                  "Transcript", "Reverse mentoring", "Mentoring meeting", "1:1"),
    "report": ("Session write-up", "Notes of our conversation", "Write-up", "Mentoring notes",
               "Summary of session", "Our notes", "Meeting with our mentee"),
    "observation": ("Observation notes", "Observation", "Obs", "Team meeting observed",
                    "Notes from the huddle", "Field notes", "Observed meeting"),
    "inspection": ("Visual inspection", "Notes from the walk-round", "Walk round [unit]", "Site visit",
                   "Department walk-round", "Visit notes", "Walk-round record"),
    "journal": ("Reflective journal", "Journal", "Reflections", "Reflective log",
                "My reflections", "Diary", "Reflective notes", "Thoughts"),
}


def date_text(when: date, rng: random.Random) -> str:
    """A date as people write it: 14/03/2021, 14 March 2021, 2021-03-14, 14 March, 14/3/21."""
    return rng.choice((when.strftime("%d/%m/%Y"), f"{when.day} {when.strftime('%B %Y')}",
                       when.isoformat(), f"{when.day} {when.strftime('%B')}",
                       f"{when.day}/{when.month}/{when.strftime('%y')}"))


def _session(session: int, rng: random.Random) -> str:
    index = min(session, len(_ORDINAL)) - 1
    return rng.choice((f"session {session}", f"session {_NUMBER[index]}",
                       f"{_ORDINAL[index]} session", f"meeting {session}",
                       f"{_ORDINAL[index]} meeting", f"S{session}"))


def _title(kind: str, fill: dict[str, str], rng: random.Random) -> str:
    title = rng.choice(_TITLES[kind])
    for slot, value in fill.items():
        title = title.replace(f"[{slot}]", value)
    return title


def header_lines(kind: str, session: int, when: date, rng: random.Random,
                 fill: dict[str, str], *, markdown: bool = False) -> list[str]:
    """The heading lines a document of ``kind`` starts with (possibly none).

    Parameters
    ----------
    kind : str
        interview, report, observation, inspection or journal.
    session : int
        The session the document belongs to.
    when : datetime.date
        The document's date.
    rng : random.Random
        The document's random stream.
    fill : dict
        Values for ``[lname]`` (the leader's first name) and ``[unit]``.
    markdown : bool
        A Markdown file: the heading may start with ``#``.

    Returns
    -------
    list of str
        Zero to two lines, each its own segment.
    """
    draw = rng.random()
    if draw < 0.2:
        return []
    title, label, day = _title(kind, fill, rng), _session(session, rng), date_text(when, rng)
    label = label[:1].upper() + label[1:] if rng.random() < 0.6 else label
    sep = rng.choice((" - ", " – ", ", ", " | "))
    shapes = (f"{title}{sep}{label}", f"{label[:1].upper() + label[1:]}{sep}{day}",
              f"{title}{sep}{day}", f"{title}{sep}{label}{sep}{day}", day,
              f"{title} ({label})", f"{title}, {label[:1].lower() + label[1:]}")
    first = rng.choice(shapes)
    lines = [first]
    if day not in first and rng.random() < 0.5:
        lines.append(day)
    if markdown and rng.random() < 0.7:
        lines[0] = rng.choice(("# ", "## ", "### ")) + lines[0]
    return lines
