"""Writing an ingest result: new documents, new versions, re-segmented text."""
from __future__ import annotations

import sqlite3
from typing import Any

import pandas as pd

from ..faults import checkpoint
from ..ingest.segment import SEGMENTER_VERSION
from ..schemas import COLUMNS
from .schema import DOC_META, records

__all__ = ["IngestWriter"]


class IngestWriter:
    """`ProjectStore` methods that write documents, segments and responses."""

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
        row = conn.execute("SELECT version, sha256, segmenter, " + ", ".join(DOC_META) +
                           " FROM documents WHERE doc_id = ? AND current = 1",
                           (doc["doc_id"],)).fetchone()
        if row is not None and row[1] == doc["sha256"]:
            meta = {k: doc[k] for k in DOC_META}
            same_meta = dict(zip(DOC_META, row[3:])) == meta
            if same_meta and row[2] == SEGMENTER_VERSION:
                return "unchanged", row[0]
            sets = ", ".join(f"{k} = ?" for k in DOC_META)
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
                         records(segs[seg_cols]))
        resp = result.responses[result.responses["doc_id"] == doc["doc_id"]].copy()
        resp["version"] = version
        rcols = ["doc_id", "version"] + COLUMNS["responses"]
        conn.executemany(f"INSERT INTO responses ({', '.join(rcols)}) VALUES "
                         f"({', '.join('?' * len(rcols))})", records(resp[rcols]))
        return len(segs)

