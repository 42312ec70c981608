"""Read the notes and memos of a REFI-QDA project file, as each tool writes them.

* ``<Notes><Note>`` with their text in ``PlainTextContent`` (or an ``internal://`` text
  file, or only a ``Description``), linked by ``NoteRef`` from the project, a text source,
  a selection, a coding or a code (REFI-QDA 1.5; NVivo, ATLAS.ti, MAXQDA and rmresearch
  write them so). A note no ``NoteRef`` points at (a journal, a project memo) belongs to the
  project.
* QualCoder's annotations: a ``Note`` holding its own ``PlainTextSelection`` (the annotated
  span of the source whose ``NoteRef`` points at it).
* QualCoder's memos: a ``Description`` on a ``TextSource`` (source memo), on a
  ``PlainTextSelection`` (the memo of its codings) and on a ``Code`` (code memo).

Only the file is read here; `rmresearch.refi.notes_in` maps what the notes annotate onto the
store. The file was checked by `rmresearch.refi.read.read_qdpx` first.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from .read import norm_guid

__all__ = ["RawNote", "read_notes"]


@dataclass
class RawNote:
    """A note as the file has it.

    ``target`` is one of ``project``, ``source`` (``source``), ``selection`` (``source``,
    ``selection``), ``span`` (``source``, ``start``, ``end``: counted as the file counts
    that source's offsets), ``coding`` (``source``, ``selection``, ``code``, ``user``),
    ``code`` (``code``) or ``other`` (``other``: what it annotates, e.g. ``Case 'P1'``).
    """

    guid: str
    name: str
    text: str
    user: str | None
    created: str | None
    target: str
    source: str | None = None
    selection: str | None = None
    code: str | None = None
    coding_user: str | None = None
    start: int | None = None
    end: int | None = None
    other: str = ""
    memo: bool = False  # a Description (QualCoder memo), not a Note


def _local(el: Any) -> str:
    return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""


def _child(el: Any, name: str) -> Any:
    return next((c for c in el if _local(c) == name), None)


def _root(path: Path) -> tuple[Any, dict[str, bytes]]:
    """The parsed ``.qde`` and the archive's text files (for notes kept as files)."""
    from lxml import etree

    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        qde = next((n for n in names if n.lower() == "project.qde"), None) or \
            next(n for n in names if n.lower().endswith(".qde"))
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
        root = etree.fromstring(zf.read(qde), parser)
        texts = {n.lower(): zf.read(n) for n in names if n.lower().endswith(".txt")}
    return root, texts


def _note_text(note: Any, texts: dict[str, bytes]) -> str:
    content = _child(note, "PlainTextContent")
    if content is not None and (content.text or "").strip():
        return content.text.strip()
    ref = note.get("plainTextPath") or ""
    if ref.lower().startswith("internal://"):
        rest = ref.partition("://")[2].lstrip("/").lower()
        data = texts.get(f"sources/{rest}") or texts.get(rest) or next(
            (v for k, v in texts.items() if PurePosixPath(k).name == PurePosixPath(rest).name),
            None)
        if data is not None:
            return data.decode("utf-8-sig", errors="replace").strip()
    described = _child(note, "Description")
    return (described.text or "").strip() if described is not None else ""


def _target(ref: Any) -> dict[str, Any]:
    """What the element holding a ``NoteRef`` is, as `RawNote` fields."""
    parent = ref.getparent()
    kind = _local(parent)
    if kind == "Project":
        return dict(target="project")
    if kind == "TextSource":
        return dict(target="source", source=norm_guid(parent.get("guid")))
    if kind == "PlainTextSelection":
        return dict(target="selection", source=norm_guid(parent.getparent().get("guid")),
                    selection=norm_guid(parent.get("guid")))
    if kind == "Coding" and _local(parent.getparent()) == "PlainTextSelection":
        sel = parent.getparent()
        code = _child(parent, "CodeRef")
        return dict(target="coding", source=norm_guid(sel.getparent().get("guid")),
                    selection=norm_guid(sel.get("guid")),
                    code=norm_guid(code.get("targetGUID")) if code is not None else None,
                    coding_user=norm_guid(parent.get("creatingUser") or sel.get("creatingUser")))
    if kind == "Coding":  # a coding of a whole source
        return dict(target="source", source=norm_guid(parent.getparent().get("guid")))
    if kind == "Code":
        return dict(target="code", code=norm_guid(parent.get("guid")))
    return dict(target="other", other=f"{kind} '{parent.get('name') or parent.get('guid')}'")


def _span(note: Any) -> dict[str, Any]:
    """QualCoder's annotation: the ``PlainTextSelection`` inside the note."""
    sel = _child(note, "PlainTextSelection")
    if sel is None:
        return {}
    try:
        return dict(start=int(sel.get("startPosition")), end=int(sel.get("endPosition")))
    except (TypeError, ValueError):
        return {}


def _linked(root: Any, texts: dict[str, bytes]) -> list[RawNote]:
    """Every ``Note``, once for each ``NoteRef`` to it (the project's when none)."""
    notes = {norm_guid(n.get("guid")): n for group in root if _local(group) == "Notes"
             for n in group if _local(n) == "Note"}
    refs: dict[str, list[dict[str, Any]]] = {}
    for ref in root.iter("{*}NoteRef"):
        refs.setdefault(norm_guid(ref.get("targetGUID")), []).append(_target(ref))
    out = []
    for gid, note in notes.items():
        base = dict(guid=gid, name=note.get("name") or "", text=_note_text(note, texts),
                    user=norm_guid(note.get("creatingUser") or note.get("modifyingUser")),
                    created=note.get("creationDateTime") or note.get("modifiedDateTime"))
        for where in refs.get(gid) or [dict(target="project")]:
            if where["target"] == "source" and _span(note):
                where = dict(where, target="span", **_span(note))
            out.append(RawNote(**base, **where))
    return out


def _memos(root: Any, fallback_user: str | None) -> list[RawNote]:
    """QualCoder's memos: ``Description`` of sources, selections and codes."""
    out = []
    for el in root.iter("{*}TextSource", "{*}PlainTextSelection", "{*}Code"):
        desc = _child(el, "Description")
        text = (desc.text or "").strip() if desc is not None else ""
        if not text or _local(el.getparent()) == "Note":
            continue
        gid, kind = norm_guid(el.get("guid")), _local(el)
        user = norm_guid(el.get("creatingUser")) or fallback_user
        base = dict(guid=gid, name="", text=text, user=user, memo=True,
                    created=el.get("creationDateTime") or el.get("modifiedDateTime"))
        if kind == "TextSource":
            out.append(RawNote(**base, target="source", source=gid))
        elif kind == "Code":
            out.append(RawNote(**base, target="code", code=gid))
        else:
            src = norm_guid(el.getparent().get("guid"))
            codings = [c for c in el if _local(c) == "Coding"]
            out += [RawNote(**base, target="coding", source=src, selection=gid,
                            code=norm_guid(_child(c, "CodeRef").get("targetGUID")),
                            coding_user=norm_guid(c.get("creatingUser")) or user)
                    for c in codings if _child(c, "CodeRef") is not None] or [
                RawNote(**base, target="selection", source=src, selection=gid)]
    return out


def read_notes(path: str | Path) -> list[RawNote]:
    """Every note and memo of a ``.qdpx`` (see module docstring), in file order."""
    root, texts = _root(Path(path))
    return _linked(root, texts) + _memos(root, norm_guid(root.get("creatingUserGUID")))
