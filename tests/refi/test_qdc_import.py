"""REFI-QDA codebooks (.qdc) in (issue 17, item 8): files as NVivo, ATLAS.ti, MAXQDA,
QualCoder, Taguette and rmresearch write them load as rmresearch codebooks, with hierarchy,
descriptions and colours; Taguette's empty <Sets/> reads with a warning; an archive whose
single .qde is named after the project reads."""
from __future__ import annotations

import uuid
import warnings
import zipfile
from pathlib import Path

import pytest

from rmresearch.codebook import default_codebook, load_codebook
from rmresearch.errors import CodebookError
from rmresearch.refi.codebook_in import QdcWarning
from rmresearch.refi.export import export_codebook
from rmresearch.refi.read import read_qdpx
from tests.conftest import C_IND, other_tool_qdpx, qdpx_selection

HEAD = '<?xml version="1.0" encoding="utf-8"?>\n'


def _g(n: int) -> str:
    return str(uuid.UUID(int=n)).upper()


def _write(tmp_path: Path, name: str, body: str, origin: str) -> Path:
    path = tmp_path / name
    path.write_text(f'{HEAD}<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="{origin}">'
                    f"{body}</CodeBook>", encoding="utf-8")
    return path


def test_our_own_codebook_comes_back_the_same(tmp_path: Path) -> None:
    from rmresearch.codebook import default_themes

    export_codebook(tmp_path / "ours.qdc")
    got, want = load_codebook(tmp_path / "ours.qdc"), default_codebook()
    levels = [c for c in got.codes if c.parent is None]
    assert [(c.id, c.name, c.parent, c.colour, c.definition, c.include, c.exclude)
            for c in levels] == [(c.id, c.name, c.parent, c.colour, c.definition,
                                  c.include, c.exclude) for c in want.codes]
    for level in want.ids:  # the themes come back nested under their level, by name
        assert [c.name for c in got.children(level)] == [
            c.name for c in default_themes().children(level)]
    assert {v: (d.name, d.colour) for v, d in got.valence.items()} == {
        v: (d.name, d.colour) for v, d in want.valence.items()}


def test_nvivo_and_maxqda_nesting_colours_and_descriptions(tmp_path: Path) -> None:
    body = (f'<Codes><Code guid="{_g(1)}" name="Levels" isCodable="false" color="#112233">'
            f'<Description>Where change happens.</Description>'
            f'<Code guid="{_g(2)}" name="Team culture" isCodable="true" color="#A0B0C0">'
            f'<Description>How the team works together.</Description>'
            f'<Code guid="{_g(3)}" name="2. Rota fairness" isCodable="true"/></Code></Code>'
            f'<Code guid="{_g(4)}" name="Team culture" isCodable="true"/></Codes>')
    for origin in ("NVivo 14.23.0", "MAXQDA 2022 (Release 22.7.0)"):
        book = load_codebook(_write(tmp_path, "nv.qdc", body, origin))
        assert [(c.id, c.name, c.parent) for c in book.codes] == [
            ("levels", "Levels", None), ("team_culture", "Team culture", "levels"),
            ("c_2_rota_fairness", "2. Rota fairness", "team_culture"),
            ("team_culture-2", "Team culture", None)]
        assert book["team_culture"].colour == "#A0B0C0"
        assert book["team_culture"].definition == "How the team works together."
        assert origin in book.description


def test_taguette_empty_sets_and_dotted_names_read_with_a_warning(tmp_path: Path) -> None:
    body = (f'<Codes><Code guid="{_g(1)}" name="interesting" isCodable="true"/>'
            f'<Code guid="{_g(2)}" name="people" isCodable="true"/>'
            f'<Code guid="{_g(3)}" name="interesting.places" isCodable="true"/></Codes>'
            "<Sets/>")
    path = _write(tmp_path, "taguette.qdc", body, "Taguette 1.4.1")
    with pytest.warns(QdcWarning, match="empty <Sets/>"):
        book = load_codebook(path)
    assert [(c.id, c.name, c.parent) for c in book.codes] == [
        ("interesting", "interesting", None), ("people", "people", None),
        ("interesting_places", "places", "interesting")]


