"""QDA-XML building blocks shared by export and import: namespaces, GUIDs, schemas, codes.

GUIDs are deterministic (uuid5 of a kind and a key), so exporting the same project twice
gives the same bytes. lxml is imported inside the functions that need it.
"""
from __future__ import annotations

import re
import uuid
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

from ..codebook import Codebook
from ..vocabulary import VALENCES

__all__ = ["NS_PROJECT", "NS_CODEBOOK", "guid", "code_guid", "valence_guid", "schema_errors",
           "validate_xml", "add_codes", "xml_safe", "code_description", "VALENCE_GROUP_NAME",
           "EXTRA_CODE_DESCRIPTION", "own_descriptions"]

NS_PROJECT = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://rmresearch.invalid/refi-qda")
VALENCE_GROUP_NAME = "Valence"
EXTRA_CODE_DESCRIPTION = "Used in codings or notes but not defined in the codebook."
_VALENCE_GROUP_DESCRIPTION = ("Valence of a finding: good practice, an area requiring "
                              "attention, or neutral. Applied alongside a level of operation.")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def guid(kind: str, key: str) -> str:
    """A deterministic GUID for an object of ``kind`` identified by ``key``."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{key}"))


def code_guid(code_id: str) -> str:
    """The GUID of a codebook code: uuid5 of its id, the same in every export."""
    return guid("code", code_id)


def valence_guid(valence: str) -> str:
    """The GUID of a valence pseudo-code (``positive``, ``attention``, ``neutral``)."""
    return guid("valence", valence)


def xml_safe(text: str) -> str:
    """Drop characters XML 1.0 cannot hold (control characters other than tab/LF/CR)."""
    return _XML_ILLEGAL.sub("", text)


@lru_cache(maxsize=None)
def _schema(kind: str) -> Any:
    from lxml import etree

    name = {"project": "Project.xsd", "codebook": "Codebook.xsd"}[kind]
    data = resources.files("rmresearch.refi").joinpath("schemas", name).read_bytes()
    return etree.XMLSchema(etree.fromstring(data))


def schema_errors(root: Any, kind: str, limit: int = 10) -> list[str]:
    """Problems of ``root`` (an lxml element or tree) against Project.xsd or Codebook.xsd.

    Returns at most ``limit`` messages of the form ``line N: message``; empty when valid.
    """
    schema = _schema(kind)
    if schema.validate(root):
        return []
    return [f"line {e.line}: {e.message}" for e in list(schema.error_log)[:limit]]


def validate_xml(data: bytes, kind: str) -> list[str]:
    """Parse XML bytes and return schema problems (empty list when valid)."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return schema_errors(etree.fromstring(data, parser), kind)


def code_description(code: Any) -> str:
    """A code's definition with its include/exclude rules (a line ``Include: ...`` or
    ``Exclude: ...`` each), as one plain-text description."""
    parts = [code.definition]  # one line per rule, so `codebook_in` reads them back
    parts += [f"Include: {rule}" for rule in getattr(code, "include", ())]
    parts += [f"Exclude: {rule}" for rule in getattr(code, "exclude", ())]
    return xml_safe("\n".join(p for p in parts if p))


def _code_el(parent: Any, ns: str, gid: str, name: str, codable: bool, colour: str | None,
             description: str) -> Any:
    from lxml import etree

    el = etree.SubElement(parent, f"{{{ns}}}Code", guid=gid, name=xml_safe(name),
                          isCodable="true" if codable else "false")
    if colour:
        el.set("color", colour)
    if description:
        etree.SubElement(el, f"{{{ns}}}Description").text = description
    return el


def add_codes(codes_el: Any, codebook: Codebook, ns: str, extra: Iterable[str] = ()) -> None:
    """Add the codebook's codes (nested by parent) and a valence group under ``codes_el``.

    ``extra`` are code ids found in codings or notes but not in the codebook: added at the
    top level, named by their id, so every coding and note has a code to point at.
    """
    def add(parent_el: Any, parent_id: str | None) -> None:
        for code in codebook.children(parent_id):
            el = _code_el(parent_el, ns, code_guid(code.id), code.name, True, code.colour,
                          code_description(code))
            add(el, code.id)

    add(codes_el, None)
    for code_id in extra:
        _code_el(codes_el, ns, code_guid(code_id), code_id, True, None,
                 EXTRA_CODE_DESCRIPTION)
    group = _code_el(codes_el, ns, guid("valence-group", "valence"), VALENCE_GROUP_NAME, False,
                     None, _VALENCE_GROUP_DESCRIPTION)
    for vid in VALENCES:
        val = codebook.valence[vid]
        _code_el(group, ns, valence_guid(vid), val.name, True, val.colour,
                 xml_safe(val.definition))


def own_descriptions(codebook: Codebook) -> set[str]:
    """Every code description `add_codes` writes for ``codebook`` (whitespace runs as single
    spaces), so an importer can tell this project's own definitions from a memo."""
    texts = [code_description(c) for c in codebook.codes]
    texts += [xml_safe(codebook.valence[v].definition) for v in VALENCES]
    texts += [EXTRA_CODE_DESCRIPTION, _VALENCE_GROUP_DESCRIPTION]
    return {" ".join(t.split()) for t in texts if t}
