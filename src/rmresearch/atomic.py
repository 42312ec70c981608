"""Atomic file writes: write to a temporary name in the same folder, then rename.

A reader never sees a half-written file; a run killed mid-write leaves only a stray
``.tmp`` file that the next run ignores. The temporary file is created owner-only (0600, as
`tempfile.mkstemp` makes it) and keeps that mode when renamed; ``private=True`` (the pseudonym
key) also sets 0600 explicitly, whatever the umask, and creates missing folders 0700 (see
`rmresearch.private`).
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator

from .faults import checkpoint
from .private import FILE_MODE, private_dir

__all__ = ["atomic_path", "atomic_write_bytes", "atomic_write_text"]


@contextlib.contextmanager
def atomic_path(path: str | Path, *, private: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it over ``path``.

    On an exception the temporary file is removed and ``path`` is left as it was. With
    ``private`` the file is made 0600 and missing folders 0700, whatever the umask.
    """
    path = Path(path)
    if private:
        private_dir(path.parent)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    if private:
        os.chmod(tmp_path, FILE_MODE)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        if private:  # again: a writer may have replaced the file rather than written it
            os.chmod(tmp_path, FILE_MODE)
        checkpoint("atomic.before_rename")
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def atomic_write_bytes(path: str | Path, data: bytes, *, private: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically and return the path (``private``: see
    `atomic_path`)."""
    with atomic_path(path, private=private) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8", *,
                      private: bool = False) -> Path:
    """Write ``text`` to ``path`` atomically (LF line endings kept as given; ``private``: see
    `atomic_path`)."""
    return atomic_write_bytes(path, text.encode(encoding), private=private)
