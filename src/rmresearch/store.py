"""The project store: one SQLite file (WAL mode) per project.

Holds documents (every version), segments, codings with their coder, the segments each
machine coder has seen, evaluation-form responses, and runs. Every write is one transaction.
Human codings (coder ``human:<name>``) are protected by triggers: no machine run can update
or delete them.
"""
from __future__ import annotations

import json
import sqlite3
import time
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator

import pandas as pd

from . import __version__
from .errors import StoreError
from .faults import checkpoint
from .private import private_store_file
from .schemas import COLUMNS, validate
from .ingest.segment import SEGMENTER_VERSION
from .vocabulary import HUMAN_PREFIX

__all__ = ["ProjectStore", "HUMAN_PREFIX", "require_store"]

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS runs (
  run_id INTEGER PRIMARY KEY, kind TEXT NOT NULL, started TEXT, finished TEXT,
  status TEXT, params TEXT, codebook_hash TEXT, package_version TEXT);
CREATE TABLE IF NOT EXISTS documents (
  doc_id TEXT NOT NULL, version INTEGER NOT NULL, cohort TEXT, pair_id TEXT, source TEXT,
  author_role TEXT, stage TEXT, date TEXT, path TEXT, sha256 TEXT, text TEXT, mentor TEXT,
  mentee TEXT, current INTEGER NOT NULL DEFAULT 1, run_id INTEGER,
  PRIMARY KEY (doc_id, version));
CREATE TABLE IF NOT EXISTS segments (
  segment_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, version INTEGER NOT NULL, cohort TEXT,
  pair_id TEXT, source TEXT, stage TEXT, speaker TEXT, speaker_role TEXT, start INTEGER,
  "end" INTEGER, text TEXT, time REAL, doc_sha256 TEXT);
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
CREATE TRIGGER IF NOT EXISTS human_codings_no_update BEFORE UPDATE ON codings
  WHEN OLD.coder LIKE '{HUMAN_PREFIX}%'
  BEGIN SELECT RAISE(ABORT, 'human codings are never changed by a run'); END;
CREATE TRIGGER IF NOT EXISTS human_codings_no_delete BEFORE DELETE ON codings
  WHEN OLD.coder LIKE '{HUMAN_PREFIX}%'
  BEGIN SELECT RAISE(ABORT, 'human codings are never deleted by a run'); END;
