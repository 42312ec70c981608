"""Identifiers found by pattern: e-mails, UK phones, NHS numbers, staff ids, postcodes, dates
of birth, wards and units, sites (hospitals, health centres, surgeries).

Each hit is normalised so that different spellings of the same identifier get the same
pseudonym: e-mails lower-cased, phone numbers as national digits ("+44 7700 900123" ->
"07700900123"), NHS numbers as ten digits, staff ids upper-case without separators.

NHS numbers count only with a valid Modulus 11 check digit (weights 10..2 on the first nine
digits; check = 11 - sum mod 11, 11 -> 0, 10 -> invalid), written as ten digits or spaced or
hyphenated 3-3-4. Staff ids: the key's pattern (``EMP-0045521``, ``ESR 40021785``), or five to
ten digits after a word that says what they are ("staff number 4471923", "payroll
88123456", "employee ID 700412", "assignment no. 21884406"); their value is the digits.
Postcodes: UK format (``LS6 2QB``, ``ls11 5dd``), upper-cased with one space. Dates of birth:
a date (``14/03/1981``, ``1983-05-17``, ``7 June 1990``, ``12th January 1979``) a few words after
"date of birth", "DOB", "born" or "birthday". Wards: "Ward" and a number or code ("Ward 7B",
"ward 12") or a capitalised name before Ward, Unit, Wing or Suite ("Rowan Ward", "Jubilee
Unit"; not generic ones such as "Acute Medical Unit"). Sites: capitalised names before
Hospital, Infirmary, Health Centre, Medical Centre, Surgery, Hospice or Clinic ("Northgate
General Hospital", "St Aldhelm's Hospital"). Phone numbers: UK numbers starting 01, 02, 03,
05, 07, 08 or 09 with ten or eleven digits nationally, written with 0, +44, 0044 or +44 (0),
with single spaces, hyphens or brackets between digit groups; plus extensions and bleeps
("ext 4567", "bleep 1234").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

__all__ = ["DEFAULT_STAFF_ID_PATTERN", "KINDS", "Hit", "nhs_check_digit_ok", "find_identifiers",
           "normalise_identifier", "KnownValues", "GENERIC_PLACE_WORDS"]

DEFAULT_STAFF_ID_PATTERN = r"\b(?:EMP|STAFF|ESR)[- ]?\d{5,8}\b"
# kind -> label used in pseudonyms ("[email 1]")
KINDS = {"email": "email", "phone": "phone", "nhs": "NHS number", "staff_id": "staff id",
         "postcode": "postcode", "dob": "date of birth", "ward": "ward", "site": "site"}

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
                    r"\.[A-Za-z]{2,}(?![\w-])")
_NHS = re.compile(r"(?<![\w.,/#-])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\w/-]|[.,]\d)")
_PHONE = re.compile(
    r"(?<![\w.,/+-])(?:(?:\+|00)44[ -]?(?:\(0\)[ -]?)?|\(0|0)"
    r"\d{1,4}\)?(?:[ -]?\d{2,6}){1,3}(?![\w/-]|[.,]\d)")
_EXTENSION = re.compile(r"\b(?:ext|extn|extension|bleep|pager)\.?[ \t]*(?:no\.?|number)?[ \t]*"
                        r":?[ \t]*(\d{3,6})\b", re.IGNORECASE)


_STAFF_CONTEXT = re.compile(
    r"\b(?:staff|employee|employment|payroll|personnel|esr|assignment|badge)"
    r"(?:[ \t]+(?:assignment|number|no\.?|num|id|ref|reference))*"
    r"(?:[ \t]*(?:[:#(,\-]|\bis\b|\bwas\b))*[ \t]*(\d{5,10})(?![\w/-]|[.,]\d)", re.IGNORECASE)
_POSTCODE = re.compile(r"(?<![\w/#-])([A-Za-z]{1,2}\d[A-Za-z\d]?)[ \t]?(\d[A-Za-z]{2})(?![\w/-])")
_MONTHS = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE = (r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}|"
         r"\d{1,2}(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?%s(?:,?[ \t]+\d{4})?|"
         r"%s[ \t]+\d{1,2}(?:st|nd|rd|th)?(?:,?[ \t]+\d{4})?)" % (_MONTHS, _MONTHS))
_DOB = re.compile(r"\b(?:date[ \t]+of[ \t]+birth|birth[ \t]*date|d\.?[ \t]?o\.?[ \t]?b\b\.?|born|"
                  r"birthday)(?:[^\w\n]{1,4}(?:[a-z]+|\d{4})){0,4}?[^\w\n]{1,4}(%s)(?![\w/])"
                  % _DATE, re.IGNORECASE)
_WARD_CODE = re.compile(r"(?<![\w\[-])(?i:ward)[ \t]+(?:\d{1,3}[A-Za-z]?|[A-Za-z]\d{1,3}[A-Za-z]?)"
                        r"(?![\w-])")
_NAME_TOK = r"(?:St\.?|[A-Z][\w'\u2019-]+)"
_WARD_NAME = re.compile(r"(?<![\w'\u2019-])(%s(?:[ \t]+%s)?)[ \t]+(?:Ward|Unit|Wing|Suite)\b"
                        % (_NAME_TOK, _NAME_TOK))
_SITE = re.compile(r"(?<![\w'\u2019-])(%s(?:[ \t]+%s){0,3})[ \t]+(?:Hospital|Infirmary|Health[ \t]+"
                   r"Centre|Medical[ \t]+Centre|Surgery|Hospice|Clinic)\b" % (_NAME_TOK, _NAME_TOK))
# Words that make a ward, unit or site name generic ("Acute Medical Unit", "the Hospital").
GENERIC_PLACE_WORDS = frozenset("""
the a an this that these those each every our their his her its my your which what whose
acute medical surgical assessment intensive care critical high dependency day discharge
maternity children's childrens women's womens emergency stroke renal cardiac coronary
admissions elderly older research neonatal burns spinal orthopaedic orthopaedics mental health
general clinical education training pharmacy theatre theatres outpatient outpatients inpatient
private isolation short stay observation community district university teaching memorial
county royal nhs trust foundation new old main local regional national specialist dental
eye cancer oncology palliative rehabilitation rehab ambulatory urgent minor injuries
paediatric paediatrics adult adults respiratory infectious diseases diagnostic imaging
radiology x-ray day-case endoscopy dialysis medicine surgery same ward unit wing suite
hospital infirmary clinic centre in at on to from of for with and or but by as when after
before during my
""".split())
_LEADING = frozenset("the a an this that these those each every our their his her its my your "
                     "which what whose in at on to from of for with and or but by as when after "
                     "before during".split())

@dataclass(frozen=True)
class Hit:
    """One identifier in a text: offsets, kind and normalised value."""

    start: int
    end: int
    kind: str
    value: str


def nhs_check_digit_ok(digits: str) -> bool:
    """True when ``digits`` (ten digits) has a valid NHS Modulus 11 check digit."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _phone_value(raw: str) -> str | None:
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+44") or raw.startswith("0044"):
        digits = "0" + digits[4 if raw.startswith("00") else 2:].lstrip("0")
    if not digits.startswith("0") or len(digits) not in (10, 11):
        return None
    if digits[1] not in "1235789":
        return None
    return digits


