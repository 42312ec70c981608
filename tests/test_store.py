"""The project store: WAL, idempotent re-ingest, versions, protected human codings."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from rmresearch.errors import StoreError
from rmresearch.ingest import ingest_folder
from rmresearch.store import ProjectStore


def _coding(segment_id: str, coder: str, code: str = "individual") -> pd.DataFrame:
    return pd.DataFrame([dict(segment_id=segment_id, code=code, coder=coder, score=0.9,
                              valence="positive", evidence="test")])


def test_store_is_wal_and_reingest_is_a_no_op(mini_data: Path, tmp_path: Path) -> None:
    path = tmp_path / "p.rmproj"
    with ProjectStore.open(path) as st:
        first = st.ingest(ingest_folder(mini_data))
        second = st.ingest(ingest_folder(mini_data))
        assert st.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert first["new"] == 7 and first["segments"] > 10
        assert second == {"new": 0, "changed": 0, "unchanged": 7, "metadata": 0,
                          "resegmented": 0, "segments": 0}
        assert len(st.segments()) == first["segments"]
        assert list(st.runs()["kind"]) == ["ingest", "ingest"]


def test_changed_file_is_a_new_version_and_old_codings_stay_traceable(
        mini_data: Path, tmp_path: Path) -> None:
    path = tmp_path / "p.rmproj"
    with ProjectStore.open(path) as st:
        st.ingest(ingest_folder(mini_data))
        old = st.segments()
        old_id = old[old["doc_id"] == "C1/journal"]["segment_id"].iloc[0]
        st.add_human_codings(_coding(old_id, "human:ana"))
        from tests.conftest import write_docx
        write_docx(mini_data / "C1" / "journal.docx", ["A new first line.", "Another one."])
        counts = st.ingest(ingest_folder(mini_data))
        assert counts["changed"] == 1 and counts["unchanged"] == 6
        docs = st.documents(current_only=False)
        assert docs[docs["doc_id"] == "C1/journal"]["version"].tolist() == [1, 2]
        current = st.segments()
        assert old_id not in set(current["segment_id"])
        assert set(current[current["doc_id"] == "C1/journal"]["version"]) == {2}
        everything = st.segments(current_only=False)
        traced = everything.set_index("segment_id").loc[old_id]
        assert traced["version"] == 1 and traced["text"] == "I felt Helen listened properly this time."
        assert st.codings("human:ana")["segment_id"].tolist() == [old_id]


def test_a_newer_segmenter_recuts_unchanged_files_and_keeps_every_coding(
        mini_data: Path, tmp_path: Path) -> None:
    """A store segmented by an earlier segmenter version: the next ingest of the same files
    re-cuts them; old segments stop being current but stay, with their codings."""
    path, fresh_path = tmp_path / "p.rmproj", tmp_path / "fresh.rmproj"
    with ProjectStore.open(fresh_path) as st:
        st.ingest(ingest_folder(mini_data))
        fresh = st.segments()
    with ProjectStore.open(path) as st:
        st.ingest(ingest_folder(mini_data))
        kept_id = st.segments()["segment_id"].iloc[0]
        # What an older segmenter left: no version recorded, and a cut the new one never makes.
        st.conn.execute("UPDATE documents SET segmenter = NULL")
        st.conn.execute("INSERT INTO segments (segment_id, doc_id, version, cohort, pair_id, "
                        "source, stage, speaker, speaker_role, start, \"end\", text, time, "
                        "doc_sha256) SELECT 'old-cut', doc_id, version, cohort, "
                        "pair_id, source, stage, speaker, speaker_role, 0, 5, 'Helen', time, "
                        "doc_sha256 FROM segments WHERE segment_id = ?", (kept_id,))
        st.add_human_codings(_coding("old-cut", "human:ana"))
        st.add_codings(_coding(kept_id, "ensemble@x"))
        assert "old-cut" in set(st.segments()["segment_id"])
        counts = st.ingest(ingest_folder(mini_data))
        assert counts["resegmented"] == 7 and counts["unchanged"] == 0
        now = st.segments()
        assert now.drop(columns="version").equals(fresh.drop(columns="version"))
        assert "old-cut" in set(st.segments(current_only=False)["segment_id"])
        assert st.codings("human:ana")["segment_id"].tolist() == ["old-cut"]
        assert st.codings("ensemble@x")["segment_id"].tolist() == [kept_id]
        again = st.ingest(ingest_folder(mini_data))
        assert again["unchanged"] == 7 and again["resegmented"] == 0


def test_human_codings_cannot_be_changed_or_deleted(mini_data: Path, tmp_path: Path) -> None:
    with ProjectStore.open(tmp_path / "p.rmproj") as st:
        st.ingest(ingest_folder(mini_data))
        sid = st.segments()["segment_id"].iloc[0]
        st.add_human_codings(_coding(sid, "human:ana"))
        with pytest.raises(StoreError):
            st.add_codings(_coding(sid, "human:ana"))
        with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
            st.conn.execute("DELETE FROM codings WHERE coder = 'human:ana'")
        with pytest.raises(sqlite3.IntegrityError, match="never changed"):
            st.conn.execute("UPDATE codings SET code = 'symbolic' WHERE coder = 'human:ana'")
        st.add_codings(_coding(sid, "rules@0.1.0"), seen=[(sid, "rules@0.1.0")])
        st.add_codings(_coding(sid, "rules@0.1.0", "symbolic"))
        assert len(st.codings("human:ana")) == 1
        assert st.coded_segment_ids("rules@0.1.0") == {sid}


def test_a_folder_is_not_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder"):
        ProjectStore(tmp_path)


def test_a_non_sqlite_file_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "x.rmproj"
    bogus.write_bytes(b"this is not a database at all, just some words" * 20)
    with pytest.raises(StoreError, match="not a readable"):
        ProjectStore(bogus)


def test_tables_come_out_validated(mini_data: Path, tmp_path: Path) -> None:
    from rmresearch.errors import RmResearchError

    with ProjectStore.open(tmp_path / "p.rmproj") as st:
        st.ingest(ingest_folder(mini_data))
        assert len(st.segments()) and len(st.documents()) == 7
        st.conn.execute("UPDATE segments SET speaker_role = 'boss' WHERE rowid = 1")
        with pytest.raises(RmResearchError, match="speaker_role"):
            st.segments()


def test_human_codings_and_what_each_coder_saw_are_one_run(mini_data: Path,
                                                           tmp_path: Path) -> None:
    with ProjectStore.open(tmp_path / "p.rmproj") as st:
        st.ingest(ingest_folder(mini_data))
        a, b = st.segments()["segment_id"].iloc[:2]
        first = st.add_human_codings(_coding(a, "human:ana"), params={"sha256": "x"},
                                     seen=[(a, "human:ana"), (b, "human:ana")])
        assert st.coded_segment_ids("human:ana") == {a, b}  # b seen without a code
        again = st.add_human_codings(_coding(a, "human:ana", "symbolic"), seen=[(b, "human:ana")])
        runs = st.runs()
        assert runs["kind"].tolist() == ["ingest", "human", "human"]
        assert runs["status"].tolist() == ["ok"] * 3
        assert st.run_parameters("human") == [{"sha256": "x"}, {}]
        assert st.run_parameters("code") == []
        # earlier rows are kept as they are: the 'seen' row of b still names the first run
        seen_runs = dict(st.conn.execute("SELECT segment_id, run_id FROM coded").fetchall())
        assert seen_runs == {a: first, b: first}
        got = st.codings("human:ana")
        assert sorted(zip(got["code"], got["run_id"])) == [("individual", first),
                                                           ("symbolic", again)]
        with pytest.raises(StoreError, match="starting 'human:'"):
            st.add_human_codings(_coding(a, "ana"), seen=[(a, "ana")])
        assert len(st.runs()) == 3  # nothing written


def test_coders_and_their_latest_runs(mini_data: Path, tmp_path: Path) -> None:
    from rmresearch.vocabulary import MACHINE_CODER

    prefix = f"{MACHINE_CODER}@"
    with ProjectStore.open(tmp_path / "p.rmproj") as st:
        st.ingest(ingest_folder(mini_data))
        a, b = st.segments()["segment_id"].iloc[:2]
        assert st.latest_machine_coder(prefix) is None and st.coder_latest_runs() == {}
        old = st.add_codings(_coding(a, "ensemble@old"), seen=[(a, "ensemble@old")])
        new = st.add_codings(_coding(b, "ensemble@new"), seen=[(b, "ensemble@new")])
        rules = st.add_codings(_coding(a, "rules@1"), seen=[(a, "rules@1")])
        human = st.add_human_codings(_coding(a, "human:ana"), seen=[(b, "human:ana")])
        assert st.latest_machine_coder(prefix) == "ensemble@new"  # the rules run is later
        assert st.latest_machine_coder("rules@") == "rules@1"
        assert st.latest_machine_coder("model@") is None
        assert st.coder_latest_runs() == {"ensemble@old": old, "ensemble@new": new,
                                          "rules@1": rules, "human:ana": human}


def test_roles_are_stored_beside_the_segments_and_a_humans_role_is_never_replaced(
        mini_data: Path, tmp_path: Path) -> None:
    """Discourse roles: missing after ingest, set by the role rules, replaced when the rules
    change, never replaced over a human's."""
    with ProjectStore.open(tmp_path / "p.rmproj") as st:
        st.ingest(ingest_folder(mini_data))
        segs = st.segments()
        assert segs["role"].isna().all() and segs["role_by"].isna().all()
        todo = st.segments_needing_roles("rules@v1")
        assert todo["segment_id"].tolist() == segs["segment_id"].tolist()
        assert list(todo.columns) == ["segment_id", "text", "speaker_role", "source"]
        first, second = segs["segment_id"].iloc[0], segs["segment_id"].iloc[1]
        everything = segs[["segment_id"]].assign(role="finding")
        assert st.set_roles(everything, "rules@v1") == len(segs)
        assert st.segments_needing_roles("rules@v1").empty
        assert st.set_roles(pd.DataFrame({"segment_id": [first], "role": ["heading"]}),
                            "human:ana") == 1
        # newer rules list every segment but the one a human decided, and cannot replace it
        assert first not in set(st.segments_needing_roles("rules@v2")["segment_id"])
        assert st.set_roles(everything.assign(role="question"), "rules@v2") == len(segs) - 1
        after = st.segments().set_index("segment_id")
        assert after.loc[first, "role"] == "heading" and after.loc[first, "role_by"] == "human:ana"
        assert after.loc[second, "role"] == "question"
        assert after.loc[second, "role_by"] == "rules@v2"