"""
# A segment belongs to the current text when its document's current version has the same
# content hash (a file that reverts to earlier text gets its earlier segments back).
_CURRENT_SEGMENTS = ("JOIN documents d ON d.doc_id = s.doc_id AND d.sha256 = s.doc_sha256 "
                     "AND d.current = 1")
_DOC_META = ["cohort", "pair_id", "source", "author_role", "stage", "date", "path", "mentor",
             "mentee"]


def require_store(path: str | Path) -> Path:
    """``path`` as a `Path` if a project store file is there; else a `StoreError` saying how
    to create one."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"{path} does not exist; create it with 'rmresearch ingest --data "
                         f"FOLDER --store {path}'.")
    return path


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class ProjectStore:
    """A project store; use ``with ProjectStore.open(path) as store:``.

    Parameters
    ----------
    path : the SQLite file (created if missing, with its folder; owner-only, see `private`).
    timeout : seconds to wait for another process's write lock.
    """

    def __init__(self, path: str | Path, timeout: float = 60.0) -> None:
        self.path = Path(path)
        if self.path.exists() and self.path.is_dir():
            raise StoreError(f"{self.path} is a folder; a project store is a single file, "
                             "e.g. project.rmproj.")
        private_store_file(self.path)  # a new store (and -wal, -shm) 0600, new folders 0700
        try:
            self.conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.executescript(_SCHEMA)
            self._add_column("documents", "segmenter", "INTEGER")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not a readable project store ({exc}).") from None

    def _add_column(self, table: str, column: str, kind: str) -> None:
        """Add a column that stores made by earlier versions lack (existing rows get NULL)."""
        have = {row[1] for row in self.conn.execute(f"PRAGMA table_info({table})")}
        if column in have:
            return
        try:
            self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
        except sqlite3.OperationalError as exc:  # another process added it first
            if "duplicate column" not in str(exc):
                raise

    @classmethod
    @contextmanager
    def open(cls, path: str | Path, timeout: float = 60.0) -> Iterator["ProjectStore"]:
        """Open a store and close it afterwards."""
        store = cls(path, timeout=timeout)
        try:
            yield store
        finally:
            store.close()

    @classmethod
    def open_existing(cls, path: str | Path, timeout: float = 60.0
                      ) -> AbstractContextManager["ProjectStore"]:
        """`open` a store that must already exist; a clear `StoreError` if it does not."""
        require_store(path)
        return cls.open(path, timeout)

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    # ------------------------------------------------------------------ transactions
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE), retried while another writer holds the lock."""
        for attempt in range(20):
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                time.sleep(min(0.05 * 2 ** attempt, 2.0))
        else:
            raise StoreError(f"{self.path} stayed locked by another process; try again.")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator["ProjectStore"]:
        """Read several tables from one state of the store (a read transaction).

        Without it each read sees the latest commit, so a writer committing between two
        reads (say documents, then segments) would hand out tables that do not match.
        """
        self.conn.execute("BEGIN DEFERRED")
        try:
            yield self
        finally:
            self.conn.execute("COMMIT")

    def _start_run(self, conn: sqlite3.Connection, kind: str, params: dict[str, Any],
                   codebook_hash: str | None = None) -> int:
        cur = conn.execute(
            "INSERT INTO runs (kind, started, status, params, codebook_hash, package_version)"
            " VALUES (?, ?, 'running', ?, ?, ?)",
            (kind, _now(), json.dumps(params, sort_keys=True, default=str), codebook_hash,
             __version__))
        return int(cur.lastrowid)

    @staticmethod
    def _finish_run(conn: sqlite3.Connection, run_id: int) -> None:
        conn.execute("UPDATE runs SET finished = ?, status = 'ok' WHERE run_id = ?",
                     (_now(), run_id))

    # ------------------------------------------------------------------ ingest
    def ingest(self, result: Any, params: dict[str, Any] | None = None) -> dict[str, int]:
        """Write an `IngestResult` in one transaction; return counts of what changed.

        Unchanged files (same sha256 and metadata) are skipped; a changed file becomes a new
        version, earlier versions and their segments and codings stay in the store.
        """
        counts = {"new": 0, "changed": 0, "unchanged": 0, "metadata": 0, "resegmented": 0,
                  "segments": 0}
        with self.transaction() as conn:
            run_id = self._start_run(conn, "ingest", params or {})
            docs = result.documents
            for doc in docs.astype(object).where(docs.notna(), None).to_dict("records"):
                status, version = self._ingest_document(conn, doc, run_id)
                counts[status] += 1
                if status in ("new", "changed"):
                    counts["segments"] += self._insert_children(conn, result, doc, version)
                elif status == "resegmented":
                    counts["segments"] += self._resegment(conn, result, doc, version)
                checkpoint("ingest.document")
            self._finish_run(conn, run_id)
            checkpoint("ingest.before_commit")
        return counts

    def _ingest_document(self, conn: sqlite3.Connection, doc: dict, run_id: int
                         ) -> tuple[str, int]:
        row = conn.execute("SELECT version, sha256, segmenter, " + ", ".join(_DOC_META) +
                           " FROM documents WHERE doc_id = ? AND current = 1",
                           (doc["doc_id"],)).fetchone()
        if row is not None and row[1] == doc["sha256"]:
            meta = {k: doc[k] for k in _DOC_META}
            same_meta = dict(zip(_DOC_META, row[3:])) == meta
            if same_meta and row[2] == SEGMENTER_VERSION:
                return "unchanged", row[0]
            sets = ", ".join(f"{k} = ?" for k in _DOC_META)
            conn.execute(f"UPDATE documents SET {sets} WHERE doc_id = ? AND version = ?",
                         (*meta.values(), doc["doc_id"], row[0]))
            conn.execute("UPDATE segments SET cohort = ?, pair_id = ?, source = ?, stage = ? "
                         "WHERE doc_id = ? AND version = ?", (doc["cohort"], doc["pair_id"],
                         doc["source"], doc["stage"], doc["doc_id"], row[0]))
            if row[2] != SEGMENTER_VERSION:
                return "resegmented", row[0]
            return "metadata", row[0]
        version = 1 if row is None else row[0] + 1
        conn.execute("UPDATE documents SET current = 0 WHERE doc_id = ?", (doc["doc_id"],))
        cols = COLUMNS["documents"] + ["mentor", "mentee", "current", "run_id", "segmenter"]
        values = {**doc, "version": version, "current": 1, "run_id": run_id,
                  "segmenter": SEGMENTER_VERSION}
        conn.execute(f"INSERT INTO documents ({', '.join(cols)}) VALUES "
                     f"({', '.join('?' * len(cols))})", [values[c] for c in cols])
        return ("new" if row is None else "changed"), version

    @classmethod
    def _resegment(cls, conn: sqlite3.Connection, result: Any, doc: dict, version: int) -> int:
        """Unchanged text cut by an earlier segmenter: its old segments stop being current
        (they, and every coding of them, stay in the store) and the new cut becomes current.
        Segments cut the same way keep their id, their row and their codings."""
        conn.execute("UPDATE segments SET doc_sha256 = doc_sha256 || ':superseded' "
                     "WHERE doc_id = ? AND doc_sha256 = ?", (doc["doc_id"], doc["sha256"]))
        conn.execute("DELETE FROM responses WHERE doc_id = ? AND version = ?",
                     (doc["doc_id"], version))
        conn.execute("UPDATE documents SET segmenter = ? WHERE doc_id = ? AND version = ?",
                     (SEGMENTER_VERSION, doc["doc_id"], version))
        return cls._insert_children(conn, result, doc, version, upsert=True)

    @staticmethod
    def _insert_children(conn: sqlite3.Connection, result: Any, doc: dict, version: int,
                         upsert: bool = False) -> int:
        segs = result.segments[result.segments["doc_id"] == doc["doc_id"]].copy()
        segs["version"], segs["doc_sha256"] = version, doc["sha256"]
        seg_cols = COLUMNS["segments"] + ["time", "doc_sha256"]
        quoted = ", ".join(f'"{c}"' for c in seg_cols)
        keep = ", ".join(f'"{c}" = excluded."{c}"' for c in seg_cols if c != "segment_id")
        on_conflict = (f"ON CONFLICT(segment_id) DO UPDATE SET {keep}" if upsert
                       else "ON CONFLICT(segment_id) DO NOTHING")
        conn.executemany(f"INSERT INTO segments ({quoted}) VALUES "
                         f"({', '.join('?' * len(seg_cols))}) {on_conflict}",
                         _records(segs[seg_cols]))
        resp = result.responses[result.responses["doc_id"] == doc["doc_id"]].copy()
        resp["version"] = version
        rcols = ["doc_id", "version"] + COLUMNS["responses"]
        conn.executemany(f"INSERT INTO responses ({', '.join(rcols)}) VALUES "
                         f"({', '.join('?' * len(rcols))})", _records(resp[rcols]))
        return len(segs)

    # ------------------------------------------------------------------ codings
    def add_codings(self, codings: pd.DataFrame, *, run_kind: str = "code",
                    params: dict[str, Any] | None = None, codebook_hash: str | None = None,
                    seen: Iterable[tuple[str, str]] = ()) -> int:
        """Store machine codings (and the (segment_id, coder) pairs seen) in one transaction.

        Rows for a coder named ``human:...`` are refused: use `add_human_codings`.
        A machine coder's earlier row for the same (segment, code, coder) is replaced.
        """
        if codings["coder"].astype(str).str.startswith(HUMAN_PREFIX).any():
            raise StoreError("a machine run cannot write codings for a human coder "
                             f"(coder names starting '{HUMAN_PREFIX}').")
        return self._write_codings(codings, run_kind, params, codebook_hash, seen,
                                   "INSERT OR REPLACE")

    def add_human_codings(self, codings: pd.DataFrame, *, params: dict[str, Any] | None = None,
                          codebook_hash: str | None = None,
                          seen: Iterable[tuple[str, str]] = ()) -> int:
        """Store human codings and the (segment_id, coder) pairs each coder saw in one
        transaction and one ``human`` run; return the run id.

        Existing human rows, and existing 'seen' rows, are kept as they are (never replaced).
        """
        if not codings["coder"].astype(str).str.startswith(HUMAN_PREFIX).all():
            raise StoreError(f"human codings need coder names starting '{HUMAN_PREFIX}'.")
        return self._write_codings(codings, "human", params, codebook_hash, seen,
                                   "INSERT OR IGNORE")

    def _write_codings(self, codings: pd.DataFrame, kind: str, params: dict | None,
                       codebook_hash: str | None, seen: Iterable[tuple[str, str]],
                       verb: str) -> int:
        cols = COLUMNS["codings"]
        with self.transaction() as conn:
            run_id = self._start_run(conn, kind, params or {}, codebook_hash)
            rows = [(*r, run_id) for r in _records(codings[cols])]
            conn.executemany(f"{verb} INTO codings ({', '.join(cols)}, run_id) VALUES "
                             f"({', '.join('?' * (len(cols) + 1))})", rows)
            checkpoint("codings.before_commit")
            conn.executemany(f"{verb} INTO coded (segment_id, coder, run_id) "
                             "VALUES (?, ?, ?)", [(s, c, run_id) for s, c in seen])
            self._finish_run(conn, run_id)
        return run_id

    def coded_segment_ids(self, coder: str) -> set[str]:
        """Segment ids ``coder`` has already seen or coded."""
        rows = self.conn.execute("SELECT segment_id FROM coded WHERE coder = ? UNION "
                                 "SELECT segment_id FROM codings WHERE coder = ?",
                                 (coder, coder)).fetchall()
        return {r[0] for r in rows}

    def coder_latest_runs(self) -> dict[str, int]:
        """Each coder with codings or 'seen' rows -> its latest run id (0: no run recorded)."""
        return dict(self.conn.execute(
            "SELECT coder, MAX(COALESCE(run_id, 0)) FROM (SELECT coder, run_id FROM codings "
            "UNION ALL SELECT coder, run_id FROM coded) GROUP BY coder").fetchall())

    def latest_machine_coder(self, prefix: str) -> str | None:
        """The coder labelled ``prefix...`` (e.g. ``ensemble@``; ASCII case ignored, as SQL
        LIKE does) of the latest run that recorded segments seen; None if none ran."""
        row = self.conn.execute(
            "SELECT c.coder FROM coded c JOIN runs r ON r.run_id = c.run_id WHERE "
            "lower(substr(c.coder, 1, length(?1))) = lower(?1) ORDER BY r.run_id DESC LIMIT 1",
            (prefix,)).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------------ reading
    def _frame(self, sql: str, params: tuple = ()) -> pd.DataFrame:
        return pd.read_sql_query(sql, self.conn, params=params)

    def documents(self, current_only: bool = True) -> pd.DataFrame:
        """The documents table (current versions by default), ordered by doc_id, version."""
        where = "WHERE current = 1" if current_only else ""
        return validate(self._frame(f"SELECT * FROM documents {where} ORDER BY doc_id, version"),
                        "documents")

    def segments(self, current_only: bool = True) -> pd.DataFrame:
        """The segments table, in document order (doc_id, version, start)."""
        join = _CURRENT_SEGMENTS if current_only else ""
        return validate(self._frame(f"SELECT s.* FROM segments s {join} "
                                    "ORDER BY s.doc_id, s.version, s.start"), "segments")

    def codings(self, coder: str | None = None) -> pd.DataFrame:
        """The codings table (one coder, or all), ordered by segment, code, coder."""
        where, params = ("WHERE coder = ?", (coder,)) if coder else ("", ())
        return validate(self._frame(
            f"SELECT segment_id, code, coder, score, valence, evidence, run_id "
            f"FROM codings {where} ORDER BY segment_id, code, coder", params), "codings")

    def responses(self, current_only: bool = True) -> pd.DataFrame:
        """The long responses table of evaluation forms."""
        join = ("JOIN documents d ON d.doc_id = r.doc_id AND d.version = r.version "
                "AND d.current = 1") if current_only else ""
        return validate(self._frame(f"SELECT r.* FROM responses r {join} ORDER BY r.cohort, "
                                    "r.stage, r.respondent_id, r.question_id"), "responses")

    def runs(self) -> pd.DataFrame:
        """Every run (ingest, code, human import ...) with parameters and status."""
        return self._frame("SELECT * FROM runs ORDER BY run_id")

    def run_parameters(self, kind: str) -> list[dict[str, Any]]:
        """The parameters of every run of ``kind`` (e.g. ``human``), oldest first."""
        rows = self.conn.execute("SELECT params FROM runs WHERE kind = ? ORDER BY run_id",
                                 (kind,)).fetchall()
        return [json.loads(p or "{}") for (p,) in rows]

    def summary(self) -> dict[str, Any]:
        """Counts for ``rmresearch status``."""
        q = lambda sql: self.conn.execute(sql).fetchall()  # noqa: E731
        return {
            "documents": q("SELECT COUNT(*) FROM documents WHERE current = 1")[0][0],
            "document_versions": q("SELECT COUNT(*) FROM documents")[0][0],
            "segments": q(f"SELECT COUNT(*) FROM segments s {_CURRENT_SEGMENTS}")[0][0],
            "responses": q("SELECT COUNT(*) FROM responses")[0][0],
            "cohorts": [r[0] for r in q("SELECT DISTINCT cohort FROM documents WHERE "
                                        "current = 1 ORDER BY cohort")],
            "by_source": dict(q("SELECT source, COUNT(*) FROM documents WHERE current = 1 "
                                "GROUP BY source ORDER BY source")),
            "codings_by_coder": dict(q("SELECT coder, COUNT(*) FROM codings GROUP BY coder "
                                       "ORDER BY coder")),
            "runs": q("SELECT COUNT(*) FROM runs")[0][0],
        }


def _records(df: pd.DataFrame) -> list[tuple]:
    """Rows as tuples of plain Python values (NaN -> None)."""
    clean = df.astype(object).where(df.notna(), None)
    return [tuple(r) for r in clean.itertuples(index=False, name=None)]
