"""Name strings: normalisation, titles, word-like names and the variants a name is written as.

A *variant* is a lower-case, normalised surface form that points to one person: the full
name, each alias, each token of them (first name only, surname only), the parts of a
hyphenated token ("Okoro-Bello" -> "okoro", "bello") and the same forms without accents.

Word-like names
---------------
Some names are also ordinary English words ("Will", "Hope", "Grace", "May", "White",
"Brown") or are very short ("Li", "Ng", "Do"). A variant made only of such tokens is
*word-like*; it is replaced (and counted as a leak) only where it is clearly a name: see
`rmresearch.privacy.matcher` for the rule.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from .wordfreq import frequencies, is_everyday_word

__all__ = ["HONORIFICS", "TITLES", "PARTICLES", "normalise", "strip_accents", "strip_title",
           "strip_possessive", "clean_surface", "name_tokens", "is_initial", "is_word_like",
           "variants_of", "initials_of", "stop_words", "short_forms"]

# Honorifics are absorbed into the pseudonym ("Dr Marsh" -> "Leader A"): they reveal gender.
HONORIFICS = ("dr", "doctor", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir",
              "dame", "lady", "lord", "rev", "revd", "cllr")
# Occupational titles mark a name ("Sister Adeyemi") but are kept in the text.
OCCUPATIONAL = ("sister", "matron", "nurse", "charge nurse", "midwife", "nurse manager")
TITLES = HONORIFICS + OCCUPATIONAL

# Name particles: part of a longer name, never a name on their own.
# ("Ben", "Abu", "Le", "Do" are names too, so they are not here.)
PARTICLES = frozenset("""
de del della dela der den da das dos du di al el bin binti bint ibn van von ter ten la
mac mc nic ni ní o ó ap st
""".split())

_APOS = "'\u2019\u2018\u02bc\u0060\u00b4"
_HYPHENS = "-\u2010\u2011\u2012"
_APOS_RE = re.compile(f"[{_APOS}]")
_HYPHEN_RE = re.compile(f"[{_HYPHENS}]")
_SPACE_RE = re.compile(r"\s+")
_TITLE_RE = re.compile(r"^(?:(?:%s)\.?\s+)+" % "|".join(
    sorted((t.replace(" ", r"\s+") for t in TITLES), key=len, reverse=True)), re.IGNORECASE)
_POSSESSIVE_RE = re.compile(f"(?:[{_APOS}]s|(?<=[sSzZ])[{_APOS}])$")
_EDGE_PUNCT = "\"()[]{}<>,.;:!?*_\u201c\u201d\u00ab\u00bb" + _APOS + _HYPHENS + "\u2013\u2014 \t\n"


def normalise(text: str) -> str:
    """Lower-case, NFC, straight apostrophes, plain hyphens and single spaces."""
    text = unicodedata.normalize("NFC", text)
    text = _HYPHEN_RE.sub("-", _APOS_RE.sub("'", text))
    return _SPACE_RE.sub(" ", text).strip().lower()


def strip_accents(text: str) -> str:
    """Remove combining accents ("José" -> "Jose"; "Ł" has none and stays)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def strip_possessive(name: str) -> str:
    """Drop a trailing possessive: "Helen's" -> "Helen", "James'" -> "James"."""
    return _POSSESSIVE_RE.sub("", name.strip())


def strip_title(name: str) -> str:
    """Drop leading titles: "Dr Helen Marsh" -> "Helen Marsh", "Sister Adeyemi" -> "Adeyemi"."""
    return _TITLE_RE.sub("", name.strip())


def clean_surface(name: str) -> str:
    """Trim quotes, brackets, punctuation and a possessive from both ends of a name."""
    name = _SPACE_RE.sub(" ", name).strip(_EDGE_PUNCT)
    return strip_possessive(name).strip(_EDGE_PUNCT)


def is_initial(token: str) -> bool:
    """True for "J", "J." and "K.L."-style initials."""
    return bool(re.fullmatch(r"(?:[^\W\d_]\.?){1,3}", token)) and (
        len(token) == 1 or "." in token)


