"""REFI-QDA: schema-valid codebook and project exports, round trips, files from other tools."""
from __future__ import annotations

import uuid
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from rmresearch.codebook import load_codebook
from rmresearch.errors import InputError
from rmresearch.human.sheets import import_codings, write_human_codings
from rmresearch.refi.export import codebook_xml, export_project
from rmresearch.store import ProjectStore
from tests.conftest import (C_GOOD, C_IND, C_SYM, REPO, U2, other_tool_qdpx, qdpx_selection,
                            snapshot)

SCHEMAS = REPO / "src" / "rmresearch" / "refi" / "schemas"
NS = {"q": "urn:QDA-XML:project:1.0"}


def _valid(data: bytes, xsd: str) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / xsd)))
    doc = etree.fromstring(data)
    assert schema.validate(doc), schema.error_log


class FakePseudonymiser:
    """Stands in for rmresearch.privacy.Pseudonymiser: pseudonyms of other lengths."""

    def text(self, value: str) -> str:
        return value.replace("Helen", "Leader A").replace("Amara", "Mentor B").replace(
            "Priya", "P1")


def _code(store: Path) -> pd.DataFrame:
    """Human codings by two coders (with valences) and a machine coder's."""
    with ProjectStore.open(store) as st:
        segs = st.segments()
        sid = segs.set_index("text")["segment_id"]
        rows = [("I thanked the porters by name in the huddle.", "individual", "human:ana",
                 "positive"),
                ("I thanked the porters by name in the huddle.", "departmental", "human:ana",
                 "attention"),
                ("Pictures of award winners on the wall \U0001F600 are new.", "symbolic",
                 "human:ana", None),
                ("Talked over Priya twice.", "individual", "human:ben", "attention"),
                ("I felt Helen listened properly this time.", "individual", "human:ben", None)]
        human = pd.DataFrame([dict(segment_id=sid[t], code=c, coder=w, score=1.0, valence=v,
                                   evidence="t") for t, c, w, v in rows])
        write_human_codings(st, human, [], {})
        st.add_codings(pd.DataFrame([dict(segment_id=sid["Chaired the huddle."],
                                          code="departmental", coder="ensemble@abc", score=0.8,
                                          valence="neutral", evidence="m")]))
        return st.codings()


def _codings(store: Path) -> set[tuple]:
    with ProjectStore.open(store) as st:
        got = st.codings()
    got = got[got["coder"].str.startswith("human:")]
    return set(zip(got["segment_id"], got["code"], got["coder"], got["valence"].fillna("")))


def test_codebook_export_is_valid_nested_and_reproducible(tmp_path: Path) -> None:
    yaml_text = ("name: Test frame\ncodes:\n"
                 "  - {id: level, name: Level, colour: '#112233', definition: Any level.}\n"
                 "  - {id: individual, name: Individual, parent: level, colour: '#445566',\n"
                 "     definition: The leader's own behaviour., include: [language]}\n")
    (tmp_path / "cb.yaml").write_text(yaml_text, encoding="utf-8")
    data = codebook_xml(load_codebook(tmp_path / "cb.yaml"))
    _valid(data, "Codebook.xsd")
    assert data == codebook_xml(load_codebook(tmp_path / "cb.yaml"))
    root = etree.fromstring(data)
    ns = {"c": "urn:QDA-XML:codebook:1.0"}
    child = root.find("c:Codes/c:Code[@name='Level']/c:Code[@name='Individual']", ns)
    assert child is not None and child.get("color") == "#445566"
    assert "Include: language" in child.find("c:Description", ns).text
    assert root.find("c:Codes/c:Code[@name='Valence']", ns).get("isCodable") == "false"
    from rmresearch import cli
    assert cli.main(["export", "codebook", "--output", str(tmp_path / "d.qdc")]) == 0
    _valid((tmp_path / "d.qdc").read_bytes(), "Codebook.xsd")
    guids = [c.get("guid") for c in etree.fromstring((tmp_path / "d.qdc").read_bytes()).iter(
        "{urn:QDA-XML:codebook:1.0}Code")]
    assert len(set(guids)) == len(guids) and all(uuid.UUID(g).version == 5 for g in guids)


