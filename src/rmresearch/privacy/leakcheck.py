"""The leak check: scan files that are about to be published for real names and identifiers.

Every person of the key is looked for with the same rules as the pseudonymiser (see
`rmresearch.privacy.matcher`): a full name always counts; a word-like single name ("Will",
"Grace", "White") counts only capitalised away from a sentence start, after an honorific,
before a reporting verb or possessive, or as a speaker label. E-mail addresses, UK phone
numbers, valid NHS numbers, staff ids, postcodes, dates of birth, wards and sites count
whether or not the key holds them (see `rmresearch.privacy.identifiers`); the key's staff ids,
dates of birth, postcodes, wards and sites count also written bare ("4471923" alone).

A `Leak` names the file, the place in it and the PSEUDONYM of whoever leaked; it never holds
the real name, so leaks can be logged and shown safely.

Formats read: .html .htm .xml .svg .qde (tags and attribute values), .txt .md .csv .tsv
.json .ipynb (cell sources and outputs) .tex .rst .yaml .yml .log, .xlsx (cells, sheet names,
properties), .docx (paragraphs, tables, headers, footers, properties), .parquet (string
columns), .zip .qdpx (every member, by its own type). Other files are read as text when
they look like text; binary files (.png, .pdf ...) are skipped and listed in
`leak_check`'s ``skipped`` argument. Embedded ``data:`` URIs (images) are ignored.
"""
from __future__ import annotations

import csv
import html
import io
import json
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import LeakError, RmResearchError
from .identifiers import KINDS, KnownValues, find_identifiers
from .key import PseudonymKey
from .matcher import NameMatcher

__all__ = ["Leak", "LeakError", "leak_check", "assert_no_leaks", "scan_text"]

log = logging.getLogger(__name__)
_MARKUP = {".html", ".htm", ".xml", ".svg", ".qde", ".xhtml"}
_ZIPS = {".zip", ".qdpx"}
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+")
_TAG = re.compile(r"<[^<>]*>")
# Tags that end a cell, row, paragraph or line: what stands either side of them is not one
# phrase ("... on the ward</td><td>19" is no ward code), so they become a paragraph
# separator, not a space (inline tags such as <b> still join: "Ward <b>12</b>" is one).
_BLOCK_TAG = re.compile(r"</?(?:td|th|tr|table|thead|tbody|caption|p|div|li|ul|ol|dt|dd|"
                        r"h[1-6]|br|hr)\b[^<>]*>", re.I)
_CELL_BREAK = "\u2029"
_ATTR = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')""")


@dataclass(frozen=True)
class Leak:
    """A real name or identifier found in a file about to be published.

    ``pseudonym`` is whose name leaked ("Leader A"), or for an identifier the key does not
    hold, "(not in the key)"; ``kind`` is 'person', 'email', 'phone', 'nhs' or 'staff_id'.
    """

    file: str
    location: str
    pseudonym: str
    kind: str = "person"

    def __str__(self) -> str:
        where = f"{self.file} ({self.location})" if self.location else self.file
        if self.kind == "person":
            return f"{where}: the real name of '{self.pseudonym}'"
        return f"{where}: an unpseudonymised {KINDS.get(self.kind, self.kind)} {self.pseudonym}"


# a hex digest (content hash, segment id) or a GUID (REFI-QDA elements: "...-5ADE-...")
_HEX_RUN = re.compile(r"(?<![0-9A-Za-z])(?:[0-9a-f]{10,}|[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}"
                      r"-[0-9A-Fa-f]{12})(?![0-9A-Za-z])")


def scan_text(text: str, key: PseudonymKey, matcher: NameMatcher | None = None,
              known: KnownValues | None = None) -> Iterator[tuple[int, str, str]]:
    """Yield ``(offset, pseudonym, kind)`` for each real name or identifier in ``text``.

    Hex digests (content hashes, segment ids) and GUIDs are blanked first: "...3ade0aada..."
    and "4f1c9e2a-5ade-..." hold no name even when a name such as "Ade" can be read in them.
    """
    matcher = matcher or NameMatcher(key)
    text = _nfc(text)
    text = _HEX_RUN.sub(lambda m: " " * len(m.group()), text)
    ids = find_identifiers(text, key.staff_id_pattern,
                           known if known is not None else KnownValues(key.identifiers))
    for hit in ids:
        found = key.identifier(hit.kind, hit.value, add=False)
        yield hit.start, found or "(not in the key)", hit.kind
    spans = [(h.start, h.end) for h in ids]
    for hit in matcher.finditer(text):
        if not any(hit.start < b and a < hit.end for a, b in spans):
            yield hit.start, hit.pseudonym, "person"