def name_tokens(name: str) -> list[str]:
    """Normalised tokens of a name, without titles or possessives."""
    return [t for t in normalise(strip_title(strip_possessive(name))).split(" ") if t]


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop words, read without importing spaCy (which takes seconds)."""
    import importlib.util

    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover
        return frozenset()
    path = Path(list(spec.submodule_search_locations)[0]) / "lang" / "en" / "stop_words.py"
    namespace: dict = {}
    try:
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    except (OSError, SyntaxError):  # pragma: no cover
        return frozenset()
    return frozenset(namespace.get("STOP_WORDS", ()))


def is_word_like(token: str) -> bool:
    """True when a (normalised) name token is also an English word or is very short."""
    token = normalise(token)
    return (len(token) <= 2 or token in stop_words() or is_initial(token)
            or is_everyday_word(token))


def initials_of(name: str) -> set[str]:
    """First letters of the tokens and hyphen parts of a name (lower case)."""
    letters = set()
    for token in name_tokens(name):
        for part in token.split("-"):
            if part:
                letters.add(part[0])
    return letters


def variants_of(name: str) -> dict[str, bool]:
    """Variants of one name: ``{variant: is_full}``.

    ``is_full`` is True for the whole name (titles and possessive removed), False for the
    tokens and hyphen parts derived from it. Initials and one-letter tokens are not
    variants on their own.
    """
    full = normalise(strip_title(clean_surface(name)))
    if not full:
        return {}
    out: dict[str, bool] = {full: True}
    for token in full.split(" "):
        token = token.strip(".")
        if len(token) < 2 or is_initial(token) or token in TITLES or token in PARTICLES:
            continue
        out.setdefault(token, False)
        bare = token.replace("'", "")
        if bare != token and len(bare) >= 3:
            out.setdefault(bare, False)                  # "ONeill", "DSouza"
        for part in token.split("-"):
            if len(part) >= 3 and part != token and part not in PARTICLES:
                out.setdefault(part, False)
    for variant, is_full in list(out.items()):
        plain = strip_accents(variant)
        if plain != variant:
            out.setdefault(plain, is_full)
    return out


def short_forms(name: str) -> set[str]:
    """Short forms a first name is called by: its beginnings ("Kevin" -> "kev", "Rupert" ->
    "rupe"; names of five letters or more) and, for names of seven letters or more, its
    endings ("Babatunde" -> "tunde", "Oluwaseun" -> "seun", "Abimbola" -> "bola").

    Only the first token of a name of two or more tokens counts (a surname has no short
    form); short forms that are everyday words, stop words or shorter than three letters
    are left out ("Andrew" gives no "and", "Richard" no "rich"), and so are abbreviations of
    months and days and tokens common in capitals ("Janet" gives no "jan").
    """
    tokens = [t for t in name_tokens(name) if not is_initial(t) and t not in PARTICLES]
    if len(tokens) < 2 or "-" in tokens[0] or "'" in tokens[0]:
        return set()
    first = strip_accents(tokens[0])
    forms = {first[:n] for n in range(3, len(first) - 1)} if len(first) >= 5 else set()
    if len(first) >= 7:
        forms |= {first[-n:] for n in range(4, len(first) - 2)}
    table = frequencies()
    return {f for f in forms if f.isalpha() and not is_word_like(f) and f not in _DATE_WORDS
            and table.get(f[:1].upper() + f[1:], -99.0) < _COMMON_CAPITALISED}


# Abbreviations of months and days ("Jan", "Dec", "Sat") are never short forms of a name,
# nor are tokens common in capitals (places, brands: "Chi", "Mar"; log-probability above
# this): "Janet" must not turn every "7 Jan 2021" into a pseudonym.
_DATE_WORDS = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed "
                        "thu thur thurs fri sat sun".split())
_COMMON_CAPITALISED = -14.5
