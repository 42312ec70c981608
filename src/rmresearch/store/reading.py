"""Reading the store's tables as DataFrames."""
from __future__ import annotations

import json
from typing import Any

import pandas as pd

from ..schemas import validate
from .schema import CURRENT_SEGMENTS

__all__ = ["Reader"]


class Reader:
    """`ProjectStore` methods that read tables."""

    def _frame(self, sql: str, params: tuple = ()) -> pd.DataFrame:
        return pd.read_sql_query(sql, self.conn, params=params)

    def documents(self, current_only: bool = True) -> pd.DataFrame:
        """The documents table (current versions by default), ordered by doc_id, version."""
        where = "WHERE current = 1" if current_only else ""
        return validate(self._frame(f"SELECT * FROM documents {where} ORDER BY doc_id, version"),
                        "documents")

    def segments(self, current_only: bool = True) -> pd.DataFrame:
        """The segments table, in document order (doc_id, version, start)."""
        join = CURRENT_SEGMENTS if current_only else ""
        return validate(self._frame(f"SELECT s.* FROM segments s {join} "
                                    "ORDER BY s.doc_id, s.version, s.start"), "segments")

    def codings(self, coder: str | None = None) -> pd.DataFrame:
        """The codings table (one coder, or all), ordered by segment, code, coder.

        Human coders' codings are those of their current revision. ``phrase_start,
        phrase_end`` (nullable) are the document offsets of a phrase-level coding, empty
        for a coding of the whole segment.
        """
        where, params = ("WHERE coder = ?", (coder,)) if coder else ("", ())
        df = self._frame(f"SELECT segment_id, code, coder, score, valence, evidence, run_id, "
                         f"phrase_start, phrase_end FROM codings {where} ORDER BY segment_id, "
                         "code, coder", params)
        return validate(df.astype({"phrase_start": "Int64", "phrase_end": "Int64"}), "codings")

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
            "segments": q(f"SELECT COUNT(*) FROM segments s {CURRENT_SEGMENTS}")[0][0],
            "responses": q("SELECT COUNT(*) FROM responses")[0][0],
            "cohorts": [r[0] for r in q("SELECT DISTINCT cohort FROM documents WHERE "
                                        "current = 1 ORDER BY cohort")],
            "by_source": dict(q("SELECT source, COUNT(*) FROM documents WHERE current = 1 "
                                "GROUP BY source ORDER BY source")),
            "codings_by_coder": dict(q("SELECT coder, COUNT(*) FROM codings GROUP BY coder "
                                       "ORDER BY coder")),
            "runs": q("SELECT COUNT(*) FROM runs")[0][0],
        }


