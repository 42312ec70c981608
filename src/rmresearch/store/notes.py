"""Memos and notes: free text a person attaches to the project, a document, a segment, a
coding or a code, with its author and date.

A note is identified by what it says and where (``note_id`` is a uuid5 of its target,
author and text), so importing the same file twice, or our own export, adds nothing new.
Notes are only ever added: nothing in rmresearch changes or deletes one. The cue times of
transcript segments (``segments.time``) can be filled in from a REFI-QDA file where the
store has none (`fill_segment_times`); a time already stored is never changed.
"""
from __future__ import annotations

import uuid
from typing import Any, Mapping

import pandas as pd

from ..errors import InputError
from .schema import CURRENT_SEGMENTS, now, records

__all__ = ["NoteStore", "NOTE_TARGETS", "NOTE_COLUMNS", "note_id"]

#: what a note can be attached to
NOTE_TARGETS = ("project", "document", "segment", "coding", "code")
#: the columns of the notes table, in order
NOTE_COLUMNS = ["note_id", "target", "doc_id", "segment_id", "code", "coder", "author",
                "created", "text", "title", "origin"]
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://rmresearch.invalid/notes")
#: the columns that name a note's target, for each kind of target
_TARGET_KEYS = {"project": (), "document": ("doc_id",), "segment": ("segment_id",),
                "coding": ("segment_id", "code", "coder"), "code": ("code",)}


def note_id(target: str, keys: Mapping[str, Any], author: str, text: str) -> str:
    """The id of a note: uuid5 of its target, author and text (the same note, the same id)."""
    parts = [target, *(str(keys.get(k) or "") for k in _TARGET_KEYS[target]), author, text]
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts)))


def _checked(notes: pd.DataFrame) -> pd.DataFrame:
    """``notes`` with every column of the table, ids and dates filled in; `InputError` for a
    note without text or author, or with an unknown target or a target key missing."""
    df = notes.copy()
    for column in NOTE_COLUMNS:
        if column not in df:
            df[column] = None
    df = df[NOTE_COLUMNS].astype(object).where(df[NOTE_COLUMNS].notna(), None)
    problems = []
    for i, row in enumerate(df.to_dict("records"), start=1):
        if row["target"] not in NOTE_TARGETS:
            problems.append(f"note {i}: target '{row['target']}' is not one of "
                            f"{', '.join(NOTE_TARGETS)}")
        elif any(not row[k] for k in _TARGET_KEYS[row["target"]]):
            problems.append(f"note {i}: a {row['target']} note needs "
                            f"{', '.join(_TARGET_KEYS[row['target']])}")
        if not str(row["text"] or "").strip() or not str(row["author"] or "").strip():
            problems.append(f"note {i}: a note needs a text and an author")
    if problems:
        raise InputError("; ".join(problems[:5]) + ".", allowed="notes with a text, an "
                         "author and a target (" + ", ".join(NOTE_TARGETS) + ").")
    df["created"] = [c or now() for c in df["created"]]
    df["note_id"] = [n or note_id(r["target"], r, r["author"], r["text"])
                     for n, r in zip(df["note_id"], df.to_dict("records"))]
    return df


class NoteStore:
    """`ProjectStore` methods for notes and for segments' cue times."""

    def add_notes(self, notes: pd.DataFrame) -> int:
        """Add notes (columns of `NOTE_COLUMNS`; ``note_id`` and ``created`` are filled in
        when missing) in one transaction; a note already stored is kept as it is.

        Returns the number of notes added. Raises `InputError` for a note without text or
        author, or one whose document, segment or coding is not in the store.
        """
        df = _checked(notes)
        self._check_targets(df)
        docs = dict(self.conn.execute("SELECT segment_id, doc_id FROM segments").fetchall())
        df["doc_id"] = [d or (docs.get(s) if s else None)  # where a segment note belongs
                        for d, s in zip(df["doc_id"], df["segment_id"])]
        cols = ", ".join(NOTE_COLUMNS)
        with self.transaction() as conn:
            before = conn.total_changes
            conn.executemany(f"INSERT OR IGNORE INTO notes ({cols}) VALUES "
                             f"({', '.join('?' * len(NOTE_COLUMNS))})", records(df))
            return conn.total_changes - before

    def _check_targets(self, df: pd.DataFrame) -> None:
        missing = []
        queries = {"document": ("SELECT 1 FROM documents WHERE doc_id = ?", ("doc_id",)),
                   "segment": ("SELECT 1 FROM segments WHERE segment_id = ?", ("segment_id",)),
                   "coding": ("SELECT 1 FROM codings WHERE segment_id = ? AND code = ? AND "
                              "coder = ?", ("segment_id", "code", "coder"))}
        for row in df.to_dict("records"):
            if row["target"] in queries:
                sql, keys = queries[row["target"]]
                values = tuple(row[k] for k in keys)
                if self.conn.execute(sql, values).fetchone() is None:
                    missing.append(f"{row['target']} {' / '.join(map(str, values))}")
        if missing:
            raise InputError(f"{len(missing)} note(s) point at nothing in the store: "
                             + "; ".join(missing[:5]) + ".", allowed="a document id, a "
                             "segment id or a coding (segment, code, coder) of the store; "
                             "see 'rmresearch notes list' and 'rmresearch status'.")

    def notes(self, target: str | None = None) -> pd.DataFrame:
        """Every note (of one kind of target, or all), oldest first, then by id."""
        where, params = ("WHERE target = ?", (target,)) if target else ("", ())
        return pd.read_sql_query(f"SELECT {', '.join(NOTE_COLUMNS)} FROM notes {where} "
                                 "ORDER BY created, note_id", self.conn, params=params)

    def fill_segment_times(self, times: Mapping[str, float]) -> dict[str, int]:
        """Set the cue time (seconds) of current segments that have none, in one transaction.

        Returns ``{"filled": n, "kept": n, "differ": n}``: times written, times already
        stored and equal (to the millisecond), and stored times that differ (never changed).
        """
        if not times:
            return {"filled": 0, "kept": 0, "differ": 0}
        have = dict(self.conn.execute(f"SELECT s.segment_id, s.time FROM segments s "
                                      f"{CURRENT_SEGMENTS}").fetchall())
        fill = [(float(t), sid) for sid, t in times.items() if sid in have and have[sid] is None]
        known = [(sid, t) for sid, t in times.items() if have.get(sid) is not None]
        kept = sum(abs(float(have[sid]) - float(t)) < 0.0005 for sid, t in known)
        with self.transaction() as conn:
            conn.executemany("UPDATE segments SET time = ? WHERE segment_id = ? AND time IS "
                             "NULL", fill)
        return {"filled": len(fill), "kept": kept, "differ": len(known) - kept}
