"""The store's SQL schema, the columns later versions added, and small helpers shared by
the store's modules."""
from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd

from ..vocabulary import HUMAN_PREFIX

__all__ = ["SCHEMA", "REVISION_SCHEMA", "OLD_TRIGGERS", "CURRENT_SEGMENTS", "DOC_META",
           "ADDED_COLUMNS", "records", "now"]

# Human codings' revisions (`rmresearch.store.revisions`): every revision of a coder is kept
# whole (its codings and the segments it saw), append-only. A human coding leaves the codings
# table only while a revision of its coder is open (a row of revision_open, written and
# removed inside the one transaction of `RevisionWriter`) and only when the revision it
# replaces holds it; no run can do that, and no row of the history is ever changed or deleted.
REVISION_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS coding_revisions (
  coder TEXT NOT NULL, revision INTEGER NOT NULL, run_id INTEGER, made TEXT, how TEXT,
  input TEXT, restored_from INTEGER, codings INTEGER, seen INTEGER, added INTEGER,
  changed INTEGER, removed INTEGER, unchanged INTEGER, PRIMARY KEY (coder, revision));
CREATE TABLE IF NOT EXISTS revision_codings (
  coder TEXT NOT NULL, revision INTEGER NOT NULL, segment_id TEXT NOT NULL, code TEXT NOT NULL,
  score REAL, valence TEXT, evidence TEXT, run_id INTEGER, phrase_start INTEGER,
  phrase_end INTEGER, PRIMARY KEY (coder, revision, segment_id, code));
CREATE TABLE IF NOT EXISTS revision_seen (
  coder TEXT NOT NULL, revision INTEGER NOT NULL, segment_id TEXT NOT NULL, run_id INTEGER,
  PRIMARY KEY (coder, revision, segment_id));
CREATE TABLE IF NOT EXISTS revision_open (coder TEXT PRIMARY KEY, base INTEGER NOT NULL);
CREATE TRIGGER IF NOT EXISTS human_codings_revised_only BEFORE DELETE ON codings
  WHEN OLD.coder LIKE '{HUMAN_PREFIX}%' AND NOT EXISTS (
    SELECT 1 FROM revision_open o JOIN revision_codings h ON h.coder = o.coder
    AND h.revision = o.base WHERE o.coder = OLD.coder AND h.segment_id = OLD.segment_id
    AND h.code = OLD.code)
  BEGIN SELECT RAISE(ABORT, 'human codings are never deleted by a run (only revised)'); END;
CREATE TRIGGER IF NOT EXISTS human_seen_revised_only BEFORE DELETE ON coded
  WHEN OLD.coder LIKE '{HUMAN_PREFIX}%' AND NOT EXISTS (
    SELECT 1 FROM revision_open o JOIN revision_seen h ON h.coder = o.coder
    AND h.revision = o.base WHERE o.coder = OLD.coder AND h.segment_id = OLD.segment_id)
  BEGIN SELECT RAISE(ABORT, 'what a human coder saw is never deleted by a run'); END;
CREATE TRIGGER IF NOT EXISTS human_seen_no_update BEFORE UPDATE ON coded
  WHEN OLD.coder LIKE '{HUMAN_PREFIX}%'
  BEGIN SELECT RAISE(ABORT, 'what a human coder saw is never changed by a run'); END;
""" + "".join(
    f"""CREATE TRIGGER IF NOT EXISTS {table}_kept_{verb.lower()} BEFORE {verb} ON {table}
  BEGIN SELECT RAISE(ABORT, 'the history of human codings is never changed'); END;
""" for table in ("coding_revisions", "revision_codings", "revision_seen")
    for verb in ("UPDATE", "DELETE"))
#: triggers of earlier versions that later ones replaced (dropped when a store is opened)
OLD_TRIGGERS = ("human_codings_no_delete",)

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
  valence TEXT, evidence TEXT, run_id INTEGER, phrase_start INTEGER, phrase_end INTEGER,
  PRIMARY KEY (segment_id, code, coder));
CREATE INDEX IF NOT EXISTS codings_coder ON codings (coder);
CREATE TABLE IF NOT EXISTS coded (
  segment_id TEXT NOT NULL, coder TEXT NOT NULL, run_id INTEGER,
  PRIMARY KEY (segment_id, coder));
CREATE TABLE IF NOT EXISTS responses (
  doc_id TEXT NOT NULL, version INTEGER NOT NULL, respondent_id TEXT, cohort TEXT, role TEXT,
  stage TEXT, question_id TEXT, value REAL, text TEXT);
CREATE TABLE IF NOT EXISTS sheet_choices (
  choice_id INTEGER PRIMARY KEY, pair_id TEXT NOT NULL, segment_id TEXT NOT NULL,
  code TEXT NOT NULL, keep INTEGER NOT NULL, by TEXT, at TEXT);
CREATE INDEX IF NOT EXISTS sheet_choices_pair ON sheet_choices (pair_id, segment_id, code);
CREATE TABLE IF NOT EXISTS notes (
  note_id TEXT PRIMARY KEY, target TEXT NOT NULL, doc_id TEXT, segment_id TEXT, code TEXT,
  coder TEXT, author TEXT NOT NULL, created TEXT NOT NULL, text TEXT NOT NULL, title TEXT,
  origin TEXT);
CREATE TRIGGER IF NOT EXISTS human_codings_no_update BEFORE UPDATE ON codings
  WHEN OLD.coder LIKE '{HUMAN_PREFIX}%'
  BEGIN SELECT RAISE(ABORT, 'human codings are never changed by a run'); END;
{REVISION_SCHEMA}"""
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
    ("codings", "phrase_start", "INTEGER"),
    ("codings", "phrase_end", "INTEGER"),
)


def now() -> str:
    """The time now (UTC, ISO 8601, seconds)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def records(df: pd.DataFrame) -> list[tuple]:
    """Rows as tuples of plain Python values (NaN -> None)."""
    clean = df.astype(object).where(df.notna(), None)
    return [tuple(r) for r in clean.itertuples(index=False, name=None)]
