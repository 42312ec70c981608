"""The mentor chooses the quotes: a review workbook lists every quote the sheet could show
with keep/drop; the choices go into the project store, and the sheet (HTML and Word) then
shows exactly the kept quotes, run after run, whatever the machine would pick."""
from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from rmresearch import feedback
from rmresearch.errors import InputError
from rmresearch.feedback.review import REVIEW_COLUMNS, read_review, write_review

from .pair_tables import CODED_COLUMNS as COLUMNS
from .pair_tables import pair_tables
from .sheet_text import docx_outline, findings_on_sheet, html_outline

def _tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    docs = [
        ("P-int-1", "interview", "mentor", "session_1", "2024-01-10"),
        ("P-obs-1", "observation", "mentor", "session_1", "2024-01-12"),
        ("P-int-2", "interview", "mentor", "session_2", "2024-02-10"),
    ]
    rows = [
        ("a", "P-int-1", "mentee", "individual", "positive", 0.95,
         "I now ask the quietest person in the huddle to speak first."),
        ("b", "P-int-1", "mentee", "individual", "positive", 0.90,
         "I learnt the names of all the new domestic staff this month."),
        ("c", "P-obs-1", "mentor", "individual", "positive", 0.85,
         "He thanked the porters by name at the start of the meeting."),
        ("d", "P-int-2", "mentee", "individual", "positive", 0.60,
         "I try to stay for the whole of the night shift handover now."),
        ("e", "P-obs-1", "mentor", "individual", "attention", 0.90,
         "He talked over the healthcare assistant twice in the huddle."),
        ("f", "P-int-2", "mentee", "individual", "attention", 0.80,
         "I sometimes cut people short when the ward is busy, I know."),
    ]
    return pair_tables(docs, rows)


def _choices(**keep: bool) -> pd.DataFrame:
    return pd.DataFrame([(s, "individual", k) for s, k in keep.items()],
                        columns=["segment_id", "code", "keep"])


def _shown(fb) -> set[str]:
    return set(fb.quotes["segment_id"])


# --------------------------------------------------------------------------- choices
def test_without_choices_the_machine_picks_and_every_candidate_is_listed() -> None:
    coded, docs = _tables()
    fb = feedback.pair_feedback(coded, None, docs, "P", quotes=2)
    assert _shown(fb) == {"a", "c", "e", "f"}  # two per finding, seen and said take turns
    cand = fb.candidates.set_index("segment_id")
    assert set(cand.index) == set("abcdef")
    assert cand["shown"].to_dict() == {"a": True, "b": False, "c": True, "d": False,
                                       "e": True, "f": True}
    assert set(cand["chosen"]) == {""}


def test_kept_quotes_are_shown_dropped_never_and_the_rest_follow_the_machine() -> None:
    coded, docs = _tables()
    fb = feedback.pair_feedback(coded, None, docs, "P", quotes=2,
                                choices=_choices(a=False, b=True, d=True))
    # a dropped; b and d kept beyond the two the machine would show; c still the
    # machine's pick (not chosen); e, f not chosen and picked
    assert _shown(fb) == {"b", "c", "d", "e", "f"}
    assert "a" not in set(fb.congruence["said_quote"].str[:1])
    profile = fb.profile.set_index("code")
    assert profile.loc["individual", "n_positive"] == 3  # the dropped passage is not counted
    cand = fb.candidates.set_index("segment_id")
    assert cand.loc["a", "chosen"] == "drop" and not cand.loc["a", "shown"]
    assert cand.loc["d", "chosen"] == "keep" and cand.loc["d", "shown"]


def test_once_every_candidate_is_chosen_the_sheet_shows_exactly_the_kept_ones() -> None:
    coded, docs = _tables()
    fb = feedback.pair_feedback(coded, None, docs, "P", quotes=3, choices=_choices(
        a=False, b=False, c=True, d=True, e=False, f=True))
    assert _shown(fb) == {"c", "d", "f"}
    cong = fb.congruence.set_index(["code", "valence"])
    # the congruence quotes come from the kept ones only
    assert cong.loc[("individual", "positive"), "said_quote"].startswith("I try to stay")
    assert cong.loc[("individual", "attention"), "seen_quote"] == ""
    assert cong.loc[("individual", "attention"), "said_quote"].startswith("I sometimes")


def test_a_new_machine_coder_keeps_the_mentors_choices() -> None:
    """Re-coded with other scores (a new machine coder), and a new passage added: the
    choices stand; the new passage follows the machine until chosen."""
    coded, docs = _tables()
    recoded = coded.assign(score=coded["score"][::-1].to_numpy())
    extra = pd.DataFrame([("g", "P-int-2", "mentee", "individual", "positive", 0.99,
                           "I booked myself on the race equality training for managers.")],
                         columns=COLUMNS).merge(
        docs[["doc_id", "source", "stage", "cohort", "pair_id"]], on="doc_id")
    recoded = pd.concat([recoded, extra.assign(start=99)], ignore_index=True)
    fb = feedback.pair_feedback(recoded, None, docs, "P", quotes=2,
                                choices=_choices(a=False, b=True, c=False, d=True))
    positive = set(fb.quotes.loc[fb.quotes["valence"] == "positive", "segment_id"])
    assert positive == {"b", "d", "g"}


