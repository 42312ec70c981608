"""Map a checked ``.qdpx`` (see `read.read_qdpx`) onto this project's segments.

Rules, in order:

* **Sources to documents.** A text source is this project's document when its name is the
  document's id or file path (with or without folders and extension) and its text is the
  same after whitespace normalisation; otherwise the one document with the same normalised
  text.
  With a pseudonymiser, the pseudonymised documents (as `export_project` writes them) are
  tried as well, so a pseudonymised export coded in another tool comes back.
* **Offsets.** Selections arrive in LF-text codepoints (CRLF counting already undone); when
  the source text differs from the document only in whitespace, offsets are carried over by
  counting non-whitespace characters.
* **Selections to segments.** A selection codes a segment when it covers at least half of
  the segment's codepoints.
* **Users to coders.** Each user becomes ``human:<name>`` (name lower-cased, anything but
  letters, digits, ``.``, ``_`` and ``-`` turned into ``-``); users named like this
  project's machine coders (``rules@...``, ``model@...``, ``ensemble@...``) are skipped.
  Two users whose names become the same coder (``Sam Jones`` and ``sam jones``) are refused,
  as is a name spelt differently from the one that brought the coder into the store
  (`check_spellings`, `check_known_spellings`): otherwise two people would silently merge.
* **Codes.** By GUID (rmresearch exports use uuid5 of the code id) or by name or id,
  case-insensitively (``Parent::Child`` names match on ``Child``); valence pseudo-codes set
  the valence of the other codes in the same selection by the same user; two valences for
  one passage by one user (in one selection or overlapping ones) are refused.
* **Seen.** A coder has seen every segment of each document they coded anything in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterable

import numpy as np
import pandas as pd

from ..codebook import VALENCES, Codebook
from ..errors import InputError, join_allowed
from ..vocabulary import HUMAN_PREFIX, human_coder
from .read import QdpxProject, QSource, read_qdpx
from .qde import VALENCE_GROUP_NAME, code_guid, valence_guid

__all__ = ["QdpxImport", "qdpx_codings", "read_qdpx", "coder_name", "coder_spellings",
           "check_spellings", "check_known_spellings", "MACHINE_PREFIXES"]

MACHINE_PREFIXES = ("rules@", "model@", "ensemble@")


Spellings = dict[str, dict[str, list[int]]]


@dataclass
class QdpxImport:
    """Codings (``segment_id, code, coder, score, valence, evidence``), the (segment, coder)
    pairs seen, notes about what was skipped, and the coders' names as the file spells them
    (`coder_spellings`)."""

    codings: pd.DataFrame
    seen: list[tuple[str, str]]
    notes: list[str] = field(default_factory=list)
    names: Spellings = field(default_factory=dict)


@dataclass
class _View:
    doc_id: str
    keys: set[str]
    text: str
    seg_ids: np.ndarray
    starts: np.ndarray
    ends: np.ndarray

    @property
    def norm(self) -> str:
        return " ".join(self.text.split())


def coder_name(user: str) -> str:
    """``human:<name>`` for a REFI-QDA user name (see module docstring)."""
    name = user.strip()
    name = name[len(HUMAN_PREFIX):] if name.lower().startswith(HUMAN_PREFIX) else name
    clean = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-")
    return human_coder(clean or "unnamed")  # ``clean`` holds no ':', so never prefixed yet


def _as_given(name: str) -> str:
    """A coder's name as the person gave it, without a ``human:`` prefix."""
    name = name.strip()
    return name[len(HUMAN_PREFIX):] if name.lower().startswith(HUMAN_PREFIX) else name


def coder_spellings(names: Iterable[tuple[str, int | None]]) -> Spellings:
    """Coder label -> each spelling of it (``human:`` prefix dropped) -> the rows that use it.

    ``names`` are (name as given, sheet row, or None when the name is not from a row).
    """
    out: Spellings = {}
    for name, row in names:
        rows = out.setdefault(coder_name(name), {}).setdefault(_as_given(name), [])
        rows.extend([row] if row is not None else [])
    return out


