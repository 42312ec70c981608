"""Segmentation: sentences within speaker turns, with codepoint offsets and stable ids.

Every segment satisfies ``document_text[start:end] == text``. Ids depend only on the
document id, the document's content hash and the offsets, so re-running gives the same ids
and a changed document gets new ones (old codings stay tied to the old text).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Iterator


__all__ = ["SEGMENTER_VERSION", "Turn", "Span", "detect_turns", "split_sentences", "segment_text", "segment_id",
           "speaker_role"]

# Bump when the same text would be cut into different segments (or speakers): a project
# store re-segments documents that were segmented by an earlier version on the next ingest.
# 2: speaker labels in any script ("Ciarán:", Arabic, Hebrew) are recognised.
# 3: the labels mentors put before their own notes ("Concern:", "Positive:", "Action:") are
#    never speakers, however often they start a line.
SEGMENTER_VERSION = 3

# A name token is letters of any script ("Zo\u00eb", "Nguy\u1ec5n", Arabic, Hebrew) with
# apostrophes, hyphens, dots and combining marks (decomposed "Zoe\u0308", Arabic and Hebrew
# vowel points, Devanagari signs, ZWNJ/ZWJ); `_capitalised` then requires each token to start
# with a capital or a letter of a script without case (an ASCII-only pattern missed such
# speakers and gave their words to the document's author).
_MARKS = ("\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0670"
          "\u06d6-\u06ed\u0900-\u0903\u093a-\u094f\u1ab0-\u1aff\u1dc0-\u1dff\u200c\u200d"
          "\u20d0-\u20ff\ufe20-\ufe2f")
_NAME_TOKEN = r"[^\W\d_](?:[^\W\d_]|[.'\u2019\-" + _MARKS + r"])*"
_PREFIX = re.compile(r"^[ \t\u200e\u200f]*(?P<name>" + _NAME_TOKEN + r"(?:[ \t]" + _NAME_TOKEN
                     + r"){0,3})[ \t]*:[ \t]+(?=\S)", re.MULTILINE)
_ROLE_WORDS = {"mentor": "mentor", "mentee": "mentee", "leader": "mentee",
               "interviewer": "mentor", "interviewee": "mentee"}
_NOT_SPEAKERS = {"note", "notes", "date", "time", "re", "subject", "action", "actions",
                 "location", "venue", "attendees", "present", "agenda", "summary", "ps", "nb",
                 "q", "a", "question", "answer", "observation", "inspection", "session",
                 # labels of a mentor's own notes, not people (never names such as Hope, Grace)
                 "concern", "concerns", "worry", "positive", "positives", "negative",
                 "negatives", "good", "bad", "strength", "strengths", "weakness", "weaknesses",
                 "observed", "observations", "seen", "heard", "said", "comment", "comments",
                 "reflection", "reflections", "challenge", "challenges", "example", "examples",
                 "quote", "quotes", "context", "background", "issue", "issues", "risk", "risks",
                 "outcome", "outcomes", "evidence", "learning", "praise", "recommendation",
                 "recommendations", "theme", "themes", "finding", "findings", "follow-up",
                 "update", "response", "feedback", "aim", "aims", "goal", "goals", "plan",
                 "plans", "result", "results", "impact", "purpose", "gap", "gaps", "idea",
                 "ideas", "next", "todo", "to-do", "agreed", "decision", "decisions", "point",
                 "points", "topic", "topics", "takeaway", "takeaways", "highlight",
                 "highlights", "lowlight", "query", "queries", "prompt", "why", "what", "how"}
_ABBREV = {"dr", "mr", "mrs", "ms", "mx", "prof", "st", "eg", "ie", "etc", "vs", "no", "approx",
           "dept", "e.g", "i.e", "cf", "sr", "jr"}
# A run of sentence punctuation (and closing quotes or brackets) followed by whitespace. The
# look-behind starts a match only at the start of a run and the possessive quantifiers never
# back off inside one, so a long run such as "??????..." is scanned once, not once per
# character (the same matches as before: a shorter piece of a run is never followed by a space).
_BOUNDARY = re.compile(r"(?<![.!?\u2026])[.!?\u2026]++[\"'\u2019\u201d)\]]*+(?=\s)")
# The first character after the whitespace that follows a boundary.
_NEXT_CHAR = re.compile(r"\s*+(\S)")
_BULLET = re.compile(r"^(?:[-*\u2022\u2013\u2014>]+|\d{1,2}[.)])\s+")
_WORDLIKE = re.compile(r"\w")


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


@dataclass(frozen=True)
class Span:
    """A sentence: offsets into the document text, with its speaker."""

    start: int
    end: int
    speaker: str | None
    time: float | None = None
    role: str | None = None


def detect_turns(text: str, known_speakers: Iterable[str] = ()) -> list[Turn] | None:
    """Find ``Name:`` / ``NAME:`` turns at line starts; None when the text has no turns.

    A prefix counts as a speaker when it names a known speaker or a role word, or when the
    same prefix starts at least two lines (so ``Note: ...`` in field notes is not a speaker).
    """
    known = {_fold(k) for name in known_speakers if name for k in _name_keys(name)}
    matches = [m for m in _PREFIX.finditer(text) if m.group("name").lower() not in _NOT_SPEAKERS
               and _capitalised(m.group("name"))]
    counts = Counter(_fold(m.group("name")) for m in matches)
    heads = [m for m in matches
             if _fold(m.group("name")) in known or m.group("name").lower() in _ROLE_WORDS
             or counts[_fold(m.group("name"))] >= 2]
    if not heads:
        return None
    turns = []
    if heads[0].start() > 0 and text[:heads[0].start()].strip():
        turns.append(Turn(0, heads[0].start(), None))
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        turns.append(Turn(m.end(), end, m.group("name").strip()))
    return turns


def _fold(name: str) -> str:
    """Compare names composed (NFC) and in lower case: "Zoe\u0308" is "zoë"."""
    return unicodedata.normalize("NFC", name).lower()


def _capitalised(name: str) -> bool:
    """Every token starts with a capital or a caseless letter (Arabic, Hebrew, CJK ...)."""
    return all(not token[0].islower() for token in name.split())


def _name_keys(names: str) -> set[str]:
    """The labels a manifest name cell answers to: each name (several separated by ';', as
    for a pair with two mentors) whole and each of its words."""
    keys = set()
    for name in (n.strip() for n in names.split(";")):
        if name:
            keys |= {name, *name.split()}
    return keys


def speaker_role(speaker: str | None, mentor: str = "", mentee: str = "",
                 default: str = "unknown") -> str:
    """Map a speaker label to 'mentor' / 'mentee' using the manifest's names and role words."""
    if not speaker:
        return default
    key = _fold(speaker.strip())
    if key in _ROLE_WORDS:
        return _ROLE_WORDS[key]
    for role, name in (("mentor", mentor), ("mentee", mentee)):
        if name and key in {_fold(k) for k in _name_keys(name)}:
            return role
    return "unknown"


