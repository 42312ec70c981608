"""File writers for the synthetic data generator: transcripts, notes, journals and forms.

Every writer is deterministic: text encodings and line endings come from the caller's
``random.Random``, and Office files (.docx, .xlsx) get fixed document-property dates and zip
member timestamps derived from the document's own date.
"""
from __future__ import annotations

import csv
import io
import random
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable, Sequence
from xml.sax.saxutils import escape

import docx
import openpyxl

from ..archive import fixed_office_zip, fixed_zip
from .text import PairContext, Person, Sentence, Voice

__all__ = ["TextStyle", "text_style", "encode_text", "write_interview",
           "write_notes", "write_journal", "stage_dates", "write_forms", "LIKERT_ITEMS"]

LIKERT_ITEMS = ("conf_talk_senior_leaders", "conf_talk_race_senior", "conf_talk_race_junior",
                "understanding_edi")
_BASELINE = {"mentor": (6.5, 6.0, 7.5, 7.0), "mentee": (8.5, 5.5, 4.5, 5.5)}
_GAIN = {"mentor": (1.2, 0.8, 0.2, 0.4), "mentee": (0.1, 1.0, 0.8, 1.0)}
_PROGRESS = {"enrolment": 0.0, "post_training": 0.3, "midpoint": 0.6, "end": 1.0}
_FREE_TEXT = {
    "enrolment": ("hope_to_contribute", "resources_needed"),
    "post_training": ("resources_needed",),
    "midpoint": ("what_changed", "resources_needed"),
    "end": ("what_changed", "resources_needed"),
}
Turn = tuple[Person, list[Sentence]]


@dataclass(frozen=True)
class TextStyle:
    """How a text file is stored: encoding, CRLF line endings, typographic quotes."""

    encoding: str = "utf-8"
    crlf: bool = False
    typographic: bool = False


def text_style(rng: random.Random) -> TextStyle:
    """Mostly plain UTF-8; a few files with a BOM, in UTF-16 or cp1252; some CRLF."""
    r = rng.random()
    encoding = ("utf-8-sig" if r < 0.06 else "utf-16" if r < 0.09
                else "cp1252" if r < 0.13 else "utf-8")
    typographic = encoding == "cp1252" or rng.random() < 0.35
    return TextStyle(encoding, rng.random() < 0.25, typographic)


def encode_text(text: str, style: TextStyle) -> bytes:
    """Encode ``text`` (LF line endings) as ``style`` says; cp1252 falls back to UTF-8."""
    if style.crlf:
        text = text.replace("\n", "\r\n")
    if style.encoding == "utf-16":
        return b"\xff\xfe" + text.encode("utf-16-le")
    if style.encoding == "cp1252":
        try:
            return text.encode("cp1252")
        except UnicodeEncodeError:
            return text.encode("utf-8")
    return text.encode(style.encoding)


def _write_text(path: Path, lines: Sequence[str], style: TextStyle) -> None:
    path.write_bytes(encode_text("\n".join(lines) + "\n", style))


def _stamp_iso(when: date) -> str:
    return f"{when.isoformat()}T09:00:00Z"


@lru_cache(maxsize=1)
def _docx_template() -> tuple[tuple[str, bytes], ...]:
    """The parts of python-docx's blank document (parsed once, reused for every .docx)."""
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(buffer) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    # Drop the parts Word does not need (legacy styles copy, thumbnail): smaller and faster.
    for name, rels, target in (
            ("word/stylesWithEffects.xml", "word/_rels/document.xml.rels", "stylesWithEffects.xml"),
            ("docProps/thumbnail.jpeg", "_rels/.rels", "docProps/thumbnail.jpeg")):
        parts.pop(name, None)
        parts[rels] = re.sub(rb'<Relationship [^>]*Target="' + re.escape(target.encode())
                             + rb'"/>', b"", parts[rels])
        parts["[Content_Types].xml"] = re.sub(rb'<Override PartName="/' + re.escape(name.encode())
                                              + rb'"[^>]*/>', b"", parts["[Content_Types].xml"])
    return tuple(parts.items())


