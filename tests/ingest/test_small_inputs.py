"""Small careless or hostile inputs (issue 18, item 12): impossible VTT times, impossible
manifest dates and Word documents with XML entities are refused naming the file, the line or
row and what is allowed, never accepted or cut short in silence."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from rmresearch.cli import main
from rmresearch.errors import InputError, ManifestError
from rmresearch.ingest import ingest_folder
from rmresearch.ingest.manifest import read_manifest
from rmresearch.ingest.text import read_docx
from rmresearch.ingest.vtt import parse_vtt
from tests.conftest import MANIFEST_HEADER, write_docx

ROW = "C1,C1-P01,interview,mentor,session_1,2024-10-03,Amara Okafor,Helen Marsh"


def _vtt(timing: str) -> str:
    """A transcript of three cues whose second cue (its timing on line 7) is ``timing``."""
    return ("WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\n<v Amara Okafor>How was the week?</v>"
            f"\n\n{timing}\n<v Helen Marsh>I thanked the porters by name.</v>\n\n"
            "00:00:12.000 --> 00:00:15.000\n<v Amara Okafor>Good to hear.</v>\n")


@pytest.mark.parametrize("timing, needle", [
    ("00:99:00.000 --> 00:99:05.000", "'00:99:00.000'"),
    ("00:00:75.000 --> 00:00:76.000", "seconds out of range"),
    ("00:00:05.000 --> 00:61:00.000", "minutes out of range"),
    ("inf --> nan", "'inf --> nan' does not hold two valid times"),
    ("nan --> 00:00:09.000", "does not hold two valid times"),
    ("00:00:05.000 --> inf", "does not hold two valid times"),
    ("9" * 400 + ":00:00.000 --> 00:00:09.000", "hours out of range"),
    ("1000:00:00.000 --> 1000:00:01.000", "hours out of range"),
    ("00:00:05 --> 00:00:09", "does not hold two valid times"),
    ("00:00:09.000 --> 00:00:05.000", "ends before it starts"),
])
def test_impossible_cue_times_are_refused_with_the_line(timing: str, needle: str) -> None:
    with pytest.raises(InputError) as info:
        parse_vtt(_vtt(timing), Path("C1/interview.vtt"))
    err = info.value
    assert err.path == "C1/interview.vtt" and err.line == 7
    assert needle in str(err), str(err)
    assert "minutes and seconds 00-59" in err.allowed


def test_valid_times_keep_their_seconds() -> None:
    text = ("WEBVTT\n\n01:02.500 --> 01:03.000\n<v A>One.</v>\n\n"
            "01:00:59.250 --> 01:01:00,000 align:start\n<v B>Two.</v>\n\n"
            "999:59:59.999 --> 999:59:59.999\n<v A>Three.</v>\n")
    doc = parse_vtt(text, Path("t.vtt"))
    assert [round(t, 3) for _, t in doc.cues] == [62.5, 3659.25, 999 * 3600 + 3599.999]


def test_an_impossible_time_through_the_command_line(tmp_path: Path, capsys) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "talk.vtt").write_text(_vtt("00:99:00.000 --> 00:99:05.000"), encoding="utf-8")
    (data / "manifest.csv").write_text(MANIFEST_HEADER + f"talk.vtt,{ROW}\n", encoding="utf-8")
    store = tmp_path / "p.rmproj"
    assert main(["ingest", "--data", str(data), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error:") and "Traceback" not in err
    assert "talk.vtt, line 7" in err and "minutes out of range" in err and "00-59" in err
    assert not store.exists()


# ------------------------------------------------------------------------- manifest dates
@pytest.mark.parametrize("value, why", [
    ("2024-13-45", "month must be in 1..12"),
    ("2024-02-30", "day is out of range for month"),
    ("2023-02-29", "day is out of range for month"),
    ("03/10/2024", "is not written as YYYY-MM-DD"),
    ("2024-1-5", "is not written as YYYY-MM-DD"),
])
def test_impossible_manifest_dates_are_refused(tmp_path: Path, value: str, why: str) -> None:
    (tmp_path / "a.txt").write_text("Amara: Hello.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Helen: Hi.\n", encoding="utf-8")
    good = ROW.replace("interview,", "journal,")
    (tmp_path / "manifest.csv").write_text(
        MANIFEST_HEADER + f"a.txt,{good}\nb.txt,{good.replace('2024-10-03', value)}\n",
        encoding="utf-8")
    with pytest.raises(ManifestError) as info:
        read_manifest(tmp_path / "manifest.csv")
    message = str(info.value)
    assert message.startswith(str(tmp_path / "manifest.csv"))
    assert f"line 3, column 'date': '{value}' " in message and why in message
    assert "YYYY-MM-DD" in message and "line 2" not in message


def test_real_dates_including_a_leap_day_are_kept(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Amara: Hello.\n", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text(
        MANIFEST_HEADER + "a.txt," + ROW.replace("2024-10-03", "2024-02-29") + "\n",
        encoding="utf-8")
    assert read_manifest(tmp_path / "manifest.csv")["date"].tolist() == ["2024-02-29"]


def test_an_impossible_date_through_the_command_line(mini_data: Path, tmp_path: Path,
                                                     capsys) -> None:
    manifest = mini_data / "manifest.csv"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("2024-11-10", "2024-13-45",
                                                                     1), encoding="utf-8")
    store = tmp_path / "p.rmproj"
    assert main(["ingest", "--data", str(mini_data), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error:") and "Traceback" not in err
    assert "manifest.csv" in err and "line 4, column 'date': '2024-13-45'" in err
    assert "YYYY-MM-DD" in err and not store.exists()


# ------------------------------------------------------------------------- .docx entities
def _docx_with(tmp_path: Path, name: str, edit) -> Path:
    """A Word document whose paragraph ``Before MARK after the mark.`` is edited as XML."""
    plain = tmp_path / "plain.docx"
    write_docx(plain, ["Before MARK after the mark.", "Second paragraph."])
    out = tmp_path / name
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info, edit(data) if info.filename == "word/document.xml" else data)
    return out


def _declared(data: bytes) -> bytes:
    data = data.replace(b"MARK", b"&custom;")
    return data.replace(b"?>", b'?><!DOCTYPE w:document [<!ENTITY custom "planted">]>', 1)


def test_a_declared_entity_is_refused_not_cut_short(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        read_docx(_docx_with(tmp_path, "journal.docx", _declared))
    message = str(info.value)
    assert "journal.docx" in message and "&custom;" in message and "DOCTYPE" in message
    assert "save it again as .docx" in message


def test_a_doctype_without_entities_is_refused(tmp_path: Path) -> None:
    path = _docx_with(tmp_path, "d.docx", lambda d: d.replace(
        b"?>", b"?><!DOCTYPE w:document>", 1))
    with pytest.raises(InputError, match="starts with a DOCTYPE declaration"):
        read_docx(path)


def test_an_undefined_entity_is_refused_naming_it(tmp_path: Path) -> None:
    path = _docx_with(tmp_path, "u.docx", lambda d: d.replace(b"MARK", b"&custom;"))
    with pytest.raises(InputError) as info:
        read_docx(path)
    assert "u.docx" in str(info.value) and "Entity 'custom' not defined" in str(info.value)


def test_standard_character_references_keep_the_whole_paragraph(tmp_path: Path) -> None:
    path = _docx_with(tmp_path, "s.docx", lambda d: d.replace(b"MARK", b"&amp; &#169; &lt;"))
    assert read_docx(path).text == "Before & \u00a9 < after the mark.\nSecond paragraph.\n"


def test_an_entity_docx_through_the_command_line(tmp_path: Path, capsys) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _docx_with(data, "journal.docx", _declared)
    (data / "manifest.csv").write_text(
        MANIFEST_HEADER + "journal.docx," + ROW.replace("interview,", "journal,") + "\n",
        encoding="utf-8")
    with pytest.raises(InputError):
        ingest_folder(data)
    store = tmp_path / "p.rmproj"
    assert main(["ingest", "--data", str(data), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error:") and "Traceback" not in err
    assert "journal.docx" in err and "&custom;" in err and not store.exists()