def test_a_store_made_before_roles_gains_the_columns(mini_data: Path, tmp_path: Path) -> None:
    path = tmp_path / "old.rmproj"
    with ProjectStore.open(path) as st:
        st.ingest(ingest_folder(mini_data))
        n = len(st.segments())
        st.conn.execute("ALTER TABLE segments DROP COLUMN role_by")
        st.conn.execute("ALTER TABLE segments DROP COLUMN role")
    with ProjectStore.open(path) as st:  # reopening adds them back, empty
        segs = st.segments()
        assert len(segs) == n and segs["role"].isna().all()


# ------------------------------------------------------------------ revisions (issue 17 item 4)
def _rows(store: ProjectStore, coder: str) -> set[tuple]:
    got = store.codings(coder)
    return set(zip(got["segment_id"], got["code"], got["valence"].fillna("")))


def _human_frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([dict(segment_id=s, code=c, coder="human:ana", score=1.0, valence=v,
                              evidence="sheet") for s, c, v in rows])


def test_reimporting_a_coders_work_is_a_new_revision_and_earlier_ones_can_be_restored(
        mini_data: Path, tmp_path: Path) -> None:
    with ProjectStore.open(tmp_path / "p.rmproj") as st:
        st.ingest(ingest_folder(mini_data))
        a, b, c, d = st.segments()["segment_id"].iloc[:4]
        first = [(a, "individual", "positive"), (b, "departmental", None),
                 (c, "symbolic", None), (d, "individual", None)]
        st.revise_human_codings(_human_frame(first), seen=[(s, "human:ana") for s in (a, b, c)],
                                scope={"human:ana": [a, b, c]}, source="one.csv")
        # the other tool: a's valence changed, b's code changed, c's coding deleted; d is
        # outside what the file speaks for and stays
        second = [(a, "individual", "attention"), (b, "symbolic", None)]
        done = st.revise_human_codings(_human_frame(second), seen=[(a, "human:ana")],
                                       scope={"human:ana": [a, b, c]}, source="two.qdpx")
        ana = done.coders["human:ana"]
        assert (ana.revision, ana.new, ana.added, ana.changed, ana.removed, ana.unchanged) == (
            2, True, 0, 2, 1, 0)
        assert _rows(st, "human:ana") == {(a, "individual", "attention"), (b, "symbolic", ""),
                                          (d, "individual", "")}
        assert st.coded_segment_ids("human:ana") == {a, b, c, d}  # c stays seen, no code
        again = st.revise_human_codings(_human_frame(second), seen=[(a, "human:ana")],
                                        scope={"human:ana": [a, b, c]})
        assert again.coders["human:ana"] == type(ana)("human:ana", 2, False, unchanged=2)
        history = st.revisions("human:ana")
        assert history["revision"].tolist() == [1, 2]
        assert history["input"].tolist() == ["one.csv", "two.qdpx"]
        assert history["current"].tolist() == [False, True]
        kept = st.revision_codings("human:ana", 1)
        assert set(zip(kept["segment_id"], kept["code"])) == {(s, k) for s, k, _ in first}
        back = st.restore_revision("human:ana", 1)
        assert (back.revision, back.new, back.changed, back.added) == (3, True, 2, 1)
        assert _rows(st, "human:ana") == {(s, k, v or "") for s, k, v in first}
        assert st.coded_segment_ids("human:ana") == {a, b, c, d}
        last = st.revisions("human:ana").iloc[-1]
        assert (last["how"], last["restored_from"], last["codings"]) == ("restore", 1, 4)
        assert st.restore_revision("human:ana", 3).new is False  # already current
        with pytest.raises(StoreError, match="no revision 9.*1, 2, 3"):
            st.restore_revision("human:ana", 9)
        assert list(st.runs()["kind"]) == ["ingest", "human", "human", "human", "restore"]


