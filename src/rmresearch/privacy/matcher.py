"""Finding the key's people in text: one trie-shaped regular expression over every variant.

Matching rules (the same for pseudonymising and for the leak check)
--------------------------------------------------------------------
- Every variant of every person (full name, aliases, first name, surname, hyphen parts,
  the same without accents) is matched case-insensitively at letter boundaries ("_" and
  digits count as boundaries, so "helen_marsh.docx" is found), longest first, with any
  apostrophe or hyphen form ("O'Neill" = "O’Neill"). A possessive stays outside the match
  ("Helen's" -> "Leader A's").
- An honorific before the name (Dr, Mr, Mrs, Ms, Miss, Mx, Prof, Sir, Dame ...) is part of
  the match, so "Dr Marsh" -> "Leader A" (honorifics reveal gender). Occupational titles
  (Sister, Matron, Nurse) stay: "Sister Person 3".
- Initials before a surname are part of the match when they are the person's initials
  ("J. Smith", "J Smith" -> "Person 2").
- Word-like variants (every token an everyday English word, a stop word or at most two
  letters: "Will", "Hope", "Grace", "May", "White", "Li") count only where they are clearly
  a name: after an honorific; or capitalised and not at the start of a sentence; or at the
  start of a sentence when followed by a possessive or a reporting verb ("Will said");
  or as a speaker label at a line start ("GRACE:"), or as the whole value (a table cell
  holding just "Will"). Lower-case "will", "hope", "white" are
  never touched; a full name ("Grace Adebayo") always counts. A capitalised word-like
  variant inside an all-capitals passage is skipped ("I WILL CALL").
- Initials-only names ("AB", "RK") count only in capitals.
- A variant shared by two people (two Helens) goes to one of them, in this order: a full
  name over a first name or surname; then manifest, speaker label, extra list, detected;
  then key order. `NameMatcher.ambiguous` lists such variants by pseudonym.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from .key import Person, PseudonymKey
from .names import HONORIFICS, clean_surface, initials_of, normalise, strip_title, variants_of

__all__ = ["NameHit", "NameMatcher", "sentence_start", "SOURCE_RANK"]

SOURCE_RANK = {"manifest": 0, "speaker": 1, "extra": 2, "detected": 3}
_APOS_CLASS = "['\u2019\u2018\u02bc`\u00b4]"
_HYPHEN_CLASS = "[-\u2010\u2011\u2012]"
_POSS = re.compile(r"['\u2019]s?(?![^\W\d_])")
_VERB = re.compile(r"[ \t]+(?:said|says|told|tells|asked|asks|felt|feels|thought|thinks|"
                   r"explained|explains|mentioned|agreed|noted|replied|added|reported|"
                   r"described|shared|wanted|wants|admitted|acknowledged|suggested|responded|"
                   r"laughed|smiled|nodded|joked|presented|chaired|thanked|praised|raised|"
                   r"emailed|called|confirmed|complained|and I|and me)\b")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class NameHit:
    """A person found in a text: ``text[start:end]`` is replaced by ``pseudonym``."""

    start: int
    end: int
    pseudonym: str


@dataclass(frozen=True)
class _Entry:
    person: Person
    word_like: bool
    capitals_only: bool


def sentence_start(text: str, pos: int) -> bool:
    """True when only spaces, quotes, brackets or bullets lie between ``pos`` and the start
    of the text, of a line, or the end of a sentence."""
    i = pos - 1
    while i >= 0 and text[i] in " \t\"'\u201c\u2018([*\u2022>-\u2013\u2014":
        i -= 1
    return i < 0 or text[i] in ".!?\n\r\u2026"


def _atom(ch: str) -> str:
    if ch == " ":
        return r"\s+"
    if ch == "'":
        return _APOS_CLASS
    if ch == "-":
        return _HYPHEN_CLASS
    return re.escape(ch)


def trie_pattern(words: list[str]) -> str:
    """A regular expression matching any of ``words`` (normalised), longest first."""
    root: dict = {}
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def walk(node: dict) -> str:
        branches = [_atom(ch) + walk(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        inner = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return "(?:" + inner + ")?"
        return inner

    return walk(root)


class NameMatcher:
    """Finds the people of a `PseudonymKey` in text (see the module docstring for rules)."""

    def __init__(self, key: PseudonymKey) -> None:
        from .names import is_initial, is_word_like

        ranked: dict[str, list[tuple[tuple, Person]]] = {}
        for order, person in enumerate(key.people):
            for name in person.names():
                for variant, is_full in variants_of(name).items():
                    rank = (0 if is_full else 1, SOURCE_RANK.get(person.source, 9), order)
                    ranked.setdefault(variant, []).append((rank, person))
        self.table: dict[str, _Entry] = {}
        self.ambiguous: dict[str, list[str]] = {}
        for variant, cands in ranked.items():
            cands.sort(key=lambda rc: rc[0])
            person = cands[0][1]
            pseudos = sorted({p.pseudonym for _, p in cands})
            if len(pseudos) > 1:
                self.ambiguous.setdefault(person.pseudonym, []).extend(
                    p for p in pseudos if p != person.pseudonym)
            tokens = [t for t in re.split(r"[ \-]", variant) if t]
            word_like = all(is_word_like(t) and not is_initial(t) for t in tokens) \
                or (len(tokens) == 1 and is_word_like(tokens[0]))
            capitals = len(variant) <= 3 and any(
                clean_surface(n).isupper() and normalise(clean_surface(n)) == variant
                for n in person.names())
            self.table[variant] = _Entry(person, word_like, capitals)
        self._initials = {p.pseudonym: set().union(*(initials_of(n) for n in p.names()))
                          for p in key.people}
        self.regex = None
        if self.table:
            titles = "|".join(sorted(HONORIFICS, key=len, reverse=True))
            self.regex = re.compile(
                r"(?<![^\W\d_])(?P<title>(?:%s)\.?\s+)?"
                r"(?P<init>(?:(?-i:[A-Z])(?:\.\s*|\s+)){1,2})?"
                r"(?P<name>%s)(?![^\W\d_])" % (titles, trie_pattern(sorted(self.table))),
                re.IGNORECASE)

    def lookup(self, label: str) -> Person | None:
        """The person a whole label names ("HELEN", "Dr Marsh"), ignoring the word rules."""
        entry = self.table.get(normalise(strip_title(clean_surface(label))))
        return entry.person if entry else None

    def finditer(self, text: str) -> Iterator[NameHit]:
        """Every accepted mention of a known person in ``text``, left to right."""
        if self.regex is None or not text:
            return
        for m in self.regex.finditer(text):
            entry = self.table.get(normalise(m.group("name")))
            initials = m.group("init")
            if initials:
                whole = self.table.get(normalise(initials + m.group("name")))
                if whole is not None:           # "P. Nair" is itself a known name
                    entry, initials = whole, None
            if entry is None or not self._accept(text, m, entry):
                continue
            start = m.start()
            if initials:
                letters = {c.lower() for c in initials if c.isalpha()}
                if not letters <= self._initials[entry.person.pseudonym]:
                    start = m.start("name")
            yield NameHit(start, m.end(), entry.person.pseudonym)

    @staticmethod
    def _accept(text: str, m: re.Match, entry: _Entry) -> bool:
        name = m.group("name")
        if entry.capitals_only:
            return name.isupper()
        if not entry.word_like or m.group("title"):
            return True
        if not name[:1].isupper():
            return False
        if name.isupper() and len(name) > 1 and _shouting(text, m.start("name"), m.end()):
            return False
        if len(text) <= 200 and not (text[:m.start()] + text[m.end():]).strip():
            return True                                  # the whole value: a label or cell
        rest = text[m.end():m.end() + 60].split("\n", 1)[0]
        head = text[max(0, m.start() - 60):m.start()]
        at_line_start = not head.rsplit("\n", 1)[-1].strip() and ("\n" in head
                                                                   or m.start() <= 60)
        if at_line_start and re.match(r"[ \t]*:", rest):
            return True
        if not sentence_start(text, m.start("name")):
            return True
        return bool(_POSS.match(rest) or _VERB.match(rest))


def _shouting(text: str, start: int, end: int) -> bool:
    """True when the word before or after is also in capitals (an all-capitals passage)."""
    before = _WORD.findall(text[max(0, start - 40):start])
    after = _WORD.findall(text[end:end + 40])
    near = before[-1:] + after[:1]
    return any(w.isupper() and len(w) > 1 for w in near)
