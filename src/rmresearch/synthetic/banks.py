"""Phrase banks for the synthetic data generator (data only, no logic): people, places,
findings (atoms) and the frames that voice them; process talk is in `talk`.

The strings use a small template language that :mod:`rmresearch.synthetic.text` expands:

* ``{a|b|c}`` picks one alternative (nestable; ``{|x}`` means "x or nothing");
* ``[slot]`` is filled from the pair's context (``[staff]``, ``[unit]``, ``[network]``...);
* ``<verb>`` is conjugated for the subject and tense the frame asks for; ``<verb:3>`` forces
  third person singular and ``<verb:3p>`` third person plural (for clauses with their own
  subject); in an ``act`` atom the first verb is the one negated when the atom is negated.

An atom is ``(kind, levels, valence, template, extra)``:

* ``act``  - a verb phrase whose subject is the leader ("thank [staff] by name");
* ``cl``   - a clause with its own subject ("[OUR] interview panels <be:3p> all white");
* ``view`` - an opinion the leader holds, only ever reported ("I think ...", "she said that ...");
* ``ex``   - something physically visible in the department (used by visual inspections).

``extra`` is a dict: ``neg`` (a negated template; its valence is the opposite one),
``negate`` (an ``act`` atom that may be negated: "did not use inclusive language"),
``past`` (only makes sense as a past event), ``unseen`` (an ``act`` that cannot be
observed in a team meeting, so observation notes never report it).
"""
from __future__ import annotations

# --------------------------------------------------------------------------- people
MENTOR_FIRST = (
    "Amara", "Chidi", "Ngozi", "Kwame", "Abena", "Oluwaseun", "Folake", "Tunde", "Yaw",
    "Efua", "Priya", "Ravi", "Anjali", "Harpreet", "Sanjay", "Nadia", "Imran", "Fatima",
    "Aisha", "Bilal", "Tahmina", "Shamima", "Rohan", "Deepa", "Marisol", "Jomar", "Maricel",
    "Rhianna", "Jerome", "Marcia", "Delroy", "Keisha", "Wei", "Mei-Ling", "Thandiwe",
    "Nnamdi", "Zainab", "Yusuf", "Samira", "Tariq", "Adaeze", "Kofi", "Lakshmi", "Arjun",
    "Chipo", "Blessing", "Ifeoma", "Segun", "Renée", "Zoë", "José", "Nkechi",
)
MENTOR_SURNAMES = (
    "Okafor", "Mensah", "Adeyemi", "Owusu", "Boateng", "Nwosu", "Okonkwo", "Asante",
    "Sharma", "Patel", "Nair", "Kaur", "Sandhu", "Chaudhry", "Hussain", "Begum", "Rahman",
    "Iqbal", "Santos", "Reyes", "Dela Cruz", "Bautista", "Campbell-Henry", "Francis",
    "Baptiste", "Edwards-Mensah", "Chen", "Wong", "Dlamini", "Moyo", "Abubakar", "Osei",
    "Agarwal", "D'Souza", "Fernandes", "Olúwolé", "Achebe-Grant", "Ali", "Kapoor",
    "Oyelaran", "N'Diaye", "Fofana",
)
LEADER_FIRST = {
    "he": ("Richard", "Andrew", "Simon", "Graham", "Mark", "Jonathan", "Paul", "Stephen",
           "Nicholas", "Gareth", "Declan", "Hamish", "Rupert", "Neil", "Ciarán", "Tom"),
    "she": ("Sarah", "Helen", "Catherine", "Joanne", "Alison", "Fiona", "Rachel", "Claire",
            "Siobhán", "Gillian", "Elaine", "Deborah", "Harriet", "Bronwen", "Kirsty",
            "Chloé"),
}
LEADER_SURNAMES = (
    "Hollis", "Whitfield", "Pemberton", "Ashworth", "Bradshaw", "Fairbairn", "Thornton",
    "O'Neill", "McAllister", "Gallagher", "Lloyd-Davies", "Cartwright", "Hughes",
    "Fitzgerald", "Worthington", "Kendall", "Beaumont", "Llewellyn", "Ó Briain",
    "Sutherland", "Maddox", "Prescott", "Harrington-Smythe", "Crossley", "Doyle",
)
STAFF_FIRST = (
    "Priya", "Joy", "Comfort", "Precious", "Mohammed", "Grace", "Jasmine", "Ade", "Leon",
    "Maria", "Ana", "Rosa", "Janet", "Kevin", "Lucy", "Dev", "Sunita", "Anil", "Femi",
    "Bukola", "Agnieszka", "Tomasz", "Hyun-woo", "Lin", "Mariam", "Omar", "Kelechi",
    "Josephine", "Ruth", "Callum", "Bernadette", "Ikram", "Shanice", "Ebony", "Mateus",
    "Zsófia", "Noor", "Gbemi",
)
STAFF_SURNAMES = (
    "Nair", "Adebayo", "Okoro", "Ahmed", "Mensah-Bonsu", "Clarke", "Tan", "Garcia",
    "Kowalski", "Nowak", "O'Brien", "Singh", "Chowdhury", "Obi", "Ogunleye", "Kim",
    "Murphy", "Yeboah", "Khan", "Henry", "Douglas-Obi", "Pereira", "Lin", "Ramírez",
    "Mahmood", "Walsh", "Achterberg", "Quaye", "St Louis", "MacLeod",
)
# (role description, title or None, locative phrases used after a first name)
STAFF_ROLES = (
    ("staff nurse", None, ("on the ward", "on nights", "from the day team")),
    ("healthcare assistant", None, ("on the ward", "on the night shift", "in bay four")),
    ("ward sister", "Sister", ("on the ward", "on the acute side")),
    ("consultant", "Dr", ("from the acute team", "from cardiology")),
    ("registrar", "Dr", ("from the medical team", "on nights")),
    ("porter", None, ("from portering", "in estates")),
    ("receptionist", None, ("on reception", "at the front desk")),
    ("pharmacist", None, ("from pharmacy", "in the dispensary")),
    ("physiotherapist", None, ("from physio", "in the therapy team")),
    ("matron", "Matron", ("on the surgical side", "in the division")),
    ("admin lead", None, ("in the office", "from the admin team")),
    ("midwife", None, ("on delivery suite", "from the community team")),
)

