"""Sentence engine for the synthetic data generator.

Expands the templates of :mod:`rmresearch.synthetic.banks` into complete English sentences
in the voice of each data source (the leader in an interview, the mentor's field notes, a
visual inspection, a reflective journal) and reports the level(s) and valence of each one.
All randomness comes from the ``random.Random`` passed in; nothing touches global state.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Callable

from ..vocabulary import LEVELS
from . import banks as B
from .atoms import FRAMES, KINDS, STATIVE, atom_candidates, atom_levels, combinable, fits_state
from .grammar import conjugate

__all__ = ["Person", "PairContext", "Sentence", "Voice", "Composer", "expand", "LEVEL_ORDER"]

#: the levels in framework order (`rmresearch.vocabulary.LEVELS`)
LEVEL_ORDER = LEVELS
_VERB_RE = re.compile(r"<([!~]?)([a-z]+)(?::(3p|3|S))?>")
_SLOT_RE = re.compile(r"\[([A-Za-z]+)\]")


@dataclass(frozen=True)
class Person:
    """A fictional person: ``role`` is mentor, mentee or staff."""

    first: str
    last: str
    role: str
    title: str | None = None
    locatives: tuple[str, ...] = ()
    pronoun: str = "she"

    @property
    def full(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class PairContext:
    """Everything the sentences of one pair may mention."""

    mentor: Person
    mentee: Person
    staff: list[Person]
    dept: tuple[str, str, str]
    network: str
    trust: str
    used_staff: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Sentence:
    """One generated sentence with its ground truth."""

    text: str
    levels: tuple[str, ...] = ()
    valence: str = "neutral"

    @property
    def levels_str(self) -> str:
        return ";".join(self.levels) if self.levels else "none"


def expand(template: str, rng: random.Random) -> str:
    """Resolve every ``{a|b|c}`` choice (innermost first) in ``template``."""
    pattern = re.compile(r"\{([^{}]*)\}")
    while True:
        match = pattern.search(template)
        if match is None:
            return template
        choice = rng.choice(match.group(1).split("|"))
        template = template[:match.start()] + choice + template[match.end():]


class Voice:
    """Realises sentences for one pair; ``spoken`` and ``typographic`` are per document."""

    def __init__(self, ctx: PairContext, rng: random.Random) -> None:
        self.ctx = ctx
        self.rng = rng
        self.spoken = False
        self.typographic = False
        self.source = ""
        self.used: set[str] = set()  # atom and chatter templates already used in this document

    # ---------------------------------------------------------------- slots
    def _pick_staff(self) -> Person:
        person = self.rng.choice(self.ctx.staff)
        self.ctx.used_staff.add(person.full)
        return person

    def _staff_forms(self, who: Person) -> dict[str, str]:
        titled = f"{who.title} {who.last}" if who.title else who.full
        located = f"{who.first} {self.rng.choice(who.locatives)}" if who.locatives else who.first
        return {
            "staff": self.rng.choice((who.full, who.first, titled)),
            "staffl": self.rng.choice((located, located, who.full, titled, who.first)),
            "staffn": self.rng.choice((who.first, titled, who.full)),
        }

    def _slots(self, person: str, text: str = "") -> dict[str, str]:
        rng, ctx = self.rng, self.ctx
        pron = ctx.mentee.pronoun
        poss = "my" if person == "1" else ("his" if pron == "he" else "her")
        slots = {
            "S": "I" if person == "1" else pron,
            "PRON": "I" if person == "1" else pron,
            "POSS": poss,
            "REFL": "myself" if person == "1" else ("himself" if pron == "he" else "herself"),
            "OUR": "our" if person == "1" else rng.choice((poss, "the")),
            "setting": rng.choice(B.OBS_SETTINGS if self.source == "observation" else B.SETTINGS),
            "unit": rng.choice((ctx.dept[1], ctx.dept[0], "the department", ctx.dept[1])),
            "network": "the " + ctx.network,
            "netname": ctx.network,
            "award": rng.choice(B.AWARDS),
            "board": rng.choice(B.BOARDS),
            "group": expand(rng.choice(B.GROUPS), rng),
            "band": rng.choice(B.BANDS),
            "mname": ctx.mentor.first,
            "lname": ctx.mentee.first,
        }
        if "[staff" in text:  # one staff member per template, named only when used
            slots.update(self._staff_forms(self._pick_staff()))
        return slots

    def _subject(self, source: str) -> str:
        lead, rng = self.ctx.mentee, self.rng
        honorific = "Dr" if lead.title == "Dr" else ("Mr" if lead.pronoun == "he" else "Ms")
        options = [lead.first, lead.first, lead.pronoun, lead.pronoun, lead.full,
                   f"{honorific} {lead.last}"]
        if source == "observation":
            options += [lead.first[0] + lead.last[0], "the leader"]
        if source == "journal":
            options += ["my mentee"]
        return rng.choice(options)

    # ---------------------------------------------------------------- realisation
    def _verbs(self, text: str, person: str, form: str, negate: bool) -> str:
        state = {"negated": False}

        def repl(match: re.Match[str]) -> str:
            mark, verb, who = match.groups()
            who_person = person if who in (None, "S") else who
            neg = (mark == "!" or (negate and not state["negated"])) and who in (None, "S")
            vform = form
            if state["negated"] and who in (None, "S") and form in ("pres", "past"):
                vform = "base"
            if neg:
                state["negated"] = True
            contract = self.spoken and self.rng.random() < 0.6
            if who in ("3", "3p") and form in ("perf", "base", "ing"):
                vform = "pres"
            return conjugate(verb, who_person, vform, neg, contract)

        return _VERB_RE.sub(repl, text)

    def _fill(self, text: str, slots: dict[str, str]) -> str:
        return _SLOT_RE.sub(lambda m: slots.get(m.group(1), m.group(0)), text)

    def _atom_text(self, atom: tuple, neg: bool, person: str, form: str) -> str:
        kind, _levels, _valence, template, extra = atom
        if neg and "neg" in extra:
            template, neg = extra["neg"], False
        text = expand(template, self.rng)
        text = self._fill(text, self._slots(person, text))
        return self._verbs(text, person, form, neg and kind == "act")

    def finalise(self, text: str) -> str:
        """Tidy spacing, capitalise and apply the document's quote style."""
        text = re.sub(r"\s+", " ", text).strip()
        text = re.sub(r" ([,.;!?])", r"\1", text).replace(",,", ",").replace(".,", ",")
        text = re.sub(r"\b([Aa]) ([aeioAEIO])", r"\1n \2", text.replace(" ,", ","))
        for i, ch in enumerate(text):
            if ch.isalpha():
                text = text[:i] + ch.upper() + text[i + 1:]
                break
        if self.typographic:
            text = re.sub(r"(^|[\s“(])'", "\\1‘", text).replace("'", "’")
        else:
            text = text.replace("“", '"').replace("”", '"')
        return text

    def chatter(self, bank: tuple[str, ...]) -> Sentence:
        """A sentence of process talk or small talk (no level)."""
        fresh = [t for t in bank if t not in self.used] or list(bank)
        template = self.rng.choice(fresh)
        self.used.add(template)
        text = expand(template, self.rng)
        text = self._fill(text, self._slots("3", text))
        return Sentence(self.finalise(text))

    def finding(self, source: str, level: str, valence: str) -> Sentence:
        """A sentence carrying ``level`` (and maybe another) with ``valence``."""
        self.source = source
        kinds, seen = KINDS[source], source == "observation"
        candidates = atom_candidates(level, valence, kinds, seen)
        if not candidates:
            candidates = [c for lev in LEVELS for c in atom_candidates(lev, valence, kinds, seen)]
        atom, neg = self._weighted(candidates)
        frame = self._frame(source, atom, neg, valence)
        template, form, _vals, _negok = frame
        person = "1" if (source in ("interview", "mentee_journal")
                         or template.startswith("“")) else "3"
        body = self._atom_text(atom, neg, person, form)
        levels = set(atom_levels(atom))
        if atom[0] != "view" and combinable(template, form, body) and self.rng.random() < 0.2:
            body, levels = self._combine(body, atom, levels, source, valence, person, form)
        subj = self._subject("journal" if "journal" in source else source)
        text = template.replace("VP", body).replace("CL", body)
        text = text.replace("[SUBJ]", subj).replace("[SUBJP]", self.ctx.mentee.pronoun)
        text = expand(text, self.rng)
        text = self._fill(text, self._slots(person, text))
        ordered = tuple(lev for lev in LEVELS if lev in levels)
        return Sentence(self.finalise(text), ordered, valence)

    def _weighted(self, candidates: list[tuple[tuple, bool]]) -> tuple[tuple, bool]:
        fresh = [c for c in candidates if c[0][3] not in self.used] or candidates
        weights = [0.4 if neg else 1.0 for _atom, neg in fresh]
        choice = self.rng.choices(fresh, weights=weights)[0]
        self.used.add(choice[0][3])
        return choice

    def _frame(self, source: str, atom: tuple, neg: bool, valence: str) -> tuple:
        """A frame that fits the valence and negation, and if possible the atom's aspect."""
        kind, extra = atom[0], atom[4]
        negated = kind == "act" and (neg or "<!" in atom[3])
        stative = STATIVE.match(atom[3]) is not None
        frames = [f for f in FRAMES[source][kind]
                  if valence[0] in f[2] and (f[3] or not negated)]
        is_event = (lambda f: not extra.get("past") or f[1] in ("past", "perf"))
        for fits in (lambda f: is_event(f) and (not stative or fits_state(f)), is_event):
            ok = [f for f in frames if fits(f)]
            if ok:
                return self.rng.choice(ok)
        return self.rng.choice(frames)

    def _combine(self, body: str, atom: tuple, levels: set[str], source: str,
                 valence: str, person: str, form: str) -> tuple[str, set[str]]:
        kinds = ("act",) if atom[0] == "act" else ("cl", "ex")
        kinds = tuple(k for k in kinds if k in KINDS[source])
        pool = [c for lev in LEVELS
                for c in atom_candidates(lev, valence, kinds, source == "observation")
                if c[0] is not atom and not c[0][4].get("past") and ", and" not in c[0][3]
                and not (form == "perf" and STATIVE.match(c[0][3]))]
        if not pool:
            return body, levels
        other, neg = self._weighted(pool)
        second = self._atom_text(other, neg, person, form)
        joins = B.CONNECTIVES_ACT if atom[0] == "act" else B.CONNECTIVES_CL
        join = self.rng.choice(joins).replace("[PRON]", self._slots(person)["PRON"])
        return body + join + second, levels | set(atom_levels(other))


