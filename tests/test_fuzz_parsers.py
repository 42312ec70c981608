"""Bad-input matrix: property-based fuzzing of every parser.

Whatever bytes or text arrive, a parser either returns normally or raises one of the
project's own errors (`rmresearch.errors.RmResearchError`) whose message is not empty and
names the file. Any other exception is a bug. Imports into a project store either succeed or
leave the store exactly as it was.

Parsers and entry points covered: WebVTT (`parse_vtt`, `read_vtt`), decoding (`decode_bytes`,
`read_text`), notes and Word (`read_plain`, `read_docx`), spreadsheets and forms
(`read_table`, `read_form`), the manifest (`read_manifest`), the folder (`ingest_folder` and
``rmresearch ingest``), codebooks (`load_codebook`, `parse_codebook`) and REFI-QDA projects
(`read_qdpx`, `human.import_codings` and ``rmresearch import-codings``).

Every example is derandomised (the same inputs on every run), and the bugs fuzzing found are
pinned by the plain regression tests at the end of the file.
"""
from __future__ import annotations

import codecs
import contextlib
import copy
import csv
import functools
import io
import shutil
import sqlite3
import tempfile
import uuid
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Iterator
from xml.sax.saxutils import escape, quoteattr

import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from rmresearch.codebook import load_codebook, parse_codebook
from rmresearch.errors import CodebookError, InputError, ManifestError, RmResearchError
from rmresearch.human.sheets import import_codings
from rmresearch.ingest import ingest_folder
from rmresearch.ingest.decode import decode_bytes, read_text
from rmresearch.ingest.manifest import OPTIONAL, REQUIRED, read_manifest
from rmresearch.ingest.tables import read_form, read_table
from rmresearch.ingest.text import read_docx, read_plain
from rmresearch.ingest.vtt import parse_vtt, read_vtt
from rmresearch.refi.read import read_qdpx
from rmresearch.schemas import AUTHOR_ROLES, SOURCES
from rmresearch.store import ProjectStore
from tests.conftest import (C_GOOD, C_IND, C_SYM, MANIFEST_HEADER, REPO, U1, U2, VTT, build_store,
                            other_tool_qdpx, write_docx)

_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
           HealthCheck.large_base_example]


def fuzz(n: int) -> settings:
    """``n`` derandomised examples, no deadline (the machine may be busy), no database."""
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=_HEALTH, print_blob=True)


