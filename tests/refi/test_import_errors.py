"""REFI-QDA import and export end in a clear message, never "unexpected ... this is a bug"
(issue 18, item 12): a project.qde with XML entities is refused; a full disk or running out of
memory names the file and says what to do; the store and the output are left as they were."""
from __future__ import annotations

import errno
import sqlite3
import uuid
import zipfile
from pathlib import Path

import pytest

from rmresearch.cli import main
from rmresearch.errors import InputError, ResourceError
from rmresearch.human.sheets import import_codings
from rmresearch.refi.read import read_qdpx
from rmresearch.store import ProjectStore
from tests.conftest import C_IND, other_tool_qdpx, qdpx_selection, queue_store, snapshot

DTD = b'<!DOCTYPE Project [<!ENTITY custom "planted words">]>\n'


def _interview(store: Path) -> tuple[str, list[tuple[int, int]]]:
    with ProjectStore.open(store) as st:
        text = st.documents().set_index("doc_id").loc["C1/interview1", "text"]
        segs = st.segments()
    segs = segs[segs["doc_id"] == "C1/interview1"]
    return text, list(zip(segs["start"], segs["end"]))


def _qdpx(store: Path, path: Path, content: str | None = None, dtd: bytes = b"") -> Path:
    """A project coding one segment of C1/interview1; ``content`` replaces the text inline
    (as PlainTextContent) and ``dtd`` goes before the root element."""
    text, spans = _interview(store)
    start, end = spans[1]
    sel = qdpx_selection(1, int(start), int(end), [C_IND])
    ref = ('plainTextPath="internal://a.txt"' if content is None else "")
    inline = f"<PlainTextContent>{content}</PlainTextContent>" if content is not None else ""
    source = (f'<TextSource guid="{uuid.UUID(int=7)}" name="C1/interview1" {ref}>{inline}{sel}'
              "</TextSource>")
    other_tool_qdpx(path, source, {"sources/a.txt": text.encode("utf-8")})
    if dtd:
        with zipfile.ZipFile(path) as zf:
            members = {n: zf.read(n) for n in zf.namelist()}
        members["project.qde"] = members["project.qde"].replace(b"?>\n", b"?>\n" + dtd, 1)
        with zipfile.ZipFile(path, "w") as zf:
            for name, data in members.items():
                zf.writestr(name, data)
    return path


def _import(store: Path, path: Path, capsys) -> tuple[int, str]:
    capsys.readouterr()
    code = main(["import-codings", "--store", str(store), "--input", str(path)])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("content, dtd, needle", [
    ("Helen: I &custom; thanked the porters", DTD, "uses XML entities (&custom;)"),
    (None, DTD, "declares a DOCTYPE"),
    (None, b"<!DOCTYPE Project>\n", "declares a DOCTYPE"),
])
def test_a_qde_with_entities_is_refused_clearly(store: Path, tmp_path: Path, capsys,
                                                content: str | None, dtd: bytes,
                                                needle: str) -> None:
    path = _qdpx(store, tmp_path / "entity.qdpx", content, dtd)
    with pytest.raises(InputError, match="REFI-QDA project files never do"):
        read_qdpx(path)
    before = snapshot(store)
    code, err = _import(store, path, capsys)
    assert code == 2 and err.startswith("Error:"), err
    assert "entity.qdpx" in err and needle in err and "Export the project again" in err
    assert "unexpected" not in err and "Traceback" not in err
    assert snapshot(store) == before


def test_an_entity_in_an_attribute_is_refused_too(store: Path, tmp_path: Path) -> None:
    path = _qdpx(store, tmp_path / "attr.qdpx", dtd=DTD)
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["project.qde"] = members["project.qde"].replace(b'name="Other tool"',
                                                            b'name="&custom;"')
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(InputError, match="DOCTYPE"):
        read_qdpx(path)


