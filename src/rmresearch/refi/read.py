"""Read a ``.qdpx`` project file from another tool and check it completely.

`read_qdpx` checks everything that depends on the file alone before anything is mapped or
written: it is a ZIP, holds ``project.qde`` (or a single ``.qde`` by another name), the
XML is well formed, has no DOCTYPE or entity references (never expanded: they are refused,
as REFI-QDA files never have them) and is valid against Project.xsd, every text source's
text can be found and decoded, every ``CodeRef`` points at a code in the file's codebook,
and every selection lies inside its source.

A source's text is read only from inside the archive (``plainTextPath="internal://..."``) or
from its ``PlainTextContent``: an ``absolute://`` or ``relative://`` path, a bare path and the
project's ``basePath`` are refused, and nothing is read from (or looked up on) the local disk,
so a project file cannot make rmresearch read, or reveal the size of, a file on this computer.

Selections are returned in codepoint offsets over the source text with LF newlines. The
standard counts codepoints of the file's own text, but NVivo and others count UTF-16 code
units, and some count over CRLF text even when the text they ship has LF newlines; each
source's way of counting is detected (`rmresearch.refi.offsets.detect`) and kept on the
source (``convention``); a source whose selections fit no way of counting is refused.
Running out of memory while reading ends in a `ResourceError` naming the file.
"""
from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..archive import check_zip
from ..errors import InputError, resource_errors
from .offsets import OURS, Convention, counted_length, detect, to_lf_offsets

__all__ = ["QCode", "QSelection", "QSource", "QdpxProject", "read_qdpx", "counting", "norm_guid"]

_ALLOWED = ("a REFI-QDA project (.qdpx) exported by NVivo, ATLAS.ti, MAXQDA, QualCoder or "
            "rmresearch.")
# What zipfile raises for a damaged member: bad CRC or header (BadZipFile), corrupt deflate
# data (zlib.error), a truncated member (EOFError), an unknown compression method
# (NotImplementedError) or an encrypted member (RuntimeError).
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
               OSError)


@dataclass(frozen=True)
class QCode:
    """A code of the file's codebook (``parent`` is the parent code's GUID)."""

    guid: str
    name: str
    parent: str | None
    codable: bool


@dataclass
class QSelection:
    """A text selection: LF-text offsets, its quote (``name``), and (code GUID, user GUID)."""

    guid: str
    start: int
    end: int
    quote: str
    codings: list[tuple[str, str | None]] = field(default_factory=list)


@dataclass
class QSource:
    """A text source with its LF text, selections and how its offsets were counted
    (``counted_over`` is the line-end part of ``convention``)."""

    guid: str
    name: str
    text: str
    selections: list[QSelection]
    counted_over: str = "lf"
    convention: Convention = OURS


@dataclass
class QdpxProject:
    """A checked ``.qdpx``: users by GUID, codes by GUID, text sources, the producer."""

    path: Path
    users: dict[str, str]
    codes: dict[str, QCode]
    sources: list[QSource]
    origin: str = ""


def norm_guid(value: str | None) -> str | None:
    """GUIDs compare case-insensitively, with or without braces."""
    return value.strip().strip("{}").lower() if value else None


def _local(el: Any) -> str:
    return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""


def _children(el: Any, name: str) -> list[Any]:
    return [c for c in el if _local(c) == name]


def _load_qde(path: Path) -> tuple[zipfile.ZipFile, Any]:
    if not path.is_file():
        raise InputError("file not found.", path=path, allowed=_ALLOWED)
    if not zipfile.is_zipfile(path):
        raise InputError("is not a ZIP archive, so it is not a REFI-QDA project file.",
                         path=path, allowed=_ALLOWED)
    try:
        check_zip(path)  # entry count, unpacked size and zip bombs, before any entry is read
        zf = zipfile.ZipFile(path)
    except _ZIP_ERRORS as exc:
        raise InputError(f"is a damaged ZIP archive ({exc}).", path=path,
                         allowed=_ALLOWED) from None
    try:
        return zf, _parse_qde(zf, path)
    except BaseException:
        zf.close()
        raise


def _parse_qde(zf: zipfile.ZipFile, path: Path) -> Any:
    from lxml import etree

    member = _qde_member(zf, path)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        data = zf.read(member)
    except _ZIP_ERRORS as exc:
        raise InputError(f"project.qde cannot be unpacked from the archive ({exc}); the file "
                         "is damaged or incomplete.", path=path, allowed=_ALLOWED) from None
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise InputError(f"project.qde is not well-formed XML (line {exc.lineno}: {exc.msg}).",
                         path=path, allowed=_ALLOWED) from None
    _refuse_doctype(root, path)
    from .qde import schema_errors

    try:
        problems = schema_errors(root, "project")
    except etree.XMLSchemaValidateError as exc:  # libxml2 gives up ("internal error")
        raise InputError(f"project.qde cannot be checked against the REFI-QDA project schema "
                         f"({exc}).", path=path, allowed=_ALLOWED) from None
    if problems:
        raise InputError("project.qde does not follow the REFI-QDA project schema "
                         "(Project.xsd): " + "; ".join(problems), path=path,
                         allowed="a project.qde that validates against REFI-QDA 1.5 "
                         "Project.xsd.")
    return root


