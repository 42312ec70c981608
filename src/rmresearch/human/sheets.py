"""Human codings in: spreadsheets (wide or long) and REFI-QDA projects.

Spreadsheets (``.csv`` or ``.xlsx``, first sheet):

* **wide**: ``segment_id`` or ``text`` (optionally ``doc_id`` to narrow text matching), then
  one 0/1 column per code, headed by the code's id or name; optional ``valence``. Needs a
  coder name. A row of zeros records that the coder saw the segment and found no code.
* **long**: ``segment_id`` (or ``text``), ``code``, ``coder``, optional ``valence``; ``code``
  ``none`` (or empty) records a segment seen without a code.

Rows are matched to segments by id, or by exact text after whitespace normalisation; rows
that match no segment or several are all reported with their row numbers. A sheet that
contradicts itself is refused with the rows (`conflicts`): one coder giving a segment's code
two valences, a long sheet's ``none`` beside a code, a wide sheet's two rows for one segment
with different codes. Coder names are stored in lower case, so two spellings of one name
(``CODER_A`` and ``coder_a``) in a sheet, or a spelling other than the one that brought the
coder into the store, are refused naming both (`rmresearch.refi.import_.check_spellings`).
Every check runs before the one write transaction, so bad input leaves the store unchanged.
Each coder becomes ``human:<name>``; the segments they saw are recorded so agreement can
tell "not coded" from "not seen".

Importing a coder's work again makes a new revision of that coder
(`rmresearch.store.revisions`): on the segments a sheet lists, or on the documents a
``.qdpx`` holds, the input replaces the coder's codings (a coding left out is removed, a
changed code or valence takes effect); elsewhere the coder's codings stay. Earlier
revisions stay in the store's history and can be restored (``rmresearch codings``). No
machine run replaces or deletes a human coding (store triggers).

Review sheets (what the machine is unsure of, for a person to decide) are in `review`;
`resolve_coders`, `coder_seen` and `write_human_codings` (in `coders`, imported here) serve
it and `agreement` too.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Sequence

import pandas as pd

from ..codebook import Codebook, default_codebook
from ..errors import InputError, join_allowed, resource_errors
from ..schemas import COLUMNS
from ..vocabulary import VALENCES
from .coders import (coder_seen, kept_users, notes_only, qdpx_notes, resolve_coders,
                     summary_counts, write_human_codings)

__all__ = ["import_codings", "parse_table", "write_human_codings", "summary_counts",
           "resolve_coders",
           "coder_seen", "code_lookup", "allowed_codes", "locate_segments", "conflicts",
           "FORMATS"]

FORMATS = ("wide", "long", "qdpx")
_RESERVED = {"segment_id", "text", "doc_id", "valence", "speaker", "notes", "note", "comment",
             "comments", "coder", "code", "row"}
_TRUE, _FALSE = {"1", "1.0", "yes", "y", "true", "x"}, {"0", "0.0", "no", "n", "false", ""}


def code_lookup(codebook: Codebook) -> dict[str, str]:
    """Lower-cased code ids and names -> code id."""
    return {**{c.name.lower(): c.id for c in codebook.codes},
            **{c.id.lower(): c.id for c in codebook.codes}}


def allowed_codes(codebook: Codebook) -> str:
    """What a sheet may name as a code, for the ``allowed`` part of an `InputError`."""
    return join_allowed(codebook.ids) + " (ids or names, any case)"


def locate_segments(df: pd.DataFrame, segments: pd.DataFrame, path: Path,
                    known: set[str] | None = None) -> list[str | None]:
    """The segment id of every row, by ``segment_id`` (any of ``known``, default the ids of
    ``segments``) or by normalised ``text`` among ``segments``.

    Raises
    ------
    InputError
        Every row that matches no segment, or several, at once (with row numbers).
    """
    problems: list[str] = []
    out: list[str | None] = []
    if "segment_id" in df.columns:
        known = known if known is not None else set(segments["segment_id"])
        for i, sid in enumerate(df["segment_id"].str.strip()):
            out.append(sid if sid in known else None)
            if sid not in known:
                problems.append(f"row {i + 2}: no segment has id '{sid}'")
    else:
        norm = segments.assign(n=segments["text"].map(lambda t: " ".join(str(t).split())))
        index = norm.groupby("n")["segment_id"].apply(list).to_dict()
        docs = norm.groupby(["n", "doc_id"])["segment_id"].apply(list).to_dict()
        for i, row in enumerate(df.to_dict("records")):
            text = " ".join(str(row["text"]).split())
            doc = str(row.get("doc_id") or "").strip()
            hits = docs.get((text, doc), []) if doc else index.get(text, [])
            out.append(hits[0] if len(hits) == 1 else None)
            if not hits:
                problems.append(f"row {i + 2}: no segment has the text '{text[:60]}'")
            elif len(hits) > 1:
                problems.append(f"row {i + 2}: the text matches {len(hits)} segments "
                                f"({', '.join(hits[:3])}); add a doc_id or segment_id column")
    if problems:
        more = f" (and {len(problems) - 12} more)" if len(problems) > 12 else ""
        raise InputError(f"{len(problems)} row(s) could not be matched to a segment: "
                         + "; ".join(problems[:12]) + more + ".", path=path,
                         allowed="segment ids from the store, or each segment's exact text "
                         "(spaces and line breaks may differ).")
    return out


def _valences(df: pd.DataFrame, path: Path) -> list[str | None]:
    if "valence" not in df.columns:
        return [None] * len(df)
    vals = [v.strip().lower() or None for v in df["valence"]]
    bad = [i + 2 for i, v in enumerate(vals) if v is not None and v not in VALENCES]
    if bad:
        raise InputError(f"rows {bad[:12]} have an unknown valence.", path=path,
                         column="valence", allowed=join_allowed(VALENCES) + " or empty.")
    return vals


def _wide(df: pd.DataFrame, sids: list, coder: str | None, codebook: Codebook, path: Path
          ) -> list[tuple]:
    """(segment_id, code or None for 'seen', valence, row, coder) for a wide sheet."""
    if not coder:
        raise InputError("is a wide table (one column per code), which does not say who coded "
                         "it.", path=path, allowed="a coder name: --coder NAME.")
    lookup = code_lookup(codebook)
    columns = [c for c in df.columns if c not in _RESERVED]
    unknown = [c for c in columns if c.lower() not in lookup]
    if unknown or not columns:
        raise InputError(f"column(s) {unknown} are not codes of the codebook." if unknown else
                         "has no code columns.", path=path, line=1,
                         allowed=f"code columns named {allowed_codes(codebook)}.")
    rows, valences = [], _valences(df, path)
    for col in columns:
        values = df[col].str.strip().str.lower()
        bad = [i + 2 for i, v in enumerate(values) if v not in _TRUE | _FALSE]
        if bad:
            raise InputError(f"rows {bad[:12]} hold values other than 0/1.", path=path,
                             column=col, allowed="1 (code applies) or 0 / empty (it does not).")
        rows += [(sids[i], lookup[col.lower()], valences[i], i + 2)
                 for i, v in enumerate(values) if v in _TRUE]
    rows += [(sid, None, None, i + 2) for i, sid in enumerate(sids)]  # seen
    return [(s, c, v, n, coder) for s, c, v, n in rows]


def _long(df: pd.DataFrame, sids: list, coder: str | None, codebook: Codebook, path: Path
          ) -> list[tuple]:
    """(segment_id, code or None for 'seen', valence, row, coder) for a long sheet."""
    lookup = code_lookup(codebook)
    coders = df["coder"].str.strip() if "coder" in df.columns else pd.Series([""] * len(df))
    if (coders == "").any() and not coder:
        rows = [i + 2 for i, c in enumerate(coders) if not c]
        raise InputError(f"rows {rows[:12]} have no coder.", path=path, column="coder",
                         allowed="a coder name in every row, or --coder NAME for all rows.")
    codes = df["code"].str.strip().str.lower()
    bad = sorted({c for c in codes if c not in lookup and c not in ("", "none")})
    if bad:
        raise InputError(f"unknown code(s) {bad}.", path=path, column="code",
                         allowed=f"{allowed_codes(codebook)}, or 'none'.")
    valences = _valences(df, path)
    return [(sids[i], lookup.get(codes.iloc[i]), valences[i], i + 2,
             coders.iloc[i] or coder) for i in range(len(df))]


def parse_table(path: str | Path, segments: pd.DataFrame, *, coder: str | None = None,
                fmt: str | None = None, codebook: Codebook | None = None,
                known_ids: set[str] | None = None
                ) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Read a wide or long coding sheet into codings and (segment, coder) pairs seen.

    ``segments`` (current ones) are matched by text; ``segment_id`` values may name any of
    ``known_ids`` (default: the ids of ``segments``), e.g. segments of earlier versions.

    Returns
    -------
    (DataFrame, list)
        Codings ``segment_id, code, coder, score (1.0), valence, evidence`` and the sorted
        (segment_id, coder) pairs the coders saw.

    Raises
    ------
    InputError
        Rows that match no segment, unknown codes or valences, two spellings of one coder's
        name, or rows that contradict each other (`conflicts`), with their row numbers.
    """
    codings, seen, _ = _parse_sheet(Path(path), segments, coder, fmt, codebook, known_ids)
    return codings, seen