def check_spellings(found: Spellings, path: str | Path) -> None:
    """Refuse two spellings of one coder in one input (they would silently become one).

    Raises
    ------
    InputError
        Naming both spellings (and their rows), and the coder they would become.
    """
    clashes = []
    for label, names in found.items():
        if len(names) > 1:
            shown = [f"{name!r}" + (f" (rows {rows[:8]})" if rows else "")
                     for name, rows in names.items()]
            clashes.append(f"{' and '.join(shown)} would all be stored as {label}")
    if clashes:
        raise InputError("the coder names " + "; ".join(clashes) + ".", path=path,
                         allowed="one spelling per person (coder names are stored in lower "
                         "case, with spaces and other signs as '-'); give different people "
                         "names that differ in more than case.")


def check_known_spellings(found: Spellings, runs: list[dict[str, Any]], existing: Iterable[str],
                          path: str | Path) -> None:
    """Refuse a spelling of a coder already in the store other than the one(s) used before.

    Parameters
    ----------
    found : the spellings of this input (`coder_spellings`).
    runs : the parameters of earlier human imports; each records its spellings under
        ``coder_names`` (older runs only their ``coder``; a coder with no record came in
        under its stored name).
    existing : the coders in the store.
    path : the input, for the message.

    Raises
    ------
    InputError
        Naming the new spelling, the earlier one(s) and the coder both would become.
    """
    known: dict[str, set[str]] = {}
    for params in runs:
        for label, names in (params.get("coder_names") or {}).items():
            known.setdefault(label, set()).update(names)
        if params.get("coder") and "coder_names" not in params:
            known.setdefault(coder_name(params["coder"]), set()).add(_as_given(params["coder"]))
    existing = set(existing)
    for label, names in found.items():
        before = sorted(known.get(label) or {label[len(HUMAN_PREFIX):]})
        new = sorted(set(names) - set(before))
        if label in existing and new:
            raise InputError(
                f"the coder name {new[0]!r} would be stored as {label}, which is already in "
                f"the store under the name {' / '.join(repr(b) for b in before)}; names are "
                "stored in lower case, so both would become one coder.", path=path,
                allowed=f"the same spelling as before ({' or '.join(before)}) if this is the "
                "same person, or a different name if it is someone else.")


def _name_keys(name: str) -> set[str]:
    """A name with and without folders and extension, lower-cased."""
    p = PurePosixPath(name.replace("\\", "/").lower())
    bare = p.with_suffix("") if p.suffix else p
    return {str(p), str(bare), p.name, bare.name}


def _views(documents: pd.DataFrame, segments: pd.DataFrame, pseudonymiser: Any = None
           ) -> list[_View]:
    from .pseudo import pseudonymise_pieces

    views = []
    for doc in documents.to_dict("records"):
        segs = segments[segments["doc_id"] == doc["doc_id"]]
        starts, ends = segs["start"].to_numpy(int), segs["end"].to_numpy(int)
        keys = _name_keys(doc["doc_id"]) | _name_keys(str(doc.get("path") or doc["doc_id"]))
        text = doc["text"]
        if pseudonymiser is not None:
            text, where = pseudonymise_pieces(text, zip(starts, ends), pseudonymiser)
            starts = np.array([where[int(s)] for s in starts], dtype=int)
            ends = np.array([where[int(e)] for e in ends], dtype=int)
            keys |= _name_keys(pseudonymiser.text(doc["doc_id"]))
        views.append(_View(doc["doc_id"], keys, text, segs["segment_id"].to_numpy(), starts,
                           ends))
    return views


def _match(src: QSource, views: list[_View]) -> tuple[_View | None, str]:
    want = " ".join(src.text.split())
    named = [v for v in views if _name_keys(src.name) & v.keys]
    for view in named:
        if view.norm == want:
            return view, ""
    same = [v for v in views if v.norm == want]
    if len(same) == 1:
        return same[0], ""
    if same:
        return None, (f"has the same text as {len(same)} documents "
                      f"({', '.join(v.doc_id for v in same[:5])}); name the source after one "
                      "of them")
    if named:
        return None, f"has the name of document '{named[0].doc_id}' but a different text"
    return None, "matches no document of the store by name (doc id or file path) or by text"


