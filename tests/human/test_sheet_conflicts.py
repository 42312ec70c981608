"""Human codings that contradict themselves, and coder names that differ only in case, are
refused naming the file, the rows and both values (issue 18, item 12), instead of the first
row winning or two spellings silently becoming one coder."""
from __future__ import annotations

import uuid
import zipfile
from pathlib import Path

import pytest

from rmresearch.cli import main
from rmresearch.errors import InputError
from rmresearch.human.sheets import conflicts, import_codings, parse_table
from rmresearch.store import ProjectStore
from tests.conftest import (C_IND, U1, U2, other_tool_qdpx, qdpx_selection, segments_of,
                            snapshot)


def _sheet(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _refused(store: Path, sheet: Path, coder: str | None = None) -> str:
    """Import ``sheet``; it must be refused and leave the store as it was. The message."""
    before = snapshot(store)
    with pytest.raises(InputError) as info:
        import_codings(store, sheet, coder=coder)
    assert snapshot(store) == before
    return str(info.value)


# ------------------------------------------------------------------------- contradictions
def test_two_valences_for_one_coding_are_refused_with_both_rows(store: Path,
                                                                tmp_path: Path) -> None:
    sid = segments_of(store)["segment_id"].tolist()
    sheet = _sheet(tmp_path, "long.csv", "segment_id,code,coder,valence\n"
                   f"{sid[2]},individual,ana,positive\n{sid[3]},symbolic,ana,\n"
                   f"{sid[2]},Individual,ana,attention\n")
    message = _refused(store, sheet)
    assert message.startswith(f"{sheet}: contradicts itself in 1 place(s)")
    assert (f"human:ana gives segment '{sid[2]}' code 'individual' different valences "
            "(rows [2] say 'positive', rows [4] say 'attention')") in message
    assert "correct or delete one of the rows" in message


def test_none_beside_a_code_in_a_long_sheet_is_refused(store: Path, tmp_path: Path) -> None:
    sid = segments_of(store)["segment_id"].tolist()
    sheet = _sheet(tmp_path, "long.csv", "segment_id,code,coder\n"
                   f"{sid[1]},none,ben\n{sid[1]},departmental,ben\n{sid[1]},none,ana\n"
                   f"{sid[2]},individual,ana\n")
    message = _refused(store, sheet)
    assert (f"human:ben says segment '{sid[1]}' has no code (rows [2]) and codes it "
            "(rows [3])") in message
    assert "human:ana says" not in message  # ana's 'none' contradicts nothing


def test_a_wide_sheet_listing_a_segment_twice_differently_is_refused(store: Path,
                                                                     tmp_path: Path) -> None:
    sheet = _sheet(tmp_path, "wide.csv", "text,individual,departmental\n"
                   "Chaired the huddle.,1,0\nTalked over Priya twice.,0,1\n"
                   "Chaired   the huddle.,0,1\n")
    sid = segments_of(store).set_index("text")["segment_id"]["Chaired the huddle."]
    message = _refused(store, sheet, coder="ana")
    assert (f"human:ana lists segment '{sid}' in 2 rows with different codes (row 2: "
            "individual, row 4: departmental)") in message


def test_repeated_rows_that_agree_are_one_coding(store: Path, tmp_path: Path) -> None:
    sid = segments_of(store)["segment_id"].tolist()
    sheet = _sheet(tmp_path, "long.csv", "segment_id,code,coder,valence\n"
                   f"{sid[2]},individual,ana,\n{sid[2]},individual,ana,attention\n"
                   f"{sid[2]},individual,ana,\n")
    codings, seen = parse_table(sheet, segments_of(store))
    assert codings[["segment_id", "code", "coder", "valence", "evidence"]].values.tolist() == [
        [sid[2], "individual", "human:ana", "attention", "long.csv row 3"]]
    assert seen == [(sid[2], "human:ana")]


def test_conflicts_lists_every_place() -> None:
    rows = [("s1", "individual", "positive", 2, "human:a"),
            ("s1", "individual", "neutral", 3, "human:a"),
            ("s1", "individual", "neutral", 4, "human:b"),
            ("s2", None, None, 5, "human:a"), ("s2", "symbolic", None, 6, "human:a")]
    assert len(conflicts(rows, wide=False)) == 2
    assert conflicts(rows[2:3], wide=False) == []


# ------------------------------------------------------------------------- coder names
def test_two_spellings_of_one_coder_in_a_sheet_are_refused(store: Path,
                                                           tmp_path: Path) -> None:
    sid = segments_of(store)["segment_id"].tolist()
    sheet = _sheet(tmp_path, "long.csv", "segment_id,code,coder\n"
                   f"{sid[1]},individual,CODER_A\n{sid[2]},individual,coder_a\n"
                   f"{sid[3]},symbolic,CODER_A\n")
    message = _refused(store, sheet)
    assert ("'CODER_A' (rows [2, 4]) and 'coder_a' (rows [3]) would all be stored as "
            "human:coder_a") in message


def test_a_new_spelling_of_a_coder_in_the_store_is_refused(store: Path, tmp_path: Path,
                                                           capsys) -> None:
    sid = segments_of(store)["segment_id"].tolist()
    first = _sheet(tmp_path, "first.csv", f"segment_id,individual\n{sid[1]},1\n")
    second = _sheet(tmp_path, "second.csv", f"segment_id,individual\n{sid[2]},1\n")
    assert import_codings(store, first, coder="coder_a")["codings"] == {"human:coder_a": 1}
    before = snapshot(store)
    code = main(["import-codings", "--store", str(store), "--input", str(second),
                 "--coder", "CODER_A"])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("Error:") and "Traceback" not in err
    assert "second.csv" in err and "'CODER_A' would be stored as human:coder_a" in err
    assert "under the name 'coder_a'" in err and "same spelling as before (coder_a)" in err
    assert snapshot(store) == before
    # the spelling used before is still accepted, as is a name with a prefix
    assert import_codings(store, second, coder="human:coder_a")["codings"] == {
        "human:coder_a": 1}


def test_the_spelling_that_brought_a_coder_in_is_the_one_kept(store: Path,
                                                              tmp_path: Path) -> None:
    sid = segments_of(store)["segment_id"].tolist()
    sheet = _sheet(tmp_path, "a.csv", f"segment_id,individual\n{sid[1]},1\n")
    import_codings(store, sheet, coder="CODER_A")
    import_codings(store, sheet, coder="CODER_A")  # the same person again
    message = _refused(store, sheet, coder="coder_a")
    assert "under the name 'CODER_A'" in message
    with ProjectStore.open(store) as st:
        assert sorted(c for c in st.coder_latest_runs() if c.startswith("human:")) == [
            "human:coder_a"]


def _qdpx_users(store: Path, path: Path, second_user: str, codes: str = "",
                extra: list[str] | None = None) -> Path:
    """A project whose two users code two segments; the second user is called
    ``second_user``; ``extra`` codes (GUIDs) go on the first user's selection."""
    with ProjectStore.open(store) as st:
        text = st.documents().set_index("doc_id").loc["C1/interview1", "text"]
        segs = st.segments()
    segs = segs[segs["doc_id"] == "C1/interview1"].reset_index(drop=True)
    sels = (qdpx_selection(1, int(segs.loc[1, "start"]), int(segs.loc[1, "end"]),
                           [C_IND] + (extra or []), U1)
            + qdpx_selection(2, int(segs.loc[2, "start"]), int(segs.loc[2, "end"]), [C_IND], U2))
    source = (f'<TextSource guid="{uuid.UUID(int=7)}" name="C1/interview1" '
              f'plainTextPath="internal://a.txt">{sels}</TextSource>')
    other_tool_qdpx(path, source, {"sources/a.txt": text.encode("utf-8")}, codes=codes)
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["project.qde"] = members["project.qde"].replace(
        b'name="human:Lee"', f'name="{second_user}"'.encode())
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_two_users_of_a_qdpx_that_would_merge_are_refused(store: Path, tmp_path: Path) -> None:
    message = _refused(store, _qdpx_users(store, tmp_path / "two.qdpx", "sam JONES"))
    assert "'Sam Jones' and 'sam JONES' would all be stored as human:sam-jones" in message
    fine = _qdpx_users(store, tmp_path / "fine.qdpx", "Lee")
    assert import_codings(store, fine)["codings"] == {"human:lee": 1, "human:sam-jones": 1}


def test_two_valences_on_one_qdpx_selection_are_refused(store: Path, tmp_path: Path) -> None:
    good, bad = str(uuid.UUID(int=11)), str(uuid.UUID(int=12))
    codes = (f'<Code guid="{good}" name="positive" isCodable="true"/>'
             f'<Code guid="{bad}" name="attention" isCodable="true"/>')
    path = _qdpx_users(store, tmp_path / "val.qdpx", "Lee", codes, [good, bad])
    message = _refused(store, path)
    assert "human:sam-jones gives segment" in message and "code 'individual'" in message
    assert "'positive' (val.qdpx: C1/interview1 [" in message and "'attention'" in message
    one = _qdpx_users(store, tmp_path / "one.qdpx", "Lee", codes, [bad])
    import_codings(store, one)
    with ProjectStore.open(store) as st:
        assert st.codings("human:sam-jones")["valence"].tolist() == ["attention"]