# --------------------------------------------------------------------------- settings
TRUST_PLACES = (
    "Kingsmere", "Northfield", "Ashbury", "Westholme", "Greyfriars", "Millbrook", "Ravensworth",
    "Elmstead", "Calderbank", "Hartwell",
)
# (department name, short form, leader job title)
DEPARTMENTS = (
    ("the emergency department", "ED", "Clinical Director for Emergency Medicine"),
    ("maternity", "maternity", "Director of Midwifery"),
    ("estates and facilities", "estates", "Director of Estates and Facilities"),
    ("pharmacy", "pharmacy", "Chief Pharmacist"),
    ("the acute medical unit", "AMU", "Divisional Director of Medicine"),
    ("finance", "finance", "Director of Finance"),
    ("the surgical division", "surgery", "Divisional Director of Surgery"),
    ("community nursing", "community", "Deputy Director of Nursing"),
    ("theatres", "theatres", "Associate Director of Operations"),
    ("radiology", "radiology", "Clinical Director for Radiology"),
    ("outpatients", "outpatients", "General Manager for Outpatients"),
    ("the children's ward", "paeds", "Head of Children's Nursing"),
    ("mental health inpatient services", "the inpatient unit", "Associate Director of Nursing"),
    ("workforce and HR", "HR", "Director of People"),
)
SETTINGS = (
    "in the morning huddle", "at the safety huddle", "in the Monday team meeting",
    "during the bed meeting", "at the directorate meeting", "at handover",
    "in the monthly governance meeting", "on the ward round", "in the senior team meeting",
    "at the away day",
)
NETWORKS = (  # [network] is "the " + name, [netname] the bare name
    "BME staff network", "race equality network", "REACH network",
    "ethnic minority staff network", "BAME staff network",
)
AWARDS = (
    "a Star Award", "the Chief Nurse's Excellence Award", "a regional BME Nursing Award",
    "a Shining Light award", "a staff recognition award", "the Chief People Officer's award",
)
BOARDS = ("the trust board", "the divisional board", "the executive team meeting", "the people committee")
GROUPS = (
    "{the|some of the|two of the} {BME|black and minority ethnic|Black and Asian|ethnic minority} "
    "{nurses|healthcare assistants|band 5 nurses|junior doctors|admin staff|porters|staff}",
    "the international nurses", "the overseas-trained nurses", "the junior BME staff",
)
BANDS = ("band 5", "band 6", "band 7", "band 8a")

