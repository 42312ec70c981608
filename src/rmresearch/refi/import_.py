"""Map a checked ``.qdpx`` (see `read.read_qdpx`) onto this project's segments.

Rules, in order:

* **Sources to documents** (`rmresearch.refi.match`): by name and text, or text alone; with
  a pseudonymiser, as a pseudonymised export shows them too.
* **Offsets.** Selections arrive in LF-text codepoints, however the producer counted them
  (`rmresearch.refi.offsets`); the summary says which way of counting each source used.
* **Selections to segments** (`rmresearch.refi.phrases.phrase_spans`). A selection codes
  the segments it covers at least half of, or, when it covers none that far (a phrase), the
  one holding most of it. Where it leaves out a word or more of a segment, the coding keeps
  the part's own offsets (``phrase_start, phrase_end``, in the document's text); else it
  codes the whole segment.
* **Users to coders** (`rmresearch.refi.coders`): each user becomes ``human:<name>``; two
  spellings of one name are refused. Users named like this project's machine coders
  (``rules@...``, ``model@...``, ``ensemble@...``): codings the machine made (in the store
  under that name, same segment and code, or in a selection as rmresearch exported it, known
  by its GUID) are skipped as the machine's own; the others were
  made by a person in the other tool (QualCoder records new codings under the first user of
  the file it opened, which in an rmresearch export is the machine coder), so they are taken
  as ``as_coder``'s, and refused without it.
* **Codes** (`rmresearch.refi.codes`): by GUID, mapping file, or name; valence codes give
  valences, paired with level codes by selection or by segment (`rmresearch.refi.pairing`).
* **Partial import.** Sources that match no document and codes that are in neither the
  codebook nor the mapping file are skipped and listed (file, source, code, why) and the
  rest is imported; with ``strict`` they are refused. Nothing left to import is an error.
* **Seen.** A coder has seen the segments they coded, and no others: the file does not say
  what else they read, so no 'no code' judgement is invented for the rest (importing a file
  again, our own export included, adds no seen segment and leaves agreement as it was).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ..codebook import VALENCES, Codebook
from ..errors import InputError, join_allowed
from .codes import CodeMatch, match_codes
from .coders import (Spellings, check_known_spellings, check_spellings, coder_name,
                     coder_spellings)
from .match import View, match_source, offset_mapper, views_of
from .pairing import one_per_coding, pair_valences, refuse_valence_conflicts
from .phrases import phrase_spans
from .qde import guid
from .read import QdpxProject, QSource, read_qdpx

__all__ = ["QdpxImport", "qdpx_codings", "read_qdpx", "coder_name", "coder_spellings",
           "check_spellings", "check_known_spellings", "MACHINE_PREFIXES"]

MACHINE_PREFIXES = ("rules@", "model@", "ensemble@")
_COLS = ["segment_id", "code", "coder", "score", "valence", "evidence", "phrase_start",
         "phrase_end"]
_SHOWN = 3  # names shown in a message before "and N more"
_THEIRS, _OURS = 1, 2  # under a machine's name: not known as its own / exported as its own


@dataclass
class QdpxImport:
    """Codings (``segment_id, code, coder, score, valence, evidence, phrase_start,
    phrase_end``), the (segment, coder) pairs seen, notes, the coders' names as the file
    spells them (`coder_spellings`), what was skipped (``file, source, code, reason,
    codings``), each source's way of counting offsets, and the documents the file's sources
    are (its coders' work on them is what the file holds: see ``documents``)."""

    codings: pd.DataFrame
    seen: list[tuple[str, str]]
    notes: list[str] = field(default_factory=list)
    names: Spellings = field(default_factory=dict)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    offsets: dict[str, str] = field(default_factory=dict)
    documents: list[str] = field(default_factory=list)


def _coder(user: str | None, project: QdpxProject, fallback: str | None) -> tuple[str, bool]:
    """(coder, is a machine's name): ``human:<name>``, the machine's name as it is, or ''."""
    name = project.users.get(user or "", "") if user else ""
    if name:
        machine = name.lower().startswith(MACHINE_PREFIXES)
        return (name.strip() if machine else coder_name(name)), machine
    return (coder_name(fallback) if fallback else ""), False


def _exported(selection: str | None, segment_ids: Any, coder: str) -> bool:
    """Whether a selection is one rmresearch exported for ``coder`` (its GUID is the one
    `rmresearch.refi.export` gives a selection of these segments by this coder)."""
    return selection in {guid("selection", f"{sid}|{coder}|{v}") for sid in segment_ids
                         for v in ("", *VALENCES)}


def _source_rows(src: QSource, view: View, project: QdpxProject, codes: CodeMatch,
                 fallback: str | None, skipped: Counter) -> list[dict]:
    """Rows (code None: a valence-only selection) of one source; unknown codes counted."""
    to_doc = offset_mapper(src.text, view.text)
    rows = []
    for sel in src.selections:
        start, end = to_doc(sel.start, False), to_doc(sel.end, True)
        idx, parts, whole = phrase_spans(start, end, view.starts, view.ends, view.text)
        hit = view.seg_ids[idx]
        spans = [(None, None) if w else (view.to_document(i, int(a), False),
                                         view.to_document(i, int(b), True))
                 for i, (a, b), w in zip(idx.tolist(), parts, whole)]
        by_user: dict[tuple[str, bool], dict[str, list[str]]] = {}
        for gid, user in sel.codings:
            if gid in codes.unknown or gid in codes.unmapped:
                why = "unknown" if gid in codes.unknown else "unmapped"
                skipped[(src.name, codes.unknown.get(gid) or codes.unmapped[gid], why)] += 1
                continue
            kind, value = codes.known[gid]
            found = by_user.setdefault(_coder(user, project, fallback),
                                       {"code": [], "valence": []})
            found[kind].append(value)
        evidence = f"{project.path.name}: {src.name} [{sel.start}:{sel.end}]"
        for (coder, machine), found in by_user.items():  # two valences: refused later
            valences = list(dict.fromkeys(found["valence"])) or [None]
            flag = (_OURS if machine and _exported(sel.guid, hit, coder) else
                    _THEIRS if machine else 0)
            rows += [dict(segment_id=sid, code=code, coder=coder, machine=flag, score=1.0,
                          valence=valence, evidence=evidence, doc_id=view.doc_id,
                          phrase_start=ps, phrase_end=pe)
                     for sid, (ps, pe) in zip(hit, spans) for code in (found["code"] or [None])
                     for valence in valences]
    return rows


def _matched(project: QdpxProject, documents: pd.DataFrame, segments: pd.DataFrame,
             pseudonymiser: Any) -> list[tuple[QSource, View | None, str]]:
    """Each text source with the document it is (`match_source`), or None and why not;
    pseudonymised documents are tried when a pseudonymiser is given."""
    views, pseudo, out = views_of(documents, segments), None, []
    for src in project.sources:
        view, why = match_source(src, views)
        if view is None and pseudonymiser is not None:
            pseudo = pseudo if pseudo is not None else views_of(documents, segments,
                                                                pseudonymiser)
            view, _ = match_source(src, pseudo)
        out.append((src, view, why))
    return out


def qdpx_codings(project: QdpxProject, documents: pd.DataFrame, segments: pd.DataFrame,
                 codebook: Codebook, *, coder: str | None = None, pseudonymiser: Any = None,
                 as_coder: str | None = None, strict: bool = False,
                 code_map: dict[str, tuple[str, str] | None] | None = None,
                 machine: pd.DataFrame | None = None) -> QdpxImport:
    """Map a project's codings onto ``segments`` (see module docstring for the rules).

    Parameters
    ----------
    project : from `read_qdpx`.
    documents : ``doc_id, path, text`` of the store's current documents.
    segments : ``segment_id, doc_id, start, end`` of the store's current segments.
    codebook : codes are mapped onto its ids.
    coder : name for codings that carry no user (None: such codings are an error).
    pseudonymiser : object with ``text(str)``, to recognise pseudonymised exports.
    as_coder : the person whose work sits under a machine coder's name.
    strict : refuse unmatched sources and unknown codes instead of skipping them.
    code_map : from `rmresearch.refi.codes.read_code_map`.
    machine : the store's codings (``segment_id, code, coder``), to tell a machine's own
        codings from a person's made under its name.

    Raises
    ------
    InputError
        Codings without a user, unknown codes or unmatched sources with ``strict``, work
        under a machine's name without ``as_coder``, or nothing left to import.
    """
    codes = match_codes(project, codebook, code_map)
    rows: list[dict] = []
    counted: Counter = Counter()
    unmatched, offsets, covered = [], {}, []
    for src, view, why in _matched(project, documents, segments, pseudonymiser):
        coded = any(sel.codings for sel in src.selections)
        if view is None:
            unmatched += [(src.name, why)] if coded else []
            continue
        covered.append(view.doc_id)  # a source left with no codings still speaks for them
        if coded:
            offsets[src.name] = src.convention.describe()
            rows += _source_rows(src, view, project, codes, coder, counted)
    skipped = _skipped(project, unmatched, counted)
    if strict and skipped:
        raise InputError(_problems(project, unmatched, counted, pseudonymiser) + ".",
                         path=project.path, allowed=_allowed(codebook, unmatched, counted))
    df = pd.DataFrame(rows, columns=_COLS + ["doc_id", "machine"])
    df[["phrase_start", "phrase_end"]] = df[["phrase_start", "phrase_end"]].astype(float)
    notes: list[str] = []
    df = _machine(pair_valences(df, notes), machine, as_coder, project, notes)
    if df.empty:
        raise InputError(_nothing(project, unmatched, counted, pseudonymiser),
                         path=project.path, allowed=_allowed(codebook, unmatched, counted))
    notes += _skip_notes(project, unmatched, counted, pseudonymiser) + _offset_notes(
        project, offsets)
    out = _finish(df, project, segments, notes, coder, as_coder, skipped, offsets)
    out.documents = sorted(set(covered))
    return out


def _machine(df: pd.DataFrame, store: pd.DataFrame | None, as_coder: str | None,
             project: QdpxProject, notes: list[str]) -> pd.DataFrame:
    """Skip a machine's own codings; give those made under its name to ``as_coder``."""
    flag = df["machine"].fillna(0).astype(int)
    if not (flag > 0).any():
        return df.drop(columns="machine")
    own_keys = set() if store is None else set(
        store[["segment_id", "code", "coder"]].itertuples(index=False, name=None))
    keys = df[["segment_id", "code", "coder"]].itertuples(index=False, name=None)
    stored = pd.Series([k in own_keys for k in keys], index=df.index, dtype=bool)
    own = (flag == _OURS) | ((flag == _THEIRS) & stored)
    others = (flag == _THEIRS) & ~stored
    if own.any():
        notes.append(f"skipped {int(own.sum())} codings by machine coders (users named "
                     f"{' / '.join(p + '...' for p in MACHINE_PREFIXES)}): the machine's own, "
                     "as the store or the rmresearch export records them.")
    if others.any() and not as_coder:
        names = sorted(set(df.loc[others, "coder"]))
        raise InputError(
            f"{int(others.sum())} codings are under the machine coder name "
            f"{' / '.join(repr(n) for n in names)} but the machine did not make them: a "
            "person did, in the other tool (QualCoder, for one, records new codings under the "
            "first user of the file it opened, which in an rmresearch export is the machine "
            "coder). rmresearch does not store a person's work under a machine's name.",
            path=project.path, allowed="the name of the person who made them: --as NAME "
            "(stored as human:NAME).")
    df = df.copy()
    if others.any():
        df.loc[others, "coder"] = coder_name(as_coder)
        notes.append(f"took {int(others.sum())} codings made under the machine coder's name "
                     f"as {coder_name(as_coder)}'s (--as).")
    return df[~own].drop(columns="machine")


def _skipped(project: QdpxProject, unmatched: list[tuple[str, str]], counted: Counter
             ) -> list[dict[str, Any]]:
    """What was left out, one dict per source or (source, code)."""
    file = project.path.name
    out = [dict(file=file, source=name, code="", reason=why, codings=0)
           for name, why in unmatched]
    for (source, code, why), n in sorted(counted.items()):
        reason = ("not in the codebook or the mapping file" if why == "unknown"
                  else "skipped by the mapping file")
        out.append(dict(file=file, source=source, code=code, reason=reason, codings=n))
    return out


def _shown(items: list[str]) -> str:
    more = f" (and {len(items) - _SHOWN} more)" if len(items) > _SHOWN else ""
    return "; ".join(items[:_SHOWN]) + more


def _sources_text(project: QdpxProject, unmatched: list[tuple[str, str]],
                  pseudonymiser: Any) -> str:
    """Unmatched sources, a few by name, with the remedy for a pseudonymised export."""
    n = len(unmatched)
    text = (f"{n} text source(s) match no document of the store: "
            + _shown([f"'{name}' {why}" for name, why in unmatched]))
    origin = project.origin.lower()
    if pseudonymiser is None and origin.startswith("rmresearch"):
        said = "is" if "pseudonymised" in origin else "may be"
        text += (f". This {said} a pseudonymised rmresearch export: give the pseudonym key "
                 "it was made with, --key FILE (the .key.json beside the store that "
                 "exported it)")
    return text


def _codes_text(counted: Counter, why: str) -> str:
    names = sorted({code for (_, code, w) in counted if w == why})
    return f"codings use code(s) {names[:8]}" + (f" (and {len(names) - 8} more)"
                                                if len(names) > 8 else "")


def _problems(project: QdpxProject, unmatched: list[tuple[str, str]], counted: Counter,
              pseudonymiser: Any) -> str:
    parts = [_sources_text(project, unmatched, pseudonymiser)] if unmatched else []
    if any(w == "unknown" for *_, w in counted):
        parts.append(_codes_text(counted, "unknown") + " that are not in the codebook")
    if any(w == "unmapped" for *_, w in counted):
        parts.append(_codes_text(counted, "unmapped") + " that the mapping file skips")
    return "; ".join(parts)


def _nothing(project: QdpxProject, unmatched: list[tuple[str, str]], counted: Counter,
             pseudonymiser: Any) -> str:
    problems = _problems(project, unmatched, counted, pseudonymiser)
    if problems:
        return f"has nothing to import: {problems}."
    return "has no human codings on text of the store's segments."


def _allowed(codebook: Codebook, unmatched: list[tuple[str, str]] | None = None,
             counted: Counter | None = None) -> str:
    """What would have been accepted, for the problems found (all of it when none)."""
    parts = []
    if counted or unmatched is None:
        ids = sorted(set(codebook.ids) | {c.name for c in codebook.codes})
        parts.append(f"codes named {join_allowed(ids)} (or valence codes), or a mapping file "
                     "for the others (--map FILE, a CSV with columns from,to)")
    if unmatched or unmatched is None:
        parts.append("sources named after the store's documents (doc id or file path) or "
                     "with the same text as one of them (for a pseudonymised export: --key "
                     "FILE)")
    if not parts or unmatched is None:
        parts.append("text selections coded by a user")
    return "; ".join(parts) + "."


def _skip_notes(project: QdpxProject, unmatched: list[tuple[str, str]], counted: Counter,
                pseudonymiser: Any) -> list[str]:
    notes = [f"skipped ({project.path.name}): " + _sources_text(project, unmatched,
                                                                pseudonymiser) + "."
             ] if unmatched else []
    for (source, code, why), n in sorted(counted.items()):
        reason = ("not in the codebook; map it with --map FILE (a CSV with columns from,to)"
                  if why == "unknown" else "the mapping file skips it")
        notes.append(f"skipped {n} codings with code '{code}' in source '{source}' "
                     f"({project.path.name}): {reason}.")
    return notes


def _offset_notes(project: QdpxProject, offsets: dict[str, str]) -> list[str]:
    by_way: dict[str, list[str]] = {}
    for name, way in offsets.items():
        by_way.setdefault(way, []).append(f"'{name}'")
    producer = f" (made by {project.origin})" if project.origin else ""
    return [f"offsets read as {way}{producer}: {len(names)} source(s), {_shown(names)}."
            for way, names in sorted(by_way.items())]


def _finish(df: pd.DataFrame, project: QdpxProject, segments: pd.DataFrame, notes: list[str],
            fallback: str | None, as_coder: str | None, skipped: list[dict[str, Any]],
            offsets: dict[str, str]) -> QdpxImport:
    used = set(df["coder"].dropna())
    given = [*project.users.values(), fallback or "", as_coder or ""]
    names = coder_spellings((name, None) for name in given
                            if name.strip() and coder_name(name) in used)
    check_spellings(names, project.path)
    if (df["coder"] == "").any():
        raise InputError("some codings have no user (no creatingUser on the coding, its "
                         "selection, its source or the project, or one that is not in the "
                         "file's Users).", path=project.path,
                         allowed="codings with a creatingUser, or name the coder with "
                         "--coder NAME.")
    refuse_valence_conflicts(df, project.path)
    df = one_per_coding(df, notes)
    # what a coder saw is what they coded: a REFI-QDA file says nothing of the rest, so
    # taking every segment of a touched document as seen would invent 'no code' judgements
    seen = sorted({(sid, coder) for sid, coder in df[["segment_id", "coder"]]
                   .itertuples(index=False, name=None)})
    return QdpxImport(df[_COLS], seen, notes, names, skipped, offsets)
