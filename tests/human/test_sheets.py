"""Human codings in: wide and long sheets, review queue out and back, protected storage."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from rmresearch.errors import InputError
from rmresearch.human.sheets import import_codings, parse_table, resolve_coders
from rmresearch.store import ProjectStore
from tests.conftest import queue_store, segments_of, snapshot

def test_wide_by_text_matches_after_whitespace_normalisation(store: Path, tmp_path: Path) -> None:
    segs = segments_of(store)
    sheet = tmp_path / "ana.csv"
    sheet.write_text("text,Individual,departmental,valence\n"
                     '"  I thanked the porters\n by name in the huddle. ",1,0,positive\n'
                     '"Our shortlisting panel was all white, though.",0,1,attention\n'
                     '"Chaired the huddle.",0,0,\n', encoding="utf-8")
    result = import_codings(store, sheet, coder="Ana")
    assert result["codings"] == {"human:ana": 2} and result["seen"] == 3
    with ProjectStore.open(store) as st:
        got = st.codings("human:ana")
        seen = st.coded_segment_ids("human:ana")
    by_text = segs.set_index("text")["segment_id"]
    assert set(zip(got["segment_id"], got["code"], got["valence"])) == {
        (by_text["I thanked the porters by name in the huddle."], "individual", "positive"),
        (by_text["Our shortlisting panel was all white, though."], "departmental", "attention")}
    assert by_text["Chaired the huddle."] in seen  # seen without a code


def test_xlsx_wide_by_segment_id(store: Path, tmp_path: Path) -> None:
    from tests.conftest import write_xlsx

    sid = segments_of(store)["segment_id"].tolist()
    write_xlsx(tmp_path / "w.xlsx", [["segment_id", "symbolic", "organisational"],
                                     [sid[7], 1, 0], [sid[9], 1, 1]])
    codings, seen = parse_table(tmp_path / "w.xlsx", segments_of(store), coder="human:bo")
    assert sorted(zip(codings["segment_id"], codings["code"])) == sorted(
        [(sid[7], "symbolic"), (sid[9], "symbolic"), (sid[9], "organisational")])
    assert set(codings["coder"]) == {"human:bo"} and len(seen) == 2


def test_long_format_with_none_rows_and_several_coders(store: Path, tmp_path: Path) -> None:
    sid = segments_of(store)["segment_id"].tolist()
    sheet = tmp_path / "long.csv"
    sheet.write_text("segment_id,code,coder,valence\n"
                     f"{sid[2]},individual,ana,positive\n{sid[2]},Symbolic,ben,\n"
                     f"{sid[3]},none,ana,\n{sid[3]},departmental,ben,attention\n",
                     encoding="utf-8")
    codings, seen = parse_table(sheet, segments_of(store))
    assert sorted(codings[["coder", "code"]].itertuples(index=False, name=None)) == [
        ("human:ana", "individual"), ("human:ben", "departmental"), ("human:ben", "symbolic")]
    assert (sid[3], "human:ana") in seen


def test_unmatched_and_ambiguous_rows_are_all_reported(store: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "bad.csv"
    sheet.write_text("text,individual\nThanks for coming.,1\nNot in any document.,1\n"
                     "How are things?,1\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        parse_table(sheet, segments_of(store), coder="ana")
    msg = str(err.value)
    assert "2 row(s)" in msg and "row 2: the text matches 2 segments" in msg
    assert "row 3: no segment has the text 'Not in any document.'" in msg


def test_doc_id_column_resolves_ambiguous_text(store: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "doc.csv"
    sheet.write_text("doc_id,text,individual\nC2/interview2,Thanks for coming.,1\n",
                     encoding="utf-8")
    codings, _ = parse_table(sheet, segments_of(store), coder="ana")
    assert codings["segment_id"].str.startswith("C2/interview2#").all()


@pytest.mark.parametrize("content, coder, expected", [
    ("text,individual,leadership\nChaired the huddle.,1,0\n", "ana",
     ["['leadership'] are not codes", "'individual'", "'symbolic'"]),
    ("text,individual\nChaired the huddle.,1\n", None, ["wide table", "--coder NAME"]),
    ("text,individual\nChaired the huddle.,0\n", "ana", ["['human:ana'] have no codings"]),
    ("text,individual\nChaired the huddle.,maybe\n", "ana", ["column 'individual'", "0/1"]),
    ("segment_id,code,coder\nC1/x#1,individual,ana\n", None, ["no segment has id 'C1/x#1'"]),
    ("text,code,coder\nChaired the huddle.,leadership,ana\n", None,
     ["unknown code(s) ['leadership']", "'none'"]),
    ("text,individual,valence\nChaired the huddle.,1,good\n", "ana", ["unknown valence"]),
])
def test_bad_sheets_name_the_problem(store: Path, tmp_path: Path, content: str,
                                     coder: str | None, expected: list[str]) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(content, encoding="utf-8")
    before = snapshot(store)
    with pytest.raises(InputError) as err:
        import_codings(store, sheet, coder=coder)
    assert "sheet.csv" in str(err.value)
    for part in expected:
        assert part in str(err.value)
    assert snapshot(store) == before


def test_human_codings_survive_machine_runs(store: Path, tmp_path: Path) -> None:
    sid = segments_of(store)["segment_id"].tolist()
    sheet = tmp_path / "h.csv"
    sheet.write_text(f"segment_id,code,coder\n{sid[0]},individual,ana\n", encoding="utf-8")
    import_codings(store, sheet)
    import_codings(store, sheet)  # importing twice keeps one row
    with ProjectStore.open(store) as st:
        st.add_codings(pd.DataFrame([dict(segment_id=sid[0], code="symbolic",
                                          coder="rules@1", score=0.9, valence="neutral",
                                          evidence="x")]), seen=[(sid[0], "rules@1")])
        assert st.codings("human:ana")[["segment_id", "code"]].values.tolist() == \
            [[sid[0], "individual"]]
        assert resolve_coders(st, ["rules", "ana"]) == ["rules@1", "human:ana"]


def test_review_queue_round_trip(store: Path, tmp_path: Path) -> None:
    from rmresearch.human.review import export_review, import_review
    from rmresearch.ingest.tables import read_table

    sid = queue_store(store)
    queue = export_review(store, ["human:ana", "ben", "ensemble"], tmp_path / "review.xlsx")
    assert queue["segment_id"].tolist() == [sid[1], sid[2]]
    sheet = read_table(tmp_path / "review.xlsx")
    assert list(sheet.columns) == ["segment_id", "doc_id", "speaker", "text", "role",
                                   "human:ana", "human:ben", "ensemble@abc", "reason",
                                   "decision", "role_decision"]
    assert sheet.loc[0, "human:ben"] == "symbolic" and sheet.loc[1, "human:ana"] == "none"
    assert "coders disagree" in sheet.loc[0, "reason"]
    assert "machine unsure: departmental 0.50" in sheet.loc[1, "reason"]
    assert (sheet["decision"] == "").all()
    sheet.loc[0, "decision"] = "individual; symbolic:positive"
    sheet.loc[1, "decision"] = "none"
    from tests.conftest import write_xlsx
    write_xlsx(tmp_path / "done.xlsx", [list(sheet.columns)] + sheet.values.tolist())
    result = import_review(store, tmp_path / "done.xlsx", "Chair")
    assert result["codings"] == {"human:chair": 2} and result["seen"] == 2
    with ProjectStore.open(store) as st:
        got = st.codings("human:chair")
        assert sorted(zip(got["code"], got["valence"].fillna("-"))) == [
            ("individual", "-"), ("symbolic", "positive")]
        assert st.coded_segment_ids("human:chair") == {sid[1], sid[2]}


def test_a_reviewer_corrects_a_role_and_no_machine_run_undoes_it(store: Path,
                                                                  tmp_path: Path) -> None:
    """The review sheet shows each segment's role; a role_decision is stored as the human's
    role, kept when the machine decides roles again; unknown roles are refused by row."""
    from rmresearch.coding.project import assign_roles
    from rmresearch.human.review import export_review, import_review
    from rmresearch.ingest.tables import read_table
    from tests.conftest import write_xlsx

    sid = queue_store(store)
    with ProjectStore.open(store) as st:
        assign_roles(st)
    export_review(store, ["human:ana", "ben", "ensemble"], tmp_path / "review.xlsx")
    sheet = read_table(tmp_path / "review.xlsx")
    assert set(sheet["role"]) <= {"finding", "question", "about_mentoring", "method",
                                  "logistics", "heading"} and (sheet["role_decision"] == "").all()
    sheet.loc[0, "role_decision"] = "About mentoring"
    write_xlsx(tmp_path / "done.xlsx", [list(sheet.columns)] + sheet.values.tolist())
    result = import_review(store, tmp_path / "done.xlsx", "Chair")
    assert result["roles"] == 1 and result["codings"] == {"human:chair": 0}
    with ProjectStore.open(store) as st:
        assert assign_roles(st) == 0  # the rules do not replace a person's role
        row = st.segments().set_index("segment_id").loc[sid[1]]
        assert (row["role"], row["role_by"]) == ("about_mentoring", "human:chair")
        # the coder learns from the store's people: this segment also has a person's level,
        # which wins (a finding); without it, it would teach the role models "about_mentoring"
        from rmresearch.codebook import default_codebook
        from rmresearch.coding.project import human_training_items
        coded = st.codings()
        assert coded.loc[coded["segment_id"] == sid[1], "coder"].str.startswith("human:").any()
        taught = {i.text: i for i in human_training_items(st, default_codebook())}
        assert taught[row["text"]].levels and taught[row["text"]].role == "finding"
        segments = st.segments()
    from rmresearch.coding.training import human_items
    items = human_items(None, segments)
    assert [(i.text, i.levels, i.role) for i in items] == [(row["text"], (), "about_mentoring")]
    sheet.loc[0, "role_decision"] = "praise"
    write_xlsx(tmp_path / "bad.xlsx", [list(sheet.columns)] + sheet.values.tolist())
    with pytest.raises(InputError, match=r"unknown role\(s\): row 2: 'praise'"):
        import_review(store, tmp_path / "bad.xlsx", "Chair")


def test_review_import_rejects_unknown_codes(store: Path, tmp_path: Path) -> None:
    from rmresearch.human.review import import_review

    sid = queue_store(store)
    sheet = tmp_path / "r.csv"
    sheet.write_text(f"segment_id,decision\n{sid[1]},individual;leadership\n{sid[2]},\n",
                     encoding="utf-8")
    before = snapshot(store)
    with pytest.raises(InputError, match=r"row 2: 'leadership'.*'individual'"):
        import_review(store, sheet, "chair")
    sheet.write_text(f"segment_id,decision\n{sid[1]},\n", encoding="utf-8")
    with pytest.raises(InputError, match="no decisions"):
        import_review(store, sheet, "chair")
    assert snapshot(store) == before


def test_text_matching_ignores_earlier_versions_ids_do_not(store: Path, template_store: Path,
                                                           tmp_path: Path) -> None:
    from rmresearch.ingest import ingest_folder

    old_id = segments_of(store).set_index("text")["segment_id"]["Chaired the huddle."]
    data = tmp_path / "data"
    shutil.copytree(template_store.parent / "data", data)
    with open(data / "C1" / "observation.txt", "a", encoding="utf-8") as fh:
        fh.write("Asked the quietest person first.\n")
    with ProjectStore.open(store) as st:
        assert st.ingest(ingest_folder(data))["changed"] == 1
    new_id = segments_of(store).set_index("text")["segment_id"]["Chaired the huddle."]
    assert new_id != old_id
    sheet = tmp_path / "s.csv"
    sheet.write_text("text,individual\nChaired the huddle.,1\n", encoding="utf-8")
    import_codings(store, sheet, coder="ana")
    sheet.write_text(f"segment_id,individual\n{old_id},1\n", encoding="utf-8")
    import_codings(store, sheet, coder="ana")
    with ProjectStore.open(store) as st:
        assert set(st.codings("human:ana")["segment_id"]) == {old_id, new_id}


def test_package_names_point_at_the_modules_that_hold_them() -> None:
    import rmresearch.human as human
    from rmresearch.human import review, sheets

    assert human.export_review is review.export_review
    assert human.import_review is review.import_review
    assert human.review_queue is review.review_queue
    assert human.import_codings is sheets.import_codings
    assert human.locate_segments is sheets.locate_segments
    for name in human.__all__:
        assert getattr(human, name) is not None


def test_human_commands_need_an_existing_store(tmp_path: Path) -> None:
    from rmresearch.errors import StoreError
    from rmresearch.human.agreement import agreement_report
    from rmresearch.human.review import export_review

    missing = tmp_path / "nowhere.rmproj"
    sheet = tmp_path / "s.csv"
    sheet.write_text("segment_id,code,coder\nx,individual,ana\n", encoding="utf-8")
    for call in (lambda: import_codings(missing, sheet),
                 lambda: export_review(missing, ["ana"], tmp_path / "r.xlsx"),
                 lambda: agreement_report(str(missing), ["ana"])):
        with pytest.raises(StoreError, match="does not exist"):
            call()
    assert not missing.exists()


def test_a_review_under_another_spelling_of_a_coder_is_refused(store: Path,
                                                              tmp_path: Path) -> None:
    from rmresearch.human.review import import_review

    sid = queue_store(store)
    sheet = tmp_path / "r.csv"
    sheet.write_text(f"segment_id,decision\n{sid[1]},individual\n", encoding="utf-8")
    import_review(store, sheet, "chair")
    before = snapshot(store)
    with pytest.raises(InputError, match="'CHAIR' would be stored as human:chair"):
        import_review(store, sheet, "CHAIR")
    assert snapshot(store) == before
    import_review(store, sheet, "chair")  # the same spelling again is fine
