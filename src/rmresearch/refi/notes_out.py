"""Notes in a REFI-QDA project export: the store's memos, the machine's score and evidence on
each of its codings, and transcript cue times.

Every note is a ``<Note>`` under ``<Notes>`` (its text in ``PlainTextContent``), linked by a
``NoteRef`` from what it annotates, where REFI-QDA 1.5 puts it: the project (after its
``Description``), a ``TextSource``, a ``Code``, a ``Coding`` (after its ``CodeRef``) or a
``PlainTextSelection``. A note on a segment, and a segment's cue time, hang on one uncoded
``PlainTextSelection`` that spans the segment exactly (a note on a segment of an earlier
version of its document, whose text has changed since, on the document). Texts go through
the same pseudonymiser as the sources; GUIDs are fixed (a stored note's id, or uuid5 of
what a generated note is about), so repeat exports are byte-identical.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from ..vocabulary import is_human
from .qde import NS_PROJECT, code_guid, guid, valence_guid, xml_safe

__all__ = ["NoteIndex", "build_notes", "machine_note", "cue_note", "parse_cue", "CUE_PREFIX",
           "MACHINE_NOTE_PREFIX", "add_notes_element", "add_note_refs", "add_code_note_refs",
           "segment_selection_guid", "UNKNOWN_DATE"]

CUE_PREFIX = "VTT cue start "
MACHINE_NOTE_PREFIX = "machine coder "
_CUE = re.compile(r"^VTT cue start (\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)\b")
_EVIDENCE_MAX = 300  # characters of evidence kept in a machine note
#: the date of a note whose time the store does not know (the ZIP entries' fixed date)
UNKNOWN_DATE = "1980-01-01T00:00:00Z"


def _clock(seconds: float) -> str:
    millis = int(round(float(seconds) * 1000))
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def cue_note(seconds: float) -> str:
    """The text of a cue-time note: ``VTT cue start HH:MM:SS.mmm``."""
    return f"{CUE_PREFIX}{_clock(seconds)}"


def parse_cue(text: str) -> float | None:
    """The seconds of a cue-time note's text (see `cue_note`), or None for any other text."""
    found = _CUE.match((text or "").strip())
    if not found:
        return None
    hours, minutes, secs = found.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(secs)


def machine_note(coder: str, score: Any, evidence: Any) -> str:
    """``machine coder <label>: score 0.87; evidence: ...`` (evidence cut at 300 characters)."""
    scored = (f"score {float(score):.2f}" if score is not None and not
              (isinstance(score, float) and math.isnan(score)) else "no score")
    text = "" if evidence is None or evidence != evidence else " ".join(str(evidence).split())
    text = text if len(text) <= _EVIDENCE_MAX else text[:_EVIDENCE_MAX - 1] + "\u2026"
    return f"{MACHINE_NOTE_PREFIX}{coder}: {scored}; evidence: {text or 'none recorded'}"


def segment_selection_guid(segment_id: str) -> str:
    """The GUID of the uncoded selection that carries a segment's notes and cue time."""
    return guid("segment-selection", segment_id)


@dataclass
class NoteIndex:
    """The notes to write (``guid, name, author, created, text``) and, for each kind of
    target, the note GUIDs that annotate it."""

    notes: list[dict[str, Any]] = field(default_factory=list)
    project: list[str] = field(default_factory=list)
    documents: dict[str, list[str]] = field(default_factory=dict)
    segments: dict[str, list[str]] = field(default_factory=dict)
    codings: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)
    codes: dict[str, list[str]] = field(default_factory=dict)

    def coding_keys(self, segment_id: str) -> list[tuple[str, str, str]]:
        """The (segment, code, coder) keys of the coding notes on one segment, sorted."""
        if getattr(self, "_by_segment", None) is None:
            self._by_segment: dict[str, list[tuple[str, str, str]]] = {}
            for key in sorted(self.codings):
                self._by_segment.setdefault(key[0], []).append(key)
        return self._by_segment.get(segment_id, [])

    @property
    def authors(self) -> set[str]:
        """Everyone who wrote a note (they need a ``User``)."""
        return {n["author"] for n in self.notes if n["author"]}

    def add(self, gid: str, text: str, author: str | None, created: str | None,
            name: str) -> str:
        """Add a note; returns its GUID."""
        self.notes.append(dict(guid=gid, text=text, author=author, created=created, name=name))
        return gid


def _created(value: Any) -> str | None:
    """An ``xsd:dateTime`` for a note's date (None when it cannot be read as one)."""
    try:
        return datetime.fromisoformat(str(value)).isoformat(timespec="seconds")
    except (TypeError, ValueError):
        return None


def _title(text: str, title: Any) -> str:
    first = str(title) if title and title == title else text.split("\n", 1)[0]
    return first if len(first) <= 60 else first[:59] + "\u2026"


