"""Write REFI-QDA codebooks (``.qdc``) and projects (``.qdpx``).

A project export holds every current document as a UTF-8 ``.txt`` source under
``sources/``, a user for every coder, one ``PlainTextSelection`` per (segment, coder,
valence) with a ``Coding`` for each code (and one for the valence pseudo-code; a
phrase-level coding gets a selection of its own with the phrase's offsets and text,
`rmresearch.refi.phrases`), a case per mentoring pair linked to its documents, the typed variables cohort, pair, source, role,
stage and date (`rmresearch.refi.variables`), and notes: the store's memos, the machine's
score and evidence on each of its codings, transcript cue times (`rmresearch.refi.notes_out`).
GUIDs are uuid5 values and
ZIP entries carry a fixed date, so the same project gives the same bytes. The project states
how its offsets are counted (codepoints over LF text) in its ``origin``
(``rmresearch X (offsets=codepoints/lf)``, with ``; pseudonymised`` when it is) and its
``Description``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from .. import __version__
from ..archive import fixed_zip
from ..atomic import atomic_write_bytes
from ..codebook import Codebook, default_codebook
from ..codebook.themes import with_themes
from ..coding.roles import findings_only
from ..errors import RmResearchError
from .notes_out import NoteIndex, add_code_note_refs, add_note_refs, add_notes_element, \
    build_notes, segment_selection_guid
from .offsets import OURS
from .phrases import selection_rows, shown_phrases
from .pseudo import TextPseudonymiser, pseudonymise_pieces
from .qde import NS_CODEBOOK, NS_PROJECT, add_codes, code_guid, guid, schema_errors, \
    valence_guid, xml_safe
from .variables import VARIABLES, add_cases, add_variable_values, add_variables

__all__ = ["codebook_xml", "export_codebook", "project_xml", "export_project", "VARIABLES"]

_CONVENTION_NOTE = ("Exported by rmresearch. Selection offsets count Unicode codepoints (not "
                    "UTF-16 code units) of each source's text, which has LF line ends; the "
                    "first character is 0 and endPosition is exclusive.")
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _origin(pseudonymised: bool) -> str:
    """The project's ``origin``: the producer, how offsets are counted (read back by
    `rmresearch.refi.offsets.producer_unit`) and whether names are pseudonymised."""
    return (f"rmresearch {__version__} (offsets={OURS.label}"
            + ("; pseudonymised" if pseudonymised else "") + ")")


def _serialise(root: Any, kind: str) -> bytes:
    from lxml import etree

    problems = schema_errors(root, kind)
    if problems:  # a bug in rmresearch, not in the user's data
        raise RmResearchError(f"the {kind} export does not validate against the REFI-QDA "
                              "schema: " + "; ".join(problems))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def codebook_xml(codebook: Codebook | None = None) -> bytes:
    """The codebook as REFI-QDA Codebook XML (valid against Codebook.xsd)."""
    from lxml import etree

    codebook = with_themes(codebook or default_codebook())  # themes nested under levels
    root = etree.Element(f"{{{NS_CODEBOOK}}}CodeBook", nsmap={None: NS_CODEBOOK},
                         origin=f"rmresearch {__version__}: {xml_safe(codebook.name)} "
                                f"{codebook.version}")
    add_codes(etree.SubElement(root, f"{{{NS_CODEBOOK}}}Codes"), codebook, NS_CODEBOOK)
    return _serialise(root, "codebook")


def export_codebook(output: str | Path, codebook: Codebook | None = None) -> Path:
    """Write ``codebook`` (default: the shipped frame) to ``output`` (a ``.qdc`` file)."""
    return atomic_write_bytes(output, codebook_xml(codebook))


def _pseudonymise(documents: pd.DataFrame, segments: pd.DataFrame,
                  pseudonymiser: TextPseudonymiser | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pseudonymised copies of documents (text, doc name) and segments (text, offsets)."""
    if pseudonymiser is None:
        return documents.assign(name=documents["doc_id"]), segments
    docs, segs = documents.copy(), segments.copy()
    for i, doc in docs.iterrows():
        mine = segs["doc_id"] == doc["doc_id"]
        spans = list(zip(segs.loc[mine, "start"], segs.loc[mine, "end"]))
        new_text, where = pseudonymise_pieces(doc["text"], spans, pseudonymiser)
        docs.at[i, "text"] = new_text
        segs.loc[mine, "start"] = [where[int(s)] for s, _ in spans]
        segs.loc[mine, "end"] = [where[int(e)] for _, e in spans]
        segs.loc[mine, "text"] = [new_text[where[int(s)]:where[int(e)]] for s, e in spans]
    docs["name"] = [pseudonymiser.text(d) for d in docs["doc_id"]]
    return docs, segs


