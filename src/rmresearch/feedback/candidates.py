"""The quotes a pair's feedback sheet could show, and the mentor's choice among them.

A candidate is one coded passage at one level that is a finding about the leader (good
practice or an area requiring attention) from the mentoring notes, or from staff when staff
are quoted. It is keyed by ``(segment_id, code)``, which stays the same across runs and
across machine coders. The mentor's choice (``keep`` or ``drop``, stored in the project
store's ``sheet_choices``) overrides the machine's pick: see
`rmresearch.feedback.findings.chosen_quotes` and `rmresearch.feedback.pair.pair_feedback`.
"""
from __future__ import annotations

from typing import Iterable

import pandas as pd

from ..vocabulary import LEVELS
from .evidence import FINDING_VALENCES, MENTOR_KINDS
from .findings import Choices

__all__ = ["CANDIDATE_COLUMNS", "KEEP", "DROP", "choice_map", "without_dropped",
           "candidate_table"]

KEEP, DROP = "keep", "drop"
#: the columns of `candidate_table`
CANDIDATE_COLUMNS = ["segment_id", "code", "valence", "kind", "source_label", "session",
                     "where", "quote", "doc_id", "score", "shown", "chosen"]


def choice_map(choices: pd.DataFrame | None) -> dict[tuple[str, str], bool]:
    """The mentor's choices (``segment_id, code, keep``) as ``(segment_id, code) -> keep``
    (empty for None or an empty table)."""
    if choices is None or choices.empty:
        return {}
    return {(str(s), str(c)): bool(k) for s, c, k in
            choices[["segment_id", "code", "keep"]].itertuples(index=False)}


def without_dropped(evidence: pd.DataFrame, chosen: Choices) -> pd.DataFrame:
    """``evidence`` without the passages (at their level) that the mentor dropped."""
    if not chosen:
        return evidence
    kept = pd.Series([chosen.get((str(s), str(c))) is not False
                      for s, c in zip(evidence["segment_id"], evidence["code"])],
                     index=evidence.index, dtype=bool)
    return evidence[kept]


def _shown_keys(evidence: pd.DataFrame, shown: Iterable[pd.DataFrame]) -> set[tuple[str, str]]:
    """(segment_id, code) of every passage the sheet shows: the quote tables' rows, and the
    congruence table's ``said_`` and ``seen_`` quotes (found by document, level and text)."""
    keys: set[tuple[str, str]] = set()
    by_text = {(str(d), str(c), str(t).strip()): str(s) for s, d, c, t in
               evidence[["segment_id", "doc_id", "code", "text"]].itertuples(index=False)}
    for table in shown:
        if "segment_id" in table.columns:
            keys |= {(str(s), str(c)) for s, c in zip(table["segment_id"], table["code"])}
            continue
        for side in ("said", "seen"):
            for d, c, t in zip(table[f"{side}_doc_id"], table["code"], table[f"{side}_quote"]):
                sid = by_text.get((str(d), str(c), str(t).strip()))
                if t and sid:
                    keys.add((sid, str(c)))
    return keys


def candidate_table(evidence: pd.DataFrame, chosen: Choices, shown: Iterable[pd.DataFrame],
                    *, staff: bool = False) -> pd.DataFrame:
    """Every quote the sheet could show, for the mentor to choose from.

    Parameters
    ----------
    evidence : the pair's evidence (`pair_evidence`), before the mentor's drops.
    chosen : the mentor's choices, ``(segment_id, code) -> keep``.
    shown : the tables of quotes the sheet shows (`finding_quotes`, `staff_quotes`,
        `congruence_detail`).
    staff : whether staff are quoted (their passages are candidates then).

    Returns
    -------
    DataFrame
        `CANDIDATE_COLUMNS`: the passage (``segment_id``, ``quote``, ``doc_id``), its level
        (``code``) and ``valence``, the kind of evidence and where it came from (``kind``,
        ``source_label``, ``session``, ``where``), the coder's ``score``, ``shown`` (bool: the
        sheet shows it now) and ``chosen`` (the mentor's choice, ``keep``/``drop``, "" when
        none yet); by level, valence, then as the evidence is ordered (session, document,
        position).
    """
    kinds = [*MENTOR_KINDS, *(["staff"] if staff else [])]
    rows = evidence[evidence["valence"].isin(FINDING_VALENCES) & evidence["kind"].isin(kinds)]
    keys = _shown_keys(rows, shown)
    pairs = list(zip(rows["segment_id"].astype(str), rows["code"].astype(str)))
    out = rows.assign(quote=rows["text"].astype(str).str.strip(),
                      shown=[k in keys for k in pairs],
                      chosen=["" if chosen.get(k) is None else KEEP if chosen[k] else DROP
                              for k in pairs])
    out = out.assign(_l=out["code"].map({c: i for i, c in enumerate(LEVELS)}),
                     _v=out["valence"].map({v: i for i, v in enumerate(FINDING_VALENCES)}))
    out = out.sort_values(["_l", "_v"], kind="mergesort")
    return out[CANDIDATE_COLUMNS].reset_index(drop=True)