def _qde_member(zf: zipfile.ZipFile, path: Path) -> str:
    """``project.qde``, or the archive's only ``.qde`` under another name (ATLAS.ti names it
    after the project)."""
    names = {n.lower(): n for n in zf.namelist()}
    if "project.qde" in names:
        return names["project.qde"]
    qdes = sorted(n for n in zf.namelist() if n.lower().endswith(".qde"))
    if len(qdes) == 1:
        return qdes[0]
    listed = ", ".join((qdes or sorted(zf.namelist()))[:8]) or "nothing"
    problem = (f"holds {len(qdes)} .qde files ({listed}) and none is 'project.qde'" if qdes
               else f"has no 'project.qde' at the top of the archive (found: {listed})")
    raise InputError(f"{problem}.", path=path, allowed=_ALLOWED)


def _refuse_doctype(root: Any, path: Path) -> None:
    """Refuse a project.qde with a DOCTYPE or entity references (``&name;``): REFI-QDA files
    never have them, entities are not expanded (text would be lost), and libxml2's schema
    check fails on them with an internal error."""
    from lxml import etree

    used = sorted({f"&{node.name};" for node in root.iter(etree.Entity)})
    if used or root.getroottree().docinfo.doctype:
        found = (f"uses XML entities ({', '.join(used[:5])})" if used
                 else "declares a DOCTYPE (where XML entities are defined)")
        raise InputError(f"project.qde {found}, which REFI-QDA project files never do; "
                         "rmresearch does not expand entities.", path=path,
                         allowed=_ALLOWED + " Export the project again from that tool.")


def _codes(root: Any) -> dict[str, QCode]:
    out: dict[str, QCode] = {}

    def walk(el: Any, parent: str | None) -> None:
        for code in _children(el, "Code"):
            gid = norm_guid(code.get("guid"))
            out[gid] = QCode(gid, code.get("name", ""), parent,
                             code.get("isCodable", "true").lower() in ("true", "1"))
            walk(code, gid)

    for book in _children(root, "CodeBook"):
        for codes in _children(book, "Codes"):
            walk(codes, None)
    return out


_OUTSIDE = ("text sources stored inside the .qdpx (plainTextPath=\"internal://<name>.txt\", "
            "the file under sources/) or given inline (PlainTextContent). Export the project "
            "again with its sources included.")


def _read_member(zf: zipfile.ZipFile, ref: str) -> bytes | None:
    """Bytes of an ``internal://`` plainTextPath, read from the archive only (None if it is
    not there). Any other kind of path is refused by the caller before this is called."""
    names = {n.lower(): n for n in zf.namelist()}
    rest = ref.partition("://")[2].lstrip("/")
    for cand in (f"sources/{rest}", rest):
        if cand.lower() in names:
            return zf.read(names[cand.lower()])
    base = PurePosixPath(rest).name.lower()
    hits = [n for n in zf.namelist() if PurePosixPath(n).name.lower() == base]
    return zf.read(hits[0]) if len(hits) == 1 else None


def _check_internal(ref: str, name: str, qdpx: Path) -> None:
    """Refuse a plainTextPath that points outside the archive (``absolute://``,
    ``relative://``, a bare path): nothing is read from the local disk, not even to see
    whether the file exists."""
    scheme = ref.partition("://")[0].strip().lower() if "://" in ref else ""
    if scheme != "internal":
        kind = f"an {scheme}:// path" if scheme == "absolute" else (
            f"a {scheme}:// path" if scheme else "a path without internal://")
        raise InputError(f"text source '{name}' points at '{ref}', {kind} to a file outside "
                         "the .qdpx; rmresearch reads a project's text only from inside the "
                         "archive, never from this computer's disk.", path=qdpx,
                         allowed=_OUTSIDE)


def _source_text(zf: zipfile.ZipFile, qdpx: Path, src: Any) -> str:
    name = src.get("name") or src.get("guid")
    content = _children(src, "PlainTextContent")
    if content:
        return content[0].text or ""
    ref = src.get("plainTextPath")
    if not ref:
        raise InputError(f"text source '{name}' has neither plainTextPath nor "
                         "PlainTextContent, so its text is missing.", path=qdpx,
                         allowed="every TextSource with a plainTextPath (internal://...txt) "
                         "or a PlainTextContent element.")
    _check_internal(ref, name, qdpx)
    try:
        data = _read_member(zf, ref)
    except _ZIP_ERRORS as exc:
        raise InputError(f"text source '{name}' ('{ref}') cannot be read from the archive "
                         f"({exc}).", path=qdpx, allowed=_ALLOWED) from None
    if data is None:
        raise InputError(f"text source '{name}' points at '{ref}', which is not in the "
                         "archive's sources/ folder.", path=qdpx, allowed=_OUTSIDE)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"text source '{name}' ('{ref}') is not UTF-8 text.", path=qdpx,
                         allowed="UTF-8 .txt sources, as REFI-QDA requires.") from None


