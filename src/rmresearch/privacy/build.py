"""Building the pseudonym key from a project's tables.

Pseudonyms are given in a fixed order, each input sorted first, so the same inputs give
the same key whatever order the documents were read in:

1. pairs from the documents table (``cohort``, ``pair_id``, ``mentor``, ``mentee``), sorted
   by cohort and pair id: each pair gets the next free letter; its mentor becomes
   "Mentor X" and its mentee (the senior leader) "Leader X". A person already in the key
   keeps their pseudonym, and the new partner takes their letter when it is free;
2. speaker labels from the segments table (``speaker`` with ``speaker_role``): a label of a
   pair's mentor or mentee becomes an alias of that person ("HELEN", "Mandy"); other
   labels become people of their own;
3. the extra names, sorted;
4. names detected in the documents' text (`detect_names`), full names before single words,
   sorted; a name made of a known person's tokens ("Dr Marsh", "Helen M.") is that person;
5. e-mails, phone numbers, NHS numbers and staff ids in the text, sorted by kind and value,
   numbered per kind: "[email 1]", "[phone 1]", "[NHS number 1]", "[staff id 1]".

With ``existing`` (a loaded key) every known person and identifier keeps its pseudonym and
new ones continue the numbering, so pseudonyms are stable across runs.
"""
from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any, Iterable

from .detect import detect_names_many
from .identifiers import iter_values
from .key import Person, PseudonymKey
from .names import clean_surface, initials_of, is_initial, name_tokens, normalise, \
    strip_accents, strip_title, variants_of

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["build_key", "GENERIC_LABELS"]

GENERIC_LABELS = frozenset("""
mentor mentee leader interviewer interviewee respondent participant facilitator chair speaker
unknown all both everyone group staff note notes q a question answer observer observation
inspection me i us we you they them panel audience team member members programme lead
""".split())
_GENERIC_RE = re.compile(r"^(?:speaker|participant|person|respondent|unknown|p|s|voice)"
                         r"[\s_-]*\d*$", re.IGNORECASE)
_ROLE = {"mentor": "mentor", "mentee": "leader"}


def _is_blank(value: Any) -> bool:
    return value is None or not isinstance(value, str) or not value.strip()


class _Builder:
    """Adds people to a key, matching each new name against the people already there."""

    def __init__(self, key: PseudonymKey) -> None:
        self.key = key
        self._seen: dict[str, int] = {}             # pseudonym -> names already indexed
        self._full: dict[str, Person] = {}
        self._tokens: dict[str, set[str]] = {}
        self._initials: dict[str, set[str]] = {}

    def _index(self) -> None:
        """Index the names of people added (or given aliases) since the last call."""
        for person in self.key.people:
            names = person.names()
            done = self._seen.get(person.pseudonym, 0)
            if done == len(names):
                continue
            for name in names[done:] if done else names:
                for variant, is_full in variants_of(name).items():
                    if is_full:
                        self._full.setdefault(variant, person)
                    self._tokens.setdefault(variant, set()).add(person.pseudonym)
                self._initials.setdefault(person.pseudonym, set()).update(initials_of(name))
            self._seen[person.pseudonym] = len(names)

    def exact(self, name: str) -> Person | None:
        """The person one of whose names is ``name`` (ignoring case, titles, accents)."""
        self._index()
        target = normalise(strip_title(clean_surface(name)))
        return self._full.get(target) or self._full.get(strip_accents(target))

    def loose(self, name: str) -> list[Person]:
        """People whose name tokens include every token of ``name`` (initials must fit)."""
        self._index()
        tokens = name_tokens(name)
        words = {t for t in tokens if not is_initial(t)}
        inits = {t[0] for t in tokens if is_initial(t)}
        if not words:
            return []
        common = set.intersection(*(self._tokens.get(w, set()) for w in words))
        return [p for p in self.key.people
                if p.pseudonym in common and inits <= self._initials[p.pseudonym]]

    def alias_if_new(self, person: Person, label: str) -> None:
        variant = normalise(strip_title(clean_surface(label)))
        if variant and not any(variant in variants_of(n) for n in person.names()):
            self.key.add_alias(person, clean_surface(label))

    def pair_person(self, pair: str, role: str) -> Person | None:
        return next((p for p in self.key.people if p.role == role and pair in p.pairs), None)

    def add_pair(self, pair: str, mentor: str, mentee: str) -> None:
        """The pair's people from the manifest: several mentors (or leaders) in one cell,
        separated by ';', are each a person with a pseudonym of their own."""
        people = [(role, n.strip()) for role, cell in (("mentor", mentor), ("leader", mentee))
                  for n in (cell or "").split(";") if n.strip()]
        found: dict[tuple[str, str], Person] = {}
        for role, name in people:
            person = self.exact(name)
            if person is not None:
                if pair not in person.pairs:
                    person.pairs.append(pair)
                found[(role, name)] = person
        letter = next((p.pseudonym.split()[-1] for p in found.values()
                       if p.role in ("mentor", "leader")), None)
        for role, name in people:
            if (role, name) not in found:
                pseudo = self.key.next_pseudonym(role, letter)
                letter = letter or pseudo.split()[-1]
                self.key.add_person(Person(pseudo, role, clean_surface(name), pairs=[pair],
                                           source="manifest"))

    def add_speaker(self, pair: str, label: str, speaker_role: str) -> None:
        if self.exact(label) is not None:
            return
        role = _ROLE.get(speaker_role, "other")
        partners = [p for p in self.key.people if p.role == role and pair in p.pairs] \
            if role != "other" else []
        if len(partners) == 1:  # the pair's only mentor (or leader): the label is theirs
            self.alias_if_new(partners[0], label)
            return
        if self.add_name(label, "speaker", create=False):
            return
        if role == "other":
            self.add_name(label, "speaker")
            return
        other = self.pair_person(pair, "leader" if role == "mentor" else "mentor")
        letter = other.pseudonym.split()[-1] if other else None
        self.key.add_person(Person(self.key.next_pseudonym(role, letter), role,
                                   clean_surface(label), pairs=[pair], source="speaker"))

    def add_name(self, name: str, source: str, *, create: bool = True) -> bool:
        """Match ``name`` to a known person (alias when it is a new full form) or add a new
        'other' person; True when the name is now covered."""
        name = strip_title(clean_surface(name))
        if not name or self.exact(name) is not None:
            return bool(name)
        if len(re.sub(r"[\W_]", "", name)) < 2:
            # one letter ("Ó" of "Ciarán Ó Briain", an initial) is no name on its own: as a
            # person it would make every "O" of a pseudonym ("Leader O") look like a leak
            return False
        matches = self.loose(name)
        if len(matches) == 1 and len(name_tokens(name)) > 1:
            self.alias_if_new(matches[0], name)
            return True
        if matches:
            return True
        if create:
            self.key.add_person(Person(self.key.next_pseudonym("other"), "other", name,
                                       source=source))
            return True
        return False


