"""The shape every reader returns: normalised text plus optional known turns."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Turn:
    """A span of the document text said or written by one speaker.

    ``start``/``end`` are codepoint offsets into the document text; ``time`` is the cue
    start in seconds for transcripts with timing, else None.
    """

    start: int
    end: int
    speaker: str | None
    role: str | None = None
    time: float | None = None


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
