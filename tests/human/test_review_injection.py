"""The review sheet with text a spreadsheet would run as a formula: written as text, read back
unchanged, and the reviewer's decisions imported."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from rmresearch.cells import restore_frame
from rmresearch.human.review import export_review, import_review
from rmresearch.human.sheets import write_human_codings
from rmresearch.ingest import ingest_folder
from rmresearch.ingest.tables import read_table
from rmresearch.store import ProjectStore
from tests.conftest import MANIFEST_HEADER
from tests.test_cells import starts_unsafe

NOTES = ('=HYPERLINK("http://x","y")\n\n+1+1 is what the rota said.\n\n'
         "-2+3 she thanked the porters by name.\n\n@SUM(A1) the panel was all white.\n")
VTT = ("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\n<v @SUM(A1)>Thanks for making time."
       "</v>\n\n2\n00:00:04.500 --> 00:00:09.000\n<v -2+3>=1+1 I thanked the porters.</v>\n")
PAYLOAD_TEXTS = {'=HYPERLINK("http://x","y")', "+1+1 is what the rota said.",
                 "-2+3 she thanked the porters by name.", "@SUM(A1) the panel was all white.",
                 "=1+1 I thanked the porters."}


@pytest.fixture
def hostile_store(tmp_path: Path) -> tuple[Path, list[str]]:
    """A store whose segment texts, speakers and some segment ids ("-notes#...") begin with
    formula payloads, and two human coders who disagree on every segment; the segment ids."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "-notes.txt").write_text(NOTES, encoding="utf-8")  # doc id "-notes"
    (data / "talk.vtt").write_text(VTT, encoding="utf-8")
    pair = "C1,C1-P01"
    (data / "manifest.csv").write_text(
        MANIFEST_HEADER + f"-notes.txt,{pair},journal,mentor,session_1,2024-10-03,,\n"
        f"talk.vtt,{pair},interview,mentor,session_1,2024-10-04,,\n", encoding="utf-8")
    store = tmp_path / "project.rmproj"
    with ProjectStore.open(store) as st:
        st.ingest(ingest_folder(data))
        sids = st.segments()["segment_id"].tolist()
        rows = [dict(segment_id=s, code=code, coder=who, score=1.0, valence=None,
                     evidence="t")
                for s in sids for code, who in (("individual", "human:ana"),
                                                ("symbolic", "human:ben"))]
        write_human_codings(st, pd.DataFrame(rows),
                            [(s, w) for s in sids for w in ("human:ana", "human:ben")], {})
    return store, sids


def test_review_sheet_holds_no_formula_and_reads_back_as_it_was(
        hostile_store: tuple[Path, list[str]], tmp_path: Path) -> None:
    store, sids = hostile_store
    out = tmp_path / "review.xlsx"
    queue = export_review(store, ["ana", "ben"], out)
    assert PAYLOAD_TEXTS <= set(queue["text"]) and {"@SUM(A1)", "-2+3"} <= set(queue["speaker"])
    book = openpyxl.load_workbook(out)
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row
             if c.value is not None]
    assert [ws.title for ws in book.worksheets] == ["review", "codes"]
    assert all(c.data_type == "s" for c in cells)
    assert not [c.value for c in cells if starts_unsafe(c.value)]
    assert "'-2+3 she thanked the porters by name." in {c.value for c in cells}
    back = restore_frame(read_table(out))
    expected = queue.astype(object).where(queue.notna(), "").astype(str)  # empty: ""
    pd.testing.assert_frame_equal(back, expected, check_dtype=False)


def test_decisions_on_an_exported_sheet_are_imported(
        hostile_store: tuple[Path, list[str]], tmp_path: Path) -> None:
    store, sids = hostile_store
    out = tmp_path / "review.xlsx"
    export_review(store, ["ana", "ben"], out)
    book = openpyxl.load_workbook(out)  # the reviewer fills in decisions and saves
    sheet = book["review"]
    header = [c.value for c in sheet[1]]
    texts = {}
    for row in sheet.iter_rows(min_row=2):
        values = dict(zip(header, row))
        values["decision"].value = "symbolic:attention"
        texts[values["segment_id"].value] = values["text"].value
    book.save(out)
    result = import_review(store, out, "Chair")
    assert result["codings"] == {"human:chair": len(sids)} and result["seen"] == len(sids)
    with ProjectStore.open(store) as st:
        got = st.codings("human:chair")
        segments = st.segments().set_index("segment_id")["text"]
    assert set(got["segment_id"]) == set(sids)  # "'-notes#..." in the sheet: "-notes#..."
    assert any(s.startswith("-notes#") for s in sids)
    assert set(got["valence"]) == {"attention"}
    assert {segments[s] for s in sids} >= PAYLOAD_TEXTS  # the store's text is untouched
    assert {t for t in texts.values() if t.startswith("'")} == {"'" + t for t in PAYLOAD_TEXTS}
