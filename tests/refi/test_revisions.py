"""Issue 17 item 4: corrections made in the other tool come back as a new revision of their
coder; earlier revisions are listed and restored; sheets and review decisions revise too."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from rmresearch import cli
from rmresearch.human.agreement import agreement_report
from rmresearch.human.sheets import import_codings
from rmresearch.refi.export import export_project
from rmresearch.refi.qde import code_guid, guid, valence_guid
from rmresearch.store import ProjectStore
from tests.conftest import snapshot
from tests.refi.qdpx_tools import Q, build_emoji_store, code_store, human_codings

CODED = [("She thanked", "individual", "human:ana", "positive"),
         ("The shortlisting", "departmental", "human:ana", None),
         ("No BME", "symbolic", "human:ana", "attention"),
         ("He asked", "individual", "human:ben", "positive"),
         ("She thanked", "individual", "human:ben", "positive")]


def _sid(store: Path, prefix: str) -> str:
    with ProjectStore.open(store) as st:
        segs = st.segments()
    return segs[segs["text"].str.startswith(prefix)]["segment_id"].item()


def _edit(path: Path, out: Path, edits: list[tuple[str, str, str, str | None]]) -> Path:
    """The export as another tool writes it back after a coder's corrections: each edit is
    (segment text starts with, coder, GUID of the code to replace, its replacement or None
    to delete the selection)."""
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    root = etree.fromstring(members["project.qde"])
    for prefix, coder, old, new in edits:
        user = guid("user", coder)
        sel = [s for s in root.iter(f"{Q}PlainTextSelection") if s.get("creatingUser") == user
               and s.get("name").startswith(prefix)]
        assert len(sel) == 1, (prefix, coder)
        if new is None:
            sel[0].getparent().remove(sel[0])
            continue
        refs = [r for r in sel[0].iter(f"{Q}CodeRef") if r.get("targetGUID") == old]
        assert len(refs) == 1, (prefix, coder, old)
        refs[0].set("targetGUID", new)
    members["project.qde"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out


def test_corrections_in_the_other_tool_are_a_new_revision_that_can_be_undone(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    store = build_emoji_store(tmp_path / "data")
    code_store(store, CODED)
    before_codings = human_codings(store)
    _, before, _ = agreement_report(str(store), ["human:ana", "human:ben"], n_boot=20)
    export_project(store, tmp_path / "p.qdpx")
    edited = _edit(tmp_path / "p.qdpx", tmp_path / "back.qdpx", [
        ("The shortlisting", "human:ana", code_guid("departmental"), code_guid("symbolic")),
        ("She thanked", "human:ana", valence_guid("positive"), valence_guid("attention")),
        ("No BME", "human:ana", "", None)])
    assert cli.main(["import-codings", "--store", str(store), "--input", str(edited)]) == 0
    out = capsys.readouterr().out
    assert "Store: 0 added, 2 changed, 1 removed, 2 unchanged." in out
    assert "human:ana: revision 2 (new)." in out
    assert "human:ben: no change, still revision 1." in out
    thanked, panel, bme = (_sid(store, p) for p in ("She thanked", "The shortlisting", "No BME"))
    now = {c for c in human_codings(store) if c[2] == "human:ana"}
    assert now == {(thanked, "individual", "human:ana", "attention"),
                   (panel, "symbolic", "human:ana", "")}
    with ProjectStore.open(store) as st:
        assert bme in st.coded_segment_ids("human:ana")  # seen, now with no code
    # the same file again changes nothing and makes no revision
    assert import_codings(store, edited)["revisions"] == {"human:ana": (2, False),
                                                          "human:ben": (1, False)}
    assert cli.main(["codings", "history", "--store", str(store), "--coder", "ana"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0] == "Revisions of human:ana (the current one is marked *):"
    first, second = (line.split() for line in listed[2:])
    # rev, made, how, codings, seen, added, changed, removed, input
    assert first[:1] + first[2:] == ["1", "import", "3", "3", "3", "0", "0"]
    assert second[:2] + second[3:] == ["*", "2", "import", "2", "3", "0", "2", "1", "back.qdpx"]
    assert cli.main(["codings", "restore", "--store", str(store), "--coder", "ana",
                     "--revision", "1"]) == 0
    assert "revision 3 restores revision 1: 1 added, 2 changed" in capsys.readouterr().out
    assert human_codings(store) == before_codings
    _, after, _ = agreement_report(str(store), ["human:ana", "human:ben"], n_boot=20)
    pd.testing.assert_frame_equal(before, after)
    kept = snapshot(store)
    assert cli.main(["codings", "restore", "--store", str(store), "--coder", "ana",
                     "--revision", "7"]) == 2
    assert "no revision 7; its revisions are 1, 2, 3" in capsys.readouterr().err
    assert cli.main(["codings", "history", "--store", str(store), "--coder", "zoe"]) == 2
    assert "no human coder called 'zoe'" in capsys.readouterr().err
    assert snapshot(store) == kept


def test_a_sheet_and_review_decisions_replace_only_the_segments_they_list(
        tmp_path: Path) -> None:
    from rmresearch.human.review import import_review

    store = build_emoji_store(tmp_path / "data")
    code_store(store, CODED)
    thanked, panel, bme = (_sid(store, p) for p in ("She thanked", "The shortlisting", "No BME"))
    sheet = tmp_path / "ana.csv"
    sheet.write_text(f"segment_id,individual,symbolic,valence\n{thanked},0,0,\n"
                     f"{panel},0,1,neutral\n", encoding="utf-8")
    result = import_codings(store, sheet, coder="ana")
    assert (result["added"], result["changed"], result["removed"]) == (0, 1, 1)
    assert {c for c in human_codings(store) if c[2] == "human:ana"} == {
        (panel, "symbolic", "human:ana", "neutral"), (bme, "symbolic", "human:ana", "attention")}
    review = tmp_path / "review.csv"
    review.write_text(f"segment_id,decision\n{bme},none\n{thanked},individual:positive\n",
                      encoding="utf-8")
    done = import_review(store, review, "ana")
    assert (done["added"], done["removed"], done["revisions"]) == (1, 1, {"human:ana": (3, True)})
    assert {c for c in human_codings(store) if c[2] == "human:ana"} == {
        (panel, "symbolic", "human:ana", "neutral"),
        (thanked, "individual", "human:ana", "positive")}
    with ProjectStore.open(store) as st:
        assert st.revisions("human:ana")["how"].tolist() == ["import"] * 3
        assert st.revisions("human:ben")["revision"].tolist() == [1]


def test_a_user_left_with_no_codings_in_the_file_keeps_their_work_and_is_told(
        tmp_path: Path) -> None:
    store = build_emoji_store(tmp_path / "data")
    code_store(store, CODED)
    export_project(store, tmp_path / "p.qdpx")
    edited = _edit(tmp_path / "p.qdpx", tmp_path / "no_ben.qdpx", [
        ("He asked", "human:ben", "", None), ("She thanked", "human:ben", "", None)])
    before = human_codings(store)
    result = import_codings(store, edited)
    assert human_codings(store) == before
    assert result["revisions"] == {"human:ana": (1, False)}
    assert any(n.startswith("human:ben is a user of the file but has no codings in it: their "
                            "2 codings") for n in result["notes"])