# --------------------------------------------------------------------------- helpers
@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A fresh folder per example (hypothesis and function-scoped tmp_path do not mix)."""
    with tempfile.TemporaryDirectory(prefix="rm-fuzz-") as tmp:
        yield Path(tmp)


def outcome(call: Callable[[], Any], name: str, kind: type[RmResearchError] = RmResearchError,
            stage: str = "") -> Any:
    """Run a parser: return its result, or the project error it raised (checked).

    Anything that is not an `RmResearchError` propagates, so hypothesis reports it.
    ``stage`` labels the outcome in ``--hypothesis-show-statistics``.
    """
    try:
        result = call()
    except RmResearchError as exc:
        event(f"{stage}refused: {type(exc).__name__}")
        message = str(exc)
        assert isinstance(exc, kind), f"{type(exc).__name__} where {kind.__name__} was due"
        assert message.strip(), f"{type(exc).__name__} with an empty message"
        assert name in message, f"the message does not name {name!r}: {message}"
        assert "Traceback" not in message
        return exc
    event(f"{stage}accepted")
    return result


def snapshot(store: Path) -> dict[str, list]:
    """Every row of every table of a project store."""
    con = sqlite3.connect(store)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(map(repr, con.execute(f'SELECT * FROM "{t}"').fetchall()))
                for t in tables}
    finally:
        con.close()


def _refused_cleanly(code: int, output: str, name: str, store: Path, before: dict) -> bool:
    """A CLI run on fuzzed input either succeeded (False) or was refused cleanly (True): exit
    code 2, a message naming ``name``, no traceback and the store unchanged."""
    event(f"exit code {code}")
    assert code in (0, 2), output
    assert "Traceback" not in output
    if code == 2:
        assert output.startswith("Error:") and name in output, output
        assert snapshot(store) == before
    return code == 2


def run_cli(args: list[str]) -> tuple[int, str]:
    """``rmresearch ARGS`` in this process: (exit code, stdout + stderr)."""
    from rmresearch.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(args)
    return code, out.getvalue() + err.getvalue()


def mutate(data: bytes, flips: list[tuple[int, int]], cut: int | None) -> bytes:
    """Overwrite bytes at (relative position, value) and optionally truncate."""
    buf = bytearray(data)
    for pos, value in flips:
        buf[pos % len(buf)] = value
    if cut is not None:
        buf = buf[:cut % (len(buf) + 1)]
    return bytes(buf)


_flips = st.lists(st.tuples(st.integers(0, 10 ** 6), st.integers(0, 255)), max_size=6)
_cut = st.none() | st.integers(0, 10 ** 6)
# Text python-docx, openpyxl and lxml can write (XML 1.0 characters), with tabs and newlines.
_xml_char = st.characters(blacklist_categories=("Cs", "Cc"),
                          blacklist_characters="\ufffe\uffff") | st.sampled_from("\t\n ")
_xml_text = st.text(alphabet=_xml_char, max_size=40)
_any_text = st.text(max_size=200)
_encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"])


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace" if encoding in ("cp1252", "latin-1")
                       else "surrogatepass")


# --------------------------------------------------------------------------- decode
_BOMS = [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE]
_raw_bytes = st.one_of(
    st.binary(max_size=300),
    st.builds(lambda bom, body: bom + body, st.sampled_from(_BOMS), st.binary(max_size=200)),
    # UTF-16 with a BOM, sometimes one byte short (odd length) or with a stray byte
    st.builds(lambda t, bom, cut: (bom + t.encode("utf-16-le" if bom != codecs.BOM_UTF16_BE
                                                    else "utf-16-be", "surrogatepass"))[:cut],
              _any_text, st.sampled_from(_BOMS[2:]), st.none() | st.integers(1, 400)),
    st.builds(encode, _any_text, _encodings),
    # a mix: one half UTF-8, the other Windows-1252
    st.builds(lambda a, b: a.encode("utf-8", "surrogatepass") + encode(b, "cp1252"),
              _any_text, _any_text),
)


@fuzz(150)
@given(_raw_bytes)
@example(codecs.BOM_UTF16_LE + b"a\x00b")  # odd length after a UTF-16 BOM
@example(codecs.BOM_UTF8 + b"\xff\xfe")
@example(b"\x81\x8d\x8f\x90\x9d")  # bytes cp1252 leaves undefined
def test_decode_bytes_returns_text_or_names_the_file(data: bytes) -> None:
    text = outcome(lambda: decode_bytes(data, "fuzzed-notes.txt"), "fuzzed-notes.txt",
                   InputError)
    if isinstance(text, str):
        assert text.strip() and "\r" not in text


@fuzz(60)
@given(_raw_bytes, st.sampled_from(["fuzzed.txt", "fuzzed.md", "FUZZED.TXT"]))
def test_read_text_and_read_plain_from_a_file(data: bytes, name: str) -> None:
    with scratch() as tmp:
        path = tmp / name
        path.write_bytes(data)
        text = outcome(lambda: read_text(path), name, InputError, "read_text ")
        doc = outcome(lambda: read_plain(path), name, InputError, "read_plain ")
        if isinstance(text, str):
            assert doc.text == text


# --------------------------------------------------------------------------- VTT
_valid_stamp = st.builds(
    lambda h, m, s, ms, comma: (f"{h:02d}:" if h is not None else "")
    + f"{m:02d}:{s:02d}{',' if comma else '.'}{ms:03d}",
    st.none() | st.integers(0, 99) | st.integers(0, 10 ** 30), st.integers(0, 99),
    st.integers(0, 99), st.integers(0, 999), st.booleans())
_stamp = _valid_stamp | _valid_stamp | _valid_stamp | st.sampled_from(
    ["-00:00:01.000", "00:00:01", "1:2:3.4", "00:00:60.000", "00:00:01.0000", "aa:bb:cc.ddd",
     "", "00:00:01.000 -->", "9" * 400 + ":00:00.000", "00:00:01.\x00"]) | st.text(max_size=12)
_speaker = st.one_of(st.sampled_from(["Amara Okafor", "", " ", "x>y", ">", "<", "v", "A:B",
                                       "\x00", "Dr. Helen Marsh-Smith (she/her)"]),
                     _xml_text, st.text(max_size=15))
_words = st.one_of(_xml_text, _xml_text, st.sampled_from(
    ["Thanks for making time today.", "", " ", "<b>bold</b>", "</v>", "Helen: said so", "\x00",
     "a\tb"]), _any_text)


@st.composite
def _cue(draw: Any) -> str:
    lines = []
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["1", "cue-2", "", "NOTE"]) | st.text(max_size=6)))
    timing = f"{draw(_stamp)} --> {draw(_stamp)}"
    if draw(st.booleans()):
        timing += draw(st.sampled_from([" align:start", " position:10%", "\t"]))
    lines.append(timing)
    for _ in range(draw(st.sampled_from([1, 1, 2, 0, 3]))):
        kind = draw(st.sampled_from(["voice", "class", "prefix", "plain", "unclosed"]))
        who, words = draw(_speaker), draw(_words)
        lines.append({"voice": f"<v {who}>{words}</v>", "class": f"<v.loud.x {who}>{words}",
                      "prefix": f"{who}: {words}", "plain": words,
                      "unclosed": f"<v {who}{words}"}[kind])
    return "\n".join(lines)


@st.composite
def _vtt_text(draw: Any) -> str:
    header = draw(st.sampled_from(["WEBVTT"] * 8 + ["\ufeffWEBVTT", "WEBVTT - Teams", "webvtt",
                                                   "", " WEBVTT", "WEBVTT\x00", "Kind: x"]))
    cues = draw(st.lists(_cue(), min_size=draw(st.sampled_from([0, 1, 1, 1])), max_size=6))
    sep = draw(st.sampled_from(["\n\n", "\n\n", "\r\n\r\n", "\n", "\r\r"]))
    text = header + sep + sep.join(cues) + draw(st.sampled_from(["", "\n", sep]))
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if text and draw(st.integers(0, 3)) == 0:  # a NUL somewhere
        at = draw(st.integers(0, len(text)))
        text = text[:at] + "\x00" + text[at:]
    return text


def _check_parsed(doc: Any) -> None:
    """Invariants of a successful parse: offsets inside the text."""
    assert isinstance(doc.text, str)
    for turn in doc.turns or []:
        assert 0 <= turn.start <= turn.end <= len(doc.text)
    for offset, _ in doc.cues:
        assert 0 <= offset <= len(doc.text)


@fuzz(150)
@given(_vtt_text() | _any_text)
@example("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v >Hello</v>\n")
@example("WEBVTT\n\n99999999999:00:00.000 --> 00:00:02.000\n<v A>Hi</v>\n")
@example("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\n")
@example(VTT.replace("WEBVTT", ""))
def test_parse_vtt_text(text: str) -> None:
    doc = outcome(lambda: parse_vtt(text, Path("fuzzed-interview.vtt")),
                  "fuzzed-interview.vtt", InputError)
    if not isinstance(doc, InputError):
        _check_parsed(doc)
        assert doc.turns and doc.cues and doc.text.endswith("\n")


@fuzz(80)
@given(st.one_of(_vtt_text().map(lambda t: (t, "utf-8")), _vtt_text().map(lambda t: (t, "utf-8")),
                 st.tuples(_vtt_text(), _encodings),
                 st.binary(max_size=300).map(lambda b: (b, ""))))
def test_read_vtt_file(case: tuple[Any, str]) -> None:
    content, encoding = case
    data = content if isinstance(content, bytes) else encode(content, encoding)
    with scratch() as tmp:
        path = tmp / "fuzzed-interview.vtt"
        path.write_bytes(data)
        doc = outcome(lambda: read_vtt(path), path.name, InputError)
        if not isinstance(doc, InputError):
            _check_parsed(doc)


# --------------------------------------------------------------------------- Word documents
@pytest.fixture(scope="module")
def docx_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("docx") / "valid.docx"
    write_docx(path, ["I felt Helen listened properly this time.", "We booked the next one."])
    return path.read_bytes()


def _zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


_member_name = st.sampled_from(["word/document.xml", "[Content_Types].xml", "_rels/.rels",
                                "xl/workbook.xml", "project.qde", "sources/a.txt", "x.txt",
                                "word/_rels/document.xml.rels"]) | st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=12)
_member_data = st.binary(max_size=80) | st.sampled_from(
    [b"<bad", b"<?xml version='1.0'?><x/>", b"", b'<Types xmlns="http://schemas.openxml'
     b'formats.org/package/2006/content-types"/>'])
_zip_junk = st.dictionaries(_member_name, _member_data, max_size=4).map(_zip_bytes)


def _read_docx_bytes(data: bytes) -> Any:
    with scratch() as tmp:
        path = tmp / "fuzzed-journal.docx"
        path.write_bytes(data)
        return outcome(lambda: read_docx(path), path.name, InputError)


@fuzz(60)
@given(st.binary(max_size=300) | _zip_junk)
@example(b"")
@example(_zip_bytes({"[Content_Types].xml": b"<bad"}))
def test_read_docx_random_bytes_and_zips(data: bytes) -> None:
    _read_docx_bytes(data)


@fuzz(60)
@given(_flips, _cut)
def test_read_docx_corrupted_bytes_of_a_valid_document(docx_bytes: bytes, flips: list,
                                                       cut: int | None) -> None:
    _read_docx_bytes(mutate(docx_bytes, flips, cut))


@fuzz(40)
@given(st.lists(_xml_text, max_size=5))
@example(["", "  ", "\t"])
@example(["line\r\nbreak", "\u2028sep"])
def test_read_docx_round_trips_random_paragraphs(paragraphs: list[str]) -> None:
    with scratch() as tmp:
        path = tmp / "fuzzed-journal.docx"
        write_docx(path, paragraphs)
        doc = outcome(lambda: read_docx(path), path.name, InputError)
    words = "\n".join(paragraphs).split()
    if isinstance(doc, InputError):
        assert not words and "no text" in str(doc)
    else:
        assert doc.text.split() == words and "\r" not in doc.text


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_OOXML_BITS = st.sampled_from([
    "<w:p><w:r><w:t>words</w:t></w:r></w:p>", "<w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl>",
    '<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc><w:tcPr><w:gridSpan w:val="-3"/>'
    "</w:tcPr><w:p/></w:tc></w:tr></w:tbl>",
    '<w:tbl><w:tr><w:tc><w:tcPr><w:vMerge w:val="continue"/></w:tcPr></w:tc></w:tr></w:tbl>',
    "<w:tr/>", "<w:tc/>", "<w:t>", "</w:body>", "<w:body>", "<w:r><w:tab/><w:br/></w:r>",
    "<w:p><w:r><w:t xml:space='preserve'> \x01 </w:t></w:r></w:p>", "&amp;", "&bogus;", "\x00",
    f"<w:document {_W}/>", "<x:y/>", "<w:sectPr/>"]) | st.text(max_size=10)


@st.composite
def _docx_with_mutated_body(draw: Any, original: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(original)) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    xml = members["word/document.xml"].decode("utf-8")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(xml)))
        if draw(st.booleans()):
            xml = xml[:at] + draw(_OOXML_BITS) + xml[at:]
        else:
            xml = xml[:at] + xml[at + draw(st.integers(1, 60)):]
    members["word/document.xml"] = xml.encode("utf-8", "surrogatepass")
    return _zip_bytes(members, zipfile.ZIP_STORED)


@fuzz(60)
@given(st.data())
def test_read_docx_with_a_mutated_document_xml(docx_bytes: bytes, data: st.DataObject) -> None:
    _read_docx_bytes(data.draw(_docx_with_mutated_body(docx_bytes)))


# --------------------------------------------------------------------------- CSV / XLSX forms
_header_cell = st.sampled_from(["respondent_id", "role", "Respondent ID", "respondent_id ",
                                "ROLE", "q1", "Q 1", "q_1", "stage", "cohort", "", " ",
                                "comment", "what_changed"]) | st.text(max_size=8)
_csv_cell = st.sampled_from(["", " ", "mentor", "mentee", "R1", "R2", "5", "0", "11", "-3",
                             "7.0", "1e3", "\u0663", '"', 'a "quoted" word', "a,b", "x;y",
                             "line\nbreak", "\t"]) | st.text(max_size=20)


@st.composite
def _csv_bytes(draw: Any) -> bytes:
    header = draw(st.lists(_header_cell, max_size=6))
    if draw(st.booleans()):
        header = ["respondent_id", "role"] + header
    rows = [header] + draw(st.lists(st.lists(_csv_cell, max_size=7), max_size=6))
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    style = draw(st.sampled_from(["writer", "quote_all", "raw"]))
    buf = io.StringIO()
    if style == "raw":
        buf.write("\n".join(delimiter.join(r) for r in rows))
    else:
        quoting = csv.QUOTE_ALL if style == "quote_all" else csv.QUOTE_MINIMAL
        csv.writer(buf, delimiter=delimiter, quoting=quoting,
                   lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(rows)
    return encode(buf.getvalue(), draw(_encodings))


def _read_sheet(data: bytes, suffix: str) -> None:
    with scratch() as tmp:
        path = tmp / f"fuzzed-form{suffix}"
        path.write_bytes(data)
        table = outcome(lambda: read_table(path), path.name, InputError, "read_table ")
        form = outcome(lambda: read_form(path), path.name, InputError, "read_form ")
    if not isinstance(table, InputError):
        assert table.columns.is_unique and all(str(c).strip() for c in table.columns)
    if not isinstance(form, InputError):
        _check_parsed(form)
        for resp in form.responses:
            assert resp["value"] is None or 1 <= resp["value"] <= 10
            assert resp["value"] is None or resp["text"] is None
            assert resp["text"] is None or resp["text"].strip()


_answer = st.one_of(st.integers(1, 10), st.integers(1, 10), st.none(), st.sampled_from(
    ["", "0", "11", "7.0", "-2", "n/a"]), _xml_text)


@st.composite
def _form_rows(draw: Any) -> list[list[Any]]:
    """A mostly well-formed evaluation form: ids, roles, then questions."""
    questions = draw(st.lists(st.sampled_from(["conf_race", "Q 1", "what changed", "stage",
                                               "hope"]), min_size=1, max_size=3, unique=True))
    n = draw(st.integers(1, 4))
    rows = [[f"R{i}", draw(st.sampled_from(["mentor", "mentee", "Staff", "other", ""]))]
            + [draw(_answer) for _ in questions] for i in range(n)]
    return [["respondent_id", "role"] + questions] + rows


def _csv_of(rows: list[list[Any]], encoding: str) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(
        [["" if v is None else str(v) for v in row] for row in rows])
    return encode(buf.getvalue(), encoding)


@fuzz(150)
@given(_csv_bytes() | st.binary(max_size=200) | st.builds(_csv_of, _form_rows(), _encodings))
@example(b"")
@example(b"respondent_id,role,q1\n")
@example(b"respondent_id,role,role\nR1,mentor,mentee\n")
@example(b"\x00\x01\x02,\x03\n")
def test_read_csv_forms(data: bytes) -> None:
    _read_sheet(data, ".csv")


_xlsx_cell = st.one_of(
    st.none(), st.integers(-10 ** 6, 10 ** 6), st.integers(0, 12),
    st.floats(allow_nan=False, allow_infinity=False), st.booleans(),
    st.dates(min_value=date(1900, 3, 1)), st.datetimes(min_value=datetime(1900, 3, 1)),
    _xml_text, _xml_text.map(lambda s: (s or "x") * 500), _header_cell.filter(
        lambda s: not any(ord(c) < 32 and c not in "\t\n\r" for c in s)
        and "\ufffe" not in s and "\uffff" not in s and not any(0xD800 <= ord(c) <= 0xDFFF
                                                                   for c in s)))


def _xlsx_bytes(rows: list[list[Any]], layout: str = "one sheet") -> bytes:
    """A workbook with ``rows`` on its first sheet, or after an empty or a chart sheet."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    if layout == "empty sheet first":
        sheet = book.create_sheet("Answers")
    elif layout == "chart sheet first":
        book.create_chartsheet("Chart", 0)
    elif layout == "chart sheet only":
        book.create_chartsheet("Chart")
        book.remove(sheet)
    for row in rows:
        sheet.append(row)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