def test_project_export_is_valid_with_exact_codepoint_offsets(store: Path, tmp_path: Path) -> None:
    codings = _code(store)
    info = export_project(store, tmp_path / "p.qdpx")
    again = export_project(store, tmp_path / "q.qdpx")
    assert (tmp_path / "p.qdpx").read_bytes() == (tmp_path / "q.qdpx").read_bytes()
    assert info["users"] == 3 and info["codings"] == len(codings) and info == {**again,
                                                                              "path": info["path"]}
    with zipfile.ZipFile(tmp_path / "p.qdpx") as zf:
        qde = zf.read("project.qde")
        texts = {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("sources/")}
    _valid(qde, "Project.xsd")
    root = etree.fromstring(qde)
    assert {u.get("name") for u in root.iterfind("q:Users/q:User", NS)} == {
        "human:ana", "human:ben", "ensemble@abc"}
    assert {c.get("name") for c in root.iterfind("q:Cases/q:Case", NS)} == {"C1-P01", "C2-P01"}
    assert {v.get("name") for v in root.iterfind("q:Variables/q:Variable", NS)} >= {
        "cohort", "source", "role"}
    with ProjectStore.open(store) as st:
        seg_text = set(st.segments()["text"])
    selections = list(root.iter("{urn:QDA-XML:project:1.0}PlainTextSelection"))
    assert len(selections) == 6  # ana's two valences on one segment are two selections
    for src in root.iterfind("q:Sources/q:TextSource", NS):
        text = texts["sources/" + src.get("plainTextPath").split("://")[1]]
        for sel in src.iterfind("q:PlainTextSelection", NS):
            quote = text[int(sel.get("startPosition")):int(sel.get("endPosition"))]
            assert quote == sel.get("name") and quote in seg_text
    assert any("\U0001F600" in s.get("name") for s in selections)


def test_round_trip_gives_the_same_codings_coders_and_offsets(store: Path, template_store: Path,
                                                              tmp_path: Path) -> None:
    _code(store)
    export_project(store, tmp_path / "p.qdpx")
    fresh = tmp_path / "fresh.rmproj"
    fresh.write_bytes(template_store.read_bytes())
    result = import_codings(fresh, tmp_path / "p.qdpx")
    assert _codings(fresh) == _codings(store)
    assert result["codings"] == {"human:ana": 3, "human:ben": 2}
    assert "skipped 1 codings by machine coders" in result["notes"][0]
    with ProjectStore.open(fresh) as st:  # a coder saw what they coded, nothing invented
        assert len(st.coded_segment_ids("human:ben")) == 2


def test_reimporting_our_own_export_leaves_agreement_as_it_was(store: Path,
                                                              tmp_path: Path) -> None:
    """Issue 17 item 3: export, re-import, the identical agreement table (no 'seen' segment
    and no coding added)."""
    from rmresearch.human.agreement import agreement_report

    _code(store)
    with ProjectStore.open(store) as st:  # ana also judged a segment to have no code
        extra = st.segments()["segment_id"].iloc[-1]
        write_human_codings(st, pd.DataFrame(columns=["segment_id", "code", "coder", "score",
                                                      "valence", "evidence"]),
                            [(extra, "human:ana")], {})
    _, before, _ = agreement_report(str(store), ["human:ana", "human:ben"], n_boot=50)
    export_project(store, tmp_path / "p.qdpx")
    import_codings(store, tmp_path / "p.qdpx")
    _, after, _ = agreement_report(str(store), ["human:ana", "human:ben"], n_boot=50)
    pd.testing.assert_frame_equal(before, after)


