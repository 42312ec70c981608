"""Is a name token also an everyday English word? Curated lists plus word frequencies.

The frequencies are spaCy's English lexeme probabilities (``spacy-lookups-data``), read
once and only down to a cut-off (the table is sorted, so about 290 thousand lines out of a
million are read; about 0.3 s). A token is an everyday word when its lower-case form is at
least as frequent as its capitalised form (within a margin): "will", "grace", "white",
"trust" are; "helen", "marsh", "patel" are not.
"""
from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

__all__ = ["WORD_FIRST_NAMES", "WORD_SURNAMES", "NON_NAMES", "ACRONYMS", "frequencies",
           "is_everyday_word", "is_rare_word",
           "NEVER_LOWER"]

# First names that are also words; NER often finds them and they must be kept as names.
WORD_FIRST_NAMES = frozenset("""
will hope grace may rose mark bill sunny joy faith patience precious dawn summer autumn april
june august winter amber ruby jade violet iris holly ivy heather daisy lily hazel pearl crystal
frank guy drew chase hunter rich bob pat sue sandy penny ray gene don jack jay dean angel
mercy charity constance prudence felicity trinity blessing gift favour peace comfort goodness
wisdom marvel godswill destiny honour precious sterling earnest ernest victor
""".split())
# Surnames that are also words (several central to EDI writing: white, black, brown).
WORD_SURNAMES = frozenset("""
white black brown green grey gray young king hill wood woods stone bell hall cook baker butler
carter fisher porter mason page bishop knight lord long little short sharp strong best price
rice fox lamb bird swan crane nash moss reed rush hart cross field fields lane banks rivers
church chapel park parks law
""".split())
# Capitalised words in NHS and EDI writing that are never names on their own.
NON_NAMES = frozenset("""
trust board ward unit team department directorate division network staff mentor mentors mentee
mentees leader leaders leadership reverse mentoring programme cohort pair session sessions
interview observation inspection journal feedback form chair chairs director directors chief
executive officer consultant consultants registrar practitioner manager managers lead leads
head deputy associate assistant specialist educator governor governors guardian freedom speak
band nurse nurses sister matron doctor doctors midwife porter porters hca healthcare support
worker workers hospital hospitals foundation nhs england scotland wales region regional
integrated care system council university college royal general infirmary health services
service clinical medical nursing people culture inclusion equality diversity equity race
racism ethnicity ethnic minority minorities bme bame wres wdes edi ed hr ceo coo cfo cno
monday tuesday wednesday thursday friday saturday sunday january february march july september
october november december christmas easter eid diwali ramadan covid datix teams zoom
microsoft outlook excel word note notes action actions agenda minutes summary date time
re subject attendees present apologies location venue q a question answer comment comments
interviewer interviewee respondent participant facilitator speaker unknown all both everyone
group thanks thank hello hi dear regards cheers yes no ok okay rota handover huddle shift
shifts nights days bank agency audit plan plans update updates outcome outcomes reflection
reflections observations aim aims goal goals context background purpose objective objectives
topic topics theme themes key points next steps follow-up todo to-do
""".split())
# Upper-case short words that are acronyms, not initials of a person.
ACRONYMS = frozenset("""
NHS HR BME BAME EDI CEO COO CFO CNO CMO GP GPS ICB ICS CQC ED AE ICU ITU OT PT HCA RN WRES WDES
OD IT UK US EU AI QI FTSU DBS ESR TUPE HRBP BAU NED NEDS ENT OPD MDT SOP KPI PDF CSV SMS MP
AHP AHPS CPD PA PAS TBC TBD FYI ASAP AOB ID NI RCN BMA GMC NMC HEE NHSE NHSI LGBT LGBTQ
AM PM OK MR MS DR ST NO OR IV MD CT TV PC AV HQ GB EN
""".split())

_CUTOFF = -18.0
_MARGIN = 0.5
_RARE = -14.0   # rarer than this in lower case: a word, but one seldom written ("bola")
_FLOOR = -16.5  # rarer than this in lower case: not an everyday word ("femi", "tunde")
NEVER_LOWER = _FLOOR


def _table_path() -> Path | None:
    try:
        import spacy_lookups_data
    except ImportError:
        return None
    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lexeme_prob.json.gz"
    return path if path.exists() else None


@lru_cache(maxsize=1)
def frequencies() -> dict[str, float]:
    """Log-probabilities of English word forms down to the cut-off (empty when unavailable)."""
    path = _table_path()
    if path is None:
        return {}
    out: dict[str, float] = {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            word, sep, prob = line.strip().rstrip(",").rpartition(":")
            if not sep or len(word) < 3 or word[0] != '"':
                continue
            try:
                value = float(prob)
            except ValueError:
                continue
            if value < _CUTOFF:
                break
            word = word[1:-1]
            if word.isalpha():
                out[word] = value
    return out


def is_everyday_word(token: str) -> bool:
    """True when a lower-case token is used at least as often as a word as a name."""
    token = token.lower()
    if token in WORD_FIRST_NAMES or token in WORD_SURNAMES or token in NON_NAMES:
        return True
    freq = frequencies()
    lower = freq.get(token)
    if lower is None or lower < _FLOOR:
        return False
    title = freq.get(token[:1].upper() + token[1:], _CUTOFF)
    return lower >= title - _MARGIN


def is_rare_word(token: str) -> bool:
    """True when a lower-case token is seldom used as a word (rarer than about one in a
    million words) and is not a curated word: "bola", "greaves" are; "will", "trust" are
    not. Such a token, where a name is expected, is taken as a name."""
    token = token.lower()
    if token in WORD_FIRST_NAMES or token in WORD_SURNAMES or token in NON_NAMES \
            or len(token) < 3:
        return False
    lower = frequencies().get(token)
    return lower is None or lower < _RARE

