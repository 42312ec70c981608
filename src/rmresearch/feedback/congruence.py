"""Said in private, seen in public: whether what the leader said in interview was also seen.

Per level and finding, the interview passages (``said``) are set beside the observation and
inspection passages (``seen``) of the pair's evidence
(`rmresearch.feedback.evidence.pair_evidence`); the categories are
`rmresearch.vocabulary.CONGRUENCE`.
"""
from __future__ import annotations

import pandas as pd

from ..vocabulary import CONGRUENCE, KIND_OF_SOURCE, LEVELS, valence_words
from .evidence import FINDING_VALENCES, of_kind, passages
from .findings import pick_quotes

__all__ = ["STATUS", "congruence_detail"]

#: the congruence categories ("said and seen", "said in private only", "seen in public only",
#: "no evidence"), under the name this package used before `rmresearch.vocabulary`
STATUS = CONGRUENCE


def _status(said: bool, seen: bool) -> str:
    return STATUS[0] if said and seen else STATUS[1] if said else \
        STATUS[2] if seen else STATUS[3]


def _statement(status: str, valence: str, has_seen_data: bool) -> str:
    good = valence == "positive"
    if status == STATUS[0]:
        return ("Good practice you described in interview was also seen in public."
                if good else "An area requiring attention came up in interview and was also "
                "seen in public.")
    if status == STATUS[1]:
        tail = "has not been seen in public yet." if has_seen_data else \
            "cannot be compared yet: there are no observation or inspection notes."
        return ("Good practice you described in interview " if good else
                "An area requiring attention that came up in interview ") + tail
    if status == STATUS[2]:
        return ("Good practice was seen in public that did not come up in interview."
                if good else "An area requiring attention was seen in public but did not come "
                "up in interview: worth talking about together.")
    return "Nothing recorded yet."


def _best(side: str, picked: pd.DataFrame) -> dict[str, str]:
    columns = {"quote": "text", "where": "where", "doc_id": "doc_id"}
    return {f"{side}_{name}": str(picked[col].iloc[0]) if len(picked) else ""
            for name, col in columns.items()}


def congruence_detail(evidence: pd.DataFrame, documents: pd.DataFrame | None = None, *,
                      shown: pd.DataFrame | None = None) -> pd.DataFrame:
    """What was said in private (interview) and whether it was seen in public.

    Parameters
    ----------
    evidence : output of `pair_evidence`.
    documents : the pair's documents (`pair_documents`); given, they tell whether the pair
        has any observation or inspection notes at all ("not seen yet" versus "cannot be
        compared yet").
    shown : the quotes the sheet shows (``segment_id, code``; `finding_quotes`); given (once
        the mentor has chosen quotes), the quotes here are taken from them only, so that a
        quote the mentor dropped never appears (the side's quote is "" when none is shown).

    Returns
    -------
    DataFrame
        One row per level x valence (eight rows): ``code``, ``valence``, ``finding``,
        ``n_said`` (interview passages), ``n_seen`` (observation and inspection passages),
        ``status`` (one of `STATUS`), ``statement`` (plain words), ``said_quote``,
        ``said_where``, ``said_doc_id``, ``seen_quote``, ``seen_where``, ``seen_doc_id`` (the
        best passage of each side and where it came from, "" when none).
    """
    has_seen = bool((evidence["kind"] == "seen").any())
    if documents is not None:
        has_seen = has_seen or bool(documents["source"].map(KIND_OF_SOURCE).eq("seen").any())
    quotable = evidence if shown is None else evidence[pd.MultiIndex.from_frame(
        evidence[["segment_id", "code"]]).isin(pd.MultiIndex.from_frame(
            shown[["segment_id", "code"]]))]
    rows = []
    for code in LEVELS:
        for val in FINDING_VALENCES:
            cell = evidence[(evidence["code"] == code) & (evidence["valence"] == val)]
            said, seen = of_kind(cell, "said"), of_kind(cell, "seen")
            quoted = quotable[(quotable["code"] == code) & (quotable["valence"] == val)]
            status = _status(len(said) > 0, len(seen) > 0)
            rows.append({
                "code": code, "valence": val, "finding": valence_words(val),
                "n_said": passages(said), "n_seen": passages(seen), "status": status,
                "statement": _statement(status, val, has_seen),
                **_best("said", pick_quotes(of_kind(quoted, "said"), 1)),
                **_best("seen", pick_quotes(of_kind(quoted, "seen"), 1))})
    return pd.DataFrame(rows)
