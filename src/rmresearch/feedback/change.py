"""What changed over the sessions: good practice and attention per session and level.

`change_over_time` counts the mentors' view per numbered session; `change_summary` reads the
first and last session with evidence at each level as a trend in plain words.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from ..vocabulary import KIND_OF_SOURCE, LEVELS
from .evidence import MENTOR_KINDS, mentor_evidence, passages, with_sessions
from .findings import session_lean

__all__ = ["change_over_time", "change_summary"]

_CHANGE_COLUMNS = ["session", "stage", "date_from", "date_to", "code", "n_positive",
                   "n_attention"]


def _session_days(evidence: pd.DataFrame, documents: pd.DataFrame | None
                  ) -> dict[int, list[str]]:
    """The dates ("" when unknown) of each numbered session's documents and passages."""
    spans: dict[int, list[str]] = {}
    if documents is not None:
        docs = with_sessions(documents)
        docs = docs[docs["source"].map(KIND_OF_SOURCE).isin(MENTOR_KINDS)
                    & docs["session"].notna()]
        for ses, day in zip(docs["session"], docs["date"]):
            spans.setdefault(int(ses), []).append(str(day) if isinstance(day, str) else "")
    for ses, day in zip(evidence["session"], evidence["date"]):
        spans.setdefault(int(ses), []).append(str(day) if isinstance(day, str) else "")
    return spans


def change_over_time(evidence: pd.DataFrame, documents: pd.DataFrame | None = None
                     ) -> pd.DataFrame:
    """Good practice and areas requiring attention per session and level (mentors' view).

    Parameters
    ----------
    evidence : output of `pair_evidence`.
    documents : the pair's documents (`pair_documents`); given, every session the pair has
        mentoring documents for is listed (with zeros), with the dates its documents span.

    Returns
    -------
    DataFrame
        One row per session x level, sessions in order: ``session`` (int), ``stage``,
        ``date_from``, ``date_to`` (ISO dates, "" when unknown), ``code``, ``n_positive``,
        ``n_attention`` (int). Passages outside numbered sessions are left out.
    """
    ev = mentor_evidence(evidence)
    ev = ev[ev["session"].notna()]
    spans = _session_days(ev, documents)
    rows = []
    for ses in sorted(spans):
        days = sorted(d for d in spans[ses] if d)
        cell_s = ev[ev["session"] == ses]
        for code in LEVELS:
            cell = cell_s[cell_s["code"] == code]
            rows.append({"session": ses, "stage": f"session_{ses}",
                         "date_from": days[0] if days else "",
                         "date_to": days[-1] if days else "", "code": code,
                         "n_positive": passages(cell[cell["valence"] == "positive"]),
                         "n_attention": passages(cell[cell["valence"] == "attention"])})
    return pd.DataFrame(rows, columns=_CHANGE_COLUMNS)


def _balance(row: Any) -> float:
    """(good practice - attention) / (both) of one session's row."""
    return (row.n_positive - row.n_attention) / (row.n_positive + row.n_attention)


def _level_change(code: str, cell: pd.DataFrame, threshold: float) -> dict[str, Any]:
    """The `change_summary` row of one level; ``cell`` holds its sessions with evidence."""
    if cell.empty:
        return {"code": code, "sessions": "", "first_session": pd.NA, "last_session": pd.NA,
                "first_lean": "nothing recorded", "last_lean": "nothing recorded",
                "trend": "no evidence yet",
                "statement": "Nothing recorded at this level in any session yet."}
    first, last = cell.iloc[0], cell.iloc[-1]
    lean_f = session_lean(int(first.n_positive), int(first.n_attention))
    lean_l = session_lean(int(last.n_positive), int(last.n_attention))
    sessions = ", ".join(str(int(s)) for s in cell["session"])
    if len(cell) == 1:
        trend = "one session only"
        statement = f"Came up in session {int(first.session)} only ({lean_f})."
    else:
        diff = _balance(last) - _balance(first)
        trend = "more good practice" if diff >= threshold else \
            "more areas requiring attention" if diff <= -threshold else "about the same"
        span = f"session {int(first.session)}: {lean_f}; session {int(last.session)}: " \
               f"{lean_l}"
        statement = {"more good practice": f"More good practice in later sessions ({span}).",
                     "more areas requiring attention":
                         f"More areas requiring attention in later sessions ({span}).",
                     "about the same": f"About the same across sessions ({span})."}[trend]
    return {"code": code, "sessions": sessions, "first_session": int(first.session),
            "last_session": int(last.session), "first_lean": lean_f, "last_lean": lean_l,
            "trend": trend, "statement": statement}


def change_summary(change: pd.DataFrame, threshold: float = 0.5) -> pd.DataFrame:
    """What changed at each level between the first and the last session with evidence.

    The *balance* of a session is (good practice - attention) / (both); a rise of at least
    ``threshold`` from the first to the last session with evidence at a level reads "more good
    practice", a fall of as much "more areas requiring attention", anything else "about the
    same".

    Returns
    -------
    DataFrame
        One row per level: ``code``, ``sessions`` (sessions with evidence, e.g. "1, 3"),
        ``first_session``, ``last_session`` (Int64, NA when none), ``first_lean``,
        ``last_lean`` ("only good practice", "mostly good practice", "mixed", "mostly
        requiring attention", "only areas requiring attention" or "nothing recorded"),
        ``trend`` ("more good practice", "more areas requiring attention", "about the same",
        "one session only" or "no evidence yet") and ``statement`` (plain words).
    """
    rows = []
    for code in LEVELS:
        cell = change[change["code"] == code]
        cell = cell[(cell["n_positive"] + cell["n_attention"]) > 0].sort_values("session")
        rows.append(_level_change(code, cell, threshold))
    out = pd.DataFrame(rows)
    for col in ("first_session", "last_session"):
        out[col] = pd.array(out[col], dtype="Int64")
    return out
