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
from ..vocabulary import FINDING, LEVELS
from . import banks as B
from . import talk as T
from .atoms import FRAMES, KINDS, STATIVE, atom_candidates, atom_levels, combinable, fits_state
from .grammar import conjugate

__all__ = ["Person", "PairContext", "Sentence", "Voice", "expand", "LEVEL_ORDER"]

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
    """One generated sentence (or heading line) with its ground truth: the levels and
    valence planted and its discourse role (`rmresearch.vocabulary.ROLES`)."""

    text: str
    levels: tuple[str, ...] = ()
    valence: str = "neutral"
    role: str = FINDING

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
        self.introduced: set[str] = set()  # staff already named in full in this document

    # ---------------------------------------------------------------- slots
    def _pick_staff(self) -> Person:
        person = self.rng.choice(self.ctx.staff)
        self.ctx.used_staff.add(person.full)
        return person

    def _staff_forms(self, who: Person) -> dict[str, str]:
        """How a staff member is named: in full the first time in a document (as notes
        introduce people), then by first name, title, place or in full."""
        if who.full not in self.introduced:
            self.introduced.add(who.full)
            return dict.fromkeys(("staff", "staffl", "staffn"), who.full)
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
            "day": rng.choice(T.DAYS), "clock": rng.choice(T.CLOCKS),
            "month": rng.choice(T.MONTHS), "num": rng.choice(T.NUMBERS),
            "city": rng.choice(T.CITIES), "room": expand(rng.choice(T.ROOMS), rng),
            "next": str(rng.randint(2, 6)),
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
        if source == "interview_report":
            options += ["our mentee", "our mentee", "our mentee"]
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

    def chatter(self, bank: str) -> Sentence:
        """A sentence of process talk from the bank named ``bank`` of `talk.BANKS` (no level;
        the bank's discourse role)."""
        role, templates = T.BANKS[bank]
        fresh = [t for t in templates if t not in self.used] or list(templates)
        template = self.rng.choice(fresh)
        self.used.add(template)
        text = expand(template, self.rng)
        text = self._fill(text, self._slots("3", text))
        return Sentence(self.finalise(text), role=role)

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
