"""Which codebook code (or valence) each code of a ``.qdpx`` stands for.

A file's code is matched by GUID (rmresearch exports use uuid5 of the code id), then by a
mapping file's row, then by name or id, case-insensitively (``Parent::Child`` names match on
``Child``); a code under a group named ``Valence``, or named like a valence of the codebook
(``Good practice``, ``attention`` ...), is a valence. Codes that match nothing are returned
as unknown, for the caller to skip (and list) or refuse.

A mapping file is a CSV (or ``.xlsx``) with the columns ``from`` and ``to``: ``from`` is a
code's name in the file (the whole name or its last ``::`` part, any case), ``to`` a code
id or name of the codebook, or a valence; an empty ``to`` skips that code on purpose.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..codebook import VALENCES, Codebook
from ..errors import InputError, join_allowed
from .qde import VALENCE_GROUP_NAME, code_guid, valence_guid
from .read import QdpxProject

__all__ = ["CodeMatch", "match_codes", "read_code_map"]


@dataclass
class CodeMatch:
    """``known``: code GUID -> ("code", id) or ("valence", valence); ``unknown``: GUID ->
    the code's name in the file; ``unmapped``: GUID -> name, skipped on purpose by the map."""

    known: dict[str, tuple[str, str]] = field(default_factory=dict)
    unknown: dict[str, str] = field(default_factory=dict)
    unmapped: dict[str, str] = field(default_factory=dict)


def _targets(codebook: Codebook) -> dict[str, tuple[str, str]]:
    """Lower-cased code ids and names, valence ids and names -> what they stand for."""
    out = {v: ("valence", v) for v in VALENCES}
    out |= {d.name.lower(): ("valence", v) for v, d in codebook.valence.items()}
    out |= {c.name.lower(): ("code", c.id) for c in codebook.codes}
    out |= {c.id.lower(): ("code", c.id) for c in codebook.codes}
    return out


def read_code_map(path: str | Path, codebook: Codebook) -> dict[str, tuple[str, str] | None]:
    """Read a ``from,to`` mapping file: lower-cased ``from`` -> target (None: skip).

    Raises
    ------
    InputError
        A missing column, an empty ``from``, a ``from`` given twice or a ``to`` that is
        neither a code of the codebook nor a valence, with the row.
    """
    from ..ingest.tables import read_table, require_columns

    path = Path(path)
    df = read_table(path)
    df.columns = [str(c).strip().lower() for c in df.columns]
    require_columns(df, ("from", "to"), path)
    targets, out = _targets(codebook), {}
    allowed = (f"a code of the codebook ({join_allowed(codebook.ids)}), a valence "
               f"({join_allowed(VALENCES)}), or empty to skip the code.")
    for i, (src, dst) in enumerate(zip(df["from"], df["to"])):
        src, dst = str(src).strip(), str(dst).strip()
        if not src:
            raise InputError("has an empty 'from'.", path=path, line=i + 2, column="from",
                             allowed="the name of a code in the .qdpx file.")
        if src.lower() in out:
            raise InputError(f"maps '{src}' twice.", path=path, line=i + 2, column="from",
                             allowed="one row per code of the .qdpx file.")
        if dst and dst.lower() not in targets:
            raise InputError(f"maps '{src}' to '{dst}', which is not in the codebook.",
                             path=path, line=i + 2, column="to", allowed=allowed)
        out[src.lower()] = targets[dst.lower()] if dst else None
    return out


def match_codes(project: QdpxProject, codebook: Codebook,
                code_map: dict[str, tuple[str, str] | None] | None = None) -> CodeMatch:
    """Match every code used in a coding of ``project`` (see module docstring)."""
    by_guid = {code_guid(c.id): ("code", c.id) for c in codebook.codes}
    by_guid |= {valence_guid(v): ("valence", v) for v in VALENCES}
    targets, code_map = _targets(codebook), code_map or {}
    valences = {k: v for k, v in targets.items() if v[0] == "valence"}
    used = {g for s in project.sources for sel in s.selections for g, _ in sel.codings}
    out = CodeMatch()
    for gid in sorted(used):
        code = project.codes[gid]
        name = code.name.split("::")[-1].strip().lower()
        mapped = next((k for k in (code.name.strip().lower(), name) if k in code_map), None)
        if gid not in by_guid and mapped is not None:
            if code_map[mapped] is None:
                out.unmapped[gid] = code.name
            else:
                out.known[gid] = code_map[mapped]
            continue
        parent = project.codes.get(code.parent) if code.parent else None
        in_group = parent is not None and parent.name.lower() == VALENCE_GROUP_NAME.lower()
        hit = by_guid.get(gid) or (valences.get(name) if in_group else None) \
            or targets.get(name)
        if hit is None:
            out.unknown[gid] = code.name
        else:
            out.known[gid] = hit
    return out
