"""Read a REFI-QDA codebook (``.qdc``) as an rmresearch codebook.

NVivo, ATLAS.ti, MAXQDA, QualCoder, Taguette and rmresearch write ``.qdc`` files: nested
``Code`` elements with a ``name``, an optional ``color`` and ``Description``. They become
codes with:

* **id**: the name in lower case, with anything but letters, digits, ``_`` and ``-`` as
  ``_`` (``c_`` in front when it does not start with a letter; ``-2``, ``-3`` ... when two
  names give one id);
* **parent**: the enclosing code; Taguette writes its hierarchy in the names
  (``interesting.places`` under ``interesting``), which is read the same way;
* **colour** (when ``#RRGGBB``) and **definition** (the description; lines that start with
  ``Include:`` or ``Exclude:``, as rmresearch writes them, one rule a line, become the
  include and exclude lists).

A top-level code group named ``Valence`` (as rmresearch exports it) sets the names,
definitions and colours of the valences instead of adding codes. Code groups (``Sets``,
ATLAS.ti's code groups) are not hierarchy and are left out, with a warning. A file that
breaks the schema only by an empty ``<Sets/>`` (Taguette writes one) is read with a
warning; any other schema problem, a DOCTYPE or an entity reference is refused.
"""
from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

from ..codebook import Codebook
from ..codebook.check import parse_codebook
from ..errors import CodebookError
from ..vocabulary import VALENCES
from .qde import VALENCE_GROUP_NAME, schema_errors, valence_guid

__all__ = ["read_qdc", "QdcWarning"]

_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class QdcWarning(UserWarning):
    """A ``.qdc`` was read although it does not quite follow the standard."""


def _local(el: Any) -> str:
    return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""


def _kids(el: Any, name: str) -> list[Any]:
    return [c for c in el if _local(c) == name]


def _parse(path: Path) -> Any:
    from lxml import etree

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CodebookError(f"file not found: {path}", path=path) from None
    except OSError as exc:
        raise CodebookError(f"cannot be read ({exc.strerror or exc})", path=path) from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise CodebookError(f"line {exc.lineno}: not well-formed XML ({exc.msg}); a REFI-QDA "
                            "codebook (.qdc) is XML", path=path) from None
    if root.getroottree().docinfo.doctype or any(True for _ in root.iter(etree.Entity)):
        raise CodebookError("declares a DOCTYPE or uses XML entities, which REFI-QDA "
                            "codebooks never do; export the codebook again", path=path)
    if _local(root) != "CodeBook":
        raise CodebookError(f"the root element is <{_local(root)}>, not <CodeBook>: this is "
                            "not a REFI-QDA codebook (.qdc)", path=path)
    return root


def _check_schema(root: Any, path: Path) -> None:
    """Refuse schema problems, except empty ``<Sets/>`` (removed, with a warning)."""
    empty = [s for s in _kids(root, "Sets") if not len(s)]
    problems = schema_errors(root, "codebook")
    if problems and empty:
        for sets in empty:
            root.remove(sets)
        problems = schema_errors(root, "codebook")
        if not problems:
            warnings.warn(f"{path}: has an empty <Sets/>, which the REFI-QDA codebook schema "
                          "does not allow (Taguette writes one); read without it.",
                          QdcWarning, stacklevel=3)
    if problems:
        raise CodebookError([f"does not follow the REFI-QDA codebook schema "
                             f"(Codebook.xsd): {p}" for p in problems], path=path)


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9_\-]+", "_", name.strip().lower()).strip("_") or "code"
    return slug if slug[0].isalpha() else f"c_{slug}"


def _description(el: Any) -> tuple[str, list[str], list[str]]:
    """(definition, include, exclude) from a code's Description."""
    found = _kids(el, "Description")
    text = (found[0].text or "") if found else ""
    keep, include, exclude = [], [], []
    for line in text.splitlines():
        for prefix, into in (("Include:", include), ("Exclude:", exclude)):
            if line.startswith(prefix):
                into.extend([line[len(prefix):].strip()] if line[len(prefix):].strip() else [])
                break
        else:
            keep.append(line)
    return "\n".join(keep).strip(), include, exclude


