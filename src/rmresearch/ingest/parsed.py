"""The shape every reader returns: normalised text plus optional known turns."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .segment import Turn

__all__ = ["Turn", "ParsedDoc"]


@dataclass
class ParsedDoc:
    """A decoded document.

    Attributes
    ----------
    text : the normalised text (LF line endings) that offsets point into.
    turns : known speaker turns, or None to detect ``Name:`` prefixes from the text.
    responses : rows for the long ``responses`` table (forms only).
    cues : (offset, seconds) where each timed cue starts in the text (transcripts only).
    """

    text: str
    turns: list[Turn] | None = None
    responses: list[dict[str, Any]] = field(default_factory=list)
    cues: list[tuple[int, float]] = field(default_factory=list)

    def time_at(self, offset: int) -> float | None:
        """Start time of the cue that holds ``offset`` (None without timing)."""
        import bisect

        # ``key=`` searches the (offset-sorted) cues in place: building a list of offsets on
        # every call made segmenting a long transcript quadratic (a 2 MB .vtt took minutes).
        i = bisect.bisect_right(self.cues, offset, key=lambda c: c[0]) - 1
        return self.cues[i][1] if i >= 0 else None
