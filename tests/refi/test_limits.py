""".qdpx files are checked against the archive limits (entries, unpacked size, compression
ratio, a directory that understates an entry) before any entry is read."""
from __future__ import annotations

import struct
import uuid
import zipfile
from pathlib import Path

import pytest

from rmresearch.config import MAX_UNZIPPED_MB_ENV, MAX_ZIP_ENTRIES_ENV
from rmresearch.errors import InputError
from rmresearch.refi.read import read_qdpx
from tests.conftest import C_IND, other_tool_qdpx, qdpx_selection, snapshot

MB = 1024 * 1024
TEXT = "Helen: I thanked the porters by name in the huddle.\n"


def _source() -> str:
    return (f'<TextSource guid="{uuid.UUID(int=7)}" name="C1/interview1" '
            f'plainTextPath="internal://a.txt">{qdpx_selection(1, 7, 51, [C_IND])}'
            "</TextSource>")


def _qdpx(path: Path, extra: dict[str, bytes] | None = None) -> Path:
    return other_tool_qdpx(path, _source(), {"sources/a.txt": TEXT.encode(), **(extra or {})})


def _add_stream(path: Path, name: str, block: bytes, times: int) -> Path:
    """Append a member of ``block * times`` bytes, deflated as it is written."""
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as zf, \
            zf.open(name, "w") as sink:
        for _ in range(times):
            sink.write(block)
    return path


def test_a_normal_qdpx_still_reads(tmp_path: Path) -> None:
    project = read_qdpx(_qdpx(tmp_path / "ok.qdpx"))
    [source] = project.sources
    assert source.text == TEXT
    sel = source.selections[0]
    assert source.text[sel.start:sel.end] == "I thanked the porters by name in the huddle."


def test_a_qdpx_bomb_is_refused_before_anything_is_read(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = _add_stream(_qdpx(tmp_path / "bomb.qdpx"), "sources/b.txt",
                       b"I thanked the porters by name in the huddle. " * 10_000, 330)
    assert path.stat().st_size < MB
    with pytest.raises(InputError) as err:
        read_qdpx(path)
    assert str(err.value).startswith(f"{path}: the archive unpacks to 141.6 MB, more than "
                                     "the 100 MB limit")
    assert f"{MAX_UNZIPPED_MB_ENV}=N" in str(err.value)
    monkeypatch.setenv(MAX_UNZIPPED_MB_ENV, "0")
    with pytest.raises(InputError, match=r"entry 'sources/b.txt' unpacks .* a zip bomb"):
        read_qdpx(path)


def test_a_qdpx_with_too_many_entries_is_refused(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = _qdpx(tmp_path / "many.qdpx", {f"sources/{i}.txt": b"x" for i in range(30)})
    assert len(read_qdpx(path).sources) == 1
    monkeypatch.setenv(MAX_ZIP_ENTRIES_ENV, "25")
    with pytest.raises(InputError, match=rf"many.qdpx: the archive holds 32 entries, more than "
                                         rf"the limit of 25 .*{MAX_ZIP_ENTRIES_ENV}=N"):
        read_qdpx(path)


def test_a_qdpx_whose_directory_understates_project_qde_is_refused(tmp_path: Path) -> None:
    path = _qdpx(tmp_path / "liar.qdpx")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("project.qde")
    assert info.file_size > 200
    end = data.rindex(b"PK\x05\x06")
    central = struct.unpack_from("<I", data, end + 16)[0]      # project.qde is listed first
    struct.pack_into("<I", data, central + 24, 100)
    struct.pack_into("<I", data, info.header_offset + 22, 100)
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="liar.qdpx: entry 'project.qde' unpacks to more than "
                                         "the 100 bytes the archive's directory declares"):
        read_qdpx(path)


def test_a_qdpx_bomb_through_import_codings(store: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture) -> None:
    from rmresearch import cli

    path = _add_stream(_qdpx(tmp_path / "bomb.qdpx"), "sources/b.txt", b"x" * MB, 200)
    before = snapshot(store)
    assert cli.main(["import-codings", "--store", str(store), "--input", str(path),
                     "--format", "qdpx"]) == 2
    err = capsys.readouterr().err
    assert "bomb.qdpx: the archive unpacks to 200.0 MB" in err and MAX_UNZIPPED_MB_ENV in err
    assert "Traceback" not in err
    assert snapshot(store) == before