def _parse_sheet(path: Path, segments: pd.DataFrame, coder: str | None, fmt: str | None,
                 codebook: Codebook | None, known_ids: set[str] | None
                 ) -> tuple[pd.DataFrame, list[tuple[str, str]], dict]:
    """`parse_table`, and the coders' names as the sheet spells them
    (`rmresearch.refi.import_.coder_spellings`)."""
    from ..cells import restore_frame
    from ..ingest.tables import read_table, require_columns
    from ..refi.import_ import check_spellings, coder_name, coder_spellings

    codebook = codebook or default_codebook()
    df = restore_frame(read_table(path))  # text our own exports made safe
    df.columns = [c.strip().lower().replace(" ", "_") if c.strip().lower().replace(" ", "_")
                  in _RESERVED else c.strip() for c in df.columns]
    df = df[[any(str(v).strip() for v in r) for r in df.itertuples(index=False)]]
    if df.empty:
        raise InputError("has a header but no rows.", path=path)
    fmt = fmt or ("long" if "code" in df.columns else "wide")
    if fmt == "long":
        require_columns(df, ("code",), path)
    if "segment_id" not in df.columns and "text" not in df.columns:
        raise InputError(f"has neither a 'segment_id' nor a 'text' column (found "
                         f"{list(df.columns)}).", path=path, line=1,
                         allowed="a 'segment_id' or 'text' column to say which segment.")
    sids = locate_segments(df.reset_index(drop=True), segments, path, known_ids)
    reader = _long if fmt == "long" else _wide
    rows = reader(df.reset_index(drop=True), sids, coder, codebook, path)
    names = coder_spellings((who, n) for *_, n, who in rows)
    check_spellings(names, path)
    rows = [(s, c, v, n, coder_name(who)) for s, c, v, n, who in rows]
    _refuse_conflicts(rows, fmt != "long", path)
    codings = _codings_frame(rows, path)
    seen = sorted({(s, who) for s, *_, who in rows})
    _check_coders(codings, {who for _, who in seen}, path)
    return codings, seen, names


