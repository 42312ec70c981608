"""Discourse roles: what a segment is, before anyone asks which level it has.

Only a *finding* (practice of the leader, their department or the organisation, whoever
states it) carries levels. The other roles (`vocabulary.ROLES`) are a *question* or prompt,
talk *about the mentoring* (thanks, praise, rapport, the programme itself), the mentor's
*method*, *logistics* and pleasantries, and a *heading* or label.

The rules are transparent and conservative: each looks for the shape of a kind of text
(a numbered label, a prompt addressed to "you", thanks addressed to mentors, a booked room,
"I kept notes after each session"), never for particular sentences. When no rule is sure,
the segment is a finding: a finding lost costs more than a false one let through, which
the level coder may still leave uncoded. Rules run in a fixed order: heading, logistics,
question, about the mentoring, method.

Who is speaking matters for questions only. ``speaker_role`` ``mentee`` (the leader),
``staff`` or ``respondent``, a ``Leader:``-style prefix, or ``source`` ``staff_feedback``
keep a question-shaped segment a finding (a leader's rhetorical question, a survey
complaint); ``mentor`` or a ``Mentor:``/``Q:`` prefix make one a question; unknown speakers
are judged by the text alone (addressed to "you", or an interrogative opening without the
speaker's own "I").

`ROLE_RULES_VERSION` names these rules; the default coder's label includes it, so a change
of the rules shows as a new coder label.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..vocabulary import FINDING, is_human
from .role_rules import (ABOUT_MENTORING, HEADING, LEADER_SPEAKERS, LOGISTICS, METHOD,
                         QUESTION, is_about_mentoring, is_cover_label, is_heading,
                         is_logistics, is_method, is_own_plan, is_question, is_report_caveat,
                         split_segment)

__all__ = ["ROLE_RULES_VERSION", "ROLE_RULES_LABEL", "discourse_role", "discourse_roles",
           "is_finding", "with_roles", "findings_only"]

# v7: a mentor's own side in their notes (`notes_rules`): questions still to ask, plans for
# what to look at next, nerves, noted thanks, who took part, interruptions; bullets stripped.
# v8: numbered labels with a year are headings; the mentor's approach and an evaluation's
# sample are method; thanks for the mentors' patience with the leader's learning
# v9: the programme itself (how it runs, why it began, why the mentors joined); a question
# the mentors put to the leader; whom else to hear from next time; the mentor's role feeling
# odd; a framework label with the topics filed under it
# v10: contracting at the outset, tallies of who spoke, the leader's words written down; the
# programme's staff and the pair's meetings in the leader's words; papers attached
# v11: logistics that report practice, and a greeting before a report, are findings; so are
# questions that take the practice for granted ("why is it always us ...?") and thanks for
# news of practice; a question's tag ("Roughly?") does not hide it; email subject lines,
# form labels and titles with a note in brackets are headings; the mentors' frame, plans,
# tallies, photos for later and own position, and an evaluation's under-represented groups
# and held-back criticism are method; who left the programme and what mentors were told
# are about the mentoring
# v12: focus-group speakers (P1:, F:, Facilitator:); a mentor's question that feeds the
# leader's act back ("You said ... - did you notice?"); rooms held for some; the programme's
# purpose, eligibility and matching rules; plans for a walk-round; documents reviewed;
# evaluators' own position; nerves and rapport in bullet notes
# v13: "thanks to my mentor I've changed ..." is the change, not thanks; thanks reported,
# then the leader's act; a prompt or question to "you" that takes the practice for granted;
# a follow-up that states a result; logistics deferred for the nth time
ROLE_RULES_VERSION = "roles-v13"
#: who decided a role the rules gave (the store's ``role_by``); a human's is ``human:<name>``
ROLE_RULES_LABEL = f"rules@{ROLE_RULES_VERSION}"


# ------------------------------------------------------------------ the role of a segment
@lru_cache(maxsize=65536)
def _role(text: str, speaker_role: str | None, source: str | None) -> str:
    body, speaker = split_segment(text, speaker_role, source)
    if not body:
        return FINDING
    if is_heading(body) or is_cover_label(body):
        return HEADING
    if is_logistics(body):
        return LOGISTICS
    if is_question(body, speaker):
        return QUESTION
    if is_about_mentoring(body, speaker):
        return ABOUT_MENTORING
    if is_method(body) or is_report_caveat(body) or (
            speaker not in LEADER_SPEAKERS and is_own_plan(body)):
        return METHOD
    return FINDING


def discourse_role(text: str, *, speaker_role: str | None = None,
                   source: str | None = None) -> str:
    """The discourse role of one segment (one of `vocabulary.ROLES`).

    Parameters
    ----------
    text : str
        The segment as the coder sees it (a ``Mentor:``-style prefix is read as the speaker).
    speaker_role : str or None
        ``mentor``, ``mentee`` (the leader), ``respondent``, ``staff`` or ``unknown``: only
        questions depend on it (the leader's or staff's questions stay findings).
    source : str or None
        The document's source; ``staff_feedback`` counts as staff speaking.

    Returns
    -------
    str
        ``finding`` unless a rule is sure the segment is a question, talk about the
        mentoring, method, logistics or a heading. Non-text gives ``finding`` (the coder
        decides what to do with it).
    """
    if not isinstance(text, str):
        return FINDING
    return _role(text, _clean(speaker_role), _clean(source))


def _clean(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(value)


def discourse_roles(segments_df: Any) -> Any:
    """The discourse role of every segment of a table, as a Series on its index.

    Parameters
    ----------
    segments_df : DataFrame
        Needs ``text``; ``speaker_role`` and ``source`` are used when present.

    Returns
    -------
    Series of str
        One of `vocabulary.ROLES` per row, named ``role``.
    """
    import pandas as pd

    n = len(segments_df)
    texts = segments_df["text"].tolist()
    speakers = (segments_df["speaker_role"].tolist() if "speaker_role" in segments_df
                else [None] * n)
    sources = segments_df["source"].tolist() if "source" in segments_df else [None] * n
    roles = [discourse_role(t, speaker_role=r, source=s)
             for t, r, s in zip(texts, speakers, sources)]
    return pd.Series(roles, index=segments_df.index, name="role", dtype=object)


def is_finding(segments_df: Any) -> Any:
    """Boolean Series: the rows of ``segments_df`` whose role is a finding."""
    return discourse_roles(segments_df) == FINDING


def with_roles(segments_df: Any) -> Any:
    """``segments_df`` with every segment's discourse role: the stored one where there is one
    (``role``, decided by ``role_by``), else the rules' (`discourse_roles`).

    Parameters
    ----------
    segments_df : DataFrame
        A segments table (``text``; ``speaker_role``, ``source``, ``role``, ``role_by`` used
        when present), e.g. `ProjectStore.segments`.

    Returns
    -------
    DataFrame
        A copy with ``role`` (one of `vocabulary.ROLES`, never missing) and ``role_by``
        (`ROLE_RULES_LABEL` where the rules decided now).
    """
    out = segments_df.copy()
    if "role" not in out.columns:
        out["role"] = None
    if "role_by" not in out.columns:
        out["role_by"] = None
    missing = out["role"].isna().to_numpy()
    if missing.any():
        out.loc[missing, "role"] = discourse_roles(out.loc[missing])
        out.loc[missing, "role_by"] = ROLE_RULES_LABEL
    return out


def findings_only(codings: Any, segments: Any = None) -> Any:
    """Drop a machine coder's codings of segments that are not findings.

    Only findings carry levels: a question, heading, thanks or praise of the mentors, method
    or logistics line coded by a machine coder is left out. Human codings are kept whatever the
    role (a person's judgement stands), and so are segments with no role known.

    Parameters
    ----------
    codings : DataFrame
        ``segment_id, coder`` and, unless ``segments`` is given, ``role``.
    segments : DataFrame, optional
        ``segment_id, role`` to take the roles from (e.g. `ProjectStore.segments`).

    Returns
    -------
    DataFrame
        The rows of ``codings`` kept, in their order, with their index.
    """
    if segments is not None and "role" in segments.columns:
        roles = codings["segment_id"].map(segments.set_index("segment_id")["role"])
    elif "role" in codings.columns:
        roles = codings["role"]
    else:
        return codings
    machine = ~codings["coder"].astype(str).map(is_human).astype(bool)
    return codings[~(machine & roles.notna() & (roles != FINDING)).astype(bool)]
