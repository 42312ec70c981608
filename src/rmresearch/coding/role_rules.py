"""The shape rules behind `rmresearch.coding.roles`: is a text a heading or label, logistics,
a question or prompt, talk about the mentoring, or the mentor's method? Each predicate looks at
the text alone (and, for questions, who speaks); `roles.discourse_role` runs them in order."""
from __future__ import annotations

import re

from ..vocabulary import ROLES
from .method_rules import is_cover_label, is_method, is_report_caveat
from .heading_rules import is_heading
from .method_rules import words_of as _words
from .notes_rules import (is_interruption, is_noted_thanks, is_own_feeling, is_own_plan,
                          is_own_question, is_programme_count, is_programme_itself,
                          strip_bullet)

__all__ = ["QUESTION", "ABOUT_MENTORING", "METHOD", "LOGISTICS", "HEADING", "speaker_of",
           "is_heading", "is_logistics", "is_question", "is_about_mentoring", "is_method",
           "is_report_caveat", "is_cover_label", "is_own_plan", "strip_bullet",
           "split_segment", "segment_body",
           "LEADER_SPEAKERS"]

QUESTION, ABOUT_MENTORING, METHOD, LOGISTICS, HEADING = ROLES[1:]

_I = re.IGNORECASE
_LEADER_SPEAKERS = frozenset({"mentee", "staff", "respondent"})
LEADER_SPEAKERS = _LEADER_SPEAKERS  # who speaks for the practice: their words stay findings
_SPEAKER_PREFIX = re.compile(
    r"^\s*(?P<who>mentor|interviewer|facilitator|moderator|prompt|probe|q|m|f|mentee|leader|"
    r"respondent|participant|staff|a|r|l|p)"
    r"\s*(?:\d+\s*)?(?:[:>]|\s[-\u2013]\s)\s*", _I)
_PREFIX_ROLE = {"mentor": "mentor", "prompt": "mentor", "probe": "mentor", "interviewer": "mentor", "q": "mentor", "m": "mentor",
                "facilitator": "mentor", "moderator": "mentor", "f": "mentor", "p": "respondent",
                "mentee": "mentee", "leader": "mentee", "l": "mentee", "a": "respondent",
                "r": "respondent", "respondent": "respondent", "participant": "respondent",
                "staff": "staff"}

# ------------------------------------------------------------------ logistics, pleasantries
_LOGISTICS = re.compile(
    r"^(?:(?:hi|hello|hiya|dear|cheers)\b|(?:good )?(?:morning|afternoon|evening)"
    r"(?=\s*[,!.]|\s*$|\s+(?:all|everyone|team|both)\b)|best wishes|"
    r"kind regards|warm regards|speak soon|see you|take care|welcome back|happy (?:new year|"
    r"christmas|easter|holidays|birthday|friday)|(?:nice|good|lovely|great) to (?:(?:see|meet|"
    r"hear from|catch up with) (?:you|everyone|you all)\b|catch up\b)|hope (?:you|all)|enjoy (?:your|the)|apologies for|sorry (?:I'm|I am|"
    r"for|to have|I was|we)|running late|room booked|rebooked|rescheduled|postponed|"
    r"cancelled|reminder:|out of office|sorry\b(?! to say| but|\s*[-\u2013\u2014]\s)|please (?:complete|return|fill "
    r"in|send)\b[^.!?]*\bform|n\.?b\.? next (?:session|meeting)|next (?:session|meeting)\s*(?::|is|"
    r"will be|on|at|moved|(?:mon|tues|wednes|thurs|fri)day))", _I)
