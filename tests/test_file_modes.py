"""What holds real names is created owner-only, whatever the umask: the project store (and its
-wal/-shm files), its default folder .rmresearch/, the pseudonym key and the quarantine."""
from __future__ import annotations

import os
import stat
from pathlib import Path
from types import SimpleNamespace
from typing import Iterator

import pytest

from rmresearch.cli import main
from rmresearch.ingest import ingest_folder
from rmresearch.paths import default_store_path, key_path, quarantine_dir
from rmresearch.privacy import Person, PseudonymKey
from rmresearch.privacy.quarantine import quarantine_leaks
from rmresearch.store import ProjectStore


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(params=[0o022, 0o000], ids=["umask022", "umask000"])
def umask(request: pytest.FixtureRequest) -> Iterator[int]:
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def test_ingest_creates_an_owner_only_store_in_owner_only_folders(
        umask: int, mini_data: Path, tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    store = shared / "new" / "deeper" / "project.rmproj"
    assert main(["ingest", "--data", str(mini_data), "--store", str(store)]) == 0
    assert mode(store) == 0o600
    assert mode(shared / "new") == mode(shared / "new" / "deeper") == 0o700
    assert mode(shared) == 0o755  # a folder the user had already is left as it is
    with ProjectStore.open(store) as st:  # the WAL files exist while a connection writes
        st.ingest(ingest_folder(mini_data), params={"again": True})
        siblings = [store.with_name(store.name + s) for s in ("-wal", "-shm")]
        assert all(p.exists() for p in siblings)
        assert [mode(p) for p in siblings] == [0o600, 0o600]
    assert main(["status", "--store", str(store)]) == 0


def test_the_default_store_folder_is_owner_only(umask: int, mini_data: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = default_store_path(mini_data)
    assert store.parent.name == ".rmresearch" and not store.parent.exists()
    with ProjectStore.open(store) as st:
        st.ingest(ingest_folder(mini_data))
    assert mode(tmp_path / ".rmresearch") == 0o700 and mode(store) == 0o600
    # a folder left 0755 by an earlier version is made private when a new store goes in it
    os.chmod(tmp_path / ".rmresearch", 0o755)
    with ProjectStore.open(default_store_path(tmp_path / "other")):
        pass
    assert mode(tmp_path / ".rmresearch") == 0o700


def test_an_existing_store_keeps_working(mini_data: Path, tmp_path: Path) -> None:
    store = tmp_path / "old.rmproj"
    with ProjectStore.open(store) as st:
        st.ingest(ingest_folder(mini_data))
    os.chmod(store, 0o644)  # as earlier versions created it
    with ProjectStore.open(store) as st:
        assert st.summary()["documents"] == 7
        st.ingest(ingest_folder(mini_data))
    assert main(["status", "--store", str(store)]) == 0


def test_the_key_is_owner_only(umask: int, tmp_path: Path) -> None:
    key = PseudonymKey([Person("Mentor A", "mentor", "Amara Okafor", pairs=["C1-P01"])])
    path = key_path(tmp_path / "private" / "project.rmproj")
    key.save(path)
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    path.write_text(path.read_text())
    os.chmod(path, 0o644)  # a key made readable by hand is private again once saved
    key.save(path)
    assert mode(path) == 0o600
    assert PseudonymKey.load(path).people[0].name == "Amara Okafor"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left


def test_the_quarantine_is_owner_only(umask: int, tmp_path: Path) -> None:
    output = tmp_path / "outputs"
    (output / "tables").mkdir(parents=True)
    leaks = []
    for name in ("index.html", "tables/names.csv"):
        (output / name).write_text("Amara Okafor", encoding="utf-8")
        leaks.append(SimpleNamespace(file=str(output / name)))
    assert mode(output / "index.html") == 0o666 & ~umask
    quarantine = quarantine_dir(tmp_path / "store" / "project.rmproj", output)
    moved = quarantine_leaks(output, leaks, quarantine)
    assert moved == ["index.html", "tables/names.csv"]
    folders = [quarantine.parent, quarantine, quarantine / "tables"]
    assert [mode(f) for f in folders] == [0o700] * 3
    assert [mode(quarantine / m) for m in moved] == [0o600, 0o600]
    assert not (output / "index.html").exists()


def test_review_sheets_are_owner_only(umask: int, store: Path, tmp_path: Path) -> None:
    from rmresearch.human.review import export_review
    from tests.conftest import queue_store

    queue_store(store)
    out = tmp_path / "sheets" / "review.xlsx"
    export_review(store, ["human:ana", "ben"], out)
    assert mode(out) == 0o600
