"""WebVTT transcripts exported by Teams or Zoom.

Cues look like::

    00:00:01.000 --> 00:00:07.500
    <v Amara Okafor>Thanks for making time today.</v>

The document text is rebuilt as one ``Speaker: words`` line per run of cues by the same
speaker; turns point at the words, and keep the first cue's start time.

A line holding ``-->`` outside a cue's text is a cue timing and must be a valid one: two
times ``[hours:]mm:ss.ttt`` with minutes and seconds 00-59, hours up to `MAX_HOURS`, and an
end no earlier than the start. Anything else (``inf``, ``nan``, minute 99, a time without
milliseconds) is refused naming the line, rather than dropping the cue and its words.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from .decode import read_text
from .parsed import ParsedDoc, Turn

__all__ = ["read_vtt", "parse_vtt", "MAX_HOURS"]

#: the largest hour a cue time may have (a longer recording is not a mentoring session)
MAX_HOURS = 999
_STAMP = r"(?:([0-9]+):)?([0-9]{1,2}):([0-9]{2})[.,]([0-9]{1,3})"
_TIMING = re.compile(rf"^\s*({_STAMP})\s*-->\s*({_STAMP})(?:\s|$)")
_TIMING_ALLOWED = ("cue timings like 00:01:02.500 --> 00:01:05.000 ([hours:]minutes:seconds"
                   f".milliseconds; minutes and seconds 00-59, hours up to {MAX_HOURS}; the "
                   "end not before the start), as Teams and Zoom write them.")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>")
_TAG = re.compile(r"</?[^>]*>")
_PREFIX = re.compile(r"^\s*([^:]{1,60}):\s+(.*)$")


def _seconds(hours: str | None, minutes: str, seconds: str, fraction: str) -> float:
    whole = (int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)
    return whole + int(fraction) / 10 ** len(fraction)


def _timing(line: str, number: int, path: Path) -> float:
    """The start (seconds) of a cue timing line; `InputError` naming ``number`` if invalid."""
    found = _TIMING.match(line)
    shown = line.strip()[:80]
    if not found:
        raise InputError(f"the cue timing '{shown}' does not hold two valid times.",
                         path=path, line=number, allowed=_TIMING_ALLOWED)
    stamps = found.group(2, 3, 4, 5), found.group(7, 8, 9, 10)
    for (hours, minutes, seconds, _), text in zip(stamps, found.group(1, 6)):
        wrong = ("minutes" if int(minutes) >= 60 else "seconds" if int(seconds) >= 60
                 else "hours" if hours and (len(hours) > 6 or int(hours) > MAX_HOURS) else "")
        if wrong:
            raise InputError(f"the cue time '{text}' in '{shown}' has {wrong} out of range.",
                             path=path, line=number, allowed=_TIMING_ALLOWED)
    start, end = _seconds(*stamps[0]), _seconds(*stamps[1])
    if end < start:
        raise InputError(f"the cue '{shown}' ends before it starts.", path=path, line=number,
                         allowed=_TIMING_ALLOWED)
    return start


def _cue_speaker_text(lines: list[str]) -> tuple[str | None, str]:
    joined = " ".join(line.strip() for line in lines if line.strip())
    voice = _VOICE.search(joined)
    speaker = voice.group(1).strip() if voice else None
    words = re.sub(r"\s+", " ", _TAG.sub("", joined)).strip()
    if speaker is None:
        prefixed = _PREFIX.match(words)
        if prefixed and len(prefixed.group(1).split()) <= 4:
            speaker, words = prefixed.group(1).strip(), prefixed.group(2).strip()
    return speaker, words


def _cues(text: str, path: Path) -> list[tuple[float, str | None, str]]:
    lines = text.split("\n")
    if not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        raise InputError("does not start with 'WEBVTT'.", path=path, line=1,
                         allowed="a WebVTT transcript as exported by Teams or Zoom.")
    cues, i = [], 1
    while i < len(lines):
        if "-->" not in lines[i]:
            i += 1
            continue
        start = _timing(lines[i], i + 1, path)
        j = i + 1
        while j < len(lines) and lines[j].strip():
            j += 1
        speaker, words = _cue_speaker_text(lines[i + 1:j])
        if words:
            cues.append((start, speaker, words))
        i = j
    if not cues:
        raise InputError("has no cues with text (no 'start --> end' timing lines followed "
                         "by words).", path=path, allowed="a WebVTT transcript with cues.")
    return cues


def parse_vtt(text: str, path: Path) -> ParsedDoc:
    """Parse decoded WebVTT text into a transcript document with timed turns."""
    merged: list[list] = []
    for time, speaker, words in _cues(text, path):
        if merged and merged[-1][1] == speaker:
            merged[-1][2].append((time, words))
        else:
            merged.append([time, speaker, [(time, words)]])
    out, turns, cues, pos = [], [], [], 0
    for time, speaker, parts in merged:
        prefix = f"{speaker}: " if speaker else ""
        start = cursor = pos + len(prefix)
        for cue_time, words in parts:
            cues.append((cursor, cue_time))
            cursor += len(words) + 1
        body = " ".join(words for _, words in parts)
        turns.append(Turn(start, start + len(body), speaker, None, time))
        out.append(prefix + body + "\n")
        pos += len(out[-1])
    return ParsedDoc(text="".join(out), turns=turns, cues=cues)


def read_vtt(path: Path) -> ParsedDoc:
    """Read a .vtt file (see `parse_vtt`)."""
    return parse_vtt(read_text(path), path)
