"""Valence and level codes paired by span (issue 17, item 2), and work done under the
machine coder's name (item 5): QualCoder and NVivo write one selection per coding, and
QualCoder records new codings under the first user of the file it opened."""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from rmresearch.errors import InputError
from rmresearch.human.sheets import import_codings
from rmresearch.refi.export import export_project
from rmresearch.store import ProjectStore
from tests.refi.qdpx_tools import Q, build_emoji_store, code_store, human_codings, rewrite_qdpx

CODINGS = [("She thanked the porters", "individual", "human:ana", "positive"),
           ("She thanked the porters", "departmental", "human:ana", "positive"),
           ("The shortlisting panel", "departmental", "human:ana", "attention"),
           ("He asked the quieter", "individual", "human:ben", "positive"),
           ("The rota", "departmental", "human:ben", "neutral"),
           ("No BME staff", "symbolic", "human:ben", "attention"),
           ("Ward round", "organisational", "human:ben", None)]
MACHINE = "ensemble@abc123"


@pytest.fixture(scope="module")
def coded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(a fresh store, the same store coded by two people and the machine, its export)."""
    folder = tmp_path_factory.mktemp("pairing")
    fresh = build_emoji_store(folder)
    store = folder / "coded.rmproj"
    shutil.copy(fresh, store)
    code_store(store, CODINGS)
    with ProjectStore.open(store) as st:
        segs = st.segments()
        first = segs.loc[segs["text"].str.startswith("Session"), "segment_id"].iloc[0]
        st.add_codings(pd.DataFrame([dict(segment_id=first, code="individual", coder=MACHINE,
                                          score=0.9, valence="positive", evidence="m")]))
    export_project(store, folder / "ours.qdpx")
    return fresh, store, folder / "ours.qdpx"


def _copy(path: Path, tmp_path: Path) -> Path:
    shutil.copy(path, tmp_path / "target.rmproj")
    return tmp_path / "target.rmproj"


def test_a_qualcoder_round_trip_keeps_every_valence(coded: tuple[Path, Path, Path],
                                                    tmp_path: Path) -> None:
    qc = rewrite_qdpx(coded[2], tmp_path / "qc.qdpx", origin="QualCoder 3.5", split=True,
                      bom=True)
    from rmresearch.refi.read import read_qdpx
    assert all(len(s.codings) == 1 for src in read_qdpx(qc).sources for s in src.selections)
    store = _copy(coded[1], tmp_path)  # back into the store it came from
    before = human_codings(store)
    result = import_codings(store, qc)
    assert human_codings(store) == before
    assert result["codings"] == {"human:ana": 3, "human:ben": 4}
    assert any("machine's own" in n for n in result["notes"])
    fresh = _copy(coded[0], tmp_path)  # a fresh store: every valence comes back too
    with pytest.raises(InputError, match="--as NAME"):
        import_codings(fresh, qc)  # the machine's coding lost its GUID: whose is it?
    import_codings(fresh, rewrite_qdpx(qc, tmp_path / "qc2.qdpx", users=lambda n: n.replace(
        MACHINE, "human:ana")))
    assert human_codings(fresh) == before | {
        (s, "individual", "human:ana", "positive") for s, *_ in _machine_rows(coded[1])}


def _machine_rows(store: Path) -> list[tuple]:
    with ProjectStore.open(store) as st:
        got = st.codings()
    return list(got.loc[got["coder"] == MACHINE, ["segment_id"]].itertuples(index=False))


def test_a_valence_in_a_selection_of_its_own_is_paired_by_segment(
        coded: tuple[Path, Path, Path], tmp_path: Path) -> None:
    nv = rewrite_qdpx(coded[2], tmp_path / "nv.qdpx", origin="NVivo 14", unit="utf16",
                      split=True)
    fresh = _copy(coded[0], tmp_path)
    result = import_codings(fresh, nv, as_coder="ana")
    got = human_codings(fresh)
    assert {c for c in got if c[2] == "human:ben"} == {
        c for c in human_codings(coded[1]) if c[2] == "human:ben"}
    assert all(v for _, code, _, v in got if code != "organisational")  # every valence kept
    assert not any("keep no valence" in n for n in result["notes"])


def test_two_lone_valences_on_one_segment_are_reported_not_guessed(
        coded: tuple[Path, Path, Path], tmp_path: Path) -> None:
    store = _copy(coded[0], tmp_path)
    code_store(store, [("She thanked the porters", "individual", "human:cy", "positive"),
                       ("She thanked the porters", "symbolic", "human:cy", "attention")])
    export_project(store, tmp_path / "two.qdpx")
    qc = rewrite_qdpx(tmp_path / "two.qdpx", tmp_path / "qc.qdpx", split=True)
    fresh = _copy(coded[0], tmp_path)
    result = import_codings(fresh, qc)
    assert {(c, v) for _, c, _, v in human_codings(fresh)} == {("individual", ""),
                                                              ("symbolic", "")}
    assert any("2 codings keep no valence" in n and "human:cy" in n for n in result["notes"])


def test_work_under_the_machines_name_needs_a_persons_name(coded: tuple[Path, Path, Path],
                                                           tmp_path: Path) -> None:
    """QualCoder adopted the machine user: a person coded new segments under its name."""
    from lxml import etree
    import zipfile

    with zipfile.ZipFile(coded[2]) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    root = etree.fromstring(members["project.qde"])
    machine_user = next(u.get("guid") for u in root.iter(f"{Q}User")
                        if u.get("name") == MACHINE)
    for sel in root.iter(f"{Q}PlainTextSelection"):
        if sel.get("name", "").startswith("He asked"):  # ben's segment, now also 'machine'
            twin = etree.fromstring(etree.tostring(sel))
            twin.set("guid", "0f0f0f0f-0000-4000-8000-000000000001")
            for el in (twin, *twin.iter(f"{Q}Coding")):
                el.set("creatingUser", machine_user)
            sel.addnext(twin)
    members["project.qde"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    path = tmp_path / "adopted.qdpx"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    store = _copy(coded[1], tmp_path)
    with pytest.raises(InputError) as info:
        import_codings(store, path)
    assert "under the machine coder name 'ensemble@abc123'" in str(info.value)
    assert "--as NAME" in str(info.value) and "QualCoder" in str(info.value)
    result = import_codings(store, path, as_coder="Dee")
    assert result["codings"]["human:dee"] == 1
    assert ("C1/observation" in {s.split("#")[0] for s, _, w, _ in human_codings(store)
                                 if w == "human:dee"})
    assert any("took 1 codings" in n for n in result["notes"])
    assert any("skipped 1 codings by machine coders" in n for n in result["notes"])
