"""Resource limits before work starts: archives (.docx, .xlsx) are checked against the
limits on entries, unpacked size and compression ratio before anything is unpacked, and a
worksheet's declared dimension is never trusted (rows are read as they come, bounded)."""
from __future__ import annotations

import re
import struct
import time
import tracemalloc
import zipfile
from pathlib import Path
from typing import Callable

import pytest

from rmresearch.archive import DEFAULT_MAX_UNZIPPED_MB, ZipLimits, check_zip
from rmresearch.cli import main
from rmresearch.config import (MAX_SHEET_COLUMNS_ENV, MAX_SHEET_ROWS_ENV, MAX_UNZIPPED_MB_ENV,
                               MAX_ZIP_ENTRIES_ENV, MAX_ZIP_RATIO_ENV)
from rmresearch.errors import InputError
from rmresearch.ingest import MAX_FILE_MB_ENV, ingest_folder, max_file_bytes
from rmresearch.ingest.tables import read_form
from rmresearch.ingest.text import read_docx
from tests.conftest import MANIFEST_HEADER, write_docx, write_xlsx

MB = 1024 * 1024
SHEET = "xl/worksheets/sheet1.xml"
PARAGRAPH = b"<w:p><w:r><w:t>I felt Helen listened properly this time.</w:t></w:r></w:p>"


def rewrite_member(source: Path, target: Path, member: str,
                   write: Callable[[bytes, Callable[[bytes], object]], None]) -> Path:
    """Copy a zip, replacing ``member`` by what ``write(original, sink)`` streams to ``sink``
    (so a member of hundreds of MB is built without holding it in memory)."""
    with zipfile.ZipFile(source) as src, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != member:
                dst.writestr(info.filename, data)
                continue
            with dst.open(member, "w") as sink:
                write(data, sink.write)
    return target


def edit_sheet(path: Path, edit: Callable[[str], str]) -> Path:
    """Edit the first worksheet's XML inside a real workbook."""
    rewrite_member(path, path.with_suffix(".tmp"), SHEET,
                   lambda data, sink: sink(edit(data.decode("utf-8")).encode("utf-8")))
    path.with_suffix(".tmp").replace(path)
    return path


def peak_memory(function: Callable[[], object]) -> tuple[float, object]:
    """(peak MB traced while ``function`` ran, what it raised or returned)."""
    tracemalloc.start()
    try:
        outcome: object = function()
    except InputError as exc:
        outcome = exc
    finally:
        peak = tracemalloc.get_traced_memory()[1] / MB
        tracemalloc.stop()
    return peak, outcome