def test_only_a_revision_can_remove_a_human_coding_and_the_history_is_never_changed(
        mini_data: Path, tmp_path: Path) -> None:
    with ProjectStore.open(tmp_path / "p.rmproj") as st:
        st.ingest(ingest_folder(mini_data))
        a, b = st.segments()["segment_id"].iloc[:2]
        st.revise_human_codings(_human_frame([(a, "individual", None)]), seen=[(a, "human:ana")],
                                scope={"human:ana": [a]})
        st.add_codings(_coding(a, "rules@1"), seen=[(a, "rules@1")])
        for sql in ("DELETE FROM codings WHERE coder = 'human:ana'",
                    "DELETE FROM codings",
                    "INSERT OR REPLACE INTO codings (segment_id, code, coder) "
                    f"VALUES ('{a}', 'individual', 'human:ana')"):
            with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
                st.conn.execute(sql)
        with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
            st.conn.execute("DELETE FROM coded WHERE coder = 'human:ana'")
        # an open revision allows only what its base revision keeps in the history
        st.conn.execute("BEGIN")
        st.conn.execute("INSERT INTO revision_open (coder, base) VALUES ('human:ana', 1)")
        st.conn.execute("INSERT INTO codings (segment_id, code, coder) VALUES (?, 'symbolic', "
                        "'human:ana')", (b,))  # not in revision 1
        with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
            st.conn.execute("DELETE FROM codings WHERE coder = 'human:ana' AND segment_id = ?",
                            (b,))
        st.conn.execute("ROLLBACK")
        for table in ("coding_revisions", "revision_codings", "revision_seen"):
            with pytest.raises(sqlite3.IntegrityError, match="history .* never changed"):
                st.conn.execute(f"DELETE FROM {table}")
            with pytest.raises(sqlite3.IntegrityError, match="history .* never changed"):
                st.conn.execute(f"UPDATE {table} SET coder = 'x'")
        st.conn.execute("DELETE FROM codings WHERE coder = 'rules@1'")  # machines' are free
        assert _rows(st, "human:ana") == {(a, "individual", "")}
        assert st.conn.execute("SELECT COUNT(*) FROM revision_open").fetchone()[0] == 0


