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


def read_plain(path: Path) -> ParsedDoc:
    """Read a .txt or .md file; speaker turns are detected later from ``Name:`` prefixes."""
    return ParsedDoc(text=read_text(path))


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
        why = "damaged compressed data" if isinstance(exc, zlib.error) else type(exc).__name__
        raise InputError(f"is not a readable Word document ({why}).",
                         path=path, allowed="a .docx saved by Word, LibreOffice or Google "
                         "Docs (old .doc files must be re-saved as .docx).") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    text = normalise_newlines("\n".join(lines)).strip("\n")
    if not text.strip():
        raise InputError("the Word document has no text.", path=path,
                         allowed="a document with at least one paragraph of text.")
    return ParsedDoc(text=text + "\n")
