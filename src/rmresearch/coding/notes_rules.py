"""Shape rules for what a mentor writes about their own side of a session (used by
`rmresearch.coding.role_rules`): the questions they still mean to ask, their plans for what to
look at next time, their feelings about mentoring, the thanks and programme counts they note,
and interruptions of a session. None of these is the leader's practice.

Each rule reads the shape of the text, never particular sentences, and each stays away from a
sentence that also reports what the leader or staff did or said (`_REPORTED`).
"""
from __future__ import annotations

import re

__all__ = ["strip_bullet", "is_own_question", "is_own_plan", "is_own_feeling",
           "is_programme_itself", "is_noted_thanks", "is_programme_count", "is_interruption"]

_I = re.IGNORECASE
_SHORT = 24  # words: a longer sentence that thanks usually reports practice beside it
_BULLET = re.compile(r"^\s*(?:[-\u2022*\u2023\u25aa\u2013>]+|\(?[0-9]{1,2}[.)]|\[ ?\])\s+")
_APOS = "['\u2019]"

# a sentence that also says what someone did or said: these stay findings
_REPORTED = re.compile(  # (not "what he told me": the object of the mentor's comparison)
    r"(?<!what )(?<!how )\b(?:he|she|they) (?:said|told|says|replied|answered|admitted|explained|agreed|described)"
    r"\b|:\s*(?:he|she|they)\b|\b(?:he|she) (?:has|had|does|did|is|was) (?:not|never|n"
    + _APOS + r"t)\b", _I)


def strip_bullet(text: str) -> str:
    """The text without a leading bullet or list mark ("- ", "\u2022 ", "3) ")."""
    return _BULLET.sub("", text, count=1)


# ------------------------------------------------------------------ the mentor's own questions
_OWN_QUESTION = re.compile(
    r"^(?:(?:and )?(?:then )?(?:my|our|the) (?:next |first |last |follow-up |final |opening )?"
    r"question (?:was|is|will be)\b|(?:questions?|things) (?:I|we) (?:still )?(?:want|need|"
    r"have|mean) to ask\b|(?:I |we )?(?:still )?(?:need|want|have|must|remember|meant) to ask\b|"
    r"ask(?:ed)? re\b|follow[- ]?up\s*:(?=[^.!]*(?:\?|\b(?:ask|check|find out|what|who|why|"
    r"how|whether)\b))|to ask\s*:|q(?:uestion)?s? to ask\b|"
    r"(?:a )?question(?: mark)? for (?:myself|me)\b|(?:the )?questions? (?:I|we) (?:keep|kept) "
    r"(?:coming|circling|going) back to\b|qs? to (?:explore|raise|probe|follow up)\b|(?:so )?(?:my|our) (?:\w+ )?question (?:to|for)"
    r" (?:the panel|you|him|her|them|everyone|the board|our mentee) (?:was|is|would be)\b)", _I)
_ASK_LATER = re.compile(r"(?:^|[.?!]\s+)(?:I |we )?(?:still )?(?:need|want|have|must|"
                        r"remember) to ask(?: (?:him|her|them|about|that|this)\b[^.?!]*)?"
                        r"[.!]?\s*$|^(?:I|we) (?:should|could|might|must|need to|will|"
                        r"(?:\u2019|')ll) (?:just )?ask (?:him|her|them)\b", _I)
# asking the leader for a view ("I asked him what he thought ..."), not inviting someone to
# act ("I asked her whether she would apply" is practice)
_ASKED_HIM = re.compile(
    r"^I asked (?:him|her|my mentee) (?:what|how|why|whether|if|who|which|where|when)\b"
    r"[^.;!?]{0,30}?\b(?:he|she) (?:would |might |could |did |does )?(?:think|thought|say|said|"
    r"do|feel|felt|know|knew|see|saw|call|handle|describe|rate|react|expect)\b", _I)


# "We put a question to him along the lines of ...": the mentors' question, reported
_PUT_TO_HIM = re.compile(
    r"^(?:I|we) (?:put|posed) (?:a|the|this|one|our|my|another) (?:\w+ )?question to (?:him|"
    r"her|them|our mentee|my mentee)\b", _I)


def is_own_question(text: str) -> bool:
    """A question the mentor asked or means to ask, without its answer: "my next question was
    has he ever ...", "Follow-up: what happened to the grievance?", "I asked him what he
    thought the porters would say", "What would he do if ...? Need to ask him that."."""
    if _REPORTED.search(text):
        return False
    if _OWN_QUESTION.match(text) or _ASK_LATER.search(text):
        return True
    if _PUT_TO_HIM.match(text):
        return True
    return bool(_ASKED_HIM.match(text)) and not re.search(r"[:;]|\b(?:and|but|so)\b", text)


