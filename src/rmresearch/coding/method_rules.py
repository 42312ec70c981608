"""Shape rules for the mentor's method and an evaluation's own caveats and cover labels (used
by `rmresearch.coding.role_rules`): how notes were gathered, with nothing seen or said
reported; the limits an evaluation report states about itself; the labels on a board paper's
cover sheet."""
from __future__ import annotations

import re

__all__ = ["words_of", "is_method", "is_report_caveat", "is_cover_label"]

_I = re.IGNORECASE


def words_of(text: str) -> list[str]:
    """The words and numbers of ``text`` (for length limits)."""
    return re.findall(r"[A-Za-z][A-Za-z'\u2019.-]*|[0-9][0-9/.:-]*", text)


# ------------------------------------------------------------------ the mentor's method
_METHOD = [re.compile(p, _I) for p in (
    r"\b(?:I|we) (?:kept|keep|made|make|took|take|wrote|write|typed|jotted) (?:up )?"
    r"(?:brief |detailed |short |field |my |our |some |a few |the )*(?:notes|a (?:reflective )?"
    r"(?:journal|diary|log))\b",
    r"\b(?:kept|keep|keeping) a (?:reflective )?(?:journal|diary|log)\b",
    r"\bwrote (?:up|down) (?:my|our|the|his|her|their)\b",
    r"\b(?:agreed|set|set out|discussed|drew up) (?:some |the |our )?ground rules\b",
    r"\bground rules\b",
    r"\b(?:agreed|explained|promised|to (?:protect|keep|preserve|maintain)|kept|keeping) "
    r"(?:\w+ )?(?:confidentiality|anonymity)\b",
    r"\b(?:anonymised|pseudonymised|removed (?:all )?(?:the )?names from) (?:my|our|the) "
    r"notes\b",
    r"\b(?:I|we) (?:used|use|using) (?:a |the |our |my )?(?:\w+ )?(?:checklist|template|prompts|"
    r"framework|four levels|observation (?:sheet|form)|form)\b",
    r"\bwith a checklist\b",
    r"\b(?:recorded|transcribed|audio[- ]record\w*) (?:the|our|each|every)? ?"
    r"(?:session|sessions|conversation|conversations|interview|interviews)\b",
    r"\b(?:compared|checked|shared) (?:our |my )?notes\b",
    r"^(?:I|we) (?:observed|shadowed|sat in on|spent (?:the|a|an|one|two) \w+ (?:session )?"
    r"shadowing)\b",
    r"\b(?:agreed|arranged|planned) (?:that )?I (?:would|could|should|might) (?:observe|shadow|"
    r"sit in|interview)\b",
    r"\bwrote up (?:each|every|the|my|our) (?:session|meeting|visit|observation)s?\b",
    r"^(?:I|we) (?:plan|planned|intend|intended|am going|are going|hope) to (?:observe|"
    r"shadow|sit in|interview|inspect|walk round)\b",
    r"^(?:I|we) (?:read|reviewed|looked at|went through|checked) (?:the|their|her|his) "
    r"(?:last |latest |recent )?\w*\s?(?:survey|wres|report|reports|data|minutes|policy|"
    r"policies|noticeboards?|website|figures)\b",
    r"^(?:I|we) asked (?:\w+ )?(?:members of staff|staff|colleagues|people|nurses|"
    r"porters|doctors|team members)\b",
    r"^(?:I|we) (?:were|was) (?:particularly |especially )?(?:keen|eager|interested) to "
    r"(?:explore|understand|find out|learn more about|ask about)\b",
    r"\b(?:I|we) met (?:our|my) mentee\b[^.;!?]*\b(?:times|sessions|months|weeks)\b",
    r"^(?:I|we) (?:sat|stood|stayed|waited) (?:quietly )?(?:at the back|in the corner|to one "
    r"side|out of sight)\b|\bso as not to (?:make|disturb|distract|influence|put off)\b",
    r"^(?:I|we) (?:reminded|showed|played back to|fed back to|shared (?:\w+ )?with|"
    r"walked) (?:him|her|them|our mentee|my mentee|the (?:director|leader|corridor|ward|"
    r"department|reception|floor))\b",
    # bullet notes leave the subject out: "Walked the floor together for 40 mins" (alone,
    # "Walked past the porters" is the leader's act, so the mentors' company must be said)
    r"^(?:walked|walk round|walk-round|toured|went round|sat in on|shadowed|met|visited)\b"
    r"[^.;!?]*\b(?:together|"
    r"with (?:him|her|them|our mentee|my mentee|the (?:leader|director)))\b",
    r"^spent (?:about |around |nearly )?\d+ ?(?:mins?|minutes|hours?|hrs?)\b",
)]
# What turns a method sentence into a finding: something seen, said or judged.
# who a finding is about, and what was done to them: the marks of reported practice that
# both guards below share
_GROUPS = (r"white|black|bme|bame|minority|ethnic\w*|racis\w*|race|women|men|interrupt\w*|"
           r"ignored|excluded|praised|deferred|cancelled")
