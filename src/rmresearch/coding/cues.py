"""Word lists the rule coder matches besides the codebook's patterns.

* markers for the valence rules (`valence`): negators, contrast words, clause boundaries,
  reporting verbs, novelty ("before", "first time"), double-negation frames;
* markers for the shapes of language that carry a judgement without an evaluative word
  (`shapes`): verbs that end a problem, past frames, hedges, admissions, lapsed intentions,
  comparisons with what was intended, disparities and their direction, plans;
* a general evaluative lexicon (`EVALUATIVE`), weaker than the codebook's own cues;
* closed word classes, to approximate ``POS`` constraints without a tagger.

All are lower-case lemmas as the lookup lemmatizer gives them (the lemma of "n't" is "not").
"""
from __future__ import annotations

__all__ = ["marker_patterns", "EVALUATIVE", "LEXICON_WEIGHT", "CLOSED_CLASSES", "DOWN_WORDS",
           "UP_WORDS"]

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
_RECALL = ["think", "remember", "recall", "name", "recollect"]


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
        belittle belittling mock mocked sarcastic nervous uneasy inconsistent wrong mistake
        slow""".split(),
}


def _lemmas(words: list[str]) -> list[dict]:
    """A token pattern of lemmas; "first" by its spelling (the lookup lemma of "first" is
    "1", so a lemma pattern "first" never matched "the first time")."""
    return [{"LOWER": w} if w in _BY_SPELLING else {"LEMMA": w} for w in words]


_BY_SPELLING = {"first"}


def marker_patterns() -> dict[str, list[list[dict]]]:
    """spaCy `Matcher` token patterns (lower-cased lemmas) for negators, contrast, boundaries
    and the shapes of `SHAPE_MARKERS`."""
    lem = _lemmas
    return {**_shape_patterns(),
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
                    [{"LEMMA": {"IN": ["from", "on"]}}, {"LEMMA": {"IN": ["none", "nothing"]}}],
                    [{"LEMMA": "no"}, {"LEMMA": "long"}]],
        # "there isn't a ... who doesn't", "not a single ... where she didn't": double negation
        "mk:without": [[{"LEMMA": {"IN": ["without", "unless"]}}]],
        "mk:exist": [[{"LEMMA": "there"}, {"LEMMA": "be"}, {"LEMMA": {"IN": ["not", "no", "never"]}}],
                     [{"LEMMA": {"IN": ["not", "never"]}}, {"LEMMA": {"IN": ["a", "one"]}},
                      {"LEMMA": "single", "OP": "?"}],
                     # "I can't think of one time she didn't ...", "I don't remember a day"
                     [{"LEMMA": {"IN": ["not", "never"]}}, {"LEMMA": {"IN": _RECALL}},
                      {"LEMMA": "of", "OP": "?"}, {"LEMMA": {"IN": ["a", "one", "any"]}},
                      {"LEMMA": "single", "OP": "?"}]],
        "mk:say": [[{"LEMMA": {"IN": ["say", "claim", "insist", "tell", "describe",
                                      "promise", "assure"]}}]],
        # "which nobody had done before", "never before": novelty, not absence
        "mk:before": [[{"LEMMA": "before"}]],
        "mk:first": [lem(["first", "time"])],
    }


# Shapes of language (lemmas; `shapes` gives them their meaning).
_STOP = ["stop", "end", "ban", "scrap", "abolish", "tackle", "challenge", "confront",
         "eliminate", "eradicate", "remove", "prevent", "combat", "counter", "fight", "address"]
_STOP_MULTI = [["get", "rid", "of"], ["call", "out"], ["clamp", "down"], ["root", "out"],
               ["stamp", "out"], ["put", "a", "stop"], ["put", "an", "end"], ["do", "away"],
               ["no", "long", "tolerate"]]
_PAST = [["previously"], ["formerly"], ["in", "the", "past"], ["use", "to"], ["no", "long"],
         ["at", "one", "time"], ["year", "ago"], ["when", "i", "first"], ["when", "we", "first"],
         ["before", "that"], ["back", "then"], ["at", "first"]]
_NOW = [["now"], ["today"], ["nowadays"], ["these", "day"], ["since", "then"], ["this", "year"]]
_SINCE_WHO = ["she", "he", "they", "we", "i", "the"]  # "since she left, ...": the present
# Ill treatment, exclusion and impunity: negated ("nobody gets left out", "no one is passed
# over", "nobody gets away with it") they say the harm does not happen.
_HARM = ["exclude", "ignore", "overlook", "sideline", "bully", "harass", "belittle", "humiliate",
         "victimise", "snub", "undermine", "patronise", "mock", "forget", "neglect"]
_HARM_MULTI = [["leave", "out"], ["leave", "off"], ["leave", "behind"], ["get", "away", "with"],
               ["pass", "over"], ["miss", "out"], ["single", "out"], ["pick", "on"],
               ["talk", "down"], ["put", "down"], ["shut", "out"], ["talk", "over"],
               ["treat", "differently"], ["treat", "different"], ["look", "down", "on"]]
_PERCEIVE = ["see", "notice", "observe", "detect", "witness", "hear", "find", "spot", "sense",
             "pick", "experience", "encounter"]
_ANAPHOR = ["this", "that", "it", "any", "anything", "such", "evidence", "sign", "either"]
_ADMIT = [["admit"], ["confess"], ["ashamed"], ["embarrass"], ["behind", "the", "curve"],
          ["fall", "short"], ["fall", "behind"], ["get", "it", "wrong"],
          ["long", "way", "to", "go"], ["much", "to", "do"], ["much", "work", "to", "do"],
          ["to", "be", "honest"], ["if", "i", "be", "honest"],
          ["if", "we", "be", "honest"], ["truth", "be", "tell"], ["blind", "spot"],
          ["not", "where", "we"], ["hold", "my", "hand", "up"], ["own", "up"],
          ["have", "to", "own"], ["must", "own"]]
_LAPSE = [["be", "mean", "to"], ["keep", "mean", "to"], ["mean", "to", "for"],
          ["never", "get", "round"], ["never", "get", "around"], ["have", "yet", "to"],
          ["still", "have", "not"], ["have", "not", "yet"], ["not", "get", "round"],
          ["not", "get", "around"], ["still", "be", "not"], ["still", "do", "not"]]
_INTENDED = ["intend", "hope", "plan", "expect", "want", "anticipate", "promise", "target",
             "aim", "wish", "would", "should", "predict"]
# People named by ethnicity or origin: "I did not see any BME staff" is not a hedge.
_GROUPS = ["bme", "bame", "black", "asian", "minority", "ethnic", "white", "overseas",
           "international", "filipino", "african", "caribbean", "indian", "diverse", "woman",
           "female", "disabled", "people", "staff", "colleague", "face", "one", "body"]
# Direction of a comparison or a change: worse-going and better-going words.
DOWN_WORDS = ["slow", "few", "little", "low", "small", "late", "wrong", "weak", "short",
               "modest", "limited", "patchy", "uneven"]
UP_WORDS = ["fast", "quick", "much", "well", "high", "great", "early", "strong", "big"]
_DISPARITY = [["disproportionately"], ["disproportionate"], ["over", "-", "represent"],
              ["overrepresented"], ["under", "-", "represent"], ["underrepresented"],
              ["likely", "than"], ["gap"], ["disparity"], ["inequality"], ["inequity"],
              ["imbalance"], ["relative", "likelihood"],
              ["much", "likely", "to"], ["little", "likely", "to"]]
_FALLS = ["fall", "drop", "narrow", "decrease", "reduce", "close", "halve", "shrink",
          "decline", "improve", "ease", "lessen"]
# Counts of harm: their fall is an improvement, their rise a problem ("sickness absence among
# BME porters fell from 7.9% to 5.2%", "formal grievances doubled")
_BAD_MEASURES = ["absence", "sickness", "disciplinary", "grievance", "complaint", "incident",
                 "turnover", "leaver", "vacancy", "harassment", "abuse", "tribunal",
                 "suspension", "dismissal", "attrition", "bullying"]
_RISES = ["rise", "increase", "widen", "grow", "double", "treble", "triple", "worsen",
          "climb", "deteriorate"]
_PLAN = [["will"], ["plan", "to"], ["intend", "to"], ["aim", "to"], ["be", "go", "to"],
         ["propose"], ["recommend"], ["recommendation"], ["should"], ["next", "step"],
         ["would", "like", "to"], ["by", "the", "end", "of"], ["due", "to", "be"],
         ["be", "to", "be"], ["commit", "to"]]
# Labels of an action plan entry ("Action:", "Owner:", "Due:").
_PLAN_LABELS = ["action", "owner", "lead", "target", "due", "timescale", "deadline", "status",
                "milestone", "measure"]


def _shape_patterns() -> dict[str, list[list[dict]]]:
    return {**_frame_patterns(), **_judgement_patterns()}


def _frame_patterns() -> dict[str, list[list[dict]]]:
    lem = _lemmas
    pron = {"LEMMA": {"IN": ["i", "we"]}}
    aux = {"LEMMA": {"IN": ["do", "can", "have", "will"]}}
    return {
        "mk:stop": [[{"LEMMA": {"IN": _STOP}}]] + [lem(m) for m in _STOP_MULTI],
        "mk:past": [lem(m) for m in _PAST],
        "mk:until": [lem(["until"])],  # a past frame only at the start of a clause
        # "never seen one on a panel - until last spring": the clause before was the past
        "mk:until_then": [[{"LEMMA": "until"},
                           {"LEMMA": {"IN": ["last", "this", "recently", "now"]}}]],
        # "up from none in 2019", "(none last yr)": a starting point, not a negation
        "mk:from_none": [[{"LEMMA": {"IN": ["from", "against"]}},
                          {"LEMMA": {"IN": ["none", "zero", "nil"]}}],
                         [{"LEMMA": {"IN": ["none", "zero", "nil"]}},
                          {"LEMMA": {"IN": ["last", "previous"]}}],
                         [{"LEMMA": {"IN": ["none", "zero", "nil"]}}, {"LEMMA": "the"},
                          {"LEMMA": "year"}, {"LEMMA": "before"}]],
        "mk:now": [lem(m) for m in _NOW]
        + [[{"LEMMA": "since"}, {"LEMMA": {"IN": _SINCE_WHO}}]],
        "mk:harm": [[{"LEMMA": {"IN": _HARM}}]] + [lem(m) for m in _HARM_MULTI],
        # praise through a negated comparison: "could not have done more", "can't fault her"
        "mk:praise_neg": [[{"LEMMA": "can"}, {"LEMMA": "not"}, {"LEMMA": "have"}, {"OP": "?"},
                           {"LOWER": {"IN": ["more", "better"]}}],
                          [{"LEMMA": "can"}, {"LEMMA": "not"}, {"LEMMA": "fault"}],
                          [{"LEMMA": "not"}, {"LEMMA": "have", "OP": "?"}, {"LEMMA": "ask"},
                           {"LEMMA": "for"}, {"OP": "?"},
                           {"LOWER": {"IN": ["better", "more"]}}],
                          [{"LOWER": "second"}, {"LOWER": "to"}, {"LOWER": "none"}],
                          [{"LEMMA": "nothing"}, {"LEMMA": "be"}, {"LOWER": "too"},
                           {"LOWER": "much"}],
                          [{"LEMMA": "nothing"}, {"LOWER": "but"},
                           {"LEMMA": {"IN": ["praise", "respect"]}}]],
        # "I didn't detect this", "we did not observe any", "I personally have not seen it"
        "mk:hedge": [[pron, {"OP": "?"}, aux, {"LEMMA": "not"}, {"LEMMA": {"IN": _PERCEIVE}},
                      {"LEMMA": {"IN": ["up", "on"]}, "OP": "?"},
                      {"LEMMA": {"IN": _ANAPHOR}}],
                     # note style, no subject: "Didn't see anything to worry about"
                     [{"LOWER": {"IN": ["did", "didn"]}}, {"LEMMA": "not"},
                      {"LEMMA": {"IN": _PERCEIVE}}, {"LEMMA": {"IN": ["anything", "any"]}}]],
        # "never once made me feel", "did not let us feel"
        "mk:feel": [[{"LEMMA": {"IN": ["make", "let", "leave"]}}, {"OP": "?"},
                     {"LEMMA": "feel"}]],
    }


def _judgement_patterns() -> dict[str, list[list[dict]]]:
    lem = _lemmas
    return {
        "mk:admit": [lem(m) for m in _ADMIT],
        "mk:lapse": [lem(m) for m in _LAPSE],
        "mk:still": [[{"LEMMA": "still"}]],
        # "slower than we intended", "less than we had hoped"
        "mk:expect": [[{"LEMMA": "than"}, {"OP": "?"}, {"OP": "?"},
                       {"LEMMA": {"IN": _INTENDED}}]],
        "mk:disparity": [lem(m) for m in _DISPARITY]  # the lemma of "as" is "a"
        + [[{"LOWER": "as"}, {"LEMMA": "likely"}, {"LOWER": "as"}]],
        "mk:fall": [[{"LEMMA": {"IN": _FALLS}}], lem(["go", "down"]), lem(["down", "from"])],
        "mk:rise": [[{"LEMMA": {"IN": _RISES}}], lem(["go", "up"]), lem(["up", "from"])],
        "mk:measure": [[{"LEMMA": {"IN": _BAD_MEASURES}}]],
        "mk:plan": [lem(m) for m in _PLAN]
        + [[{"LEMMA": {"IN": _PLAN_LABELS}}, {"ORTH": ":"}]],
        # a writer's doubt about their own judgement is not a judgement
        "mk:epistemic": [[{"LEMMA": {"IN": ["may", "might", "can", "could"]}},
                          {"LEMMA": "be"}, {"LEMMA": "wrong"}],
                         lem(["if", "i", "be", "wrong"]), lem(["if", "i", "be", "mistaken"])],
        # a missed act ("should have asked", "could have"); a refusal is not a plan
        "mk:missed": [lem(["should", "have"]), lem(["ought", "to", "have"]),
                      lem(["can", "have"])],
        "mk:refuse": [lem(["will", "not"]), lem(["wo", "not"])],
        "mk:group": [[{"LEMMA": {"IN": _GROUPS}}]],
        "mk:down": [[{"LEMMA": {"IN": DOWN_WORDS}}]],
        "mk:up": [[{"LEMMA": {"IN": UP_WORDS}}]],
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