def _document_xml(template: bytes, heading: str, paragraphs: Sequence[str]) -> bytes:
    run = '<w:r><w:t xml:space="preserve">{}</w:t></w:r>'
    body = ['<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>' + run.format(escape(heading))
            + "</w:p>"] if heading else []
    body += ["<w:p>" + run.format(escape(text)) + "</w:p>" for text in paragraphs]
    xml = template.decode("utf-8").replace("<w:body>", "<w:body>" + "".join(body), 1)
    xml = xml.replace('w:w="12240" w:h="15840"', 'w:w="11906" w:h="16838"')  # A4
    return xml.encode("utf-8")


def _core_xml(title: str, when: date) -> bytes:
    iso = _stamp_iso(when)
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://'
        'purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator></dc:creator>"
        "<cp:lastModifiedBy></cp:lastModifiedBy><cp:revision>1</cp:revision>"
        f'<cp:lastPrinted>{iso}</cp:lastPrinted>'
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{iso}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{iso}</dcterms:modified>'
        "</cp:coreProperties>").encode("utf-8")


def _write_docx(path: Path, header: Sequence[str], paragraphs: Sequence[str], when: date) -> None:
    """A Word document: the first header line as Heading 1 (none when ``header`` is empty),
    the other lines and the paragraphs one paragraph each; fixed dates."""
    heading = header[0] if header else ""
    paragraphs = [*header[1:], *paragraphs]
    members = []
    for name, blob in _docx_template():
        if name == "word/document.xml":
            blob = _document_xml(blob, heading, paragraphs)
        elif name == "docProps/core.xml":
            blob = _core_xml(heading, when)
        members.append((name, blob))
    path.write_bytes(fixed_zip(members, (when.year, when.month, when.day, 9, 0, 0)))


# --------------------------------------------------------------------------- interviews
def write_interview(path: Path, turns: list[Turn], header: list[str], style: TextStyle,
                    when: date, rng: random.Random) -> None:
    """Write a transcript as WebVTT (no header), Word (``Name: text`` paragraphs) or text."""
    ext = path.suffix[1:]
    if ext == "vtt":
        _write_text(path, _vtt_lines(turns, rng), style)
        return
    naming = rng.choice(("full", "first", "upper") if ext == "txt" else ("full", "first"))
    lines = [f"{_speaker(who, naming)}: {' '.join(s.text for s in said)}" for who, said in turns]
    if ext == "docx":
        _write_docx(path, header, lines, when)
        return
    spacer = rng.random() < 0.5
    body = [line for text in lines for line in ((text, "") if spacer else (text,))]
    _write_text(path, (header + [""] if header else []) + body, style)


def _speaker(who: Person, naming: str) -> str:
    if naming == "first":
        return who.first
    return who.full.upper() if naming == "upper" else who.full


def _vtt_lines(turns: list[Turn], rng: random.Random) -> list[str]:
    lines, clock, cue = ["WEBVTT", ""], rng.uniform(0.5, 3.0), 0
    numbered = rng.random() < 0.6
    for who, said in turns:
        chunks = [said[i:i + 2] for i in range(0, len(said), 2)]
        for chunk in chunks:
            text = " ".join(s.text for s in chunk)
            length = 0.6 + 0.38 * len(text.split())
            cue += 1
            if numbered:
                lines.append(str(cue))
            lines.append(f"{_stamp(clock)} --> {_stamp(clock + length)}")
            lines.append(f"<v {who.full}>{text}</v>")
            lines.append("")
            clock += length + rng.uniform(0.1, 1.2)
    return lines