def _walk(el: Any, parent: str | None, out: list[dict], ids: set[str]) -> None:
    for code in _kids(el, "Code"):
        name = (code.get("name") or "").strip() or "unnamed code"
        cid = base = _slug(name)
        n = 1
        while cid in ids:
            n += 1
            cid = f"{base}-{n}"
        ids.add(cid)
        definition, include, exclude = _description(code)
        item: dict[str, Any] = {"id": cid, "name": name,
                                "definition": definition or f"Imported code '{name}'."}
        item |= {"parent": parent} if parent else {}
        item |= {"colour": code.get("color")} if _COLOUR.match(code.get("color") or "") else {}
        item |= {"include": include} if include else {}
        item |= {"exclude": exclude} if exclude else {}
        out.append(item)
        _walk(code, cid, out, ids)


def _dotted(codes: list[dict]) -> None:
    """Taguette's ``parent.child`` names (no nesting in the file) as hierarchy."""
    if any("parent" in c for c in codes):
        return
    by_name = {c["name"]: c["id"] for c in codes}
    for code in codes:
        head, dot, tail = code["name"].rpartition(".")
        if dot and head in by_name and tail:
            code["parent"], code["name"] = by_name[head], tail


def _valences(group: Any) -> dict[str, dict[str, str]]:
    """Valence definitions from a ``Valence`` group's codes (by the GUID an rmresearch export
    gives them, by id, or by the names the shipped codebook gives the valences)."""
    from ..codebook import default_codebook

    names = {v: v for v in VALENCES}
    names |= {d.name.lower(): v for v, d in default_codebook().valence.items()}
    out: dict[str, dict[str, str]] = {}
    by_guid = {valence_guid(v): v for v in VALENCES}  # as rmresearch exports them
    for code in _kids(group, "Code"):
        name = (code.get("name") or "").strip()
        vid = by_guid.get((code.get("guid") or "").strip("{}").lower()) or names.get(name.lower())
        if vid in VALENCES and vid not in out:
            definition, _, _ = _description(code)
            out[vid] = {"name": name, "definition": definition}
            out[vid] |= {"colour": code.get("color")} if _COLOUR.match(
                code.get("color") or "") else {}
    return out


def read_qdc(path: str | Path) -> Codebook:
    """Read a REFI-QDA ``.qdc`` codebook (see module docstring).

    Raises
    ------
    CodebookError
        Not XML, not a REFI-QDA codebook, schema problems other than an empty ``<Sets/>``,
        or no codes.
    """
    path = Path(path)
    root = _parse(path)
    _check_schema(root, path)
    codes_el = (_kids(root, "Codes") or [root])[0]
    groups = [c for c in _kids(codes_el, "Code")
              if (c.get("name") or "").strip().lower() == VALENCE_GROUP_NAME.lower()]
    valence = _valences(groups[0]) if groups else {}
    for group in groups[:1]:
        codes_el.remove(group)
    codes: list[dict] = []
    _walk(codes_el, None, codes, set())
    _dotted(codes)
    sets = [s.get("name") or "" for sets in _kids(root, "Sets") for s in _kids(sets, "Set")]
    if sets:
        warnings.warn(f"{path}: its {len(sets)} code group(s) ({', '.join(sets[:3])}) are not "
                      "hierarchy and are left out; the codes themselves are read.",
                      QdcWarning, stacklevel=2)
    origin = root.get("origin") or "another tool"
    data = {"name": path.stem, "version": "1",
            "description": f"Imported from {path.name} (made by {origin}).",
            "codes": codes, "valence": valence}
    return parse_codebook(data, source=str(path))
