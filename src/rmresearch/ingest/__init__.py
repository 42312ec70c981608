"""Ingestion: a data folder with a manifest becomes documents, segments and responses.

`ingest_folder` reads and checks everything before anything is written, so a bad file
leaves the project store as it was.
"""
from __future__ import annotations

import hashlib

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from ..archive import resolve_limit
from ..config import max_file_mb_setting
from ..errors import InputError
from ..schemas import COLUMNS
from .segment import detect_turns, segment_id, segment_text, speaker_role
from .manifest import find_manifest, read_manifest
from .parsed import ParsedDoc
from .scale import BadAnswer
from .tables import read_form, read_form_checked
from .text import read_docx, read_plain
from .vtt import read_vtt

__all__ = ["IngestResult", "ingest_folder", "read_document", "segment_document",
           "MAX_FILE_MB_ENV", "DEFAULT_MAX_FILE_MB", "max_file_bytes", "check_file_size"]

# The largest file read, in MB (1 MB = 1024 x 1024 bytes). Reading and segmenting take about
# 35 times the file's size in memory (a 50 MB transcript: ~1 million segments, ~1.7 GB, under a
# minute), so a bigger file is refused before it is read, rather than ending in a MemoryError.
MAX_FILE_MB_ENV = "RMRESEARCH_MAX_FILE_MB"
DEFAULT_MAX_FILE_MB = 100
_MB = 1024 * 1024

READERS: dict[str, Callable[[Path], ParsedDoc]] = {
    ".txt": read_plain, ".md": read_plain, ".docx": read_docx, ".vtt": read_vtt,
    ".csv": read_form, ".xlsx": read_form,
}


@dataclass
class IngestResult:
    """What a folder holds, as tables (schemas in `rmresearch.schemas.COLUMNS`).

    ``documents`` also carries ``mentor`` and ``mentee`` (names from the manifest).
    ``segments`` carries ``time`` (cue start in seconds, transcripts only).
    ``kept_missing`` lists the form answers kept as missing because they are not scores
    (only with ``lenient_forms``; `rmresearch.ingest.scale.BadAnswer`: file, row, column,
    value and why), for the run summary.
    """

    documents: pd.DataFrame
    segments: pd.DataFrame
    responses: pd.DataFrame
    manifest_path: Path
    kept_missing: list[BadAnswer] = field(default_factory=list)


def read_document(path: Path, *, lenient_forms: bool = False) -> ParsedDoc:
    """Read one file with the reader for its extension (``lenient_forms``: see
    `ingest_folder`)."""
    return _read_checked(path, lenient_forms)[0]


def _read_checked(path: Path, lenient_forms: bool) -> tuple[ParsedDoc, list[BadAnswer]]:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(f"unknown file type '{path.suffix}'.", path=path,
                         allowed=", ".join(sorted(READERS)))
    if reader is read_form:
        return read_form_checked(path, lenient=lenient_forms)
    return reader(path), []


def segment_document(doc: dict, parsed: ParsedDoc) -> list[dict]:
    """Segment one parsed document; ``doc`` is its documents-table row (as a dict)."""
    turns = parsed.turns
    if turns is None:
        turns = detect_turns(parsed.text, [doc["mentor"], doc["mentee"]])
    author_default = doc["author_role"] if doc["author_role"] in ("mentor", "mentee", "staff") \
        else "unknown"
    author_name = {"mentor": doc["mentor"], "mentee": doc["mentee"]}.get(doc["author_role"], "")
    rows = []
    for span in segment_text(parsed.text, turns):
        if span.speaker:
            speaker = span.speaker
            role = span.role or speaker_role(span.speaker, doc["mentor"], doc["mentee"])
        else:
            speaker, role = author_name or None, author_default
        rows.append(dict(
            segment_id=segment_id(doc["doc_id"], doc["sha256"], span.start, span.end),
            doc_id=doc["doc_id"], version=doc["version"], cohort=doc["cohort"],
            pair_id=doc["pair_id"], source=doc["source"], stage=doc["stage"], speaker=speaker,
            speaker_role=role, start=span.start, end=span.end,
            text=parsed.text[span.start:span.end],
            time=parsed.time_at(span.start) if parsed.cues else None))
    return rows


def _document_row(entry: pd.Series, folder: Path, parsed: ParsedDoc, sha: str) -> dict:
    return dict(doc_id=entry["doc_id"], version=1, cohort=entry["cohort"],
                pair_id=entry["pair_id"] or None, source=entry["source"],
                author_role=entry["author_role"], stage=entry["stage"],
                date=entry["date"] or None, path=entry["file"], sha256=sha, text=parsed.text,
                mentor=entry["mentor"], mentee=entry["mentee"])