def _refuse_conflicts(rows: list[tuple], wide: bool, path: Path) -> None:
    found = conflicts(rows, wide=wide)
    if found:
        more = f" (and {len(found) - 12} more)" if len(found) > 12 else ""
        raise InputError(f"contradicts itself in {len(found)} place(s): "
                         + "; ".join(found[:12]) + more + ".", path=path,
                         allowed="one answer per segment, code and coder: correct or delete "
                         "one of the rows named (a segment may be listed twice only when both "
                         "rows say the same).")


def _codings_frame(rows: list[tuple], path: Path) -> pd.DataFrame:
    """One coding per (segment, code, coder) from the rows that name a code; of repeated rows
    the first that gives a valence is kept (rows that disagree were refused before)."""
    codings = pd.DataFrame([dict(segment_id=s, code=c, coder=who, score=1.0, valence=v,
                                 evidence=f"{path.name} row {n}") for s, c, v, n, who in rows
                            if c is not None], columns=COLUMNS["codings"])
    order = codings.assign(unset=codings["valence"].isna()).sort_values("unset", kind="stable")
    keep = ~order.duplicated(["segment_id", "code", "coder"])
    return codings.loc[keep[keep].index.sort_values()].reset_index(drop=True)


def conflicts(rows: Sequence[tuple], *, wide: bool) -> list[str]:
    """Where a sheet contradicts itself, one description (with row numbers) per place.

    ``rows`` are ``(segment_id, code or None, valence, row, coder)`` as the readers give them
    (code None: the row records the segment as seen). Contradictions: one coder giving the
    same segment and code two valences; in a long sheet, ``none`` and a code for the same
    segment and coder; in a wide sheet, two rows for one segment with different codes.
    """
    found: list[str] = []
    valences: dict[tuple, dict[str, list[int]]] = {}
    for sid, code, valence, row, who in rows:
        if code is not None and valence:
            valences.setdefault((sid, code, who), {}).setdefault(valence, []).append(row)
    for (sid, code, who), by_value in valences.items():
        if len(by_value) > 1:
            said = ", ".join(f"rows {r} say '{v}'" for v, r in by_value.items())
            found.append(f"{who} gives segment '{sid}' code '{code}' different valences ({said})")
    by_row: dict[tuple, dict[int, set[str]]] = {}
    for sid, code, _, row, who in rows:
        codes = by_row.setdefault((sid, who), {}).setdefault(row, set())
        codes.update([code] if code is not None else [])
    for (sid, who), codes in by_row.items():
        if wide and len({frozenset(c) for c in codes.values()}) > 1:
            said = ", ".join(f"row {r}: {', '.join(sorted(c)) or 'no code'}"
                             for r, c in sorted(codes.items()))
            found.append(f"{who} lists segment '{sid}' in {len(codes)} rows with different "
                         f"codes ({said})")
        empty = sorted(r for r, c in codes.items() if not c)
        if not wide and empty and len(empty) < len(codes):
            coded = sorted(set(codes) - set(empty))
            found.append(f"{who} says segment '{sid}' has no code (rows {empty}) and codes it "
                         f"(rows {coded})")
    return found