_REPORTS = re.compile(
    r"\b(?:she|he|they|noticed|saw|heard|said|says|told|found|find|only|never|nobody|"
    r"no one|none|not|n't|every|all|but|although|though|whereas|female|male|disab\w*|"
    r"postponed|dropped|which|where|who|whom|because|how|whether|"
    rf"{_GROUPS}|(?:observed|noted|noticed|saw|found|felt|thought|learned|learnt) that)\b", _I)


# The observer's craft, said in words a report of practice does not use: where the mentor
# sat, permission and consent, prompts and tallies, quotes read back, figures checked, what
# the mentor did not write down, what the mentor will observe next. These keep "they",
# "not" or "who" ("while they were still fresh", "did not take part"): only the marks of
# something seen or judged (`_SEEN`) make them a finding.
_OBSERVER = [re.compile(p, _I) for p in (
    # subjectless bullets: only an observer's verbs, or a seat taken for the observer's sake
    # ("Sat at the back, on his phone" is the leader)
    r"^(?:observed|watched)\b[^.;!?]{0,20}\b(?:from|at|in|by) (?:the )?(?:back|doorway|door|"
    r"corner|side|window|edge|end)\b",
    r"^(?:sat|stood|stayed)\b[^.;!?]{0,40}\b(?:so (?:that )?I|to (?:observe|watch)|"
    r"without being)\b",
    r"\b(?:I|we)\b[^.;!?]{0,20}\b(?:want|plan|intend|hope|aim) to (?:sit in on|watch|observe|"
    r"shadow)\b|\b(?:I|we)[\u2019']ll be (?:going|coming) back\b[^.;!?]*\bto (?:see|watch|"
    r"observe)\b",
    r"\b(?:my|our) plan for the (?:next|final|last|third|fourth) session is to (?:watch|observe|"
    r"sit in|shadow)\b",
    r"\b(?:I|we) (?:asked|sought|got|gained|obtained) (?:\w+[\u2019']s |their |his |her |the )?"
    r"(?:team[\u2019']s )?(?:permission|consent)\b",
    r"\bsemi-structured\b|\bset questions\b|\bopening question\b|\b(?:list|set) of "
    r"prompts\b|\bprompts came from\b|\b(?:a|my|simple) tally\b|\blist of things to look "
    r"for\b|\bwith an asterisk\b",
    r"\b(?:read|played) (?:them |it |the quotes? )?back to (?:him|her|them)\b|\bwhere I have "
    r"quoted\b|\bsent (?:him|her|them) my (?:summary|notes|write-up)\b",
    r"\b(?:I|we) (?:checked|verified|cross-checked) the (?:figures|numbers|dates) (?:he|she|they)"
    r" (?:quoted|gave|mentioned)\b",
    r"\b(?:I|we) (?:did not|didn[\u2019']t) (?:take part|write (?:down|up)|record|quote)\b",
    r"\b(?:agreed|told [\w ]{1,20}(?:beforehand|in advance)) that I would\b",
    r"^before (?:the|our) (?:(?:first|next|second|last) )?(?:visit|session|interview|meeting|"
    r"walk-round),? (?:I|we) (?:read|looked|checked|went)\b",
    r"^(?:my|our) approach (?:was|is|has been) to\b",
    # an evaluation's sample: "Participants were recruited through an open call"
    r"^(?:the )?(?:focus[- ]group |survey |interview |study )?(?:participants|respondents|"
    r"interviewees|mentors and mentees|pairs) were "
    r"(?:recruited|sampled|selected|invited|identified|approached)\b",
    r"\b(?:we|I) held the (?:interview|interviews|session|sessions)\b",
    # co-mentors share the work: "I asked the questions, she scribed"
    r"\b(?:I|we) (?:asked|led|did) the (?:questions|talking|interview)\b[^.;!?]{0,12}\b(?:she|he|"
    r"they|my co-?mentor|the other mentor|[A-Z][a-z]+) (?:scribed|took (?:the )?notes|wrote|kept "
    r"notes|watched)\b",
    r"\b(?:took|taking|take|grabbed|snapped|got) (?:some |a few |a couple of )?(?:photos|"
    r"pictures|photographs|snaps)\b[^.;!?]{0,60}"
    r"(?:\bto (?:go through|look at|review|check) (?:them )?later\b|\bno (?:people|faces|one) in "
    r"(?:shot|them|the photos)\b)",
    r"^\W*(?:ok |so |right )?(?:method|plan|approach) for (?:tmrw|tomorrow|next time|next week|"
    r"the (?:visit|session|observation|walk-?round))\b|\byou watch (?:the )?\w+,? (?:and )?"
    r"I(?:" + "[\u2019']" + r"ll| will) watch\b",
    # contracting: "we agreed at the outset that anything I observed could be fed back"
    r"\b(?:agreed|promised|explained|made clear|said) (?:at the outset|at the start|from the "
    r"start|beforehand|up front|upfront|in advance) that\b",
    # tallies and verbatim notes: "I noted roughly how long each person spoke", "so I wrote
    # down his exact words instead"
    r"\b(?:I|we) (?:noted|counted|tallied|timed|recorded|logged|kept track of) (?:roughly |"
    r"down |approximately )?(?:how (?:long|often|many times)|who (?:spoke|sat|talked|"
    r"interrupted)|each (?:person|speaker|contribution)|the number of (?:times|contributions|"
    r"interruptions))\b",
    r"\b(?:wrote|write|writing|took|noted|jotted) down (?:his|her|their|the leader\W?s) "
    r"(?:exact |actual |own )?words\b",
    # notes taken or not, and when: "jotted key words in the car afterwards", "all from memory"
    r"\bfrom memory\b|\bjotted\b|\b(?:did not|didn[\u2019']t|no|not) (?:take|taking|write|"
    r"writing|make|making) (?:any )?notes\b",
    r"\b(?:wrote|typed|written|scribbled)\b[^.;!?]{0,20}\b(?:up|down)\b[^.;!?]{0,30}"
    r"\b(?:afterwards|after|later|same (?:day|evening)|that (?:night|evening)|in the car|on "
    r"the (?:train|bus))\b",
    r"\banonymised (?:bits|extracts|quotes|notes|excerpts|versions?|summary)\b",
    # an evaluation's own coding: "coded independently by two members of the team"
    r"\b(?:coded|double-coded|analysed|categorised|themed) (?:independently|separately|"
    r"thematically|by (?:two|both|each|three|the (?:evaluation|research|project) team))\b",
)]
# marks of something seen, said or judged (narrower than `_REPORTS`)
_SEEN = re.compile(
    rf"\b(?:{_GROUPS}|asian|thanked|only|never|all|every|nobody spoke|refused|dismiss\w*|"
    r"(?:said|told (?:me|us)|noticed|saw|found|felt|admitted) that)\b", _I)