def _selections(source: Any, segments: pd.DataFrame, codings: pd.DataFrame,
                index: NoteIndex) -> int:
    """Coded selections (one per segment, coder and valence, with a ``NoteRef`` on each
    coding a note annotates), then an uncoded selection for each segment with notes (a
    coding's notes go there when the coding is not exported)."""
    from lxml import etree

    merged = selection_rows(codings, segments)  # a phrase-level coding: its own selection
    merged["valence"] = merged["valence"].fillna("")
    count, exported = 0, set()
    for (sid, coder, valence, span), group in merged.groupby(
            ["segment_id", "coder", "valence", "span"], sort=False):
        row, user = group.iloc[0], guid("user", coder)
        key = f"{sid}|{coder}|{valence}{span}"
        sel = etree.SubElement(source, f"{{{NS_PROJECT}}}PlainTextSelection",
                               guid=guid("selection", key), name=xml_safe(row["text"]),
                               startPosition=str(int(row["start"])),
                               endPosition=str(int(row["end"])), creatingUser=user)
        refs = [(code, code_guid(code)) for code in group["code"]]
        if valence:
            refs.append((f"valence:{valence}", valence_guid(valence)))
        for code, target in refs:
            coding = etree.SubElement(sel, f"{{{NS_PROJECT}}}Coding",
                                      guid=guid("coding", f"{key}|{code}"), creatingUser=user)
            etree.SubElement(coding, f"{{{NS_PROJECT}}}CodeRef", targetGUID=target)
            add_note_refs(coding, index.codings.get((sid, code, coder)))
            exported.add((sid, code, coder))
        count += 1
    for seg in segments.to_dict("records"):
        sid = seg["segment_id"]
        gids = list(index.segments.get(sid, [])) + [
            g for key in index.coding_keys(sid) if key not in exported
            for g in index.codings[key]]
        if gids:
            sel = etree.SubElement(source, f"{{{NS_PROJECT}}}PlainTextSelection",
                                   guid=segment_selection_guid(sid), name=xml_safe(seg["text"]),
                                   startPosition=str(int(seg["start"])),
                                   endPosition=str(int(seg["end"])))
            add_note_refs(sel, gids)
    return count


def _users(project: Any, names: set[str]) -> dict[str, str]:
    """Add ``<Users>`` (coders and note authors); returns name -> user GUID."""
    from lxml import etree

    users = {name: guid("user", name) for name in sorted(names)}
    if users:
        el = etree.SubElement(project, f"{{{NS_PROJECT}}}Users")
        for name, gid in users.items():
            etree.SubElement(el, f"{{{NS_PROJECT}}}User", guid=gid, name=xml_safe(name),
                             id=xml_safe(name))
    return users


def _sources(project: Any, docs: pd.DataFrame, segs: pd.DataFrame, codings: pd.DataFrame,
             index: NoteIndex) -> dict[str, str]:
    """Add ``<Sources>``: a text source per document with its selections, notes and
    variables; returns ``{"sources/<guid>.txt": text}``."""
    from lxml import etree

    sources_el = etree.SubElement(project, f"{{{NS_PROJECT}}}Sources")
    files: dict[str, str] = {}
    for doc in docs.to_dict("records"):
        gid = guid("source", doc["doc_id"])
        files[f"sources/{gid}.txt"] = doc["text"]
        src = etree.SubElement(sources_el, f"{{{NS_PROJECT}}}TextSource", guid=gid,
                               name=xml_safe(str(doc["name"])),
                               plainTextPath=f"internal://{gid}.txt")
        mine = segs[segs["doc_id"] == doc["doc_id"]]
        _selections(src, mine, codings[codings["segment_id"].isin(set(mine["segment_id"]))],
                    index)
        add_note_refs(src, index.documents.get(doc["doc_id"]))
        add_variable_values(src, doc)
    if not len(sources_el):
        project.remove(sources_el)
    return files


