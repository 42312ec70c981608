"""REFI-QDA import of notes and memos (issue 17, item 9): our own export comes back whole (notes
where they were, cue times kept), a QualCoder-style rewrite too, other tools' memos and notes
land on what they annotate, and what cannot be placed is listed, never dropped silently."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from rmresearch.cli import main
from rmresearch.codebook import default_codebook
from rmresearch.codebook.themes import with_themes
from rmresearch.human.sheets import import_codings
from rmresearch.refi.export import export_project
from rmresearch.refi.qde import code_description
from rmresearch.store import ProjectStore
from tests.conftest import C_IND, C_SYM, U1, build_store
from tests.refi.qdpx_tools import rewrite_qdpx
from tests.refi.test_variables_notes import DOCS, MANIFEST, build_noted_store

KEYS = ["target", "doc_id", "segment_id", "code", "coder", "author", "text"]


def _notes(store: Path) -> set[tuple]:
    with ProjectStore.open(store) as st:
        notes = st.notes()
    notes = notes.assign(doc_id=notes["doc_id"].where(notes["target"] == "document"))
    return {tuple(None if v != v else v for v in row)
            for row in notes[KEYS].itertuples(index=False, name=None)}


def _times(store: Path) -> dict[tuple[str, int, int], float]:
    with ProjectStore.open(store) as st:
        segs = st.segments()
    segs = segs[segs["time"].notna()]
    return {(d, int(s), int(e)): float(t) for d, s, e, t in
            zip(segs["doc_id"], segs["start"], segs["end"], segs["time"])}


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Path, Path]:
    store = build_noted_store(tmp_path / "a")
    return store, export_project(store, tmp_path / "p.qdpx")["path"]


def test_our_export_brings_every_note_back_into_a_new_store(exported, tmp_path: Path) -> None:
    store, qdpx = exported
    fresh = build_store(tmp_path / "b", DOCS, MANIFEST)
    assert _notes(fresh) == set()
    result = import_codings(fresh, qdpx)
    assert _notes(fresh) == _notes(store) and len(_notes(store)) == 5
    assert result["notes_unplaced"] == []
    assert any("left out 1 machine score-and-evidence note" in n for n in result["notes"])
    again = import_codings(store, qdpx)  # our own export into its own store: nothing new
    assert any(n.startswith("notes from p.qdpx: 0 added, 5 already") for n in again["notes"])
    assert len(_notes(store)) == 5


def test_cue_times_come_back_to_a_store_that_lacks_them(exported, tmp_path: Path) -> None:
    store, qdpx = exported
    with ProjectStore.open(store) as st:
        text = st.documents().set_index("doc_id").loc["C1/interview1", "text"]
    docs = {k: v for k, v in DOCS.items() if not k.endswith(".vtt")}
    docs["C1/interview1.txt"] = text  # the same words, without the cue times
    manifest = MANIFEST.replace("C1/interview1.vtt", "C1/interview1.txt")
    plain = build_store(tmp_path / "c", docs, manifest)
    assert _times(plain) == {}
    result = import_codings(plain, qdpx)
    assert _times(plain) == _times(store) and len(_times(store)) >= 3
    assert any(n.startswith(f"cue times: {len(_times(store))} segment(s) filled in")
               for n in result["notes"])
    import_codings(plain, qdpx)  # a second time: the times stay as they are
    assert _times(plain) == _times(store)


def test_a_qualcoder_style_rewrite_keeps_notes_and_times(exported, tmp_path: Path) -> None:
    store, qdpx = exported
    theirs = rewrite_qdpx(qdpx, tmp_path / "qc.qdpx", unit="utf16", newline="crlf",
                          ship_crlf=True, origin="QualCoder 3.6", split=True, bom=True)
    fresh = build_store(tmp_path / "b", DOCS, MANIFEST)
    result = import_codings(fresh, theirs, as_coder="carl")
    assert _notes(fresh) == _notes(store)
    assert _times(fresh) == _times(store)
    assert any("left out 1 machine score-and-evidence note" in n for n in result["notes"])


# ------------------------------------------------------------ memos from other tools
TEXT = ("Amara: Thanks for coming. How are things?\nHelen: I thanked the porters by name in "
        "the huddle. Our shortlisting panel was all white, though.\n")
N = [f"00000000-0000-4000-8000-00000000000{i}" for i in range(8)]


def _span(sentence: str) -> tuple[int, int]:
    start = TEXT.index(sentence)
    return start, start + len(sentence)


def _tool_file(path: Path) -> Path:
    """A .qdpx with memos as QualCoder writes them (Descriptions, an annotation note with its
    own selection) and notes as NVivo/ATLAS.ti write them (NoteRefs), some unplaceable."""
    symbolic = next(c for c in with_themes(default_codebook()).codes if c.id == "symbolic")
    (a, b), (c, d), (e, f) = (_span("I thanked the porters by name in the huddle."),
                              _span("Our shortlisting panel was all white, though."),
                              _span("How are things?"))
    qde = (
        '<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" '
        f'name="Other" origin="QualCoder 3.6"><Users><User guid="{U1}" name="Sam Jones"/>'
        f'</Users><CodeBook><Codes><Code guid="{C_IND}" name="INDIVIDUAL" isCodable="true">'
        "<Description>Only the leader's own acts, Sam says.</Description></Code>"
        f'<Code guid="{C_SYM}" name="Symbolic" isCodable="true"><Description>'
        f"{code_description(symbolic)}</Description></Code></Codes></CodeBook><Sources>"
        f'<TextSource guid="{N[0]}" name="C1/interview1.txt" plainTextPath="internal://s1.txt">'
        "<Description>Recorded in the staff room.</Description>"
        f'<PlainTextSelection guid="{N[1]}" startPosition="{a}" endPosition="{b}" '
        f'creatingUser="{U1}"><Description>A clear act of thanks.</Description>'
        f'<Coding guid="{N[2]}" creatingUser="{U1}"><CodeRef targetGUID="{C_IND}"/></Coding>'
        f'</PlainTextSelection><PlainTextSelection guid="{N[3]}" startPosition="{c}" '
        f'endPosition="{d}"><NoteRef targetGUID="{N[5]}"/></PlainTextSelection>'
        f'<NoteRef targetGUID="{N[4]}"/><NoteRef targetGUID="{N[6]}"/></TextSource>'
        f'<TextSource guid="{N[7]}" name="elsewhere.txt"><PlainTextContent>Words from no '
        f'document of this project.</PlainTextContent><NoteRef targetGUID="{N[7][:-1]}8"/>'
        "</TextSource></Sources><Notes>"
        f'<Note guid="{N[4]}" creatingUser="{U1}"><PlainTextContent>Asked warmly.'
        f'</PlainTextContent><PlainTextSelection guid="{N[4][:-1]}9" startPosition="{e}" '
        f'endPosition="{f}"/></Note>'
        f'<Note guid="{N[5]}" name="panel" creatingUser="{U1}"><PlainTextContent>Check the '
        "panel list.</PlainTextContent></Note>"
        f'<Note guid="{N[6]}" creatingUser="{U1}"><PlainTextContent>Second interview of the '
        "pair.</PlainTextContent></Note>"
        f'<Note guid="{N[7][:-1]}8" name="stray" creatingUser="{U1}"><PlainTextContent>About '
        "another file.</PlainTextContent></Note>"
        f'<Note guid="{N[0][:-1]}a" name="journal" creatingUser="{U1}"><PlainTextContent>'
        "Week one reflections.</PlainTextContent></Note>"
        f'<Note guid="{N[0][:-1]}b" name="link memo" creatingUser="{U1}"><PlainTextContent>'
        "Why these two go together.</PlainTextContent></Note>"
        f'<Note guid="{N[0][:-1]}c" name="blank"><PlainTextContent> </PlainTextContent></Note>'
        f'</Notes><Links><Link guid="{N[0][:-1]}d" name="pairs with" originGUID="{N[1]}" '
        f'targetGUID="{N[3]}"><NoteRef targetGUID="{N[0][:-1]}b"/></Link></Links></Project>')
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde)
        zf.writestr("sources/s1.txt", TEXT)
    return path


def test_other_tools_memos_and_notes_land_on_what_they_annotate(tmp_path: Path,
                                                                capsys) -> None:
    store = build_store(tmp_path)
    path = _tool_file(tmp_path / "other.qdpx")
    capsys.readouterr()
    assert main(["import-codings", "--store", str(store), "--input", str(path)]) == 0
    out = capsys.readouterr().out
    with ProjectStore.open(store) as st:
        sid = st.segments().set_index("text")["segment_id"]
    sam, doc = "human:sam-jones", "C1/interview1"
    thanked = sid["I thanked the porters by name in the huddle."]
    assert _notes(store) == {
        ("code", None, None, "individual", None, "human:unknown",
         "Only the leader's own acts, Sam says."),
        ("document", doc, None, None, None, "human:unknown", "Recorded in the staff room."),
        ("coding", None, thanked, "individual", sam, sam, "A clear act of thanks."),
        ("segment", None, sid["Our shortlisting panel was all white, though."], None, None,
         sam, "Check the panel list."),
        ("segment", None, sid["How are things?"], None, None, sam, "Asked warmly."),
        ("document", doc, None, None, None, sam, "Second interview of the pair."),
        ("project", None, None, None, None, sam, "Week one reflections."),
    }
    assert "3 note(s) could not be placed and were not imported: 'stray' (its source " \
           "'elsewhere.txt' matches no document" in out
    assert "'link memo' (it annotates Link 'pairs with'" in out
    assert "'blank' (it has no text)" in out


def test_notes_add_and_list_from_the_command_line(tmp_path: Path, capsys) -> None:
    store = build_store(tmp_path)
    with ProjectStore.open(store) as st:
        first = st.segments()["segment_id"].iloc[0]
    args = ["notes", "add", "--store", str(store), "--author", "Ana Ruiz"]
    assert main(args + ["--text", "Read all four documents."]) == 0
    assert main(args + ["--text", "Opening small talk.", "--segment", first]) == 0
    assert main(args + ["--text", "Opening small talk.", "--segment", first]) == 0
    assert "already there; nothing added" in capsys.readouterr().out
    assert main(args + ["--text", "Ghost.", "--segment", "C9/none#000"]) == 2
    assert "point at nothing in the store: segment C9/none#000" in capsys.readouterr().err
    assert main(args + ["--text", "Half a coding.", "--coder", "human:ana"]) == 2
    assert "--coder names a coding" in capsys.readouterr().err
    assert main(["notes", "list", "--store", str(store), "--target", "everything"]) == 2
    capsys.readouterr()
    assert main(["notes", "list", "--store", str(store), "--output",
                 str(tmp_path / "notes.csv")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 note(s).")
    assert f"human:ana-ruiz  segment C1/interview1 / {first}: Opening small talk." in out
    assert "human:ana-ruiz  project: Read all four documents." in out
    assert (tmp_path / "notes.csv").read_text(encoding="utf-8").count("human:ana-ruiz") == 2


def test_a_pseudonymised_export_comes_back_without_doubling_notes(tmp_path: Path,
                                                                  capsys) -> None:
    store = build_noted_store(tmp_path / "a")
    with ProjectStore.open(store) as st:
        st.add_notes(pd.DataFrame([dict(target="document", doc_id="C1/observation",
                                        author="human:ana", text="Helen Marsh joined late.")]))
    before = _notes(store)
    out = tmp_path / "shared" / "p.qdpx"
    out.parent.mkdir()
    assert main(["export", "project", "--store", str(store), "--output", str(out)]) == 0
    capsys.readouterr()
    assert main(["import-codings", "--store", str(store), "--input", str(out)]) == 0
    assert "notes from p.qdpx: 0 added, 6 already in the store" in capsys.readouterr().out
    assert _notes(store) == before


def test_notes_on_codes_outside_the_codebook_and_on_valences_round_trip(tmp_path: Path
                                                                        ) -> None:
    store = build_noted_store(tmp_path / "a")
    with ProjectStore.open(store) as st:
        st.add_notes(pd.DataFrame([
            dict(target="code", code="Leadership style", author="human:ana",
                 text="A code from the old frame."),
            dict(target="code", code="valence:attention", author="human:ana",
                 text="Absences count too.")]))
    qdpx = export_project(store, tmp_path / "p.qdpx")["path"]
    fresh = build_store(tmp_path / "b", DOCS, MANIFEST)
    import_codings(fresh, qdpx)
    assert _notes(fresh) == _notes(store) and len(_notes(store)) == 7
    again = import_codings(store, qdpx)
    assert any(n.startswith("notes from p.qdpx: 0 added, 7 already") for n in again["notes"])


def test_a_file_of_notes_only_brings_its_notes_and_says_there_were_no_codings(
        tmp_path: Path, capsys) -> None:
    store = build_store(tmp_path)
    with_codings = _tool_file(tmp_path / "other.qdpx")
    with zipfile.ZipFile(with_codings) as z:
        members = {n: z.read(n) for n in z.namelist()}
    qde = members["project.qde"].decode("utf-8")
    members["project.qde"] = re.sub(r"<Coding .*?</Coding>", "", qde).encode("utf-8")
    notes_only = tmp_path / "memos.qdpx"
    with zipfile.ZipFile(notes_only, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    with ProjectStore.open(store) as st:
        before = st.codings()
    capsys.readouterr()
    assert main(["import-codings", "--store", str(store), "--input", str(notes_only)]) == 0
    out = capsys.readouterr().out
    assert "The file holds no codings: only its notes were imported." in out
    assert "notes from memos.qdpx: 7 added" in out
    with ProjectStore.open(store) as st:
        assert st.codings().equals(before)  # no revision, nothing else touched
    assert len(_notes(store)) == 7
    # a file with neither codings nor notes is still refused, naming the file
    members["project.qde"] = re.sub(r"<Notes>.*?</Notes>|<Description>.*?</Description>|"
                                    r"<NoteRef [^>]*/>", "", qde, flags=re.S).encode("utf-8")
    members["project.qde"] = re.sub(r"<Coding .*?</Coding>", "",
                                    members["project.qde"].decode()).encode("utf-8")
    empty = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(empty, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    assert main(["import-codings", "--store", str(store), "--input", str(empty)]) == 2
    assert "empty.qdpx" in capsys.readouterr().err