# --------------------------------------------------------------------------- atoms
ATOMS = (
    # ---------------------------------------------------------------- individual, good practice
    ("act", "ind", "positive", "<thank> [staffl] by name {[setting]|in front of the whole team|at the end of the shift}", {"negate": 1}),
    ("act", "ind", "positive", "<use> {inclusive|careful|respectful} language {[setting]|throughout the meeting|when talking about [group]}", {"negate": 1}),
    ("act", "ind", "positive", "<pronounce> [staffn]'s name correctly{| without being prompted| after checking how to say it}", {"negate": 1}),
    ("act", "ind", "positive", "<praise> [staffl] {publicly|in public|in front of the team} for {the sepsis audit|leading the discharge pilot|covering extra night shifts|the work on the new rota}", {"negate": 1}),
    ("act", "ind", "positive", "<make> a point of asking [group] for their views {[setting]|before making a decision}", {}),
    ("act", "ind", "positive", "<keep> {open|relaxed|attentive} body language {throughout|[setting]|when junior staff <speak:3p>}", {"negate": 1}),
    ("act", "ind", "positive", "<listen> to [staffl] without interrupting{| [setting]}", {}),
    ("act", "ind", "positive", "<challenge> a {stereotyping|derogatory|racist} comment {straight away|on the spot|[setting]}", {"negate": 1}),
    ("act", "ind", "positive", "<ask> [group] for {honest|} feedback on [POSS] own leadership style", {"negate": 1}),
    ("act", "ind", "positive", "<share> [POSS] own learning from the mentoring {with the team|[setting]}", {}),
    ("act", "ind", "positive", "<greet> {everyone|the domestic staff|the healthcare assistants|the porters} by name {on arrival|on the ward|[setting]}", {"negate": 1}),
    ("act", "ind", "positive", "<apologise> for {mispronouncing [staffn]'s name|getting [staffn]'s name wrong} {in front of the team|at handover|[setting]}", {"past": 1}),
    ("act", "ind", "positive", "<check> in privately with [staffl] after a patient {made a racist remark|was racially abusive on the ward}", {"past": 1, "unseen": 1}),
    # ---------------------------------------------------------------- individual, attention
    ("act", "ind", "attention", "<make> a joke about [staffn]'s {accent|name|hair} that {fell flat|nobody laughed at|made people visibly uncomfortable}", {"past": 1}),
    ("act", "ind", "attention", "<talk> over [staffl] {[setting]|more than once|twice}", {}),
    ("act", "ind", "attention", "<address> {most|nearly all} of [POSS] questions to the white consultants {[setting]|}", {}),
    ("act", "ind", "attention", "<mispronounce> [staffn]'s name {again|twice|without correcting [REFL]}", {}),
    ("act", "ind", "attention", "<refer> to the international nurses as {'the Filipinos'|'the overseas lot'|'you people'}", {}),
    ("act", "ind", "attention", "<avoid> eye contact with [group] {[setting]|for most of the meeting}", {}),
    ("act", "ind", "attention", "<use> the term {'ethnics'|'the BAMEs'} {without thinking|[setting]}", {}),
    ("act", "ind", "attention", "<dismiss> [staffn]'s concern about the rota {as oversensitive|with a laugh|very quickly}", {"past": 1}),
    ("act", "ind", "attention", "<check> [POSS] phone {throughout|during} [staffn]'s update", {}),
    ("act", "ind", "attention", "<sit> apart from the junior staff {[setting]|at the top of the table}", {}),
    ("act", "ind", "attention", "<describe> [staffn] as {'very articulate'|'surprisingly confident'|'a bit aggressive'} in a way that {jarred|landed badly}", {"past": 1}),
    ("view", "ind", "attention", "race <be:3> {not really|not} an issue {here|in [unit]|on the ward}", {}),
    ("view", "ind", "attention", "everyone <get:3> treated the same {here|in [unit]}, so there <be:3> no need for anything special", {}),
    ("view", "ind", "attention", "the concerns raised by [group] <be:3p> {mostly|largely} about personality clashes rather than race", {}),
    ("view", "ind", "attention", "[S] <do:S> not see colour when {managing|leading} the team", {}),
    ("view", "ind", "positive", "being a white leader <mean:3> [S] <have:S> blind spots about how [group] experience {[unit]|the trust}", {}),
    ("view", "ind", "positive", "it <be:3> [POSS] responsibility, not the BME staff's, to {tackle|fix} the gaps in progression", {}),
    ("view", "ind", "positive", "hearing [staffn]'s story <have:3> changed how [S] <think:S> about {who gets opportunities|promotion|what it is like to be black in the NHS}", {}),
    # ---------------------------------------------------------------- departmental, good practice
    ("act", "dep", "positive", "<insist> on a diverse interview panel for every [band] {appointment|post}", {"negate": 1}),
    ("cl", "dep", "positive", "{every|each} interview panel {in [unit]|for [band] posts} <include:3> at least one {BME|ethnic minority} member", {"neg": "none of the interview panels {in [unit]|for [band] posts} <include:3p> a BME member"}),
    ("act", "dep", "positive", "<offer> work shadowing to [group] {who want to progress|interested in [band] roles}", {"negate": 1}),
    ("act", "dep", "positive", "<explain> {openly|clearly} the reasons behind {the latest|each} promotion decision {in [unit]|}", {"negate": 1}),
    ("act", "dep", "positive", "<set> up a {development programme|leadership course|mentoring scheme} for [band] {nurses|staff} from BME backgrounds", {"past": 1, "unseen": 1}),
    ("cl", "dep", "positive", "{[OUR]|the} team <know:3> how to raise bullying and harassment concerns", {"neg": "{[OUR]|the} team <be:3> not sure how to raise bullying and harassment concerns"}),
    ("act", "dep", "positive", "<remove> barriers for women {returning from maternity leave|on part-time contracts} by {offering flexible rotas|allowing work shadowing}", {"past": 1, "unseen": 1}),
    ("act", "dep", "positive", "<review> who gets acting-up opportunities {in [unit]|}", {"negate": 1, "unseen": 1}),
    ("act", "dep", "positive", "<introduce> {anonymised|name-blind} shortlisting {in [unit]|for [band] posts}", {"past": 1, "unseen": 1}),
    ("act", "dep", "positive", "<ask> the team to {complete|book onto} the {active bystander|inclusive recruitment|cultural competence} training", {"negate": 1, "past": 1}),
    ("cl", "dep", "positive", "the {appraisal|rota|study leave} process {in [unit]|} <be:3> {fair and transparent|clearly explained to everyone}", {}),
    # ---------------------------------------------------------------- departmental, attention
    ("cl", "dep", "attention", "[OUR] {shortlisting|interview} panels <be:3p> {all white|usually the same three white managers|made up entirely of white men}", {}),
    ("act", "dep", "attention", "<have> no clear process for deciding who is put forward for acting-up roles", {"unseen": 1}),
    ("cl", "dep", "attention", "promotion decisions in [unit] <be:3p> {not explained to anyone|made informally|rarely explained}", {}),
    ("act", "dep", "attention", "<rely> on {a tap on the shoulder|word of mouth} {for promotions|when filling [band] posts}", {"unseen": 1}),
    ("act", "dep", "attention", "<be> {unaware of|vague about} how the bullying and harassment procedure works {in [unit]|}", {"unseen": 1}),
    ("cl", "dep", "attention", "[group] in [unit] <be:3p> {rarely|never} offered {work shadowing|study leave|secondments}", {}),
    ("cl", "dep", "attention", "the {study leave|training} budget in [unit] <go:3> mostly to the same white senior nurses", {}),
    ("act", "dep", "attention", "<leave> the grievance raised by [staffl] {unresolved for months|without a response}", {"past": 1, "unseen": 1}),
    ("act", "dep", "attention", "<!keep> any record of why candidates were shortlisted", {"unseen": 1}),
    ("cl", "dep", "attention", "the disciplinary cases in [unit] <involve:3p> BME staff {disproportionately|far more often than white staff}", {}),
    # ---------------------------------------------------------------- organisational, good practice
    ("act", "org", "positive", "<nominate> [staffl] for [award]", {"negate": 1, "past": 1}),
    ("act", "org", "positive", "<attend> [network] meetings {regularly|every month|as an ally}", {"negate": 1, "unseen": 1}),
    ("act", "org", "positive", "<be> the executive sponsor for [network]", {"unseen": 1}),
    ("act", "org", "positive", "<know> the latest WRES figures for the trust {in detail|off by heart}", {"negate": 1}),
    ("act", "org", "positive", "<raise> the {WRES|staff survey} results at [board]", {"negate": 1}),
    ("act", "org", "positive", "<support> the trust's target of {a fifth|a quarter|19%} BME representation at [band] and above", {}),
    ("act", "org", "positive", "<promote> the Freedom to Speak Up guardian {to the team|[setting]}", {"negate": 1}),
    ("act", "org", "positive", "<push> for the trust's {race equality|EDI} strategy to include {measurable targets|action on disciplinaries}", {"unseen": 1}),
    ("act", "org", "positive", "<volunteer> to {chair|sit on} the trust's {EDI committee|race equality steering group}", {"past": 1, "unseen": 1}),
    ("cl", "org", "positive", "the trust's board <be:3> on track to meet its target for ethnic diversity", {"neg": "the trust's board <be:3> still all white despite the trust's {target|pledge|commitment}"}),
    # ---------------------------------------------------------------- organisational, attention
    ("act", "org", "attention", "<describe> the WRES as {'a tick-box exercise'|'just numbers'|'HR's job'}", {}),
    ("act", "org", "attention", "<have> no idea {when [network] meets|who sponsors [network]}", {"unseen": 1}),
    ("act", "org", "attention", "<question> whether the trust's {ethnicity|board diversity} targets were {realistic|fair|needed}", {}),
    ("act", "org", "attention", "<miss> the {EDI|race equality} board development session {again|for the second time}", {"past": 1, "unseen": 1}),
    ("act", "org", "attention", "<!mention> the staff survey results on discrimination {at all|[setting]}", {}),
    ("act", "org", "attention", "<decline> to put anyone forward for [award]", {"past": 1, "unseen": 1}),
    ("view", "org", "attention", "staff demographic targets <be:3p> {a form of positive discrimination|unfair on white staff|tokenistic}", {}),
    ("view", "org", "attention", "Freedom to Speak Up <be:3> {more for the clinical areas than for [unit]|not really relevant to [unit]}", {}),
    # ---------------------------------------------------------------- symbolic, good practice
    ("ex", "sym", "positive", "there <be:3> a photo of [staff] receiving [award] {on the wall by reception|in the corridor outside the office|on the staff noticeboard}", {}),
    ("ex", "sym", "positive", "the 'Meet the team' board {in reception|by the lifts} <show:3> {a diverse mix of staff|BME staff in senior roles|staff from lots of different backgrounds}", {}),
    ("ex", "sym", "positive", "the {front desk|reception|nurses' station} <be:3> staffed by {a black woman|a Muslim woman wearing a hijab|an Asian band 7}", {}),
    ("ex", "sym", "positive", "{Black History Month|South Asian Heritage Month|Eid|Diwali} {posters|displays} <be:3p> up {in the staff room|in reception|on the ward}", {}),
    ("act", "sym", "positive", "<wear> {a rainbow lanyard|a 'Let's talk about race' badge|the race equality network pin}", {}),
    ("act", "sym", "positive", "<invite> [staffl] to {chair|present at} the next team meeting so that junior staff could see someone like them leading", {"past": 1}),
    ("cl", "sym", "positive", "the {newsletter|intranet page|annual report} for [unit] <feature:3> [staff] as a role model", {}),
    # ---------------------------------------------------------------- symbolic, attention
    ("ex", "sym", "attention", "all the photos on the {senior team|leadership|'Who's who'} board <be:3p> of white {men|staff|managers}", {}),
    ("ex", "sym", "attention", "the only BME staff {pictured|visible} {in reception|on the posters} <be:3p> {cleaners|domestics|catering staff}", {}),
    ("ex", "sym", "attention", "the front desk <be:3> staffed by white staff{, while| and} the BME staff <be:3p> {out of sight|in the back office}", {}),
    ("ex", "sym", "attention", "the EDI poster {in the staff room|by the lifts} <be:3> {out of date|from 2018|torn and half covered}", {}),
    ("ex", "sym", "attention", "there <be:3p> no BME staff {pictured|in the photos} {on the 'Meet the team' board|on the noticeboard in reception|in the department's leaflets}", {}),
    ("act", "sym", "attention", "<have> a team photo on [POSS] office wall in which everyone <be:3> white", {"unseen": 1}),
    # ---------------------------------------------------------------- several levels at once
    ("act", "ind+org", "positive", "<talk> {openly|honestly} about [POSS] own learning at a [netname] event", {"unseen": 1}),
    ("act", "dep+org", "positive", "<share> the {WRES|staff survey} data for [unit] with the whole team{| [setting]}", {"negate": 1}),
    ("act", "dep+org", "attention", "<!set> any departmental actions in response to the WRES data", {}),
    ("act", "org+sym", "positive", "<put> up photos of {this year's|the} award winners from [unit], including [staff], {by the lifts|in reception}", {"past": 1, "unseen": 1}),
    ("cl", "dep+sym", "attention", "none of the [band] {leads|sisters|team leaders} in [unit] <be:3p> from a BME background", {}),
    ("act", "ind+sym", "positive", "<wear> the [netname] badge {every day|at the board meeting|on the ward}", {"unseen": 1}),
    ("act", "dep+sym", "positive", "<appoint> [staff] as {deputy|team lead|matron}, and the team now <see:3p> the appointment as a beacon", {"past": 1, "unseen": 1}),
    ("act", "ind+dep", "attention", "<shrug> off [staffn]'s complaint about the rota as a personality clash", {"past": 1}),
    ("act", "dep+org", "positive", "<make> sure [unit] meets the trust's target for BME representation on interview panels", {"unseen": 1}),
    ("act", "ind+org", "attention", "<joke> that the {staff network|EDI team} <be:3> 'the PC brigade'", {"past": 1}),
    ("ex", "org+sym", "attention", "there <be:3> no visible information about [network] {anywhere on the ward|in the staff room|on the noticeboards}", {}),
    ("ex", "org+sym", "positive", "a Freedom to Speak Up poster with the guardian's photo <be:3> {by the lifts|in the staff room|next to the rota}", {}),
    ("ex", "dep", "positive", "{a clear flowchart on|the policy on} how to report bullying and harassment <be:3> displayed {in the staff room|by the rota|on the ward noticeboard}", {"neg": "there <be:3> nothing on display about how to report bullying and harassment"}),
    ("ex", "org", "positive", "the trust's WRES action plan <be:3> pinned up {on the staff noticeboard|in the staff room|next to the huddle board}", {"neg": "there <be:3> no sign anywhere of the trust's WRES action plan or EDI strategy"}),
    ("ex", "org", "positive", "leaflets about [network] and the staff survey <be:3p> {on the table in the staff room|in a rack by the lifts}", {}),
    ("ex", "dep+sym", "positive", "the rota on the wall <show:3> BME nurses leading {most|several} of the shifts", {}),
)