# --------------------------------------------------------------------------- documents
Sampler = Callable[[str], "tuple[str, str]"]  # source -> (level, valence)


class Composer:
    """Builds the sentences of whole documents; no sentence repeats within a document."""

    def __init__(self, voice: Voice, sample: Sampler) -> None:
        self.voice = voice
        self.sample = sample
        self.rng = voice.rng
        self._seen: set[str] = set()

    def new_document(self, *, spoken: bool, typographic: bool) -> None:
        self._seen = set()
        self.voice.used = set()
        self.voice.spoken = spoken
        self.voice.typographic = typographic

    def _unique(self, make: Callable[[], Sentence]) -> Sentence:
        sentence = make()
        for _ in range(6):
            if sentence.text not in self._seen:
                break
            sentence = make()
        self._seen.add(sentence.text)
        return sentence

    def find(self, source: str) -> Sentence:
        """A finding in the voice of ``source``."""
        level, valence = self.sample(source)
        return self._unique(lambda: self.voice.finding(source, level, valence))

    def chat(self, *banks: tuple[str, ...]) -> Sentence:
        """Process talk drawn from one of ``banks``."""
        return self._unique(lambda: self.voice.chatter(self.rng.choice(banks)))

    def interview(self, session: int, last: bool) -> list[tuple[Person, list[Sentence]]]:
        """Speaker turns of one mentoring conversation (mentor asks, leader answers)."""
        mentor, lead, rng = self.voice.ctx.mentor, self.voice.ctx.mentee, self.rng
        turns = [(mentor, [self.chat(B.MENTOR_PROCESS, B.SMALL_TALK)]),
                 (lead, [self.chat(B.SMALL_TALK, B.LEADER_ASIDES, B.TECH_TALK)])]
        if rng.random() < 0.4:
            turns.append((mentor, [self.chat(B.SMALL_TALK, B.TECH_TALK)]))
        if session == 1 or rng.random() < 0.2:
            turns.append((mentor, [self.chat(B.GROUND_RULES) for _ in range(rng.randint(1, 2))]))
            turns.append((lead, [self.chat(B.LEADER_AGREE)]))
        for index in range(rng.randint(4, 6)):
            follow_up = index > 0 and rng.random() < 0.35
            question = [self.chat(B.FOLLOW_UPS if follow_up else B.QUESTIONS)]
            if rng.random() < 0.3:
                question.insert(0, self.chat(B.BACKCHANNEL))
            turns.append((mentor, question))
            turns.append((lead, self._answer()))
        closing = B.LAST_SESSION if last else B.SCHEDULING
        turns.append((mentor, [self.chat(closing), self.chat(B.CLOSING)]))
        turns.append((lead, [self.chat(B.LEADER_BYE)]))
        return turns

    def _answer(self) -> list[Sentence]:
        """One to three findings, sometimes opened or interrupted by an aside."""
        answer = [self.find("interview") for _ in range(self.rng.randint(1, 3))]
        if self.rng.random() < 0.3:
            answer.insert(0, self.chat(B.ANSWER_OPENERS))
        if self.rng.random() < 0.12:
            answer.insert(self.rng.randint(0, len(answer)), self.chat(B.LEADER_ASIDES))
        return answer

    def _notes(self, source: str, opening: tuple[str, ...], middle: tuple[str, ...],
               low: int, high: int) -> list[Sentence]:
        lines = [self.chat(opening) for _ in range(self.rng.randint(1, 2))]
        for _ in range(self.rng.randint(low, high)):
            lines.append(self.find(source) if self.rng.random() < 0.88 else self.chat(middle))
        return lines

    def observation(self) -> list[Sentence]:
        """Field notes of the leader in a team meeting."""
        lines = self._notes("observation", B.OBS_CHATTER, B.OBS_MIDDLE, 4, 8)
        if self.rng.random() < 0.5:
            lines.append(self.chat(B.OBS_CLOSE))
        return lines

    def inspection(self) -> list[Sentence]:
        """Notes of a walk round the department."""
        return self._notes("inspection", B.INSP_CHATTER, B.INSP_CHATTER, 3, 6)

    def journal(self, author_role: str) -> list[list[Sentence]]:
        """Paragraphs of a reflective journal by the mentor or the mentee."""
        source = "mentor_journal" if author_role == "mentor" else "mentee_journal"
        chatter = B.MENTOR_JOURNAL_CHATTER if author_role == "mentor" else B.MENTEE_JOURNAL_CHATTER
        paragraphs = []
        for index in range(self.rng.randint(2, 3)):
            para = [self.chat(chatter)] if index == 0 else []
            for _ in range(self.rng.randint(2, 3)):
                para.append(self.find(source) if self.rng.random() < 0.8 else self.chat(chatter))
            paragraphs.append(para)
        return paragraphs