_LAYOUTS = ["one sheet"] * 4 + ["empty sheet first", "chart sheet first", "chart sheet only"]


@fuzz(50)
@given(st.lists(st.lists(_xlsx_cell, max_size=6), max_size=5) | _form_rows(), st.booleans(),
       st.sampled_from(_LAYOUTS))
@example([[None, None], [None, 1]], False, "one sheet")
@example([["respondent_id", "role", "q"], ["R1", "mentor", 3.0], ["R2", None, 2.5]], False,
         "one sheet")
def test_read_xlsx_workbooks_with_random_cells(rows: list[list[Any]], form: bool,
                                               layout: str) -> None:
    if form:
        rows = [["respondent_id", "role"] + (rows[0] if rows else [])] + rows[1:]
    _read_sheet(_xlsx_bytes(rows, layout), ".xlsx")


@pytest.fixture(scope="module")
def xlsx_bytes() -> bytes:
    return _xlsx_bytes([["respondent_id", "role", "conf_race", "what_changed"],
                        ["C1-P01-M", "mentor", 8, "She now asks quieter staff first."],
                        ["C1-P01-L", "mentee", 7, None]])


@fuzz(60)
@given(_flips, _cut, st.binary(max_size=200) | _zip_junk)
def test_read_xlsx_corrupted_bytes(xlsx_bytes: bytes, flips: list, cut: int | None,
                                   junk: bytes) -> None:
    _read_sheet(mutate(xlsx_bytes, flips, cut), ".xlsx")
    _read_sheet(junk, ".xlsx")


