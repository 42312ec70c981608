"""Forms never lose data silently (issue 18, item 8): a question's type is decided from its
column as a whole, an answer to a 1-10 item that is not a whole number 1-10 is refused with
file, line or row, column and value (or, with ``lenient``, kept as missing and counted), and
a formula with no saved result is reported, never read as a blank answer."""
from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from rmresearch.cli import main
from rmresearch.errors import InputError
from rmresearch.ingest import ingest_folder
from rmresearch.ingest.tables import read_form, read_form_checked, read_sheet, read_table
from rmresearch.store import ProjectStore
from tests.conftest import MANIFEST_HEADER, snapshot, write_xlsx

HEADER = "respondent_id,role,conf_race,what_changed\n"
SHEET = "xl/worksheets/sheet1.xml"


def _csv(tmp_path: Path, body: str, name: str = "form.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _scores(doc) -> dict[tuple[str, str], float | None]:
    return {(r["respondent_id"], r["question_id"]): r["value"] for r in doc.responses
            if r["text"] is None}


@pytest.mark.parametrize("odd, why", [
    ("seven", "is a number in words"), ("7.5", "is not a whole number"),
    ("7/10", "is a fraction"), ("2024-03-07", "is a date"), ("11", "is outside the 1-10 scale"),
    ("n/a", "is not a score"), ("about 7", "is not a number")])
def test_one_odd_answer_is_refused_with_file_line_column_and_value(tmp_path: Path, odd: str,
                                                                  why: str) -> None:
    path = _csv(tmp_path, f"R1,mentor,7,Listens more.\nR2,mentee,8,\nR3,staff,{odd},\n")
    with pytest.raises(InputError) as info:
        read_form(path)
    message = str(info.value)
    assert message.startswith(f"{path}, line 4, column 'conf_race': '{odd}' {why}")
    assert "--lenient-forms" in message and "whole numbers 1 to 10" in message


def test_the_item_keeps_its_type_and_its_other_scores_when_lenient(tmp_path: Path) -> None:
    path = _csv(tmp_path, "R1,mentor,7,Listens more.\nR2,mentee,seven,\nR3,staff,8,\n")
    doc, kept = read_form_checked(path, lenient=True)
    assert _scores(doc) == {("R1", "conf_race"): 7.0, ("R2", "conf_race"): None,
                            ("R3", "conf_race"): 8.0}
    assert [(k.unit, k.number, k.column, k.value) for k in kept] == [
        ("line", 3, "conf_race", "seven")]
    assert "seven" not in doc.text  # the item did not become free text
    assert str(kept[0]) == f"{path}, line 3, column 'conf_race': 'seven' is a number in " \
                           "words (write it in digits, e.g. 7)"


def test_every_bad_answer_is_listed_at_once(tmp_path: Path) -> None:
    path = _csv(tmp_path, "R1,mentor,7,\nR2,mentee,seven,\nR3,staff,7.5,\nR4,staff,0,\n")
    with pytest.raises(InputError) as info:
        read_form(path)
    message = str(info.value)
    assert "3 answers to 1-10 items are not scores" in message
    for where in ("line 3, column 'conf_race': 'seven'", "line 4, column 'conf_race': '7.5'",
                  "line 5, column 'conf_race': '0'"):
        assert where in message


def test_line_numbers_count_blank_lines_and_multi_line_cells(tmp_path: Path) -> None:
    path = _csv(tmp_path, 'R1,mentor,7,"Two\nlines"\n\nR2,mentee,seven,\n')
    with pytest.raises(InputError, match=r"form\.csv, line 5, column 'conf_race': 'seven'"):
        read_form(path)


@pytest.mark.parametrize("answers", [
    ["Listens more", "3", "She asks first", "Nothing yet"],   # one number among words
    ["2024-03-07", "2024-04-01", "n/a"],                      # dates and a non-answer
])
def test_free_text_columns_stay_free_text(tmp_path: Path, answers: list[str]) -> None:
    body = "".join(f"R{i},mentor,7,{a}\n" for i, a in enumerate(answers))
    doc = read_form(_csv(tmp_path, body))
    texts = [r["text"] for r in doc.responses if r["question_id"] == "what_changed"]
    assert texts == answers


def test_a_mostly_numeric_column_with_words_is_an_item(tmp_path: Path) -> None:
    """Ties go to the item: refusing loudly beats losing scores silently."""
    path = tmp_path / "form.csv"
    path.write_text("respondent_id,role,q1\nR1,mentor,6\nR2,mentee,eight\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"line 3, column 'q1': 'eight' is a number in words"):
        read_form(path)


def test_a_date_in_a_workbook_item_names_the_sheet_row(tmp_path: Path) -> None:
    path = tmp_path / "form.xlsx"
    write_xlsx(path, [["respondent_id", "role", "conf_race"], [None, None, None],
                      ["R1", "mentor", 7], ["R2", "mentee", datetime(2024, 10, 7)],
                      ["R3", "staff", 9]])
    with pytest.raises(InputError) as info:
        read_form(path)
    assert str(info.value).startswith(f"{path}, row 4, column 'conf_race': '2024-10-07 "
                                      "00:00:00' is a date")


# --------------------------------------------------------------------------- formulas
def _with_formulas(path: Path, cells: dict[str, str]) -> Path:
    """Put formulas into the first sheet's cells (``{"C3": "<f>1+1</f><v>2</v>"}``)."""
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    xml = members[SHEET].decode("utf-8")
    for ref, inner in cells.items():
        start = xml.index(f'<c r="{ref}"')
        end = xml.index("</c>", start) + len("</c>")
        xml = xml[:start] + f'<c r="{ref}">{inner}</c>' + xml[end:]
    members[SHEET] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@pytest.fixture
def form_xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "form.xlsx"
    write_xlsx(path, [["respondent_id", "role", "conf_race", "what_changed"],
                      ["R1", "mentor", 7, "Listens more."], ["R2", "mentee", 5, "x"],
                      ["R3", "staff", 9, "y"]])
    return path


def test_a_formula_never_calculated_is_reported_not_read_as_blank(form_xlsx: Path) -> None:
    _with_formulas(form_xlsx, {"C3": "<f>SUM(C2,1)</f>", "D4": "<f>A4&amp;\"!\"</f>"})
    with pytest.raises(InputError) as info:
        read_form(form_xlsx)
    message = str(info.value)
    assert "row 3, column 'conf_race': '=SUM(C2,1)' is a formula with no saved result" in message
    assert "row 4, column 'what_changed': '=A4&\"!\"' is a formula" in message
    doc, kept = read_form_checked(form_xlsx, lenient=True)
    assert [(k.number, k.column) for k in kept] == [(3, "conf_race"), (4, "what_changed")]
    assert _scores(doc)[("R2", "conf_race")] is None


def test_a_formula_with_its_saved_result_is_read(form_xlsx: Path) -> None:
    _with_formulas(form_xlsx, {"C3": "<f>SUM(C2,1)</f><v>8</v>"})
    assert _scores(read_form(form_xlsx))[("R2", "conf_race")] == 8.0


def test_a_formula_in_an_id_column_is_refused_even_when_lenient(form_xlsx: Path) -> None:
    _with_formulas(form_xlsx, {"A3": "<f>\"R\"&amp;ROW()</f>"})
    with pytest.raises(InputError, match=r"1 cell\(s\) hold a formula with no saved result.*"
                                         r"A3 \(=\"R\"&ROW\(\)\).*save it again"):
        read_form(form_xlsx, lenient=True)
    with pytest.raises(InputError, match="A3"):
        read_table(form_xlsx)   # the manifest and coding sheets: refused the same way
    assert [c.ref for c in read_sheet(form_xlsx).formulas] == ["A3"]


# --------------------------------------------------------------------------- the command
@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    _csv(folder, "R1,mentor,7,Listens more.\nR2,mentee,seven,\nR3,staff,8,\n")
    (folder / "manifest.csv").write_text(
        MANIFEST_HEADER + "form.csv,C1,,feedback_form,programme,end,2025-03-30,,\n",
        encoding="utf-8")
    return folder


def test_ingest_refuses_by_default_and_counts_with_lenient_forms(data: Path, tmp_path: Path,
                                                                 capsys) -> None:
    store = tmp_path / "p.rmproj"
    assert main(["ingest", "--data", str(data), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error:") and "line 3, column 'conf_race': 'seven'" in err
    assert not store.exists()
    assert main(["ingest", "--data", str(data), "--store", str(store), "--lenient-forms"]) == 0
    captured = capsys.readouterr()
    assert "1 form answer(s) to 1-10 items were not scores and are kept as missing" in \
        captured.err and "form.csv, line 3, column 'conf_race': 'seven'" in captured.err
    with ProjectStore.open_existing(store) as st:
        responses = st.responses()
        runs = snapshot(store)["runs"]
    item = responses[responses["question_id"] == "conf_race"]
    assert item.set_index("respondent_id")["value"].to_dict() == pytest.approx(
        {"R1": 7.0, "R2": float("nan"), "R3": 8.0}, nan_ok=True)
    assert '"answers_kept_missing": 1' in str(runs[-1])


def test_ingest_folder_returns_what_it_kept_as_missing(data: Path) -> None:
    result = ingest_folder(data, lenient_forms=True)
    assert [(k.column, k.value) for k in result.kept_missing] == [("conf_race", "seven")]
    scores = result.responses.dropna(subset=["value"])
    assert sorted(scores["value"]) == [7.0, 8.0]
    assert ingest_folder(data.parent / "data", lenient_forms=True).kept_missing  # repeatable
