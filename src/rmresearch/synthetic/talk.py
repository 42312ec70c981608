"""Process talk for the synthetic data generator (data only): what is not a finding.

Every bank is ``name -> (discourse role, templates)``; the role is one of
`rmresearch.vocabulary.ROLES` and is written to the truth file with each sentence. The
templates use the language of :mod:`rmresearch.synthetic.banks` (``{a|b}`` choices, ``[slot]``
fillers) and are built from parts, so that a bank gives hundreds of different sentences, not
a handful repeated in every document. Extra slots: ``[day]``, ``[clock]``, ``[month]``,
``[num]``, ``[city]``, ``[room]`` (see `rmresearch.synthetic.text.Voice`).
"""
from __future__ import annotations

__all__ = ["BANKS", "DAYS", "CLOCKS", "MONTHS", "NUMBERS", "CITIES", "ROOMS", "FILLERS",
           "FALSE_STARTS", "ABBREVIATIONS"]

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
CLOCKS = ("two", "half two", "ten", "eleven", "four", "half nine", "one", "three")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "September",
          "October", "November")
NUMBERS = ("two", "three", "four", "five", "six", "ten", "twelve", "fifteen")
CITIES = ("Leeds", "Manchester", "Birmingham", "Bristol", "Liverpool", "Sheffield",
          "Newcastle", "Cardiff", "Glasgow")
ROOMS = ("in the seminar room on level {2|3|4}", "in the library meeting room", "in my office",
         "in the education centre", "in the quiet room by the chapel", "in the board room",
         "in the {Oak|Willow|Cedar} room", "on a Teams call", "over Teams")

_EASE = "{|, [lname]|, honestly|, really}"
_TOPIC = ("{recruitment|the interview panels|the team meetings|the staff survey|the WRES "
          "figures|how people get acting-up posts|the noticeboards|the network|who speaks in "
          "huddles|the shadowing scheme|the grievance process|names and pronunciation}")
_TIME = "{[day]|[day] afternoon|[day] morning|the [num]th|next [day]|the week after next}"