_LOGISTICS_ANY = re.compile(
    r"\b(?:(?:re)?book(?:ed|ing)? (?:a |the )?room|room (?:is )?booked|reschedul\w*|"
    r"postpon\w*|calendar invite|diary (?:invite|clash)|teams (?:link|call|invite)|"
    r"zoom (?:link|call)|send (?:me|you|over) the (?:slides|link|invite|notes|agenda)|"
    r"move (?:it |us |this |the \w+ )?to (?:teams|zoom|monday|tuesday|wednesday|thursday|"
    r"friday|next week)|see you (?:next|on|at|then|tomorrow|soon|in)|speak soon|"
    r"send (?:you |me |round |out )?(?:the |an? )?(?:teams |calendar |diary )?invites?\b|"
    r"^I'?ll (?:send|bring|forward|circulate|email) (?:you |over |round )?(?:the |my |a )?"
    r"(?:invite|link|notes|slides|agenda|dates|form)\b|can we (?:swap|move|change|rearrange|"
    r"push|shift)\b|"
    r"(?:shall|should) we (?:stop|leave it|call it|wrap up|finish)|stop there for today|"
    r"over ?ran\b|running (?:late|over)|(?:is|are) asked to (?:note|approve|receive|endorse|"
    r"discuss)|for information only|(?:are|is) (?:provided|attached|included|set out) (?:at|in) "
    r"(?:appendix|annex)|please find attached|the (?:car )?park(?:ing)?\b|parking permits?|"
    r"^\W*apologies (?:were )?(?:received|noted|given)\b)", _I)


_MEETING_PLACE = re.compile(
    r"^(?:our|the|my|this) (?:\w+ )?(?:meeting|session|visit|catch-up|call) (?:was|is|will be|"
    r"took place|takes place|was held|is held) (?:in|at|on|over|by)\b", _I)


_SOMEONE_DID = re.compile(r"\b(?:she|he|they|her|his|their|where|who|whom|noticed|saw|heard|"
                          r"said|told|found|watched)\b", _I)


# papers sent round or left for someone: "Link to the trust's EDI strategy attached for
# reference", "I've left the printed pack at main reception under your name"
_PAPERS = re.compile(
    r"^\W*(?:the |a |my |our )?(?:links?|slides|papers?|agenda|minutes|notes|documents?|"
    r"copy|copies)\b[^.;!?]{0,50}\b(?:attached|enclosed)\b"
    r"|\b(?:left|dropped off|put) (?:the |a |your |some )?(?:printed |paper )?(?:pack|copy|"
    r"copies|forms?|notes|folder|slides|papers)\b[^.;!?]{0,40}\b(?:at|in|on|with|under) "
    r"(?:main |the )?(?:reception|your desk|the office|your pigeonhole|pigeonhole)", _I)
# a greeting, then a message that may report practice ("Hi all, she said the rota ...")
_GREETING = re.compile(r"^(?:hi|hello|hiya|dear|morning|afternoon|evening|good (?:morning|"
                       r"afternoon|evening))\b[^,.!:\u2013-]{0,20}[,.!:\u2013-]\s*", _I)
# logistics that also report practice stay findings: "Cancelled again. Four out of seven
# now, every one of them for a budget meeting", "sorry I missed Tuesday - my manager refused
# the release time again"
_PRACTICE_TOO = re.compile(
    r"\b(?:every one|every time|always|never|refused|refuses|no consultation|accessib\w*|"
    r"(?:held|reserved|kept|set aside) for|(?:second|third|fourth|fifth|sixth) time|"
    r"bull\w*|harass\w*|racis\w*|complain\w*|grievance|discriminat\w*|[0-9]+ (?:out )?of "
    r"[0-9]+|(?:four|five|six|seven|eight|nine|ten) out of)\b", _I)


def is_logistics(text: str) -> bool:
    """Logistics or a pleasantry: rooms, times, booking, greetings, goodbyes, where and when a
    session took place, papers attached or left (with nothing seen or said in it)."""
    if (_MEETING_PLACE.match(text) or _PAPERS.search(text)) and not _SOMEONE_DID.search(text):
        return True
    if _PRACTICE_TOO.search(text):
        return False
    greeting = _GREETING.match(text)  # the message after a greeting reports someone's acts
    if greeting and _SOMEONE_DID.search(text[greeting.end():]):
        return False
    return bool(_LOGISTICS.match(text) or _LOGISTICS_ANY.search(text)) or is_interruption(text)


# ------------------------------------------------------------------ questions and prompts
_PROMPT = re.compile(
    r"^(?:tell me (?:about|more|how|what|why|who|when|where)|talk me through|walk me through|"
    r"describe\b|give me an example|say (?:a bit )?more|can you (?:tell|describe|say|think|"
    r"give|explain|remember|recall|talk)|could you (?:tell|describe|say|give|explain|talk)|"
    r"i(?:'d| would) (?:like|love) (?:you )?to (?:hear|know|ask)|i wonder(?:ed)? (?:if|whether) "
    r"you|n\.?b\.? ask|note to self:? ask|remember to ask|to ask (?:next|about)|"
    r"ask (?:him|her|them|about|whether|if|how|what|who|why)\b|follow up (?:on|with|next)|"
    r"q(?:uestion)? for next (?:time|session))", _I)
