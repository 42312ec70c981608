"""The shape every reader returns: normalised text plus optional known turns."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..segment import Turn

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

        i = bisect.bisect_right([c[0] for c in self.cues], offset) - 1
        return self.cues[i][1] if i >= 0 else None
