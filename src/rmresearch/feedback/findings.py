"""What the mentors' notes found: the leader's profile across the levels, the findings (good
practice and areas requiring attention) and the quotes behind them.

Each function takes a pair's evidence (`rmresearch.feedback.evidence.pair_evidence`) and uses
the mentors' view only (said, seen and journals); `quote_table` is also used for the staff's
quotes.
"""
from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from ..coding.calibration import STRONG_SCORE
from ..vocabulary import LEVELS, VALENCES, valence_words
from .evidence import FINDING_VALENCES, KINDS, mentor_evidence, of_kind, passages

__all__ = ["MIN_QUOTE_WORDS", "STRONG_SCORE", "QUOTE_COLUMNS", "level_profile",
           "finding_summary", "pick_quotes", "chosen_quotes", "Choices", "quote_table",
           "finding_quotes", "lean", "session_lean", "valence_label"]

MIN_QUOTE_WORDS = 5  # shorter passages are quoted only when nothing longer is there
QUOTE_COLUMNS = ["code", "valence", "rank", "quote", "kind", "source_label", "where",
                 "stage", "date", "segment_id", "doc_id", "score"]
#: the mentor's choice of quotes: (segment_id, code) -> keep (True) or drop (False)
Choices = Mapping[tuple[str, str], bool]
_COUNTED_KINDS = ("said", "seen", "journal")  # the profile's and summary's count columns

#: plain words for a valence (the name this package used before `rmresearch.vocabulary`)
valence_label = valence_words


def lean(pos: int, att: int) -> str:
    """Which way passages lean: "mostly good practice", "mostly requiring attention",
    "mixed" or "nothing recorded", from the counts of good practice and attention."""
    if pos + att == 0:
        return "nothing recorded"
    return "mostly good practice" if pos > att else \
        "mostly requiring attention" if att > pos else "mixed"


def session_lean(pos: int, att: int) -> str:
    """`lean`, with "only ..." when a session has one valence alone."""
    if pos + att > 0 and att == 0:
        return "only good practice"
    if pos + att > 0 and pos == 0:
        return "only areas requiring attention"
    return lean(pos, att)


# --------------------------------------------------------------------------- profile
def level_profile(evidence: pd.DataFrame) -> pd.DataFrame:
    """The leader's profile across the four levels (mentors' view: said, seen and journals).

    Returns
    -------
    DataFrame
        One row per level (all four, framework order): ``code``, ``n`` (passages coded at
        the level), ``n_positive``, ``n_attention``, ``n_neutral`` (by valence), ``n_said``,
        ``n_seen``, ``n_journal`` (by kind of evidence); all int.
    """
    ev = mentor_evidence(evidence)
    rows = []
    for code in LEVELS:
        cell = ev[ev["code"] == code]
        rows.append({"code": code, "n": passages(cell),
                     **{f"n_{v}": passages(cell[cell["valence"] == v]) for v in VALENCES},
                     **{f"n_{k}": passages(of_kind(cell, k)) for k in _COUNTED_KINDS}})
    return pd.DataFrame(rows)


def finding_summary(evidence: pd.DataFrame) -> pd.DataFrame:
    """Good practice and areas requiring attention per level, with the kinds of evidence.

    Returns
    -------
    DataFrame
        One row per level x valence (``positive`` then ``attention``; eight rows):
        ``code``, ``valence``, ``finding`` ("good practice" / "area requiring attention"),
        ``n`` (passages), ``n_said``, ``n_seen``, ``n_journal`` (int), ``sources`` (plain
        words, e.g. "interview, observation").
    """
    ev = mentor_evidence(evidence)
    rows = []
    for code in LEVELS:
        for val in FINDING_VALENCES:
            cell = ev[(ev["code"] == code) & (ev["valence"] == val)]
            labels = list(dict.fromkeys(cell["source_label"]))
            rows.append({"code": code, "valence": val, "finding": valence_words(val),
                         "n": passages(cell), **{f"n_{k}": passages(of_kind(cell, k))
                                                 for k in _COUNTED_KINDS},
                         "sources": ", ".join(labels)})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- quotes
