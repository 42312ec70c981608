"""Name candidates found by patterns, and the rules that clean and widen a candidate.

Used by `rmresearch.privacy.detect` (which adds spaCy NER). The patterns:

- titles: Dr, Mr, Mrs, Ms, Miss, Mx, Prof, Sister, Matron, Nurse, Sir, Dame ... followed by
  capitalised tokens ("Sister Adeyemi"), or by a lower-case token after an honorific in
  sloppy notes ("dr okafor");
- speaker labels at line starts ("Amara:", "HELEN MARSH:");
- capitalised tokens before a verb that people do ("Emeka said", "Kev put"), initials before
  one ("AB said", "TO and FK both said") and runs of upper-case tokens ("PRIYA SHARMA");
- a capitalised token that is not a word after a verb done to people ("asked Stanislav",
  "write to Shobha"); "X and Y" pairs of capitalised tokens; first names that are also
  words capitalised mid-sentence ("told Grace").

A candidate loses titles and possessives and is dropped when it is an everyday word or NHS
vocabulary ("Trust", "Band", "Matron") unless it is a first name that is also a word
("Grace", "Will") or was found in a context only names fill (``strong``).
"""
from __future__ import annotations

import re
from typing import Iterator

from .names import HONORIFICS, TITLES, clean_surface, is_initial, normalise, strip_title
from .wordfreq import ACRONYMS, NON_NAMES, WORD_FIRST_NAMES, is_everyday_word, is_rare_word

__all__ = ["REPORT_VERBS", "OBJECT_CUES", "sentence_start", "plausible_name", "is_filler",
           "widen", "pattern_names", "STOP", "CONTRACTION"]

_TOK = r"[^\W\d_][\w'\u2019\-]*"
_CAP = r"[^\W\d_a-z][\w'\u2019\-]*"
# Verbs people do, after a name ("Emeka said", "Kev put the posters up").
REPORT_VERBS = tuple(
    "said says told tells asked asks felt feels thought thinks explained explains mentioned "
    "mentions agreed agrees noted notes replied replies added adds reported reports described "
    "describes shared shares wanted wants admitted admits acknowledged suggested suggests "
    "responded laughed smiled nodded joked jokes presented presents chaired chairs thanked "
    "praised walked opened raised raises sent sends emailed called phoned confirmed "
    "complained complains mentors mentored led leads runs sits joined gave changed organised "
    "wrote prepared offered refused applied worked works ran came went was has had prefers "
    "introduced pointed argued insisted stressed spoke speaks talked talks knows knew put "
    "puts noticed stayed left arrived believes believed helped helps interrupted disagreed "
    "disagrees will would".split())
# Verbs done to people, before a name ("asked Stanislav", "write to Shobha").
OBJECT_CUES = (
    "asked", "ask", "asks", "told", "tell", "praised", "praise", "thanked", "thank", "invited",
    "invite", "met", "meet", "emailed", "email", "phoned", "phone", "rang", "congratulated",
    "interrupted", "mentored", "ignored", "supported", "introduced to", "spoke to", "speak to",
    "talked to", "talk to", "write to", "wrote to", "thanks to", "catch up with",
    "caught up with", "follow up with", "handed over to", "be called", "known as", "goes by",
    "talked over", "talks over", "talk over", "spoke over", "speaks over", "shrugged off",
    "brushed off", "overlooked", "dismissed", "sidelined", "nominated", "shortlisted",
    "promoted", "welcomed", "corrected", "challenged", "backed", "overruled", "cut off")
_VERBS = "|".join(REPORT_VERBS)
_OBJECT = re.compile(r"(?<![\w'\u2019-])(?i:%s)[ \t]+(%s)(?![\w'\u2019-])" % (
    "|".join(sorted((c.replace(" ", r"[ \t]+") for c in OBJECT_CUES), key=len, reverse=True)),
    _CAP))
# "Kev from estates", "Liz from HR": a name and the team they work in.
_FROM_TEAM = re.compile(r"(?<![\w'\u2019-])(%s)"
                        r"(?=[ \t]+from[ \t]+(?:the[ \t]+)?(?:[a-z]+|[A-Z]{2,5})\b)" % _CAP)
_BEFORE_VERB = re.compile(r"(?<![\w'\u2019-])((?:%s[ \t]+){0,3}%s)(?=[ \t]+(?:%s)\b)"
                          % (_CAP, _CAP, _VERBS))
_BEFORE_POSSESSIVE = re.compile(r"(?<![\w'\u2019-])(%s(?:[ \t]+%s){1,2})['\u2019]s?(?![\w])"
                                % (_TOK, _TOK))
_ADVERB = r"(?:[ \t]+(?:both|also|then|just|never|always|later|finally|each|all))?"
_INITIALS = re.compile(r"(?<![\w.])([A-Z]{2,3})(?![\w.])(?=(?:[ \t]+and[ \t]+[A-Z]{2,3})?%s"
                       r"[ \t]+(?:%s)\b)" % (_ADVERB, _VERBS))