# ------------------------------------------------------------------ the mentor's own plans
_INQUIRY = (r"(?:look(?:ing)? (?:at|into|for|again at)|check(?:ing)?|compar(?:e|ing)|"
            r"observ(?:e|ing)|watch(?:ing)?|sit(?:ting)? in (?:on)?|go (?:and )?(?:sit|watch|"
            r"see)|ask (?:to see|for)|find(?:ing)? out|review(?:ing)?|see (?:the|his|her|if|"
            r"whether|how)|focus(?:ing)? on|count(?:ing)?|listen(?:ing)? (?:for|to))")
# whom else the mentors would hear from: "next time it would be worth hearing from his staff"
_HEAR_FROM = (r"(?:hear(?:ing)? from|speak(?:ing)? (?:to|with)|talk(?:ing)? (?:to|with)|"
              r"(?:get|getting|obtain|obtaining|seek|seeking|gather|gathering) (?:the )?"
              r"(?:feedback|views) (?:from|of))")
_NEXT_TIME = re.compile(
    r"^(?:for )?next (?:time|session|visit|meeting|month)\b[^.;!?]{0,40}?\b" + _INQUIRY
    + r"|^(?:for )?next (?:time|session|visit)\b,? ?it(?: would|'d|\u2019d| might| could) be "
    r"(?:\w+ )?(?:worth|good|helpful|useful|interesting|valuable) (?:to )?" + _HEAR_FROM
    + r"|^(?:for )?next (?:time|session|visit)\s*:", _I)
_I_WILL_LOOK = re.compile(
    r"^(?:I|we)(?:" + _APOS + r"m| am| are|" + _APOS + r"re)? (?:going to|want to|plan to|"
    r"will|" + _APOS + r"ll|need to|hope to|intend to) " + _INQUIRY + r"\b", _I)
_HIS_WORDS = re.compile(r"\b(?:what|how) (?:he|she|they) (?:told|said|described)|\bwhat I "
                        r"(?:saw|noticed|heard|observed)\b|\b(?:his|her|my mentee" + _APOS
                        + r"s)\b|\bnext time\b", _I)


def is_own_plan(text: str) -> bool:
    """The mentor's plan for what to look at next: "next time: look at panel lists", "I'm
    going to compare what he told me with what I saw". A leader's own plan ("I will look at
    how we advertise posts") has none of the marks of the mentor's inquiry."""
    if _REPORTED.search(text):
        return False
    if _NEXT_TIME.match(text):
        return True
    return bool(_I_WILL_LOOK.match(text)) and bool(_HIS_WORDS.search(text))


# ------------------------------------------------------------------ the mentor's feelings
_FEELING = (r"(?:nervous|worried|anxious|apprehensive|scared|intimidated|uneasy|daunted|"
            r"out of my depth|unsure of myself|awkward)")
_OWN_FEELING = [re.compile(p, _I) for p in (
    r"^(?:(?:honestly|to be honest|tbh|if I" + _APOS + r"m honest),? )?(?:I|I was|I felt|I am|I"
    + _APOS + r"m|felt|was)\b[^.;!?]{0,25}\b" + _FEELING
    + r"\b[^.;!?]{0,12}\b(?:going in|beforehand|before (?:the|our|each) (?:session|meeting)|"
    r"about (?:the|our|this) (?:session|meeting|first)|at first|to start with)\b",
    r"^(?:I|I was|I felt|I am|I" + _APOS + r"m)\b[^.;!?]{0,20}\b" + _FEELING + r"\b[^.;!?]{0,10}"
    r"[,.]\s*(?:I" + _APOS + r"ll admit|if I" + _APOS + r"m honest|to be honest)",
    r"^I (?:sometimes )?worry (?:sometimes )?(?:that )?I(?:" + _APOS + r"m| am)\b",
    r"\b(?:I|I" + _APOS + r"m|I am) (?:being )?(?:too )?(?:soft|hard|easy) on (?:him|her|them)\b",
    r"^(?:I )?felt (?:listened to|heard|safe|respected|valued|taken seriously)\b",
    r"\b(?:the )?(?:mentoring|sessions?|programme) (?:is|are|has been|have been) "
    r"(?:helping|changing|teaching) me\b",
    r"\b(?:asked|asks) me how I (?:was|am) (?:finding|getting on|feeling)\b",
    r"^(?:I|I" + _APOS + r"ve) (?:got|become|feel|felt|grown) (?:much |a lot |so )?more "
    r"confident\b",
    # nerves in a bullet note: "nervous before 1st mtg - he's an exec director"
    r"^(?:so |really |(?:a )?bit |very |quite )?(?:nervous|anxious|apprehensive|terrified|scared) "
    r"(?:before|about|going into|ahead of)\b",
    r"\bfound (?:these|our|the|this) (?:conversations|sessions|mentoring|meetings)\b",
    r"\b(?:wanted|asked|told|invited|encouraged) (?:me|us) to be (?:blunt|honest|frank|direct|"
    r"candid|open)\b",
    r"\b(?:mentoring|the programme|the scheme|being a mentor) (?:has|have|had) (?:got|made|"
    r"given|encouraged|pushed|helped) me\b",
    # what mentoring did for the mentor: "Being a mentor has given me the confidence to ..."
    r"^being (?:a |his |her |their |someone" + _APOS + r"s )?(?:reverse )?mentor\b",
)]


