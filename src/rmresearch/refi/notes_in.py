"""Import the notes and memos of a REFI-QDA project file into the store, linked to what they
annotate; never drop one silently.

`rmresearch.refi.notes_read` reads them from the file; here each is mapped onto the store:

* a note on a **source** goes to the document the source matches (`rmresearch.refi.match`,
  pseudonymised exports included);
* a note on a **selection** (or a QualCoder annotation's span) goes to every segment the
  selection codes (at least half of the segment), or else to the segment it overlaps most;
* a note on a **coding** goes to that coding (segment, code, coder) when the store holds it,
  and otherwise to the segment (said in the summary); a valence code's coding note too;
* a note on a **code** goes to the codebook code of that GUID or name (else the file's name);
  a code's ``Description`` that is this project's own definition is not a memo;
* a **project** note (a journal, a memo linked to nothing) stays a project note.

The machine's score-and-evidence notes of an rmresearch export are left out (each export
writes them afresh), and cue-time notes (``VTT cue start ...``) fill in the segments' cue
times where the store has none. Notes that cannot be placed (their source matches no
document, their selection is not in the file or covers no segment, they annotate a case or a
set, they have no text) are listed with the reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..codebook import Codebook
from ..codebook.themes import with_themes
from ..store.notes import NOTE_COLUMNS, note_id
from .coders import coder_name
from .match import View, match_source, offset_mapper, views_of
from .notes_out import MACHINE_NOTE_PREFIX, parse_cue
from .notes_read import RawNote, read_notes
from .offsets import to_lf_offsets
from .qde import code_guid, own_descriptions, valence_guid
from .read import QdpxProject, QSource, read_qdpx

__all__ = ["NotesImport", "map_notes", "import_notes", "MACHINE_PREFIXES"]

MACHINE_PREFIXES = ("rules@", "model@", "ensemble@")
_SHOWN = 3


@dataclass
class NotesImport:
    """Notes to store (`NOTE_COLUMNS`), cue times found (segment -> seconds), notes that
    could not be placed (``file, note, target, reason``), machine notes left out, coding
    notes kept on their segment, and the summary lines."""

    notes: pd.DataFrame
    times: dict[str, float] = field(default_factory=dict)
    unmatched: list[dict[str, str]] = field(default_factory=list)
    machine: int = 0
    rehomed: int = 0
    same: int = 0  # stored notes, as a pseudonymised export shows them
    messages: list[str] = field(default_factory=list)


class _Places:
    """Where the file's sources, selections, codes and users are in the store."""

    def __init__(self, project: QdpxProject, documents: pd.DataFrame, segments: pd.DataFrame,
                 codings: pd.DataFrame, codebook: Codebook, pseudonymiser: Any,
                 coder: str | None) -> None:
        self.project, self.coder = project, coder
        self.sources = {s.guid: s for s in project.sources}
        self.selections = {sel.guid: (s, sel) for s in project.sources for sel in s.selections}
        self._tables, self._pseudonymiser = (documents, segments), pseudonymiser
        self._views = views_of(documents, segments)
        self._pseudo: list[View] | None = None  # built only when a source needs them
        self._matched: dict[str, tuple[View | None, str]] = {}
        self.codings = set(codings[["segment_id", "code", "coder"]].itertuples(
            index=False, name=None))
        book = with_themes(codebook)
        self._codes = {code_guid(c.id): c.id for c in book.codes}
        self._names = {k.lower(): c.id for c in book.codes for k in (c.id, c.name)}
        self._valences = {valence_guid(v): v for v in book.valence}
        self.own_texts = own_descriptions(book)

    def view(self, src: QSource) -> tuple[View | None, str]:
        if src.guid not in self._matched:
            view, why = match_source(src, self._views)
            if view is None and self._pseudonymiser is not None:
                if self._pseudo is None:
                    self._pseudo = views_of(*self._tables, self._pseudonymiser)
                view, _ = match_source(src, self._pseudo)
            self._matched[src.guid] = (view, why)
        return self._matched[src.guid]

    def code(self, gid: str | None) -> tuple[str | None, bool]:
        """(code id, ``valence:<id>`` or the file's name; is a valence code)."""
        if gid in self._valences:
            return f"valence:{self._valences[gid]}", True
        if gid in self._codes:
            return self._codes[gid], False
        code = self.project.codes.get(gid or "")
        if code is None:
            return None, False
        name = code.name.split("::")[-1].strip()
        return self._names.get(name.lower(), name), False

    def person(self, user: str | None) -> tuple[str, bool]:
        """(coder label, is a machine) for a user GUID of the file."""
        name = self.project.users.get(user or "", "")
        if name.lower().startswith(MACHINE_PREFIXES):
            return name.strip(), True
        return coder_name(name or self.coder or "unknown"), False