def _pairs(documents: "pd.DataFrame") -> list[tuple[str, str, str]]:
    rows = set()
    for rec in documents.to_dict("records"):
        mentor = "" if _is_blank(rec.get("mentor")) else rec["mentor"].strip()
        mentee = "" if _is_blank(rec.get("mentee")) else rec["mentee"].strip()
        if mentor or mentee:
            rows.add((_pair_label(rec), mentor, mentee))
    return sorted(rows)


def _pair_label(rec: dict) -> str:
    cohort = "" if _is_blank(rec.get("cohort")) else str(rec["cohort"])
    pair = "" if _is_blank(rec.get("pair_id")) else str(rec["pair_id"])
    return pair or f"{cohort}/(no pair id)"


def _speakers(segments: "pd.DataFrame") -> list[tuple[str, str, str]]:
    rows = set()
    for rec in segments.to_dict("records"):
        label = rec.get("speaker")
        if _is_blank(label):
            continue
        label = clean_surface(label)
        if (not label or normalise(label) in GENERIC_LABELS or _GENERIC_RE.match(label)
                or re.search(r"\d", label)):
            continue
        role = rec.get("speaker_role") if isinstance(rec.get("speaker_role"), str) else ""
        rows.add((_pair_label(rec), label, role))
    return sorted(rows)


def _texts(documents: "pd.DataFrame | None", segments: "pd.DataFrame | None") -> list[str]:
    """The texts to detect names in, composed (NFC): name detection misses a decomposed
    "Nguye\u0302\u0303n", and the pseudonymiser matches composed text."""
    for table in (documents, segments):
        if table is not None and "text" in table.columns:
            return [unicodedata.normalize("NFC", t) for t in table["text"].tolist()
                    if isinstance(t, str) and t]
    return []


def _detected(texts: list[str], nlp: Any) -> list[str]:
    spellings: dict[str, str] = {}
    for names in detect_names_many(texts, nlp):
        for name in names:
            key = normalise(name)
            if key not in spellings or name < spellings[key]:
                spellings[key] = name
    return sorted(spellings.values(), key=lambda n: (-len(n.split()), normalise(n), n))


def build_key(documents: "pd.DataFrame | None" = None, segments: "pd.DataFrame | None" = None,
              extra_names: Iterable[str] = (), *, use_ner: bool = True,
              existing: PseudonymKey | None = None, staff_id_pattern: str | None = None,
              nlp: Any = None) -> PseudonymKey:
    """Collect every person and identifier of a project into a `PseudonymKey`.

    Parameters
    ----------
    documents : the documents table (``text``; ``cohort``, ``pair_id``, ``mentor``,
        ``mentee`` when present).
    segments : the segments table (``speaker``, ``speaker_role``, ``cohort``, ``pair_id``;
        its ``text`` is scanned only when ``documents`` has none).
    extra_names : more names to pseudonymise (staff named in notes, a trust's list).
    use_ner : detect names with spaCy NER as well as with patterns; False keeps the
        patterns only (titles, speaker labels, "X said", initials).
    existing : a key from an earlier run; its pseudonyms are kept (it is not modified).
    staff_id_pattern : regular expression for staff ids (default
        `identifiers.DEFAULT_STAFF_ID_PATTERN`, or the existing key's).
    nlp : a loaded spaCy pipeline to use instead of `detect.load_nlp()`.

    Returns
    -------
    PseudonymKey
        A new key; save it with `PseudonymKey.save` beside the project store.
    """
    key = existing.copy() if existing is not None else PseudonymKey()
    if staff_id_pattern is not None:
        key.staff_id_pattern = staff_id_pattern
    builder = _Builder(key)
    if documents is not None and {"mentor", "mentee"} & set(documents.columns):
        for pair, mentor, mentee in _pairs(documents):
            builder.add_pair(pair, mentor, mentee)
    if segments is not None and "speaker" in segments.columns:
        for pair, label, role in _speakers(segments):
            builder.add_speaker(pair, label, role)
    for name in sorted({clean_surface(n) for n in extra_names if not _is_blank(n)},
                       key=lambda n: (-len(n.split()), normalise(n), n)):
        builder.add_name(name, "extra")
    texts = _texts(documents, segments)
    if texts:
        for name in _detected(texts, nlp if use_ner else False):
            builder.add_name(name, "detected")
    for kind, value in sorted(set(iter_values(texts, key.staff_id_pattern))):
        key.identifier(kind, value)
    return key