def project_xml(documents: pd.DataFrame, segments: pd.DataFrame, codings: pd.DataFrame,
                codebook: Codebook, *, name: str = "rmresearch project",
                pseudonymiser: TextPseudonymiser | None = None,
                notes: pd.DataFrame | None = None) -> tuple[bytes, dict[str, str]]:
    """Build ``project.qde`` and the source texts.

    Parameters
    ----------
    documents : ``doc_id, cohort, pair_id, source, author_role, stage, date, text`` (current).
    segments : ``segment_id, doc_id, start, end, text`` (codepoint offsets into the text)
        and, optionally, ``time`` (a transcript cue's start in seconds).
    codings : ``segment_id, code, coder, valence``, optionally ``phrase_start, phrase_end``
        and, for machine coders' notes, ``score, evidence``.
    codebook : the coding frame; codes used in codings but missing from it are added.
    pseudonymiser : object with ``text(str) -> str``; None keeps real names.
    notes : the store's notes (`rmresearch.store.ProjectStore.notes`), or None.

    Returns
    -------
    (bytes, dict)
        The QDE XML, and ``{"sources/<guid>.txt": text}`` for every document.
    """
    from lxml import etree

    docs, segs = _pseudonymise(documents.sort_values("doc_id"), segments, pseudonymiser)
    codings = codings[codings["segment_id"].isin(set(segs["segment_id"]))]
    codings = shown_phrases(codings, segments, segs)
    codings = codings.sort_values(["segment_id", "coder", "code"], kind="stable")
    index = build_notes(notes, codings, segs, pseudonymiser)
    project = etree.Element(f"{{{NS_PROJECT}}}Project", nsmap={None: NS_PROJECT},
                            name=xml_safe(name), origin=_origin(pseudonymiser is not None))
    users = _users(project, set(codings["coder"]) | index.authors)
    codebook = with_themes(codebook)  # the second tier, nested under the levels
    noted = {c for c in index.codes if not c.startswith("valence:")}  # codes with notes
    extra = sorted((set(codings["code"]) | noted) - set(codebook.ids))
    add_codes(etree.SubElement(etree.SubElement(project, f"{{{NS_PROJECT}}}CodeBook"),
                               f"{{{NS_PROJECT}}}Codes"), codebook, NS_PROJECT, extra)
    add_code_note_refs(project, index)
    add_variables(project)
    add_cases(project, docs)
    files = _sources(project, docs, segs, codings, index)
    files |= add_notes_element(project, index, users)
    etree.SubElement(project, f"{{{NS_PROJECT}}}Description").text = _CONVENTION_NOTE
    add_note_refs(project, index.project)
    return _serialise(project, "project"), files


def write_qdpx(path: str | Path, qde: bytes, files: dict[str, str]) -> Path:
    """Write a ``.qdpx`` ZIP (``project.qde`` + sources) atomically, with fixed entry dates."""
    members = [("project.qde", qde)] + sorted((n, t.encode("utf-8")) for n, t in files.items())
    atomic_write_bytes(path, fixed_zip(members, _ZIP_DATE))
    return Path(path)


def export_project(store_path: str | Path, output: str | Path, *,
                   codebook: Codebook | None = None,
                   pseudonymiser: TextPseudonymiser | None = None) -> dict[str, Any]:
    """Export a project store as a REFI-QDA ``.qdpx`` file.

    Returns a summary: ``path, sources, codings, users, pseudonymised``.
    """
    from ..store import ProjectStore

    store_path = Path(store_path)
    with ProjectStore.open_existing(store_path) as store:
        documents, segments, codings = store.documents(), store.segments(), store.codings()
        notes, runs = store.notes(), store.runs()
    when = dict(zip(runs["run_id"], runs["finished"].fillna(runs["started"])))
    read = dict(zip(documents["doc_id"], documents["run_id"].map(when)))
    codings = codings.assign(created=codings["run_id"].map(when))  # for the machine's notes
    segments = segments.assign(created=segments["doc_id"].map(read))  # for cue times
    codings = findings_only(codings, segments)  # a machine's levels on non-findings stay home
    qde, files = project_xml(documents, segments, codings, codebook or default_codebook(),
                             name=store_path.stem, pseudonymiser=pseudonymiser, notes=notes)
    write_qdpx(output, qde, files)
    if hasattr(pseudonymiser, "save"):
        pseudonymiser.save()  # identifiers numbered while exporting stay numbered the same
    kept = codings[codings["segment_id"].isin(set(segments["segment_id"]))]
    return {"path": Path(output), "sources": len(documents), "codings": len(kept),
            "users": int(kept["coder"].nunique()), "pseudonymised": pseudonymiser is not None}
