"""One pair's feedback: what a mentor hands back to the senior leader they mentor.

Pure functions over the project tables (nothing here reads or writes files). Start with
`pair_evidence` (one pair's coded passages with where each came from), or call
`pair_feedback` for everything at once::

    fb = pair_feedback(ctx.coded(), ctx.project.segments, ctx.project.documents, "C1-P02")
    fb = fb.map_text(ctx.text)                      # pseudonymise every quote

Kinds of evidence (column ``kind``):

- ``said``: the leader's own words in a one-to-one interview (passages the *mentor* spoke in
  an interview are left out: a question is not evidence about the leader);
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
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import Any, Callable

import pandas as pd

from ..analysis.coded import LEVELS, require_columns
from ..errors import InputError, join_allowed

__all__ = ["KINDS", "MENTOR_KINDS", "KIND_OF_SOURCE", "LEVEL_ABOUT", "STATUS", "PairFeedback",
           "known_pairs", "check_pair", "pair_documents", "pair_evidence", "level_profile",
           "finding_summary", "finding_quotes", "congruence_detail", "change_over_time", "change_summary",
           "gaps", "staff_view", "staff_quotes", "overview", "period", "pair_feedback",
           "valence_label"]

KIND_OF_SOURCE = {"interview": "said", "observation": "seen", "inspection": "seen",
                  "journal": "journal", "staff_feedback": "staff"}
KINDS = ("seen", "said", "journal", "staff")  # also the order quotes are picked in
MENTOR_KINDS = ("seen", "said", "journal")
VALENCES = ("positive", "attention")
STATUS = ("said and seen", "said in private only", "seen in public only", "no evidence")
MIN_QUOTE_WORDS = 5  # shorter passages are quoted only when nothing longer is there
STRONG_SCORE = 0.7  # coder confidence from which a passage counts as strong evidence

LEVEL_ABOUT = {
    "individual": "your own attitudes, language and behaviour with staff",
    "departmental": "practice and culture in your department: recruitment, promotion, "
                    "interview panels, development and how policies are applied",
    "organisational": "your part in trust-wide equality work: targets, board make-up, staff "
                      "networks, award schemes, the staff survey and WRES",
    "symbolic": "the visible signals: who is pictured, who works front-of-house and who holds "
                "senior, visible posts",
}

_SESSION = re.compile(r"^session[_ ]?(\d+)$", re.IGNORECASE)

# Prompts for the next session: (level, "said") asks, (level, "seen") looks.
PROMPTS = {
    ("individual", "said"): "Ask how the leader's own attitudes and behaviour show with BME "
                            "staff day to day, for example how they respond to a racist remark "
                            "from a patient or who they go to for views.",
    ("individual", "seen"): "Observe a team meeting or huddle: notice the leader's language, "
                            "who they ask for views, who they praise in public and their body "
                            "language.",
    ("departmental", "said"): "Ask about recruitment and promotion in the department: who sits "
                              "on interview panels, how acting-up posts are filled and "
                              "explained, and how staff report bullying and harassment.",
    ("departmental", "seen"): "Sit in on a departmental process such as shortlisting, an "
                              "interview panel or a rota meeting, and note who takes part and "
                              "how decisions are explained.",
    ("organisational", "said"): "Ask about the leader's part in trust-wide initiatives: WRES "
                                "and staff survey results, targets for the make-up of boards, "
                                "staff networks and award nominations.",
    ("organisational", "seen"): "Look for trust-wide equality work in the department (the WRES "
                                "action plan, staff network notices, award nominations) or "
                                "observe a board or committee meeting the leader attends.",
    ("symbolic", "said"): "Ask what signals the department sends about who can succeed there, "
                          "and who its role models are.",
    ("symbolic", "seen"): "Walk round the department: who is pictured on the walls, who works "
                          "front-of-house and who holds senior, visible posts.",
}


def valence_label(valence: str) -> str:
    """Plain words for a valence."""
    return {"positive": "good practice", "attention": "area requiring attention"}.get(
        valence, str(valence))


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


def _session_number(stage: Any) -> Any:
    match = _SESSION.match(str(stage)) if isinstance(stage, str) else None
    return int(match.group(1)) if match else pd.NA


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _nice_date(value: Any) -> str:
    day = _day(value)
    return f"{day.day} {day.strftime('%b %Y')}" if day else ""


def _source_label(source: str, author_role: str) -> str:
    if source == "journal":
        return {"mentor": "mentor's journal", "mentee": "leader's journal"}.get(
            author_role, "journal")
    return {"staff_feedback": "staff feedback"}.get(source, str(source).replace("_", " "))


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
    return _with_sessions(docs).reset_index(drop=True)


def _with_sessions(docs: pd.DataFrame) -> pd.DataFrame:
    if "session" in docs.columns:
        return docs
    return docs.assign(session=pd.array([_session_number(s) for s in docs["stage"]],
                                        dtype="Int64"))


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
        ``kind`` (``said``/``seen``/``journal``/``staff``), ``source_label`` (plain words:
        "interview", "observation", "inspection", "mentor's journal", "leader's journal",
        "staff feedback"), ``session`` (Int64, from ``stage`` ``session_N``; NA otherwise) and
        ``where`` (e.g. "interview, session 2, 5 Dec 2020"). Interview passages spoken by the
        mentor and sources of no kind (evaluation forms) are left out. Sorted by session, date,
        doc_id, position in the document, then level.
    """
    require_columns(coded, ["segment_id", "doc_id", "pair_id", "source", "stage", "text",
                            "code", "valence", "score"], "coded segments")
    check_pair(documents, pair)
    docs = pair_documents(documents, pair)[["doc_id", "date", "author_role"]]
    rows = coded[coded["pair_id"].astype(str) == pair].drop(
        columns=[c for c in ("date", "author_role") if c in coded.columns])
    rows = rows.merge(docs, on="doc_id", how="left")
    if "speaker_role" in rows.columns:
        rows = rows[~((rows["source"] == "interview") & (rows["speaker_role"] == "mentor"))]
    rows = rows.assign(kind=rows["source"].map(KIND_OF_SOURCE))
    rows = rows[rows["kind"].notna()].copy()
    rows["author_role"] = rows["author_role"].fillna("")
    rows["source_label"] = [_source_label(s, a) for s, a in
                            zip(rows["source"], rows["author_role"])]
    rows["session"] = pd.array([_session_number(s) for s in rows["stage"]], dtype="Int64")
    rows["where"] = [_where(lab, ses, day) for lab, ses, day in
                     zip(rows["source_label"], rows["session"], rows["date"])]
    level_pos = {c: i for i, c in enumerate(LEVELS)}
    rows["_s"] = rows["session"].fillna(10 ** 6)
    rows["_l"] = rows["code"].map(level_pos).fillna(len(LEVELS))
    rows["_p"] = rows["start"] if "start" in rows.columns else 0
    rows["_d"] = rows["date"].fillna("")
    out = rows.sort_values(["_s", "_d", "doc_id", "_p", "_l"], kind="mergesort")
    return out.drop(columns=["_s", "_l", "_p", "_d"]).reset_index(drop=True)