def _word_before(line: str, pos: int) -> str:
    """The last whitespace-separated word of ``line[:pos]`` ('' when none), without copying
    ``line[:pos]``: slicing the whole line before every boundary made a one-line transcript
    take quadratic time (1 MB 54 s, 2 MB 198 s). The window grows until it holds the word and
    the whitespace before it, so the work is proportional to the word and that whitespace."""
    width = 64
    while True:
        low = max(0, pos - width)
        window = line[low:pos]
        parts = window.rsplit(None, 1)
        if low == 0 or len(parts) == 2 or (parts and window[0].isspace()):
            return parts[-1] if parts else ""
        width *= 2


def _is_boundary(line: str, match: re.Match) -> bool:
    word = _word_before(line, match.start()).lower().rstrip(".")
    if match.group().startswith(".") and len(match.group()) == 1:
        if word in _ABBREV or (len(word) == 1 and word.isalpha()):
            return False
    after = _NEXT_CHAR.match(line, match.end())
    return after is not None and not after.group(1).islower()


def split_sentences(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of sentences in ``text[start:end]``; lines are hard boundaries.

    Leading bullets and surrounding whitespace are trimmed; pieces without a letter or digit
    are dropped.
    """
    end = len(text) if end is None else end
    pos = start
    for line in text[start:end].split("\n"):
        line_start, cut = pos, 0
        pos += len(line) + 1
        pieces = []
        for m in _BOUNDARY.finditer(line):
            if _is_boundary(line, m):
                pieces.append((cut, m.end()))
                cut = m.end()
        pieces.append((cut, len(line)))
        for a, b in pieces:
            yield from _trimmed(line, line_start, a, b)


def _trimmed(line: str, offset: int, a: int, b: int) -> Iterator[tuple[int, int]]:
    piece = line[a:b]
    lead = len(piece) - len(piece.lstrip())
    bullet = _BULLET.match(piece[lead:])
    lead += bullet.end() if bullet else 0
    core = piece[lead:].rstrip()
    if core and _WORDLIKE.search(core):
        s = offset + a + lead
        yield s, s + len(core)


def segment_text(text: str, turns: list[Turn] | None) -> list[Span]:
    """Split a document into sentence spans within turns (the whole text when no turns)."""
    spans = []
    for turn in turns or [Turn(0, len(text), None)]:
        for a, b in split_sentences(text, turn.start, turn.end):
            spans.append(Span(a, b, turn.speaker, turn.time, turn.role))
    return spans


def segment_id(doc_id: str, sha256: str, start: int, end: int) -> str:
    """Stable id: ``<doc_id>#<10 hex>`` from the document id, its content hash and offsets."""
    digest = hashlib.sha1(f"{doc_id}\x00{sha256}\x00{start}\x00{end}".encode("utf-8"))
    return f"{doc_id}#{digest.hexdigest()[:10]}"