def test_the_same_project_without_entities_imports(store: Path, tmp_path: Path) -> None:
    path = _qdpx(store, tmp_path / "fine.qdpx")
    assert import_codings(store, path)["codings"] == {"human:sam-jones": 1}


def test_memory_running_out_while_reading_names_the_qdpx(store: Path, tmp_path: Path,
                                                         capsys, monkeypatch) -> None:
    path = _qdpx(store, tmp_path / "big.qdpx")

    def no_memory(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(zipfile.ZipFile, "read", no_memory)
    with pytest.raises(ResourceError, match="big.qdpx: the computer ran out of memory"):
        read_qdpx(path)
    before = snapshot(store)
    code, err = _import(store, path, capsys)
    assert code == 1 and "big.qdpx" in err and "ran out of memory" in err
    assert "Close other programs" in err and "split it into smaller files" in err
    assert "unexpected" not in err and "bug" not in err and "Traceback" not in err
    assert snapshot(store) == before


@pytest.mark.parametrize("failure", [
    sqlite3.OperationalError("database or disk is full"),
    OSError(errno.ENOSPC, "No space left on device"),
])
def test_a_full_disk_while_importing_names_the_files(store: Path, tmp_path: Path, capsys,
                                                     monkeypatch, failure) -> None:
    path = _qdpx(store, tmp_path / "codes.qdpx")

    def full(self, *args, **kwargs):
        raise failure

    monkeypatch.setattr(ProjectStore, "revise_human_codings", full)
    before = snapshot(store)
    code, err = _import(store, path, capsys)
    assert code == 1, err
    assert "codes.qdpx" in err and str(store) in err and "the disk is full" in err
    assert "The project store is as it was." in err and "Free some space" in err
    assert "unexpected" not in err and "bug" not in err and "Traceback" not in err
    assert snapshot(store) == before


def test_a_full_disk_while_importing_a_sheet(store: Path, tmp_path: Path, monkeypatch) -> None:
    with ProjectStore.open(store) as st:
        sid = st.segments()["segment_id"].iloc[0]
    sheet = tmp_path / "ana.csv"
    sheet.write_text(f"segment_id,individual\n{sid},1\n", encoding="utf-8")

    def full(self, *args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ProjectStore, "revise_human_codings", full)
    with pytest.raises(ResourceError) as info:
        import_codings(store, sheet, coder="ana")
    assert str(info.value).startswith(f"{sheet}: the disk is full")
    assert info.value.exit_code == 1


@pytest.mark.parametrize("failure, needle", [
    (OSError(errno.ENOSPC, "No space left on device"), "the disk is full"),
    (MemoryError(), "ran out of memory"),
])
def test_export_out_of_space_or_memory_is_clear(store: Path, tmp_path: Path, capsys,
                                                monkeypatch, failure, needle) -> None:
    queue_store(store)  # human and machine codings to export
    out = tmp_path / "exports" / "project.qdpx"

    def fail(self, *args, **kwargs):
        raise failure

    monkeypatch.setattr(Path, "write_bytes", fail)
    capsys.readouterr()
    code = main(["export", "project", "--store", str(store), "--output", str(out),
                 "--no-pseudonymise"])
    err = capsys.readouterr().err
    assert code == 1, err
    assert needle in err and "rmresearch export project" in err
    assert f"'{out}' (--output)" in err and f"'{store}' (--store)" in err
    assert "unexpected" not in err and "bug" not in err and "Traceback" not in err
    assert not out.exists() and list(out.parent.iterdir()) == []  # no half-written file


def test_other_errors_are_still_reported_as_bugs(store: Path, tmp_path: Path, capsys,
                                                 monkeypatch) -> None:
    queue_store(store)

    def broken(self, *args, **kwargs):
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(Path, "write_bytes", broken)
    code = main(["export", "project", "--store", str(store), "--output",
                 str(tmp_path / "p.qdpx"), "--no-pseudonymise"])
    err = capsys.readouterr().err
    assert code == 1 and "unexpected PermissionError" in err and "disk is full" not in err