@lru_cache(maxsize=16)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


def normalise_identifier(kind: str, raw: str) -> str:
    """Normalised form of an identifier of ``kind`` (see the module docstring)."""
    if kind == "email":
        return raw.strip().lower()
    if kind == "phone":
        value = _phone_value(raw)
        return value if value else "x" + re.sub(r"\D", "", raw)
    if kind == "nhs":
        return re.sub(r"\D", "", raw)
    if kind == "postcode":
        raw = re.sub(r"\s", "", raw).upper()
        return raw[:-3] + " " + raw[-3:]
    if kind in ("dob", "ward", "site"):
        return " ".join(raw.replace("\u2019", "'").split()).lower()
    return re.sub(r"[\s_-]", "", raw).upper()


def _place_ok(words: str) -> bool:
    """True when a ward, unit or site name has a word that is not generic."""
    tokens = [t.lower().strip(".") for t in words.split()]
    return any(t not in GENERIC_PLACE_WORDS and t not in ("st", "saint") for t in tokens)


def _postcode_ok(m: re.Match) -> bool:
    text = m.group()
    if text.islower() and m.group(2)[1:] in ("st", "nd", "rd", "th"):
        return False                                    # "q3 4th", not a postcode
    return text.isupper() or text.islower()


def _place_hits(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, kind)`` of ward, unit and site names in ``text``."""
    for m in _WARD_CODE.finditer(text):
        yield m.start(), m.end(), "ward"
    for pattern, kind in ((_SITE, "site"), (_WARD_NAME, "ward")):
        for m in pattern.finditer(text):
            words = m.group(1).split()
            while words and words[0].lower() in _LEADING:
                words.pop(0)
            if not words or not _place_ok(" ".join(words)):
                continue
            start = m.start(1) + m.group(1).index(words[0])
            yield start, m.end(), kind


# Kinds whose known values are looked for as written anywhere, without the words around them
# that found them first: a staff id seen once as "staff number 4471923" is "4471923" later.
_BARE_KINDS = ("staff_id", "dob", "postcode", "ward", "site")


def _canonical(raw: str) -> str:
    return re.sub(r"[\s'\u2019]", "", raw).lower()


class KnownValues:
    """Finds the values of known identifiers (of a key) wherever they are written."""

    def __init__(self, identifiers) -> None:
        self.lookup: dict[str, tuple[str, str]] = {}
        parts = []
        for ident in identifiers:
            if ident.kind not in _BARE_KINDS or len(_canonical(ident.value)) < 4:
                continue
            self.lookup[_canonical(ident.value)] = (ident.kind, ident.value)
            parts.append(r"[\s'\u2019]*".join(re.escape(c) for c in _canonical(ident.value)))
        parts.sort(key=len, reverse=True)
        self.regex = re.compile(r"(?<![\w])(?:%s)(?![\w])" % "|".join(parts), re.IGNORECASE) \
            if parts else None

    def finditer(self, text: str) -> Iterator[Hit]:
        """Each known value in ``text``."""
        if self.regex is None:
            return
        for m in self.regex.finditer(text):
            found = self.lookup.get(_canonical(m.group()))
            if found is not None:
                yield Hit(m.start(), m.end(), found[0], found[1])


def find_identifiers(text: str, staff_id_pattern: str = DEFAULT_STAFF_ID_PATTERN,
                     known: KnownValues | None = None) -> list[Hit]:
    """Every identifier in ``text``, left to right, without overlaps.

    ``known``: the values of a key's identifiers, found wherever they are written (after
    every pattern).

    Order of precedence where two patterns overlap: e-mail, staff id, date of birth, NHS
    number, phone, postcode, site, ward.
    """
    hits: list[Hit] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def add(a: int, b: int, kind: str, value: str) -> None:
        if free(a, b):
            hits.append(Hit(a, b, kind, value))
            taken.append((a, b))

    for m in _EMAIL.finditer(text):
        add(m.start(), m.end(), "email", normalise_identifier("email", m.group()))
    if staff_id_pattern:
        for m in _compiled(staff_id_pattern).finditer(text):
            add(m.start(), m.end(), "staff_id", normalise_identifier("staff_id", m.group()))
    for m in _STAFF_CONTEXT.finditer(text):
        add(m.start(1), m.end(1), "staff_id", m.group(1))
    for m in _DOB.finditer(text):
        add(m.start(1), m.end(1), "dob", normalise_identifier("dob", m.group(1)))
    for m in _NHS.finditer(text):
        digits = m.group(1) + m.group(3) + m.group(4)
        if nhs_check_digit_ok(digits):
            add(m.start(), m.end(), "nhs", digits)
    for m in _PHONE.finditer(text):
        value = _phone_value(m.group())
        if value:
            add(m.start(), m.end(), "phone", value)
    for m in _EXTENSION.finditer(text):
        add(m.start(1), m.end(1), "phone", "ext" + m.group(1))
    for m in _POSTCODE.finditer(text):
        if _postcode_ok(m):
            add(m.start(), m.end(), "postcode", normalise_identifier("postcode", m.group()))
    for a, b, kind in _place_hits(text):
        add(a, b, kind, normalise_identifier(kind, text[a:b]))
    for hit in known.finditer(text) if known is not None else ():
        add(hit.start, hit.end, hit.kind, hit.value)
    hits.sort(key=lambda h: h.start)
    return hits


def iter_values(texts, staff_id_pattern: str = DEFAULT_STAFF_ID_PATTERN
                ) -> Iterator[tuple[str, str]]:
    """Yield ``(kind, value)`` for every identifier in an iterable of texts."""
    for text in texts:
        if isinstance(text, str) and text:
            for hit in find_identifiers(text, staff_id_pattern):
                yield hit.kind, hit.value