def _segments(view: View, start: int, end: int) -> list[str]:
    """The segments a span codes (at least half of each), or else the one it overlaps most."""
    overlap = np.clip(np.minimum(end, view.ends) - np.maximum(start, view.starts), 0, None)
    half = view.seg_ids[(overlap > 0) & (2 * overlap >= view.ends - view.starts)]
    if len(half):
        return [str(s) for s in half]
    return [str(view.seg_ids[int(overlap.argmax())])] if len(overlap) and overlap.max() > 0 \
        else []


def _span(places: _Places, note: RawNote) -> tuple[QSource | None, int, int, str]:
    """The source and LF offsets a selection or span note annotates (or why none)."""
    if note.target == "span":
        src = places.sources.get(note.source or "")
        if src is None:
            return None, 0, 0, "its source is not a text source of the file"
        lf = to_lf_offsets(src.text, src.convention, [note.start, note.end])
        if int(lf[0]) < 0 or int(lf[1]) < int(lf[0]):
            return None, 0, 0, "its span lies outside its source"
        return src, int(lf[0]), int(lf[1]), ""
    found = places.selections.get(note.selection or "")
    if found is None:
        return None, 0, 0, (f"its selection {note.selection} is not on a text source of "
                            "the file")
    return found[0], found[1].start, found[1].end, ""


def _place(places: _Places, note: RawNote) -> tuple[list[dict[str, Any]], str]:
    """The store targets of one note, or none and why."""
    if note.target == "project":
        return [dict(target="project")], ""
    if note.target == "code":
        code = places.code(note.code)[0]
        return ([dict(target="code", code=code)], "") if code else \
            ([], "it annotates a code that is not in the file's codebook")
    if note.target == "other":
        return [], f"it annotates {note.other}, which rmresearch keeps no notes on"
    if note.target == "source":
        src = places.sources.get(note.source or "")
        if src is None:
            return [], "its source is not a text source of the file"
        view, why = places.view(src)
        return ([dict(target="document", doc_id=view.doc_id)], "") if view else \
            ([], f"its source '{src.name}' {why}")
    src, start, end, why = _span(places, note)
    view, no_match = places.view(src) if src is not None else (None, why)
    if view is None:
        return [], why or f"its source '{src.name}' {no_match}"
    to_doc = offset_mapper(src.text, view.text)
    sids = _segments(view, to_doc(start, False), to_doc(end, True))
    if not sids:
        return [], f"its selection covers no segment of document '{view.doc_id}'"
    if note.target == "coding":
        code, valence = places.code(note.code)
        coder = places.person(note.coding_user)[0]
        if code and not valence and all((s, code, coder) in places.codings for s in sids):
            return [dict(target="coding", doc_id=view.doc_id, segment_id=s, code=code,
                         coder=coder) for s in sids], ""
    return [dict(target="segment", doc_id=view.doc_id, segment_id=s, rehomed=(
        note.target == "coding")) for s in sids], ""


def _skip(places: _Places, note: RawNote) -> str:
    """Why a note is not a note to keep: 'machine' (the machine's score and evidence),
    'own' (this project's own code definition), 'empty', or ''."""
    if not note.text.strip():
        return "empty"
    if note.text.startswith(MACHINE_NOTE_PREFIX) and (
            places.person(note.coding_user)[1] or places.person(note.user)[1]):
        return "machine"
    if note.memo and note.target == "code" and " ".join(note.text.split()) in places.own_texts:
        return "own"
    return ""