def test_pseudonymised_export_keeps_offsets_and_comes_back(store: Path, template_store: Path,
                                                           tmp_path: Path) -> None:
    _code(store)
    fake = FakePseudonymiser()
    export_project(store, tmp_path / "p.qdpx", pseudonymiser=fake)
    with zipfile.ZipFile(tmp_path / "p.qdpx") as zf:
        root = etree.fromstring(zf.read("project.qde"))
        texts = {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("sources/")}
    assert not any("Helen" in t or "Priya" in t for t in texts.values())
    with ProjectStore.open(store) as st:
        pseudo = {fake.text(t) for t in st.segments()["text"]}
    for src in root.iterfind("q:Sources/q:TextSource", NS):
        text = texts["sources/" + src.get("plainTextPath").split("://")[1]]
        for sel in src.iterfind("q:PlainTextSelection", NS):
            assert text[int(sel.get("startPosition")):int(sel.get("endPosition"))] in pseudo
    fresh = tmp_path / "fresh.rmproj"
    fresh.write_bytes(template_store.read_bytes())
    with pytest.raises(InputError, match="different text"):
        import_codings(fresh, tmp_path / "p.qdpx")
    import_codings(fresh, tmp_path / "p.qdpx", pseudonymiser=fake)
    assert _codings(fresh) == _codings(store)


# ------------------------------------------------------------------ files from other tools
def _doc(store: Path, doc_id: str) -> tuple[str, pd.DataFrame]:
    with ProjectStore.open(store) as st:
        docs, segs = st.documents().set_index("doc_id"), st.segments()
    return docs.loc[doc_id, "text"], segs[segs["doc_id"] == doc_id].reset_index(drop=True)


def test_other_tools_sources_crlf_offsets_the_half_segment_rule_and_phrases(store: Path,
                                                                    tmp_path: Path) -> None:
    interview, iv = _doc(store, "C1/interview1")
    journal, jn = _doc(store, "C2/journal")
    obs, ob = _doc(store, "C1/observation")
    crlf = journal.replace("\n", "\r\n")
    s2, s3 = iv.loc[2], iv.loc[3]  # 'I thanked ...', 'Our shortlisting ...'
    half = (s3["end"] - s3["start"] + 1) // 2
    last = jn.loc[2]  # after a newline: CRLF and LF offsets differ by one
    at = crlf.index(last["text"])
    obs_crlf = obs.replace("\n", "\r\n")
    o3 = ob.loc[3]
    sources = (
        f'<TextSource guid="{uuid.UUID(int=101)}" name="interview1.docx" '
        f'plainTextPath="internal://aa.txt">'
        + qdpx_selection(1, s2["start"], s3["start"] + half, [C_IND, C_GOOD])  # all of s2, half of s3
        # < half of s3; its quote says the offsets count LF text (these selections cut words)
        + qdpx_selection(2, s3["start"] + half + 1, s3["end"], [C_SYM], user=U2,
                         quote=interview[s3["start"] + half + 1:s3["end"]])
        + "</TextSource>"
        f'<TextSource guid="{uuid.UUID(int=102)}" name="Journal" '
        'plainTextPath="internal://bb.txt">'
        + qdpx_selection(3, at, at + len(last["text"]), [C_SYM], user=U2) + "</TextSource>"
        f'<TextSource guid="{uuid.UUID(int=103)}" name="Observation notes"><PlainTextContent>'
        f'{obs}</PlainTextContent>'
        + qdpx_selection(4, obs_crlf.index(o3["text"]), obs_crlf.index(o3["text"]) + len(o3["text"]),
               [C_SYM], quote=o3["text"]) + "</TextSource>")
    path = other_tool_qdpx(tmp_path / "atlas.qdpx", sources, {"sources/aa.txt": interview.encode("utf-8"),
                                                    "sources/bb.txt": crlf.encode("utf-8")})
    from rmresearch.refi.read import read_qdpx
    counted = {s.name: s.counted_over for s in read_qdpx(path).sources}
    assert counted == {"interview1.docx": "lf", "Journal": "crlf", "Observation notes": "crlf"}
    result = import_codings(store, path)
    assert result["codings"] == {"human:sam-jones": 3, "human:lee": 2}
    with ProjectStore.open(store) as st:
        got = st.codings()
    phrase = [None if p is pd.NA else int(p) for p in got["phrase_start"]]
    phrase_end = [None if p is pd.NA else int(p) for p in got["phrase_end"]]
    assert set(zip(got["segment_id"], got["code"], got["coder"], got["valence"].fillna(""),
                   phrase, phrase_end)) == {
        (s2["segment_id"], "individual", "human:sam-jones", "positive", None, None),
        # exactly half of s3: coded, with the half as its phrase
        (s3["segment_id"], "individual", "human:sam-jones", "positive", s3["start"],
         s3["start"] + half),
        # less than half of s3 (issue 17 item 6): kept as a phrase, no longer dropped
        (s3["segment_id"], "symbolic", "human:lee", "", s3["start"] + half + 1, s3["end"]),
        (last["segment_id"], "symbolic", "human:lee", "", None, None),
        (o3["segment_id"], "symbolic", "human:sam-jones", "", None, None)}