def _nfc(text: str) -> str:
    """Composed (NFC) form, as names are matched: a decomposed "Ødega\u030ard" is a leak too.
    NFC never adds or removes line breaks, so line numbers stay right."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


# ---------------------------------------------------------------------------------------
# readers: each yields (location prefix, text, count lines?)
# ---------------------------------------------------------------------------------------
def _decode(data: bytes) -> str:
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


# Geometry such as SVG path data ("M 3122 3366 L ...") holds only numbers and path commands:
# no name can hide there, and runs of numbers would look like NHS numbers.
_GEOMETRY = re.compile(r"[-+\d\s.,eEMLHVCSQTAZmlhvcsqtaz]+")


_STYLE_SCRIPT = re.compile(r"(<(style|script)\b[^>]*>)(.*?)(</\2\s*>)", re.S | re.I)


def _blank_code(match: re.Match) -> str:
    """Keep a style/script block's line count but drop its content (no names live there)."""
    return match.group(1) + "\n" * match.group(3).count("\n") + match.group(4)


def _markup(text: str) -> Iterator[tuple[str, str, bool]]:
    text = _STYLE_SCRIPT.sub(_blank_code, _DATA_URI.sub(" ", text))
    stripped = _TAG.sub(lambda m: "\n" * m.group().count("\n") +
                        (_CELL_BREAK if _BLOCK_TAG.fullmatch(m.group()) else " "), text)
    yield "", html.unescape(stripped), True
    for m in _ATTR.finditer(text):
        value = m.group(1) if m.group(1) is not None else m.group(2)
        if value and not value.startswith(("http", "#", "data:")) \
                and not (_GEOMETRY.fullmatch(value) and len(re.findall(r"\d+", value)) >= 4):
            line = text.count("\n", 0, m.start()) + 1
            yield f"line {line}, attribute", html.unescape(value), False


def _csv(text: str) -> Iterator[tuple[str, str, bool]]:
    delimiter = "\t" if text.count("\t") > text.count(",") else ","
    rows = csv.reader(io.StringIO(text), delimiter=delimiter)
    header: list[str] = []
    for r, row in enumerate(rows):
        if r == 0:
            header = row
        for c, cell in enumerate(row):
            if cell:
                col = header[c] if r and c < len(header) else str(c + 1)
                yield f"row {r + 1}, column '{col}'", cell, False


def _json(text: str) -> Iterator[tuple[str, str, bool]]:
    try:
        data = json.loads(text)
    except ValueError:
        yield "", text, True
        return

    def walk(node, path: str):
        if isinstance(node, str):
            yield path or "$", _DATA_URI.sub(" ", node), False
        elif isinstance(node, dict):
            for k, v in node.items():
                yield from walk(k, f"{path}.{k} (key)")
                yield from walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from walk(v, f"{path}[{i}]")

    yield from walk(data, "$")


def _ipynb(text: str) -> Iterator[tuple[str, str, bool]]:
    try:
        nb = json.loads(text)
    except ValueError:
        yield "", text, True
        return
    for n, cell in enumerate(nb.get("cells", []), 1):
        source = cell.get("source", "")
        yield f"cell {n}", "".join(source) if isinstance(source, list) else source, True
        for output in cell.get("outputs", []):
            parts = [output.get("text", "")]
            data = output.get("data", {})
            parts += [data.get(m, "") for m in ("text/plain", "text/html", "text/markdown")]
            for part in parts:
                part = "".join(part) if isinstance(part, list) else part
                if part:
                    yield f"cell {n} output", _DATA_URI.sub(" ", _TAG.sub(" ", part)), True


def _xlsx(data: bytes) -> Iterator[tuple[str, str, bool]]:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    props = book.properties
    for field in ("creator", "lastModifiedBy", "title", "subject", "description", "keywords"):
        value = getattr(props, field, None)
        if isinstance(value, str) and value:
            yield f"properties: {field}", value, False
    for sheet in book.worksheets:
        yield f"sheet name '{sheet.title}'", sheet.title, False
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value:
                    yield f"{sheet.title}!{cell.coordinate}", cell.value, False
    book.close()


