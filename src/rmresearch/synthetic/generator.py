"""Seeded generator of realistic synthetic reverse-mentoring programme data.

``generate("data/synthetic", seed=7)`` writes a folder that looks like what a programme
actually collects - mentoring conversations as transcripts (.vtt, .docx, .txt, with fillers
and false starts) or as the mentor's write-up in "we" / "our mentee" voice (.txt, .md, .docx),
observation and inspection notes (.txt, .md; half of them terse field notes), reflective
journals (.txt, .docx), anonymous notes from staff under the leader for every third pair
(``staff_feedback``, the 360-degree view; see `synthetic_staff`) and evaluation forms (.xlsx,
.csv) with answers from a few words to a few sentences, in a mix of encodings and line endings
- plus ``manifest.csv`` and the ground truth in ``truth/``: every sentence and heading line
with the levels and valence planted and its discourse role (`vocabulary.ROLES`), and every
person named. Headings are lines of their own, worded variously or absent (`layout`).

The same seed gives byte-identical files: all randomness comes from ``random.Random``
instances derived from the seed, and the timestamps that Office formats embed are fixed.
"""
from __future__ import annotations

import csv
import random
import shutil
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable

import pandas as pd

from . import banks as B
from . import files as synthetic_files
from ..errors import InputError
from ..vocabulary import LEVELS, ROLES
from .staff import has_staff_feedback, staff_documents
from .compose import Composer
from .layout import header_lines
from .text import PairContext, Person, Sentence, Voice

__all__ = ["generate", "MANIFEST_COLUMNS", "FINDINGS_COLUMNS", "PEOPLE_COLUMNS"]

MANIFEST_COLUMNS = ["doc_id", "file", "cohort", "pair_id", "source", "author_role", "stage",
                    "date", "mentor", "mentee"]
FINDINGS_COLUMNS = ["doc_id", "cohort", "pair_id", "source", "text", "levels", "valence",
                    "role"]
HEADING = ROLES[-1]
PEOPLE_COLUMNS = ["cohort", "pair_id", "name", "role"]

# Level weights and share of good practice for the first cohorts; later cohorts are drawn.
_PROFILES = (
    ({"individual": 0.55, "departmental": 0.2, "organisational": 0.1, "symbolic": 0.15}, 0.3),
    ({"individual": 0.15, "departmental": 0.4, "organisational": 0.35, "symbolic": 0.1}, 0.5),
    ({"individual": 0.15, "departmental": 0.15, "organisational": 0.15, "symbolic": 0.55}, 0.75),
)
# How strongly each source tends to show each level (multiplies the cohort weights).
_AFFINITY = {
    "interview": (1.0, 1.0, 1.0, 0.6),
    "interview_report": (1.0, 1.0, 1.0, 0.6),
    "observation": (1.6, 1.0, 0.6, 0.3),
    "inspection": (0.0, 0.4, 0.5, 2.0),
    "mentor_journal": (1.0, 1.0, 1.0, 1.0),
    "mentee_journal": (1.0, 1.0, 1.0, 0.6),
    "staff_feedback": (1.2, 1.2, 0.8, 0.8),
}


@dataclass
class Cohort:
    """A cohort's id, start date and true mix of levels and valence."""

    cid: str
    start: date
    weights: dict[str, float]
    positive: float
    gain: float
    network: str
    trust: str


@dataclass
class Doc:
    """One written document: its manifest row and its truth sentences."""

    row: dict[str, str]
    sentences: list[Sentence]


def generate(output: str | Path, *, seed: int = 7, cohorts: int = 3, pairs: int = 8,
             sessions: int = 3, human_sample: int = 240) -> pd.DataFrame:
    """Write a synthetic data folder and return the manifest DataFrame.

    Parameters
    ----------
    output : str or Path
        Folder to write. It must be empty or hold an earlier synthetic set (which is replaced).
    seed : int
        Random seed; the same seed gives byte-identical files.
    cohorts, pairs, sessions : int
        Number of cohorts, mentoring pairs per cohort and sessions per pair.
    human_sample : int
        Segments coded by two simulated human coders into ``codings/`` (0: none).

    Returns
    -------
    pandas.DataFrame
        The manifest (columns ``MANIFEST_COLUMNS``), also written to ``output/manifest.csv``.
    """
    if min(cohorts, pairs, sessions) < 1:
        raise InputError("cohorts, pairs and sessions must each be at least 1")
    out = Path(output)
    _prepare(out)
    master = random.Random(f"rmresearch-synthetic:{seed}")
    docs: list[Doc] = []
    people: list[dict[str, str]] = []
    taken: set[str] = set()
    for cohort in _cohorts(master, cohorts):
        contexts = [_pair_context(master, cohort, taken) for _ in range(pairs)]
        for number, ctx in enumerate(contexts, start=1):
            pair_id = f"{cohort.cid}-P{number:02d}"
            rng = random.Random(f"{seed}:{pair_id}")
            docs += _pair_documents(out, cohort, pair_id, ctx, rng, sessions)
            if has_staff_feedback(number):
                docs += _staff_feedback(out, cohort, pair_id, ctx, seed, sessions)
        form_rng = random.Random(f"{seed}:{cohort.cid}:forms")
        docs += _form_documents(out, cohort, contexts, form_rng, sessions)
        people += _people_rows(cohort, contexts)
    manifest = _write_tables(out, docs, people)
    if human_sample:
        from .coders import write_simulated_coders

        write_simulated_coders(out, seed=seed, sample=human_sample)
    return manifest


