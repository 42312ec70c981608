"""WebVTT transcripts exported by Teams or Zoom.

Cues look like::

    00:00:01.000 --> 00:00:07.500
    <v Amara Okafor>Thanks for making time today.</v>

The document text is rebuilt as one ``Speaker: words`` line per run of cues by the same
speaker; turns point at the words, and keep the first cue's start time.
"""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from .decode import read_text
from .parsed import ParsedDoc, Turn

__all__ = ["read_vtt", "parse_vtt"]

_TIMING = re.compile(r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]*)>")
_TAG = re.compile(r"</?[^>]*>")
_PREFIX = re.compile(r"^\s*([^:]{1,60}):\s+(.*)$")


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


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
        timing = _TIMING.match(lines[i])
        if not timing:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and lines[j].strip():
            j += 1
        speaker, words = _cue_speaker_text(lines[i + 1:j])
        if words:
            cues.append((_seconds(timing.group(1)), speaker, words))
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