# ---------------------------------------------------------------------------- .docx bombs
@pytest.fixture(scope="module")
def docx_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 1 MB holding 300 MB of document XML (the issue's bomb), built in a stream."""
    folder = tmp_path_factory.mktemp("bomb")
    write_docx(folder / "plain.docx", ["Hello there."])

    def body(original: bytes, sink: Callable[[bytes], object]) -> None:
        head, tail = original.split(b"<w:body>", 1)
        sink(head + b"<w:body>")
        block = PARAGRAPH * 1000
        for _ in range(300 * MB // len(block)):
            sink(block)
        sink(tail)

    return rewrite_member(folder / "plain.docx", folder / "journal.docx", "word/document.xml",
                          body)


def test_a_docx_zip_bomb_is_refused_before_anything_is_unpacked(docx_bomb: Path) -> None:
    assert docx_bomb.stat().st_size < 2 * MB
    started = time.perf_counter()
    peak, err = peak_memory(lambda: read_docx(docx_bomb))
    assert isinstance(err, InputError)
    assert time.perf_counter() - started < 5 and peak < 10     # the directory said enough
    message = str(err)
    assert re.match(rf"{re.escape(str(docx_bomb))}: the archive unpacks to 30\d\.\d MB, more "
                    "than the", message), message
    assert f"{DEFAULT_MAX_UNZIPPED_MB} MB limit" in message
    assert f"{MAX_UNZIPPED_MB_ENV}=N" in message and "0 turns the limit off" in message


def test_the_compression_ratio_refuses_a_bomb_under_the_size_limit(
        docx_bomb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MAX_UNZIPPED_MB_ENV, "0")                # size limit off
    peak, err = peak_memory(lambda: read_docx(docx_bomb))
    assert isinstance(err, InputError) and peak < 10
    assert re.search(r"entry 'word/document.xml' unpacks [\d.]+ MB into 29\d.\d MB, 2\d\d times "
                     r"its size: a zip bomb", str(err)), err
    assert f"{MAX_ZIP_RATIO_ENV}=N" in str(err) and "at most 200 to 1" in str(err)


def test_a_docx_bomb_through_the_ingest_command(docx_bomb: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "journal.docx").write_bytes(docx_bomb.read_bytes())
    (data / "manifest.csv").write_text(
        MANIFEST_HEADER + "journal.docx,C1,C1-P01,journal,mentor,session_1,2024-10-03,,\n",
        encoding="utf-8")
    store = tmp_path / "p.rmproj"
    assert main(["ingest", "--data", str(data), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert "journal.docx: the archive unpacks to 300.7 MB" in err
    assert MAX_UNZIPPED_MB_ENV in err and "Traceback" not in err


def _lying(source: Path, target: Path, member: str, declared: int) -> Path:
    """``source`` with ``member``'s unpacked size given as ``declared`` bytes, in the local
    header and the central directory alike."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as zf:
        info = zf.getinfo(member)
    struct.pack_into("<I", data, info.header_offset + 22, declared)
    end = data.rindex(b"PK\x05\x06")                      # end of central directory
    central = struct.unpack_from("<I", data, end + 16)[0]
    while True:
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, central + 28)
        if data[central + 46:central + 46 + name_len].decode() == member:
            struct.pack_into("<I", data, central + 24, declared)
            break
        central += 46 + name_len + extra_len + comment_len
    target.write_bytes(bytes(data))
    return target


def test_a_directory_that_understates_an_entry_is_refused_without_unpacking_it(
        tmp_path: Path) -> None:
    """The directory says 20 kB; the entry inflates to 50 MB. ``ZipFile.read`` would inflate
    all 50 MB in one step before cutting it to 20 kB; the check reads 1 MB at a time."""
    write_docx(tmp_path / "plain.docx", ["Hello there."])

    def body(original: bytes, sink: Callable[[bytes], object]) -> None:
        head, tail = original.split(b"<w:body>", 1)
        sink(head + b"<w:body>" + PARAGRAPH * (50 * MB // len(PARAGRAPH)) + tail)

    big = rewrite_member(tmp_path / "plain.docx", tmp_path / "big.docx", "word/document.xml",
                         body)
    liar = _lying(big, tmp_path / "journal.docx", "word/document.xml", 20_000)
    with zipfile.ZipFile(liar) as zf:                      # the directory looks harmless
        assert sum(i.file_size for i in zf.infolist()) < 1 * MB
    peak, err = peak_memory(lambda: read_docx(liar))
    assert isinstance(err, InputError) and peak < 16, peak
    assert str(err).startswith(f"{liar}: entry 'word/document.xml' unpacks to more than the "
                               "20,000 bytes the archive's directory declares")


def test_too_many_entries_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_docx(tmp_path / "plain.docx", ["Hello there."])
    path = tmp_path / "journal.docx"
    with zipfile.ZipFile(tmp_path / "plain.docx") as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info.filename))
        for i in range(10_001):
            dst.writestr(f"extra/item{i}.xml", b"<x/>")
    with pytest.raises(InputError) as err:
        read_docx(path)
    message = str(err.value)
    assert message.startswith(f"{path}: the archive holds 10,0") and "entries" in message
    assert "limit of 10,000" in message and f"{MAX_ZIP_ENTRIES_ENV}=N" in message
    monkeypatch.setenv(MAX_ZIP_ENTRIES_ENV, "20000")         # raised: the text is read
    assert read_docx(path).text == "Hello there.\n"


def test_a_limit_that_is_not_a_number_is_refused_clearly(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_docx(tmp_path / "journal.docx", ["Hello there."])
    for value in ("lots", "inf", "nan"):
        monkeypatch.setenv(MAX_ZIP_RATIO_ENV, value)
        with pytest.raises(InputError, match=f"the limit {MAX_ZIP_RATIO_ENV}='{value}' is not "
                                             "a number of times"):
            read_docx(tmp_path / "journal.docx")
    monkeypatch.delenv(MAX_ZIP_RATIO_ENV)
    monkeypatch.setenv(MAX_SHEET_ROWS_ENV, "1e400")
    write_xlsx(tmp_path / "form.xlsx", [["respondent_id", "role", "q"], ["R1", "mentor", 3]])
    with pytest.raises(InputError, match=f"the limit {MAX_SHEET_ROWS_ENV}='1e400' is not a "
                                         "number of rows"):
        read_form(tmp_path / "form.xlsx")
    monkeypatch.setenv(MAX_FILE_MB_ENV, "inf")             # was an OverflowError ("a bug")
    with pytest.raises(InputError, match=f"the limit {MAX_FILE_MB_ENV}='inf' is not a number"):
        max_file_bytes()


def test_normal_documents_and_workbooks_pass_the_check(tmp_path: Path, mini_data: Path) -> None:
    for path in sorted((Path(__file__).resolve().parents[2] / "data" / "synthetic").rglob("*")):
        if path.suffix in (".docx", ".xlsx"):
            check_zip(path, ZipLimits())
    result = ingest_folder(mini_data)                   # a .docx and an .xlsx among them
    assert "I felt Helen listened properly this time." in set(result.segments["text"])
    scores = result.responses[result.responses["question_id"] == "conf_race"]
    assert sorted(scores["value"]) == [4.0, 7.0, 7.0, 8.0]     # .csv 7 and 4, .xlsx 8 and 7


# ------------------------------------------------------------------------ worksheet sizes
def _form(path: Path, respondents: int) -> Path:
    write_xlsx(path, [["respondent_id", "role", "conf_race", "what_changed"]]
               + [[f"R{i:02d}", "mentor", i % 10 + 1, f"Answer {i}."]
                  for i in range(1, respondents + 1)])
    return path


def _dimension(ref: str) -> Callable[[str], str]:
    return lambda xml: re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml)


def _append_to_row(number: int, cells: str) -> Callable[[str], str]:
    return lambda xml: re.sub(rf'(<row r="{number}"[^>]*>.*?)</row>',
                              lambda m: m.group(1) + cells + "</row>", xml, count=1, flags=re.S)


def test_a_small_workbook_declaring_the_whole_sheet_reads_in_small_memory(
        tmp_path: Path) -> None:
    """A 5 kB file with ``<dimension ref="A1:XFD1048576">`` and a (formatted, empty) last row
    grew to 7 GB and died: every row down to 1,048,576 was padded to 16,384 cells."""
    path = edit_sheet(_form(tmp_path / "form.xlsx", 3), _dimension("A1:XFD1048576"))
    path = edit_sheet(path, lambda xml: xml.replace(
        "</sheetData>", '<row r="1048576"><c r="A1048576" s="0"/></row></sheetData>'))
    assert path.stat().st_size < 10_000
    with zipfile.ZipFile(path) as zf:
        assert b'<dimension ref="A1:XFD1048576"/>' in zf.read(SHEET)
    started = time.perf_counter()
    read_form(path)
    assert time.perf_counter() - started < 5
    peak, parsed = peak_memory(lambda: read_form(path))
    assert peak < 50, peak
    scores = [r for r in parsed.responses if r["question_id"] == "conf_race"]
    assert [(r["respondent_id"], r["value"]) for r in scores] == [("R01", 2.0), ("R02", 3.0),
                                                                  ("R03", 4.0)]


@pytest.mark.parametrize("ref", ["A1:D3", "C5:D6", "A1"])
def test_a_workbook_understating_its_size_keeps_every_respondent(tmp_path: Path,
                                                                  ref: str) -> None:
    """Declared ``A1:D3`` for 10 respondents used to keep 2 of them, silently."""
    path = edit_sheet(_form(tmp_path / "form.xlsx", 10), _dimension(ref))
    parsed = read_form(path)
    ids = sorted({r["respondent_id"] for r in parsed.responses})
    assert ids == [f"R{i:02d}" for i in range(1, 11)]
    assert "R10 | what_changed: Answer 10." in parsed.text


def test_rows_past_the_row_limit_are_refused(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = _form(tmp_path / "form.xlsx", 10)
    monkeypatch.setenv(MAX_SHEET_ROWS_ENV, "6")
    with pytest.raises(InputError) as err:
        read_form(path)
    assert str(err.value).startswith(f"{path}: the first sheet has values in row 7, past the "
                                     "limit of 6 rows.")
    assert f"{MAX_SHEET_ROWS_ENV}=N" in str(err.value)
    monkeypatch.setenv(MAX_SHEET_ROWS_ENV, "11")
    assert len({r["respondent_id"] for r in read_form(path).responses}) == 10


def test_a_row_numbered_past_excel_s_last_row_is_refused_quickly(tmp_path: Path) -> None:
    far = '<row r="99999999999"><c r="A99999999999" t="inlineStr"><is><t>x</t></is></c></row>'
    path = edit_sheet(_form(tmp_path / "form.xlsx", 2),
                      lambda xml: xml.replace("</sheetData>", far + "</sheetData>"))
    started = time.perf_counter()
    with pytest.raises(InputError, match=r"form.xlsx: the first sheet has a row numbered "
                                         r"1,048,577, past the last row of any Excel sheet"):
        read_form(path)
    assert time.perf_counter() - started < 10


def test_values_past_the_column_limit_are_refused_but_empty_cells_are_not(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = edit_sheet(_form(tmp_path / "form.xlsx", 2),    # an empty formatted cell far right
                      _append_to_row(2, '<c r="XFD2" s="0"/>'))
    with zipfile.ZipFile(path) as zf:
        assert b'<c r="XFD2" s="0"/></row>' in zf.read(SHEET)
    assert len({r["respondent_id"] for r in read_form(path).responses}) == 2
    path = edit_sheet(path, _append_to_row(3, '<c r="L3" t="inlineStr"><is><t>stray</t></is></c>'))
    monkeypatch.setenv(MAX_SHEET_COLUMNS_ENV, "10")
    with pytest.raises(InputError) as err:
        read_form(path)
    assert str(err.value).startswith(f"{path}, row 3: a value in column L (column 12) lies "
                                     "beyond the limit of 10 columns.")
    assert f"{MAX_SHEET_COLUMNS_ENV}=N" in str(err.value)