# "It felt odd at first to be the one asking a director the questions": the mentor's role
# felt strange (not "it was awkward to watch him ignore her": someone's practice is in it)
_ODD_ROLE = re.compile(
    r"^it (?:felt|feels|was|is|seemed) (?:a bit |quite |very |really |so |rather )?(?:odd|"
    r"strange|weird|surreal|daunting|nerve-wracking|intimidating|awkward|uncomfortable|"
    r"unnatural)\b[^.;!?]{0,20}\bto (?:be the one (?:asking|questioning|challenging|giving|"
    r"doing)|be (?:mentoring|challenging|questioning|asking)|ask|challenge|question|give "
    r"(?:feedback|advice))\b", _I)
_SOMEONE = re.compile(r"\b(?:he|she|him|her|his|they|them|their|staff|team|nurses?|"
                      r"colleagues?)\b", _I)


def is_own_feeling(text: str) -> bool:
    """The mentor on their own side of the relationship: nerves before a session, being too
    soft on the leader, feeling listened to, what the mentoring does for the mentor."""
    if re.search(r"\b(?:staff|team|nurses|colleagues|porters|they) (?:felt|feel)\b", text, _I):
        return False
    if _ODD_ROLE.search(text) and not _SOMEONE.search(text):
        return True
    return any(p.search(text) for p in _OWN_FEELING)


# ------------------------------------------------------------------ thanks, counts, breaks
_NOTED_THANKS = re.compile(
    r"\b(?:said|say|sent (?:me |us )?(?:a )?(?:card|note|email|message)?\s*(?:to say)?|wrote "
    r"(?:to say)?) (?:a )?(?:big |huge )?(?:thank you|thanks)\b|\b(?:called|described) (?:the|"
    r"our) (?:sessions|mentoring|programme)\b", _I)
# the leader thanking staff is practice: "said thank you to the night porters"
_THANKS_FOR_PRACTICE = re.compile(
    r"\b(?:thank you|thanks|thanked) to (?!me\b|us\b|my (?:co-?)?mentor|our mentor|both)|"
    r"\b(?:staff|team|nurses|porters|cleaners|colleagues|everyone|network|ward|hcas?)\b", _I)
_PROGRAMME_COUNT = re.compile(
    r"^\W*(?:of|among|across) (?:the|all|our)? ?(?:[0-9]+ )?(?:mentees|mentors|participants|"
    r"pairs|leaders on the programme)\b", _I)
_INTERRUPTION = re.compile(
    r"^\W*(?:interrupted|paused|stopped|resumed)\b[^.;!?]{0,30}\b(?:at )?[0-9]{1,2}[:.][0-9]{2}"
    r"|\bresumed (?:at )?[0-9]{1,2}[:.][0-9]{2}\b"
    # the session itself cancelled, moved or cut short: "Session cancelled again - his PA rang"
    r"|^\W*(?:(?:the|our|this|today[\u2019']s) )?(?:session|meeting|visit|catch-up|call|"
    r"interview|1:1)s? (?:was |has been |got |had to be )?(?:cancelled|moved|postponed|"
    r"rescheduled|cut short|delayed|started late|ran (?:late|over)|started (?:late|early))\b", _I)
# a session's disruption that also reports practice ("he has cancelled the network chair's
# 1:1 three times too", "started late because she waited for the interpreter, as she always
# does") is a finding
_OTHERS_TOO = re.compile(r"\b(?:too|as well|also|always|never|usually|every|staff|network|"
                         r"team|nurses|colleagues?|interpreters?)\b", _I)