# --------------------------------------------------------------------------- manifest
_COLUMNS = list(REQUIRED + OPTIONAL)
_MANIFEST_VALUES = {  # column: (values that pass, values that do not)
    "file": (["a.txt", "b.vtt", "sub/c.md", "sub\\c.md", "sub/../a.txt"],
             ["../outside.txt", "missing.txt", "A.TXT", "/etc/hostname.txt", "", " ", ".", "/", "..", "a.pdf",
              "sub", "a.txt\x00", "*.txt"]),
    "cohort": (["C1", "C2"], ["", " "]),
    "pair_id": (["C1-P01", ""], ["\t"]),
    "source": (list(SOURCES) + ["Interview", " journal "], ["diary", ""]),
    "author_role": (list(AUTHOR_ROLES) + ["MENTEE"], ["boss", ""]),
    "stage": (["session_1", "end"], [""]),
    "date": (["2024-10-03", ""], ["2024-13-45", "03/10/2024", "2024-1-3", "2024-10-03T10:00"]),
    "doc_id": (["", "", "d1", "sub/d 2"], ["same"]),
    "mentor": (["Amara Okafor", ""], ["Amara: Okafor"]),
    "mentee": (["Helen Marsh", ""], ["\u00e9"]),
}
_manifest_good = {c: st.sampled_from(good) for c, (good, _) in _MANIFEST_VALUES.items()}
_manifest_any = {c: st.one_of(st.sampled_from(good), st.sampled_from(good), st.sampled_from(bad),
                              st.text(max_size=8)) for c, (good, bad) in _MANIFEST_VALUES.items()}
_extra_column = st.sampled_from(["FILE", " File ", "Source", "notes", "", "date"])


@st.composite
def _manifest_rows(draw: Any) -> list[list[str]]:
    header = draw(st.sampled_from(["all", "all", "all", "shuffled", "some"]))
    columns = list(_COLUMNS)
    if header == "shuffled":
        columns = draw(st.permutations(_COLUMNS))
    elif header == "some":
        columns = draw(st.lists(st.sampled_from(_COLUMNS) | _extra_column, max_size=11))
    if draw(st.integers(0, 4)) == 0:
        columns = columns + [draw(_extra_column)]
    values = draw(st.sampled_from([_manifest_good, _manifest_any]))
    rows = [[draw(values.get(c.strip().lower(), st.text(max_size=5))) for c in columns]
            for _ in range(draw(st.sampled_from([1, 1, 2, 3, 0])))]
    if rows and draw(st.booleans()):
        rows.append(list(draw(st.sampled_from(rows))))  # a duplicate row
    return [columns] + rows


def _data_folder(tmp: Path) -> Path:
    """A data folder holding the files the manifest strategy names, and one file outside."""
    data = tmp / "data"
    (data / "sub").mkdir(parents=True)
    (data / "a.txt").write_text("Amara: Hello.\nHelen: Thanks for coming.\n", encoding="utf-8")
    (data / "b.vtt").write_text(VTT, encoding="utf-8")
    (data / "sub" / "c.md").write_text("- Chaired the huddle.\n", encoding="utf-8")
    (data / "a.pdf").write_bytes(b"%PDF-1.4")
    (tmp / "outside.txt").write_text("A file outside the data folder.\n", encoding="utf-8")
    return data


def _write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_bytes(encode(buf.getvalue(), encoding))


@fuzz(120)
@given(_manifest_rows(), st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "cp1252"]))
@example([_COLUMNS, ["", "C1", "", "journal", "mentor", "s1", "", "", "", ""]], "utf-8")
@example([_COLUMNS + ["FILE"], ["a.txt", "C1", "", "journal", "mentor", "s1", "", "", "", "",
                                "b.vtt"]], "utf-8")
@example([_COLUMNS, ["../outside.txt", "C1", "", "journal", "mentor", "s1", "", "", "", ""]],
         "utf-8")
def test_read_manifest(rows: list[list[str]], encoding: str) -> None:
    with scratch() as tmp:
        data = _data_folder(tmp)
        path = data / "manifest.csv"
        _write_csv(path, rows, encoding)
        df = outcome(lambda: read_manifest(path), "manifest.csv", InputError)
    if not isinstance(df, InputError):
        assert set(_COLUMNS) <= set(df.columns) and len(df)
        assert df["doc_id"].is_unique and df["file"].is_unique
        assert (df["file"] != "").all() and df["source"].isin(SOURCES).all()


def _doc_id(row: dict[str, str]) -> str:
    return row["doc_id"] or str(Path(row["file"].replace("\\", "/")).with_suffix(""))


@fuzz(40)
@given(st.lists(st.fixed_dictionaries(_manifest_good), min_size=1, max_size=4,
                unique_by=(lambda r: r["file"].replace("\\", "/"), _doc_id)),
       st.permutations(_COLUMNS))
def test_read_manifest_accepts_any_mix_of_good_values(rows: list[dict[str, str]],
                                                       columns: list[str]) -> None:
    with scratch() as tmp:
        path = _data_folder(tmp) / "manifest.csv"
        _write_csv(path, [columns] + [[r[c] for c in columns] for r in rows])
        df = read_manifest(path)
    assert df["file"].tolist() == [r["file"].replace("\\", "/") for r in rows]
    assert df["doc_id"].tolist() == [_doc_id(r) for r in rows]


@fuzz(40)
@given(st.binary(max_size=200) | _csv_bytes())
def test_read_manifest_random_bytes(data: bytes) -> None:
    with scratch() as tmp:
        path = _data_folder(tmp) / "manifest.csv"
        path.write_bytes(data)
        outcome(lambda: read_manifest(path), "manifest.csv", InputError)


# --------------------------------------------------------------------------- ingest_folder
_SUFFIXES = [".txt", ".md", ".vtt", ".csv", ".docx", ".xlsx"]


@st.composite
def _fuzzed_file(draw: Any) -> tuple[str, bytes]:
    suffix = draw(st.sampled_from(_SUFFIXES))
    if suffix == ".vtt":
        data = draw(_vtt_text().map(lambda t: encode(t, "utf-8")) | st.binary(max_size=100))
    elif suffix == ".csv":
        data = draw(_csv_bytes())
    elif suffix == ".docx":
        data = draw(st.one_of(
            st.lists(_xml_text, max_size=3).map(lambda ps: _docx_bytes(ps)),
            st.binary(max_size=100), _zip_junk))
    elif suffix == ".xlsx":
        data = draw(st.lists(st.lists(_xlsx_cell, max_size=4), max_size=3).map(
            lambda rows: _xlsx_bytes([["respondent_id", "role", "q"]] + rows))
            | st.binary(max_size=100))
    else:
        data = draw(_raw_bytes)
    return f"fuzzed-file{suffix}", data


def _docx_bytes(paragraphs: list[str]) -> bytes:
    with scratch() as tmp:
        write_docx(tmp / "d.docx", paragraphs)
        return (tmp / "d.docx").read_bytes()


