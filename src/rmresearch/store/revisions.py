"""Revisions of a human coder's work: re-importing it replaces it, and nothing is lost.

The ``codings`` and ``coded`` tables hold each human coder's *current* revision, which is
what every analysis reads. Each revision is also kept whole, append-only, in the history
(``coding_revisions``, ``revision_codings``, ``revision_seen``). `revise_human_codings`
writes a new revision of every coder in its input in one transaction: within the input's
``scope`` (the segments it speaks for) its codings replace the coder's (a coding missing from
it is removed, a changed code replaces the old one, a changed valence or phrase takes
effect), outside it the coder's codings stay; what a coder saw only grows (a removed coding
leaves its segment seen, with no code). `restore_revision` makes an earlier revision current
again, as a new revision. An import that changes nothing makes no revision.

A human coding leaves the ``codings`` table only while this module holds a revision of its
coder open (a row of ``revision_open`` inside the transaction) and only if the revision it
replaces holds it; the store's triggers refuse anything else (`rmresearch.store.schema`).
Existing stores get the history when opened: their human codings become revision 1.
"""
from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import pandas as pd

from ..errors import StoreError
from ..faults import checkpoint
from ..vocabulary import HUMAN_PREFIX
from .schema import OLD_TRIGGERS, now

__all__ = ["RevisionWriter", "CoderRevision", "Revised", "CODING_FIELDS"]

#: the stored fields of a coding after its key (segment_id, code)
CODING_FIELDS = ("score", "valence", "evidence", "run_id", "phrase_start", "phrase_end")
_HUMAN = f"coder LIKE '{HUMAN_PREFIX}%'"


@dataclass(frozen=True)
class CoderRevision:
    """What one import or restore did to one coder: the coder's revision after it (``new``:
    whether it made one) and how many codings were added, changed, removed, unchanged (a
    code replaced by another on the same segment counts as one change) and segments newly
    seen."""

    coder: str
    revision: int
    new: bool
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    seen_added: int = 0


@dataclass
class Revised:
    """The run that wrote, and each coder's `CoderRevision`."""

    run_id: int
    coders: dict[str, CoderRevision] = field(default_factory=dict)