_INTERROGATIVE = re.compile(
    r"^(?:how|what|why|who|whom|whose|where|when|which|is|are|was|were|do|does|did|have|has|"
    r"had|can|could|would|will|should|shall|may|might|in what way|to what extent)\b", _I)
_SECOND_PERSON = re.compile(r"\b(?:you|your|yours|yourself|you've|you're|you'd)\b", _I)
_FIRST_SINGULAR = re.compile(r"\b(?:I|my|me|mine|I'm|I've|I'd|I'll|myself)\b")


def _last_sentence(text: str) -> str:
    """The last sentence of three words or more ("Do you know how many ...? Roughly?": the
    question, not its tag)."""
    parts = [p for p in re.split(r"(?<=[.!?])\s+", text.strip()) if p]
    full = [p for p in parts if len(p.split()) >= 3]
    return (full or parts or [text])[-1]


# an act of the leader's fed back in a question: "You said 'you people' when ... - did you
# notice that?"
_FED_BACK = re.compile(r"^\W*you (?:said|called|told|did|made|let|gave|asked|cut|ignored|"
                       r"interrupted|referred to)\b", _I)
# a question that takes the practice for granted is a complaint about it: "Why is it always
# us who get moved?", "How did the secondment never get advertised ...?"
_PRESUPPOSED = re.compile(r"\b(?:always|never|every time|again|the same (?:people|faces|"
                          r"names|few))\b", _I)


_ASKED = re.compile(
    r"^(?:I|we) (?:asked|enquired|inquired|wanted to know|probed|invited)"
    r"(?: (?:him|her|them|our mentee|my mentee|the (?:director|leader|mentee|manager)))?"
    r"(?: (?:to (?:describe|tell|explain|talk|reflect|say|think)|how|what|why|whether|if|when|"
    r"where|who|which|about)\b)", _I)
_ASKED_VIEW = re.compile(
    r"^we (?:asked|wanted to know|probed)(?: (?:him|her|our mentee|the (?:director|leader|"
    r"mentee)))? (?:how|what|whether|why|if|where) (?:he|she) (?:would |might |could )?"
    r"(?:describe|see|saw|view|feel|felt|think|thought|rate|define|explain|handle|approach|"
    r"respond|react|define|measure|know|knew)\b", _I)
_ANSWERED = re.compile(r"(?:,|;|\band\b|\bbut\b|\bso\b)\s*(?:then )?(?:he|she|they|our mentee)"
                       r"\s+(?:\w+ )?(?:said|replied|answered|told|explained|admitted|described|"
                       r"agreed|felt|thought|was|had|did)\b|:\s*\S", _I)


def is_question(text: str, speaker: str | None) -> bool:
    """A mentor's question or prompt (never when the leader or staff are speaking), asked or
    reported by the mentor without the answer ("We asked how he would describe ...")."""
    if speaker in _LEADER_SPEAKERS:
        return False
    if speaker == "mentor" and _ASKED.match(text) and not _ANSWERED.search(text):
        return True
    if speaker is None and _ASKED_VIEW.match(text) and not _ANSWERED.search(text):
        return True  # mentors ("we") asking the leader ("he", "she") for a view
    if (_PROMPT.match(text) and not _PRESUPPOSED.search(text)) or is_own_question(text):
        return True
    last = _last_sentence(text)
    if not re.search(r"\?[\s\"'\u201d)]*$", last) or "??" in last:
        return False
    if speaker == "mentor":
        return not _FED_BACK.search(text)
    if _PRESUPPOSED.search(last):
        return False
    if _SECOND_PERSON.search(last):
        return True
    starts_well = last[:1].isupper() or last[:1] in "\"'\u201c("
    return bool(starts_well and _INTERROGATIVE.match(last.lstrip("\"'\u201c("))
                and not _FIRST_SINGULAR.search(last) and len(_words(text)) <= 30)