def _selections(src: Any, fallback_user: str | None) -> list[QSelection]:
    out = []
    src_user = norm_guid(src.get("creatingUser")) or fallback_user
    for sel in _children(src, "PlainTextSelection"):
        user = norm_guid(sel.get("creatingUser")) or src_user
        codings = [(norm_guid(ref.get("targetGUID")), norm_guid(c.get("creatingUser")) or user)
                   for c in _children(sel, "Coding") for ref in _children(c, "CodeRef")]
        out.append(QSelection(norm_guid(sel.get("guid")), int(sel.get("startPosition")),
                              int(sel.get("endPosition")), sel.get("name") or "", codings))
    return out


def counting(raw: str, selections: list[QSelection], origin: str | None = None) -> str:
    """The line ends a source's offsets were counted over: ``'crlf'`` or ``'lf'``.

    The default is the file's own text: ``'crlf'`` when it has CRLF newlines. Evidence from
    the selections overrides it (see `rmresearch.refi.offsets.detect`): offsets beyond the LF
    text's length that fit the CRLF text, quotes (their ``name``) that match the text only
    under one counting, or starts and ends that fall on word boundaries only under one.
    """
    found, prior = detect(raw, [s.start for s in selections], [s.end for s in selections],
                          [s.quote for s in selections], origin)
    return (found or prior).newline


def _to_lf(raw: str, selections: list[QSelection], origin: str | None, name: str,
           path: Path) -> tuple[str, Convention]:
    """The LF text, with the selections' offsets turned into LF codepoints in place."""
    lf = raw.replace("\r\n", "\n")
    starts, ends = [s.start for s in selections], [s.end for s in selections]
    conv, prior = detect(raw, starts, ends, [s.quote for s in selections], origin)
    if conv is None:
        raise InputError(
            f"in text source '{name}', the selections fit the text under no way of counting "
            "offsets: read as Unicode codepoints or as UTF-16 code units, over LF or CRLF "
            "line ends, most of them start or end inside a word.", path=path,
            allowed="a project exported again from the tool that coded it, with the same "
            "source text it was coded on.")
    new_s, new_e = to_lf_offsets(lf, conv, starts), to_lf_offsets(lf, conv, ends)
    for sel, a, b in zip(selections, new_s.tolist(), new_e.tolist()):
        if a < 0 or b < 0 or a > b:
            raise InputError(f"in text source '{name}', selection {sel.guid} runs from "
                             f"{sel.start} to {sel.end} but the source has "
                             f"{counted_length(lf, conv)} characters.", path=path,
                             allowed="selections with 0 <= startPosition <= endPosition <= "
                             f"the source's length in {conv.describe()}.")
        sel.start, sel.end = a, b
    return lf, conv


def read_qdpx(path: str | Path) -> QdpxProject:
    """Open and check a ``.qdpx`` file (see module docstring); raise `InputError` if wrong."""
    path = Path(path)
    with resource_errors(path, "reading the REFI-QDA project"):
        return _read_qdpx(path)


def _read_qdpx(path: Path) -> QdpxProject:
    zf, root = _load_qde(path)
    with zf:
        users = {norm_guid(u.get("guid")): (u.get("name") or u.get("id") or "")
                 for us in _children(root, "Users") for u in _children(us, "User")}
        codes = _codes(root)
        fallback = norm_guid(root.get("creatingUserGUID"))
        origin = root.get("origin")
        sources = []
        for group in _children(root, "Sources"):
            for src in _children(group, "TextSource"):
                name = src.get("name") or src.get("guid")
                raw = _source_text(zf, path, src)
                sels = _selections(src, fallback)
                text, conv = _to_lf(raw, sels, origin, name, path)
                sources.append(QSource(norm_guid(src.get("guid")), name, text, sels,
                                       conv.newline, conv))
    unknown = sorted({c for s in sources for sel in s.selections for c, _ in sel.codings
                      if c not in codes})
    if unknown:
        raise InputError(f"codings refer to {len(unknown)} code GUID(s) that are not in the "
                         f"file's codebook: {', '.join(unknown[:10])}.", path=path,
                         allowed="CodeRef targetGUIDs that name a Code in the CodeBook.")
    return QdpxProject(path, users, codes, sources, origin or "")
