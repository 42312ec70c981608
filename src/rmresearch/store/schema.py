"""The store's SQL schema, the columns later versions added, and small helpers shared by
the store's modules."""
from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd

from ..vocabulary import HUMAN_PREFIX

__all__ = ["SCHEMA", "CURRENT_SEGMENTS", "DOC_META", "ADDED_COLUMNS", "records", "now"]

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS runs (
  run_id INTEGER PRIMARY KEY, kind TEXT NOT NULL, started TEXT, finished TEXT,
  status TEXT, params TEXT, codebook_hash TEXT, package_version TEXT);
CREATE TABLE IF NOT EXISTS documents (
  doc_id TEXT NOT NULL, version INTEGER NOT NULL, cohort TEXT, pair_id TEXT, source TEXT,
  author_role TEXT, stage TEXT, date TEXT, path TEXT, sha256 TEXT, text TEXT, mentor TEXT,
  mentee TEXT, current INTEGER NOT NULL DEFAULT 1, run_id INTEGER, segmenter INTEGER,
  PRIMARY KEY (doc_id, version));
CREATE TABLE IF NOT EXISTS segments (
  segment_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, version INTEGER NOT NULL, cohort TEXT,
  pair_id TEXT, source TEXT, stage TEXT, speaker TEXT, speaker_role TEXT, start INTEGER,
  "end" INTEGER, text TEXT, time REAL, doc_sha256 TEXT, role TEXT, role_by TEXT);
CREATE INDEX IF NOT EXISTS segments_doc ON segments (doc_id, version);
CREATE TABLE IF NOT EXISTS codings (
  segment_id TEXT NOT NULL, code TEXT NOT NULL, coder TEXT NOT NULL, score REAL,
  valence TEXT, evidence TEXT, run_id INTEGER, PRIMARY KEY (segment_id, code, coder));
CREATE TABLE IF NOT EXISTS coded (
  segment_id TEXT NOT NULL, coder TEXT NOT NULL, run_id INTEGER,
  PRIMARY KEY (segment_id, coder));
CREATE TABLE IF NOT EXISTS responses (
  doc_id TEXT NOT NULL, version INTEGER NOT NULL, respondent_id TEXT, cohort TEXT, role TEXT,
  stage TEXT, question_id TEXT, value REAL, text TEXT);
CREATE TABLE IF NOT EXISTS notes (
  note_id TEXT PRIMARY KEY, target TEXT NOT NULL, doc_id TEXT, segment_id TEXT, code TEXT,
  coder TEXT, author TEXT NOT NULL, created TEXT NOT NULL, text TEXT NOT NULL, title TEXT,
  origin TEXT);
CREATE TRIGGER IF NOT EXISTS human_codings_no_update BEFORE UPDATE ON codings
  WHEN OLD.coder LIKE '{HUMAN_PREFIX}%'
  BEGIN SELECT RAISE(ABORT, 'human codings are never changed by a run'); END;
CREATE TRIGGER IF NOT EXISTS human_codings_no_delete BEFORE DELETE ON codings
  WHEN OLD.coder LIKE '{HUMAN_PREFIX}%'
  BEGIN SELECT RAISE(ABORT, 'human codings are never deleted by a run'); END;
"""
# A segment belongs to the current text when its document's current version has the same
# content hash (a file that reverts to earlier text gets its earlier segments back).
CURRENT_SEGMENTS = ("JOIN documents d ON d.doc_id = s.doc_id AND d.sha256 = s.doc_sha256 "
                     "AND d.current = 1")
DOC_META = ["cohort", "pair_id", "source", "author_role", "stage", "date", "path", "mentor",
             "mentee"]


#: (table, column, SQL type) added after the first release (a new store has them from
#: `SCHEMA`; an older store gains them when opened, its existing rows with NULL)
ADDED_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("documents", "segmenter", "INTEGER"),
    ("segments", "role", "TEXT"),
    ("segments", "role_by", "TEXT"),
)


def now() -> str:
    """The time now (UTC, ISO 8601, seconds)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def records(df: pd.DataFrame) -> list[tuple]:
    """Rows as tuples of plain Python values (NaN -> None)."""
    clean = df.astype(object).where(df.notna(), None)
    return [tuple(r) for r in clean.itertuples(index=False, name=None)]
