"""Document variables and cases in REFI-QDA projects, both ways.

Every source carries the variables cohort, pair, source, role, stage (text) and date (a
REFI ``Date``, ``xsd:date``, so QDA tools can sort and filter on it); a date that is not an
ISO calendar date is left out rather than written as text under a Date variable. Each
mentoring pair is a case linked to its documents (``SourceRef``), with its cohort.

`read_variables` reads the variables of every text source and the cases back from a
``project.qde`` (ours or another tool's), by the variable's name, for the import report.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from .qde import NS_PROJECT, guid, xml_safe

__all__ = ["VARIABLES", "add_variables", "add_variable_values", "add_cases", "read_variables",
           "date_value"]

#: REFI variable name -> (documents column, REFI type)
VARIABLES: dict[str, tuple[str, str]] = {
    "cohort": ("cohort", "Text"), "pair": ("pair_id", "Text"), "source": ("source", "Text"),
    "role": ("author_role", "Text"), "stage": ("stage", "Text"), "date": ("date", "Date")}
_DESCRIPTIONS = {
    "cohort": "The programme cohort the document belongs to.",
    "pair": "The mentoring pair (mentor and mentee) the document is about.",
    "source": "The kind of document: interview, journal, observation, inspection, form ...",
    "role": "Who wrote or spoke it: mentor, mentee, programme team ...",
    "stage": "When in the programme: session_1 ... session_n, enrolment, end.",
    "date": "The date of the session or of the document.",
}
_VALUE_TAGS = {"Text": "TextValue", "Date": "DateValue"}


def date_value(value: Any) -> str | None:
    """``value`` as an ``xsd:date`` (``YYYY-MM-DD``), or None when it is not a calendar date
    (a date-time keeps its date part)."""
    text = "" if value is None or value != value else str(value).strip()
    try:
        return date.fromisoformat(text[:10]).isoformat() if len(text) >= 10 else None
    except ValueError:
        return None


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value == ""


def add_variables(project: Any) -> None:
    """Add ``<Variables>`` (every name of `VARIABLES`, typed, with a description)."""
    from lxml import etree

    el = etree.SubElement(project, f"{{{NS_PROJECT}}}Variables")
    for name, (_, kind) in VARIABLES.items():
        var = etree.SubElement(el, f"{{{NS_PROJECT}}}Variable", guid=guid("variable", name),
                               name=name, typeOfVariable=kind)
        etree.SubElement(var, f"{{{NS_PROJECT}}}Description").text = _DESCRIPTIONS[name]


def _value(parent: Any, name: str, value: Any) -> None:
    from lxml import etree

    kind = VARIABLES[name][1]
    text = date_value(value) if kind == "Date" else (None if _empty(value) else str(value))
    if not text:
        return
    vv = etree.SubElement(parent, f"{{{NS_PROJECT}}}VariableValue")
    etree.SubElement(vv, f"{{{NS_PROJECT}}}VariableRef", targetGUID=guid("variable", name))
    etree.SubElement(vv, f"{{{NS_PROJECT}}}{_VALUE_TAGS[kind]}").text = xml_safe(text)


def add_variable_values(source: Any, doc: dict[str, Any]) -> None:
    """Add a ``VariableValue`` for each variable the document has a value of."""
    for name, (column, _) in VARIABLES.items():
        _value(source, name, doc.get(column))


def add_cases(project: Any, documents: pd.DataFrame) -> None:
    """Add ``<Cases>``: one per mentoring pair, with its cohort (when it has one) and a
    ``SourceRef`` to each of its documents; nothing when no document has a pair."""
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
            _value(case, "cohort", cohorts[0])
        _value(case, "pair", pair_id)
        for doc_id in sorted(docs["doc_id"]):
            etree.SubElement(case, f"{{{NS_PROJECT}}}SourceRef", targetGUID=guid("source", doc_id))


def _local(el: Any) -> str:
    return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""


def _values(el: Any, names: dict[str, str]) -> dict[str, str]:
    out = {}
    for vv in (c for c in el if _local(c) == "VariableValue"):
        ref = next((c for c in vv if _local(c) == "VariableRef"), None)
        value = next((c for c in vv if _local(c).endswith("Value") and c is not ref), None)
        key = (ref.get("targetGUID") or "").strip("{}").lower() if ref is not None else ""
        if key in names and value is not None:
            out[names[key]] = (value.text or "").strip()
    return out


def read_variables(root: Any) -> tuple[dict[str, dict[str, str]], dict[str, list[str]]]:
    """The variables of a ``project.qde`` (an lxml root).

    Returns
    -------
    (dict, dict)
        ``{source GUID: {variable name: value}}`` for every text source, and ``{case name:
        [source GUIDs]}`` for every case; GUIDs lower-case without braces.
    """
    names = {(v.get("guid") or "").strip("{}").lower(): v.get("name") or ""
             for vs in root if _local(vs) == "Variables" for v in vs if _local(v) == "Variable"}
    sources = {(s.get("guid") or "").strip("{}").lower(): _values(s, names)
               for group in root if _local(group) == "Sources"
               for s in group if _local(s) == "TextSource"}
    cases = {(c.get("name") or c.get("guid") or ""): sorted(
                (r.get("targetGUID") or "").strip("{}").lower() for r in c
                if _local(r) == "SourceRef")
             for group in root if _local(group) == "Cases" for c in group if _local(c) == "Case"}
    return sources, cases
