"""A first manifest for a folder of notes, drafted from the file names.

A mentor starting out has a folder such as::

    session1_interview.docx   session2_observation.txt   walk-round 3.md   journal.docx

`draft_manifest` reads what each name says (source, session, date) and marks what it had to
guess, so the person is asked only for what no file name can tell: who the leader is and who
the mentors are. ``rmresearch init`` writes the draft as ``manifest.csv`` and shows the guesses.

Source words (any case, as a word or part of one): interview, transcript, conversation, 1-1 ->
``interview``; observation, observed, shadow, meeting, huddle -> ``observation``; inspection,
walk-round, walkround, walkabout, visual -> ``inspection``; journal, diary, reflection, log ->
``journal``; staff, 360 -> ``staff_feedback``; form, survey, questionnaire, evaluation ->
``feedback_form``. A ``.vtt`` file with no such word is an interview. Sessions: ``session2``,
``session_2``, ``s2``, ``week 2``, ``visit 2``, ``meeting 2``, ``round 2``. Dates: ``2024-06-04`` or
``20240604`` in the name.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Sequence

import pandas as pd

from ..errors import InputError
from ..vocabulary import FORM_STAGES
from .manifest import MANIFEST_NAMES, REQUIRED, SUFFIXES
from .names import NAME_ALLOWED, name_problem

__all__ = ["draft_manifest", "DRAFT_COLUMNS", "SOURCE_WORDS", "MENTOR_SEPARATOR"]

#: several mentors of one pair share the ``mentor`` cell, separated by this
MENTOR_SEPARATOR = "; "
#: the draft's columns: the manifest's, then ``guessed`` (what the file name did not say)
DRAFT_COLUMNS = [*REQUIRED, "mentor", "mentee", "guessed"]
#: words in a file name -> source, tried in this order
SOURCE_WORDS: tuple[tuple[str, str], ...] = (
    ("staff_feedback", r"staff|360"),
    ("feedback_form", r"form|survey|questionnaire|evaluation"),
    ("journal", r"journal|diary|reflect\w*|log"),
    ("inspection", r"inspect\w*|walk[- _]?round|walkabout|visual"),
    ("observation", r"observ\w*|shadow\w*|meeting|huddle"),
    ("interview", r"interview\w*|transcript\w*|conversation|1[- _]?(?:to[- _]?)?1|"
                  r"one[- _]to[- _]one"),
)
_SESSION = re.compile(r"(?:session|week|visit|meeting|round|sess|s)[ _-]?0*([0-9]{1,2})(?![0-9])",
                      re.IGNORECASE)
_DATE = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})-?([01][0-9])-?([0-3][0-9])(?![0-9])")
_LEADER_WORDS = re.compile(r"leader|mentee", re.IGNORECASE)


def _source(stem: str, suffix: str) -> str | None:
    for source, words in SOURCE_WORDS:
        if re.search(rf"(?:^|[^a-z])(?:{words})", stem, re.IGNORECASE):
            return source
    return "interview" if suffix == ".vtt" else None


def _date(stem: str) -> str:
    for y, m, d in _DATE.findall(stem):
        try:
            return date(int(y), int(m), int(d)).isoformat()
        except ValueError:
            continue
    return ""


def _row(path: Path, folder: Path, cohort: str, pair: str, leader: str, mentors: str) -> dict:
    stem, suffix = path.stem, path.suffix.lower()
    guessed = []
    source = _source(stem, suffix)
    if source is None:
        source, guessed = "interview", ["source"]
    day = _date(stem)
    session = _SESSION.search(_DATE.sub(" ", stem) if day else stem)
    stage = f"session_{int(session.group(1))}" if session else ""
    form_stage = next((s for s in FORM_STAGES if s.replace("_", "") in
                       re.sub(r"[^a-z]", "", stem.lower())), None)
    if source == "feedback_form" and form_stage:
        stage = form_stage
    elif source in ("feedback_form", "staff_feedback") and not session:
        stage = "end" if source == "feedback_form" else "session_1"
        guessed.append("stage")
    elif not session:
        stage, guessed = "session_1", guessed + ["stage"]
    author = {"feedback_form": "programme", "staff_feedback": "staff"}.get(source, "mentor")
    if source == "journal" and _LEADER_WORDS.search(stem):
        author = "mentee"
    if not day:
        guessed.append("no date")
    return dict(file=path.relative_to(folder).as_posix(), cohort=cohort,
                pair_id="" if source == "feedback_form" else pair, source=source,
                author_role=author, stage=stage, date=day, mentor=mentors, mentee=leader,
                guessed=", ".join(guessed))


def draft_manifest(folder: str | Path, *, leader: str, mentors: Sequence[str],
                   cohort: str | None = None, pair: str | None = None) -> pd.DataFrame:
    """Draft a manifest for every notes file in ``folder`` (and its sub-folders).

    Parameters
    ----------
    folder : str or Path
        The folder of notes, transcripts and forms.
    leader : str
        The senior leader's name (the pair's mentee), as the notes write it.
    mentors : sequence of str
        The mentors' names (one or more).
    cohort, pair : str, optional
        Cohort and pair ids (default: the folder's name, and ``<cohort>-P01``).

    Returns
    -------
    DataFrame
        `DRAFT_COLUMNS`, one row per file in path order; ``guessed`` lists what the file name
        did not say (``source`` and ``stage`` guessed, ``no date`` left empty), empty when the
        name said everything.

    Raises
    ------
    InputError
        The folder is missing or holds no notes file; a name is empty; a cohort or pair id is
        not a name (it names output files).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("is not a folder.", path=folder, allowed="a folder holding the notes ("
                         + ", ".join(SUFFIXES) + ").")
    names = [m.strip() for m in mentors if m and m.strip()]
    if not leader or not leader.strip() or not names:
        raise InputError("a draft manifest needs the leader's name and at least one mentor's.",
                         allowed="--leader 'Name' and --mentor 'Name' (repeat --mentor for "
                         "each mentor of the pair).")
    cohort = cohort or re.sub(r"[^A-Za-z0-9_-]+", "-", folder.resolve().name).strip("-") or "C1"
    pair = pair or f"{cohort}-P01"
    for label, value in (("cohort id", cohort), ("pair id", pair)):
        problem = name_problem(value, label)
        if problem:
            raise InputError(problem, allowed=NAME_ALLOWED)
    files = sorted((p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                    and p.name.lower() not in MANIFEST_NAMES
                    and not p.name.startswith((".", "~$"))), key=lambda p: (str(p).lower(), str(p)))
    if not files:
        raise InputError("holds no notes file.", path=folder,
                         allowed="files ending " + ", ".join(SUFFIXES) + ".")
    rows = [_row(p, folder, cohort, pair, leader.strip(), MENTOR_SEPARATOR.join(names))
            for p in files]
    return pd.DataFrame(rows, columns=DRAFT_COLUMNS)