# The mentors' frame, plan and tallies, whoever they name ("We used the WRES indicators as a
# loose frame but let BME staff raise whatever they wanted to", "Plan wk 5: sit in on 2
# interview panels", "Simple tally sheet: interruptions, first names vs titles"), and the
# mentor's own position ("My own position as a Black woman on band 3 will have shaped what
# I noticed")
_FRAME = re.compile(
    r"^(?:I|we) (?:used|use|are using|were using) (?:the |our |a )?[\w '\u2019-]{0,30}? as "
    r"(?:a|our|the) "
    r"(?:loose |rough |basic )?(?:frame|framework|guide|structure|checklist|starting point)\b"
    r"|^\W*(?:plan|next)\s*(?:for )?(?:wk|week|session|visit)\s*[0-9]+\s*[:\u2013-]\s*(?:sit in|"
    r"observe|watch|shadow|note|count|interview|walk)"
    r"|^\W*(?:simple |my |our )?tally(?: sheet)?\s*:"
    r"|\b(?:evaluators?|researchers?|interviewers?|authors?|we both|both of us)\b[^.;!?]{0,80}"
    r"\b(?:shaped|influenced|affected|coloured) (?:both )?(?:access|interpretation|what|the "
    r"analysis|the findings|our)\b"
    r"|^\W*(?:documents|papers|records|data sources?) (?:reviewed|examined|analysed|consulted) "
    r"(?:included|were|comprised)\b"
    r"|^\W*(?:walk-?round|visit|obs|observation|next session|tmrw|tomorrow)\b[^:]{0,15}:\s*"
    r"(?:look at|check|count|note|watch|observe|see|ask)\b"
    r"|\b(?:my|our) (?:own )?(?:position|positionality|identity|background|presence|role)\b"
    r"[^.;!?]{0,60}\b(?:will|may|might|must|could) have (?:shaped|influenced|affected|coloured|"
    r"biased|limited)\b", _I)


