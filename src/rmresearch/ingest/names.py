"""What may become part of a path: ids used as names, and manifest files kept in their folder.

Pair and cohort ids name files and folders of the outputs (``feedback_<pair>.html``,
``feedback/<pair>/``, a cohort's appendix), so they are checked as names when the manifest is
read, and again where a pair id names an output (`check_name`): letters and digits (any
script), then letters, digits, spaces, ``-``, ``_`` and ``.``; no ``..``; at most
`MAX_NAME_LENGTH` characters; nothing that could be read as a folder (``/``, ``\\``), a hidden
file or a control character. A pair id ``../../../x`` cannot make anything write outside the
output folder.

A manifest's ``file`` is a path relative to the folder holding the manifest and must stay
inside it (`file_problem`): no absolute path (``/etc/passwd``, ``C:/x``, ``//server/share``),
no ``..`` that leads out, and no symbolic link (of the file or of a folder on its way) to a
place outside. Nothing outside the folder is opened or even looked up.
"""
from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath, PureWindowsPath

from ..errors import InputError

__all__ = ["MAX_NAME_LENGTH", "NAME_ALLOWED", "FILE_ALLOWED", "name_problem", "check_name",
           "file_problem"]

MAX_NAME_LENGTH = 100
NAME_ALLOWED = (f"a name of up to {MAX_NAME_LENGTH} characters that starts with a letter or a "
                "digit and holds only letters, digits, spaces, '-', '_' and '.' (no '..', no "
                "'/' or '\\'), e.g. C1-P02")
FILE_ALLOWED = ("a path relative to the folder holding the manifest that stays inside it, "
                "e.g. C1/P01/interview_1.vtt (no absolute path, no '..' out of the folder, no "
                "link to a file elsewhere: copy such files into the folder)")
_NAME = re.compile(r"[^\W_][\w .\-\u0300-\u036f]*")  # with combining accents (NFD)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def name_problem(value: str, what: str) -> str | None:
    """Why ``value`` cannot be a ``what`` (e.g. ``"pair id"``), or None when it can.

    Parameters
    ----------
    value : str
        The id as written (an empty value is for the caller to allow or refuse).
    what : str
        What the value is, for the message.

    Returns
    -------
    str or None
        A sentence naming the value and what is wrong with it.
    """
    shown = repr(value) if _CONTROL.search(value) else f"'{value}'"
    if len(value) > MAX_NAME_LENGTH:
        return f"{what} {shown[:40]}... is {len(value)} characters long"
    if _CONTROL.search(value):
        return f"{what} {shown} holds a control character (a tab or line break ...)"
    if "/" in value or "\\" in value or ".." in value:
        return f"{what} {shown} holds '/', '\\' or '..', which would name a folder"
    if not _NAME.match(value[:1]):
        return f"{what} {shown} does not start with a letter or a digit"
    if value != value.rstrip(" ."):
        return f"{what} {shown} ends with a space or '.'"
    if not _NAME.fullmatch(value):
        odd = next(c for c in value if not _NAME.fullmatch("a" + c))
        return (f"{what} {shown} holds '{odd}', which is not a letter, digit, space, '-', "
                "'_' or '.'")
    return None


def check_name(value: str, what: str, *, path: str | Path | None = None,
               line: int | None = None) -> str:
    """Return ``value`` if it may name a file or folder; raise `InputError` otherwise.

    Raises
    ------
    InputError
        Naming the value, what is wrong and what is allowed.
    """
    problem = name_problem(value, what)
    if problem:
        raise InputError(problem + ".", path=path, line=line, allowed=NAME_ALLOWED + ".")
    return value


def _is_absolute(file: str) -> bool:
    windows = PureWindowsPath(file)
    return PurePosixPath(file).is_absolute() or bool(windows.drive or windows.root)


def file_problem(file: str, folder: Path) -> str | None:
    """Why the manifest's ``file`` does not lie inside ``folder``, or None when it does.

    Lexical checks come first (absolute, control characters, ``..`` out of the folder), so a
    path that leads out is refused without looking at the disk; then the path is resolved
    (symbolic links followed) and must still lie inside the resolved folder.
    """
    if _CONTROL.search(file):
        return f"file {file!r} holds a control character"
    if _is_absolute(file):
        return f"file '{file}' is an absolute path"
    normal = os.path.normpath(file)
    if normal == ".." or normal.startswith("../"):
        return f"file '{file}' leads out of the data folder {folder} with '..'"
    try:
        root = folder.resolve()
        target = (folder / file).resolve()
    except (OSError, RuntimeError):
        return f"file '{file}' cannot be resolved (a link that points at itself?)"
    if target != root and root not in target.parents:
        return (f"file '{file}' is a symbolic link (or lies in a linked folder) that leads "
                f"out of the data folder {folder}")
    return None