def _docx(data: bytes) -> Iterator[tuple[str, str, bool]]:
    import docx

    document = docx.Document(io.BytesIO(data))
    props = document.core_properties
    for field in ("author", "last_modified_by", "title", "subject", "comments", "keywords"):
        value = getattr(props, field, None)
        if isinstance(value, str) and value:
            yield f"properties: {field}", value, False
    for n, para in enumerate(document.paragraphs, 1):
        yield f"paragraph {n}", para.text, False
    for t, table in enumerate(document.tables, 1):
        for r, row in enumerate(table.rows, 1):
            for c, cell in enumerate(row.cells, 1):
                yield f"table {t}, row {r}, cell {c}", cell.text, False
    for s, section in enumerate(document.sections, 1):
        for part_name in ("header", "footer"):
            part = getattr(section, part_name)
            for para in part.paragraphs:
                yield f"section {s} {part_name}", para.text, False


def _parquet(data: bytes) -> Iterator[tuple[str, str, bool]]:
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(data))
    for name in table.column_names:
        yield f"column name '{name}'", name, False
        column = table.column(name)
        if str(column.type) not in ("string", "large_string", "dictionary<values=string, "
                                    "indices=int32, ordered=0>"):
            continue
        for r, value in enumerate(column.to_pylist(), 1):
            if isinstance(value, str) and value:
                yield f"row {r}, column '{name}'", value, False


def _pieces(name: str, data: bytes, depth: int = 0) -> Iterator[tuple[str, str, bool]]:
    """Texts in one file's bytes: (location, text, whether to count lines)."""
    ext = Path(name).suffix.lower()
    if ext in _ZIPS or (ext == ".qde" and data[:2] == b"PK"):
        if depth > 2:
            return
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in sorted(archive.namelist()):
                if member.endswith("/"):
                    continue
                for loc, text, lines in _pieces(member, archive.read(member), depth + 1):
                    yield (f"{member}, {loc}" if loc else member), text, lines
        return
    readers = {".xlsx": _xlsx, ".xlsm": _xlsx, ".docx": _docx, ".parquet": _parquet}
    if ext in readers:
        yield from readers[ext](data)
        return
    if b"\x00" in data[:8192] and data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        raise _Skip(name)
    text = _decode(data)
    if ext in _MARKUP:
        yield from _markup(text)
    elif ext in (".csv", ".tsv"):
        yield from _csv(text)
    elif ext == ".ipynb":
        yield from _ipynb(text)
    elif ext in (".json", ".geojson"):
        yield from _json(text)
    else:
        yield "", text, True


class _Skip(Exception):
    """A binary file the leak check cannot read."""


def _files(paths: Iterable[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        out.extend(sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p])
    return out


def leak_check(paths: Iterable[str | Path], key: PseudonymKey,
               skipped: list[Path] | None = None) -> list[Leak]:
    """Every real name or identifier of ``key`` found in ``paths`` (files or folders).

    Parameters
    ----------
    paths : files, or folders (searched recursively).
    key : the project's pseudonym key.
    skipped : when given, binary files that could not be read are appended to it.

    Returns
    -------
    list of Leak
        One per file, place and pseudonym; empty when the files are clean.
    """
    matcher = NameMatcher(key)
    known = KnownValues(key.identifiers)
    leaks: dict[tuple[str, str, str, str], Leak] = {}
    for path in _files(paths):
        try:
            pieces = list(_pieces(path.name, path.read_bytes()))
        except _Skip:
            log.info("leak check: %s is binary and was not checked", path)
            if skipped is not None:
                skipped.append(path)
            continue
        except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
            raise RmResearchError(f"{path}: cannot be read for the leak check "
                                  f"({exc.__class__.__name__}: {exc}).") from None
        for loc, text, count_lines in pieces:
            text = _nfc(text)
            for offset, pseudonym, kind in scan_text(text, key, matcher, known):
                where = loc
                if count_lines:
                    line = f"line {text.count(chr(10), 0, offset) + 1}"
                    where = f"{loc}, {line}" if loc else line
                leak = Leak(str(path), where, pseudonym, kind)
                leaks.setdefault((leak.file, where, pseudonym, kind), leak)
    return list(leaks.values())


def assert_no_leaks(paths: Iterable[str | Path], key: PseudonymKey) -> None:
    """Raise `LeakError` (listing file, place and pseudonym) when `leak_check` finds any."""
    leaks = leak_check(paths, key)
    if leaks:
        raise LeakError(leaks)