# --------------------------------------------------------------------------- set-up
def _prepare(out: Path) -> None:
    """Create ``out``, removing a previous synthetic set but never other files."""
    if out.exists() and any(p for p in out.iterdir() if not p.name.startswith(".")):
        if not (out / "manifest.csv").is_file() or not (out / "truth").is_dir():
            raise InputError(f"{out} is not empty and does not hold a synthetic data set; "
                             "choose an empty folder")
        old = pd.read_csv(out / "manifest.csv", dtype=str, keep_default_na=False)
        for rel in old.get("file", []):
            (out / rel).unlink(missing_ok=True)
        shutil.rmtree(out / "truth")
        shutil.rmtree(out / "codings", ignore_errors=True)
        (out / "manifest.csv").unlink()
        for folder in sorted(out.glob("C*"), reverse=True):
            if folder.is_dir():
                _remove_empty_dirs(folder)
    out.mkdir(parents=True, exist_ok=True)


def _remove_empty_dirs(folder: Path) -> None:
    for child in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if child.is_dir() and not any(child.iterdir()):
            child.rmdir()
    if not any(folder.iterdir()):
        folder.rmdir()


def _cohorts(rng: random.Random, n: int) -> list[Cohort]:
    """Cohort ids, start months a few months apart, and their true level/valence mix."""
    out, month = [], 2020 * 12 + 9  # October 2020
    for index in range(n):
        if index < len(_PROFILES):
            weights, positive = _PROFILES[index]
        else:
            raw = [rng.gammavariate(1.5, 1.0) for _ in LEVELS]
            weights = {lev: w / sum(raw) for lev, w in zip(LEVELS, raw)}
            positive = round(rng.uniform(0.25, 0.8), 2)
        start = date(month // 12, month % 12 + 1, rng.randint(1, 20))
        gain = (1.5, 2.5, 1.0)[index] if index < 3 else round(rng.uniform(0.5, 3.0), 1)
        out.append(Cohort(f"C{index + 1}", start, dict(weights), positive, gain,
                          rng.choice(B.NETWORKS), rng.choice(B.TRUST_PLACES)))
        month += rng.choice((4, 5, 6))
    return out


def _unique_name(rng: random.Random, firsts, lasts, taken: set[str]) -> tuple[str, str]:
    for attempt in range(200):
        first, last = rng.choice(firsts), rng.choice(lasts)
        if attempt > 20:
            last = f"{last}-{rng.choice(lasts)}"
        if f"{first} {last}" not in taken and first != last:
            taken.add(f"{first} {last}")
            return first, last
    raise RuntimeError("ran out of fictional names")  # pragma: no cover


def _pair_context(rng: random.Random, cohort: Cohort, taken: set[str]) -> PairContext:
    """Draw the mentor, the leader, the leader's department and the staff they mention."""
    mentor = Person(*_unique_name(rng, B.MENTOR_FIRST, B.MENTOR_SURNAMES, taken), "mentor")
    pronoun = rng.choice(("he", "she"))
    first, last = _unique_name(rng, B.LEADER_FIRST[pronoun], B.LEADER_SURNAMES, taken)
    dept = rng.choice(B.DEPARTMENTS)
    title = "Dr" if dept[2].startswith("Clinical") else None
    mentee = Person(first, last, "mentee", title, (), pronoun)
    staff, names = [], {mentor.full, mentee.full}
    while len(staff) < rng.randint(4, 6):
        first, last = rng.choice(B.STAFF_FIRST), rng.choice(B.STAFF_SURNAMES)
        role, stitle, places = rng.choice(B.STAFF_ROLES)
        if f"{first} {last}" not in names and first != mentor.first and first != mentee.first:
            names.add(f"{first} {last}")
            staff.append(Person(first, last, "staff", stitle, places))
    return PairContext(mentor, mentee, staff, dept, cohort.network, cohort.trust)


def _sampler(rng: random.Random, cohort: Cohort) -> Callable[[str], tuple[str, str]]:
    """A function giving (level, valence) for a finding from ``source``, per cohort and pair."""
    positive = min(0.95, max(0.05, cohort.positive + rng.gauss(0, 0.08)))

    def sample(source: str) -> tuple[str, str]:
        weights = [cohort.weights[lev] * aff for lev, aff in zip(LEVELS, _AFFINITY[source])]
        level = rng.choices(LEVELS, weights=weights)[0]
        return level, "positive" if rng.random() < positive else "attention"

    return sample


# --------------------------------------------------------------------------- pair documents
def _pair_documents(out: Path, cohort: Cohort, pair_id: str, ctx: PairContext,
                    rng: random.Random, sessions: int) -> list[Doc]:
    composer = Composer(Voice(ctx, rng), _sampler(rng, cohort))
    folder = out / cohort.cid / pair_id.split("-")[1]
    folder.mkdir(parents=True, exist_ok=True)
    docs = []
    for session in range(1, sessions + 1):
        day = cohort.start + timedelta(days=30 * session + rng.randint(-6, 6))
        plan = _session_plan(rng, session, sessions)
        base = {"cohort": cohort.cid, "pair_id": pair_id, "stage": f"session_{session}",
                "mentor": ctx.mentor.full, "mentee": ctx.mentee.full}
        for source, role, offset in plan:
            when = day + timedelta(days=offset)
            suffix = f"-{role}" if source == "journal" else ""
            row = dict(base, doc_id=f"{pair_id}-{source}{suffix}-s{session}", source=source,
                       author_role=role, date=when.isoformat())
            name = f"session{session}_{source}" + (f"_{role}" if source == "journal" else "")
            docs.append(_write_pair_doc(folder, name, row, composer, rng, session, sessions))
    return docs


def _session_plan(rng: random.Random, session: int, sessions: int) -> list[tuple[str, str, int]]:
    """Which documents a session produced: (source, author_role, days after the session)."""
    plan = [("interview", "mentor", 0)]
    if session == 1 or rng.random() < 0.35:
        plan.append(("inspection", "mentor", rng.randint(0, 4)))
    if session == min(2, sessions) or rng.random() < 0.5:
        plan.append(("observation", "mentor", rng.randint(2, 10)))
    mentor_j, mentee_j = rng.random() < 0.7, rng.random() < 0.5
    if mentor_j or not mentee_j or session == sessions:
        plan.append(("journal", "mentor", rng.randint(0, 3)))
    if mentee_j or session == sessions:
        plan.append(("journal", "mentee", rng.randint(0, 3)))
    return plan


def _write_pair_doc(folder: Path, name: str, row: dict[str, str], composer: Composer,
                    rng: random.Random, session: int, sessions: int) -> Doc:
    source, when, last = row["source"], date.fromisoformat(row["date"]), session == sessions
    style = synthetic_files.text_style(rng)
    fill = {"lname": composer.voice.ctx.mentee.first, "unit": composer.voice.ctx.dept[1]}
    if source == "interview" and rng.random() < 0.7:  # a transcript
        ext = rng.choices(("vtt", "docx", "txt"), weights=(0.35, 0.3, 0.35))[0]
        if ext == "vtt":
            style = synthetic_files.TextStyle("utf-8-sig" if rng.random() < 0.15 else "utf-8",
                                              style.crlf, style.typographic)
        composer.new_document(spoken=True, typographic=style.typographic or ext == "docx")
        turns = composer.interview(session, last)
        sentences = [s for _who, said in turns for s in said]
        header = [] if ext == "vtt" else header_lines("interview", session, when, rng, fill)
        path = folder / f"{name}.{ext}"
        synthetic_files.write_interview(path, turns, header, style, when, rng)
    elif source in ("observation", "inspection"):
        ext = rng.choice(("txt", "md"))
        composer.new_document(spoken=False, typographic=style.typographic,
                              terse=rng.random() < 0.5)
        sentences = composer.observation() if source == "observation" else composer.inspection()
        header = header_lines(source, session, when, rng, fill, markdown=ext == "md")
        path = folder / f"{name}.{ext}"
        stamps = source == "observation" and rng.random() < 0.3
        synthetic_files.write_notes(path, sentences, header, style, stamps, rng)
    else:  # a journal, or the mentor's write-up of a conversation
        kind = "journal" if source == "journal" else "report"
        ext = rng.choice(("txt", "docx", "md") if kind == "report" else ("txt", "docx"))
        composer.new_document(spoken=False, typographic=style.typographic or ext == "docx")
        paragraphs = (composer.journal(row["author_role"]) if kind == "journal"
                      else composer.report(last))
        sentences = [s for para in paragraphs for s in para]
        header = header_lines(kind, session, when, rng, fill, markdown=ext == "md")
        path = folder / f"{name}.{ext}"
        synthetic_files.write_journal(path, paragraphs, header, style, when)
    row["file"] = path.relative_to(folder.parents[1]).as_posix()
    return Doc(row, [Sentence(line, role=HEADING) for line in header] + sentences)


def _staff_feedback(out: Path, cohort: Cohort, pair_id: str, ctx: PairContext, seed: int,
                    sessions: int) -> list[Doc]:
    """Anonymous notes from staff under the leader (the 360-degree view), from their own
    random stream so that the pair's other documents do not change."""
    rng = random.Random(f"{seed}:{pair_id}:staff")
    folder = out / cohort.cid / pair_id.split("-")[1]
    docs = []
    for row, sentences in staff_documents(folder, pair_id, ctx, rng, sessions, cohort.start,
                                          _sampler(rng, cohort)):
        path = row.pop("path")
        row.update(cohort=cohort.cid, file=path.relative_to(out).as_posix())
        docs.append(Doc(row, sentences))
    return docs


# --------------------------------------------------------------------------- forms
def _form_documents(out: Path, cohort: Cohort, contexts: list[PairContext],
                    rng: random.Random, sessions: int) -> list[Doc]:
    """Evaluation forms at enrolment and end (sometimes after training and at midpoint)."""
    folder = out / cohort.cid / "forms"
    folder.mkdir(parents=True, exist_ok=True)
    stages = ["enrolment"]
    if rng.random() < 0.5:
        stages.append("post_training")
    if cohort.cid == "C2" or rng.random() < 0.5:
        stages.append("midpoint")
    stages.append("end")
    dates = synthetic_files.stage_dates(cohort.start, sessions)
    written = synthetic_files.write_forms(folder, stages, dates, cohort.gain, contexts, rng,
                                          _sampler(rng, cohort))
    docs = []
    for stage, path, sentences in written:
        row = {"doc_id": f"{cohort.cid}-form-{stage}", "file": path.relative_to(out).as_posix(),
               "cohort": cohort.cid, "pair_id": "", "source": "feedback_form",
               "author_role": "programme", "stage": stage,
               "date": dates[stage].isoformat(), "mentor": "", "mentee": ""}
        docs.append(Doc(row, sentences))
    return docs


# --------------------------------------------------------------------------- tables
def _people_rows(cohort: Cohort, contexts: list[PairContext]) -> list[dict[str, str]]:
    rows = []
    for number, ctx in enumerate(contexts, start=1):
        pair_id = f"{cohort.cid}-P{number:02d}"
        rows.append({"cohort": cohort.cid, "pair_id": pair_id, "name": ctx.mentor.full,
                     "role": "mentor"})
        rows.append({"cohort": cohort.cid, "pair_id": pair_id, "name": ctx.mentee.full,
                     "role": "mentee"})
        for person in ctx.staff:
            if person.full in ctx.used_staff:
                rows.append({"cohort": cohort.cid, "pair_id": pair_id, "name": person.full,
                             "role": "staff"})
    return rows


def _write_tables(out: Path, docs: list[Doc], people: list[dict[str, str]]) -> pd.DataFrame:
    manifest = pd.DataFrame([d.row for d in docs], columns=MANIFEST_COLUMNS)
    truth = [{"doc_id": d.row["doc_id"], "cohort": d.row["cohort"], "pair_id": d.row["pair_id"],
              "source": d.row["source"], "text": s.text, "levels": s.levels_str,
              "valence": s.valence, "role": s.role} for d in docs for s in d.sentences]
    (out / "truth").mkdir(exist_ok=True)
    _csv(out / "manifest.csv", manifest.to_dict("records"), MANIFEST_COLUMNS)
    _csv(out / "truth" / "findings.csv", truth, FINDINGS_COLUMNS)
    _csv(out / "truth" / "people.csv", people, PEOPLE_COLUMNS)
    return manifest


def _csv(path: Path, rows: list[dict[str, str]], columns: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