# ------------------------------------------------------------------ about the mentoring
_MENTORING = (r"(?:\b(?:my|our|both|two|all) (?:co-?)?mentors?|(?:reverse )?mentoring|"
              r"\b(?:the|this|our|these) (?:reverse mentoring )?(?:programme|program|scheme|"
              r"sessions?|pairing|cohort|facilitators?|programme (?:lead|team)|course|"
              r"workshops?|mentors?))")
_PRAISE = (r"(?:brilliant|amazing|fantastic|outstanding|wonderful|excellent|great|superb|"
           r"generous|patient|kind|honest|inspiring|inspirational|supportive|helpful|"
           r"invaluable|insightful|thoughtful|well (?:prepared|structured|organised|run)|"
           r"discreet|fair|a (?:privilege|pleasure|joy|gift)|so easy to talk to|"
           r"(?:the )?(?:most|really|very|so|incredibly|hugely) (?:useful|valuable|helpful|"
           r"uncomfortable|worthwhile|rewarding|powerful)|worthwhile|rewarding|eye[- ]opening|"
           r"life[- ]changing|transformative)")
_THANKS = re.compile(
    r"^(?:a (?:big|huge|massive) )?(?:thank you|thanks|many thanks|huge thanks)\b"
    r"|^(?:i|we)(?:'d| would)? (?:like to|want to|must|wanted to) (?:say )?thank\b"
    r"|^(?:i am|i'm|we are|we're) (?:so |really |very |truly |hugely )?(?:grateful|thankful)",
    _I)
# a cause, not thanks: "Thanks to my mentor I've stopped holding meetings at 7.30am"
_THANKS_AS_CAUSE = re.compile(r"^(?:a (?:big|huge|massive) )?thanks to\b[^.!?]{0,40}\b(?:I|we|he|"
                              r"she|they)(?:[\u2019']ve| have| had)? \w+ed\b", _I)
_THANKS_TO_OTHER = re.compile(
    r"^[^.!?]*?\b(?:to|thank)\s+(?!you\b|both\b|all\b|everyone\b|(?:my|our|the) (?:co-?)?"
    r"(?:mentors?|mentees?|programme|scheme|team|cohort|facilitators?)\b)[\w.]+"
    r"[^.!?]*?(?:\bfor\s+(?:\w+ly\s+)?\w+ing\b|,?\s+who\s+\w+)", _I)
# the thanks, then what the leader did next: "he thanked me ..., then signed off another
# all-white shortlist"
_THEN_PRACTICE = re.compile(r"\b(?:then|but|yet|although|though)\b[^.;!?]{0,60}\b(?:signed|"
                            r"appointed|shortlisted|promoted|cancelled|refused|ignored|blocked|"
                            r"all[- ]white|again|another)\b", _I)
# thanks for news of practice: "Thanks for letting me know the panel's been changed to ..."
_THANKS_FOR_NEWS = re.compile(
    r"^[^.!?]{0,20}?\b(?:thanks|thank you) (?:so much |very much )?for (?:letting (?:me|us) know|"
    r"telling (?:me|us)|the heads[- ]up)\b(?: (?:that|about))?(?:\s+[^\s.!?]+){5,}", _I)
_ABOUT = [re.compile(p, _I) for p in (
    _MENTORING + r"\b[^.;!?]{0,40}\b(?:was|were|is|are|has been|have been|'ve been|felt|"
    r"feels)\b[^.;!?]{0,25}\b" + _PRAISE + r"\b",
    r"\byou(?: (?:both|two|all))?(?: have|'ve)(?: both| all)? been\b[^.;!?]{0,20}\b" + _PRAISE,
    r"\b(?:it (?:was|has been)|what) a (?:privilege|pleasure|joy)\b",
    r"\b(?:your|you(?:r)? both(?:'s)?) (?:challenge|questions|feedback|honesty|patience|"
    r"support|time|kindness|insight|guidance|advice|perspective|encouragement|openness)\b"
    r"[^.;!?]{0,40}\b(?:was|were|has been|have been|meant|made|helped|gave)\b",
    r"\b(?:I|we) (?:learned|learnt|gained|took away) (?:so much|a lot|a great deal|loads) "
    r"from (?:you|my mentor|our mentor|my mentee|the programme|the sessions)\b",
    r"\b(?:you|my mentor|our mentor|the mentors) (?:made it|always made me|made me feel) "
    r"(?:easy|safe|comfortable|welcome)",
    r"\b(?:programme|scheme|sessions|mentoring) (?:gave|has given|have given) (?:me|us) "
    r"(?:the |a |an )?(?:confidence|space|time|chance|opportunity|courage|permission|"
    r"new perspective|safe space)",
    r"\b(?:build|built|building|establish|established|establishing|develop|developed|"
    r"developing)(?: a| an| some| the)? (?:(?:good|real|genuine|strong) )?(?:trust and "
    r"(?:a )?)?(?:rapport|relationship)\b",
)]
# the leader's thanks or praise for the mentors, as the mentors report it
_TO_MENTORS = re.compile(
    r"\b(?:thanked|praised|complimented|congratulated) (?:us|me|both of us|the two of us|"
    r"us both|my co-?mentor|the mentors)\b|\b(?:about|of) (?:the two of us|both of us|us both|"
    r"us two)\b|\babout us\s*[.!]?$", _I)