def _source(text_ref: str, sel: str) -> str:
    return (f'<TextSource guid="{uuid.UUID(int=7)}" name="C1/interview1" {text_ref}>{sel}'
            "</TextSource>")


def _bad_cases(store: Path, tmp: Path) -> dict[str, tuple[Path, list[str]]]:
    interview, _ = _doc(store, "C1/interview1")
    files = {"sources/a.txt": interview.encode("utf-8")}
    ok_ref = 'plainTextPath="internal://a.txt"'
    (tmp / "notzip.qdpx").write_bytes(b"PK? no, just text")
    with zipfile.ZipFile(tmp / "noqde.qdpx", "w") as zf:
        zf.writestr("Project.xml", "<x/>")
    return {
        "not a zip": (tmp / "notzip.qdpx", ["not a ZIP archive", "Allowed: a REFI-QDA"]),
        "no project.qde": (tmp / "noqde.qdpx", ["no 'project.qde'", "Project.xml"]),
        "schema": (other_tool_qdpx(tmp / "schema.qdpx", '<TextSource name="x"/>'),
                   ["REFI-QDA project schema", "guid", "line"]),
        "missing source": (other_tool_qdpx(tmp / "missing.qdpx", _source(
            'plainTextPath="internal://gone.txt"', qdpx_selection(1, 0, 5, [C_IND])), files),
            ["'C1/interview1' points at 'internal://gone.txt'", "sources/"]),
        "beyond length": (other_tool_qdpx(tmp / "long.qdpx", _source(ok_ref, qdpx_selection(
            1, 10, len(interview) + 40, [C_IND])), files), ["runs from 10", "characters"]),
        "unknown code guid": (other_tool_qdpx(tmp / "guid.qdpx", _source(ok_ref, qdpx_selection(
            1, 0, 20, ["11111111-2222-3333-4444-555555555555"])), files),
            ["11111111-2222-3333-4444-555555555555", "not in the file's codebook"]),
        "code not in codebook": (other_tool_qdpx(tmp / "name.qdpx", _source(ok_ref, qdpx_selection(
            1, 0, 20, ["99999999-2222-3333-4444-555555555555"])), files,
            codes='<Code guid="99999999-2222-3333-4444-555555555555" name="Leadership" '
                  'isCodable="true"/>'), ["['Leadership']", "'departmental'"]),
        "no codings": (other_tool_qdpx(tmp / "none.qdpx", _source(ok_ref, qdpx_selection(1, 0, 3, [C_IND])),
                             files), ["no human codings", "text selections coded"]),
        "no document": (other_tool_qdpx(tmp / "nodoc.qdpx", _source(ok_ref, qdpx_selection(1, 0, 20, [C_IND])),
                              {"sources/a.txt": b"Entirely different words here."}),
                        ["'C1/interview1' has the name of document", "different text"]),
    }


