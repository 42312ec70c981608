"""REFI-QDA export (issue 17, item 9): typed document variables and cases, notes with NoteRefs
where the schema puts them, the machine's score and evidence as notes, VTT cue times, and
pseudonymised notes."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from rmresearch.cli import main
from rmresearch.refi.export import export_project
from rmresearch.refi.notes_out import cue_note, machine_note, parse_cue
from rmresearch.refi.qde import guid, validate_xml
from rmresearch.refi.variables import date_value, read_variables
from rmresearch.store import ProjectStore
from tests.conftest import VTT, build_store
from tests.refi.qdpx_tools import code_store

NS = {"q": "urn:QDA-XML:project:1.0"}
DOCS = {"C1/interview1.vtt": VTT,
        "C1/observation.txt": "Chaired the huddle \U0001F600 on time.\nThanked Band 3s by name.\n"
                              "Talked over Priya twice.\n",
        "C2/journal.txt": "We met in the canteen.\nShe asked the quieter staff first.\n"}
MANIFEST = ("file,cohort,pair_id,source,author_role,stage,date,mentor,mentee\n"
            "C1/interview1.vtt,C1,C1-P01,interview,mentor,session_1,2024-10-03,Amara Okafor,"
            "Helen Marsh\n"
            "C1/observation.txt,C1,C1-P01,observation,mentor,session_2,2024-11-03,Amara Okafor,"
            "Helen Marsh\n"
            "C2/journal.txt,C2,C2-P01,journal,mentee,session_1,2024-10-05,Joy Adeyemi,"
            "Helen Marsh\n")


def _sid(store: Path, prefix: str) -> str:
    with ProjectStore.open(store) as st:
        segs = st.segments()
    return segs[segs["text"].str.startswith(prefix)]["segment_id"].item()


def build_noted_store(folder: Path) -> Path:
    """Three documents (a VTT transcript among them), a human and a machine coding, and a
    note on each kind of target."""
    store = build_store(folder, DOCS, MANIFEST)
    code_store(store, [("Thanked Band 3s", "departmental", "human:ana", "positive")])
    band, priya = _sid(store, "Thanked Band 3s"), _sid(store, "Talked over Priya")
    with ProjectStore.open(store) as st:
        st.add_codings(pd.DataFrame([dict(segment_id=priya, code="individual",
                                          coder="ensemble@abc", score=0.873, valence="attention",
                                          evidence="talked over a junior colleague")]))
        st.add_notes(pd.DataFrame([
            dict(target="project", author="human:ana", text="First pass over cohort one."),
            dict(target="document", doc_id="C2/journal", author="human:ana",
                 text="Written the same evening."),
            dict(target="segment", segment_id=_sid(store, "We met"), author="human:ben",
                 text="Setting only, no finding."),
            dict(target="coding", segment_id=band, code="departmental", coder="human:ana",
                 author="human:ana", text="A team-wide habit, not a one-off."),
            dict(target="code", code="symbolic", author="human:ben",
                 text="Boards and photos go here."),
        ]))
    return store


@pytest.fixture
def noted(tmp_path: Path) -> Path:
    return build_noted_store(tmp_path)


def _qde(path: Path) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read("project.qde")


def _texts(path: Path) -> dict[str, str]:
    """Every note's text by GUID: inline, or in its file in the archive (project notes)."""
    root = etree.fromstring(_qde(path))
    with zipfile.ZipFile(path) as zf:
        return {n.get("guid"): n.findtext("q:PlainTextContent", namespaces=NS) or zf.read(
                    "sources/" + n.get("plainTextPath").split("://")[1]).decode("utf-8")
                for n in root.iterfind("q:Notes/q:Note", NS)}


def _note_texts(texts: dict[str, str], refs) -> list[str]:
    return [texts[r.get("targetGUID")] for r in refs]