def _stamp(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


# --------------------------------------------------------------------------- notes, journals
def write_notes(path: Path, sentences: list[Sentence], header: list[str], style: TextStyle,
                stamps: bool, rng: random.Random) -> None:
    """Field notes (observation) or walk-round notes (inspection) in .md or .txt, one line
    each, bulleted or not, sometimes with clock times."""
    bullet = "- " if path.suffix == ".md" else rng.choice(("- ", "* ", "• ", "", ""))
    minute, hour = rng.randint(0, 20), rng.choice((8, 9, 10, 13, 14))
    body = []
    for sentence in sentences:
        minute += rng.randint(1, 6)
        prefix = f"[{hour}:{minute:02d}] " if stamps and minute < 60 else ""
        body.append(f"{bullet}{prefix}{sentence.text}")
    _write_text(path, (header + [""] if header else []) + body, style)


def write_journal(path: Path, paragraphs: list[list[Sentence]], header: list[str],
                  style: TextStyle, when: date) -> None:
    """Prose (a reflective journal or a mentor's write-up): header lines, then paragraphs."""
    texts = [" ".join(s.text for s in para) for para in paragraphs]
    if path.suffix == ".docx":
        _write_docx(path, header, texts, when)
        return
    lines = header + [""] if header else []
    for text in texts:
        lines += [text, ""]
    _write_text(path, lines[:-1], style)


# --------------------------------------------------------------------------- forms
def stage_dates(start: date, sessions: int) -> dict[str, date]:
    """When each evaluation stage happened, relative to the cohort start."""
    return {"enrolment": start, "post_training": start + timedelta(days=14),
            "midpoint": start + timedelta(days=30 * ((sessions + 1) // 2) + 7),
            "end": start + timedelta(days=30 * sessions + 21)}


def write_forms(folder: Path, stages: list[str], dates: dict[str, date], gain: float,
                contexts: list[PairContext], rng: random.Random,
                sample: Callable[[str], tuple[str, str]],
                ) -> list[tuple[str, Path, list[Sentence]]]:
    """One evaluation form per stage (.xlsx or .csv); returns (stage, path, sentences)."""
    people = []
    for number, ctx in enumerate(contexts, start=1):
        prefix = f"{folder.parent.name}-P{number:02d}"
        for role, code in (("mentor", "M"), ("mentee", "L")):
            base = [b + rng.gauss(0, 1.2) for b in _BASELINE[role]]
            factor = (gain if role == "mentee" else 1.0) * rng.uniform(0.5, 1.5)
            people.append((f"{prefix}-{code}", role, base, factor, ctx))
    out = []
    for stage in stages:
        header = ["respondent_id", "role", *LIKERT_ITEMS, *_FREE_TEXT[stage]]
        rows, sentences = [], []
        for rid, role, base, factor, ctx in people:
            scores = [_score(b, g * factor * _PROGRESS[stage], rng)
                      for b, g in zip(base, _GAIN[role])]
            answers = [_answer(column, role, ctx, rng, sample) for column in _FREE_TEXT[stage]]
            sentences += [s for answer in answers for s in answer]
            rows.append([rid, role, *scores, *(" ".join(s.text for s in a) for a in answers)])
        path = _write_form(folder, stage, header, rows, rng, dates[stage])
        out.append((stage, path, sentences))
    return out


def _score(base: float, shift: float, rng: random.Random) -> int | None:
    if rng.random() < 0.03:
        return None
    return int(min(10, max(1, round(base + shift + rng.gauss(0, 0.6)))))


_BLANK = {"hope_to_contribute": 0.15, "resources_needed": 0.45, "what_changed": 0.25}


def _answer(column: str, role: str, ctx: PairContext, rng: random.Random,
            sample: Callable[[str], tuple[str, str]]) -> list[Sentence]:
    """One free-text answer: blank, a few words, or one to three sentences."""
    if rng.random() < _BLANK[column]:
        return []
    voice = Voice(ctx, rng)
    parts = rng.choice((1, 1, 1, 2, 2, 3))
    if column == "what_changed" and role == "mentee":
        return [voice.finding("mentee_journal", *sample("mentee_journal")) for _ in range(parts)]
    if column == "resources_needed" and rng.random() < 0.12:
        return [voice.chatter("short_answer")]
    bank = {"hope_to_contribute": f"hope_{role}", "resources_needed": "resources"}.get(
        column, "changed_mentor")
    return [voice.chatter(bank) for _ in range(parts)]


def _write_form(folder: Path, stage: str, header: list[str], rows: list[list], rng: random.Random,
                when: date) -> Path:
    if rng.random() < 0.5:
        path = folder / f"evaluation_{stage}.xlsx"
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Responses"
        sheet.append(header)
        for row in rows:
            sheet.append([None if value in ("", None) else value for value in row])
        stamp = datetime(when.year, when.month, when.day, 9, 0, 0)
        book.properties.creator = "Programme evaluation team"
        book.properties.created = book.properties.modified = stamp
        buffer = io.BytesIO()
        book.save(buffer)
        path.write_bytes(fixed_office_zip(buffer.getvalue(), when))
        return path
    path = folder / f"evaluation_{stage}.csv"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(
        [header] + [["" if v is None else v for v in row] for row in rows])
    encoding = rng.choice(("utf-8", "utf-8", "utf-8-sig", "cp1252"))
    path.write_bytes(encode_text(buffer.getvalue(), TextStyle(encoding, rng.random() < 0.5)))
    return path
