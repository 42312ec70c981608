"""Word lists the rule coder matches besides the codebook's patterns.

* markers for the valence rules (`valence`): negators, contrast words, clause boundaries,
  reporting verbs, novelty ("before", "first time"), double-negation frames;
* a general evaluative lexicon (`EVALUATIVE`), weaker than the codebook's own cues;
* closed word classes, to approximate ``POS`` constraints without a tagger.

All are lower-case lemmas as the lookup lemmatizer gives them (the lemma of "n't" is "not").
"""
from __future__ import annotations

__all__ = ["marker_patterns", "EVALUATIVE", "LEXICON_WEIGHT", "CLOSED_CLASSES"]

_NEGATORS = ["not", "never", "no", "nobody", "none", "nothing", "neither", "nor", "without",
             "hardly", "rarely", "seldom", "barely", "fail", "lack", "refuse", "unable",
             "cannot", "nowhere"]
_POST = ["but", "however", "yet", "nevertheless", "nonetheless"]
_POST_MULTI = [["even", "so"], ["that", "said"], ["on", "the", "other", "hand"],
               ["having", "said", "that"]]
_SUB = ["although", "though", "whereas", "while", "whilst"]
_SUB_MULTI = [["even", "though"], ["even", "if"]]
_DESPITE = [["despite"], ["in", "spite", "of"], ["notwithstanding"]]
_BOUNDARY = [".", "!", "?", ";", ":"]


# General evaluative words (lemmas), weaker than the codebook's cues (`LEXICON_WEIGHT`):
# they carry judgement in any writer's style. Topic words ("racism", "bias") are left out:
# naming a problem is not the same as having it ("she challenged racism").
LEXICON_WEIGHT = 0.5
EVALUATIVE: dict[str, list[str]] = {
    "positive": """good great excellent impressive impressed well better best improve improved
        improvement progress positive proactive supportive helpful warm warmly kind respectful
        respect fair fairly openly honest genuine genuinely thoughtful considerate attentive
        approachable inclusive welcoming encouraging empower inspire inspiring valued
        appreciate appreciative grateful commend exemplary proud pleased delighted glad nice
        lovely brilliant fantastic amazing committed commitment engaged actively transparent
        consistent effective successful willing keen curious humble reflective listen
        listened listens insightful confident confidently courageous brave constructive
        generous fairer visible visibly""".split(),
    "attention": """bad poor poorly worse worst failure problem problematic concern concerning
        worrying worry unfair unfairly inappropriate offensive rude hostile cold curt abrupt
        patronising condescending awkward reluctant resistant resist dismissive dismiss
        ignore ignored exclude excluded exclusion lacking absent missing tokenism superficial
        lip unanswered frustrated frustrating disappointing disappointed disappointingly
        sadly unfortunately shame blame snap snapped sigh sighed shrug shrugged favouritism
        favourite clique unwilling vague evasive blank deflect deflected resentful hurtful
        belittle belittling mock mocked sarcastic nervous uneasy inconsistent""".split(),
}


def marker_patterns() -> dict[str, list[list[dict]]]:
    """spaCy `Matcher` token patterns (lower-cased lemmas) for negators, contrast, boundaries."""
    lem = lambda words: [{"LEMMA": w} for w in words]  # noqa: E731
    return {
        "lex:positive": [[{"LEMMA": {"IN": EVALUATIVE["positive"]}}]],
        "lex:attention": [[{"LEMMA": {"IN": EVALUATIVE["attention"]}}]],
        "mk:neg": [[{"LEMMA": {"IN": _NEGATORS}}]],
        "mk:post": [[{"LEMMA": {"IN": _POST}}]] + [lem(m) for m in _POST_MULTI],
        "mk:sub": [[{"LEMMA": {"IN": _SUB}}]] + [lem(m) for m in _SUB_MULTI],
        "mk:despite": [lem(m) for m in _DESPITE],
        "mk:boundary": [[{"ORTH": {"IN": _BOUNDARY}}]],
        "mk:comma": [[{"ORTH": {"IN": [",", "—", "–"]}}]],
        "mk:only": [[{"LEMMA": "not"}, {"LEMMA": {"IN": ["only", "just"]}}],
                    [{"LEMMA": "but"}, {"LEMMA": {"IN": ["also", "too"]}}],
                    [{"LEMMA": {"IN": ["not", "n't"]}}, {"LEMMA": "yet"}],
                    [{"LEMMA": "no"}, {"LEMMA": {"IN": ["doubt", "matter"]}}],
                    [{"LEMMA": {"IN": ["from", "on"]}}, {"LEMMA": {"IN": ["none", "nothing"]}}]],
        # "there isn't a ... who doesn't", "not a single ... where she didn't": double negation
        "mk:exist": [[{"LEMMA": "there"}, {"LEMMA": "be"}, {"LEMMA": {"IN": ["not", "no", "never"]}}],
                     [{"LEMMA": {"IN": ["not", "never"]}}, {"LEMMA": {"IN": ["a", "one"]}},
                      {"LEMMA": "single", "OP": "?"}]],
        "mk:say": [[{"LEMMA": {"IN": ["say", "claim", "insist", "tell", "describe",
                                      "promise", "assure"]}}]],
        # "which nobody had done before", "never before": novelty, not absence
        "mk:before": [[{"LEMMA": "before"}], [{"LEMMA": "first"}, {"LEMMA": "time"}]],
    }


# Closed word classes spelled out, so POS constraints work without a tagger.
CLOSED_CLASSES = {
    "PRON": "i me my mine myself you your yours yourself yourselves he him his himself she her "
            "hers herself it its itself we us our ours ourselves they them their theirs "
            "themselves one someone somebody anyone anybody everyone everybody no-one nobody "
            "this that these those who whom whose which what".split(),
    "DET": "a an the this that these those my your his her its our their some any no every "
           "each all both either neither another".split(),
    "AUX": "be am is are was were been being have has had do does did will would shall "
           "should can could may might must".split(),
    "ADP": "in on at by for with about against between into through during before after "
           "above below to from up down of off over under".split(),
    "CCONJ": "and or but nor yet so".split(),
    "SCONJ": "if because as while although though since unless whether that".split(),
    "PART": "to not n't 's".split(),
}