def _check_coders(codings: pd.DataFrame, coders: Iterable[str], path: Path | str) -> None:
    empty = sorted(set(coders) - set(codings["coder"]))
    if empty:
        raise InputError(f"coder(s) {empty} have no codings (every row is 0 or 'none').",
                         path=path, allowed="at least one code applied by each coder.")


def import_codings(store_path: str | Path, path: str | Path, *, coder: str | None = None,
                   fmt: str | None = None, codebook: Codebook | None = None,
                   pseudonymiser: Any = None, extra_params: dict[str, Any] | None = None,
                   as_coder: str | None = None, strict: bool = False,
                   code_map: str | Path | None = None) -> dict[str, Any]:
    """Import human codings from a sheet or a ``.qdpx`` into the store.

    ``extra_params`` are recorded with the run (e.g. the file's sha256), and so are the
    coders' names as spelt in the input (``coder_names``), to refuse another spelling later.

    For a ``.qdpx`` (see `rmresearch.refi.import_`): ``as_coder`` names the person whose
    codings sit under a machine coder's name (without it they are refused); ``strict``
    refuses sources that match no document and unknown codes instead of skipping and listing
    them; ``code_map`` is a CSV with columns ``from,to`` mapping the file's codes onto the
    codebook's (`rmresearch.refi.codes.read_code_map`).

    Each coder's work is a new revision (see module docstring). Returns ``{"run_id",
    "codings": {coder: n}, "added", "changed", "removed", "unchanged", "revisions", "seen",
    "notes", "skipped", "offsets"}``: ``codings`` how many each coder has in the input;
    ``added`` ... ``unchanged`` what that did to the store (`summary_counts`);
    ``revisions`` coder -> (revision now current, whether this import made it); ``skipped``
    what was left out (``file, source, code, reason, codings``), ``offsets`` how each
    ``.qdpx`` source counted its offsets, ``notes_unplaced`` the file's notes that could not
    be placed (``file, note, target, reason``; the others are stored,
    `rmresearch.refi.notes_in`).

    Raises
    ------
    InputError
        Anything wrong with the input (see `parse_table`, `rmresearch.refi.read_qdpx`,
        `rmresearch.refi.qdpx_codings`), or a coder name spelt otherwise than the one that
        brought the coder into the store; nothing is written.
    ResourceError
        The disk filled up or memory ran out (the store is left as it was).
    """
    path, codebook = Path(path), codebook or default_codebook()
    fmt = fmt or ("qdpx" if path.suffix.lower() == ".qdpx" else None)
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"unknown format '{fmt}'.", allowed=join_allowed(FORMATS))
    with resource_errors(path, "importing its codings into the project store "
                         f"{store_path}", kept="The project store is as it was."):
        qdpx = dict(pseudonymiser=pseudonymiser, as_coder=as_coder, strict=strict,
                    code_map=code_map)
        return _import(Path(store_path), path, coder, fmt, codebook, qdpx, extra_params or {})