def _where(label: str, session: Any, day: Any) -> str:
    parts = [label]
    if not pd.isna(session):
        parts.append(f"session {int(session)}")
    if _nice_date(day):
        parts.append(_nice_date(day))
    return ", ".join(parts)


def _mentor(evidence: pd.DataFrame) -> pd.DataFrame:
    return evidence[evidence["kind"].isin(MENTOR_KINDS)]


def _n(df: pd.DataFrame) -> int:
    return int(df["segment_id"].nunique())


def _lean(pos: int, att: int) -> str:
    if pos + att == 0:
        return "nothing recorded"
    return "mostly good practice" if pos > att else \
        "mostly requiring attention" if att > pos else "mixed"


def _session_lean(pos: int, att: int) -> str:
    """`_lean`, with "only ..." when a session has one valence alone."""
    if pos + att > 0 and att == 0:
        return "only good practice"
    if pos + att > 0 and pos == 0:
        return "only areas requiring attention"
    return _lean(pos, att)


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
    ev = _mentor(evidence)
    rows = []
    for code in LEVELS:
        cell = ev[ev["code"] == code]
        rows.append({"code": code, "n": _n(cell),
                     **{f"n_{v}": _n(cell[cell["valence"] == v])
                        for v in ("positive", "attention", "neutral")},
                     **{f"n_{k}": _n(cell[cell["kind"] == k]) for k in ("said", "seen",
                                                                          "journal")}})
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
    ev = _mentor(evidence)
    rows = []
    for code in LEVELS:
        for val in VALENCES:
            cell = ev[(ev["code"] == code) & (ev["valence"] == val)]
            labels = list(dict.fromkeys(cell["source_label"]))
            rows.append({"code": code, "valence": val, "finding": valence_label(val),
                         "n": _n(cell), **{f"n_{k}": _n(cell[cell["kind"] == k])
                                           for k in ("said", "seen", "journal")},
                         "sources": ", ".join(labels)})
    return pd.DataFrame(rows)