_ROW = "C1,C1-P01,journal,mentor,session_1,2024-10-03,Amara Okafor,Helen Marsh\n"


@fuzz(50)
@given(_fuzzed_file())
def test_ingest_folder_with_one_fuzzed_file(case: tuple[str, bytes]) -> None:
    name, data = case
    source = "feedback_form" if name.endswith((".csv", ".xlsx")) else "journal"
    with scratch() as tmp:
        folder = tmp / "data"
        folder.mkdir()
        (folder / name).write_bytes(data)
        (folder / "manifest.csv").write_text(
            MANIFEST_HEADER + f"{name},{_ROW.replace('journal', source)}", encoding="utf-8")
        result = outcome(lambda: ingest_folder(folder), name, InputError)
    if not isinstance(result, InputError):
        assert len(result.documents) == 1
        text = result.documents["text"].iloc[0]
        for seg in result.segments.itertuples():
            assert text[seg.start:seg.end] == seg.text


@pytest.fixture(scope="module")
def ingested_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store that already holds one document (ingested through the command line)."""
    tmp = tmp_path_factory.mktemp("ingested")
    data = _data_folder(tmp)
    (data / "manifest.csv").write_text(MANIFEST_HEADER + f"a.txt,{_ROW}", encoding="utf-8")
    store = tmp / "project.rmproj"
    code, output = run_cli(["ingest", "--data", str(data), "--store", str(store)])
    assert code == 0, output
    return store


@fuzz(25)
@given(_fuzzed_file())
@example(("fuzzed-file.txt", b"\x00\x01"))
def test_ingest_command_exits_2_and_leaves_the_store_unchanged(
        ingested_store: Path, case: tuple[str, bytes]) -> None:
    name, data = case
    source = "feedback_form" if name.endswith((".csv", ".xlsx")) else "journal"
    with scratch() as tmp:
        store = tmp / "project.rmproj"
        shutil.copy(ingested_store, store)
        before = snapshot(store)
        folder = _data_folder(tmp)
        (folder / name).write_bytes(data)
        (folder / "manifest.csv").write_text(
            MANIFEST_HEADER + f"a.txt,{_ROW}{name},{_ROW.replace('journal', source)}",
            encoding="utf-8")
        code, output = run_cli(["ingest", "--data", str(folder), "--store", str(store)])
        if not _refused_cleanly(code, output, name, store, before):
            assert len(snapshot(store)["documents"]) == len(before["documents"]) + 1


@fuzz(20)
@given(_manifest_rows())
def test_ingest_command_with_a_fuzzed_manifest(ingested_store: Path,
                                               rows: list[list[str]]) -> None:
    with scratch() as tmp:
        store = tmp / "project.rmproj"
        shutil.copy(ingested_store, store)
        before = snapshot(store)
        folder = _data_folder(tmp)
        _write_csv(folder / "manifest.csv", rows)
        code, output = run_cli(["ingest", "--data", str(folder), "--store", str(store)])
        event(f"exit code {code}")
        assert code in (0, 2), output
        assert "Traceback" not in output
        if code == 2:
            assert output.startswith("Error:") and "manifest.csv" in output, output
            assert snapshot(store) == before


# --------------------------------------------------------------------------- codebook YAML
EDI_LEVELS = REPO / "src" / "rmresearch" / "codebooks" / "edi_levels.yaml"
_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10),
                    st.dates(), st.binary(max_size=5),
                    st.sampled_from(["#1F77B4", "individual", "positive", "attention", ""]))
_yaml_value = st.recursive(
    _scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.text(max_size=8) | st.integers() | st.sampled_from(
            ["id", "definition", "codes", "text", "valence", "tokens", "parent", "patterns"]),
        inner, max_size=3), max_leaves=12)


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _check_codebook(call: Callable[[], Any], name: str) -> Any:
    result = outcome(call, name, CodebookError)
    if isinstance(result, CodebookError):
        assert result.problems and all(isinstance(p, str) and p.strip()
                                       for p in result.problems)
    else:
        assert result.codes and len(result.hash) == 12
    return result


@fuzz(80)
@given(st.text(max_size=300) | st.binary(max_size=200)
       | st.builds(lambda t: "codes:\n" + t, st.text(max_size=100)))
@example("codes: [")
@example("\x00")
@example(b"\xff\xfe\x00")
@example("version: 2024-13-45\ncodes: [{id: a, definition: x}]\n")
@example("a: !!int abc\n")
def test_load_codebook_random_text_and_bytes(content: str | bytes) -> None:
    with scratch() as tmp:
        path = tmp / "fuzzed-codebook.yaml"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", errors="surrogatepass")
        _check_codebook(lambda: load_codebook(path), path.name)


@fuzz(80)
@given(_yaml_value)
@example({"codes": [{"id": "a", "definition": "x", "examples": 5}]})
@example({"version": date(2024, 1, 1), "codes": [{"id": "a", "definition": "x"}]})
@example({"name": {1: "a", "b": "c"}, "codes": [{"id": "a", "definition": "x"}]})
def test_load_codebook_valid_yaml_of_the_wrong_shape(data: Any) -> None:
    with scratch() as tmp:
        path = tmp / "fuzzed-codebook.yaml"
        path.write_text(_dump(data), encoding="utf-8")
        _check_codebook(lambda: load_codebook(path), path.name)
    _check_codebook(lambda: parse_codebook(data, source="fuzzed-codebook.yaml"),
                    "fuzzed-codebook.yaml")


@pytest.fixture(scope="module")
def edi_levels() -> dict:
    return yaml.safe_load(EDI_LEVELS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def edi_levels_small(edi_levels: dict) -> dict:
    """The shipped codebook with two examples and patterns per code (fast to dump and load)."""
    small = copy.deepcopy(edi_levels)
    for code in small["codes"]:
        for key in ("examples", "patterns", "include", "exclude"):
            if isinstance(code.get(key), list):
                code[key] = code[key][:2]
    small["not_codable"]["examples"] = small["not_codable"]["examples"][:2]
    return small


@st.composite
def _mutated(draw: Any, original: dict) -> Any:
    """``original`` with 1-3 values deleted, replaced by junk, or retyped, anywhere in it."""
    data = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, 3))):
        parent, key, node = None, None, data
        while isinstance(node, (dict, list)) and node and (
                parent is None or draw(st.integers(0, 2)) > 0):
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            parent, key = node, draw(st.sampled_from(keys))
            node = node[key]
        if parent is None:
            return draw(_yaml_value)
        action = draw(st.sampled_from(["delete", "junk", "list", "mapping", "text", "none"]))
        if action == "delete":
            del parent[key]
        else:
            parent[key] = {"junk": draw(_yaml_value), "list": [node], "mapping": {"x": node},
                           "text": str(node), "none": None}[action]
    return data


@fuzz(100)
@given(st.data())
def test_parse_codebook_mutations_of_the_shipped_codebook(edi_levels: dict,
                                                          data: st.DataObject) -> None:
    mutated = data.draw(_mutated(edi_levels))
    _check_codebook(lambda: parse_codebook(mutated, source="fuzzed-codebook.yaml"),
                    "fuzzed-codebook.yaml")


@fuzz(30)
@given(st.data())
def test_load_codebook_mutations_through_a_file(edi_levels_small: dict,
                                                data: st.DataObject) -> None:
    mutated = data.draw(_mutated(edi_levels_small))
    with scratch() as tmp:
        path = tmp / "fuzzed-codebook.yaml"
        path.write_text(_dump(mutated), encoding="utf-8")
        _check_codebook(lambda: load_codebook(path), path.name)


# --------------------------------------------------------------------------- REFI-QDA .qdpx
_QDPX = "fuzzed-project.qdpx"


@pytest.fixture(scope="module")
def refi_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A store of four documents (`tests.conftest.build_store`) and their texts by doc id."""
    store = build_store(tmp_path_factory.mktemp("refi"))
    with ProjectStore.open(store) as st_:
        docs = st_.documents()
    return store, dict(zip(docs["doc_id"], docs["text"]))