BANKS: dict[str, tuple[str, tuple[str, ...]]] = {
    # ---------------------------------------------------------------- interviews, mentor
    "thanks": ("about_mentoring", (
        "{Thanks for|Thank you for} {making the time|fitting me in|squeezing this in}"
        "{| today| this [day]}{, I know {it's|things are} {mad|busy|hectic} {at the moment|"
        "with [unit]|this month}|}.",
        "{Thanks|Thank you}{| again}, {that was|this has been} {really|very|so} "
        "{useful|helpful|thought-provoking|good}{|, [lname]}.",
    )),
    "opening": ("logistics", (
        "{Good|Lovely|Nice} to see you {again|in person for once|on screen at least}{|, [lname]}.",
        "Is {[clock] o'clock|this time|an hour} still {OK|all right|fine} for you?",
        "{Sorry|Apologies} I'm {a couple of|five|ten} minutes late, {the lifts were|parking "
        "was|handover was|the bus was} {a nightmare|slow|chaos}.",
        "{How was|How's} your {week|weekend|time off|half term|leave}{|, [lname]}?",
        "How {has|'s} your {week|[day]|month|winter} been{| so far}?",
    )),
    "method": ("method", (
        "I'll {jot down|scribble|take} a few notes{| as we go}{|, if that's {OK|all right}}.",
        "{Same as|Like} last time, I'll write {this|my notes} up {afterwards|tonight|"
        "tomorrow} and send you the actions.",
        "I thought we could {start|pick up} with " + _TOPIC + " {today|this time}.",
        "Last time we said we'd {come back to|look at|talk about} " + _TOPIC + ".",
        "{Just|Quickly} to {remind ourselves|recap}, what we say here stays between "
        "{us|the two of us}{| unless there's a safety issue}.",
        "I'm not here to {catch you out|judge|mark you}, {I'm here|just} to {share|tell you} "
        "what I {see|notice|hear from staff}.",
    )),
    "question": ("question", (
        "{Can|Could} you {tell me|talk me through|say a bit about} how "
        "{you run your huddles|people end up on your interview panels|acting-up posts get "
        "decided|you'd handle a complaint about racism|the rota gets made|the team meetings "
        "work}{| in [unit]}?",
        "{What would|What might} {the BME staff|the healthcare assistants|the night team|your band 5s|the "
        "international nurses} say {about you|if I asked them about you|about how decisions "
        "get made}?",
        "What do you think {the BME staff|the healthcare assistants|the night team|your band 5s} would say "
        "{about you|about the rota|about how decisions get made}?",
        "{Who|Which of your staff} {do you think|would you say} {get|gets} "
        "{heard|noticed|put forward|the development opportunities} in [unit]?",
        "{Have you looked at|Have you seen|Did you get a chance to look at} the "
        "{WRES|staff survey|disciplinary} {figures|data|results} for [unit]{| this year}?",
        "{Do|Would} you {know|be able to say} who {chairs|sponsors|runs} the [netname]?",
        "What would happen if {someone|one of the nurses|a porter} "
        "{raised|came to you with} a concern about {bullying|a racist comment|the rota}?",
        "{So|And|OK, so} what {stops|stopped|would stop} you from {doing that|changing it|"
        "raising it|taking that to the board|saying something}{| at the time}?",
        "{How|In what way} {do|would} you {know|find out} whether {the panels are fair|people "
        "feel heard|the night staff get the same chances|[staffn] felt supported}?",
        "{When|The last time} {a post came up|someone acted up|there was a complaint} in "
        "[unit], {how did that go|how was that decided|who decided}?",
        "{Can you|Could you} give me {an example|a recent example|one example}{| of that}?",
        "{Why is that|What's behind that|Where does that come from}{|, do you think}?",
        "Why do you think {that is|that happened|it works like that}{| in [unit]}?",
        "{And how|How} did {the team|[staffn]|the night staff} {take it|react|feel about it}?",
        "{And how|How} did that {feel|land|go down}{| with the team}?",
        "{Would|Will} you do {anything|it} differently {now|next time|after this}?",
    )),
    "backchannel": ("logistics", (
        "{Mm|Right|OK|Sure|Yeah|Mm-hm}, {go on|I see|that's interesting|I follow|that makes "
        "sense|carry on|I hadn't realised that|that's a lot to carry}.",
        "{That's|It's} {really|quite|very} {interesting|helpful|honest|useful}{|, thank you}.",
    )),
    "scheduling": ("logistics", (
        "{Shall|Can} we {book|pencil in|try} " + _TIME + " for {next time|the next one|"
        "session [next]}{| at [clock]}?",
        "I'll send {a Teams invite|an invite|a calendar invite|dates} {after this|later|"
        "tonight|tomorrow}{| for [month]}.",
        "{Could|Can} your PA find us {an hour|forty minutes|a slot} {in [month]|before "
        "[month]|in the next few weeks}?",
        "{Next time|For session [next]}, {could|can} I {come and sit in on|observe} "
        "{a huddle|one of your team meetings|the [day] meeting}?",
        "I'd like to {walk round|have a look round|visit} [unit] before we next meet, "
        "{if that's OK|if you don't mind|on [day] maybe}.",
    )),
    "closing": ("logistics", (
        "{Take care|Good luck} with {the CQC visit|winter|the restructure|the [day] board|"
        "the audit}{|, [lname]}.",
        "{Speak soon|Talk soon|See you in [month]|Bye for now|See you on [day]}{.|!}",
    )),
    "last_session": ("about_mentoring", (
        "{This is|As this is} our {last|final} session, so {please fill in|don't forget} "
        "the {end-of-programme|evaluation} form{| when it comes}.",
        "{Since|As} it's the last one, {shall|can} we {agree|talk about} what happens "
        "{after the programme|when the programme ends|next}?",
    )),
    # ---------------------------------------------------------------- interviews, leader
    "leader_hello": ("logistics", (
        "{Hi|Hello|Morning|Afternoon}{|, [mname]}{, come in|, sorry about the mess|}.",
        "{Yes|Yeah}, {fine|good|not bad}, {bit|a bit} {tired|frazzled|behind} {if I'm honest|"
        "after the weekend|with everything going on}.",
        "{Sorry|Apologies}, {I'm just back from|I've come straight from} {another meeting|"
        "the bed meeting|a call with the exec}.",
        "{Can you|Sorry, can you} {hear me|see me} {OK|all right}, {the|my} {Wi-Fi|camera|"
        "headset|laptop} {is playing up|is being odd|keeps dropping}{| again}?",
    )),
    "leader_agree": ("about_mentoring", (
        "{Yes|Yeah|Of course}, {that's fine|absolutely|no problem}{|, and please do challenge "
        "me|, I want you to be honest}.",
        "{That's|It's} {fair|fine}{|, [mname]}, {I'd rather|I want to} hear it{| straight}.",
    )),
    "opener": ("logistics", (
        "{Mm|Gosh|Oh|Right|Well}, {that's a tricky one|good question|where to start|"
        "let me think|I'm not sure|that's a big one|you've got me there}.",
        "{I'm not sure|I don't know if} I've got a {good|proper|neat} answer to that{| yet}.",
    )),
    "aside": ("logistics", (
        "{It's been|We've had} {a mad month|a heavy few weeks|the CQC in|two outbreaks|"
        "a lot of sickness} {with winter pressures|on top of everything|in [unit]}.",
        "I'm {off to|away at} a conference in [city] {next week|on [day]|in [month]}.",
        "{Sorry|Excuse me}, {I've got one eye on|I need to keep an eye on} my {emails|phone|"
        "bleep} because of {the bed situation|a staffing gap|an incident}.",
    )),
    "leader_bye": ("logistics", (
        "{Thanks|Thank you|Cheers}, [mname]{, see you {next time|in [month]|on [day]}|}.",
        "{I'll look out for the invite|I'll get my PA onto it|I'll check my diary}"
        "{|, thanks}.",
    )),
    # ---------------------------------------------------------------- mentor's write-ups
    "report_open": ("method", (
        "We met [room] for about {forty minutes|an hour|fifty minutes}{| on [day]}.",
        "{This was|It was} our {first|second|third|fourth} {proper|} conversation, "
        "{and|so} we {focused on|covered|mostly talked about} " + _TOPIC + ".",
        "{Both of us|We both} attended{| this time}{| and I took the notes}.",
        "We {asked|started by asking} our mentee about " + _TOPIC + "{| first}.",
    )),
    "report_middle": ("method", (
        "We {then|next} {moved on to|asked about|turned to} " + _TOPIC + ".",
        "{When|After} we {pushed a little|asked for an example|challenged this}, "
        "the {answer|picture} {changed|became clearer|was more honest}.",
    )),
    "report_close": ("logistics", (
        "{Next session|Next time}{ is| is booked for| is pencilled in for} " + _TIME + ".",
        "{Actions|Agreed actions}: {we will|I will} {send|share} {the notes|the reading|the "
        "WRES summary} {by [day]|before the next session}.",
    )),
    # ---------------------------------------------------------------- field notes
    "obs_open": ("logistics", (
        "{[num]|About [num]|Approx [num]} {people|present|attending}{, [num] on Teams|, some on "
        "Teams|}",
        "{Started|Mtg started|Began} {5|10|15|20} {mins|min} late{ - {bed crisis|IT|incident "
        "on ward|chair delayed}|}",
        "{Agenda|Items}: {staffing|sickness|flow|incidents}, {rota|audit|training}, AOB",
        "{I|Me} {sat at the back|sat in the corner|joined on Teams}{, took notes|}",
        "{Room|Meeting room} {too small|very warm|packed}{, people standing|}",
    )),
    "obs_middle": ("logistics", (
        "{Long|Lengthy} {discussion|item} re {bed flow|agency spend|car park|sickness|the new "
        "rota|the CQC visit}",
        "{Fire alarm test|Phone ringing|Someone's bleep} {interrupted|cut in}{ briefly|}",
    )),
    "obs_close": ("logistics", (
        "{Finished|Ended|Mtg ended} {on time|[num] mins over|early}{, actions by email|}",
    )),
    "insp_open": ("logistics", (
        "{Visited|Walked round} {on|} [day] {am|pm|morning|afternoon}, {dept|department} "
        "{busy|quiet|very busy}",
        "{Went round|Visit} with the {deputy|ward manager|PA|matron}, {about|approx} "
        "{15|20|30} mins",
        "{Lots of|Many|A few} posters re {flu jabs|hand hygiene|parking permits|sepsis}",
        "{Main entrance|Corridor|Reception} {closed for building work|just repainted|"
        "being refitted}",
    )),
    # ---------------------------------------------------------------- journals
    "mentor_journal": ("about_mentoring", (
        "I {felt|was} {nervous|anxious|more relaxed|calmer} {going into|before|during} "
        "{this|today's|the} session{| than last time}.",
        "{The|Our} session {had to be moved|was postponed|got cut short} "
        "{because of|due to} {the strikes|annual leave|a board meeting|a staffing crisis}.",
        "I'm still {working out|not sure} {how much to push|how direct to be|what my role is}"
        "{| with a director}.",
        "I {need|want|must remember} to {read up on|look again at|print off} {the WRES|the "
        "terminology guidance|the trust's EDI strategy|the staff survey results|[unit]'s "
        "data} before {next time|session [next]|we meet in [month]}.",
        "I talked {it|the session|what happened} through with {the other mentors|my buddy "
        "mentor|the programme lead|a friend from the network} {at the action learning set|"
        "afterwards|on [day]|over coffee}.",
        "It {felt like|seemed|struck me that} we {built more rapport|were more honest with "
        "each other|trusted each other more|laughed more|got further} {this time|today|"
        "than in session [num]|than before}{|, which helped}.",
    )),
    "mentee_journal": ("about_mentoring", (
        "{Another|A good|A difficult|A long} session with [mname] {today|on [day]|"
        "this week}.",
        "I {found|thought} {the|this|today's|[day]'s} session {challenging|useful|"
        "uncomfortable at times|more useful than I expected|hard going|really worthwhile}"
        "{|, if I'm honest|, again}.",
        "I {need|must try} to {block out|protect} {proper|more} time for {these|my} "
        "reflections{| in the diary}.",
        "{I have been|I've been} {thinking about|turning over} {our|what [mname] said in our} "
        "conversation {all week|since [day]}.",
    )),
    # ---------------------------------------------------------------- forms
    "hope_mentor": ("about_mentoring", (
        "{I hope|I want|I'd like} to help {senior leaders|leaders|managers} "
        "{understand|see} what it is like to be {a BME member of staff|black in the NHS|"
        "a junior nurse from an ethnic minority}{| in this trust}.",
        "I {want|hope} to share my lived experience so that {policies|decisions|recruitment} "
        "{change|get fairer}.",
        "I {want|hope} to give {honest|real|direct} feedback to {leaders|senior managers|"
        "directors} about how they come across{| to junior staff| to BME staff| on the wards}.",
        "I {want|would like|hope} to {be part of|help with|see} {real change|change that "
        "lasts|fairer promotion} {in [unit]|in the trust|for people like me}.",
        "I {want|would like|hope} to {gain|build} confidence {talking to|challenging|being honest "
        "with} {senior people|directors|the board|people above me}.",
    )),
    "hope_mentee": ("about_mentoring", (
        "{I hope|I want} to understand the barriers {BME staff|ethnic minority colleagues} "
        "face in {my area|[unit]|my directorate}.",
        "I {want|need|hope} to learn how to talk about {race|racism|ethnicity} "
        "{with my team|with staff|openly|} without {fear of getting it wrong|tying myself in "
        "knots|causing offence|sounding defensive}.",
        "I {want|hope} to become a {better ally|more inclusive leader|better listener}"
        "{| and role model}.",
        "I {want|would like} {honest feedback on|to hear about|to find out} my blind spots"
        "{| as a white leader| as a manager| in [unit]}.",
        "I {want|would like} to understand {what it is like|how it feels} to work "
        "{in [unit]|for me|on the front line} as {a BME nurse|a black member of staff|an "
        "international recruit}.",
    )),
    "resources": ("about_mentoring", (
        "{Guidance|More guidance|A short guide|I would like guidance} on {structuring the "
        "sessions|what to cover|setting boundaries|what to do if things get heated|"
        "confidentiality}{ would help| for new mentors|}.",
        "{A template|A simple template|A worked example} for {action plans|session notes|"
        "the first meeting}{ would be useful| would have helped| please|}.",
        "{Help|Support|A glossary|Guidance} with terminology{| for the leaders|}, {as|because} "
        "I worry about {using the wrong words|saying the wrong thing}.",
        "{Protected time|Time|Cover} in the {rota|diary|job plan} to {attend|prepare for|"
        "write up} {sessions|the sessions|the meetings}{|, as [unit] is short-staffed}.",
        "{More support|Backing|More understanding} from my {line manager|ward manager|"
        "matron|team} {to take part|when sessions clash with the rota|}.",
        "{A chance|Time|The opportunity|A session} to meet the other {mentors|mentees|pairs} "
        "{and share experiences|and compare notes|halfway through|before the end|in person}.",
    )),
    "short_answer": ("about_mentoring", (
        "{n/a|None|Nothing else|Nothing at the moment|Not sure yet|Nothing more|"
        "Can't think of anything|Time!|More time|See above|As before}",
    )),
    "changed_mentor": ("about_mentoring", (
        "I feel {much|a lot|a bit} more {confident|comfortable} {speaking up in meetings|"
        "talking to senior people|challenging decisions}.",
        "I {now|finally} understand how {decisions|promotions|budgets} are made at "
        "{senior|board|directorate} level.",
        "I was {surprised|pleasantly surprised|struck by} how {open|defensive at first|"
        "willing to listen} my mentee was.",
        "I {have been|was} asked to {join|sit on|help with} {a shortlisting panel|the staff "
        "network committee|a working group|the EDI steering group|the next cohort's "
        "training}{| by my mentee| in [month]}.",
        "{Not much|Nothing much} has changed {in my area|on my ward|in [unit]} "
        "{yet|so far|that I can see}{|, to be honest|, but it is early days}.",
    )),
}

#: spoken fillers and false starts put before a leader's sentence in a transcript
FILLERS = ("Um, ", "Er, ", "So, ", "Well, ", "Yeah, so, ", "I mean, ", "Honestly, ",
           "Right, so ", "Mm, ", "You know, ", "OK, so, ")
FALSE_STARTS = ("I - well, ", "We - I mean, ", "It's - ", "Sorry - ", "I think - ",
                "So - ", "What I - ", "Well - ")

#: field-note shorthand (whole words, first match wins); applied to terse notes only
ABBREVIATIONS = (
    ("healthcare assistant", "HCA"), ("department", "dept"),
    ("meeting", "mtg"), ("minutes", "mins"), ("people", "ppl"), ("because", "b/c"),
    ("without", "w/o"), ("with", "w/"), ("about", "re"), ("consultants", "cons"),
    ("staff nurse", "SN"), ("approximately", "approx"), ("and", "&"), ("number", "no."),
    ("before", "pre"), ("the team", "team"),
)
