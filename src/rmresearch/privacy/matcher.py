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
  start of a sentence when followed by a possessive, a verb people do ("Will said", "Mark
  changed", "Hope will") or "and" and a capitalised word ("Ivy and Hazel");
  or as a speaker label at a line start ("GRACE:"), or as the whole value (a table cell
  holding just "Will"). Lower-case "will", "hope", "white" are
  never touched; a full name ("Grace Adebayo") always counts. A capitalised word-like
  variant inside an all-capitals passage is skipped ("I WILL CALL").
- Initials-only names ("AB", "RK") count only in capitals, and not inside an all-capitals
  passage. Every person's initials (first and last name: "TK" for Tom Kendall) are such a
  variant, ranked after every name and short form, unless they spell an acronym ("HR").
- A name is replaced whole, never half: when a first name or surname of a person is matched
  and the token just before it is that person's other name in any case ("dev Walsh"), or a
  capitalised token that is no known name, title, stop word, acronym or NHS word
  ("mispronounced Dev Walsh" where the key knows only "Walsh"), the match starts there.
  A known full name made of words ("Mark Brown") counts wherever it is capitalised.
- Short forms of first names (`names.short_forms`: "Kev" for Kevin, "Tunde" for
  Babatunde) are variants of their person, ranked after every real name and matched with
  the rules of word-like variants.
- In a line written without capitals, a word-like variant that is a rare word ("greaves")
  counts in lower case too.
- A variant shared by two people (two Helens) goes to one of them, in this order: a full
  name over a first name or surname; then manifest, speaker label, extra list, detected;
  then key order. `NameMatcher.ambiguous` lists such variants by pseudonym.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from .key import Person, PseudonymKey
from .candidates import REPORT_VERBS, is_filler
from .names import HONORIFICS, clean_surface, initials_of, normalise, short_forms, \
    stop_words, strip_title, variants_of
from .wordfreq import ACRONYMS, is_everyday_word, is_rare_word

__all__ = ["NameHit", "NameMatcher", "sentence_start", "SOURCE_RANK"]

SOURCE_RANK = {"manifest": 0, "speaker": 1, "extra": 2, "detected": 3}
_APOS_CLASS = "['\u2019\u2018\u02bc`\u00b4]"
_HYPHEN_CLASS = "[-\u2010\u2011\u2012]"
_POSS = re.compile(r"['\u2019]s?(?![^\W\d_])")
_VERB = re.compile(r"[ \t]+(?:%s|and I|and me|and (?-i:[A-Z])\w+)\b" % "|".join(REPORT_VERBS))
_NEXT_TOKEN = re.compile(r"[ \t]+([^\W\d_][\w'\u2019-]*?)"
                         r"(?=['\u2019]s?(?![\w])|(?![\w'\u2019-]))")
_PREV_TOKEN = re.compile(r"(?<![\w'\u2019.-])([^\W\d_][\w'\u2019-]*)[ \t]+$")
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
    full: bool = False


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


def _initial_forms(key: PseudonymKey, ranked: dict[str, list[tuple[tuple, Person]]]
                   ) -> set[str]:
    """Add each person's initials ("TK" for Tom Kendall: first and last name) to ``ranked``,
    after every name and short form; an initials form that is an acronym ("HR", "AM") or
    already a name is left out. Returns the forms added (matched in capitals only)."""
    added: set[str] = set()
    for order, person in enumerate(key.people):
        tokens = [t for t in normalise(clean_surface(person.name)).split(" ") if t]
        if len(tokens) < 2:
            continue
        form = tokens[0][0] + tokens[-1][0]
        if form.upper() in ACRONYMS or (form in ranked and form not in added):
            continue
        ranked.setdefault(form, []).append(((3, SOURCE_RANK.get(person.source, 9), order),
                                            person))
        added.add(form)
    return added


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
        for order, person in enumerate(key.people):       # short forms rank last
            for short in sorted(set().union(*(short_forms(n) for n in person.names()))):
                if short not in ranked or ranked[short][0][0][0] == 2:
                    ranked.setdefault(short, []).append(
                        ((2, SOURCE_RANK.get(person.source, 9), order), person))
        initials = _initial_forms(key, ranked)
        self.table: dict[str, _Entry] = {}
        self.ambiguous: dict[str, list[str]] = {}
        for variant, cands in ranked.items():
            cands.sort(key=lambda rc: rc[0])
            person = cands[0][1]
            pseudos = sorted({p.pseudonym for _, p in cands})
            short = cands[0][0][0] == 2
            if len(pseudos) > 1 and not short:
                self.ambiguous.setdefault(person.pseudonym, []).extend(
                    p for p in pseudos if p != person.pseudonym)
            tokens = [t for t in re.split(r"[ \-]", variant) if t]
            word_like = short or all(is_word_like(t) and not is_initial(t) for t in tokens) \
                or (len(tokens) == 1 and is_word_like(tokens[0]))
            capitals = variant in initials or (len(variant) <= 3 and any(
                clean_surface(n).isupper() and normalise(clean_surface(n)) == variant
                for n in person.names()))
            full = cands[0][0][0] == 0 and len(tokens) > 1
            self.table[variant] = _Entry(person, word_like, capitals, full)
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
        last_end = 0
        for m in self.regex.finditer(text):
            if m.start() < last_end:
                continue                        # inside a name already widened
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
            end = m.end()
            if not entry.full and not entry.capitals_only:
                if start == m.start("name"):
                    start = self._whole_name_start(text, start, entry, last_end)
                end = self._whole_name_end(text, end)
            last_end = end
            yield NameHit(start, end, entry.person.pseudonym)

    def _whole_name_start(self, text: str, start: int, entry: _Entry, floor: int) -> int:
        """Where a name ends up starting when the token before a matched part belongs to it:
        the same person's other name in any case ("dev Walsh"), or a capitalised token that
        is no known name, title, stop word or NHS word ("mispronounced Dev Walsh", where the
        key knows only "Walsh"): a name is replaced whole, never half."""
        found = _PREV_TOKEN.search(text, max(floor, start - 40), start)
        if found is None or found.end() != start:
            return start
        token = found.group(1)
        other = self.table.get(normalise(token))
        if other is not None:
            return found.start(1) if other.person is entry.person else start
        word = normalise(token)
        if (len(word) < 2 or not token[:1].isupper() or token.isupper() or word in stop_words()
                or is_filler(token, everyday=False) or word.upper() in ACRONYMS):
            return start
        return found.start(1)

    def _whole_name_end(self, text: str, end: int) -> int:
        """Where a name ends when a capitalised token that is no known name, no word (or a
        rare one) and no acronym follows a matched part ("Dev Nair" where the key knows
        "Dev" but not "Nair")."""
        found = _NEXT_TOKEN.match(text, end)
        if found is None:
            return end
        token = found.group(1)
        word = normalise(token)
        if (len(word) < 2 or not token[:1].isupper() or token.isupper() or word in self.table
                or is_filler(token, everyday=False) or word in stop_words()
                or (is_everyday_word(word) and not is_rare_word(word))):
            return end
        return found.end(1)

    @staticmethod
    def _accept(text: str, m: re.Match, entry: _Entry) -> bool:
        name = m.group("name")
        if entry.capitals_only:  # initials: not part of a code ("AC1", "en-GB", "A&E", "B/C")
            glued = re.match(r"[\w&/-]", text[m.end("name"):m.end("name") + 1]) or re.search(
                r"[\w&/-]$", text[max(0, m.start("name") - 1):m.start("name")])
            return name.isupper() and not glued and not _shouting(text, m.start("name"),
                                                                  m.end())
        if not entry.word_like or m.group("title"):
            return True
        if not name[:1].isupper():
            return is_rare_word(normalise(name)) and _sloppy_line(text, m.start("name"))
        if entry.full and all(t[:1].isupper() for t in name.split()):
            return True                                  # "Mark Brown": a full name
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


def _sloppy_line(text: str, pos: int) -> bool:
    """True when the line around ``pos`` is written without capitals (short all-capitals
    tokens such as "LS8" or "NHS" aside, but not "I"): there, lower case says nothing."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    line = text[start:end if end >= 0 else len(text)]
    return not any(w[:1].isupper() and not (w.isupper() and 1 < len(w) <= 5)
                   for w in _WORD.findall(line))


def _shouting(text: str, start: int, end: int) -> bool:
    """True when the word before or after is also in capitals (an all-capitals passage)."""
    before = _WORD.findall(text[max(0, start - 40):start])
    after = _WORD.findall(text[end:end + 40])
    near = before[-1:] + after[:1]
    return any(w.isupper() and len(w) > 1 for w in near)
