"""What staff say: the 360-degree view beside the mentors' view.

Staff feedback (kind ``staff``, source ``staff_feedback``) is kept apart from the mentoring
notes; here the two are set side by side per level, and staff quotes carry no date.
"""
from __future__ import annotations

import pandas as pd

from ..vocabulary import LEVELS
from .evidence import FINDING_VALENCES, mentor_evidence, passages
from .findings import Choices, lean, quote_table

__all__ = ["staff_view", "staff_quotes"]


def _compare(s_pos: int, s_att: int, m_pos: int, m_att: int) -> str:
    if s_pos + s_att == 0 and m_pos + m_att == 0:
        return "Nothing recorded yet."
    if s_pos + s_att == 0:
        return "Staff did not mention this level."
    if m_pos + m_att == 0:
        return "Only staff mentioned this level."
    staff, mentor = lean(s_pos, s_att), lean(m_pos, m_att)
    if staff == mentor:
        return f"Staff and the mentoring notes agree: {staff}."
    if staff == "mostly requiring attention" or (staff == "mixed" and mentor ==
                                                  "mostly good practice"):
        return f"Staff raise more concerns than the mentoring notes ({mentor})."
    return f"Staff see more good practice than the mentoring notes ({mentor})."


def staff_view(evidence: pd.DataFrame) -> pd.DataFrame:
    """The staff's view (360-degree feedback) beside the mentors' view, per level.

    Returns
    -------
    DataFrame
        One row per level: ``code``, ``n_staff_positive``, ``n_staff_attention``,
        ``n_mentor_positive``, ``n_mentor_attention`` (passages, int) and ``comparison``
        (plain words). All zeros when the pair has no staff feedback.
    """
    staff, mentor = evidence[evidence["kind"] == "staff"], mentor_evidence(evidence)
    rows = []
    for code in LEVELS:
        counts = {}
        for who, ev in (("staff", staff), ("mentor", mentor)):
            cell = ev[ev["code"] == code]
            for val in FINDING_VALENCES:
                counts[f"n_{who}_{val}"] = passages(cell[cell["valence"] == val])
        rows.append({"code": code, **counts, "comparison": _compare(
            counts["n_staff_positive"], counts["n_staff_attention"],
            counts["n_mentor_positive"], counts["n_mentor_attention"])})
    return pd.DataFrame(rows)


def staff_quotes(evidence: pd.DataFrame, quotes: int = 2, choices: Choices | None = None
                 ) -> pd.DataFrame:
    """Quotes from staff feedback per level x valence (schema of `finding_quotes`; the
    mentor's ``choices`` first, see `rmresearch.feedback.findings.chosen_quotes`).

    ``where`` is only "staff feedback": the session and date a note came in could tell the
    leader who wrote it.
    """
    out = quote_table(evidence[evidence["kind"] == "staff"], quotes, choices)
    return out.assign(where="staff feedback")