def _attr(name: str, value: Any) -> str:
    return "" if value is None else f" {name}={quoteattr(str(value))}"


_user = st.sampled_from([U1, U2, str(uuid.UUID(int=99)), None])
_code_ref = st.sampled_from([C_IND, C_SYM, C_GOOD, C_GOOD.lower(), "{" + C_IND + "}",
                             str(uuid.UUID(int=98))])
_position = st.one_of(st.integers(-3, 160), st.integers(-3, 160), st.integers(-2 ** 70, 2 ** 70))


@st.composite
def _selection(draw: Any, n: int, text: str) -> str:
    start, end = draw(_position), draw(_position)
    mode = draw(st.sampled_from(["random", "inside", "whole"]))
    if mode == "inside":
        start, end = sorted((start % (len(text) + 1), end % (len(text) + 1)))
    elif mode == "whole":  # covers every segment: imports when the rest fits
        start, end = 0, len(text)
    quote = draw(st.one_of(st.just(text[start:end] if 0 <= start <= end else ""), _xml_text))
    refs = draw(st.lists(_code_ref, min_size=1 if mode == "whole" else 0, max_size=3))
    codings = "".join(f'<Coding guid="{uuid.UUID(int=1000 + n * 10 + i)}"'
                      f'{_attr("creatingUser", draw(_user))}><CodeRef targetGUID="{ref}"/>'
                      "</Coding>" for i, ref in enumerate(refs))
    return (f'<PlainTextSelection guid="{uuid.UUID(int=n)}"{_attr("name", quote)} '
            f'startPosition="{start}" endPosition="{end}"{_attr("creatingUser", draw(_user))}>'
            f"{codings}</PlainTextSelection>")


@st.composite
def _project(draw: Any, texts: dict[str, str], folder: Path) -> Path:
    """A schema-valid .qdpx about the store's documents, with fuzzed details."""
    doc_id = draw(st.sampled_from(sorted(texts)))
    text = texts[doc_id]
    body = draw(st.sampled_from([text, text, text.replace("\n", "\r\n"), " ".join(text.split()),
                                 "Entirely different words."]) | _xml_text)
    files: dict[str, bytes] = {}
    where = draw(st.sampled_from(["internal", "internal", "content", "relative", "absolute",
                                  "bare", "missing", "none", "not utf-8"]))
    ref = {"internal": "internal://a.txt", "relative": "relative://../a.txt", "bare": "a.txt",
           "absolute": "absolute:///nonexistent/folder/a.txt", "missing": "internal://gone.txt",
           "not utf-8": "internal://a.txt"}.get(where)
    if where in ("internal", "bare", "relative", "absolute"):
        files["sources/a.txt"] = body.encode("utf-8")
    elif where == "not utf-8":
        files["sources/a.txt"] = body.encode("utf-16")
    if draw(st.integers(0, 3)) == 0:
        files["sources/b.txt"] = draw(st.binary(max_size=40))
    sels = "".join(draw(_selection(n, body)) for n in range(draw(st.integers(0, 3))))
    content = (f"<PlainTextContent>{escape(body)}</PlainTextContent>" if where == "content"
               else "")
    name = draw(st.sampled_from([doc_id, doc_id + ".txt", doc_id.split("/")[-1], "Other name",
                                 ""]) | _xml_text)
    source = (f'<TextSource guid="{uuid.UUID(int=7)}"{_attr("name", name)}'
              f'{_attr("plainTextPath", ref)}{_attr("creatingUser", draw(_user))}>{content}'
              f"{sels}</TextSource>")
    extra = ""
    if draw(st.booleans()):
        extra = (f'<Code guid="{uuid.UUID(int=98)}" name={quoteattr(draw(_xml_text))} '
                 'isCodable="true"/>')
    path = folder / _QDPX
    other_tool_qdpx(path, source, files, codes=extra)
    return path


@functools.lru_cache(maxsize=None)
def _codebook() -> Any:
    from rmresearch.codebook import default_codebook

    return default_codebook()


def _import(store: Path, path: Path) -> Any:
    before = snapshot(store)
    result = outcome(lambda: import_codings(store, path, codebook=_codebook()), path.name,
                     InputError, "import ")
    if isinstance(result, InputError):
        assert snapshot(store) == before, "a refused import changed the store"
    else:
        assert sum(result["codings"].values()) > 0
        assert len(snapshot(store)["runs"]) == len(before["runs"]) + 1
    return result


@fuzz(60)
@given(st.binary(max_size=200) | _zip_junk
       | st.builds(lambda qde: _zip_bytes({"project.qde": qde}),
                   st.binary(max_size=200) | _xml_text.map(lambda t: t.encode("utf-8"))))
@example(b"PK\x05\x06" + b"\x00" * 18)  # an empty ZIP
@example(_zip_bytes({"Project.xml": b"<x/>"}))
@example(_zip_bytes({"project.qde": b'<Project xmlns="urn:QDA-XML:project:1.0"/>'}))
def test_read_qdpx_random_bytes_zips_and_xml(data: bytes) -> None:
    with scratch() as tmp:
        path = tmp / _QDPX
        path.write_bytes(data)
        outcome(lambda: read_qdpx(path), _QDPX, InputError)


_TAGS = ["Project", "Users", "User", "CodeBook", "Codes", "Code", "Sources", "TextSource",
         "PlainTextSelection", "Coding", "CodeRef", "PlainTextContent", "Description", "Other"]
_ATTRS = ["guid", "name", "startPosition", "endPosition", "targetGUID", "plainTextPath",
          "creatingUser", "isCodable", "origin"]
_attr_value = st.sampled_from([U1, C_IND, "0", "-1", "99999999999999999999", "true", "x",
                               "internal://a.txt", ""]) | _xml_text


@st.composite
def _element(draw: Any, depth: int = 0) -> str:
    tag = draw(st.sampled_from(_TAGS))
    attrs = "".join(_attr(k, draw(_attr_value)) for k in draw(
        st.lists(st.sampled_from(_ATTRS), unique=True, max_size=4)))
    children = "" if depth >= 3 else "".join(
        draw(_element(depth + 1)) for _ in range(draw(st.integers(0, 3))))
    return f"<{tag}{attrs}>{escape(draw(_xml_text)) if not children else children}</{tag}>"


@fuzz(50)
@given(_element(), st.booleans())
def test_read_qdpx_random_xml_in_project_qde(xml: str, namespaced: bool) -> None:
    if namespaced:
        xml = xml.replace(">", ' xmlns="urn:QDA-XML:project:1.0">', 1) if "/>" not in xml[
            :xml.index(">") + 1] else xml
    with scratch() as tmp:
        path = tmp / _QDPX
        path.write_bytes(_zip_bytes({"project.qde": xml.encode("utf-8")}))
        outcome(lambda: read_qdpx(path), _QDPX, InputError)


