"""Plain-text notes (.txt, .md) and Word documents (.docx)."""
from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

from ..archive import check_zip
from ..errors import InputError
from .decode import normalise_newlines, read_text
from .parsed import ParsedDoc

__all__ = ["read_plain", "read_docx"]

# What python-docx, and the zipfile, zlib and lxml under it, raise on a damaged or foreign
# file: bad or truncated ZIP data, unsupported or encrypted members, malformed XML (lxml's
# XMLSyntaxError is a SyntaxError), missing parts, or well-formed XML of the wrong kind
# (python-docx then fails on a missing attribute or element).
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
            KeyError, ValueError, SyntaxError, OSError, AttributeError, TypeError, IndexError)
_WORD = ("a .docx saved by Word, LibreOffice or Google Docs (old .doc files must be re-saved as "
         ".docx).")


def read_plain(path: Path) -> ParsedDoc:
    """Read a .txt or .md file; speaker turns are detected later from ``Name:`` prefixes."""
    return ParsedDoc(text=read_text(path))


def _why(exc: BaseException) -> str:
    """What was wrong, in a few words: lxml's message for malformed XML (it names the line and
    what was found, e.g. an undefined entity), else the kind of error."""
    if isinstance(exc, zlib.error):
        return "damaged compressed data"
    msg = getattr(exc, "msg", None) if isinstance(exc, SyntaxError) else None
    return f"its XML is not well-formed: {msg}" if msg else type(exc).__name__


def _refuse_entities(document: object, path: Path) -> None:
    """Refuse a document whose XML declares a DOCTYPE or uses a declared entity (``&name;``).

    Word, LibreOffice and Google Docs never write either. python-docx does not expand
    entities, so such a paragraph's text would silently stop at the first one.
    """
    from lxml import etree

    body = document.element  # type: ignore[attr-defined]
    used = sorted({f"&{node.name};" for node in body.iter(etree.Entity)})
    if used or body.getroottree().docinfo.doctype:
        found = (f"uses XML entities ({', '.join(used[:5])}) declared in a DOCTYPE" if used
                 else "starts with a DOCTYPE declaration")
        raise InputError(f"its text (word/document.xml) {found}, which Word documents never "
                         "have; rmresearch does not expand entities, so text would be lost.",
                         path=path,
                         allowed=_WORD + " Open the file in Word or LibreOffice and save it "
                         "again as .docx.")


def read_docx(path: Path) -> ParsedDoc:
    """Read a .docx file: one line per paragraph (table cells included, row by row).

    The archive is checked against `rmresearch.archive.ZipLimits` first (a zip bomb is
    refused before anything is unpacked).
    """
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    if path.stat().st_size == 0:
        raise InputError("the file is empty.", path=path, allowed="a Word .docx document.")
    try:
        check_zip(path)  # limits on entries and unpacked size, before python-docx unpacks
        document = docx.Document(str(path))
    except (PackageNotFoundError, *_DAMAGED) as exc:
        raise InputError(f"is not a readable Word document ({_why(exc)}).", path=path,
                         allowed=_WORD) from None
    _refuse_entities(document, path)
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    text = normalise_newlines("\n".join(lines)).strip("\n")
    if not text.strip():
        raise InputError("the Word document has no text.", path=path,
                         allowed="a document with at least one paragraph of text.")
    return ParsedDoc(text=text + "\n")