def _offset_mapper(a: str, b: str) -> Callable[[int, bool], int]:
    """Map offsets in ``a`` to ``b`` (same non-whitespace characters) by non-space count."""
    if a == b:
        return lambda p, end: p
    a_cum = np.concatenate([[0], np.cumsum([not c.isspace() for c in a])])
    b_pos = np.array([i for i, c in enumerate(b) if not c.isspace()], dtype=int)

    def mapper(p: int, end: bool) -> int:
        k = int(a_cum[p])
        if end:
            return 0 if k == 0 else int(b_pos[k - 1]) + 1
        return int(b_pos[k]) if k < len(b_pos) else len(b)
    return mapper


def _code_map(project: QdpxProject, codebook: Codebook) -> dict[str, tuple[str, str]]:
    """``{code GUID: ("code", id) | ("valence", valence)}`` for every code used."""
    by_guid = {code_guid(c.id): ("code", c.id) for c in codebook.codes}
    by_guid |= {valence_guid(v): ("valence", v) for v in VALENCES}
    by_name = {c.id.lower(): ("code", c.id) for c in codebook.codes}
    by_name |= {c.name.lower(): ("code", c.id) for c in codebook.codes}
    valences = {v: ("valence", v) for v in VALENCES}
    valences |= {d.name.lower(): ("valence", v) for v, d in codebook.valence.items()}
    used = {g for s in project.sources for sel in s.selections for g, _ in sel.codings}
    out, unknown = {}, []
    for gid in sorted(used):
        code = project.codes[gid]
        name = code.name.split("::")[-1].strip().lower()
        parent = project.codes.get(code.parent) if code.parent else None
        in_group = parent is not None and parent.name.lower() == VALENCE_GROUP_NAME.lower()
        hit = by_guid.get(gid) or (valences.get(name) if in_group else None) \
            or by_name.get(name) or valences.get(name)
        if hit is None:
            unknown.append(code.name)
        else:
            out[gid] = hit
    if unknown:
        allowed = [c.id for c in codebook.codes] + [c.name for c in codebook.codes]
        raise InputError(f"codings use code(s) {sorted(set(unknown))} that are not in the "
                         "codebook.", path=project.path,
                         allowed=f"codes named {join_allowed(sorted(set(allowed)))} (or "
                         "valence codes); rename the codes in the other tool or pass a "
                         "codebook that has them.")
    return out


def _coder(user: str | None, project: QdpxProject, fallback: str | None) -> str | None:
    name = project.users.get(user or "", "") if user else ""
    if name:
        return None if name.lower().startswith(MACHINE_PREFIXES) else coder_name(name)
    return coder_name(fallback) if fallback else ""


def _source_rows(src: QSource, view: _View, project: QdpxProject,
                 codes: dict[str, tuple[str, str]], fallback: str | None) -> list[dict]:
    to_doc = _offset_mapper(src.text, view.text)
    lengths = view.ends - view.starts
    rows = []
    for sel in src.selections:
        start, end = to_doc(sel.start, False), to_doc(sel.end, True)
        overlap = np.clip(np.minimum(end, view.ends) - np.maximum(start, view.starts), 0, None)
        hit = view.seg_ids[(overlap > 0) & (2 * overlap >= lengths)]
        by_user: dict[str | None, dict[str, list[str]]] = {}
        for gid, user in sel.codings:
            kind, value = codes[gid]
            by_user.setdefault(_coder(user, project, fallback), {"code": [], "valence": []})[
                kind].append(value)
        for coder, found in by_user.items():  # two valences: refused in `_finish`
            valences = list(dict.fromkeys(found["valence"])) or [None]
            rows += [dict(segment_id=sid, code=code, coder=coder, score=1.0, valence=valence,
                          evidence=f"{project.path.name}: {src.name} [{sel.start}:{sel.end}]",
                          doc_id=view.doc_id)
                     for sid in hit for code in found["code"] for valence in valences]
    return rows


