"""Write REFI-QDA codebooks (``.qdc``) and projects (``.qdpx``).

A project export holds every current document as a UTF-8 ``.txt`` source under
``sources/``, a user for every coder, one ``PlainTextSelection`` per (segment, coder,
valence) with a ``Coding`` for each code (and one for the valence pseudo-code); a
phrase-level coding gets a selection of its own with the phrase's offsets and text
(`rmresearch.refi.phrases`); a case per
mentoring pair and the variables cohort, source, role and stage. GUIDs are uuid5 values and
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
from .offsets import OURS
from .phrases import selection_rows, shown_phrases
from .pseudo import TextPseudonymiser, pseudonymise_pieces
from .qde import NS_CODEBOOK, NS_PROJECT, add_codes, code_guid, guid, schema_errors, \
    valence_guid, xml_safe

__all__ = ["codebook_xml", "export_codebook", "project_xml", "export_project", "VARIABLES"]

VARIABLES = {"cohort": "cohort", "source": "source", "role": "author_role", "stage": "stage"}
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


def _variables(project: Any) -> None:
    from lxml import etree

    el = etree.SubElement(project, f"{{{NS_PROJECT}}}Variables")
    for name in VARIABLES:
        etree.SubElement(el, f"{{{NS_PROJECT}}}Variable", guid=guid("variable", name),
                         name=name, typeOfVariable="Text")


def _variable_value(parent: Any, name: str, value: Any) -> None:
    from lxml import etree

    if value is None or (isinstance(value, float) and value != value) or value == "":
        return
    vv = etree.SubElement(parent, f"{{{NS_PROJECT}}}VariableValue")
    etree.SubElement(vv, f"{{{NS_PROJECT}}}VariableRef", targetGUID=guid("variable", name))
    etree.SubElement(vv, f"{{{NS_PROJECT}}}TextValue").text = xml_safe(str(value))


def _cases(project: Any, documents: pd.DataFrame) -> None:
    from lxml import etree

    pairs = documents[documents["pair_id"].notna() & (documents["pair_id"] != "")]
    if pairs.empty:
        return
    cases = etree.SubElement(project, f"{{{NS_PROJECT}}}Cases")
    for pair_id, docs in pairs.groupby("pair_id", sort=True):
        case = etree.SubElement(cases, f"{{{NS_PROJECT}}}Case", guid=guid("case", pair_id),
                                name=xml_safe(str(pair_id)))
        etree.SubElement(case, f"{{{NS_PROJECT}}}Description").text = \
            "A reverse-mentoring pair (mentor and mentee)."
        cohorts = sorted(docs["cohort"].dropna().unique())
        if len(cohorts) == 1:
            _variable_value(case, "cohort", cohorts[0])
        for doc_id in sorted(docs["doc_id"]):
            etree.SubElement(case, f"{{{NS_PROJECT}}}SourceRef", targetGUID=guid("source", doc_id))


def _selections(source: Any, segments: pd.DataFrame, codings: pd.DataFrame) -> int:
    from lxml import etree

    if codings.empty:
        return 0
    merged = selection_rows(codings, segments)  # a phrase-level coding: its own selection
    merged["valence"] = merged["valence"].fillna("")
    count = 0
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
        count += 1
    return count


def project_xml(documents: pd.DataFrame, segments: pd.DataFrame, codings: pd.DataFrame,
                codebook: Codebook, *, name: str = "rmresearch project",
                pseudonymiser: TextPseudonymiser | None = None) -> tuple[bytes, dict[str, str]]:
    """Build ``project.qde`` and the source texts.

    Parameters
    ----------
    documents : ``doc_id, cohort, pair_id, source, author_role, stage, date, text`` (current).
    segments : ``segment_id, doc_id, start, end, text`` (codepoint offsets into the text).
    codings : ``segment_id, code, coder, valence`` and optionally ``phrase_start,
        phrase_end`` (other columns ignored).
    codebook : the coding frame; codes used in codings but missing from it are added.
    pseudonymiser : object with ``text(str) -> str``; None keeps real names.

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
    project = etree.Element(f"{{{NS_PROJECT}}}Project", nsmap={None: NS_PROJECT},
                            name=xml_safe(name), origin=_origin(pseudonymiser is not None))
    users = etree.SubElement(project, f"{{{NS_PROJECT}}}Users")
    for coder in sorted(codings["coder"].unique()):
        etree.SubElement(users, f"{{{NS_PROJECT}}}User", guid=guid("user", coder),
                         name=xml_safe(coder), id=xml_safe(coder))
    if not len(users):
        project.remove(users)
    codebook = with_themes(codebook)  # the second tier, nested under the levels
    extra = sorted(set(codings["code"]) - set(codebook.ids))
    add_codes(etree.SubElement(etree.SubElement(project, f"{{{NS_PROJECT}}}CodeBook"),
                               f"{{{NS_PROJECT}}}Codes"), codebook, NS_PROJECT, extra)
    _variables(project)
    _cases(project, docs)
    sources_el = etree.SubElement(project, f"{{{NS_PROJECT}}}Sources")
    files: dict[str, str] = {}
    for doc in docs.to_dict("records"):
        gid = guid("source", doc["doc_id"])
        files[f"sources/{gid}.txt"] = doc["text"]
        src = etree.SubElement(sources_el, f"{{{NS_PROJECT}}}TextSource", guid=gid,
                               name=xml_safe(str(doc["name"])),
                               plainTextPath=f"internal://{gid}.txt")
        mine = segs[segs["doc_id"] == doc["doc_id"]]
        _selections(src, mine, codings[codings["segment_id"].isin(set(mine["segment_id"]))])
        for var, column in VARIABLES.items():
            _variable_value(src, var, doc.get(column))
    if not len(sources_el):
        project.remove(sources_el)
    etree.SubElement(project, f"{{{NS_PROJECT}}}Description").text = _CONVENTION_NOTE
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

    Returns a summary: ``path, sources, selections, users, pseudonymised``.
    """
    from ..store import ProjectStore

    store_path = Path(store_path)
    with ProjectStore.open_existing(store_path) as store:
        documents, segments, codings = store.documents(), store.segments(), store.codings()
    codings = findings_only(codings, segments)  # a machine's levels on non-findings stay home
    qde, files = project_xml(documents, segments, codings, codebook or default_codebook(),
                             name=store_path.stem, pseudonymiser=pseudonymiser)
    write_qdpx(output, qde, files)
    if hasattr(pseudonymiser, "save"):
        pseudonymiser.save()  # identifiers numbered while exporting stay numbered the same
    kept = codings[codings["segment_id"].isin(set(segments["segment_id"]))]
    return {"path": Path(output), "sources": len(files), "codings": len(kept),
            "users": int(kept["coder"].nunique()), "pseudonymised": pseudonymiser is not None}
