"""How a REFI-QDA file counted its selection offsets, and how to read them as LF codepoints.

The standard counts Unicode codepoints of the source's text, but tools differ: NVivo (and
other .NET or Java tools) count UTF-16 code units, so every character outside the Basic
Multilingual Plane (an emoji) counts twice; some count over CRLF line ends even when the
text they ship has LF ones. A *convention* is one of the four pairs (codepoints or UTF-16
code units) x (LF or CRLF line ends).

`detect` picks the convention of one source:

1. Readings that put a selection outside the text, or inside a UTF-16 surrogate pair, are out.
2. Of the rest, the reading under which more selection quotes (their ``name``) match the
   text wins; then the one under which more selection starts and ends fall on word
   boundaries (a start where a word or sign begins, an end where one ends, or a line end);
   ties go to what the producer is known to do (the file's ``origin``: NVivo, MAXQDA and
   ATLAS.ti count UTF-16, QualCoder, Taguette and rmresearch codepoints; an rmresearch
   export states ``offsets=codepoints/lf``) and to the line ends of the file's own text.
3. When the readings disagree and even the best one puts fewer than half of the starts and
   ends on word boundaries (and no quote matches), nothing fits: `detect` returns None and
   the caller refuses the file naming the source.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import Sequence

import numpy as np

__all__ = ["Convention", "CONVENTIONS", "OURS", "producer_unit", "detect", "to_lf_offsets",
           "counted_length", "boundary_share"]

_UNIT_NAMES = {"codepoint": "Unicode codepoints", "utf16": "UTF-16 code units"}
_FITS = 0.5  # the least share of starts and ends on word boundaries for a reading to fit


@dataclass(frozen=True)
class Convention:
    """How offsets are counted: ``unit`` (``codepoint`` or ``utf16``) over ``newline``
    (``lf`` or ``crlf``) line ends."""

    unit: str
    newline: str

    @property
    def label(self) -> str:
        """Short form, e.g. ``utf16/crlf`` (as an rmresearch export's origin states it)."""
        return f"{'codepoints' if self.unit == 'codepoint' else 'utf16'}/{self.newline}"

    def describe(self) -> str:
        """Words for a summary: ``UTF-16 code units over CRLF line ends``."""
        return f"{_UNIT_NAMES[self.unit]} over {self.newline.upper()} line ends"


CONVENTIONS = tuple(Convention(u, n) for u in ("codepoint", "utf16") for n in ("lf", "crlf"))
OURS = Convention("codepoint", "lf")


def producer_unit(origin: str | None) -> str | None:
    """The counting unit a file's producer is known to use (None when unknown)."""
    text = (origin or "").lower()
    if "offsets=utf16" in text:
        return "utf16"
    if "offsets=codepoints" in text:
        return "codepoint"
    if any(name in text for name in ("nvivo", "maxqda", "atlas.ti", "atlasti")):
        return "utf16"
    if any(name in text for name in ("qualcoder", "taguette", "rmresearch")):
        return "codepoint"
    return None


def _counted(lf: str, newline: str) -> str:
    return lf.replace("\n", "\r\n") if newline == "crlf" else lf


def counted_length(lf: str, conv: Convention) -> int:
    """The length of the LF text ``lf`` counted in ``conv``."""
    counted = _counted(lf, conv.newline)
    return len(counted) + (sum(ord(c) > 0xFFFF for c in counted) if conv.unit == "utf16" else 0)


def to_lf_offsets(lf: str, conv: Convention, offsets: Sequence[int]) -> np.ndarray:
    """Offsets counted in ``conv`` as codepoint offsets into ``lf`` (-1 where an offset is
    outside the text or inside a UTF-16 surrogate pair)."""
    counted = _counted(lf, conv.newline)
    off = np.array([o if 0 <= o <= 2**62 else -1 for o in offsets], dtype=np.int64)
    if conv.unit == "utf16":
        units = np.fromiter((2 if ord(c) > 0xFFFF else 1 for c in counted), dtype=np.int64,
                            count=len(counted))
        cum = np.concatenate([[0], np.cumsum(units)])
        cp = np.searchsorted(cum, off)
        ok = (off >= 0) & (cp < len(cum))
        ok[ok] &= cum[cp[ok]] == off[ok]
    else:
        cp = off.copy()
        ok = (off >= 0) & (off <= len(counted))
    if conv.newline == "crlf":
        newlines = [i for i, c in enumerate(lf) if c == "\n"]
        crs = [i + k for k, i in enumerate(newlines)]  # where the inserted CRs sit
        cp = np.array([p - bisect_left(crs, p) for p in cp.tolist()], dtype=np.int64)
    return np.where(ok, cp, -1)


def _classes(lf: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per character: letter or digit, whitespace, line end."""
    n = len(lf)
    return (np.fromiter((c.isalnum() for c in lf), dtype=bool, count=n),
            np.fromiter((c.isspace() for c in lf), dtype=bool, count=n),
            np.fromiter((c == "\n" for c in lf), dtype=bool, count=n))


def boundary_share(lf: str, starts: np.ndarray, ends: np.ndarray,
                   classes: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
                   ) -> tuple[int, int]:
    """(starts and ends on word boundaries, starts and ends) for LF offsets (see module);
    ``classes`` is `_classes` of ``lf`` when already at hand."""
    n = len(lf)
    alnum, space, line = classes if classes is not None else _classes(lf)

    def cut(p: np.ndarray) -> np.ndarray:  # not between two letters or digits
        inner = (p > 0) & (p < n)
        out = np.ones(len(p), dtype=bool)
        q = p[inner]
        out[inner] = ~(alnum[q - 1] & alnum[q])
        return out

    s = np.clip(starts, 0, n)
    e = np.clip(ends, 0, n)
    s_ok = (s == 0) | (line[np.maximum(s - 1, 0)]) | (
        (s < n) & ~space[np.minimum(s, n - 1)] & cut(s)) if n else np.ones(len(s), bool)
    e_ok = (e == n) | (line[np.maximum(e - 1, 0)]) | (
        (e > 0) & ~space[np.maximum(e - 1, 0)] & cut(e)) if n else np.ones(len(e), bool)
    return int(s_ok.sum() + e_ok.sum()), 2 * len(s)


def _same(quote: str, text: str) -> bool:
    q, t = " ".join(quote.split()), " ".join(text.split())
    return bool(q) and (q == t or (len(q) >= 15 and t.startswith(q.rstrip(".\u2026 "))))


def detect(raw: str, starts: Sequence[int], ends: Sequence[int], quotes: Sequence[str],
           origin: str | None = None) -> tuple[Convention | None, Convention]:
    """The convention of one source's selections (see module docstring).

    Parameters
    ----------
    raw : the source's text as the file holds it (LF or CRLF line ends).
    starts, ends, quotes : the selections' offsets as written, and their ``name``.
    origin : the file's ``origin`` attribute (its producer).

    Returns
    -------
    (Convention or None, Convention)
        The convention found (None when no reading fits), and the one the producer and
        the file's own text suggest (used when the selections cannot tell).
    """
    prior = Convention(producer_unit(origin) or "codepoint",
                       "crlf" if "\r\n" in raw else "lf")
    lf = raw.replace("\r\n", "\n")
    if not len(starts):
        return prior, prior
    scored, readings, classes = [], set(), _classes(lf)
    for conv in CONVENTIONS:
        both = to_lf_offsets(lf, conv, [*starts, *ends])
        s, e = both[:len(starts)], both[len(starts):]
        if (s < 0).any() or (e < 0).any() or (s > e).any():
            continue
        readings.add((s.tobytes(), e.tobytes()))
        quoted = sum(_same(q, lf[a:b]) for q, a, b in zip(quotes, s.tolist(), e.tolist()) if q)
        fit, total = boundary_share(lf, s, e, classes)
        rank = (quoted, fit, conv == prior, conv.unit == prior.unit,
                conv.newline == prior.newline)
        scored.append((rank, conv, fit / total))
    if not scored:
        return prior, prior  # every reading runs past the text: the caller says so
    rank, best, share = max(scored, key=lambda item: item[0])
    if len(readings) > 1 and rank[0] == 0 and share < _FITS:
        return None, prior
    return best, prior