def _import(store_path: Path, path: Path, coder: str | None, fmt: str | None,
            codebook: Codebook, qdpx: dict[str, Any], extra_params: dict[str, Any]
            ) -> dict[str, Any]:
    from ..refi.import_ import check_known_spellings
    from ..store import ProjectStore

    with ProjectStore.open_existing(store_path) as store:
        notes: list[str] = []
        extra: dict[str, Any] = {"skipped": [], "offsets": {}}
        if fmt == "qdpx":
            from ..refi.codes import read_code_map
            from ..refi.import_ import qdpx_codings, read_qdpx

            mapping = (read_code_map(qdpx["code_map"], codebook)
                       if qdpx["code_map"] is not None else None)
            project, stored = read_qdpx(path), store.codings()
            if not any(sel.codings for src in project.sources for sel in src.selections):
                return notes_only(store, path, codebook, qdpx, coder, project)
            result = qdpx_codings(project, store.documents(), store.segments(),
                                  codebook, coder=coder, pseudonymiser=qdpx["pseudonymiser"],
                                  as_coder=qdpx["as_coder"], strict=qdpx["strict"],
                                  code_map=mapping, machine=stored)
            codings, seen, notes, names = (result.codings, result.seen, result.notes,
                                           result.names)
            extra = {"skipped": result.skipped, "offsets": result.offsets}
            segs = store.segments()
            held = set(segs.loc[segs["doc_id"].isin(result.documents), "segment_id"])
            scope = {who: held for who in set(codings["coder"])}
            notes += kept_users(project.users.values(), codings, stored, held)
        else:
            every = set(store.segments(current_only=False)["segment_id"])
            codings, seen, names = _parse_sheet(path, store.segments(), coder, fmt,
                                                codebook, every)
            scope = {}
            for sid, who in seen:  # a sheet speaks for the segments it lists
                scope.setdefault(who, set()).add(sid)
        check_known_spellings(names, store.run_parameters("human"),
                              store.coder_latest_runs(), path)
        params = {"input": str(path), "format": fmt or "table", "coder": coder,
                  "coder_names": {label: sorted(spelt) for label, spelt in names.items()},
                  **({"as_coder": qdpx["as_coder"]} if qdpx["as_coder"] else {}),
                  **({"code_map": str(qdpx["code_map"])} if qdpx["code_map"] else {}),
                  **extra_params}
        revised = write_human_codings(store, codings, seen, params, codebook.hash,
                                      scope=scope, source=path.name)
        if fmt == "qdpx":  # memos, notes and cue times, after the codings they annotate
            found, extra["notes_unplaced"] = qdpx_notes(store, path, codebook, qdpx, coder,
                                                        project)
            notes = notes + found
    counts = codings.groupby("coder").size().to_dict()
    return {"run_id": revised.run_id, "codings": counts, **summary_counts(revised),
            "seen": len(seen), "notes": notes, **extra}
