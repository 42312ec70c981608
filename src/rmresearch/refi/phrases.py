"""Phrase-level codings: a coding of part of a segment keeps its own offsets.

A coding's ``phrase_start, phrase_end`` are codepoint offsets into its document's text (the
same text as the segment's ``start, end``); empty means the whole segment. An export writes a
phrase as a selection of exactly that text (`shown_phrases`, `selection_rows`); an import
keeps a selection that covers part of a segment, leaving out a word or more, as a phrase of
it (`phrase_spans`).

In a pseudonymised export a pseudonym is rarely as long as the name it replaces, so a phrase's
offsets are carried between the document's segment and its pseudonymised twin by aligning
the two texts word by word (`aligned_mapper`, difflib): a boundary in text both share maps exactly, one
inside a replaced name goes to the edge of the name. Agreement counts a phrase coding for the
segment that holds it (`rmresearch.human.agreement`).
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Callable

import numpy as np
import pandas as pd

__all__ = ["aligned_mapper", "shown_phrases", "selection_rows", "phrase_spans"]

_TOKEN = re.compile(r"\w+|\W", re.UNICODE)


def _tokens(text: str) -> tuple[list[str], list[int]]:
    """Words and single other characters of ``text``, and where each starts (plus the end)."""
    found = [(m.group(), m.start()) for m in _TOKEN.finditer(text)]
    return [t for t, _ in found], [p for _, p in found] + [len(text)]


def aligned_mapper(a: str, b: str) -> Callable[[int, bool], int]:
    """Map offsets in ``a`` to ``b``, a text that differs from it in places (a pseudonymised
    twin), aligning the two word by word: inside text both share, exactly; inside a replaced
    part, a start goes to the start of its replacement and an end to the end."""
    if a == b:
        return lambda p, end: p
    (ta, pa), (tb, pb) = _tokens(a), _tokens(b)
    blocks = [(tag, pa[i1], pa[i2], pb[j1], pb[j2]) for tag, i1, i2, j1, j2 in
              SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes() if i1 < i2]

    def mapper(p: int, end: bool) -> int:
        if p >= len(a) or p <= 0:
            return len(b) if p >= len(a) else 0
        for tag, i1, i2, j1, j2 in blocks:
            if (i1 <= p < i2) if not end else (i1 < p <= i2):
                if tag == "equal":
                    return j1 + (p - i1)
                return j2 if end else j1
        return len(b) if end else 0
    return mapper


def shown_phrases(codings: pd.DataFrame, segments: pd.DataFrame, shown: pd.DataFrame
                  ) -> pd.DataFrame:
    """``codings`` with ``shown_start, shown_end``: each phrase's offsets in the text the
    export shows (``shown``: the segments as exported, pseudonymised or not; ``segments``:
    as stored), empty for codings of a whole segment."""
    out = codings.copy()
    out["shown_start"] = out["shown_end"] = pd.array([pd.NA] * len(out), dtype="Int64")
    if "phrase_start" not in out.columns or out["phrase_start"].isna().all():
        return out
    own = segments.set_index("segment_id")[["start", "text"]]
    vis = shown.set_index("segment_id")[["start", "text"]]
    for i in out.index[out["phrase_start"].notna()]:
        sid = out.at[i, "segment_id"]
        s0, text = int(own.at[sid, "start"]), own.at[sid, "text"]
        v0, shown_text = int(vis.at[sid, "start"]), vis.at[sid, "text"]
        to_shown = aligned_mapper(text, shown_text)
        out.at[i, "shown_start"] = v0 + to_shown(int(out.at[i, "phrase_start"]) - s0, False)
        out.at[i, "shown_end"] = v0 + to_shown(int(out.at[i, "phrase_end"]) - s0, True)
    return out


def selection_rows(codings: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """``codings`` (with `shown_phrases`' columns) joined to the shown ``segments``: the
    ``start, end, text`` of each coding's selection (its phrase, or the segment) and ``span``
    ('' for a whole segment, ``|start:end`` for a phrase, to tell their selections apart)."""
    merged = codings.merge(segments[["segment_id", "start", "end", "text"]], on="segment_id")
    merged["span"] = ""
    if "shown_start" not in merged.columns:
        return merged
    phrase = merged["shown_start"].notna().to_numpy()
    for i in merged.index[phrase]:
        a, b, s0 = (int(merged.at[i, c]) for c in ("shown_start", "shown_end", "start"))
        merged.at[i, "text"] = merged.at[i, "text"][a - s0:b - s0]
        merged.at[i, "start"], merged.at[i, "end"], merged.at[i, "span"] = a, b, f"|{a}:{b}"
    return merged


def _wordless(text: str) -> bool:
    return not any(c.isalnum() for c in text)


def phrase_spans(start: int, end: int, starts: np.ndarray, ends: np.ndarray, text: str
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which segments a selection ``[start, end)`` of ``text`` codes, and how.

    A selection codes the segments it covers at least half of; when it covers no segment
    that far (a phrase), it codes the one holding most of it. It codes a whole segment when
    what it leaves out of it holds no letter or digit (a full stop, a space); otherwise the
    part it covers is a phrase. Returns (indices of the coded segments, the part of each
    covered as ``[lo, hi)``, whether it codes the whole segment).
    """
    lo, hi = np.maximum(start, starts), np.minimum(end, ends)
    overlap = np.clip(hi - lo, 0, None)
    coded = (overlap > 0) & (2 * overlap >= ends - starts)
    if not coded.any() and (overlap > 0).any():
        coded[int(np.argmax(overlap))] = True
    idx = np.flatnonzero(coded)
    whole = np.array([_wordless(text[int(starts[i]):int(lo[i])])
                      and _wordless(text[int(hi[i]):int(ends[i])]) for i in idx], dtype=bool)
    return idx, np.stack([lo[idx], hi[idx]], axis=1), whole