def build_notes(notes: pd.DataFrame | None, codings: pd.DataFrame, segments: pd.DataFrame,
                pseudonymiser: Any = None) -> NoteIndex:
    """Every note of an export (see module docstring), texts pseudonymised.

    Parameters
    ----------
    notes : the store's notes (`rmresearch.store.notes.NOTE_COLUMNS`), or None.
    codings : the exported codings (``segment_id, code, coder, score, evidence`` and
        ``created``, when their run was, for the machine's notes).
    segments : the exported segments (``segment_id`` and, for transcripts, ``time`` and
        ``created``, when the document was read).
    pseudonymiser : object with ``text(str) -> str``, or None.
    """
    def safe(text: str) -> str:
        return xml_safe(pseudonymiser.text(text) if pseudonymiser is not None else text)

    index = NoteIndex()
    stored = notes if notes is not None else pd.DataFrame(columns=["note_id"])
    current = set(segments["segment_id"])
    for row in stored.sort_values("note_id").to_dict("records"):
        text = safe(str(row["text"]))
        gid = index.add(row["note_id"], text, row["author"], _created(row["created"]),
                        safe(_title(str(row["text"]), row.get("title"))))
        target = row["target"]
        if target in ("segment", "coding") and row["segment_id"] not in current:
            target = "document" if row.get("doc_id") else "project"  # its text has changed
        where = {"project": None, "document": (index.documents, row["doc_id"]),
                 "segment": (index.segments, row["segment_id"]),
                 "coding": (index.codings, (row["segment_id"], row["code"], row["coder"])),
                 "code": (index.codes, row["code"])}[target]
        if where is None:
            index.project.append(gid)
        else:
            where[0].setdefault(where[1], []).append(gid)
    machine = codings[~codings["coder"].map(is_human)]
    for row in machine.sort_values(["segment_id", "code", "coder"]).to_dict("records"):
        key = (row["segment_id"], row["code"], row["coder"])
        text = safe(machine_note(row["coder"], row.get("score"), row.get("evidence")))
        index.codings.setdefault(key, []).append(
            index.add(guid("machine-note", "|".join(key)), text, row["coder"],
                      _created(row.get("created")), f"{row['coder']} on {row['code']}"))
    if "time" in segments:
        timed = segments[segments["time"].notna()].sort_values("segment_id")
        made = timed["created"] if "created" in timed else [None] * len(timed)
        for sid, seconds, when in zip(timed["segment_id"], timed["time"], made):
            index.segments.setdefault(sid, []).append(
                index.add(guid("cue-note", sid), cue_note(seconds), None, _created(when),
                          f"cue {_clock(seconds)}"))
    return index


def add_note_refs(parent: Any, guids: list[str] | None) -> None:
    """Append a ``NoteRef`` to ``parent`` for each GUID."""
    from lxml import etree

    for gid in guids or ():
        etree.SubElement(parent, f"{{{NS_PROJECT}}}NoteRef", targetGUID=gid)


def add_code_note_refs(project: Any, index: NoteIndex) -> None:
    """Put the code notes' ``NoteRef``s in their ``Code`` elements (after ``Description``,
    before child codes, as Project.xsd orders them)."""
    from lxml import etree

    if not index.codes:
        return
    by_guid = {(valence_guid(code.split(":", 1)[1]) if code.startswith("valence:")
                else code_guid(code)): gids for code, gids in index.codes.items()}
    for code in project.iter(f"{{{NS_PROJECT}}}Code"):
        gids = by_guid.get(code.get("guid"))
        if not gids:
            continue
        at = 1 if len(code) and code[0].tag == f"{{{NS_PROJECT}}}Description" else 0
        for offset, gid in enumerate(gids):
            code.insert(at + offset, etree.Element(f"{{{NS_PROJECT}}}NoteRef", targetGUID=gid))


def add_notes_element(project: Any, index: NoteIndex, users: dict[str, str]
                      ) -> dict[str, str]:
    """Add ``<Notes>`` (nothing when there are none); ``users`` maps an author to a GUID.

    Every note has a ``creationDateTime`` (QualCoder's import stops at a note without one;
    `UNKNOWN_DATE` when the store has none). A project note's text is a file in the archive
    (``plainTextPath``), as QualCoder reads journals; the others hold it inline. Returns
    those files, ``{"sources/<guid>.txt": text}``.
    """
    from lxml import etree

    files: dict[str, str] = {}
    if not index.notes:
        return files
    el = etree.SubElement(project, f"{{{NS_PROJECT}}}Notes")
    journals = set(index.project)
    for note in index.notes:
        attrs = {"guid": note["guid"], "name": note["name"]}
        if note["guid"] in journals:
            attrs["plainTextPath"] = f"internal://{note['guid']}.txt"
            files[f"sources/{note['guid']}.txt"] = note["text"]
        if note["author"] in users:
            attrs["creatingUser"] = users[note["author"]]
        attrs["creationDateTime"] = note["created"] or UNKNOWN_DATE
        node = etree.SubElement(el, f"{{{NS_PROJECT}}}Note", attrs)
        if note["guid"] not in journals:
            etree.SubElement(node, f"{{{NS_PROJECT}}}PlainTextContent").text = note["text"]
    return files