# --------------------------------------------------------------------------- the workbook
def _workbook(tmp_path: Path, fn=lambda t: t) -> Path:
    coded, docs = _tables()
    fb = feedback.pair_feedback(coded, None, docs, "P", quotes=2).map_text(fn)
    return write_review(fb, tmp_path / "quotes.xlsx")


def _segments() -> pd.DataFrame:
    return pd.DataFrame({"segment_id": list("abcdef") + ["x1"], "pair_id": ["P"] * 6 + ["Q"]})


def test_the_workbook_lists_every_candidate_with_keep_drop_and_safe_cells(tmp_path: Path
                                                                           ) -> None:
    path = _workbook(tmp_path, lambda t: "=HYPERLINK(\"http://x\",\"y\") " + t)
    sheet = openpyxl.load_workbook(path)["quotes"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == REVIEW_COLUMNS
    keep = {r[1]: r[-1] for r in rows[1:]}
    assert keep == {"a": "keep", "b": "drop", "c": "keep", "d": "drop", "e": "keep",
                    "f": "keep"}
    quote = sheet.cell(row=2, column=REVIEW_COLUMNS.index("quote") + 1)
    assert quote.value.startswith("'=HYPERLINK") and quote.data_type == "s"
    rules = sheet.data_validations.dataValidation
    assert len(rules) == 1 and rules[0].formula1 == '"keep,drop"'
    assert str(rules[0].sqref) == "J2:J7"
    chosen = read_review(path, "P", _segments())
    assert dict(zip(chosen["segment_id"], chosen["keep"])) == {
        "a": True, "b": False, "c": True, "d": False, "e": True, "f": True}


def _edit(path: Path, row: int, column: str, value: str) -> Path:
    book = openpyxl.load_workbook(path)
    book["quotes"].cell(row=row, column=REVIEW_COLUMNS.index(column) + 1, value=value)
    book.save(path)
    return path


@pytest.mark.parametrize("column, value, message", [
    ("keep", "maybe",
     "row 3: keep 'maybe' is not a choice (allowed: 'keep' or 'drop', or empty)"),
    ("evidence_id", "zz", "row 3: 'zz' is not a passage of pair P"),
    ("evidence_id", "x1", "row 3: 'x1' is not a passage of pair P"),
    ("level", "team", "row 3: level 'team' is not a level"),
    ("pair", "Q", "row 3: the row is for pair 'Q', not 'P'"),
])
def test_a_wrong_row_is_refused_naming_the_file_and_row(tmp_path: Path, column: str,
                                                         value: str, message: str) -> None:
    path = _edit(_workbook(tmp_path), 3, column, value)
    with pytest.raises(InputError) as caught:
        read_review(path, "P", _segments())
    assert str(path) in str(caught.value) and message in str(caught.value)
    assert "Nothing was stored" in str(caught.value)


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    for name, data in (("quotes.csv", b"pair,evidence_id\n"), ("quotes.xlsx", b"not a zip")):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(InputError) as caught:
            read_review(tmp_path / name, "P", _segments())
        assert name in str(caught.value)


# --------------------------------------------------------------------------- end to end
def _sheet_quotes(path: Path) -> set[tuple[str, str, str]]:
    return set(findings_on_sheet(html_outline(path)))


def _store_choices(store: Path, pair: str) -> pd.DataFrame:
    from rmresearch.store import ProjectStore

    with ProjectStore.open_existing(store) as st:
        return st.sheet_choices(pair)


def test_the_mentors_choices_make_the_sheet_and_stay(bullets_run, tmp_path: Path) -> None:
    from rmresearch.cli import main

    run = bullets_run
    rows = pd.read_excel(run.review, sheet_name="quotes", dtype=str).fillna("")
    assert list(rows.columns) == REVIEW_COLUMNS and set(rows["pair"]) == {run.pair}
    first = _sheet_quotes(run.html)
    kept = {(r.level, r.valence, r.quote) for r in rows.itertuples() if r.keep == "keep"}
    assert kept == first and len(first) >= 6  # pre-filled with what the sheet shows
    # the mentor drops the first quote shown and keeps every other candidate
    review = shutil.copy(run.review, tmp_path / "mine.xlsx")
    dropped = rows.index[rows["keep"] == "keep"][0]
    book = openpyxl.load_workbook(review)
    for i in rows.index:
        book["quotes"].cell(row=i + 2, column=len(REVIEW_COLUMNS),
                            value="drop" if i == dropped else "keep")
    book.save(review)
    wanted = {(r.level, r.valence, r.quote) for i, r in enumerate(rows.itertuples())
              if i != dropped}
    out2, out3 = tmp_path / "out2", tmp_path / "out3"
    common = ["--store", str(run.store), "--pair", run.pair, "--quotes", "1"]
    assert main(["feedback", *common, "--output", str(out2), "--review", str(review)]) == 0
    second = out2 / run.html.name
    assert _sheet_quotes(second) == wanted  # even beyond one quote per finding
    assert set(findings_on_sheet(docx_outline(second.with_suffix(".docx")))) == wanted
    gone = tuple(rows.loc[dropped, ["level", "valence", "quote"]])
    assert gone in first and gone not in wanted
    stored = _store_choices(run.store, run.pair)
    assert len(stored) == len(rows) and (~stored["keep"]).sum() == 1
    # a later plain run uses the choices and writes none
    assert main(["feedback", *common, "--output", str(out3)]) == 0
    assert _sheet_quotes(out3 / run.html.name) == wanted
    pd.testing.assert_frame_equal(_store_choices(run.store, run.pair), stored)


@pytest.mark.parametrize("problem", ["keep", "pair", "id", "not xlsx"])
def test_cli_refuses_a_bad_review_file_and_stores_nothing(bullets_run, tmp_path: Path,
                                                          capsys, problem: str) -> None:
    from rmresearch.cli import main

    run = bullets_run
    path = Path(shutil.copy(run.review, tmp_path / "bad.xlsx"))
    if problem == "not xlsx":
        path = path.with_suffix(".docx")
        shutil.copy(run.docx, path)
    else:
        column, value = {"keep": ("keep", "yes"), "pair": ("pair", "B1-P09"),
                         "id": ("evidence_id", "no-such#passage")}[problem]
        _edit(path, 2, column, value)
    before = _store_choices(run.store, run.pair)
    code = main(["feedback", "--store", str(run.store), "--pair", run.pair, "--output",
                 str(tmp_path / "out"), "--review", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and path.name in err and "Traceback" not in err
    if problem != "not xlsx":
        assert "row 2" in err
    assert not (tmp_path / "out").exists()
    pd.testing.assert_frame_equal(_store_choices(run.store, run.pair), before)


def test_choices_for_passages_no_longer_coded_do_no_harm() -> None:
    """A choice whose passage is gone (the notes changed, or nothing is coded yet) is
    ignored; a pair with choices and no evidence gives an empty sheet, not an error."""
    coded, docs = _tables()
    fb = feedback.pair_feedback(coded.iloc[0:0], None, docs, "P",
                                choices=_choices(a=False, zz=True))
    assert fb.quotes.empty and fb.candidates.empty
    assert set(fb.congruence["said_quote"]) == {""}
    fb = feedback.pair_feedback(coded, None, docs, "P", quotes=2, choices=_choices(zz=False))
    assert _shown(fb) == {"a", "c", "e", "f"}  # as with no choices at all


def test_a_finding_with_no_quote_kept_is_listed_without_an_empty_quote() -> None:
    """Said in private, with the one passage the machine would quote kept by the mentor
    from a journal and the weak interview passage not chosen: the congruence section names
    the finding and shows no empty quote."""
    from rmresearch.feedback.sections import congruence_blocks

    coded, docs = _tables()
    docs = pd.concat([docs, docs.iloc[[0]].assign(doc_id="P-jnl-1", source="journal",
                                                   author_role="mentee")], ignore_index=True)
    rows = pd.DataFrame([
        ("j", "P-jnl-1", "mentee", "symbolic", "positive", 0.95,
         "I asked for the new staff photographs to show the whole team."),
        ("k", "P-int-1", "mentee", "symbolic", "positive", 0.40,
         "We changed the pictures in the main corridor last month."),
    ], columns=COLUMNS).merge(docs[["doc_id", "source", "stage", "cohort", "pair_id"]],
                              on="doc_id")
    coded = pd.concat([coded, rows.assign(start=[50, 51])], ignore_index=True)
    fb = feedback.pair_feedback(coded, None, docs, "P", quotes=1, choices=_choices(a=True))
    cong = fb.congruence.set_index(["code", "valence"]).loc[("symbolic", "positive")]
    assert cong["status"] == "said in private only" and cong["said_quote"] == ""
    blocks = congruence_blocks(fb)
    assert "Symbolic level, good practice:" in [b.text for b in blocks]
    assert all(b.text for b in blocks if b.kind == "quote")


def test_cli_refuses_a_review_file_name_that_is_not_xlsx(bullets_run, tmp_path: Path,
                                                          capsys) -> None:
    from rmresearch.cli import main

    code = main(["feedback", "--store", str(bullets_run.store), "--pair", bullets_run.pair,
                 "--output", str(tmp_path / "out"), "--review-file",
                 str(tmp_path / "quotes.csv")])
    err = capsys.readouterr().err
    assert code == 2 and "quotes.csv" in err and "ending .xlsx" in err
    assert not (tmp_path / "out").exists()