# --------------------------------------------------------------------------- frames
# (template, form, valences it may carry, may carry a negated atom)
# VP = verb phrase of an act atom, CL = clause, [SUBJ] = the leader (name, pronoun ...).
INTERVIEW_ACT = (
    ("I {always|usually|generally|now} VP.", "pres", "p", 0),
    ("I {really try to|try hard to|do try to|have started to} VP.", "base", "p", 0),
    ("I make a point of VP{| these days| now}.", "ing", "p", 0),
    ("{Since we last met|Last week|On Monday|The other day|At the last team meeting}, I VP.", "past", "pa", 0),
    ("{One thing I'm proud of is that|I'd like to think|Hopefully|I think} I VP.", "pres", "p", 0),
    ("{If I'm honest|To be honest|I have to admit|Looking back|In all honesty}, I VP.", "past", "a", 1),
    ("I {probably|sometimes|occasionally} VP.", "pres", "a", 0),
    ("{Recently|This year|Since we started meeting}, I VP.", "perf", "p", 0),
    ("{If I'm honest|Truthfully|I have to admit}, I VP.", "perf", "a", 1),
    ("{Honestly, I|I suppose I} VP more often than I'd like.", "pres", "a", 0),
)
INTERVIEW_CL = (
    ("{As far as I know|To be honest|Honestly|If I'm honest|Right now}, CL.", "pres", "pa", 1),
    ("{I think|I believe|I know} CL.", "pres", "pa", 1),
    ("CL{, I think|, as far as I know|}.", "pres", "pa", 1),
    ("{To be fair|In fairness}, CL.", "pres", "p", 1),
    ("{I'm pleased to say|I'm proud that} CL.", "pres", "p", 0),
    ("{I'm embarrassed to say|I'm aware that|It bothers me that} CL.", "pres", "a", 1),
)
INTERVIEW_VIEW = (
    ("{I think|Personally, I feel|My view is that|I genuinely believe|I'd say} CL.", "pres", "pa", 0),
    ("{I've come to realise|I'm starting to see} that CL.", "pres", "p", 0),
)
OBS_ACT = (
    ("[SUBJ] VP.", "past", "pa", 1),
    ("{At the start,|Early on,|Towards the end,|When the agenda reached staffing,|During AOB,} [SUBJ] VP.", "past", "pa", 1),
    ("{Good to see that|Noted that|Positive -} [SUBJ] VP.", "past", "p", 0),
    ("{Noted that|Worth raising -|Concern -} [SUBJ] VP.", "past", "a", 1),
)
OBS_CL = (
    ("{From the discussion it was clear that|It came up that|It was mentioned that} CL.", "past", "pa", 1),
)
OBS_VIEW = (
    ("[SUBJ] {said|told the team|commented|remarked|made the point} that CL.", "past", "pa", 0),
    ("“CL,” [SUBJP] {said|told the team|commented}.", "pres", "pa", 0),
)
INSP_EX = (
    ("{I could see that|On the walk-round I saw that|Straight away I noticed that} CL.", "past", "pa", 1),
    ("CL.", "pres", "pa", 1),
    ("{I noticed that|It was noticeable that|Worth noting that} CL.", "past", "pa", 1),
)
MJ_ACT = (
    ("{I noticed that|It struck me that|What stood out for me was that|I observed that|Again,} [SUBJ] VP.", "past", "pa", 1),
    ("{I was pleased to see that|I was encouraged that|I was impressed that|It was lovely to see that} [SUBJ] VP{.|!}", "past", "p", 0),
    ("{I was disappointed that|It worried me that|I felt uncomfortable that|It concerned me that} [SUBJ] VP.", "past", "a", 1),
)
MJ_CL = (
    ("{I learned that|It became clear that|I found out that|[SUBJ] told me that} CL.", "past", "pa", 1),
    ("{I was disappointed to hear that|It troubles me that} CL.", "past", "a", 1),
)
MJ_EX = (
    ("{When I walked round the department|On my walk-round|When I visited [unit]}, I {saw|noticed} that CL.", "past", "pa", 1),
    ("{I was pleased to see that|It was good to see that} CL{.|!}", "past", "p", 1),
    ("{I was struck that|It bothered me that} CL.", "past", "a", 1),
)
MJ_VIEW = (
    ("[SUBJ] {told me|said|explained|admitted} that CL.", "past", "pa", 0),
    ("When I asked about this, [SUBJP] said that CL.", "past", "pa", 0),
)
LJ_ACT = (
    ("{This week|In Tuesday's huddle|Since the last session|After our conversation|Yesterday}, I VP.", "past", "p", 0),
    ("{On reflection|Looking back|In hindsight}{,|} I VP.", "past", "a", 1),
    ("{I realise now that|It is uncomfortable to admit that|I am embarrassed that} I VP.", "past", "a", 1),
    ("I {have started to|am trying to|want to keep trying to} VP.", "base", "p", 0),
    ("{I'm pleased to say that|I'm glad that|At least} I VP.", "pres", "p", 0),
)
LJ_CL = (
    ("{I realised that|It dawned on me that|I checked and found that} CL.", "past", "pa", 1),
    ("{I was glad to find that|I was reassured that} CL.", "past", "p", 0),
)
LJ_VIEW = (
    ("{I still feel that|I have come to believe that|I am beginning to think that} CL.", "pres", "pa", 0),
)
CONNECTIVES_ACT = (", and [PRON] also ", " and ", "; [PRON] also ", ", and ")
CONNECTIVES_CL = (", and ", "; ", ", while ")