def is_noted_thanks(text: str) -> bool:
    """Thanks or praise for the mentoring that the mentor notes down: "he said thank you at
    the end", "sent a card to say thank you", "called the sessions the most useful hour"."""
    return (bool(_NOTED_THANKS.search(text)) and not _THANKS_FOR_PRACTICE.search(text)
            and len(text.split()) <= _SHORT)


# the programme itself: how it runs and why it began ("The scheme is run by the OD team and
# is now on its third cohort", "What prompted the scheme was ...", "... persuaded both of us
# to put our names forward as mentors")
_SCHEME = r"(?:the|this|our) (?:reverse[- ]mentoring |mentoring )?(?:programme|program|scheme|pilot)"
_PROGRAMME_ITSELF = re.compile(
    r"^\W*" + _SCHEME + r"(?:,[^,;]{1,40},)? (?:is|was|has been|will be) (?:\w+ )?(?:run|led|"
    r"delivered|funded|sponsored|coordinated|organised|hosted|set up|launched|evaluated|"
    r"open to|aimed at|designed|intended|(?:now )?(?:in|on) its)\b"
    r"|^\W*" + _SCHEME + r" (?:exists|aims)\b"
    r"|^\W*the (?:hope|aim|idea|intention|goal) is (?:that|for) (?:the )?(?:mentees|mentors|"
    r"leaders|participants|pairs)\b"
    r"|^\W*(?:no|every|each|all) (?:mentors?|mentees?|pairs?)\b[^.;!?]{0,15}\b(?:will|must|"
    r"should|can|may|are|is) (?:be )?(?:paired|matched|required|expected|given|offered)\b"
    r"|^\W*(?:mentors|mentees|applicants) (?:can|must|should|will|need to) (?:be at|be from|"
    r"have|complete|attend)\b"
    r"|^\W*" + _SCHEME + r"(?:,[^,;]{1,40},)? (?:pairs|paired|matches|matched|brings together|"
    r"brought together|ran from|runs from|runs for|lasts|lasted)\b"
    r"|\b(?:what|which) (?:first )?(?:prompted|led to|inspired|started|sparked) " + _SCHEME
    + r"|\bthe (?:impetus|inspiration|trigger|idea) for " + _SCHEME
    + r"|\b(?:persuaded|motivated|encouraged|inspired|prompted) (?:both of us|us both|the two "
    r"of us|us|me) to (?:sign up|put (?:our|my) names? forward|apply|volunteer|become (?:a )?"
    r"mentors?)\b"
    # who left it, and what mentors were told: "Most mentors who withdrew cited workload",
    # "Mentors were reminded that a safeguarding concern would have to be escalated"
    r"|\b(?:mentors|mentees|pairs|participants) who (?:withdrew|dropped out|left (?:the )?"
    r"(?:programme|scheme|pilot))\b|^\W*(?:all )?(?:the )?(?:mentors|mentees) (?:were|are) "
    r"(?:all )?(?:(?:reminded|briefed|advised)|told (?:at|during|in) (?:the )?(?:induction|"
    r"training|briefing|launch))\b(?! by)[^.;!?]{0,25}?\b(?:that|about|to)\b"
    # the programme's staff: "The programme lead answered every email within a day"
    r"|^\W*(?:the|our) (?:reverse[- ]mentoring |mentoring )?(?:programme|scheme|pilot) (?:lead|"
    r"leads|team|coordinators?|co-ordinators?|managers?|administrators?|office|"
    r"facilitators?)\b"
    # the pair's own meetings, in the leader's words: "My mentor and I met six times"
    r"|^\W*(?:my|our) (?:reverse )?(?:mentors?|mentees?) and I (?:met|have met|meet|have been "
    r"meeting|used to meet)\b", _I)
# who runs it, then a leader's practice: "The scheme was launched by the chief executive, who
# now has a porter as his own mentor" stays a finding
_LEADER_IN_IT = re.compile(r"\b(?:he|she|him|her|his|himself|herself)\b", _I)


def is_programme_itself(text: str) -> bool:
    """How the programme runs and why it began, or why the mentors joined it."""
    return bool(_PROGRAMME_ITSELF.search(text)) and not _LEADER_IN_IT.search(text)


def is_programme_count(text: str) -> bool:
    """Who took part in the programme: "Of the 34 mentees, 29 were white"."""
    return bool(_PROGRAMME_COUNT.match(text))


def is_interruption(text: str) -> bool:
    """A session interrupted, resumed, cancelled, moved or started late: "Interrupted at
    14:20, resumed 14:30", "the meeting started late because he was stuck in a bed meeting"."""
    return bool(_INTERRUPTION.search(text)) and not _OTHERS_TOO.search(text)