def test_variables_are_typed_on_every_source_and_cases_link_their_documents(
        noted: Path, tmp_path: Path) -> None:
    out = export_project(noted, tmp_path / "p.qdpx")["path"]
    data = _qde(out)
    assert validate_xml(data, "project") == []
    root = etree.fromstring(data)
    kinds = {v.get("name"): v.get("typeOfVariable")
             for v in root.iterfind("q:Variables/q:Variable", NS)}
    assert kinds == {"cohort": "Text", "pair": "Text", "source": "Text", "role": "Text",
                     "stage": "Text", "date": "Date"}
    assert len(root.findall(".//q:TextSource/q:VariableValue/q:DateValue", NS)) == 3
    sources, cases = read_variables(root)
    with ProjectStore.open(noted) as st:
        docs = st.documents().set_index("doc_id")
    for doc_id, doc in docs.iterrows():
        got = sources[guid("source", doc_id)]
        assert got == {"cohort": doc["cohort"], "pair": doc["pair_id"], "source": doc["source"],
                       "role": doc["author_role"], "stage": doc["stage"], "date": doc["date"]}
    assert cases == {"C1-P01": sorted([guid("source", "C1/interview1"),
                                       guid("source", "C1/observation")]),
                     "C2-P01": [guid("source", "C2/journal")]}


def test_a_date_that_is_not_a_calendar_date_is_left_out() -> None:
    assert date_value("2024-10-03") == "2024-10-03"
    assert date_value("2024-10-03T09:30:00") == "2024-10-03"
    assert date_value("03/10/2024") is None
    assert date_value("2024-13-40") is None
    assert date_value(float("nan")) is None


def test_notes_hang_where_the_schema_puts_them_and_repeat_exports_are_identical(
        noted: Path, tmp_path: Path) -> None:
    first = export_project(noted, tmp_path / "a.qdpx")["path"].read_bytes()
    again = export_project(noted, tmp_path / "b.qdpx")["path"].read_bytes()
    assert first == again
    root, texts = etree.fromstring(_qde(tmp_path / "a.qdpx")), _texts(tmp_path / "a.qdpx")
    assert _note_texts(texts, root.findall("q:NoteRef", NS)) == ["First pass over cohort one."]
    journal = root.find(f"q:Sources/q:TextSource[@guid='{guid('source', 'C2/journal')}']", NS)
    assert _note_texts(texts, journal.findall("q:NoteRef", NS)) == ["Written the same evening."]
    setting = journal.find("q:PlainTextSelection/q:NoteRef/..", NS)
    assert setting.get("name") == "We met in the canteen." and not setting.findall(
        "q:Coding", NS)
    assert _note_texts(texts, setting.findall("q:NoteRef", NS)) == ["Setting only, no finding."]
    code = root.find(".//q:Code[@name='Symbolic']", NS)
    assert _note_texts(texts, code.findall("q:NoteRef", NS)) == ["Boards and photos go here."]
    human = root.find(".//q:PlainTextSelection[@name='Thanked Band 3s by name.']/q:Coding/"
                      "q:NoteRef", NS)
    assert _note_texts(texts, [human]) == ["A team-wide habit, not a one-off."]
    user = {u.get("name"): u.get("guid") for u in root.iterfind("q:Users/q:User", NS)}
    authors = {texts[n.get("guid")]: n.get("creatingUser")
               for n in root.iterfind("q:Notes/q:Note", NS)}
    assert authors["Boards and photos go here."] == user["human:ben"]  # an author, not a coder
    # QualCoder's import needs a date on every note, and reads journals from files
    dates = [n.get("creationDateTime") for n in root.iterfind("q:Notes/q:Note", NS)]
    assert all(d and not d.startswith("1980") for d in dates), dates  # the runs' own times
    journal_guid = root.find("q:NoteRef", NS).get("targetGUID")
    project_note = root.find(f"q:Notes/q:Note[@guid='{journal_guid}']", NS)
    assert project_note.get("plainTextPath", "").startswith("internal://")


def test_each_machine_coding_carries_its_score_and_evidence(noted: Path, tmp_path: Path) -> None:
    out = export_project(noted, tmp_path / "p.qdpx")["path"]
    root, texts = etree.fromstring(_qde(out)), _texts(out)
    machine = root.find(".//q:User[@name='ensemble@abc']", NS).get("guid")
    codings = root.findall(f".//q:Coding[@creatingUser='{machine}']", NS)
    found = [_note_texts(texts, c.findall("q:NoteRef", NS)) for c in codings]
    expected = "machine coder ensemble@abc: score 0.87; evidence: talked over a junior colleague"
    assert [expected] in found  # on the level coding (the valence coding has none)
    assert machine_note("ensemble@x", float("nan"), None) == \
        "machine coder ensemble@x: no score; evidence: none recorded"
    human = root.find(".//q:User[@name='human:ana']", NS).get("guid")
    for coding in root.findall(f".//q:Coding[@creatingUser='{human}']", NS):
        assert not any(t.startswith("machine coder") for t in
                       _note_texts(texts, coding.findall("q:NoteRef", NS)))


