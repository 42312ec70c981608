"""Ingestion: a data folder with a manifest becomes documents, segments and responses.

`ingest_folder` reads and checks everything before anything is written, so a bad file
leaves the project store as it was.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from ..errors import InputError
from ..schemas import COLUMNS
from ..segment import detect_turns, segment_id, segment_text, speaker_role
from .manifest import find_manifest, read_manifest
from .parsed import ParsedDoc
from .tables import read_form
from .text import read_docx, read_plain
from .vtt import read_vtt

__all__ = ["IngestResult", "ingest_folder", "read_document", "segment_document"]

READERS: dict[str, Callable[[Path], ParsedDoc]] = {
    ".txt": read_plain, ".md": read_plain, ".docx": read_docx, ".vtt": read_vtt,
    ".csv": read_form, ".xlsx": read_form,
}


@dataclass
class IngestResult:
    """What a folder holds, as tables (schemas in `rmresearch.schemas.COLUMNS`).

    ``documents`` also carries ``mentor`` and ``mentee`` (names from the manifest).
    ``segments`` carries ``time`` (cue start in seconds, transcripts only).
    """

    documents: pd.DataFrame
    segments: pd.DataFrame
    responses: pd.DataFrame
    manifest_path: Path


def read_document(path: Path) -> ParsedDoc:
    """Read one file with the reader for its extension."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(f"unknown file type '{path.suffix}'.", path=path,
                         allowed=", ".join(sorted(READERS)))
    return reader(path)


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


def ingest_folder(folder: str | Path, manifest: str | Path | None = None) -> IngestResult:
    """Read every file the manifest lists, check it, and return the tables.

    Raises
    ------
    ManifestError
        No manifest, or a manifest with problems (all listed).
    InputError
        A file that cannot be read; the message names the file and what to fix.
    """
    folder = Path(folder)
    manifest_path = Path(manifest) if manifest else find_manifest(folder)
    entries = read_manifest(manifest_path)
    base = manifest_path.parent
    docs, segs, resp, errors = [], [], [], []
    for _, entry in entries.iterrows():
        path = base / entry["file"]
        try:
            parsed = read_document(path)
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
        manifest_path=manifest_path)