def test_a_failed_revision_changes_nothing(mini_data: Path, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from rmresearch.store import revisions

    path = tmp_path / "p.rmproj"
    with ProjectStore.open(path) as st:
        st.ingest(ingest_folder(mini_data))
        a, b = st.segments()["segment_id"].iloc[:2]
        st.revise_human_codings(_human_frame([(a, "individual", None)]), seen=[(a, "human:ana")],
                                scope={"human:ana": [a]})
    from tests.conftest import snapshot

    before = snapshot(path)

    def fail(point: str) -> None:
        raise OSError("disk full")
    monkeypatch.setattr(revisions, "checkpoint", fail)
    with ProjectStore.open(path) as st:
        with pytest.raises(OSError):
            st.revise_human_codings(_human_frame([(b, "symbolic", None)]),
                                    seen=[(b, "human:ana")], scope={"human:ana": [a, b]})
        assert st.revisions("human:ana")["revision"].tolist() == [1]
    assert snapshot(path) == before


def test_a_store_made_before_revisions_keeps_its_human_codings_as_revision_1(
        mini_data: Path, tmp_path: Path) -> None:
    from rmresearch.store.schema import HUMAN_PREFIX

    path = tmp_path / "old.rmproj"
    with ProjectStore.open(path) as st:
        st.ingest(ingest_folder(mini_data))
        a, b = st.segments()["segment_id"].iloc[:2]
    con = sqlite3.connect(path)  # what an earlier version left: no history, the old trigger
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
                               "name != 'human_codings_no_update'").fetchall():
        con.execute(f"DROP TRIGGER {name}")
    con.executescript(
        "DROP INDEX codings_coder; DROP TABLE coding_revisions; DROP TABLE revision_codings; DROP TABLE revision_seen; "
        "DROP TABLE revision_open; ALTER TABLE codings DROP COLUMN phrase_start; "
        "ALTER TABLE codings DROP COLUMN phrase_end; "
        f"INSERT INTO codings VALUES ('{a}', 'individual', 'human:ana', 1.0, 'positive', 's', 2);"
        f"INSERT INTO coded VALUES ('{b}', 'human:ana', 2);"
        "CREATE TRIGGER human_codings_no_delete BEFORE DELETE ON codings WHEN OLD.coder LIKE "
        f"'{HUMAN_PREFIX}%' BEGIN SELECT RAISE(ABORT, 'never deleted'); END;")
    con.close()
    with ProjectStore.open(path) as st:
        first = st.revisions("human:ana").iloc[0]
        assert (first["revision"], first["how"], first["codings"], first["seen"]) == (
            1, "existing", 1, 2)  # seen: b, and a, which ana coded
        st.revise_human_codings(_human_frame([(a, "symbolic", None)]), seen=[(a, "human:ana")],
                                scope={"human:ana": [a]})
        assert _rows(st, "human:ana") == {(a, "symbolic", "")}
        assert st.coded_segment_ids("human:ana") == {a, b}
    with ProjectStore.open(path) as st:  # opening again writes nothing more
        assert st.revisions()["revision"].tolist() == [1, 2]