def test_vtt_cue_times_are_exported_on_each_timed_segment(noted: Path, tmp_path: Path) -> None:
    out = export_project(noted, tmp_path / "p.qdpx")["path"]
    root, texts = etree.fromstring(_qde(out)), _texts(out)
    with ProjectStore.open(noted) as st:
        segs = st.segments()
    timed = segs[segs["time"].notna()]
    assert len(timed) >= 3 and set(timed["doc_id"]) == {"C1/interview1"}
    found = {}
    for sel in root.iterfind(".//q:PlainTextSelection", NS):
        for text in _note_texts(texts, sel.findall("q:NoteRef", NS)):
            if parse_cue(text) is not None:
                found[(int(sel.get("startPosition")), int(sel.get("endPosition")))] = \
                    parse_cue(text)
    assert found == {(int(s), int(e)): float(t)
                     for s, e, t in zip(timed["start"], timed["end"], timed["time"])}
    assert cue_note(3725.25) == "VTT cue start 01:02:05.250"
    assert parse_cue(cue_note(3725.25)) == pytest.approx(3725.25)
    assert parse_cue("a cue 00:00:01.000") is None


def test_a_pseudonymised_export_leaks_no_name_through_notes(noted: Path, tmp_path: Path,
                                                            capsys) -> None:
    with ProjectStore.open(noted) as st:
        st.add_notes(pd.DataFrame([dict(target="document", doc_id="C1/observation",
                                        author="human:ana",
                                        text="Helen Marsh asked Amara Okafor for the rota.")]))
        st.add_codings(pd.DataFrame([dict(
            segment_id=_sid(noted, "Thanked Band 3s"), code="individual", coder="ensemble@abc",
            score=0.6, valence="positive", evidence="like Helen Marsh thanking staff")]))
    out = tmp_path / "shared" / "p.qdpx"
    out.parent.mkdir()
    assert main(["export", "project", "--store", str(noted), "--output", str(out)]) == 0
    text = _qde(out).decode("utf-8")
    for name in ("Helen", "Marsh", "Amara", "Okafor"):
        assert name not in text
    root = etree.fromstring(text.encode("utf-8"))
    notes = list(_texts(out).values())
    assert any(n.endswith("for the rota.") and n.startswith(("Leader", "Mentor", "Mentee",
                                                             "Person", "P"))
               for n in notes), notes
    assert any(n.startswith("machine coder ensemble@abc: score 0.60; evidence: like ")
               and n.endswith("thanking staff") for n in notes)


def test_a_note_on_a_segment_of_an_earlier_text_goes_on_its_document(noted: Path) -> None:
    from rmresearch.codebook import default_codebook
    from rmresearch.refi.export import project_xml

    with ProjectStore.open(noted) as st:
        docs, segs, codings, notes = st.documents(), st.segments(), st.codings(), st.notes()
    gone = notes["target"] == "segment"  # as if its document had been edited since
    notes.loc[gone, "segment_id"] = "C2/journal#0ld5e9men7"
    qde, files = project_xml(docs, segs, codings, default_codebook(), notes=notes)
    root = etree.fromstring(qde)
    texts = {n.get("guid"): n.findtext("q:PlainTextContent", namespaces=NS) or files[
        "sources/" + n.get("plainTextPath").split("://")[1]]
        for n in root.iterfind("q:Notes/q:Note", NS)}
    journal = root.find(f"q:Sources/q:TextSource[@guid='{guid('source', 'C2/journal')}']", NS)
    assert sorted(_note_texts(texts, journal.findall("q:NoteRef", NS))) == [
        "Setting only, no finding.", "Written the same evening."]
    assert journal.find("q:PlainTextSelection", NS) is None