QUOTE_COLUMNS = ["code", "valence", "rank", "quote", "kind", "source_label", "where",
                 "stage", "date", "segment_id", "doc_id", "score"]


def _pick(cell: pd.DataFrame, k: int) -> pd.DataFrame:
    """Up to ``k`` distinct passages for one finding.

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


def _quotes(ev: pd.DataFrame, k: int) -> pd.DataFrame:
    rows = []
    for code in LEVELS:
        for val in VALENCES:
            picked = _pick(ev[(ev["code"] == code) & (ev["valence"] == val)], k)
            for rank, r in enumerate(picked.itertuples(), start=1):
                rows.append({"code": code, "valence": val, "rank": rank, "quote": r.text,
                             "kind": r.kind, "source_label": r.source_label, "where": r.where,
                             "stage": r.stage, "date": r.date, "segment_id": r.segment_id,
                             "doc_id": r.doc_id, "score": float(r.score)})
    return pd.DataFrame(rows, columns=QUOTE_COLUMNS)


def finding_quotes(evidence: pd.DataFrame, quotes: int = 3) -> pd.DataFrame:
    """The quotes that support each finding (mentors' view).

    Returns
    -------
    DataFrame
        Up to ``quotes`` rows per level x valence: ``code``, ``valence``, ``rank`` (1 ..),
        ``quote`` (the passage, as written), ``kind``, ``source_label``, ``where``, ``stage``,
        ``date``, ``segment_id``, ``doc_id``, ``score``. Quotes are distinct passages; among
        the confident ones the kinds of evidence take turns (seen in public first, then said,
        then journals), then the rest fill up by score; passages of fewer than five words
        only when nothing longer is there (see `_pick`).
    """
    return _quotes(_mentor(evidence), quotes)


# --------------------------------------------------------------------------- congruence
def _status(said: bool, seen: bool) -> str:
    return STATUS[0] if said and seen else STATUS[1] if said else \
        STATUS[2] if seen else STATUS[3]


def _congruence_statement(status: str, valence: str, has_seen_data: bool) -> str:
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


def congruence_detail(evidence: pd.DataFrame, documents: pd.DataFrame | None = None
                      ) -> pd.DataFrame:
    """What was said in private (interview) and whether it was seen in public.

    Parameters
    ----------
    evidence : output of `pair_evidence`.
    documents : the pair's documents (`pair_documents`); given, they tell whether the pair
        has any observation or inspection notes at all ("not seen yet" versus "cannot be
        compared yet").

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
    rows = []
    for code in LEVELS:
        for val in VALENCES:
            cell = evidence[(evidence["code"] == code) & (evidence["valence"] == val)]
            said, seen = cell[cell["kind"] == "said"], cell[cell["kind"] == "seen"]
            status = _status(len(said) > 0, len(seen) > 0)
            best_said, best_seen = _pick(said, 1), _pick(seen, 1)
            rows.append({
                "code": code, "valence": val, "finding": valence_label(val),
                "n_said": _n(said), "n_seen": _n(seen), "status": status,
                "statement": _congruence_statement(status, val, has_seen),
                **_best("said", best_said), **_best("seen", best_seen)})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- change
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
    ev = _mentor(evidence)
    ev = ev[ev["session"].notna()]
    spans: dict[int, list[str]] = {}
    if documents is not None:
        docs = _with_sessions(documents)
        docs = docs[docs["source"].map(KIND_OF_SOURCE).isin(MENTOR_KINDS)
                    & docs["session"].notna()]
        for ses, day in zip(docs["session"], docs["date"]):
            spans.setdefault(int(ses), []).append(str(day) if isinstance(day, str) else "")
    for ses, day in zip(ev["session"], ev["date"]):
        spans.setdefault(int(ses), []).append(str(day) if isinstance(day, str) else "")
    rows = []
    for ses in sorted(spans):
        days = sorted(d for d in spans[ses] if d)
        cell_s = ev[ev["session"] == ses]
        for code in LEVELS:
            cell = cell_s[cell_s["code"] == code]
            rows.append({"session": ses, "stage": f"session_{ses}",
                         "date_from": days[0] if days else "",
                         "date_to": days[-1] if days else "", "code": code,
                         "n_positive": _n(cell[cell["valence"] == "positive"]),
                         "n_attention": _n(cell[cell["valence"] == "attention"])})
    return pd.DataFrame(rows, columns=["session", "stage", "date_from", "date_to", "code",
                                       "n_positive", "n_attention"])


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
        if cell.empty:
            rows.append({"code": code, "sessions": "", "first_session": pd.NA,
                         "last_session": pd.NA, "first_lean": "nothing recorded",
                         "last_lean": "nothing recorded", "trend": "no evidence yet",
                         "statement": "Nothing recorded at this level in any session yet."})
            continue
        first, last = cell.iloc[0], cell.iloc[-1]
        lean_f = _session_lean(int(first.n_positive), int(first.n_attention))
        lean_l = _session_lean(int(last.n_positive), int(last.n_attention))
        sessions = ", ".join(str(int(s)) for s in cell["session"])
        if len(cell) == 1:
            trend = "one session only"
            statement = f"Came up in session {int(first.session)} only ({lean_f})."
        else:
            def balance(r: pd.Series) -> float:
                return (r.n_positive - r.n_attention) / (r.n_positive + r.n_attention)

            diff = balance(last) - balance(first)
            trend = "more good practice" if diff >= threshold else \
                "more areas requiring attention" if diff <= -threshold else "about the same"
            span = f"session {int(first.session)}: {lean_f}; session {int(last.session)}: " \
                   f"{lean_l}"
            statement = {"more good practice": f"More good practice in later sessions ({span}).",
                         "more areas requiring attention":
                             f"More areas requiring attention in later sessions ({span}).",
                         "about the same": f"About the same across sessions ({span})."}[trend]
        rows.append({"code": code, "sessions": sessions, "first_session": int(first.session),
                     "last_session": int(last.session), "first_lean": lean_f,
                     "last_lean": lean_l, "trend": trend, "statement": statement})
    out = pd.DataFrame(rows)
    for col in ("first_session", "last_session"):
        out[col] = pd.array(out[col], dtype="Int64")
    return out


# --------------------------------------------------------------------------- gaps
def gaps(evidence: pd.DataFrame, documents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Levels (and sources) with no evidence yet, each with a prompt for the next session.

    ``documents`` (the pair's documents, `pair_documents`) tells which sources the pair has
    used at all; without it only the coded evidence is looked at.

    Gaps found, per level in framework order: ``no evidence`` (nothing at the level from any
    mentor source), ``not seen in public`` (said or written but never observed or inspected),
    ``not discussed in interview``, ``no good practice recorded`` and ``no area requiring
    attention recorded``; then, for the pair as a whole (``code`` "all levels"), sources not
    used yet: no interview, no observation, no visual inspection, no staff feedback (the
    360-degree view). When the pair has no observation or inspection notes at all, the
    per-level "not seen" gaps are folded into the one source gap (likewise for interviews).

    Returns
    -------
    DataFrame
        ``code``, ``gap`` (short plain statement), ``prompt`` (what to do next session).
    """
    ev = _mentor(evidence)
    sources: set[str] = set(evidence["source"])
    if documents is not None:
        sources |= set(documents["source"])
    has = {kind: any(KIND_OF_SOURCE.get(s) == kind for s in sources) for kind in KINDS}
    rows = []
    for code in LEVELS:
        cell = ev[ev["code"] == code]
        said, seen = (cell["kind"] == "said").any(), (cell["kind"] == "seen").any()
        if cell.empty:
            rows.append((code, f"No evidence yet at {code} level.",
                         PROMPTS[(code, "said")] + " " + PROMPTS[(code, "seen")]))
            continue
        if not seen and has["seen"]:
            rows.append((code, f"Nothing seen in public yet at {code} level (no observation "
                               "or inspection evidence).", PROMPTS[(code, "seen")]))
        if not said and has["said"]:
            rows.append((code, f"Not discussed in interview yet at {code} level.",
                         PROMPTS[(code, "said")]))
        vals = set(cell["valence"])
        if "positive" not in vals:
            rows.append((code, f"No good practice recorded yet at {code} level.",
                         f"Ask what the leader is most proud of at {code} level ("
                         f"{LEVEL_ABOUT[code]}), and look for good practice to recognise."))
        if "attention" not in vals:
            rows.append((code, f"No area requiring attention recorded yet at {code} level.",
                         f"Ask where the leader feels least sure at {code} level: the aim is "
                         "shared learning, not catching anyone out."))
    general = "all levels"
    if not has["said"]:
        rows.append((general, "No one-to-one interview notes yet.",
                     "Hold a semi-structured interview: ask the leader to describe, in their "
                     "own words, their practice at each of the four levels."))
    if not any(s == "observation" for s in sources):
        rows.append((general, "No observation of the leader in a meeting yet.",
                     "Arrange to observe a team meeting or huddle the leader chairs."))
    if not any(s == "inspection" for s in sources):
        rows.append((general, "No visual inspection of the department yet.",
                     "Walk round the department: noticeboards, pictures, who works where."))
    if not has["staff"]:
        rows.append((general, "No feedback yet from staff who work under the leader "
                              "(the 360-degree view).",
                     "Consider inviting staff, especially BME staff, to give anonymous "
                     "feedback on the leader's practice."))
    return pd.DataFrame(rows, columns=["code", "gap", "prompt"])


# --------------------------------------------------------------------------- 360 view
def _compare(s_pos: int, s_att: int, m_pos: int, m_att: int) -> str:
    if s_pos + s_att == 0 and m_pos + m_att == 0:
        return "Nothing recorded yet."
    if s_pos + s_att == 0:
        return "Staff did not mention this level."
    if m_pos + m_att == 0:
        return "Only staff mentioned this level."
    staff, mentor = _lean(s_pos, s_att), _lean(m_pos, m_att)
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
    staff, mentor = evidence[evidence["kind"] == "staff"], _mentor(evidence)
    rows = []
    for code in LEVELS:
        counts = {}
        for who, ev in (("staff", staff), ("mentor", mentor)):
            cell = ev[ev["code"] == code]
            for val in VALENCES:
                counts[f"n_{who}_{val}"] = _n(cell[cell["valence"] == val])
        rows.append({"code": code, **counts, "comparison": _compare(
            counts["n_staff_positive"], counts["n_staff_attention"],
            counts["n_mentor_positive"], counts["n_mentor_attention"])})
    return pd.DataFrame(rows)


def staff_quotes(evidence: pd.DataFrame, quotes: int = 2) -> pd.DataFrame:
    """Quotes from staff feedback per level x valence (schema of `finding_quotes`).

    ``where`` is only "staff feedback": the session and date a note came in could tell the
    leader who wrote it.
    """
    out = _quotes(evidence[evidence["kind"] == "staff"], quotes)
    return out.assign(where="staff feedback")


# --------------------------------------------------------------------------- overview
def period(documents: pd.DataFrame, pair: str) -> dict[str, Any]:
    """The pair's sessions and dates: ``sessions`` (int), ``first``, ``last`` (ISO dates or
    ""), ``months`` (whole months between them) and ``text`` ("3 sessions, November 2020 to
    January 2021")."""
    docs = pair_documents(documents, pair)
    days = sorted(d for d in (_day(v) for v in docs["date"]) if d)
    sessions = int(docs["session"].dropna().nunique())
    first, last = (days[0], days[-1]) if days else (None, None)
    months = (last.year - first.year) * 12 + last.month - first.month if days else 0
    span = ""
    if days:
        a, b = first.strftime("%B %Y"), last.strftime("%B %Y")
        span = a if a == b else f"{a} to {b}"
    count = f"{sessions} session{'s' if sessions != 1 else ''}" if sessions else ""
    return {"sessions": sessions, "first": first.isoformat() if first else "",
            "last": last.isoformat() if last else "", "months": months,
            "text": ", ".join(t for t in (count, span) if t)}


def overview(evidence: pd.DataFrame, documents: pd.DataFrame, pair: str) -> pd.DataFrame:
    """What the pair's folder holds. Schema: ``measure`` (str), ``value`` (int)."""
    docs = pair_documents(documents, pair)
    labels = [_source_label(s, a) for s, a in zip(docs["source"], docs["author_role"])]
    order = ["interview", "observation", "inspection", "mentor's journal", "leader's journal",
             "journal", "staff feedback"]
    counts = pd.Series(labels, dtype=object).value_counts()
    rows = [("sessions", int(docs["session"].dropna().nunique())), ("documents", len(docs))]
    rows += [(f"documents: {lab}", int(counts[lab])) for lab in
             [*order, *sorted(set(counts.index) - set(order))] if lab in counts.index]
    mentor = _mentor(evidence)
    rows += [("coded passages, mentoring notes", _n(mentor)),
             ("coded passages, staff feedback", _n(evidence[evidence["kind"] == "staff"]))]
    return pd.DataFrame(rows, columns=["measure", "value"])


# --------------------------------------------------------------------------- everything
TEXT_COLUMNS = {"quotes": ("quote",), "congruence": ("said_quote", "seen_quote"),
                "staff_quotes": ("quote",)}


@dataclass
class PairFeedback:
    """Everything one pair's feedback sheet shows (tables documented by their functions).

    ``staff_quotes`` is empty when fewer than ``staff_min`` staff notes were received, so that
    staff are not quoted word for word to their own manager unless several wrote.
    """

    pair: str
    cohort: str
    period: dict[str, Any]
    overview: pd.DataFrame
    profile: pd.DataFrame
    summary: pd.DataFrame
    quotes: pd.DataFrame
    congruence: pd.DataFrame
    change: pd.DataFrame
    change_summary: pd.DataFrame
    gaps: pd.DataFrame
    staff: pd.DataFrame
    staff_quotes: pd.DataFrame
    n_staff_notes: int = 0
    staff_min: int = 3
    notes: list[str] = field(default_factory=list)

    TABLES = ("profile", "summary", "quotes", "congruence", "change", "change_summary",
              "gaps", "staff", "staff_quotes")

    @property
    def has_staff(self) -> bool:
        """Whether the pair's folder holds feedback from staff (the 360-degree view)."""
        return self.n_staff_notes > 0

    @property
    def staff_quoted(self) -> bool:
        """Whether staff are quoted word for word (enough notes were received)."""
        return self.n_staff_notes >= self.staff_min

    def map_text(self, fn: Callable[[str], str]) -> "PairFeedback":
        """A copy with ``fn`` applied to every quote (e.g. a pseudonymiser's ``text``)."""
        changes = {}
        for name, cols in TEXT_COLUMNS.items():
            df = getattr(self, name).copy()
            for col in cols:
                df[col] = [fn(v) if isinstance(v, str) and v else v for v in df[col]]
            changes[name] = df
        return replace(self, **changes)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tables by name (those a report publishes)."""
        return {name: getattr(self, name) for name in self.TABLES}

    def with_tables(self, tables: dict[str, pd.DataFrame]) -> "PairFeedback":
        """A copy with some tables replaced (e.g. by their published versions)."""
        known = {f.name for f in fields(self)}
        return replace(self, **{k: v for k, v in tables.items() if k in known})


def pair_feedback(coded: pd.DataFrame, segments: pd.DataFrame | None, documents: pd.DataFrame,
                  pair: str, *, quotes: int = 3, staff_min: int = 3) -> PairFeedback:
    """Every table of one pair's feedback sheet.

    Parameters
    ----------
    coded : output of `rmresearch.analysis.coded_segments` (``ReportContext.coded()``).
    segments : the segments table (only used to check the pair has any text).
    documents : the documents table.
    pair : the pair id (`check_pair` raises naming the known pairs).
    quotes : most quotes per level x valence (mentors' view; staff get at most two).
    staff_min : fewest staff notes before staff are quoted word for word.
    """
    check_pair(documents, pair)
    evidence = pair_evidence(coded, documents, pair)
    docs = pair_documents(documents, pair)
    cohort = str(docs["cohort"].iloc[0]) if "cohort" in docs.columns and len(docs) else ""
    n_staff = int((docs["source"] == "staff_feedback").sum())
    notes = []
    if segments is not None and not (segments["pair_id"].astype(str) == pair).any():
        notes.append("The pair's documents hold no text yet.")
    elif evidence.empty:
        notes.append("Nothing in the pair's documents was coded at any level yet.")
    change = change_over_time(evidence, docs)
    squotes = staff_quotes(evidence, min(2, quotes)) if n_staff >= staff_min else \
        staff_quotes(evidence.iloc[0:0], 0)
    return PairFeedback(
        pair=pair, cohort=cohort, period=period(documents, pair),
        overview=overview(evidence, documents, pair), profile=level_profile(evidence),
        summary=finding_summary(evidence), quotes=finding_quotes(evidence, quotes),
        congruence=congruence_detail(evidence, docs), change=change,
        change_summary=change_summary(change), gaps=gaps(evidence, docs),
        staff=staff_view(evidence), staff_quotes=squotes, n_staff_notes=n_staff,
        staff_min=staff_min, notes=notes)
