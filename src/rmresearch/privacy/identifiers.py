"""Identifiers found by pattern: e-mail addresses, UK phone numbers, NHS numbers, staff ids.

Each hit is normalised so that different spellings of the same identifier get the same
pseudonym: e-mails lower-cased, phone numbers as national digits ("+44 7700 900123" ->
"07700900123"), NHS numbers as ten digits, staff ids upper-case without separators.

NHS numbers count only with a valid Modulus 11 check digit (weights 10..2 on the first nine
digits; check = 11 - sum mod 11, 11 -> 0, 10 -> invalid), written as ten digits or spaced or
hyphenated 3-3-4. Phone numbers: UK numbers starting 01, 02, 03, 05, 07, 08 or 09 with ten or
eleven digits nationally, written with 0, +44, 0044 or +44 (0), with single spaces, hyphens or
brackets between digit groups; plus extensions and bleeps ("ext 4567", "bleep 1234").
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

__all__ = ["DEFAULT_STAFF_ID_PATTERN", "KINDS", "Hit", "nhs_check_digit_ok", "find_identifiers",
           "normalise_identifier"]

DEFAULT_STAFF_ID_PATTERN = r"\b(?:EMP|STAFF|ESR)[- ]?\d{5,8}\b"
# kind -> label used in pseudonyms ("[email 1]")
KINDS = {"email": "email", "phone": "phone", "nhs": "NHS number", "staff_id": "staff id"}

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+'-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
                    r"\.[A-Za-z]{2,}(?![\w-])")
_NHS = re.compile(r"(?<![\w.,/#-])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\w/-]|[.,]\d)")
_PHONE = re.compile(
    r"(?<![\w.,/+-])(?:(?:\+|00)44[ -]?(?:\(0\)[ -]?)?|\(0|0)"
    r"\d{1,4}\)?(?:[ -]?\d{2,6}){1,3}(?![\w/-]|[.,]\d)")
_EXTENSION = re.compile(r"\b(?:ext|extn|extension|bleep|pager)\.?[ \t]*(?:no\.?|number)?[ \t]*"
                        r":?[ \t]*(\d{3,6})\b", re.IGNORECASE)


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
    return re.sub(r"[\s_-]", "", raw).upper()


def find_identifiers(text: str, staff_id_pattern: str = DEFAULT_STAFF_ID_PATTERN) -> list[Hit]:
    """Every identifier in ``text``, left to right, without overlaps.

    Order of precedence where two patterns overlap: e-mail, staff id, NHS number, phone.
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
    hits.sort(key=lambda h: h.start)
    return hits


def iter_values(texts, staff_id_pattern: str = DEFAULT_STAFF_ID_PATTERN
                ) -> Iterator[tuple[str, str]]:
    """Yield ``(kind, value)`` for every identifier in an iterable of texts."""
    for text in texts:
        if isinstance(text, str) and text:
            for hit in find_identifiers(text, staff_id_pattern):
                yield hit.kind, hit.value
