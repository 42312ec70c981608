"""Whole documents for the synthetic data generator, in the register of each kind of note.

`Composer` builds the sentences of one pair's documents: a mentoring conversation as a
transcript (a few questions, long answers with fillers and false starts) or as the mentor's
write-up in "we" / "our mentee" voice, field notes of a team meeting (sometimes terse:
fragments, shorthand, no full stops), walk-round notes and reflective journals. Every sentence
carries its planted truth (levels, valence, discourse role). All randomness comes from the
pair's ``random.Random``.
"""
from __future__ import annotations

import random
import re
from dataclasses import replace
from typing import Callable

from . import banks as B
from . import talk as T
from .text import Person, Sentence, Voice

__all__ = ["Composer", "Sampler", "terse", "disfluent"]

Sampler = Callable[[str], "tuple[str, str]"]  # source -> (level, valence)
Turn = tuple[Person, list[Sentence]]

_FRAME_OPENERS = re.compile(
    r"^(?:Noted that|Good to see that|Positive -|Worth raising -|Concern -|From the discussion it "
    r"was clear that|It came up that|It was mentioned that|I could see that|On the walk-round "
    r"I saw that|Straight away I noticed that|I noticed that|It was noticeable that|Worth "
    r"noting that)\s+")
_TAGS = {"positive": ("", "", " - good", " (+)", " - nice to see", " - positive"),
         "attention": ("", "", " - !!", " (-)", " - raise next session", " - to discuss")}
_KEEP_CAPITAL = frozenset(
    {"I", "I'm", "I've", "I'd", "I’m", "I’ve", "I’d", "Dr", "Mr", "Ms", "Sister", "Matron",
     "BME", "WRES", "EDI", "Freedom", "Black", "Eid", "Diwali", "South"}
    | set(B.MENTOR_FIRST) | set(B.STAFF_FIRST) | set(B.LEADER_FIRST["he"])
    | set(B.LEADER_FIRST["she"]))


def terse(sentence: Sentence, rng: random.Random) -> Sentence:
    """``sentence`` as a hurried field note: no frame, shorthand, few articles, no full stop,
    sometimes a tag ("- good", "(-)")."""
    text = _FRAME_OPENERS.sub("", sentence.text)
    for word, short in T.ABBREVIATIONS:
        if rng.random() < 0.7:
            text = re.sub(rf"\b{re.escape(word)}\b", short, text)
    text = text[:1] + re.sub(r"\b(?:the|a|an) (?=\w)",
                             lambda m: "" if rng.random() < 0.5 else m.group(), text[1:])
    text = text.rstrip(".!").rstrip()
    text = text[:1].upper() + text[1:]
    text += rng.choice(_TAGS.get(sentence.valence, ("",)))
    return replace(sentence, text=text)


def disfluent(sentence: Sentence, rng: random.Random) -> Sentence:
    """``sentence`` as spoken: a filler or a false start before it."""
    first, _, rest = sentence.text.partition(" ")
    if first not in _KEEP_CAPITAL and not first.isupper():
        first = first[:1].lower() + first[1:]
    lead = rng.choice(T.FALSE_STARTS if rng.random() < 0.35 else T.FILLERS)
    return replace(sentence, text=f"{lead}{first} {rest}".rstrip())


