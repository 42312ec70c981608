"""Owner-only files and folders, for what holds real names: the store, the key, the quarantine.

The project store (and SQLite's ``-wal``/``-shm`` files beside it, which SQLite creates with
the store's own permissions), the pseudonym key and the quarantine of withheld files are
created readable and writable by their owner only: files 0600, folders 0700. The modes are
set explicitly after creation (``chmod``), so they do not depend on the umask.

Only what rmresearch creates is made private: an existing folder the user chose (say the
home folder holding ``--store ~/x.rmproj``) keeps its permissions. The one exception is
rmresearch's own folder for default stores (``.rmresearch/``, see
`rmresearch.paths.default_store_path`): when a new store is created in it, it is made 0700
even if an earlier version created it 0755. Existing store files are opened as they are.
"""
from __future__ import annotations

import os
from pathlib import Path

from .paths import default_store_path

__all__ = ["FILE_MODE", "DIR_MODE", "private_dir", "private_file", "private_store_file",
           "make_private"]

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: str | Path) -> Path:
    """Create folder ``path`` and any missing parents, each new one owner-only (0700).

    Folders that exist already are left as they are. Returns ``path`` as a `Path`.
    """
    path = Path(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.is_dir():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:  # made by another process meanwhile: not ours to change
            continue
        os.chmod(folder, DIR_MODE)
    return path


def private_file(path: str | Path) -> bool:
    """Create an empty owner-only (0600) file at ``path`` if none is there (its missing
    folders owner-only, see `private_dir`); True if it was created, False if it existed."""
    path = Path(path)
    if path.exists():
        return False
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return False
    os.close(fd)
    os.chmod(path, FILE_MODE)
    return True


def private_store_file(path: str | Path) -> bool:
    """`private_file` for a project store, and its folder made 0700 when it is the default
    store folder (``.rmresearch/``); True if the store file was created."""
    path = Path(path)
    created = private_file(path)
    if created and path.parent.resolve() == default_store_path(path).parent.resolve():
        make_private(path.parent)
    return created


def make_private(path: str | Path) -> Path:
    """Make an existing file 0600 (a folder 0700); returns ``path`` as a `Path`."""
    path = Path(path)
    os.chmod(path, DIR_MODE if path.is_dir() else FILE_MODE)
    return path
