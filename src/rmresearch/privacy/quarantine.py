"""Withholding files that failed the leak check: moved out of the published folder.

A published file that holds a real name (or identifier) of the key must not stay under its
published name. `quarantine_leaks` moves each such file into a private quarantine folder (see
`rmresearch.paths.quarantine_dir`: beside the project store and the key, which hold real names
already), keeping its path relative to the output folder.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Iterable

from ..private import make_private, private_dir

__all__ = ["quarantine_leaks"]


def quarantine_leaks(output: str | Path, leaks: Iterable[Any], quarantine: str | Path
                     ) -> list[str]:
    """Move every file named in ``leaks`` out of ``output`` into ``quarantine``.

    Each file keeps its path relative to ``output`` (a file outside ``output`` keeps only its
    name); the quarantine folder and its parent are made owner-only (0700), as is every
    folder created inside it, and each moved file 0600, whatever the umask. A file already in
    the quarantine under that path is replaced; files named twice are moved once, and files
    that no longer exist are skipped.

    Parameters
    ----------
    output : str or Path
        The published folder the files are taken out of.
    leaks : iterable
        Leak-check findings (`rmresearch.privacy.Leak`, or anything with a ``file``).
    quarantine : str or Path
        The private folder the files go to.

    Returns
    -------
    list of str
        The moved files' paths relative to ``output`` (POSIX style), sorted.
    """
    root = Path(output).resolve()
    quarantine = Path(quarantine)
    moved = []
    for file in sorted({Path(leak.file).resolve() for leak in leaks}):
        if not file.exists():
            continue
        try:
            rel = file.relative_to(root)
        except ValueError:
            rel = Path(file.name)
        dest = quarantine / rel
        private_dir(dest.parent)
        for folder in [quarantine, *quarantine.parents][:2]:
            make_private(folder)
        dest.unlink(missing_ok=True)
        shutil.move(str(file), str(dest))
        make_private(dest)
        moved.append(rel.as_posix())
    return moved