def _clean(value: Any) -> Any:
    """NaN / NA -> None; whole floats of offsets -> int."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    return value


def _offset(value: Any) -> int | None:
    value = _clean(value)
    return None if value is None else int(value)


def _same(a: tuple, b: tuple) -> bool:
    """Whether two stored codings (fields as `CODING_FIELDS`) say the same: valence, phrase."""
    return a[1] == b[1] and a[4] == b[4] and a[5] == b[5]


def _counts(added: list, changed: list, removed: list, unchanged: int) -> dict[str, int]:
    """Counts for a summary: a code replaced by another on one segment is one change."""
    gone, new = Counter(k[0] for k in removed), Counter(k[0] for k in added)
    swaps = sum(min(n, new[s]) for s, n in gone.items())
    return dict(added=len(added) - swaps, changed=len(changed) + swaps,
                removed=len(removed) - swaps, unchanged=unchanged)


class RevisionWriter:
    """`ProjectStore` methods that write, list and restore revisions of human coders."""

    # ------------------------------------------------------------------ writing
    def revise_human_codings(self, codings: pd.DataFrame, *, seen: Iterable[tuple[str, str]] = (),
                             scope: Mapping[str, Iterable[str]] | None = None,
                             params: dict[str, Any] | None = None,
                             codebook_hash: str | None = None, source: str | None = None
                             ) -> Revised:
        """Store human codings as a new revision of each coder, in one transaction and one
        ``human`` run (see module docstring).

        Parameters
        ----------
        codings : ``segment_id, code, coder, score, valence, evidence`` and optionally
            ``phrase_start, phrase_end`` (document offsets of a phrase; None: the segment).
        seen : (segment_id, coder) pairs the coders saw.
        scope : coder -> the segments this input speaks for; there the coder's codings are
            replaced. None: nothing is replaced, new codings are added beside the others.
        params, codebook_hash : recorded with the run.
        source : the input's name, recorded with each revision.

        Raises
        ------
        StoreError
            A coder name that does not start ``human:`` (nothing is written).
        """
        if not codings["coder"].astype(str).str.startswith(HUMAN_PREFIX).all() or not all(
                c.startswith(HUMAN_PREFIX) for _, c in seen):
            raise StoreError(f"human codings need coder names starting '{HUMAN_PREFIX}'.")
        new = self._by_coder(codings)
        seen_by: dict[str, set[str]] = {}
        for sid, coder in seen:
            seen_by.setdefault(coder, set()).add(sid)
        coders = sorted(set(new) | set(seen_by) | set(scope or {}))
        with self.transaction() as conn:
            run_id = self._start_run(conn, "human", params or {}, codebook_hash)
            out = Revised(run_id)
            for coder in coders:
                mine = new.get(coder, {})
                area = None if scope is None else set(scope.get(coder, ())) | {s for s, _ in mine}
                out.coders[coder] = self._revise(conn, coder, mine, seen_by.get(coder, set()),
                                                 area, run_id, source)
            checkpoint("codings.before_commit")
            self._finish_run(conn, run_id)
        return out

    @staticmethod
    def _by_coder(codings: pd.DataFrame) -> dict[str, dict[tuple[str, str], tuple]]:
        """coder -> (segment_id, code) -> fields (`CODING_FIELDS`, run_id None); the first
        row of a repeated key wins."""
        out: dict[str, dict[tuple[str, str], tuple]] = {}
        has_phrase = "phrase_start" in codings.columns
        for r in codings.to_dict("records"):
            key = (str(r["segment_id"]), str(r["code"]))
            row = (_clean(r.get("score")), _clean(r.get("valence")), _clean(r.get("evidence")),
                   None, _offset(r["phrase_start"]) if has_phrase else None,
                   _offset(r["phrase_end"]) if has_phrase else None)
            out.setdefault(str(r["coder"]), {}).setdefault(key, row)
        return out

    def _revise(self, conn: sqlite3.Connection, coder: str, new: dict[tuple, tuple],
                seen: set[str], area: set[str] | None, run_id: int, source: str | None
                ) -> CoderRevision:
        """Compare ``new`` with the coder's current codings and write a revision if needed."""
        current = self._current(conn, coder)
        had_seen = {r[0] for r in conn.execute(
            "SELECT segment_id FROM coded WHERE coder = ?", (coder,))}
        added = [k for k in new if k not in current]
        kept = [k for k in new if k in current]
        if area is None:  # adding beside: existing rows stay as they are
            changed, removed, unchanged = [], [], len(kept)
        else:
            changed = [k for k in kept if not _same(new[k], current[k])]
            removed = [k for k in current if k[0] in area and k not in new]
            unchanged = len(kept) - len(changed)
        # a coding removed leaves its segment seen (the coder judged it to have no code)
        gone = set(removed)
        still = {s for s, _ in new} | {k[0] for k in current if k not in gone}
        seen_new = sorted((seen - had_seen) | ({s for s, _ in removed} - had_seen - still))
        base = self._latest_revision(conn, coder)
        counts = _counts(added, changed, removed, unchanged)
        # a coder saw what they coded: seen rows for those alone make no revision
        if not (added or changed or removed or set(seen_new) - {k[0] for k in current}):
            return CoderRevision(coder, base, False, **counts)
        conn.execute("INSERT INTO revision_open (coder, base) VALUES (?, ?)", (coder, base))
        conn.executemany("DELETE FROM codings WHERE segment_id = ? AND code = ? AND coder = ?",
                         [(s, c, coder) for s, c in [*removed, *changed]])
        rows = [(s, c, coder, *new[(s, c)][:3], run_id, *new[(s, c)][4:])
                for s, c in [*added, *changed]]
        self._insert(conn, rows)
        conn.executemany("INSERT OR IGNORE INTO coded (segment_id, coder, run_id) VALUES "
                         "(?, ?, ?)", [(s, coder, run_id) for s in seen_new])
        self._record(conn, coder, base + 1, run_id, "import", source, None, counts)
        conn.execute("DELETE FROM revision_open WHERE coder = ?", (coder,))
        return CoderRevision(coder, base + 1, True, **counts, seen_added=len(seen_new))

    @staticmethod
    def _current(conn: sqlite3.Connection, coder: str, revision: int | None = None
                 ) -> dict[tuple[str, str], tuple]:
        """(segment_id, code) -> fields of the coder's current codings (or of a revision)."""
        fields = ", ".join(CODING_FIELDS)
        if revision is None:
            rows = conn.execute(f"SELECT segment_id, code, {fields} FROM codings WHERE "
                                "coder = ?", (coder,))
        else:
            rows = conn.execute(f"SELECT segment_id, code, {fields} FROM revision_codings "
                                "WHERE coder = ? AND revision = ?", (coder, revision))
        return {(r[0], r[1]): tuple(r[2:]) for r in rows}

    @staticmethod
    def _insert(conn: sqlite3.Connection, rows: list[tuple]) -> None:
        cols = "segment_id, code, coder, " + ", ".join(CODING_FIELDS)
        conn.executemany(f"INSERT INTO codings ({cols}) VALUES ({', '.join('?' * 9)})", rows)

    @staticmethod
    def _latest_revision(conn: sqlite3.Connection, coder: str) -> int:
        row = conn.execute("SELECT MAX(revision) FROM coding_revisions WHERE coder = ?",
                           (coder,)).fetchone()
        return int(row[0] or 0)

    @staticmethod
    def _record(conn: sqlite3.Connection, coder: str, revision: int, run_id: int | None,
                how: str, source: str | None, restored_from: int | None,
                counts: Mapping[str, int]) -> None:
        """Keep the coder's codings and seen segments, as they now are, as ``revision``."""
        fields = ", ".join(CODING_FIELDS)
        conn.execute(f"INSERT INTO revision_codings (coder, revision, segment_id, code, "
                     f"{fields}) SELECT coder, ?, segment_id, code, {fields} FROM codings "
                     "WHERE coder = ?", (revision, coder))
        conn.execute("INSERT INTO revision_seen (coder, revision, segment_id, run_id) SELECT "
                     "coder, ?, segment_id, run_id FROM coded WHERE coder = ?",
                     (revision, coder))
        sizes = conn.execute(
            "SELECT (SELECT COUNT(*) FROM revision_codings WHERE coder = ?1 AND revision = ?2),"
            " (SELECT COUNT(*) FROM (SELECT segment_id FROM revision_seen WHERE coder = ?1 AND"
            " revision = ?2 UNION SELECT segment_id FROM revision_codings WHERE coder = ?1 AND"
            " revision = ?2))",
            (coder, revision)).fetchone()
        conn.execute(
            "INSERT INTO coding_revisions (coder, revision, run_id, made, how, input, "
            "restored_from, codings, seen, added, changed, removed, unchanged) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (coder, revision, run_id, now(), how, source, restored_from, *sizes,
             counts["added"], counts["changed"], counts["removed"], counts["unchanged"]))

    # ------------------------------------------------------------------ restoring
    def restore_revision(self, coder: str, revision: int) -> CoderRevision:
        """Make revision ``revision`` of ``coder`` current again, as a new revision (its
        codings and the segments it saw, exactly as they were), in one transaction and one
        ``restore`` run. Restoring what is already current changes nothing.

        Raises
        ------
        StoreError
            A coder with no revisions, or a revision that does not exist (the message lists
            those that do).
        """
        with self.transaction() as conn:
            have = [r[0] for r in conn.execute("SELECT revision FROM coding_revisions WHERE "
                                               "coder = ? ORDER BY revision", (coder,))]
            if revision not in have:
                raise StoreError(
                    f"{coder} has no revision {revision}; " + (
                        f"its revisions are {', '.join(map(str, have))} (see 'rmresearch "
                        "codings history')." if have else "it has no revisions in this store."))
            target, current = self._current(conn, coder, revision), self._current(conn, coder)
            seen_then = {r[0]: r[1] for r in conn.execute(
                "SELECT segment_id, run_id FROM revision_seen WHERE coder = ? AND revision = ?",
                (coder, revision))}
            seen_now = {r[0] for r in conn.execute("SELECT segment_id FROM coded WHERE "
                                                   "coder = ?", (coder,))}
            added = [k for k in target if k not in current]
            removed = [k for k in current if k not in target]
            rewrite = [k for k in target if k in current and target[k] != current[k]]
            changed = [k for k in rewrite if not _same(target[k], current[k])]
            counts = _counts(added, changed, removed, len(target) - len(added) - len(changed))
            if not (added or removed or rewrite or set(seen_then) ^ seen_now):
                return CoderRevision(coder, have[-1], False, **counts)
            run_id = self._start_run(conn, "restore", {"coder": coder, "revision": revision})
            conn.execute("INSERT INTO revision_open (coder, base) VALUES (?, ?)",
                         (coder, have[-1]))
            conn.executemany("DELETE FROM codings WHERE segment_id = ? AND code = ? AND "
                             "coder = ?", [(s, c, coder) for s, c in [*removed, *rewrite]])
            self._insert(conn, [(s, c, coder, *target[(s, c)]) for s, c in [*added, *rewrite]])
            conn.executemany("DELETE FROM coded WHERE segment_id = ? AND coder = ?",
                             [(s, coder) for s in sorted(seen_now - set(seen_then))])
            conn.executemany("INSERT INTO coded (segment_id, coder, run_id) VALUES (?, ?, ?)",
                             [(s, coder, r) for s, r in seen_then.items() if s not in seen_now])
            self._record(conn, coder, have[-1] + 1, run_id, "restore", None, revision, counts)
            conn.execute("DELETE FROM revision_open WHERE coder = ?", (coder,))
            self._finish_run(conn, run_id)
        return CoderRevision(coder, have[-1] + 1, True, **counts,
                             seen_added=len(set(seen_then) - seen_now))

    # ------------------------------------------------------------------ reading
    def revisions(self, coder: str | None = None) -> pd.DataFrame:
        """Every revision (of one coder, or of all): ``coder, revision, current, made, how``
        (``existing``: what the store held before revisions were kept; ``import``;
        ``restore``), ``input, restored_from, codings, seen`` (segments seen or coded),
        ``added, changed, removed, unchanged, run_id``; by coder and revision."""
        where, params = ("WHERE coder = ?", (coder,)) if coder else ("", ())
        df = pd.read_sql_query(
            "SELECT coder, revision, revision = MAX(revision) OVER (PARTITION BY coder) AS "
            "current, made, how, input, restored_from, codings, seen, added, changed, removed,"
            f" unchanged, run_id FROM coding_revisions {where} ORDER BY coder, revision",
            self.conn, params=params)
        df["current"] = df["current"].astype(bool)
        df["input"] = df["input"].fillna("")
        return df.astype({"restored_from": "Int64", "run_id": "Int64"})

    def revision_codings(self, coder: str, revision: int) -> pd.DataFrame:
        """The codings of one revision: ``segment_id, code, coder, score, valence, evidence,
        run_id, phrase_start, phrase_end``, by segment and code."""
        df = pd.read_sql_query(
            f"SELECT segment_id, code, coder, {', '.join(CODING_FIELDS)} FROM revision_codings"
            " WHERE coder = ? AND revision = ? ORDER BY segment_id, code", self.conn,
            params=(coder, revision))
        return df.astype({"phrase_start": "Int64", "phrase_end": "Int64"})

    # ------------------------------------------------------------------ opening a store
    def _add_revision_history(self) -> None:
        """Drop triggers that later ones replaced, and keep the human codings of a store made
        before revisions existed as revision 1 of each coder (one write transaction, only
        when something is missing)."""
        def unrevised(conn: sqlite3.Connection) -> list[str]:
            return [r[0] for r in conn.execute(
                f"SELECT DISTINCT coder FROM (SELECT coder FROM codings WHERE {_HUMAN} UNION "
                f"SELECT coder FROM coded WHERE {_HUMAN}) WHERE coder NOT IN (SELECT coder "
                "FROM coding_revisions) ORDER BY coder")]

        old = self.conn.execute(
            f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND name IN "
            f"({', '.join('?' * len(OLD_TRIGGERS))})", OLD_TRIGGERS).fetchall()
        if not old and not unrevised(self.conn):
            return
        with self.transaction() as conn:
            for name in OLD_TRIGGERS:
                conn.execute(f"DROP TRIGGER IF EXISTS {name}")
            for coder in unrevised(conn):
                n = conn.execute("SELECT COUNT(*) FROM codings WHERE coder = ?",
                                 (coder,)).fetchone()[0]
                self._record(conn, coder, 1, None, "existing", None, None,
                             dict(added=n, changed=0, removed=0, unchanged=0))