@fuzz(80)
@given(st.data())
def test_import_fuzzed_projects_into_a_store(refi_store: tuple[Path, dict[str, str]],
                                             data: st.DataObject) -> None:
    base, texts = refi_store
    with scratch() as tmp:
        path = data.draw(_project(texts, tmp))
        project = outcome(lambda: read_qdpx(path), _QDPX, InputError, "read_qdpx ")
        if not isinstance(project, InputError):
            for src in project.sources:
                for sel in src.selections:
                    assert 0 <= sel.start <= sel.end <= len(src.text)
        store = tmp / "project.rmproj"
        shutil.copy(base, store)
        _import(store, path)


@pytest.fixture(scope="module")
def qdpx_bytes(refi_store: tuple[Path, dict[str, str]], tmp_path_factory) -> bytes:
    """A valid, deflated .qdpx with one coded selection on C1/interview1."""
    _, texts = refi_store
    text = texts["C1/interview1"]
    start = text.index("I thanked")
    end = text.index("huddle.") + len("huddle.")
    sel = (f'<PlainTextSelection guid="{uuid.UUID(int=1)}" startPosition="{start}" '
           f'endPosition="{end}" creatingUser="{U1}"><Coding guid="{uuid.UUID(int=2)}">'
           f'<CodeRef targetGUID="{C_IND}"/></Coding></PlainTextSelection>')
    path = other_tool_qdpx(tmp_path_factory.mktemp("qdpx") / "stored.qdpx",
                 f'<TextSource guid="{uuid.UUID(int=7)}" name="C1/interview1" '
                 f'plainTextPath="internal://a.txt">{sel}</TextSource>',
                 {"sources/a.txt": text.encode("utf-8")})
    with zipfile.ZipFile(path) as zf:
        return _zip_bytes({n: zf.read(n) for n in zf.namelist()}, zipfile.ZIP_DEFLATED)


@fuzz(80)
@given(_flips, _cut)
@example([], None)  # the valid file itself
def test_import_corrupted_bytes_of_a_valid_project(refi_store: tuple[Path, dict[str, str]],
                                                   qdpx_bytes: bytes, flips: list,
                                                   cut: int | None) -> None:
    base, _ = refi_store
    with scratch() as tmp:
        path = tmp / _QDPX
        path.write_bytes(mutate(qdpx_bytes, flips, cut))
        store = tmp / "project.rmproj"
        shutil.copy(base, store)
        _import(store, path)


@fuzz(15)
@given(st.data())
def test_import_codings_command_exits_2_and_leaves_the_store_unchanged(
        refi_store: tuple[Path, dict[str, str]], data: st.DataObject) -> None:
    base, texts = refi_store
    with scratch() as tmp:
        path = data.draw(_project(texts, tmp))
        store = tmp / "project.rmproj"
        shutil.copy(base, store)
        before = snapshot(store)
        code, output = run_cli(["import-codings", "--store", str(store), "--input", str(path)])
        _refused_cleanly(code, output, _QDPX, store, before)


# --------------------------------------------------------------------------- regressions
# Plain tests with the smallest inputs fuzzing found; each raised a raw exception before.
def _patch_member(data: bytes, member: str, *, flags: int = 0, method: int | None = None,
                  damage: bool = False) -> bytes:
    """Damage one ZIP member: set general-purpose flag bits or the compression method in
    its central-directory entry, or spoil the first byte of its deflated data."""
    import struct

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(member)
        entries = zf.infolist()
    buf = bytearray(data)
    if damage:
        name_len, extra_len = struct.unpack_from("<HH", buf, info.header_offset + 26)
        start = info.header_offset + 30 + name_len + extra_len
        buf[start] = 0xFF  # a deflate block of the reserved type 3: zlib.error
    pos = buf.index(b"PK\x01\x02")  # central directory, in member order
    for entry in entries:
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", buf, pos + 28)
        if entry.filename == member:
            struct.pack_into("<H", buf, pos + 8, struct.unpack_from("<H", buf, pos + 8)[0] | flags)
            if method is not None:
                struct.pack_into("<H", buf, pos + 10, method)
        pos += 46 + name_len + extra_len + comment_len
    return bytes(buf)


_DAMAGE = {"corrupt data": dict(damage=True), "encrypted flag": dict(flags=0x1),
           "unknown compression": dict(method=99)}