def max_file_bytes(max_file_mb: float | None = None) -> int | None:
    """The size limit for one file in bytes: ``max_file_mb``, else the environment variable
    ``RMRESEARCH_MAX_FILE_MB``, else `DEFAULT_MAX_FILE_MB`; None when the limit is 0 (off)."""
    mb = resolve_limit(max_file_mb, max_file_mb_setting, DEFAULT_MAX_FILE_MB, MAX_FILE_MB_ENV,
                       "megabytes")  # "inf" and "nan" are refused too, not an OverflowError
    return None if mb is None else int(mb * _MB)


def check_file_size(path: Path, limit: int | None) -> None:
    """Raise `InputError` when ``path`` is larger than ``limit`` bytes (None: no limit)."""
    size = path.stat().st_size
    if limit is not None and size > limit:
        raise InputError(
            f"is {size / _MB:.1f} MB, larger than the {limit / _MB:g} MB limit for one file "
            f"(reading it would take about {size * 35 / 1024 ** 3:.1f} GB of memory).", path=path,
            allowed=f"files up to {limit / _MB:g} MB. Split it into smaller files (one per "
            "session or meeting), each with its own row in the manifest, or raise the limit "
            f"with 'rmresearch ingest --max-file-mb N' or the environment variable "
            f"{MAX_FILE_MB_ENV}=N (0 turns the limit off).")


def _check_sizes(paths: list[Path], limit: int | None, manifest_path: Path) -> None:
    """Refuse every file over the limit up front: reading the others first would only
    waste time."""
    too_big = []
    for path in paths:
        try:
            check_file_size(path, limit)
        except InputError as exc:
            too_big.append(exc)
    if too_big:
        raise too_big[0] if len(too_big) == 1 else InputError(
            f"{len(too_big)} files are too large: " + " | ".join(str(e) for e in too_big[:8]),
            path=manifest_path)


def ingest_folder(folder: str | Path, manifest: str | Path | None = None, *,
                  max_file_mb: float | None = None, lenient_forms: bool = False
                  ) -> IngestResult:
    """Read every file the manifest lists, check it, and return the tables.

    Parameters
    ----------
    folder : the data folder (with ``manifest.csv``).
    manifest : a manifest to use instead of the folder's.
    max_file_mb : refuse files larger than this many MB before reading anything (default:
        ``RMRESEARCH_MAX_FILE_MB`` or `DEFAULT_MAX_FILE_MB`; 0 for no limit).
    lenient_forms : keep answers to a form's 1-10 items that are not whole numbers 1-10
        (and formulas with no saved result) as missing answers, listed in the result's
        ``kept_missing``, instead of refusing the form.

    Raises
    ------
    ManifestError
        No manifest, or a manifest with problems (all listed), among them a file outside
        the manifest's folder or a cohort or pair id that is not a name
        (`rmresearch.ingest.names`).
    InputError
        A file that cannot be read, or is larger than the size limit; a .docx or .xlsx over
        the archive limits (`rmresearch.archive.ZipLimits`: entries, unpacked size, zip
        bombs); a worksheet over the row or column limit (`ingest.tables.sheet_limits`); a
        form answer that is not a score (unless ``lenient_forms``). The message names the
        file, what to fix and how to raise a limit.
    """
    folder = Path(folder)
    manifest_path = Path(manifest) if manifest else find_manifest(folder)
    entries = read_manifest(manifest_path)
    base = manifest_path.parent
    _check_sizes([base / name for name in entries["file"]], max_file_bytes(max_file_mb),
                 manifest_path)
    docs, segs, resp, errors, kept = [], [], [], [], []
    for _, entry in entries.iterrows():
        path = base / entry["file"]
        try:
            parsed, missing = _read_checked(path, lenient_forms)
            kept += missing
        except InputError as exc:
            errors.append(exc)
            continue
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        doc = _document_row(entry, base, parsed, sha)
        docs.append(doc)
        segs.extend(segment_document(doc, parsed))
        for r in parsed.responses:
            resp.append(dict(r, doc_id=doc["doc_id"], cohort=doc["cohort"],
                             stage=r["stage"] or doc["stage"]))
    if errors:
        raise errors[0] if len(errors) == 1 else InputError(
            f"{len(errors)} files cannot be read: " + " | ".join(str(e) for e in errors[:8]),
            path=manifest_path)
    return IngestResult(
        documents=pd.DataFrame(docs, columns=COLUMNS["documents"] + ["mentor", "mentee"]),
        segments=pd.DataFrame(segs, columns=COLUMNS["segments"] + ["time"]),
        responses=pd.DataFrame(resp, columns=["doc_id"] + COLUMNS["responses"]),
        manifest_path=manifest_path, kept_missing=kept)