def test_atlas_code_groups_are_left_out_with_a_warning(tmp_path: Path) -> None:
    body = (f'<Codes><Code guid="{_g(1)}" name="Panels" isCodable="true" color="#46AA00">'
            "<Description>Who sits on panels.</Description></Code></Codes>"
            f'<Sets><Set guid="{_g(9)}" name="Recruitment"><MemberCode guid="{_g(1)}"/>'
            "</Set></Sets>")
    with pytest.warns(QdcWarning, match="Recruitment"):
        book = load_codebook(_write(tmp_path, "atlas.qdc", body, "ATLAS.ti Win 23.4.0"))
    assert [(c.id, c.colour) for c in book.codes] == [("panels", "#46AA00")]


def test_qualcoder_codebook_without_warnings(tmp_path: Path) -> None:
    body = (f'<Codes><Code guid="{_g(1)}" name="Symbolic" isCodable="true" color="#17BECF">'
            "<Description></Description></Code></Codes>")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        book = load_codebook(_write(tmp_path, "qc.qdc", body, "QualCoder"))
    assert book.ids == ["symbolic"] and book["symbolic"].definition


@pytest.mark.parametrize("text, needle", [
    (f"{HEAD}<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes><Code name=\"x\"/></Codes>"
     "</CodeBook>", "Codebook.xsd"),
    (f"{HEAD}<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"p\"/>", "not a REFI-QDA"),
    ("codes:\n  - id: a\n", "not well-formed XML"),
    (f"{HEAD}<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"><Codes/></CodeBook>", "Codebook.xsd"),
])
def test_broken_qdc_files_are_refused_clearly(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "bad.qdc"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    assert needle in str(info.value) and "bad.qdc" in str(info.value)


def test_an_archive_whose_qde_is_named_after_the_project_reads(store: Path,
                                                               tmp_path: Path) -> None:
    from rmresearch.store import ProjectStore

    with ProjectStore.open(store) as st:
        text = st.documents().set_index("doc_id").loc["C1/interview1", "text"]
    start = text.index("I thanked")
    source = (f'<TextSource guid="{uuid.UUID(int=7)}" name="C1/interview1" '
              f'plainTextPath="internal://a.txt">{qdpx_selection(1, start, start + 9, [C_IND])}'
              "</TextSource>")
    plain = other_tool_qdpx(tmp_path / "plain.qdpx", source, {"sources/a.txt": text.encode()})
    renamed = tmp_path / "atlas.qdpx"
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(renamed, "w") as out:
        for name in src.namelist():
            out.writestr("My study.qde" if name == "project.qde" else name, src.read(name))
    assert [s.name for s in read_qdpx(renamed).sources] == ["C1/interview1"]
    with zipfile.ZipFile(renamed, "a") as out:
        out.writestr("Other.qde", "<x/>")
    from rmresearch.errors import InputError
    with pytest.raises(InputError, match="holds 2 .qde files"):
        read_qdpx(renamed)


def test_valences_renamed_in_our_codebook_come_back_by_guid(tmp_path: Path) -> None:
    (tmp_path / "cb.yaml").write_text(
        "name: Renamed\ncodes:\n  - {id: panels, name: Panels, definition: Who sits on panels.}\n"
        "valence:\n  positive: {name: Strength, colour: '#00AA00'}\n"
        "  attention: {name: To work on}\n", encoding="utf-8")
    export_codebook(tmp_path / "cb.qdc", load_codebook(tmp_path / "cb.yaml"))
    book = load_codebook(tmp_path / "cb.qdc")
    assert (book.valence["positive"].name, book.valence["positive"].colour) == ("Strength",
                                                                                "#00AA00")
    assert book.valence["attention"].name == "To work on" and book.ids == ["panels"]
