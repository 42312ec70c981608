"""One pair's evidence: its documents, and its coded passages with where each came from.

Pure functions over the project tables (nothing here reads or writes files). Start with
`pair_evidence` (one pair's coded passages with where each came from), or call
`rmresearch.feedback.pair_feedback` for every table of the sheet at once::

    fb = pair_feedback(ctx.coded(), ctx.project.segments, ctx.project.documents, "C1-P02")
    fb = fb.map_text(ctx.text)                      # pseudonymise every quote

Kinds of evidence (column ``kind``, from `rmresearch.vocabulary.KIND_OF_SOURCE`):

- ``said``: the leader's own words in a one-to-one interview;
- ``reported``: the mentor's report, in interview notes, of what the leader said or did
  (counted with ``said``: it was said in private). The mentor's own questions, thanks and
  process are no evidence: only segments whose discourse role is a finding are kept
  (`rmresearch.coding.roles`);
- ``seen``: what was seen in public: observation of the leader in meetings, or a visual
  inspection of the department;
- ``journal``: the mentor's or the leader's reflective journal;
- ``staff``: anonymous feedback from staff who work under the leader (source
  ``staff_feedback``), the 360-degree view. It is kept apart from the mentors' view: the
  profile, findings, congruence, change and gaps use ``said``, ``seen`` and ``journal`` only.

Counts are of passages (segments: a sentence, an answer, a note), never of people. Valence
``positive`` is "good practice", ``attention`` "area requiring attention".
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

import pandas as pd

from ..analysis.coded import require_columns
from ..coding.roles import with_roles
from ..errors import InputError, join_allowed
from ..vocabulary import (FINDING, KIND_OF_SOURCE, LEVELS, REPORTED, SAID_KINDS, SAID_SOURCES,
                          VALENCES, session_number)

__all__ = ["KINDS", "MENTOR_KINDS", "KIND_OF_SOURCE", "FINDING_VALENCES", "LEVEL_ABOUT",
           "known_pairs", "check_pair", "pair_documents", "with_sessions", "pair_evidence",
           "mentor_evidence", "passages", "source_label", "parse_day", "of_kind",
           "REPORTED_LABEL", "nothing_seen"]

KINDS = ("seen", "said", REPORTED, "journal", "staff")  # also the order quotes are picked in
MENTOR_KINDS = ("seen", "said", REPORTED, "journal")
REPORTED_LABEL = "interview, as the mentor reported it"
#: the valences a finding can have: good practice and areas requiring attention (a passage
#: described without judgement is counted in the profile, but is no finding)
FINDING_VALENCES = tuple(v for v in VALENCES if v != "neutral")

LEVEL_ABOUT = {
    "individual": "your own attitudes, language and behaviour with staff",
    "departmental": "practice and culture in your department: recruitment, promotion, "
                    "interview panels, development and how policies are applied",
    "organisational": "your part in trust-wide equality work: targets, board make-up, staff "
                      "networks, award schemes, the staff survey and WRES",
    "symbolic": "the visible signals: who is pictured, who works front-of-house and who holds "
                "senior, visible posts",
}


# --------------------------------------------------------------------------- pairs
def known_pairs(documents: pd.DataFrame) -> list[str]:
    """The pair ids in a documents (or manifest) table, sorted."""
    require_columns(documents, ["pair_id"], "documents")
    ids = documents["pair_id"].dropna().astype(str)
    return sorted(p for p in ids.unique() if p.strip())


def check_pair(documents: pd.DataFrame, pair: str) -> str:
    """Return ``pair`` if the documents hold it, else raise `InputError` naming the known pairs."""
    pairs = known_pairs(documents)
    if pair not in pairs:
        raise InputError(f"There is no mentoring pair '{pair}' in the data.",
                         allowed=join_allowed(pairs) or "(no pairs: every document is an "
                         "evaluation form)")
    return pair


# --------------------------------------------------------------------------- words and dates
def parse_day(value: Any) -> date | None:
    """The date an ISO date or timestamp (text) starts with, or None when there is none."""
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _short_date(value: Any) -> str:
    day = parse_day(value)
    return f"{day.day} {day.strftime('%b %Y')}" if day else ""


def source_label(source: str, author_role: str) -> str:
    """Plain words for a source: "interview", "mentor's journal", "staff feedback" ..."""
    if source == "journal":
        return {"mentor": "mentor's journal", "mentee": "leader's journal"}.get(
            author_role, "journal")
    return {"staff_feedback": "staff feedback"}.get(source, str(source).replace("_", " "))


def _where(label: str, session: Any, day: Any) -> str:
    parts = [label]
    if not pd.isna(session):
        parts.append(f"session {int(session)}")
    if _short_date(day):
        parts.append(_short_date(day))
    return ", ".join(parts)


def _sessions(stages: pd.Series) -> Any:
    return pd.array([session_number(s) for s in stages], dtype="Int64")


# --------------------------------------------------------------------------- documents
def pair_documents(documents: pd.DataFrame, pair: str) -> pd.DataFrame:
    """The current version of each of the pair's documents, with ``session`` (Int64, from
    ``stage`` ``session_N``; NA otherwise) and ``author_role`` ("" when unknown)."""
    require_columns(documents, ["doc_id", "pair_id", "source", "stage", "date"], "documents")
    docs = documents[documents["pair_id"].astype(str) == pair]
    if "version" in docs.columns:
        docs = docs.sort_values(["doc_id", "version"], kind="mergesort").drop_duplicates(
            "doc_id", keep="last")
    docs = docs.copy()
    if "author_role" not in docs.columns:
        docs["author_role"] = ""
    return with_sessions(docs).reset_index(drop=True)


def with_sessions(docs: pd.DataFrame) -> pd.DataFrame:
    """``docs`` with a ``session`` column (Int64, from ``stage`` ``session_N``; NA otherwise),
    unless it has one already."""
    if "session" in docs.columns:
        return docs
    return docs.assign(session=_sessions(docs["stage"]))


# --------------------------------------------------------------------------- evidence
def pair_evidence(coded: pd.DataFrame, documents: pd.DataFrame, pair: str) -> pd.DataFrame:
    """One pair's coded passages with the kind of evidence and where each came from.

    Parameters
    ----------
    coded : output of `rmresearch.analysis.coded_segments` (any number of pairs).
    documents : the documents table (``doc_id, pair_id, source, author_role, stage, date``).
    pair : the pair id.

    Returns
    -------
    DataFrame
        One row per (segment, level) of the pair, every column of ``coded`` plus:
        ``date`` (ISO date of the document, str or None), ``author_role`` (str),
        ``role`` (the discourse role, always ``finding`` here), ``kind``
        (``said``/``reported``/``seen``/``journal``/``staff``), ``source_label`` (plain words:
        "interview", "interview, as the mentor reported it", "observation", "inspection",
        "mentor's journal", "leader's journal", "staff feedback"), ``session`` (Int64, from ``stage`` ``session_N``; NA otherwise) and
        ``where`` (e.g. "interview, session 2, 5 Dec 2020"). Segments that are not findings
        (questions, thanks and praise of the mentors, method, logistics, headings: the stored
        ``role``, else `rmresearch.coding.roles.with_roles`) and sources of no kind
        (evaluation forms) are left out, and so are hedges that only say the mentor found
        nothing of it ("I didn't detect this", `nothing_seen`): no evidence either way. Sorted by session, date,
        doc_id, position in the document, then level.
    """
    require_columns(coded, ["segment_id", "doc_id", "pair_id", "source", "stage", "text",
                            "code", "valence", "score"], "coded segments")
    check_pair(documents, pair)
    docs = pair_documents(documents, pair)[["doc_id", "date", "author_role"]]
    rows = coded[coded["pair_id"].astype(str) == pair].drop(
        columns=[c for c in ("date", "author_role") if c in coded.columns])
    rows = rows.merge(docs, on="doc_id", how="left")
    rows = with_roles(rows)
    rows = rows[(rows["role"] == FINDING) & ~nothing_seen(rows["text"])]
    rows = rows.assign(kind=_kinds(rows))
    rows = rows[rows["kind"].notna()].copy()
    rows["author_role"] = rows["author_role"].fillna("")
    rows["source_label"] = [REPORTED_LABEL if k == REPORTED else source_label(s, a) for s, a, k
                            in zip(rows["source"], rows["author_role"], rows["kind"])]
    rows["session"] = _sessions(rows["stage"])
    rows["where"] = [_where(lab, ses, day) for lab, ses, day in
                     zip(rows["source_label"], rows["session"], rows["date"])]
    level_pos = {c: i for i, c in enumerate(LEVELS)}
    rows["_s"] = rows["session"].fillna(10 ** 6)
    rows["_l"] = rows["code"].map(level_pos).fillna(len(LEVELS))
    rows["_p"] = rows["start"] if "start" in rows.columns else 0
    rows["_d"] = rows["date"].fillna("")
    out = rows.sort_values(["_s", "_d", "doc_id", "_p", "_l"], kind="mergesort")
    return out.drop(columns=["_s", "_l", "_p", "_d"]).reset_index(drop=True)


# "I didn't detect this", "we did not see any of that": the mentor looked and found nothing of
# what was said; no evidence either way, so never counted as seen (nor said)
_NOTHING_SEEN = re.compile(
    r"^\W*(?:but|however|yet|sadly|honestly)?,?\s*(?:I|we)\s+(?:did\s*n[o']t|do\s*n[o']t|"
    r"could\s*n[o']t|have\s*n[o']t|had\s*n[o']t|never|was\s*n[o']t able to|were\s*n[o']t able "
    r"to)\s+(?:really\s+|actually\s+)?(?:detect|observe|see|notice|witness|spot|pick up on|"
    r"hear|find)\w*\s+(?:this|that|it|any of (?:this|that|it)|anything (?:like (?:this|that)|"
    r"of the (?:sort|kind))|any sign of (?:this|that|it))\b[^.;!?]{0,40}[.;!?]?\s*$",
    re.IGNORECASE)


def nothing_seen(texts: pd.Series) -> pd.Series:
    """True where a passage only says that the mentor found nothing of what was said ("I
    didn't detect this"): it is no evidence, and never counts as seen."""
    return texts.astype(str).str.match(_NOTHING_SEEN)


def _kinds(rows: pd.DataFrame) -> pd.Series:
    """The kind of evidence of each row: its source's, except that what the mentor wrote or
    said in an interview (a finding, by now) is the mentor's report of the leader."""
    kinds = rows["source"].map(KIND_OF_SOURCE)
    if "speaker_role" in rows.columns:
        by_mentor = rows["source"].isin(SAID_SOURCES) & (rows["speaker_role"] == "mentor")
        kinds = kinds.mask(by_mentor, REPORTED)
    return kinds


def of_kind(evidence: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The rows of ``evidence`` of ``kind``; ``said`` includes the mentor's reports
    (`vocabulary.SAID_KINDS`)."""
    kinds = SAID_KINDS if kind == "said" else (kind,)
    return evidence[evidence["kind"].isin(kinds)]


def mentor_evidence(evidence: pd.DataFrame) -> pd.DataFrame:
    """The mentors' view: the passages of ``evidence`` (`pair_evidence`) that were said, seen
    or written in a journal (staff feedback left out)."""
    return evidence[evidence["kind"].isin(MENTOR_KINDS)]


def passages(evidence: pd.DataFrame) -> int:
    """How many distinct passages (segments) ``evidence`` holds."""
    return int(evidence["segment_id"].nunique())
