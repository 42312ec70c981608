"""Everything one pair's feedback sheet shows, at once: `pair_feedback` and `PairFeedback`.

Also the pair's folder at a glance: its sessions and dates (`period`) and what it holds
(`overview`).
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Callable

import pandas as pd

from .candidates import CANDIDATE_COLUMNS, candidate_table, choice_map, without_dropped
from .change import change_over_time, change_summary
from .congruence import congruence_detail
from .evidence import (check_pair, mentor_evidence, pair_documents, pair_evidence, parse_day,
                       passages, source_label)
from .findings import finding_quotes, finding_summary, level_profile
from .prompts import gaps
from .staff import staff_quotes, staff_view

__all__ = ["TEXT_COLUMNS", "PairFeedback", "period", "overview", "pair_feedback"]

#: the columns of `PairFeedback` tables that hold quotes (pseudonymised by ``map_text``)
TEXT_COLUMNS = {"quotes": ("quote",), "congruence": ("said_quote", "seen_quote"),
                "staff_quotes": ("quote",), "candidates": ("quote",)}
_SOURCE_ORDER = ["interview", "observation", "inspection", "mentor's journal",
                 "leader's journal", "journal", "staff feedback"]


# --------------------------------------------------------------------------- overview
def period(documents: pd.DataFrame, pair: str) -> dict[str, Any]:
    """The pair's sessions and dates: ``sessions`` (int), ``first``, ``last`` (ISO dates or
    ""), ``months`` (whole months between them) and ``text`` ("3 sessions, November 2020 to
    January 2021")."""
    docs = pair_documents(documents, pair)
    days = sorted(d for d in (parse_day(v) for v in docs["date"]) if d)
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
    labels = [source_label(s, a) for s, a in zip(docs["source"], docs["author_role"])]
    counts = pd.Series(labels, dtype=object).value_counts()
    rows = [("sessions", int(docs["session"].dropna().nunique())), ("documents", len(docs))]
    rows += [(f"documents: {lab}", int(counts[lab])) for lab in
             [*_SOURCE_ORDER, *sorted(set(counts.index) - set(_SOURCE_ORDER))]
             if lab in counts.index]
    rows += [("coded passages, mentoring notes", passages(mentor_evidence(evidence))),
             ("coded passages, staff feedback",
              passages(evidence[evidence["kind"] == "staff"]))]
    return pd.DataFrame(rows, columns=["measure", "value"])


# --------------------------------------------------------------------------- everything
@dataclass
class PairFeedback:
    """Everything one pair's feedback sheet shows (tables documented by their functions).

    ``candidates`` (`rmresearch.feedback.candidates.candidate_table`) lists every quote the
    sheet could show, for the mentor to choose from; it is not one of the published
    ``TABLES``.

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
    candidates: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=CANDIDATE_COLUMNS))

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


def _notes(evidence: pd.DataFrame, segments: pd.DataFrame | None, pair: str) -> list[str]:
    """Notes for the sheet's reader when the pair has no text, or nothing coded, yet."""
    if segments is not None and not (segments["pair_id"].astype(str) == pair).any():
        return ["The pair's documents hold no text yet."]
    if evidence.empty:
        return ["Nothing in the pair's documents was coded at any level yet."]
    return []


def pair_feedback(coded: pd.DataFrame, segments: pd.DataFrame | None, documents: pd.DataFrame,
                  pair: str, *, quotes: int = 3, staff_min: int = 3,
                  choices: pd.DataFrame | None = None) -> PairFeedback:
    """Every table of one pair's feedback sheet.

    Parameters
    ----------
    coded : output of `rmresearch.analysis.coded_segments` (``ReportContext.coded()``).
    segments : the segments table (only used to check the pair has any text).
    documents : the documents table.
    pair : the pair id (`check_pair` raises naming the known pairs).
    quotes : most quotes per level x valence (mentors' view; staff get at most two).
    staff_min : fewest staff notes before staff are quoted word for word.
    choices : the mentor's choice of quotes (``segment_id, code, keep``;
        ``ProjectStore.sheet_choices``). A passage the mentor dropped is left out of the
        whole sheet (quotes, counts and statements); one kept is always quoted; passages not
        chosen yet follow the machine's pick (`rmresearch.feedback.findings.chosen_quotes`).
    """
    check_pair(documents, pair)
    every = pair_evidence(coded, documents, pair)
    chosen = choice_map(choices)
    evidence = without_dropped(every, chosen)
    docs = pair_documents(documents, pair)
    cohort = str(docs["cohort"].iloc[0]) if "cohort" in docs.columns and len(docs) else ""
    n_staff = int((docs["source"] == "staff_feedback").sum())
    change = change_over_time(evidence, docs)
    squotes = staff_quotes(evidence, min(2, quotes), chosen) if n_staff >= staff_min else \
        staff_quotes(evidence.iloc[0:0], 0)
    fquotes = finding_quotes(evidence, quotes, chosen)
    congruence = congruence_detail(evidence, docs, shown=fquotes if chosen else None)
    return PairFeedback(
        pair=pair, cohort=cohort, period=period(documents, pair),
        overview=overview(evidence, documents, pair), profile=level_profile(evidence),
        summary=finding_summary(evidence), quotes=fquotes, congruence=congruence,
        change=change, change_summary=change_summary(change), gaps=gaps(evidence, docs),
        staff=staff_view(evidence), staff_quotes=squotes, n_staff_notes=n_staff,
        staff_min=staff_min, notes=_notes(evidence, segments, pair),
        candidates=candidate_table(every, chosen, [fquotes, squotes, congruence],
                                   staff=n_staff >= staff_min))
