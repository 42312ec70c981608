"""Review sheets: what the machine is unsure of, or the coders disagree on, for a person
to decide.

`review_queue` lists the segments, `export_review` writes them to an ``.xlsx`` (with a
``codes`` sheet explaining the decision values) and `import_review` stores the filled-in
``decision`` column as a human coder (``human:<name>``), in one run, like any coding sheet.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from ..cells import append_row, restore_frame
from ..codebook import Codebook, default_codebook
from ..errors import InputError, join_allowed
from ..schemas import COLUMNS
from ..coding.roles import with_roles
from ..vocabulary import HUMAN_PREFIX, ROLE_DEFINITIONS, ROLES, VALENCES
from .coders import coder_seen, resolve_coders, summary_counts, write_human_codings
from .sheets import allowed_codes, code_lookup, locate_segments

__all__ = ["review_queue", "export_review", "import_review"]



def review_queue(store: Any, coders: Sequence[str], *, band: tuple[float, float] = (0.35, 0.65)
                 ) -> pd.DataFrame:
    """Segments the coders disagree on, or where a machine coder's score is within ``band``.

    Returns
    -------
    DataFrame
        ``segment_id, doc_id, speaker, text, role`` (the segment's discourse role), one
        column per coder (its codes joined by ';', each phrase-level coding with its phrase
        in quotes, e.g. ``symbolic "the board photo"``; ``none`` when it saw the segment and
        assigned nothing, empty when it did not see it), ``reason`` and empty ``decision``
        and ``role_decision`` columns (a person may correct the role there), in document
        order.
    """
    seen = coder_seen(store, coders)
    codings = store.codings()
    codings = codings[codings["coder"].isin(coders)]
    segs = with_roles(store.segments(current_only=False)).set_index("segment_id")
    codings = codings.assign(label=_labels(codings, segs))
    joined = codings.groupby(["segment_id", "coder"])["code"].agg(lambda s: ";".join(sorted(s)))
    shown = codings.groupby(["segment_id", "coder"])["label"].agg(lambda s: ";".join(sorted(s)))
    machine = codings[~codings["coder"].str.startswith(HUMAN_PREFIX)
                      & codings["score"].between(*band)]
    unsure: dict[str, list[str]] = {}
    for r in machine.itertuples(index=False):
        unsure.setdefault(r.segment_id, []).append(f"{r.code} {r.score:.2f} ({r.coder})")
    rows = []
    for sid in sorted(set().union(*seen.values()) & set(segs.index)):
        cells = {c: shown.get((sid, c), "none") if sid in seen[c] else "" for c in coders}
        # coders agree on a segment when they give it the same codes, on whatever phrase
        judged = [joined.get((sid, c), "none") for c in coders if sid in seen[c]]
        reasons = ["coders disagree"] if len(judged) >= 2 and len(set(judged)) > 1 else []
        if sid in unsure:
            reasons.append(f"machine unsure: {', '.join(unsure[sid])}")
        if reasons:
            seg = segs.loc[sid]
            rows.append({"segment_id": sid, "doc_id": seg["doc_id"], "speaker": seg["speaker"],
                         "text": seg["text"], "role": seg["role"], **cells,
                         "reason": "; ".join(reasons), "decision": "", "role_decision": "",
                         "_start": seg["start"]})
    cols = ["segment_id", "doc_id", "speaker", "text", "role", *coders, "reason", "decision",
            "role_decision"]
    df = pd.DataFrame(rows, columns=cols + ["_start"])
    return df.sort_values(["doc_id", "_start"], kind="stable")[cols].reset_index(drop=True)


def _labels(codings: pd.DataFrame, segs: pd.DataFrame) -> list[str]:
    """Each coding as a review cell shows it: its code, and for a phrase-level coding the
    phrase, e.g. ``symbolic "the board photo"``."""
    out = []
    for sid, code, lo, hi in zip(codings["segment_id"], codings["code"],
                                 codings["phrase_start"], codings["phrase_end"]):
        if lo is pd.NA or hi is pd.NA or sid not in segs.index:
            out.append(code)
            continue
        start, text = int(segs.at[sid, "start"]), segs.at[sid, "text"]
        out.append(f'{code} "{text[int(lo) - start:int(hi) - start]}"')
    return out


def _write_review_xlsx(queue: pd.DataFrame, path: Path, codebook: Codebook) -> None:
    """Write a review ``queue`` (see `review_queue`) to ``path`` atomically: a ``review``
    sheet (header bold, text wrapped, first four columns frozen) and a ``codes`` sheet
    explaining what a decision may hold. Every cell goes through `rmresearch.cells`: text
    that a spreadsheet would run as a formula gets a leading ``'`` (`import_review` removes
    it) and is stored as text."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    from ..atomic import atomic_path

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "review"
    append_row(sheet, list(queue.columns))
    for row in queue.astype(object).where(queue.notna(), "").itertuples(index=False):
        append_row(sheet, [str(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = {"segment_id": 28, "doc_id": 20, "speaker": 14, "text": 70, "reason": 40,
              "decision": 30}
    for i, name in enumerate(queue.columns, start=1):
        letter = openpyxl.utils.get_column_letter(i)
        sheet.column_dimensions[letter].width = widths.get(name, 24)
        if name == "text":
            for cell in sheet[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "E2"
    help_sheet = book.create_sheet("codes")
    for row in [["decision value", "meaning"], *([c.id, c.definition] for c in codebook.codes),
                ["none", "the segment has no code"],
                ["individual;symbolic", "several codes: join them with ';'"],
                ["individual:positive", f"a code with a valence ({', '.join(VALENCES)})"],
                ["role_decision value", "what the segment is (leave empty to keep the role)"],
                *([r, ROLE_DEFINITIONS[r]] for r in ROLES)]:
        append_row(help_sheet, row)
    with atomic_path(path) as tmp:
        book.save(tmp)


def export_review(store_path: str | Path, coders: Sequence[str], output: str | Path, *,
                  band: tuple[float, float] = (0.35, 0.65),
                  codebook: Codebook | None = None) -> pd.DataFrame:
    """Write the review queue (see `review_queue`) to an ``.xlsx`` file; return the queue."""
    from ..store import ProjectStore

    with ProjectStore.open_existing(store_path) as store:
        full = resolve_coders(store, coders)
        queue = review_queue(store, full, band=band)
    _write_review_xlsx(queue, Path(output), codebook or default_codebook())
    return queue


def _decision(value: str, lookup: dict[str, str], where: str, problems: list[str]
              ) -> list[tuple[str, str | None]]:
    out = []
    for token in (t.strip().lower() for t in value.replace(",", ";").split(";")):
        code, _, valence = token.partition(":")
        if token in ("", "none"):
            continue
        if code.strip() not in lookup or (valence and valence.strip() not in VALENCES):
            problems.append(f"{where}: '{token}'")
            continue
        out.append((lookup[code.strip()], valence.strip() or None))
    return out


def import_review(store_path: str | Path, path: str | Path, coder: str, *,
                  codebook: Codebook | None = None) -> dict[str, Any]:
    """Import the ``decision`` column of a review sheet as human coder ``coder``.

    A decision holds codes joined by ';' (each optionally ``code:valence``) or ``none``;
    rows left empty are not imported. A ``role_decision`` (one of `vocabulary.ROLES`) is
    stored as the segment's discourse role decided by ``coder``: no machine run replaces it.
    The decisions are a new revision of ``coder``: on each decided segment they replace the
    coder's codings (``none`` removes them); other segments keep theirs. The ``'`` that
    `export_review` put before text beginning ``= + - @`` (see `rmresearch.cells`) is
    removed from every cell first, so the sheet reads back as it was. Returns ``{"run_id",
    "codings", "seen", "roles", "added", "changed", "removed", "unchanged", "revisions"}``.
    """
    from ..ingest.tables import read_table, require_columns
    from ..refi.coders import check_known_spellings, coder_name, coder_spellings
    from ..store import ProjectStore

    path, codebook = Path(path), codebook or default_codebook()
    df = restore_frame(read_table(path))  # text as it was before export_review's prefixes
    require_columns(df, ("segment_id", "decision"), path)
    if "role_decision" not in df.columns:
        df["role_decision"] = ""
    df = df.fillna({"decision": "", "role_decision": ""})
    df = df[(df["decision"].str.strip() != "") | (df["role_decision"].str.strip() != "")]
    df = df.reset_index(drop=True)
    if df.empty:
        raise InputError("has no decisions filled in.", path=path, column="decision",
                         allowed="codes joined by ';' (e.g. 'individual;symbolic') or 'none'; "
                         f"or a role_decision ({join_allowed(ROLES)}).")
    who, lookup, problems = coder_name(coder), code_lookup(codebook), []
    names = coder_spellings([(coder, None)])
    with ProjectStore.open_existing(store_path) as store:
        # 'CHAIR' beside an earlier 'chair' is refused, never merged silently
        check_known_spellings(names, store.run_parameters("human"),
                              store.coder_latest_runs(), path)
        sids = locate_segments(df[["segment_id"]], store.segments(current_only=False), path)
        decided = [_decision(v, lookup, f"row {i + 2}", problems)
                   for i, v in enumerate(df["decision"])]
        if problems:
            raise InputError(f"unknown code(s) or valence(s) in decisions: "
                             f"{'; '.join(problems[:12])}.", path=path, column="decision",
                             allowed=f"{allowed_codes(codebook)} joined by ';', each "
                             f"optionally ':' + {join_allowed(VALENCES)}; or 'none'.")
        codings = pd.DataFrame(
            [dict(segment_id=sid, code=code, coder=who, score=1.0, valence=val,
                  evidence=f"{path.name} row {i + 2}")
             for i, (sid, pairs) in enumerate(zip(sids, decided)) for code, val in pairs],
            columns=COLUMNS["codings"]).drop_duplicates(["segment_id", "code", "coder"])
        coded = [sid for sid, v in zip(sids, df["decision"]) if v.strip()]
        roles = _role_decisions(df, sids, path)
        seen = sorted({(sid, who) for sid in coded})
        revised = write_human_codings(
            store, codings, seen, {"review": str(path), "coder": who,
                                   "coder_names": {k: sorted(v) for k, v in names.items()}},
            codebook.hash, scope={who: set(coded)}, source=path.name)
        if len(roles):
            store.set_roles(roles, who)
    return {"run_id": revised.run_id, "codings": {who: len(codings)}, "seen": len(seen),
            "roles": len(roles), **summary_counts(revised)}


def _role_decisions(df: pd.DataFrame, sids: Sequence[str], path: Path) -> pd.DataFrame:
    """The filled-in ``role_decision`` cells as ``segment_id, role``; unknown roles refused
    with their rows."""
    chosen = [(i, sid, v.strip().lower().replace(" ", "_")) for i, (sid, v) in
              enumerate(zip(sids, df["role_decision"])) if v.strip()]
    bad = [f"row {i + 2}: '{r}'" for i, _, r in chosen if r not in ROLES]
    if bad:
        raise InputError(f"unknown role(s): {'; '.join(bad[:12])}.", path=path,
                         column="role_decision", allowed=join_allowed(ROLES))
    return pd.DataFrame([(sid, r) for _, sid, r in chosen], columns=["segment_id", "role"])
