"""`ProjectStore`: the connection, transactions and runs; the writing and reading methods come
from `IngestWriter`, `CodingWriter`, `RevisionWriter`, `ChoiceWriter`, `NoteStore` and
`Reader`."""
from __future__ import annotations

import json
import sqlite3
import time
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Iterator

from .. import __version__
from ..errors import StoreError
from ..private import private_store_file
from .choices import ChoiceWriter
from .codings import CodingWriter
from .ingesting import IngestWriter
from .notes import NoteStore
from .reading import Reader
from .revisions import RevisionWriter
from .schema import ADDED_COLUMNS, SCHEMA, now

__all__ = ["ProjectStore", "require_store"]


def require_store(path: str | Path) -> Path:
    """``path`` as a `Path` if a project store file is there; else a `StoreError` saying how
    to create one."""
    path = Path(path)
    if not path.is_file():
        raise StoreError(f"{path} does not exist; create it with 'rmresearch ingest --data "
                         f"FOLDER --store {path}'.")
    return path



class ProjectStore(IngestWriter, CodingWriter, RevisionWriter, ChoiceWriter, NoteStore,
                   Reader):
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
        for attempt in range(20):
            try:
                self.conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
                self._set_up(timeout)
                return
            except sqlite3.OperationalError as exc:
                # switching a new file to WAL does not wait for a writer that got there first
                self.conn.close()
                if ("locked" not in str(exc) and "busy" not in str(exc)) or attempt == 19:
                    raise StoreError(f"{self.path} is not a readable project store ({exc})."
                                     ) from None
                time.sleep(min(0.05 * 2 ** attempt, 2.0))
            except sqlite3.DatabaseError as exc:
                self.conn.close()
                raise StoreError(f"{self.path} is not a readable project store ({exc}).") from None

    def _set_up(self, timeout: float) -> None:
        """Settings, tables and columns of a store (created when missing)."""
        self.conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        # an INSERT OR REPLACE deletes the row it replaces: the guards on deleting human
        # codings (schema.REVISION_SCHEMA) must see that delete too
        self.conn.execute("PRAGMA recursive_triggers = ON")
        self.conn.executescript(SCHEMA)
        self._add_missing_columns()
        self._add_revision_history()

    def _add_missing_columns(self) -> None:
        """Add the columns (`ADDED_COLUMNS`) that a store made by an earlier version lacks, in
        one write transaction; another process may have added them first."""
        def missing() -> list[tuple[str, str, str]]:
            have = {t: {r[1] for r in self.conn.execute(f"PRAGMA table_info({t})")}
                    for t in {t for t, _, _ in ADDED_COLUMNS}}
            return [(t, c, k) for t, c, k in ADDED_COLUMNS if c not in have[t]]

        if not missing():
            return
        with self.transaction() as conn:
            for table, column, kind in missing():  # again: another process may have been first
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")

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
            (kind, now(), json.dumps(params, sort_keys=True, default=str), codebook_hash,
             __version__))
        return int(cur.lastrowid)

    @staticmethod
    def _finish_run(conn: sqlite3.Connection, run_id: int) -> None:
        conn.execute("UPDATE runs SET finished = ?, status = 'ok' WHERE run_id = ?",
                     (now(), run_id))