def test_regression_manifest_row_with_an_empty_file_cell(tmp_path: Path) -> None:
    # was ValueError: PosixPath('.') has an empty name (the default doc_id from '' or '/')
    (tmp_path / "a.txt").write_text("hello", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text(
        MANIFEST_HEADER + ",C1,,journal,mentor,s1,,,\n/,C1,,journal,mentor,s1,,,\n"
        "a.txt,C1,,journal,mentor,s1,,,\n", encoding="utf-8")
    with pytest.raises(ManifestError) as info:
        read_manifest(tmp_path / "manifest.csv")
    assert "manifest.csv" in str(info.value)
    assert "line 2: column 'file' is empty" in str(info.value)
    assert "line 3: file '/' has an unknown type" in str(info.value)


def test_regression_manifest_columns_that_differ_only_in_case(tmp_path: Path) -> None:
    # was AttributeError: 'DataFrame' object has no attribute 'str'
    (tmp_path / "manifest.csv").write_text(
        MANIFEST_HEADER.strip() + ",FILE\na.txt,C1,,journal,mentor,s1,,,,b.txt\n",
        encoding="utf-8")
    with pytest.raises(ManifestError, match=r"manifest.csv, line 1: two or more columns are "
                                            r"named \['file'\]"):
        read_manifest(tmp_path / "manifest.csv")


@pytest.mark.parametrize("header,same", [("respondent_id,role,Q 1,q_1", "q_1"),
                                         ("respondent_id,Respondent_ID,role,q", "respondent_id")])
def test_regression_form_columns_that_are_the_same_once_normalised(
        tmp_path: Path, header: str, same: str) -> None:
    # was AttributeError: 'DataFrame' object has no attribute 'str'
    path = tmp_path / "form.csv"
    path.write_text(header + "\nR1,mentor,3,4\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"form.csv, line 1: two or more columns are named "
                                         rf"\['{same}'\]"):
        read_form(path)


def test_regression_csv_quote_left_open_over_the_field_limit(tmp_path: Path) -> None:
    # was _csv.Error: field larger than field limit (131072)
    path = tmp_path / "form.csv"
    path.write_text('respondent_id,role,q\nR1,mentor,"' + "x" * 140_000 + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"form.csv, line \d+: cannot be read as a table "
                                         r"\(field larger than field limit"):
        read_table(path)


@pytest.mark.parametrize("damage", sorted(_DAMAGE))
def test_regression_xlsx_with_a_damaged_sheet(tmp_path: Path, damage: str) -> None:
    # was zlib.error / BadZipFile, RuntimeError (encrypted) or NotImplementedError, raised
    # while the rows of the (lazily read) first sheet were read
    path = tmp_path / "form.xlsx"
    rows = [["respondent_id", "role", "q"]] + [[f"R{i}", "mentor", i % 10 + 1] for i in range(300)]
    path.write_bytes(_patch_member(_xlsx_bytes(rows), "xl/worksheets/sheet1.xml",
                                   **_DAMAGE[damage]))
    with pytest.raises(InputError, match="form.xlsx: (is not a readable Excel workbook|the "
                                         "first sheet of the workbook is damaged)"):
        read_table(path)


@pytest.mark.parametrize("layout", ["chart sheet first", "chart sheet only"])
def test_regression_xlsx_whose_first_sheet_is_a_chart(tmp_path: Path, layout: str) -> None:
    # was AttributeError: 'list' object has no attribute 'find' (inside openpyxl)
    path = tmp_path / "form.xlsx"
    path.write_bytes(_xlsx_bytes([["respondent_id", "role", "q"], ["R1", "mentor", 3]], layout))
    with pytest.raises(InputError, match="form.xlsx: is not a readable Excel workbook"):
        read_table(path)


@pytest.mark.parametrize("content_types", [b"<bad", b"<?xml version='1.0'?><x/>"])
def test_regression_docx_with_broken_or_foreign_content_types(tmp_path: Path,
                                                              content_types: bytes) -> None:
    # was lxml.etree.XMLSyntaxError / AttributeError from python-docx
    path = tmp_path / "journal.docx"
    path.write_bytes(_zip_bytes({"[Content_Types].xml": content_types}))
    with pytest.raises(InputError, match="journal.docx: is not a readable Word document"):
        read_docx(path)


@pytest.mark.parametrize("damage", sorted(_DAMAGE))
def test_regression_docx_with_a_damaged_document_part(tmp_path: Path, docx_bytes: bytes,
                                                      damage: str) -> None:
    # was zlib.error, RuntimeError (encrypted) or NotImplementedError from zipfile
    path = tmp_path / "journal.docx"
    path.write_bytes(_patch_member(docx_bytes, "word/document.xml", **_DAMAGE[damage]))
    with pytest.raises(InputError, match="journal.docx: is not a readable Word document"):
        read_docx(path)


def _codebook_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cb.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("value", ["5", "true", "{a: b}", "some text"])
def test_regression_codebook_examples_that_are_not_a_list(tmp_path: Path, value: str) -> None:
    # was TypeError: 'int' object is not iterable (and per-character examples for text)
    path = _codebook_file(tmp_path, f"codes:\n  - id: a\n    definition: x\n"
                                    f"    examples: {value}\n")
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    assert info.value.problems == ["codes[1] (id 'a').examples: must be a list"]
    assert "cb.yaml" in str(info.value)


def test_regression_codebook_with_yaml_dates_is_accepted(tmp_path: Path) -> None:
    # was TypeError: Object of type date is not JSON serializable (in the content hash)
    text = "name: frame\ncodes:\n  - {id: a, definition: x}\n"
    plain = load_codebook(_codebook_file(tmp_path, text))
    dated = load_codebook(_codebook_file(tmp_path, "version: 2024-01-01\n" + text))
    assert dated.version == "2024-01-01" and len(dated.hash) == 12 and dated.hash != plain.hash
    assert load_codebook(_codebook_file(tmp_path, text)).hash == plain.hash


@pytest.mark.parametrize("value", ["{1: a, b: c}", "&x [*x]"])
def test_regression_codebook_values_that_are_not_plain_data(tmp_path: Path, value: str) -> None:
    # was TypeError ('<' not supported between 'str' and 'int') / ValueError (circular
    # reference) from the content hash
    path = _codebook_file(tmp_path, f"name: {value}\ncodes:\n  - {{id: a, definition: x}}\n")
    with pytest.raises(CodebookError, match="(?s)cb.yaml has 1 problem.*cannot be read as plain"):
        load_codebook(path)


def test_regression_codebook_nested_too_deep(tmp_path: Path) -> None:
    # was RecursionError inside PyYAML
    path = _codebook_file(tmp_path, "[" * 5000 + "]" * 5000)
    with pytest.raises(CodebookError, match="(?s)cb.yaml has 1 problem.*nested hundreds deep"):
        load_codebook(path)


@pytest.mark.parametrize("text,line", [
    ("name: x\nversion: 2024-13-45\ncodes: [{id: a, definition: x}]\n", 2),
    ("codes: [{id: a, definition: x}]\nname: 0000-01-01\n", 2),
    ("codes:\n  - id: a\n    definition: !!int abc\n", 3)])
def test_regression_codebook_value_that_yaml_cannot_convert(tmp_path: Path, text: str,
                                                            line: int) -> None:
    # was ValueError (month must be in 1..12 / year 0 is out of range / invalid literal for
    # int()) raised by PyYAML without a line
    with pytest.raises(CodebookError, match=rf"(?s)cb.yaml has 1 problem.*line {line}, column "
                                            r"\d+: not valid YAML.*put it in quotes"):
        load_codebook(_codebook_file(tmp_path, text))


@pytest.mark.parametrize("name", ["a-file/cb.yaml", "x" * 300 + ".yaml"])
def test_regression_codebook_path_that_cannot_be_read(tmp_path: Path, name: str) -> None:
    # was NotADirectoryError / OSError (file name too long)
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    with pytest.raises(CodebookError, match="cannot be read"):
        load_codebook(tmp_path / name)


@pytest.mark.parametrize("member,damage", [("project.qde", "corrupt data"),
                                           ("project.qde", "encrypted flag"),
                                           ("project.qde", "unknown compression"),
                                           ("sources/a.txt", "corrupt data"),
                                           ("sources/a.txt", "unknown compression")])
def test_regression_qdpx_with_a_damaged_member(refi_store: tuple[Path, dict[str, str]],
                                               qdpx_bytes: bytes, tmp_path: Path,
                                               member: str, damage: str) -> None:
    # was zipfile.BadZipFile (bad CRC-32) / zlib.error / RuntimeError / NotImplementedError
    # from reading project.qde or a source out of the archive
    base, _ = refi_store
    path = tmp_path / "damaged.qdpx"
    path.write_bytes(_patch_member(qdpx_bytes, member, **_DAMAGE[damage]))
    store = tmp_path / "project.rmproj"
    shutil.copy(base, store)
    before = snapshot(store)
    with pytest.raises(InputError, match="damaged.qdpx"):
        import_codings(store, path, codebook=_codebook())
    code, output = run_cli(["import-codings", "--store", str(store), "--input", str(path)])
    assert code == 2 and output.startswith("Error:") and "damaged.qdpx" in output, output
    assert "Traceback" not in output
    assert snapshot(store) == before


def test_regression_damaged_docx_through_the_ingest_command(ingested_store: Path,
                                                            docx_bytes: bytes,
                                                            tmp_path: Path) -> None:
    # zlib.error: the ingest command printed "unexpected error ... This is a bug", exit 1
    store = tmp_path / "project.rmproj"
    shutil.copy(ingested_store, store)
    before = snapshot(store)
    data = _data_folder(tmp_path)
    (data / "journal.docx").write_bytes(_patch_member(docx_bytes, "word/document.xml",
                                                      damage=True))
    (data / "manifest.csv").write_text(MANIFEST_HEADER + f"a.txt,{_ROW}journal.docx,{_ROW}",
                                       encoding="utf-8")
    code, output = run_cli(["ingest", "--data", str(data), "--store", str(store)])
    assert code == 2 and "journal.docx: is not a readable Word document (damaged " \
        "compressed data)" in output, output
    assert snapshot(store) == before