def map_notes(raw: list[RawNote], project: QdpxProject, documents: pd.DataFrame,
              segments: pd.DataFrame, codings: pd.DataFrame, codebook: Codebook, *,
              pseudonymiser: Any = None, coder: str | None = None,
              existing: pd.DataFrame | None = None) -> NotesImport:
    """Map the file's notes (`read_notes`) onto the store (see module docstring).

    Parameters
    ----------
    raw, project : the file's notes and the checked file (`rmresearch.refi.read_qdpx`).
    documents, segments, codings : the store's current tables.
    codebook : the project's coding frame.
    pseudonymiser : object with ``text(str)``, to recognise pseudonymised exports.
    coder : the author of notes that name none (default ``human:unknown``).
    existing : the store's notes; with a pseudonymiser, a note that is one of them as a
        pseudonymised export shows it is not added again.
    """
    places = _Places(project, documents, segments, codings, codebook, pseudonymiser, coder)
    out = NotesImport(pd.DataFrame(columns=NOTE_COLUMNS))
    rows, file = [], project.path.name
    for note in raw:
        why = _skip(places, note)
        if why == "machine":
            out.machine += 1
        if why:
            if why == "empty":
                out.unmatched.append(dict(file=file, note=note.name or note.guid or "",
                                          target=note.target, reason="it has no text"))
            continue
        targets, why = _place(places, note)
        if not targets:
            out.unmatched.append(dict(file=file, note=note.name or note.text[:40],
                                      target=note.target, reason=why))
            continue
        seconds = parse_cue(note.text)
        if seconds is not None and all(t["target"] == "segment" for t in targets):
            out.times.update({t["segment_id"]: seconds for t in targets})
            continue
        author = places.person(note.user)[0]
        for target in targets:
            out.rehomed += int(bool(target.pop("rehomed", False)))
            rows.append(dict(target, author=author, created=note.created, text=note.text,
                             title=note.name or None, origin=f"import {file}"))
    if rows:
        out.notes = _not_stored(pd.DataFrame(rows).reindex(columns=NOTE_COLUMNS), existing,
                                pseudonymiser, out)
    return out


def _not_stored(notes: pd.DataFrame, existing: pd.DataFrame | None, pseudonymiser: Any,
                out: NotesImport) -> pd.DataFrame:
    """Drop the notes that are a stored note as a pseudonymised export shows it (same
    target and author, the stored text pseudonymised), counting them in ``out.same``."""
    if pseudonymiser is None or existing is None or existing.empty:
        return notes
    keys = ("segment_id", "code", "coder", "doc_id")
    shown = {note_id(r["target"], r, r["author"], pseudonymiser.text(str(r["text"])))
             for r in existing.to_dict("records")}
    ids = [note_id(r["target"], {k: r[k] for k in keys}, r["author"], r["text"])
           for r in notes.to_dict("records")]
    same = pd.Series([i in shown for i in ids], index=notes.index, dtype=bool)
    out.same += int(same.sum())
    return notes[~same]


def _summary(result: NotesImport, added: int, times: dict[str, int], file: str) -> list[str]:
    lines = []
    if len(result.notes) or result.same:
        kinds = result.notes["target"].value_counts().sort_index()
        on = ", ".join(f"{n} on {'the' if k == 'project' else 'a'} {k}" for k, n in kinds.items())
        lines.append(f"notes from {file}: {added} added, "
                     f"{len(result.notes) - added + result.same} already in the store"
                     + (f" (of those read: {on})." if on else "."))
    if result.rehomed:
        lines.append(f"{result.rehomed} note(s) on codings the store does not hold were kept "
                     "on their segments.")
    if result.machine:
        lines.append(f"left out {result.machine} machine score-and-evidence note(s): every "
                     "export writes them afresh.")
    if result.times:
        lines.append(f"cue times: {times['filled']} segment(s) filled in, {times['kept']} "
                     f"already the same, {times['differ']} differ (the store's kept).")
    if result.unmatched:
        shown = [f"'{u['note']}' ({u['reason']})" for u in result.unmatched[:_SHOWN]]
        more = len(result.unmatched) - _SHOWN
        lines.append(f"{len(result.unmatched)} note(s) could not be placed and were not "
                     "imported: " + "; ".join(shown) + (f" (and {more} more)" if more > 0
                                                       else "") + ".")
    return lines


def import_notes(store: Any, path: str | Path, codebook: Codebook, *,
                 pseudonymiser: Any = None, coder: str | None = None,
                 project: QdpxProject | None = None) -> NotesImport:
    """Read a ``.qdpx``'s notes, add them to ``store`` (an open `ProjectStore`) and fill in
    cue times; returns what was done, with summary lines in ``messages``. ``project`` is
    the file as `read_qdpx` read it, when the caller has it already (None: read here).

    Call it after the file's codings are stored, so notes on them find their coding.
    """
    path = Path(path)
    project = project if project is not None else read_qdpx(path)
    result = map_notes(read_notes(path), project, store.documents(), store.segments(),
                       store.codings(), codebook, pseudonymiser=pseudonymiser, coder=coder,
                       existing=store.notes())
    added = store.add_notes(result.notes) if len(result.notes) else 0
    times = store.fill_segment_times(result.times)
    result.messages = _summary(result, added, times, path.name)
    return result
