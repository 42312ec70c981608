"""Shape rules for headings and labels (used by `rmresearch.coding.role_rules`): short, without a
finished sentence or a verb, and made of label-like parts: numbered labels, dates, title case,
the words headings are made of, a label and the occasion it records, a framework label and
the topics filed under it."""
from __future__ import annotations

import re

from .method_rules import words_of as _words

__all__ = ["is_heading"]

_I = re.IGNORECASE
_HEADING_WORDS = frozenset("""
findings finding summary themes theme key notes note session sessions appendix annex section
part action actions plan table figure level levels next steps step good practice areas area
requiring attention recommendations recommendation introduction background method methods
methodology conclusion conclusions overview contents agenda minutes journal reflective
reflections reflection transcript interview observation observations inspection visual
feedback report purpose objectives aims outcomes progress update updates date attendees
present apologies individual departmental organisational symbolic context executive
board paper evaluation discussion limitations learning lessons learnt learned other
comments comment questions question general further information details pair cohort
mentor mentee mentoring reverse programme field week visit meeting of and the for to
on in a an from with by at v vs obs mtg wk log diary entry schedule optional name venue
duration mins location role department directorate signature time draft episode
""".split())
_SMALL_WORDS = frozenset("of and the for to on in a an from with by at or vs v per".split())
_NUMBERED = re.compile(
    r"^(?:appendix|annex|section|part|action|table|figure|fig\.?|level|session|q|question|"
    r"item|theme|recommendation|objective|step|stage|indicator|chapter|week|day|meeting|"
    r"visit|pair|cohort|priority|aim|goal|outcome|metric|standard|wk|no\.?|box|episode|slide|"
    r"(?:voice )?memo)\s*"
    r"(?:[0-9]+[0-9.]*[a-z]?|[ivx]+|[a-h])\b[.)]?", _I)
_LIST_MARK = re.compile(r"^(?:[0-9]+(?:\.[0-9]+)*[.)]?|[a-h][.)]|[ivx]+[.)])\s+", _I)
_DATE_PART = re.compile(
    r"^(?:[0-9]{1,4}(?:[/.-][0-9]{1,4})*|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?"
    r"(?:\s+[0-9/]+)?|[0-9]{1,2}(?:st|nd|rd|th)?\s+[a-z]{3,9}(?:\s+[0-9]{4})?|"
    r"[a-z]{3,9}\s+[0-9]{4}|(?:19|20)[0-9]{2}(?:/[0-9]{2,4})?)$", _I)
_VERBISH = re.compile(
    r"\b(?:is|are|was|were|be|been|being|am|has|have|had|do|does|did|will|would|can|could|"
    r"should|may|might|must|shall|i|we|she|he|they|it's|isn't|aren't|wasn't|weren't|"
    r"don't|doesn't|didn't|not|no|never|n't|only|said|says|told|rose|fell|grew|went|got|"
    r"made|took|gave|saw|met|ran|held|led|won|chose|came|became|felt|kept|left|lost|put|sat|"
    r"spoke|stood|thought|wrote|began|brought|found|remains|stays|shows)\b|\w{3,}ed\b|%", _I)
_TITLED = re.compile(r"^(?:appendix|annex|section|part|table|figure|indicator|chapter|level|"
                     r"session|theme|case study|[0-9]+(?:\.[0-9]+)+)\s*(?:[0-9]+[0-9.]*[a-z]?|"
                     r"[ivx]+|[a-h])?\b[.)]?\s*(?:[:\u2013-]\s*)?", _I)
_ENDS_NUMBERED = re.compile(r"\b(?:session|visit|meeting|week|day|pair|cohort|interview|"
                            r"observation|inspection|form|part|round)\s+[0-9]+[a-z]?$", _I)
_YEARS = re.compile(r"\b(?:19|20)[0-9]{2}(?:[/\u2013-](?:[0-9]{2}|(?:19|20)[0-9]{2}))?\b")
_SEPARATORS = re.compile(r"\s+[-\u2013\u2014|/]\s+|:\s*")
# an email's or a thread's subject line: "Re: notes from Tuesday's walkround", "Subject: ward
# visit thurs??" (unless it reports someone's acts: "Re: the panel - he has done it again")
_SUBJECT = re.compile(r"^(?:re|fwd?|fw|subject|thread|cover sheet)\s*:\s*(?=\S)", _I)
_REPORTISH = re.compile(r"\b(?:he|she|they|him|her|his|said|told|never|always|again|only|"
                        r"refused|all[- ]white|every|same|another|since|racis\w*)\b|"
                        r"\b\w+n[\u2019']t\b", _I)
# a note in brackets after a title: "Findings (draft v3 - JK tracked changes)"
_BRACKETED = re.compile(r"\s*\((?![^()]*\b(?:he|she|they|never|only)\b)"
                        r"(?![^()]*\b(?:not|no)\b(?! for\b))[^()]{1,40}\)\s*$", _I)