# the mentor's write-up of a conversation, in "we" / "our mentee" voice
REPORT_ACT = (
    ("[SUBJ] {told us|said|explained|mentioned} that [SUBJP] VP.", "past", "pa", 1),
    ("{We heard that|Our mentee described how|We were told that} [SUBJP] VP.", "past", "pa", 1),
    ("[SUBJ] {admitted|acknowledged|accepted} that [SUBJP] VP.", "past", "a", 1),
    ("{We were pleased to hear that|It was good to hear that|Encouragingly,} [SUBJ] VP.", "past", "p", 0),
    ("According to our mentee, [SUBJP] {now|usually|always} VP.", "pres", "p", 0),
)
REPORT_CL = (
    ("[SUBJ] {told us|said|mentioned|confirmed} that CL.", "past", "pa", 1),
    ("{We learned that|We heard that|It emerged that} CL.", "past", "pa", 1),
    ("{When we asked about it|On our prompting|When pressed}, [SUBJ] {said|accepted} that CL.", "past", "pa", 1),
)
REPORT_VIEW = (
    ("[SUBJ] {told us|said|explained|insisted} that CL.", "past", "pa", 0),
    ("{In our mentee's view|As our mentee put it}, CL.", "pres", "pa", 0),
)

# --------------------------------------------------------------------------- settings
OBS_SETTINGS = ("", "", "in the meeting", "during the discussion", "in front of everyone",
                "at the start of the meeting")
