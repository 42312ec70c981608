"""A .qdpx's text is read only from inside the archive (issue 18, item 7): a
``plainTextPath`` that is ``absolute://``, ``relative://``, a bare path or relative to the
project's ``basePath`` is refused, nothing is opened on the local disk, and the refusal does
not reveal anything about the file it pointed at (not even its length)."""
from __future__ import annotations

import sys
import uuid
import zipfile
from pathlib import Path

import pytest

from rmresearch.errors import InputError
from rmresearch.refi.read import read_qdpx
from tests.conftest import C_IND, other_tool_qdpx, qdpx_selection

SECRET = "Payroll 4471923 belongs to Femi Obi. " * 37  # 1,369 characters
_OPENED: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    if _OPENED is not None and event == "open" and isinstance(args[0], (str, bytes, Path)):
        _OPENED.append(str(args[0]))


sys.addaudithook(_audit)


def _opened_while(call) -> list[str]:
    """Every path opened (audit event ``open``) while ``call`` ran; what it raised."""
    global _OPENED
    _OPENED = []
    try:
        with pytest.raises(InputError) as info:
            call()
        return _OPENED + [str(info.value)]
    finally:
        _OPENED = None


def _qdpx(path: Path, ref: str, base_path: str | None = None,
          files: dict[str, bytes] | None = None) -> Path:
    """A project whose one source has ``plainTextPath=ref`` and a selection running past
    the secret's length (so reading the secret would fail on, and print, its length)."""
    sel = qdpx_selection(1, 0, len(SECRET) + 5, [C_IND])
    source = (f'<TextSource guid="{uuid.UUID(int=7)}" name="C1/interview1" '
              f'plainTextPath="{ref}">{sel}</TextSource>')
    other_tool_qdpx(path, source, files)
    if base_path is not None:
        with zipfile.ZipFile(path) as zf:
            members = {n: zf.read(n) for n in zf.namelist()}
        members["project.qde"] = members["project.qde"].replace(
            b"<Project ", f'<Project basePath="{base_path}" '.encode(), 1)
        with zipfile.ZipFile(path, "w") as zf:
            for name, data in members.items():
                zf.writestr(name, data)
    return path


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    folder = tmp_path / "private"
    folder.mkdir()
    path = folder / "a.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


def _cases(tmp: Path, secret: Path) -> dict[str, Path]:
    work = tmp / "work"
    work.mkdir()
    return {
        "absolute": _qdpx(work / "abs.qdpx", f"absolute://{secret}"),
        "absolute with a drive": _qdpx(work / "drive.qdpx", "absolute:///C:/private/a.txt"),
        "relative up": _qdpx(work / "rel.qdpx", "relative://../private/a.txt"),
        "basePath": _qdpx(work / "base.qdpx", "relative://a.txt", base_path=str(secret.parent)),
        "bare path": _qdpx(work / "bare.qdpx", str(secret)),
        "relative, also in the archive": _qdpx(work / "both.qdpx", "relative://a.txt",
                                               files={"sources/a.txt": b"inside"}),
    }


@pytest.mark.parametrize("case", ["absolute", "absolute with a drive", "relative up", "basePath",
                                  "bare path", "relative, also in the archive"])
def test_a_path_outside_the_archive_is_refused_and_never_opened(tmp_path: Path, secret: Path,
                                                                case: str) -> None:
    path = _cases(tmp_path, secret)[case]
    *opened, message = _opened_while(lambda: read_qdpx(path))
    assert not [p for p in opened if "private" in p], opened
    assert "text source 'C1/interview1' points at" in message and path.name in message
    assert "never from this computer's disk" in message and "internal://" in message
    assert str(len(SECRET)) not in message and "characters" not in message
    assert "4471923" not in message


def test_internal_sources_are_still_read(tmp_path: Path) -> None:
    text = "Amara: Hello. Helen: I thanked the porters by name in the huddle.\n"
    sel = qdpx_selection(1, 0, 12, [C_IND])
    path = other_tool_qdpx(tmp_path / "ok.qdpx",
                           f'<TextSource guid="{uuid.UUID(int=7)}" name="C1/interview1" '
                           f'plainTextPath="internal://a.txt">{sel}</TextSource>',
                           {"sources/a.txt": text.encode("utf-8")})
    project = read_qdpx(path)
    assert project.sources[0].text == text


def test_an_internal_path_with_dot_dot_reads_nothing_from_disk(tmp_path: Path,
                                                               secret: Path) -> None:
    """``internal://../private/a.txt`` names an archive member; the disk is never asked."""
    work = tmp_path / "work"
    work.mkdir()
    path = _qdpx(work / "dots.qdpx", "internal://../private/a.txt")
    *opened, message = _opened_while(lambda: read_qdpx(path))
    assert not [p for p in opened if "private" in p]
    assert "not in the archive's sources/ folder" in message
    assert str(len(SECRET)) not in message