_OCCASION = re.compile(r"\b(?:meeting|mtg|huddle|walk-?round|visit|committee|session|call|"
                       r"interview|observation|briefing|handover|forum|away ?day|conference|"
                       r"board)s?$", _I)


# the topics a report files under a section ("Departmental practice - recruitment and
# promotion", "Organisational engagement: staff networks, awards, targets"): generic nouns
# of workforce equality, none of them a judgement
_TOPIC_WORDS = frozenset("""
recruitment promotion promotions progression retention development career careers training
network networks staff workforce award awards target targets data engagement culture
behaviour behaviours language leadership representation race ethnicity equality diversity
inclusion edi wres wdes survey surveys results responses free-text policy policies process
processes practice practices communication communications environment governance
accountability belonging wellbeing bullying harassment discrimination disciplinary
grievances complaints pay gap appraisal appraisals rota rotas allocation shortlisting
interviews panels sponsorship allyship support concerns speaking up freedom guardian
strengths priorities issues challenges successes barriers enablers impact assessment
monitoring measures indicators metrics commitments pledges charter standard strategy
visibility events celebrations images imagery photographs photos posters displays signage
meetings huddles teams team services service board executive senior managers management
""".split())


def _topics(part: str) -> bool:
    words = [w.lower().strip(".'()") for w in _words(part)]
    return bool(words) and all(w in _TOPIC_WORDS or w in _HEADING_WORDS or w[:1].isdigit()
                               for w in words)


def _filed_topics(parts: list[str]) -> bool:
    """A label with a heading word or a year, then the topics filed under it."""
    if len(parts) != 2 or not (_topics(parts[0]) and _topics(parts[1])):
        return False
    label = [w.lower() for w in _words(parts[0]) if w.lower() not in _SMALL_WORDS]
    return any(w in _HEADING_WORDS or w[:1].isdigit() for w in label)


def _is_label_part(part: str) -> bool:
    """One piece of a heading (split at dashes and colons): a numbered label, a date, title
    case, or words that headings are made of."""
    part = part.strip(" ()[]*#\t")
    if not part:
        return True
    if _NUMBERED.match(part) and len(_words(part)) <= 6:
        return True
    if _DATE_PART.match(part):
        return True
    if len(_words(part)) <= 5 and _ENDS_NUMBERED.search(part):
        return True
    words = [re.sub(r"['\u2019]s$", "", w.lower()).strip(".'") for w in _words(part)]
    if words and all(w in _HEADING_WORDS or w[:1].isdigit() for w in words):
        return True
    if len(words) <= 2 and all(re.fullmatch(r"[A-Z]{2,5}", w) for w in _words(part)):
        return True  # an acronym: "Day 1 shadowing - ED"
    content = [w for w in _words(part) if w.lower() not in _SMALL_WORDS]
    return len(content) >= 2 and all(w[:1].isupper() or w[:1].isdigit() for w in content)


def is_heading(text: str) -> bool:
    """Short, without a finished sentence or a verb, and made of label-like parts."""
    raw = re.sub(r"\s*_{2,}\s*$", "", text.strip().lstrip("#*- ")).strip()  # "Name: ____"
    subject = _SUBJECT.match(raw)
    if subject:
        rest = raw[subject.end():]
        return len(_words(rest)) <= 14 and not _REPORTISH.search(rest)
    bare = _BRACKETED.sub("", raw)
    return _label(raw) or (bare != raw and bool(bare) and _label(bare))


def _label(raw: str) -> bool:
    """`is_heading` on a text without its bullet and blank-line marks."""
    body = _LIST_MARK.sub("", raw)
    words = _words(body)
    if not words or len(words) > 10 or re.search(r"[.!?;,]\s*$", body.rstrip(")*")):
        return False
    if _VERBISH.search(_NUMBERED.sub("", body)):
        return False
    if body.endswith(":") and len(words) <= 6:
        return True
    titled = _TITLED.match(raw)
    rest = raw[titled.end():] if titled else ""
    if rest and len(_words(rest)) <= 6 and not re.search(r"[0-9]", _YEARS.sub("", rest)):
        return True  # a numbered label and its title ("Table 2. Scores by site", "... 2024/25")
    parts = _SEPARATORS.split(body.rstrip(":"))
    if all(_is_label_part(p) for p in parts) or _filed_topics(parts):
        return True
    # "Observation notes: estates senior team meeting", "Wk 6 obs - ward mgrs mtg": a label,
    # then the occasion it records
    if (len(parts) == 2 and _is_label_part(parts[0]) and len(_words(parts[1])) <= 5
            and _OCCASION.search(parts[1].strip())):
        return True
    # "Visual inspection of the department, session 3": a verbless title, then a label
    labelled = re.split(r",\s*|\s*\(|\s+[-\u2013\u2014|]\s+", body.rstrip(":)"))
    return (len(labelled) >= 2 and len(words) <= 10 and labelled[0].strip() != ""
            and bool(_ENDS_NUMBERED.search(labelled[-1].strip()) or
                     _DATE_PART.match(labelled[-1].strip())))
