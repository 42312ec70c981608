"""Human codings in: spreadsheets (wide or long) and REFI-QDA projects.

Spreadsheets (``.csv`` or ``.xlsx``, first sheet):

* **wide**: ``segment_id`` or ``text`` (optionally ``doc_id`` to narrow text matching), then
  one 0/1 column per code, headed by the code's id or name; optional ``valence``. Needs a
  coder name. A row of zeros records that the coder saw the segment and found no code.
* **long**: ``segment_id`` (or ``text``), ``code``, ``coder``, optional ``valence``; ``code``
  ``none`` (or empty) records a segment seen without a code.

Rows are matched to segments by id, or by exact text after whitespace normalisation; rows
that match no segment or several are all reported with their row numbers. Every check runs
before the one write transaction, so bad input leaves the store unchanged. Each coder
becomes ``human:<name>``; the segments they saw are recorded so agreement can tell "not
coded" from "not seen". Human rows are never replaced or deleted (store triggers).

Review sheets (what the machine is unsure of, for a person to decide) are in `review`;
`resolve_coders` and `coder_seen` here serve it and `agreement` too.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Sequence

import pandas as pd

from ..codebook import Codebook, default_codebook
from ..errors import InputError, join_allowed
from ..schemas import COLUMNS
from ..vocabulary import HUMAN_PREFIX, VALENCES

__all__ = ["import_codings", "parse_table", "write_human_codings", "resolve_coders",
           "coder_seen", "code_lookup", "allowed_codes", "locate_segments", "FORMATS"]

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
    """
    from ..cells import restore_frame
    from ..ingest.tables import read_table, require_columns
    from ..refi.import_ import coder_name

    path, codebook = Path(path), codebook or default_codebook()
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
    named = [(s, c, v, f"{path.name} row {n}", coder_name(who)) for s, c, v, n, who in rows]
    codings = pd.DataFrame([dict(segment_id=s, code=c, coder=who, score=1.0, valence=v,
                                 evidence=e) for s, c, v, e, who in named if c is not None],
                           columns=COLUMNS["codings"]
                           ).drop_duplicates(["segment_id", "code", "coder"])
    seen = sorted({(s, who) for s, _, _, _, who in named})
    _check_coders(codings, {who for _, who in seen}, path)
    return codings.reset_index(drop=True), seen


def _check_coders(codings: pd.DataFrame, coders: Iterable[str], path: Path | str) -> None:
    empty = sorted(set(coders) - set(codings["coder"]))
    if empty:
        raise InputError(f"coder(s) {empty} have no codings (every row is 0 or 'none').",
                         path=path, allowed="at least one code applied by each coder.")


def write_human_codings(store: Any, codings: pd.DataFrame, seen: Iterable[tuple[str, str]],
                        params: dict[str, Any], codebook_hash: str | None = None) -> int:
    """Store human codings and the segments each coder saw in ONE transaction; the run id.

    Existing human rows are kept as they are (see `ProjectStore.add_human_codings`).
    """
    return store.add_human_codings(codings, params=params, codebook_hash=codebook_hash,
                                   seen=seen)


def import_codings(store_path: str | Path, path: str | Path, *, coder: str | None = None,
                   fmt: str | None = None, codebook: Codebook | None = None,
                   pseudonymiser: Any = None, extra_params: dict[str, Any] | None = None
                   ) -> dict[str, Any]:
    """Import human codings from a sheet or a ``.qdpx`` into the store.

    ``extra_params`` are recorded with the run (e.g. the file's sha256).

    Returns ``{"run_id", "codings": {coder: n}, "seen", "notes"}``.
    """
    from ..store import ProjectStore

    path, codebook = Path(path), codebook or default_codebook()
    fmt = fmt or ("qdpx" if path.suffix.lower() == ".qdpx" else None)
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"unknown format '{fmt}'.", allowed=join_allowed(FORMATS))
    with ProjectStore.open_existing(store_path) as store:
        notes: list[str] = []
        if fmt == "qdpx":
            from ..refi.import_ import qdpx_codings, read_qdpx

            result = qdpx_codings(read_qdpx(path), store.documents(), store.segments(),
                                  codebook, coder=coder, pseudonymiser=pseudonymiser)
            codings, seen, notes = result.codings, result.seen, result.notes
        else:
            every = set(store.segments(current_only=False)["segment_id"])
            codings, seen = parse_table(path, store.segments(), coder=coder, fmt=fmt,
                                        codebook=codebook, known_ids=every)
        params = {"input": str(path), "format": fmt or "table", "coder": coder,
                  **(extra_params or {})}
        run_id = write_human_codings(store, codings, seen, params, codebook.hash)
    counts = codings.groupby("coder").size().to_dict()
    return {"run_id": run_id, "codings": counts, "seen": len(seen), "notes": notes}


def resolve_coders(store: Any, names: Sequence[str]) -> list[str]:
    """Full coder names: ``ensemble`` -> the latest ``ensemble@...``; ``ana`` -> ``human:ana``.

    Raises
    ------
    InputError
        A name that matches no coder in the store (the message lists the coders there).
    """
    latest = store.coder_latest_runs()
    out = []
    for name in (n.strip() for n in names if n.strip()):
        prefixed = [c for c in latest if c.startswith(f"{name}@")]
        if name in latest:
            out.append(name)
        elif "@" not in name and prefixed:
            out.append(max(prefixed, key=lambda c: (latest[c], c)))
        elif HUMAN_PREFIX + name in latest:
            out.append(HUMAN_PREFIX + name)
        else:
            raise InputError(f"no coder called '{name}' in the store.",
                             allowed=join_allowed(sorted(latest)) or "none yet: code or "
                             "import codings first.")
    return out


def coder_seen(store: Any, coders: Iterable[str]) -> dict[str, set[str]]:
    """The segments each coder saw: its ``coded`` rows plus the segments it coded."""
    return {c: store.coded_segment_ids(c) for c in coders}