_TITLE = re.compile(r"(?<![\w])(?P<title>%s)\.?[ \t]+(?P<rest>%s(?:[ \t]+%s){0,3})" % (
    "|".join(sorted((re.escape(t).replace(r"\ ", r"[ \t]+") for t in TITLES),
                    key=len, reverse=True)), _TOK, _TOK), re.IGNORECASE)
_LABEL = re.compile(r"^[ \t]*(%s(?:[ \t]%s){0,3})[ \t]*:[ \t]+\S" % (_TOK, _TOK), re.MULTILINE)
_UPPER_RUN = re.compile(r"(?<![\w])([A-Z][A-Z'\u2019\-]+(?:[ \t]+[A-Z][A-Z'\u2019\-]+){1,2})"
                        r"(?![\w])")
_AND = re.compile(r"(?<![\w'\u2019-])(%s(?:[ \t]+%s)?)[ \t]+and[ \t]+(%s(?:[ \t]+%s)?)(?![\w-])"
                  % (_CAP, _CAP, _CAP, _CAP))
_MID_SENTENCE = re.compile(r"(?<![\w'\u2019-])(%s)(?![\w'\u2019-])" % _TOK)
# First names that are words, taken as names when capitalised mid-sentence (not months).
MID_SENTENCE_NAMES = WORD_FIRST_NAMES - {"may", "june", "april", "august", "summer", "winter",
                                         "autumn"}
STOP = frozenset("the a an and or but if of in on at to for by we i he she they it this that "
                 "his her our my you your its".split())
CONTRACTION = re.compile(r"(?i)\b\w+['\u2019](?:m|re|ve|ll|d|t)\b|\bI\b")


def sentence_start(text: str, pos: int) -> bool:
    """True when only spaces, quotes, brackets or bullets separate ``pos`` from the start of
    the text, a line, or the end of a sentence (or a colon or semicolon)."""
    i = pos - 1
    while i >= 0 and text[i] in " \t\"'\u201c\u2018([*\u2022>-\u2013\u2014":
        i -= 1
    return i < 0 or text[i] in ".!?\n\r\u2026:;"


def plausible_name(name: str, strong: bool = False) -> str | None:
    """The cleaned name (no title, no possessive) when it can be a person's name, else None.

    ``strong`` marks a name found in a context that only names fill (after a title, as a
    speaker label, initials before a reporting verb): everyday words are then allowed.
    """
    name = strip_title(clean_surface(name))
    tokens = name.split()
    cased = any(t[:1].isupper() for t in tokens)
    while tokens and is_filler(tokens[0], cased, everyday=not strong):
        tokens.pop(0)
    while tokens and is_filler(tokens[-1], cased, everyday=False):
        tokens.pop()
    if not tokens or len(tokens) > 5:
        return None
    name = clean_surface(" ".join(tokens))
    if not name or re.search(r"[\d@/&#+=<>|]", name) or CONTRACTION.search(name):
        return None
    words = [normalise(t).strip(".") for t in tokens]
    strong = strong or (len(tokens) > 1 and is_initial(tokens[0]))
    if not any(t[:1].isupper() for t in tokens):
        return name if len(tokens) == 1 and len(name) > 2 else None  # only from strong context
    if all(w in NON_NAMES for w in words):
        return None
    if not strong and all(is_everyday_word(w) and w not in WORD_FIRST_NAMES
                          for w in words if len(w) > 1):
        return None
    return name


def is_filler(token: str, cased: bool = True, everyday: bool = True) -> bool:
    """True for tokens at the edge of a candidate that are not part of a name ("Trust",
    "and"); in a name with capitals, lower-case tokens too; with ``everyday``, everyday words
    ("Thanks")."""
    word = normalise(token).strip(".,;:")
    if token.isupper() and len(token) <= 3 and token.strip(".") not in ACRONYMS:
        return False  # initials
    if word in WORD_FIRST_NAMES:
        return False
    return word in NON_NAMES or word in TITLES or (cased and not token[:1].isupper()) or (
        everyday and is_everyday_word(word) and len(word) > 2) or token.strip(".") in ACRONYMS


_JOINED_BEFORE = re.compile(r"[^\W\d_]+['\u2019\-]$")
_TOKEN_BEFORE = re.compile(r"(?<![\w'\u2019-])(%s)[ \t]+$" % _TOK)
_INITIALS_BEFORE = re.compile(r"(?:(?<![\w.])[A-Z]\.[ \t]*){1,3}$")
_JOINED_AFTER = re.compile(r"['\u2019\-][^\W\d_]+")
_TOKEN_AFTER = re.compile(r"[ \t]+(%s)(?![\w'\u2019-])" % _TOK)
_WINDOW = 80


def _before(pattern: re.Pattern, text: str, start: int) -> tuple[int, re.Match] | None:
    """Match ``pattern`` (anchored with $) on the few characters before ``start``."""
    base = max(0, start - _WINDOW)
    m = pattern.search(text[base:start])
    return (base + m.start(), m) if m else None


def widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a span over hyphen/apostrophe-joined parts, neighbouring capitalised name
    tokens and leading initials. A capitalised everyday word before the span joins it
    away from a sentence start ("mispronounced Dev Walsh's name")."""
    while (found := _before(_JOINED_BEFORE, text, start)) is not None:
        start = found[0]
    for _ in range(2):
        found = _before(_TOKEN_BEFORE, text, start)
        if found is None:
            break
        tok = found[1].group(1)
        if not tok[:1].isupper() or is_filler(tok, everyday=False) or (
                sentence_start(text, found[0]) and is_everyday_word(normalise(tok))):
            break
        start = found[0]
    found = _before(_INITIALS_BEFORE, text, start)
    if found is not None:
        start = found[0]
    while (m := _JOINED_AFTER.match(text, end)) and not re.fullmatch(r"['\u2019][sS]",
                                                                      m.group()):
        end = m.end()
    for _ in range(2):
        m = _TOKEN_AFTER.match(text, end)
        if not m or not m.group(1)[:1].isupper() or is_filler(m.group(1)):
            break
        end = m.end()
    return start, end


def _titled(text: str) -> Iterator[tuple[str, bool]]:
    for m in _TITLE.finditer(text):
        tokens = []
        for tok in m.group("rest").split():
            lower_ok = (not tokens and m.group("title").lower() in HONORIFICS
                        and not is_everyday_word(normalise(tok)))
            if not (tok[:1].isupper() or lower_ok) or normalise(tok) in NON_NAMES:
                break
            tokens.append(tok)
            if lower_ok:
                break
        if tokens:
            yield " ".join(tokens), True


def _before_verb(text: str) -> Iterator[tuple[str, bool]]:
    """Capitalised tokens before a verb; a rare word alone there is taken as a name
    ("Bola asked": "bola" is a word, but a rare one)."""
    for m in _BEFORE_VERB.finditer(text):
        keep: list[str] = []
        for tok in reversed(m.group(1).split()):
            if not tok[:1].isupper() or (is_filler(tok) and not (
                    not keep and is_rare_word(normalise(tok)) and tok not in ACRONYMS)):
                break
            keep.insert(0, tok)
        if keep:
            yield " ".join(keep), len(keep) == 1 and is_rare_word(normalise(keep[0]))


def _surnamed(name: str) -> bool:
    """Two or three capitalised tokens, none a title or NHS word, the last one not an
    everyday word or a rare one ("Dev Nair"): the first is then a first name even when it
    is a word ("Dev")."""
    tokens = name.split()
    if not 2 <= len(tokens) <= 3 or not all(t[:1].isupper() and not t.isupper() for t in tokens):
        return False
    if any(is_filler(t, everyday=False) for t in tokens):
        return False
    last = normalise(tokens[-1])
    return not is_everyday_word(last) or is_rare_word(last)


def pattern_names(text: str) -> Iterator[tuple[str, bool]]:
    """``(candidate, strong)`` for every name the patterns find in ``text``."""
    yield from _titled(text)
    for m in _LABEL.finditer(text):
        label = m.group(1)
        if all(t[:1].isupper() for t in label.split()):
            # "Positive:", "Noticeboard:" are headings; "Grace:", "Amara:" speakers.
            yield label, not all(is_everyday_word(normalise(t)) for t in label.split())
    yield from _before_verb(text)
    for m in _INITIALS.finditer(text):
        if m.group(1) not in ACRONYMS:
            yield m.group(1), True
    for m in _FROM_TEAM.finditer(text):
        if not is_filler(m.group(1)):
            yield m.group(1), False
    for m in _OBJECT.finditer(text):
        name = text[m.start(1):widen(text, m.start(1), m.end(1))[1]]
        if not is_filler(m.group(1)) or _surnamed(name):
            yield name, _surnamed(name)
    for m in _MID_SENTENCE.finditer(text):
        if not m.group(1)[:1].isupper() or sentence_start(text, m.start()):
            continue
        if normalise(m.group(1)) in MID_SENTENCE_NAMES:
            start, end = widen(text, m.start(1), m.end(1))
            yield text[m.start(1):end], True
    for m in _AND.finditer(text):
        sides = [m.group(1).split(), m.group(2).split()]
        if all(t[:1].isupper() and not is_filler(t) for side in sides for t in side):
            for side in sides:
                yield " ".join(side), False
    for m in _BEFORE_POSSESSIVE.finditer(text):
        tokens = m.group(1).split()
        if len(tokens) >= 2 and not any(is_filler(t) or is_everyday_word(normalise(t))
                                        for t in tokens):
            yield m.group(1), False
        elif _surnamed(m.group(1)) and not sentence_start(text, m.start(1)):
            yield m.group(1), True                       # "throughout Dev Nair's update"
    if not text.isupper():
        for m in _UPPER_RUN.finditer(text):
            tokens = m.group(1).split()
            if not any(t in ACRONYMS or is_everyday_word(normalise(t)) for t in tokens):
                yield m.group(1), False
