"""Notes kept the way many mentors keep them: bullet lists (interview, observation,
walk-round) and a Q&A transcript where two mentors take turns to ask. After ``rmresearch
init`` and ``rmresearch feedback``, every finding the mentors recorded as a bullet is on the
sheet at its level and valence, and the Word document says what the web page says.

The notes (``data/bullets_two_mentors``) were written for these tests after reading
published accounts by reverse mentors in the NHS; no sentence is taken from them. The
expected levels and valences below were written with the notes, before any run. The lines
the coder still gets wrong are listed with what came out (`CODER_ERRORS`); each test fails
on any wrong line not in that list, so the coder can only get better on these notes.
"""
from __future__ import annotations


from .sheet_text import docx_outline, findings_on_sheet, html_outline

#: what the coder gives the lines it still gets wrong (the lists below were written before
#: any run; at first 7 lines were wrong, 3 are now): coder errors, not the sheet's
CODER_ERRORS = {
    "If I am honest, nearly everyone round that table":
        "coded individual/attention only: 'that table' is the board of the mentor's question, "
        "which the coder does not see (each segment is coded alone; the question as context "
        "was tried and lowered F1 on the generated interviews: docs/evaluation.md)",
    "Notice boards have last year": "role 'finding', coded symbolic: "
                                    "car-parking notices say nothing about equality",
    "Sits on the steering group of the trust's race equality network":
        "coded organisational/neutral since the valence-only training batch (positive before, "
        "0.47 against 0.44 neutral): its writers, like the codebook's own neutral example "
        "('the mentee sits on the group that signs it off'), read a seat on a group as "
        "structure; 'goes to most of its meetings' is the engagement that makes it good "
        "practice. A regression on this line, kept for what the batch gives valence on sets "
        "the team did not write (docs/evaluation.md)",
}

#: (start of the bullet, level, valence): every finding recorded as a bullet
BULLET_FINDINGS = [
    ("Says he learns the name of every new porter", "individual", "positive"),
    ("Admits he has joked about colleagues' accents", "individual", "attention"),
    ("Shortlists band 7 and band 8a posts on his own", "departmental", "attention"),
    ("Has started advertising every acting-up post openly", "departmental", "positive"),
    ("Did not know the WRES figures", "organisational", "attention"),
    ("Sits on the steering group of the trust's race equality network", "organisational",
     "positive"),
    ("Asked the most junior nurse in the room to speak first", "individual", "positive"),
    ("Talked over the only black consultant twice", "individual", "attention"),
    ("Bank holiday shifts on the new rota went again", "departmental", "attention"),
    ("Photo board of the senior team in the main corridor", "symbolic", "attention"),
    ("Front desk staff on the surgical floor reflect the mix", "symbolic", "positive"),
    ("New poster for the race equality network is up", "symbolic", "positive"),
]
#: the leader's answers in the Q&A transcript that are findings
ANSWER_FINDINGS = [
    ("If I am honest, nearly everyone round that table", "organisational", "attention"),
    ("Every international nurse is now paired with a buddy", "departmental", "positive"),
    ("I pushed for the trust to publish its staff survey results", "organisational",
     "positive"),
    ("I still let the same two managers sit on every interview panel", "departmental",
     "attention"),
]
#: bullets and lines that are no finding about the leader's practice: never on the sheet
NOT_FINDINGS = ["50 mins in his office", "We explained how the two of us", "Had a coffee",
                "14 people round the table", "Agenda:", "Meeting finished ten minutes",
                "Walked the floor together", "Notice boards have last year",
                "Thanks for making the time", "What does the trust board look like",
                "How are new international recruits", "Anything you would do differently"]


def _where_shown(shown, start: str) -> list[tuple[str, str]]:
    return [(level, valence) for level, valence, quote in shown if quote.startswith(start)]


def _missed(run, findings) -> list[str]:
    """The findings not on the sheet at their level and valence."""
    shown = findings_on_sheet(html_outline(run.html))
    return [start for start, level, valence in findings
            if (level, valence) not in _where_shown(shown, start)]


def test_every_bullet_finding_is_on_the_sheet_at_its_level_and_valence(bullets_run) -> None:
    missed = _missed(bullets_run, BULLET_FINDINGS)
    assert [m for m in missed if m not in CODER_ERRORS] == []  # 11 of 12 (9 at first)


def test_the_leaders_answers_in_the_two_mentor_transcript_are_on_the_sheet(bullets_run
                                                                            ) -> None:
    missed = _missed(bullets_run, ANSWER_FINDINGS)
    assert [m for m in missed if m not in CODER_ERRORS] == []
    assert len(missed) <= 1  # 3 of 4 at least


def test_no_process_question_or_aside_is_shown_as_a_finding(bullets_run) -> None:
    quotes = [text for kind, text, _ in html_outline(bullets_run.html) if kind == "quote"]
    shown = [n for n in NOT_FINDINGS if any(q.startswith(n) for q in quotes)]
    assert [n for n in shown if n not in CODER_ERRORS] == []
    assert len(shown) <= 1


def test_the_mentors_are_not_named_and_the_second_is_not_the_first(bullets_run) -> None:
    page = bullets_run.html.read_text(encoding="utf-8")
    for name in ("Adaeze", "Nwosu", "Sunita", "Rao", "Graham", "Pell"):
        assert name not in page


def test_the_word_document_has_the_same_sections_and_quotes_as_the_page(bullets_run
                                                                         ) -> None:
    page, document = html_outline(bullets_run.html), docx_outline(bullets_run.docx)
    headings = [(k, t) for k, t, _ in page if k != "quote"]
    assert len(headings) > 10 and any(t == "Good practice" for _, t in headings)
    assert headings == [(k, t) for k, t, _ in document if k != "quote"]
    quotes = [q for q in page if q[0] == "quote"]
    assert len(quotes) >= 6
    assert quotes == [q for q in document if q[0] == "quote"]
