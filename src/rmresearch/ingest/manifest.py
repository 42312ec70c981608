"""The manifest: a CSV that says what each file in a data folder is.

Columns (header row, any order)::

    file, cohort, pair_id, source, author_role, stage, date      required
    doc_id, mentor, mentee                                      optional

``file`` is relative to the folder holding the manifest and must stay inside it (no absolute
path, no ``..`` out of it, no symbolic link to a file elsewhere: `names.file_problem`).
``cohort`` and ``pair_id`` name output files, so they must be names (`names.NAME_ALLOWED`).
``doc_id`` defaults to the file path without its extension. ``mentor``/``mentee`` are the
names of the pair's two people; they give speaker roles to ``Name:`` turns and feed
pseudonymisation. ``pair_id`` may be empty for cohort-wide files such as evaluation forms.
Every problem is reported at once.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

from ..errors import ManifestError, join_allowed
from ..vocabulary import AUTHOR_ROLES, SOURCES
from .names import FILE_ALLOWED, NAME_ALLOWED, file_problem, name_problem
from .tables import read_table

__all__ = ["MANIFEST_NAMES", "REQUIRED", "OPTIONAL", "SUFFIXES", "find_manifest", "read_manifest"]

MANIFEST_NAMES = ("manifest.csv", "manifest.xlsx")
REQUIRED = ("file", "cohort", "pair_id", "source", "author_role", "stage", "date")
OPTIONAL = ("doc_id", "mentor", "mentee")
SUFFIXES = (".txt", ".md", ".docx", ".vtt", ".csv", ".xlsx")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_EXPECTED = ("a manifest.csv with one row per file and the columns "
             + ", ".join(REQUIRED) + " (optional: " + ", ".join(OPTIONAL) + "), e.g.\n"
             "file,cohort,pair_id,source,author_role,stage,date,mentor,mentee\n"
             "C1/P01/interview_1.vtt,C1,C1-P01,interview,mentor,session_1,2024-10-03,"
             "Amara Okafor,Helen Marsh")


def find_manifest(folder: Path) -> Path:
    """Return the manifest of ``folder`` or raise a `ManifestError` showing the columns."""
    if not folder.is_dir():
        raise ManifestError("is not a folder.", path=folder,
                            allowed="a folder of notes, transcripts and forms with a manifest.")
    for name in MANIFEST_NAMES:
        if (folder / name).is_file():
            return folder / name
    raise ManifestError("has no manifest.csv, so rmresearch cannot tell which cohort, pair "
                        "and source each file belongs to.", path=folder, allowed=_EXPECTED)


def _default_doc_id(file: str) -> str:
    """The file path without its extension ('' or '/' have no name: reported as problems)."""
    return str(Path(file).with_suffix("")) if Path(file).name else file


def _file_problems(file: str, line: int, folder: Path) -> list[str]:
    """The ``file`` cell: a known type, inside ``folder`` (checked before the disk is asked
    whether it exists), and an existing file."""
    if Path(file).suffix.lower() not in SUFFIXES:
        return [f"line {line}: file '{file}' has an unknown type; allowed: "
                f"{join_allowed(SUFFIXES)}"]
    outside = file_problem(file, folder)
    if outside:
        return [f"line {line}: {outside}; allowed: {FILE_ALLOWED}"]
    if not (folder / file).is_file():
        return [f"line {line}: file '{file}' does not exist in {folder}"]
    return []


def _date_problem(value: str) -> str | None:
    """Why ``value`` is not a YYYY-MM-DD calendar date (None when it is one)."""
    if not _DATE.match(value):
        return "is not written as YYYY-MM-DD"
    try:
        date.fromisoformat(value)
    except ValueError as exc:  # e.g. "month must be in 1..12", "day is out of range for month"
        return f"is not a real date ({exc})"
    return None


def _row_problems(row: pd.Series, line: int, folder: Path) -> list[str]:
    out = []
    for col in ("file", "cohort", "source", "author_role", "stage"):
        if not row[col]:
            out.append(f"line {line}: column '{col}' is empty")
    for col, what in (("cohort", "cohort id"), ("pair_id", "pair id")):
        bad = name_problem(row[col], what) if row[col] else None
        if bad:
            out.append(f"line {line}: {bad}; allowed: {NAME_ALLOWED}")
    if row["source"] and row["source"] not in SOURCES:
        out.append(f"line {line}: source '{row['source']}' is not one of {join_allowed(SOURCES)}")
    if row["author_role"] and row["author_role"] not in AUTHOR_ROLES:
        out.append(f"line {line}: author_role '{row['author_role']}' is not one of "
                   f"{join_allowed(AUTHOR_ROLES)}")
    if row["date"]:
        bad_date = _date_problem(row["date"])
        if bad_date:
            out.append(f"line {line}, column 'date': '{row['date']}' {bad_date}; allowed: a "
                       "date like 2024-10-03 (YYYY-MM-DD, a real day of the calendar)")
    if row["file"]:
        out += _file_problems(row["file"], line, folder)
    return out


def read_manifest(path: str | Path) -> pd.DataFrame:
    """Read and check a manifest; return one row per file with every column filled.

    Raises
    ------
    ManifestError
        Listing every problem with its line number (the header is line 1).
    """
    path = Path(path)
    df = read_table(path)
    df.columns = [c.strip().lower() for c in df.columns]
    same = sorted({c for c in df.columns if list(df.columns).count(c) > 1})
    if same:
        raise ManifestError(f"two or more columns are named {same} once upper/lower case and "
                            "spaces are ignored, so rmresearch cannot tell which to use.",
                            path=path, line=1, allowed=_EXPECTED)
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise ManifestError(f"is missing column(s) {missing}; found {list(df.columns)}.",
                            path=path, line=1, allowed=_EXPECTED)
    for col in OPTIONAL:
        if col not in df.columns:
            df[col] = ""
    df = df[list(REQUIRED + OPTIONAL)].apply(lambda s: s.str.strip())
    df["source"], df["author_role"] = df["source"].str.lower(), df["author_role"].str.lower()
    df["file"] = df["file"].str.replace("\\", "/", regex=False)
    if df.empty:
        raise ManifestError("lists no files.", path=path, allowed=_EXPECTED)
    empty_id = df["doc_id"] == ""
    df.loc[empty_id, "doc_id"] = df.loc[empty_id, "file"].map(_default_doc_id)
    problems = [p for i, row in df.iterrows() for p in _row_problems(row, int(i) + 2, path.parent)]
    for col in ("doc_id", "file"):
        dup = df[col][df[col].duplicated(keep=False)]
        for value in sorted(set(dup)):
            lines = [int(i) + 2 for i in dup[dup == value].index]
            problems.append(f"lines {lines}: duplicate {col} '{value}' (each must be unique)")
    if problems:
        shown = problems[:12] + ([f"... and {len(problems) - 12} more"] if len(problems) > 12 else [])
        raise ManifestError(f"has {len(problems)} problem(s): " + "; ".join(shown) + ".",
                            path=path)
    return df.reset_index(drop=True)