# "You explained clearly ..., he told us": words addressed to the mentors
_TOLD_US = re.compile(r"(?:^|,\s*|\b)(?:he|she|they|our mentee|the director) (?:told|said to|"
                      r"assured|wrote to|reminded) (?:us|me)\b|,\s*(?:he|she) (?:said|added)\b",
                      _I)
_PRAISE_OF_YOU = re.compile(
    r"\b(?:you|your)\b[^.;!?]{0,40}?\b(?:explain\w*|listen\w*|challeng\w*|help\w*|"
    r"question\w*|push\w*|taught|teach\w*|show\w*|open\w*|honest\w*|clear\w*|kind\w*|"
    r"patien\w*|fair\w*|thank\w*|generous|time)\b|\bthank(?:ed|s|ing)? (?:you|us|me)\b|"
    r"\byou(?: both| two| all)? (?:were|are|have been|'ve been|made|gave|let)\b", _I)
# the leader to the mentors: "you've questioned things", "you both have allowed me to ..."
_YOU_DID_FOR_ME = re.compile(
    r"^\W*(?:[^,.;!?]{0,40},\s*)?you(?:'ve|\u2019ve| have| both| two| both have| two have)? "
    r"(?:really |always )?(?:(?:questioned|challenged) (?:me|us|things|my|what I)|listened "
    r"(?:to me|to us|without judg)|pushed me|(?:allowed|helped|"
    r"encouraged|made) me (?:to )?(?:question|reflect|think|see|realise|understand|look)|"
    r"opened my eyes|gave me (?:the )?(?:space|time|confidence|courage)|"
    # patience with the leader's learning: "you were patient with my clumsy questions"
    r"(?:were|have been) (?:so |very |always |incredibly )?(?:patient|kind|generous|gentle) "
    r"with (?:my (?:\w+ )?(?:questions|ignorance|mistakes|naivety)|me (?:while|as) I "
    r"(?:learned|learnt|asked|got)))\b|"
    r"\b(?:feel|felt|think|thought) (?:that )?you (?:had|were|have been)\b[^.;!?]{0,30}\b"
    r"(?:agenda|motive|honest|fair|kind|patient|judg)", _I)
# the mentors' own purpose: "our first goal was to establish trust", "as a critical friend"
_OUR_AIM = re.compile(
    r"\b(?:our|my) (?:shared |first |main |own )?(?:goal|aim|objective|purpose|intention) "
    r"(?:was|is|had been) to (?:support|help|challenge|establish|build|understand|explore|"
    r"seek|develop|be)\b|\bas (?:a|his|her|their) critical friend\b", _I)
# what the programme was worth: "this exercise was very useful to our mentee"
_PROGRAMME_WORTH = re.compile(
    r"^\W*(?:this|the|our) (?:exercise|experience|programme|scheme|pairing) (?:was|has been|"
    r"proved) (?:very |really |extremely |hugely |incredibly )?(?:useful|valuable|helpful|"
    r"worthwhile|rewarding|beneficial)\b", _I)