def test_bad_qdpx_files_exit_2_with_clear_messages_and_leave_the_store_unchanged(
        store: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from rmresearch import cli

    before = snapshot(store)
    for label, (path, expected) in _bad_cases(store, tmp_path).items():
        code = cli.main(["import-codings", "--store", str(store), "--input", str(path),
                         "--format", "qdpx"])
        err = capsys.readouterr().err
        assert code == 2, (label, err)
        for part in [path.name] + expected:
            assert part in err, (label, part, err)
        assert snapshot(store) == before, label


def test_export_project_command_refuses_a_missing_store(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture) -> None:
    from rmresearch import cli

    code = cli.main(["export", "project", "--store", str(tmp_path / "none.rmproj"),
                        "--output", str(tmp_path / "p.qdpx"), "--no-pseudonymise"])
    assert code == 2 and "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "none.rmproj").exists()


def test_codings_without_a_user_need_a_coder_name(store: Path, tmp_path: Path) -> None:
    interview, iv = _doc(store, "C1/interview1")
    sel = (f'<PlainTextSelection guid="{uuid.UUID(int=5)}" startPosition="{iv.loc[2, "start"]}" '
           f'endPosition="{iv.loc[2, "end"]}"><Coding guid="{uuid.UUID(int=6)}"><CodeRef '
           f'targetGUID="{C_IND}"/></Coding></PlainTextSelection>')
    path = other_tool_qdpx(tmp_path / "nouser.qdpx", _source('plainTextPath="internal://a.txt"', sel),
                 {"sources/a.txt": interview.encode("utf-8")})
    with pytest.raises(InputError, match="no user.*--coder NAME"):
        import_codings(store, path)
    assert import_codings(store, path, coder="Kim")["codings"] == {"human:kim": 1}


def test_real_pseudonymiser_round_trip(store: Path, template_store: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture) -> None:
    from rmresearch import cli

    _code(store)
    out = tmp_path / "p.qdpx"
    assert cli.main(["export", "project", "--store", str(store), "--output", str(out)]) == 0
    assert "pseudonymised" in capsys.readouterr().out
    key = store.with_name(store.name + ".key.json")
    assert key.exists()
    with zipfile.ZipFile(out) as zf:
        texts = [zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("sources/")]
    assert not any("Helen" in t for t in texts)
    fresh = tmp_path / "fresh.rmproj"
    fresh.write_bytes(template_store.read_bytes())
    assert cli.main(["import-codings", "--store", str(fresh), "--input", str(out),
                     "--key", str(key)]) == 0
    assert _codings(fresh) == _codings(store)


def test_crlf_counting_is_detected_from_lengths_and_quotes() -> None:
    from rmresearch.refi.read import QSelection, counting

    lf = "First line.\nSecond line.\nThird line here.\n"
    crlf = lf.replace("\n", "\r\n")
    third = crlf.index("Third")
    beyond = QSelection("g", third, third + 16 + 1, "")  # ends past the LF text
    assert counting(lf, [beyond]) == "crlf"
    quoted = QSelection("g", crlf.index("Second"), crlf.index("Second") + 12, "Second line.")
    assert counting(lf, [quoted]) == "crlf"
    plain = QSelection("g", lf.index("Second"), lf.index("Second") + 12, "Second line.")
    assert counting(lf, [plain]) == "lf" and counting(crlf, [plain]) == "lf"
    assert counting(crlf, [QSelection("g", 0, 5, "label")]) == "crlf"  # the file's own text


def test_export_leaves_out_a_machines_levels_on_what_is_not_a_finding(store: Path,
                                                                       tmp_path: Path) -> None:
    """A machine coder's level on a segment whose discourse role is a question is not
    exported; a human's coding of the same segment is."""
    _code(store)
    with ProjectStore.open(store) as st:
        segs = st.segments().set_index("text")
        question = segs.loc["How are things?", "segment_id"]
        st.add_codings(pd.DataFrame([dict(segment_id=question, code="individual",
                                          coder="ensemble@abc", score=0.7, valence="positive",
                                          evidence="m")]))
        human = pd.DataFrame([dict(segment_id=question, code="symbolic", coder="human:ben",
                                   score=1.0, valence=None, evidence="t")])
        write_human_codings(st, human, [], {})
    before = export_project(store, tmp_path / "before.qdpx")
    with ProjectStore.open(store) as st:
        st.set_roles(pd.DataFrame({"segment_id": [question], "role": ["question"]}),
                     "rules@test")
    after = export_project(store, tmp_path / "after.qdpx")
    assert after["codings"] == before["codings"] - 1

    def named(path: Path) -> list[str]:
        with zipfile.ZipFile(path) as zf:
            root = etree.fromstring(zf.read("project.qde"))
        return [s.get("name") for s in root.iter("{urn:QDA-XML:project:1.0}PlainTextSelection")]
    assert named(tmp_path / "before.qdpx").count("How are things?") == 2
    assert named(tmp_path / "after.qdpx").count("How are things?") == 1  # the human's only