def qdpx_codings(project: QdpxProject, documents: pd.DataFrame, segments: pd.DataFrame,
                 codebook: Codebook, *, coder: str | None = None,
                 pseudonymiser: Any = None) -> QdpxImport:
    """Map a project's codings onto ``segments`` (see module docstring for the rules).

    Parameters
    ----------
    project : from `read_qdpx`.
    documents : ``doc_id, path, text`` of the store's current documents.
    segments : ``segment_id, doc_id, start, end`` of the store's current segments.
    codebook : codes are mapped onto its ids.
    coder : name for codings that carry no user (None: such codings are an error).
    pseudonymiser : object with ``text(str)``, to recognise pseudonymised exports.

    Raises
    ------
    InputError
        Unmatched sources that hold codings, unknown codes, codings without a user, or
        nothing that covers half a segment.
    """
    codes = _code_map(project, codebook)
    views, pseudo = _views(documents, segments), None
    rows, problems, notes = [], [], []
    for src in project.sources:
        if not any(sel.codings for sel in src.selections):
            continue
        view, why = _match(src, views)
        if view is None and pseudonymiser is not None:
            pseudo = pseudo if pseudo is not None else _views(documents, segments, pseudonymiser)
            view, _ = _match(src, pseudo)
        if view is None:
            problems.append(f"text source '{src.name}' {why}")
            continue
        rows += _source_rows(src, view, project, codes, coder)
    if problems:
        raise InputError("; ".join(problems) + ".", path=project.path,
                         allowed="sources named after the store's documents (doc id or file "
                         "path) or with the same text as one of them.")
    return _finish(rows, project, segments, notes, coder)


def _finish(rows: list[dict], project: QdpxProject, segments: pd.DataFrame,
            notes: list[str], fallback: str | None) -> QdpxImport:
    cols = ["segment_id", "code", "coder", "score", "valence", "evidence"]
    df = pd.DataFrame(rows, columns=cols + ["doc_id"])
    used = set(df["coder"].dropna())
    names = coder_spellings((name, None) for name in [*project.users.values(), fallback or ""]
                            if name.strip() and coder_name(name) in used)
    check_spellings(names, project.path)
    if (df["coder"] == "").any():
        raise InputError("some codings have no user (no creatingUser on the coding, its "
                         "selection, its source or the project, or one that is not in the "
                         "file's Users).", path=project.path,
                         allowed="codings with a creatingUser, or name the coder with "
                         "--coder NAME.")
    machine = df["coder"].isna()
    if machine.any():
        notes.append(f"skipped {int(machine.sum())} codings by machine coders (users named "
                     f"{' / '.join(p + '...' for p in MACHINE_PREFIXES)}).")
    df = df[~machine]
    _refuse_valence_conflicts(df, project.path)
    # one row per (segment, code, coder): the first that gives a valence, else the first
    order = df.assign(unset=df["valence"].isna()).sort_values("unset", kind="stable")
    keep = ~order.duplicated(["segment_id", "code", "coder"])
    df = df.loc[keep[keep].index.sort_values()].reset_index(drop=True)
    if df.empty:
        raise InputError("has no human codings that cover at least half of one of the store's "
                         "segments.", path=project.path, allowed="text selections coded by "
                         "a user, each covering at least half of a sentence.")
    seen = sorted({(sid, coder) for doc_id, coder in df[["doc_id", "coder"]].drop_duplicates()
                   .itertuples(index=False, name=None)
                   for sid in segments.loc[segments["doc_id"] == doc_id, "segment_id"]})
    return QdpxImport(df[cols], seen, notes, names)


def _refuse_valence_conflicts(df: pd.DataFrame, path: Path) -> None:
    """Refuse one coder giving the same segment and code two valences (in one selection, or
    in overlapping ones), naming the selections: the first must not silently win."""
    valued = df[df["valence"].notna()]
    keys = ["segment_id", "code", "coder"]
    counts = valued.groupby(keys)["valence"].nunique()
    clashes = counts[counts > 1].index.tolist()
    if not clashes:
        return
    details = []
    for sid, code, coder in clashes[:8]:
        same = valued[(valued["segment_id"] == sid) & (valued["code"] == code)
                      & (valued["coder"] == coder)].drop_duplicates(["valence", "evidence"])
        said = ", ".join(f"'{v}' ({e})" for v, e in zip(same["valence"], same["evidence"]))
        details.append(f"{coder} gives segment '{sid}' code '{code}' the valences {said}")
    more = f" (and {len(clashes) - 8} more)" if len(clashes) > 8 else ""
    raise InputError(f"contradicts itself in {len(clashes)} place(s): " + "; ".join(details)
                     + more + ".", path=path, allowed="one valence per coder for each coded "
                     "passage: remove the extra valence code in the other tool and export again.")