# how the programme ran: "the mentors and mentees were trained and paired in May", "as a
# mentor, I helped the mentee to ..."
_PROGRAMME_FACTS = re.compile(
    r"^\W*(?:(?:the|all|our) ){0,2}(?:reverse )?(?:mentors?|mentees?|pairs?)(?: and (?:the |all )?"
    r"(?:mentors?|mentees?))? (?:were|was|are|have been|had been|got) (?:all )?(?:trained|"
    r"paired|matched|recruited|selected|introduced|briefed|inducted)\b|^\W*(?:the |our )?"
    r"mentors (?:volunteered|signed up|applied)\b|^\W*as (?:a|the|his|her|their) (?:reverse )?"
    r"mentor,? (?:I|we) (?:helped|supported|tried|aimed|wanted|explored)\b", _I)
# what participants said the programme did for them, as an evaluation reports it: "most
# mentees (14 of 19) reported that the programme had increased their awareness", "asked
# whether the scheme had changed anything"
_PROGRAMME_EFFECT = re.compile(
    r"\b(?:mentees|mentors|participants|respondents|leaders|pairs|most|many|some|few|all|"
    r"none)\b[^.;!?]{0,80}\b(?:report\w*|said|say|felt|feel|agreed|described|told us)\b"
    r"[^.;!?]{0,20}\b(?:the|this|their) (?:reverse[- ]mentoring )?(?:programme|scheme|pilot|"
    r"pairing|mentoring)\b|\bwhether (?:the|this) (?:reverse[- ]mentoring )?(?:programme|"
    r"scheme|pilot) (?:had|has) (?:changed|made|achieved)\b", _I)
_OWN_RELATIONSHIP = re.compile(r"^(?:I|we|my|our)\b|\b(?:between us|with (?:my|our) "
                               r"(?:mentor|mentee)s?)\b|\b(?:we|I) (?:agreed|decided|wanted|"
                               r"aimed|tried|hoped)\b", _I)
_THIRD_PERSON = re.compile(r"\b(?:she|he|her team|his team|their team|staff|the team)\b", _I)


def is_about_mentoring(text: str, speaker: str | None = None) -> bool:
    """Thanks or praise addressed to the mentors or the programme, or the mentoring
    relationship itself (never when the leader's practice with others is reported). Words
    addressed to "you" count only when staff are not the ones speaking (staff speak to the
    leader: that is a finding)."""
    if _THANKS.match(text) and not _THANKS_AS_CAUSE.match(text):
        return not (_THANKS_TO_OTHER.match(text) or _THANKS_FOR_NEWS.match(text))
    if (is_own_feeling(text) or is_noted_thanks(text) or is_programme_count(text)
            or is_programme_itself(text)):
        return True
    if _TO_MENTORS.search(text) or (_TOLD_US.search(text) and _PRAISE_OF_YOU.search(text)):
        return not _THEN_PRACTICE.search(text)
    if (_OUR_AIM.search(text) or _PROGRAMME_WORTH.search(text) or _PROGRAMME_FACTS.search(text)
            or _PROGRAMME_EFFECT.search(text)):
        return True
    if _THIRD_PERSON.search(text):
        return False
    if speaker not in _LEADER_SPEAKERS - {"mentee"} and _YOU_DID_FOR_ME.search(text):
        return True
    if re.search(r"\brapport\b", text, _I) or _ABOUT[-1].search(text):
        return bool(_OWN_RELATIONSHIP.search(text))
    return any(p.search(text) for p in _ABOUT[:-1])


def split_segment(text: str, speaker_role: str | None = None,
                  source: str | None = None) -> tuple[str, str | None]:
    """What a segment says (whitespace collapsed, without its bullet mark or speaker label)
    and who speaks (`speaker_of`)."""
    return speaker_of(strip_bullet(" ".join(str(text).split())), speaker_role, source)


def segment_body(text: str) -> str:
    """What a segment says, without its bullet mark or speaker label ("A: ", "- ",
    "Participant 2 - "), whitespace collapsed: the text the sentence encoder reads."""
    return split_segment(text)[0]


def speaker_of(text: str, speaker_role: str | None, source: str | None) -> tuple[str, str | None]:
    """The text without a speaker prefix, and who speaks: the prefix, else ``speaker_role``,
    else staff for staff feedback, else None (unknown)."""
    m = _SPEAKER_PREFIX.match(text)
    if m and text[m.end():].strip():
        return text[m.end():].strip(), _PREFIX_ROLE[m.group("who").lower()]
    role = str(speaker_role).lower() if speaker_role else None
    if role in (None, "unknown", "none", "nan", ""):
        role = "staff" if source == "staff_feedback" else None
    return text, role
