"""Writing codings (machine and human) and what each coder has seen."""
from __future__ import annotations

import sqlite3
from typing import Any, Iterable

import pandas as pd

from ..errors import StoreError
from ..faults import checkpoint
from ..schemas import COLUMNS
from ..vocabulary import HUMAN_PREFIX
from .schema import CURRENT_SEGMENTS, records

__all__ = ["CodingWriter"]


class CodingWriter:
    """`ProjectStore` methods that write codings and read who coded what."""

    def add_codings(self, codings: pd.DataFrame, *, run_kind: str = "code",
                    params: dict[str, Any] | None = None, codebook_hash: str | None = None,
                    seen: Iterable[tuple[str, str]] = ()) -> int:
        """Store machine codings (and the (segment_id, coder) pairs seen) in one transaction;
        return the run id.

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

        Existing human rows, and existing 'seen' rows, are kept as they are (never replaced):
        the new ones are added beside them as a new revision of each coder
        (`rmresearch.store.revisions`; to replace a coder's work, `revise_human_codings`).
        """
        return self.revise_human_codings(codings, seen=seen, params=params,
                                         codebook_hash=codebook_hash).run_id

    def _write_codings(self, codings: pd.DataFrame, kind: str, params: dict | None,
                       codebook_hash: str | None, seen: Iterable[tuple[str, str]],
                       verb: str) -> int:
        cols = COLUMNS["codings"]
        with self.transaction() as conn:
            run_id = self._start_run(conn, kind, params or {}, codebook_hash)
            rows = [(*r, run_id) for r in records(codings[cols])]
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


    # ------------------------------------------------------------------ discourse roles
    def segments_needing_roles(self, decided_by: str) -> pd.DataFrame:
        """Current segments whose discourse role is missing or was decided by something other
        than ``decided_by`` (e.g. older role rules); a role a human gave is never listed.

        Returns ``segment_id, text, speaker_role, source`` in document order.
        """
        return pd.read_sql_query(
            f"SELECT s.segment_id, s.text, s.speaker_role, s.source FROM segments s "
            f"{CURRENT_SEGMENTS} WHERE s.role_by IS NULL OR (s.role_by != ? AND "
            f"s.role_by NOT LIKE '{HUMAN_PREFIX}%') ORDER BY s.doc_id, s.version, s.start",
            self.conn, params=(decided_by,))

    def set_roles(self, roles: pd.DataFrame, decided_by: str) -> int:
        """Store each segment's discourse role (``roles``: ``segment_id, role``) as decided by
        ``decided_by`` (the role rules' label, or ``human:<name>``) in one transaction.

        A machine label never replaces a role a human gave; a human's replaces any. Returns the
        number of segments changed.
        """
        guard = "" if decided_by.startswith(HUMAN_PREFIX) else \
            f" AND (role_by IS NULL OR role_by NOT LIKE '{HUMAN_PREFIX}%')"
        rows = [(r, decided_by, s) for s, r in records(roles[["segment_id", "role"]])]
        with self.transaction() as conn:
            before = conn.total_changes
            conn.executemany(f"UPDATE segments SET role = ?, role_by = ? WHERE segment_id = ?"
                             f"{guard}", rows)
            return conn.total_changes - before