def pick_quotes(cell: pd.DataFrame, k: int) -> pd.DataFrame:
    """Up to ``k`` distinct passages of ``cell`` (evidence rows) for one finding.

    Passages are tiered: first those of at least `MIN_QUOTE_WORDS` words that the coder was
    confident about (score of at least `STRONG_SCORE`), then other passages of that length,
    then shorter ones. Within the first tier the kinds of evidence take turns (seen, said,
    journal, staff), each highest score first, so that a finding is shown from as many
    sources as the strong evidence allows; later tiers only fill up, highest score first.
    """
    if cell.empty or k <= 0:
        return cell.iloc[0:0]
    cell = cell.assign(text=cell["text"].astype(str).str.strip())
    cell = cell.sort_values(["score", "segment_id"], ascending=[False, True], kind="mergesort")
    cell = cell.drop_duplicates("text")
    long = cell["text"].str.split().str.len() >= MIN_QUOTE_WORDS
    strong = cell[long & (cell["score"] >= STRONG_SCORE)]
    queues = {kind: list(strong[strong["kind"] == kind].index) for kind in KINDS}
    chosen: list[Any] = []
    while len(chosen) < k and any(queues.values()):
        for kind in KINDS:
            if queues[kind] and len(chosen) < k:
                chosen.append(queues[kind].pop(0))
    for index in [*cell[long].index, *cell[~long].index]:
        if len(chosen) >= k:
            break
        if index not in chosen:
            chosen.append(index)
    return cell.loc[chosen]


def chosen_quotes(cell: pd.DataFrame, k: int, choices: Choices | None = None) -> pd.DataFrame:
    """The passages of ``cell`` (evidence rows of one finding) that the sheet shows.

    Without ``choices`` (the mentor's, ``(segment_id, code) -> keep``): `pick_quotes`.
    With them, a passage the mentor dropped is never shown and one the mentor kept always
    is (even beyond ``k``); a passage the mentor has not chosen yet is shown when the
    machine would pick it (`pick_quotes` over the passages not dropped). Order: the
    machine's.
    """
    if not choices:
        return pick_quotes(cell, k)
    decided = pd.Series([_choice(choices, s, c) for s, c in zip(cell["segment_id"],
                                                                  cell["code"])],
                        index=cell.index, dtype=object)
    cell = cell[decided.map(lambda d: d is not False).astype(bool)]
    machine = set(pick_quotes(cell, k).index)
    order = pick_quotes(cell, len(cell))
    shown = [decided[i] is True or (decided[i] is None and i in machine) for i in order.index]
    return order[shown]


def _choice(choices: Choices, segment_id: Any, code: Any) -> bool | None:
    decision = choices.get((str(segment_id), str(code)))
    return None if decision is None else bool(decision)


def quote_table(evidence: pd.DataFrame, k: int, choices: Choices | None = None
                ) -> pd.DataFrame:
    """Up to ``k`` quotes (`chosen_quotes`: the mentor's ``choices`` first) per level x
    valence of ``evidence``, as a table with the columns `QUOTE_COLUMNS` (see
    `finding_quotes`)."""
    rows = []
    for code in LEVELS:
        for val in FINDING_VALENCES:
            picked = chosen_quotes(evidence[(evidence["code"] == code)
                                            & (evidence["valence"] == val)], k, choices)
            for rank, r in enumerate(picked.itertuples(), start=1):
                rows.append({"code": code, "valence": val, "rank": rank, "quote": r.text,
                             "kind": r.kind, "source_label": r.source_label, "where": r.where,
                             "stage": r.stage, "date": r.date, "segment_id": r.segment_id,
                             "doc_id": r.doc_id, "score": float(r.score)})
    return pd.DataFrame(rows, columns=QUOTE_COLUMNS)


def finding_quotes(evidence: pd.DataFrame, quotes: int = 3, choices: Choices | None = None
                   ) -> pd.DataFrame:
    """The quotes that support each finding (mentors' view).

    Returns
    -------
    DataFrame
        Up to ``quotes`` rows per level x valence: ``code``, ``valence``, ``rank`` (1 ..),
        ``quote`` (the passage, as written), ``kind``, ``source_label``, ``where``, ``stage``,
        ``date``, ``segment_id``, ``doc_id``, ``score``. Quotes are distinct passages; among
        the confident ones the kinds of evidence take turns (seen in public first, then said,
        then journals), then the rest fill up by score; passages of fewer than five words
        only when nothing longer is there (see `pick_quotes`). The mentor's ``choices``
        (``(segment_id, code) -> keep``) come first (see `chosen_quotes`).
    """
    return quote_table(mentor_evidence(evidence), quotes, choices)