class Composer:
    """Builds the sentences of whole documents; no sentence repeats within a document."""

    def __init__(self, voice: Voice, sample: Sampler) -> None:
        self.voice = voice
        self.sample = sample
        self.rng = voice.rng
        self.terse = False
        self._seen: set[str] = set()

    def new_document(self, *, spoken: bool, typographic: bool, terse: bool = False) -> None:
        """Start a document: spoken (a transcript), typographic quotes, terse field notes."""
        self._seen = set()
        self.voice.used = set()
        self.voice.introduced = set()
        self.voice.spoken = spoken
        self.voice.typographic = typographic
        self.terse = terse

    def _unique(self, make: Callable[[], Sentence]) -> Sentence:
        sentence = make()
        for _ in range(6):
            if sentence.text not in self._seen:
                break
            sentence = make()
        self._seen.add(sentence.text)
        return sentence

    def find(self, source: str) -> Sentence:
        """A finding in the voice of ``source`` (as spoken or as a terse note where the
        document is one)."""
        level, valence = self.sample(source)

        def make() -> Sentence:
            sentence = self.voice.finding(source, level, valence)
            if self.terse:
                return terse(sentence, self.rng)
            if self.voice.spoken and self.rng.random() < 0.3:
                return disfluent(sentence, self.rng)
            return sentence

        return self._unique(make)

    def chat(self, *banks: str) -> Sentence:
        """Process talk from one of the `talk.BANKS` named."""
        return self._unique(lambda: self.voice.chatter(self.rng.choice(banks)))

    def maybe(self, chance: float, *banks: str) -> list[Sentence]:
        """One sentence of process talk with probability ``chance``, else none."""
        return [self.chat(*banks)] if self.rng.random() < chance else []

    # ---------------------------------------------------------------- conversations
    def interview(self, session: int, last: bool) -> list[Turn]:
        """Speaker turns of one conversation: a few questions, long answers."""
        mentor, lead, rng = self.voice.ctx.mentor, self.voice.ctx.mentee, self.rng
        turns: list[Turn] = []
        self._say(turns, mentor, self.maybe(0.8, "opening", "thanks"))
        self._say(turns, lead, self.maybe(0.5, "leader_hello"))
        if session == 1 or rng.random() < 0.25:
            self._say(turns, mentor, [self.chat("method")])
            self._say(turns, lead, self.maybe(0.6, "leader_agree"))
        for index in range(rng.randint(5, 9)):
            draw = rng.random()
            if index == 0 or draw < 0.45:
                self._say(turns, mentor, self.maybe(0.15, "backchannel") + [self.chat("question")])
            elif draw < 0.6:
                self._say(turns, mentor, [self.chat("backchannel")])
            self._say(turns, lead, self._answer())
        closing = self.maybe(0.7, "last_session" if last else "scheduling")
        self._say(turns, mentor, closing + self.maybe(0.5, "closing", "thanks"))
        self._say(turns, lead, self.maybe(0.5, "leader_bye"))
        return turns

    @staticmethod
    def _say(turns: list[Turn], who: Person, said: list[Sentence]) -> None:
        """Add ``said`` as ``who``'s turn (joined to ``who``'s turn just before, if any)."""
        if not said:
            return
        if turns and turns[-1][0] == who:
            turns[-1][1].extend(said)
        else:
            turns.append((who, list(said)))

    def _answer(self) -> list[Sentence]:
        """One to three findings, sometimes opened or interrupted by an aside."""
        answer = [self.find("interview") for _ in range(self.rng.choice((1, 2, 2, 3, 3, 4)))]
        if self.rng.random() < 0.15:
            answer.insert(0, self.chat("opener"))
        if self.rng.random() < 0.08:
            answer.insert(self.rng.randint(0, len(answer)), self.chat("aside"))
        return answer

    def report(self, last: bool) -> list[list[Sentence]]:
        """Paragraphs of the mentor's write-up of a conversation ("we", "our mentee")."""
        rng = self.rng
        paragraphs = [self.maybe(0.75, "report_open")
                      + [self.find("interview_report") for _ in range(rng.randint(1, 3))]]
        for _ in range(rng.randint(1, 4)):
            paragraphs.append(self.maybe(0.35, "report_middle")
                              + [self.find("interview_report") for _ in range(rng.randint(2, 4))])
        tail = self.maybe(0.4, "last_session" if last else "report_close")
        if tail:
            paragraphs.append(tail)
        return paragraphs

    # ---------------------------------------------------------------- notes and journals
    def _notes(self, source: str, opening: str, middle: str, low: int, high: int
               ) -> list[Sentence]:
        lines = [self.chat(opening) for _ in range(self.rng.randint(0, 2))]
        for _ in range(self.rng.randint(low, high)):
            lines.append(self.find(source) if self.rng.random() < 0.9 else self.chat(middle))
        return lines

    def observation(self) -> list[Sentence]:
        """Field notes of the leader in a team meeting."""
        return self._notes("observation", "obs_open", "obs_middle", 6, 10) \
            + self.maybe(0.4, "obs_close")

    def inspection(self) -> list[Sentence]:
        """Notes of a walk round the department."""
        return self._notes("inspection", "insp_open", "insp_open", 3, 7)

    def journal(self, author_role: str) -> list[list[Sentence]]:
        """Paragraphs of a reflective journal by the mentor or the mentee."""
        source = "mentor_journal" if author_role == "mentor" else "mentee_journal"
        chatter = "mentor_journal" if author_role == "mentor" else "mentee_journal"
        paragraphs = []
        for index in range(self.rng.randint(2, 4)):
            para = self.maybe(0.6, chatter) if index == 0 else []
            for _ in range(self.rng.randint(2, 4)):
                para.append(self.find(source) if self.rng.random() < 0.85 else self.chat(chatter))
            paragraphs.append(para)
        return paragraphs