def is_method(text: str) -> bool:
    """The mentor's method: how notes were gathered, with nothing seen or said reported."""
    if len(words_of(text)) > 30:
        return False
    if _FRAME.search(text):
        return True
    plain = re.sub(r"\bso as not to\b", "", text, flags=_I)  # a purpose, not a negation
    if any(p.search(text) for p in _METHOD) and not _REPORTS.search(plain):
        return True
    return any(p.search(text) for p in _OBSERVER) and not _SEEN.search(text)



# ------------------------------------------------------------------ an evaluation's caveats
# What an evaluation says about its own evidence ("should be treated with caution", "the
# evaluation did not include the views of ...", "a small number of respondents"): method,
# even with a negation in it, as long as no one's practice is reported beside it.
_CAVEAT = re.compile(
    r"\b(?:should|must|need to) be (?:treated|read|interpreted|taken) with (?:some )?caution\b|"
    r"\b(?:these|this|the) (?:findings?|results?|figures?|data) (?:are|is) (?:based on|drawn "
    r"from) (?:a )?(?:small|limited|self-selected)\b|\b(?:the|this|our) (?:evaluation|review|"
    r"study|survey|audit) (?:did not|does not|could not|was not able to|was unable to|cannot)"
    r" (?:include|capture|reach|assess|measure|verify|establish|corroborate|cover|speak)\b|"
    r"\bcould not be (?:corroborated|verified|confirmed|triangulated|independently checked)\b|"
    r"\bunder-?represented in (?:what follows|the (?:data|sample|responses|results|findings))\b|"
    r"\b(?:some|many|they|mentors|mentees|participants|respondents|staff) (?:may|might|could) "
    r"have (?:held back|been reluctant|felt unable|under-?reported|toned down|self-censored|"
    r"withheld)\b|"
    r"\b(?:a |the )?(?:small|low|limited) (?:number|sample|response rate) (?:of "
    r"(?:respondents|participants|interviews|returns|responses))?\b[^.;]*\(n ?= ?[0-9]+\)", _I)
_PRACTICE = re.compile(r"\b(?:she|he|her|his|the leader|the director|managers?|white|black|"
                       r"bme|bame|ethnic\w*|racis\w*|bull\w*|harass\w*)\b", _I)


def is_report_caveat(text: str) -> bool:
    """An evaluation's statement about the limits of its own evidence."""
    return bool(_CAVEAT.search(text)) and not _PRACTICE.search(text)


# ------------------------------------------------------------------ cover-sheet labels
_COVER = re.compile(
    r"^\W*(?:previously (?:considered|discussed|presented|seen) (?:by|at)|report(?:ing)? "
    r"(?:author|owner)|(?:executive|accountable|responsible|lead) (?:lead|director|officer|"
    r"sponsor)|presented by|prepared by|author|sponsor|date of (?:the )?(?:meeting|paper)|"
    r"agenda item(?: [0-9]+[a-z]?)?|paper (?:number|reference)|freedom of information status|"
    r"foi status|purpose of (?:the )?(?:paper|report)|cover sheet)\s*:", _I)
# a meeting record's list: "Agenda: winter pressures, rota, estates"
_LISTED = re.compile(r"^\W*(?:agenda|attendees|present|apologies|in attendance)\s*:\s*"
                     r"[^.;:!?]{1,60}(?:[,;][^.;:!?]{1,60}){0,9}\.?$", _I)
_VERB_IN_LIST = re.compile(r"\b(?:is|are|was|were|has|have|had|said|told|did|does|"
                           r"\w+ed)\b", _I)


def is_cover_label(text: str) -> bool:
    """A label from a paper's cover sheet ("Previously considered by: People Committee") or
    a meeting record's list ("Agenda: winter pressures, rota, estates")."""
    if _LISTED.match(text):
        return not _VERB_IN_LIST.search(text.split(":", 1)[1])
    return bool(_COVER.match(text)) and len(words_of(text)) <= 16
