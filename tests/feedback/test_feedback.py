"""The mentor's feedback sheet: one pair, run once through the CLI and its notebook."""
from __future__ import annotations

import html
import re
from pathlib import Path
from types import SimpleNamespace

import docx
import pandas as pd
import pytest

from rmresearch import errors, feedback
from rmresearch.cli import app, main
from rmresearch.errors import FeedbackRunError, InputError, RmResearchError, StoreError
from rmresearch.feedback import SECTIONS
from rmresearch.synthetic.generator import generate

from .pair_tables import pair_tables

PAIR = "C1-P02"  # the generator gives every third pair (P02, P05 ...) staff feedback


def _register() -> None:
    names = {c.name for c in app.registered_commands}
    if "feedback" not in names:
        from rmresearch.cli import feedback as cli_feedback

        cli_feedback.register(app)


@pytest.fixture(scope="session")
def fb_data(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("feedback") / "data"
    generate(root, seed=3, cohorts=1, pairs=3, sessions=3, human_sample=0)
    return root


@pytest.fixture(scope="session")
def fb_run(fb_data: Path, tmp_path_factory) -> SimpleNamespace:
    """``rmresearch feedback`` once (papermill runs the notebook and writes the sheet).

    The store is ingested and coded here first, in this process, so that the notebook kernel
    does not load and fit the coder a second time: fitting dominates the run time.
    """
    from rmresearch.project import prepare_project

    _register()
    base = tmp_path_factory.mktemp("feedback_run")
    store, out = base / "project.rmproj", base / "out"
    prepare_project(fb_data, store)
    code = main(["feedback", "--store", str(store), "--pair", PAIR, "--output", str(out)])
    assert code == 0
    return SimpleNamespace(store=store, out=out, key=store.with_name(store.name + ".key.json"),
                           html=out / f"feedback_{PAIR}.html", docx=out / f"feedback_{PAIR}.docx")


@pytest.fixture(scope="session")
def store_tables(fb_run) -> SimpleNamespace:
    from rmresearch.privacy import PseudonymKey, Pseudonymiser
    from rmresearch.store import ProjectStore

    with ProjectStore.open(fb_run.store) as st:
        docs = st.documents()
    ps = Pseudonymiser(PseudonymKey.load(fb_run.key), add_identifiers=False)
    docs = docs.assign(pseudo=[ps.text(t) for t in docs["text"]])
    return SimpleNamespace(docs=docs, ps=ps)


def _quotes_in_html(text: str) -> list[str]:
    return [html.unescape(q) for q in
            re.findall(r"<blockquote><p>\u201c(.*?)\u201d</p>", text, flags=re.S)]


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def _people(data: Path) -> pd.DataFrame:
    return pd.read_csv(data / "truth" / "people.csv", dtype=str)


# --------------------------------------------------------------------------- the sheet
def test_sheet_has_every_section(fb_run) -> None:
    page = fb_run.html.read_text(encoding="utf-8")
    for title in SECTIONS.values():
        assert html.escape(title) in page, title
    assert "<script" not in page and "open_report" not in page and "Traceback" not in page
    assert page.count("<blockquote>") >= 8 and page.count("data:image/png;base64,") == 2
    tables = sorted(p.name for p in (fb_run.out / "tables").glob("*.csv"))
    assert {"profile.csv", "quotes.csv", "congruence.csv", "change.csv", "gaps.csv",
            "staff.csv"} <= set(tables)
    assert (fb_run.out / "notebook" / "mentor_feedback.html").is_file()


def test_docx_opens_with_the_headings(fb_run) -> None:
    document = docx.Document(str(fb_run.docx))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading",
                                                                                "Title"))]
    assert headings[0].startswith("Reverse mentoring feedback for Leader ")
    for title in SECTIONS.values():
        assert title in headings, title
    assert document.tables and document.inline_shapes
    page_quotes = _quotes_in_html(fb_run.html.read_text(encoding="utf-8"))
    assert all(q in _docx_text(fb_run.docx) for q in page_quotes)


def test_every_quote_comes_from_the_pairs_documents(fb_run, store_tables) -> None:
    docs = store_tables.docs
    own = docs[docs["pair_id"] == PAIR]
    others = docs[(docs["pair_id"] != PAIR) & docs["pair_id"].notna()]
    quotes = _quotes_in_html(fb_run.html.read_text(encoding="utf-8"))
    assert len(quotes) >= 8
    def table(name: str) -> pd.DataFrame:
        return pd.read_csv(fb_run.out / "tables" / f"{name}.csv", dtype=str,
                           keep_default_na=False)

    cong = table("congruence")
    provenance = pd.concat([table("quotes")[["quote", "doc_id"]],
                            table("staff_quotes")[["quote", "doc_id"]]]
                           + [cong[[f"{s}_quote", f"{s}_doc_id"]].set_axis(["quote", "doc_id"],
                                                                         axis=1)
                              for s in ("said", "seen")])
    provenance = provenance[provenance["quote"] != ""]
    by_doc = own.set_index("doc_id")["pseudo"]
    assert set(provenance["doc_id"]) <= set(by_doc.index)  # every source is this pair's
    for row in provenance.itertuples():
        assert row.quote in by_doc[row.doc_id], row.quote
    shared = 0
    for quote in quotes:
        assert any(quote in text for text in own["pseudo"]), quote
        assert quote in set(provenance["quote"]), quote
        # the same sentence may also occur word for word in another pair's notes (the
        # generator reuses templates); the quote still comes from this pair's document
        shared += any(quote in t for t in others["pseudo"])
    assert shared < len(quotes) / 2
    sources = own.set_index("doc_id")["source"]
    assert (sources[table("staff_quotes")["doc_id"]] == "staff_feedback").all()


def test_no_real_name_on_the_sheet(fb_run, fb_data: Path) -> None:
    people = _people(fb_data)
    texts = {"html": fb_run.html.read_text(encoding="utf-8"), "docx": _docx_text(fb_run.docx)}
    texts.update({p.name: p.read_text(encoding="utf-8") for p in
                  (fb_run.out / "tables").glob("*.csv")})
    texts["notebook"] = (fb_run.out / "notebook" / "mentor_feedback.ipynb").read_text(
        encoding="utf-8")
    pair = people[people["pair_id"] == PAIR]
    words = {w for name in pair.loc[pair["role"].isin(["mentor", "mentee"]), "name"]
             for w in name.replace("-", " ").split() if len(w) > 3}
    for where, text in texts.items():
        assert not [n for n in people["name"] if n in text], where
        assert not [w for w in words if re.search(rf"\b{re.escape(w)}\b", text)], where
    from rmresearch.privacy import PseudonymKey, leak_check
    from rmresearch.report.index import published_files

    assert [str(leak) for leak in leak_check(published_files(fb_run.out),
                                             PseudonymKey.load(fb_run.key))] == []


# --------------------------------------------------------------------------- in process
@pytest.fixture(scope="session")
def ctx(fb_run, tmp_path_factory):
    from rmresearch.report.context import open_report

    out = tmp_path_factory.mktemp("feedback_ctx")
    return open_report(store=str(fb_run.store), output=str(out), min_cell=0)


def test_revealing_names_the_leader_and_nobody_else(ctx, fb_data: Path) -> None:
    fb = feedback.pair_feedback(ctx.coded(), ctx.project.segments, ctx.project.documents,
                                PAIR).map_text(ctx.text)
    published = feedback.publish_feedback(ctx, fb)
    paths = feedback.write_for(ctx, published, reveal_leader=True)
    people = _people(fb_data)
    leader = people[(people["pair_id"] == PAIR) & (people["role"] == "mentee")]["name"].iloc[0]
    hidden = feedback.sheet_names(ctx, PAIR, reveal_leader=False)
    shown = feedback.sheet_names(ctx, PAIR, reveal_leader=True)
    assert re.fullmatch(r"Leader [A-Z]", hidden.leader) and not hidden.revealed
    assert shown.leader == leader and shown.revealed and shown.mentor == hidden.mentor
    for text in (paths["html"].read_text(encoding="utf-8"), _docx_text(paths["docx"])):
        assert f"Reverse mentoring feedback for {leader}" in text
        assert not [n for n in people["name"] if n != leader and n in text]
        assert not re.search(rf"{hidden.leader}(?![A-Za-z])", text)
        assert f"From {hidden.mentor} " in text


def test_a_pair_without_staff_feedback_has_no_360_section(ctx, tmp_path: Path) -> None:
    fb = feedback.pair_feedback(ctx.coded(), ctx.project.segments, ctx.project.documents,
                                "C1-P01").map_text(ctx.text)
    assert not fb.has_staff and fb.staff_quotes.empty
    assert fb.gaps["gap"].str.contains("360-degree").any()
    paths = feedback.write_sheet(fb, tmp_path, feedback.sheet_names(ctx, "C1-P01"))
    page = paths["html"].read_text(encoding="utf-8")
    assert SECTIONS["staff"] not in page and SECTIONS["gaps"] in page
    again = feedback.write_sheet(fb, tmp_path / "again",
                                 feedback.sheet_names(ctx, "C1-P01"))
    assert again["docx"].read_bytes() == paths["docx"].read_bytes()


def test_suppressed_counts_leave_the_figures_off(fb_run, tmp_path: Path) -> None:
    from rmresearch.report.context import open_report

    strict = open_report(store=str(fb_run.store), output=str(tmp_path), min_cell=5)
    fb = feedback.pair_feedback(strict.coded(), strict.project.segments,
                                strict.project.documents, PAIR).map_text(strict.text)
    published = feedback.publish_feedback(strict, fb)
    assert "<5" in set(published.profile["n_said"].astype(str)) | set(
        published.change["n_positive"].astype(str))
    feedback.show_figure(strict, fb, "profile")
    assert not (tmp_path / "figures").exists()
    page = feedback.write_for(strict, published)["html"].read_text(encoding="utf-8")
    assert "&lt;5" in page and "data:image/png" not in page
    assert "shown as &lt;5" in page


def test_few_staff_notes_are_counted_but_not_quoted(ctx) -> None:
    fb = feedback.pair_feedback(ctx.coded(), ctx.project.segments, ctx.project.documents,
                                PAIR, staff_min=99)
    assert fb.has_staff and not fb.staff_quoted and fb.staff_quotes.empty
    assert fb.staff[["n_staff_positive", "n_staff_attention"]].to_numpy().sum() > 0
    blocks = feedback.sheet_blocks(fb, feedback.SheetNames("Leader B", "Mentor B"))
    texts = " ".join(b.text for b in blocks)
    assert SECTIONS["staff"] in texts and "not quoted word for word" in texts


# --------------------------------------------------------------------------- bad input
def test_cli_unknown_pair_names_the_known_pairs(fb_data: Path, tmp_path: Path, capsys) -> None:
    _register()
    code = main(["feedback", "--data", str(fb_data), "--pair", "C1-P09", "--output",
                 str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "C1-P09" in err and "'C1-P01', 'C1-P02' or 'C1-P03'" in err
    assert not (tmp_path / "out").exists()


def test_check_pair_and_batch_jobs(tmp_path: Path) -> None:
    from rmresearch.report.jobs import feedback_jobs

    documents = pd.DataFrame({"doc_id": ["a", "b", "f"], "cohort": ["C1", "C2", "C1"],
                              "pair_id": ["C1-P01", "C2-P01", None]})
    with pytest.raises(InputError, match="'C1-P01' or 'C2-P01'"):
        feedback.check_pair(documents, "C3-P01")
    common = {"data": "", "store": "s.rmproj", "pseudonymise": True, "key": "k.json",
              "min_cell": 5, "seed": 42, "codebook": ""}
    jobs = feedback_jobs(SimpleNamespace(documents=documents), tmp_path, common,
                         cohorts=["C1"])
    assert [j.name for j in jobs] == ["feedback_C1-P01"]
    params = jobs[0].parameters
    assert params["pair"] == "C1-P01" and params["reveal_leader"] is False
    assert params["min_cell"] == 5 and params["output"].endswith("feedback/C1-P01")
    assert jobs[0].template.endswith("mentor_feedback.ipynb")
    with pytest.raises(InputError):
        feedback_jobs(SimpleNamespace(documents=documents), tmp_path, common,
                               pairs=["C9-P01"])


def test_a_missing_store_is_a_store_error_that_tells_about_data(tmp_path: Path) -> None:
    missing = tmp_path / "none.rmproj"
    with pytest.raises(StoreError) as caught:
        feedback.check_pair_exists(PAIR, store=missing)
    assert str(caught.value) == (f"{missing} does not exist; give --data to build it, or the "
                                 "path of an existing project store.")
    assert caught.value.exit_code == 2


# --------------------------------------------------------------------------- notebook errors
PROJECT_ERRORS = [n for n in errors.__all__ if isinstance(getattr(errors, n), type)]


def test_every_project_error_class_is_listed() -> None:
    assert {"RmResearchError", "InputError", "StoreError", "PseudonymKeyError", "LeakError",
            "TopicsError", "NotFittedError", "FeedbackRunError"} <= set(PROJECT_ERRORS)


@pytest.mark.parametrize("name", PROJECT_ERRORS)
def test_a_project_error_in_the_notebook_is_the_persons_error(name: str, tmp_path: Path
                                                              ) -> None:
    from rmresearch.feedback.run import notebook_error, project_error_class

    cls = getattr(errors, name)
    assert project_error_class(name) is cls
    error = notebook_error(name, "The key file is damaged.", tmp_path / "nb.ipynb")
    assert isinstance(error, RmResearchError) and str(error) == "The key file is damaged."
    assert error.exit_code == (1 if cls in (FeedbackRunError, errors.ResourceError) else 2) \
        == cls.exit_code


@pytest.mark.parametrize("name", ["ValueError", "KeyError", "ModuleNotFoundError",
                                  "describe_location", "Path", "Any", ""])
def test_any_other_error_in_the_notebook_is_a_failed_run(name: str) -> None:
    from rmresearch.feedback.run import notebook_error, project_error_class

    assert project_error_class(name) is None
    error = notebook_error(name, "boom", "out/notebook/nb.ipynb")
    assert type(error) is FeedbackRunError and error.exit_code == 1
    assert str(error) == (f"the feedback notebook stopped ({name}: boom); the partly run "
                          "notebook is out/notebook/nb.ipynb.")


@pytest.mark.parametrize("ename, exit_code", [("StoreError", 2), ("PseudonymKeyError", 2),
                                              ("TopicsError", 2), ("LeakError", 2),
                                              ("ValueError", 1)])
def test_cli_reports_a_notebook_error_by_its_class(fb_run, tmp_path: Path, capsys, monkeypatch,
                                                   ename: str, exit_code: int) -> None:
    import papermill

    def stop(*args, **kwargs):
        raise papermill.PapermillExecutionError(3, 4, "ctx = open_report(...)", ename,
                                                "The pseudonym key cannot be read.", [])

    monkeypatch.setattr(papermill, "execute_notebook", stop)
    _register()
    code = main(["feedback", "--store", str(fb_run.store), "--pair", PAIR, "--output",
                 str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == exit_code and "The pseudonym key cannot be read." in err
    assert ("partly run notebook" in err) == (exit_code == 1)


def test_every_exported_name_resolves_and_old_sheet_names_still_do() -> None:
    import sys
    import warnings

    from rmresearch.feedback import run, write
    from rmresearch.vocabulary import CONGRUENCE, KIND_OF_SOURCE, valence_words

    for name in feedback.__all__:
        assert getattr(feedback, name) is not None, name
    assert feedback.valence_label is valence_words and feedback.STATUS is CONGRUENCE
    assert feedback.KIND_OF_SOURCE is KIND_OF_SOURCE
    # the old module path rmresearch.feedback_sheet still finds the names (with a warning)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sys.modules.pop("rmresearch.feedback_sheet", None)
        import rmresearch.feedback_sheet as old
    assert any(issubclass(w.category, DeprecationWarning) for w in caught)
    assert old.run_feedback is run.run_feedback
    assert old.write_sheet is write.write_sheet and old.SECTIONS is feedback.SECTIONS
    with pytest.raises(AttributeError):
        old.no_such_name


# --------------------------------------------------------------------------- pure functions
def _evidence_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    docs = [
        ("P-int-1", "interview", "mentor", "session_1", "2024-01-10"),
        ("P-obs-1", "observation", "mentor", "session_1", "2024-01-12"),
        ("P-int-2", "interview", "mentor", "session_2", "2024-02-10"),
        ("P-jnl-2", "journal", "mentee", "session_2", "2024-02-11"),
        ("P-staff-1", "staff_feedback", "staff", "session_2", "2024-02-15"),
    ]
    rows = [  # segment, doc, speaker_role, code, valence, score, text
        ("s1", "P-int-1", "mentee", "individual", "attention", 0.9,
         "I probably talk over junior staff in meetings."),
        ("s1q", "P-int-1", "mentor", "individual", "positive", 0.9,
         "How do you thank staff after a shift?"),
        ("s2", "P-obs-1", "mentor", "individual", "attention", 0.8,
         "She talked over the healthcare assistant twice."),
        ("s3", "P-int-2", "mentee", "departmental", "positive", 0.95,
         "Our interview panels now always include a BME member."),
        ("s4", "P-int-2", "mentee", "individual", "positive", 0.9,
         "I now ask the quieter staff for their views first."),
        ("s5", "P-jnl-2", "mentee", "individual", "positive", 0.85,
         "I made a point of thanking the porters by name."),
        ("s6", "P-staff-1", "staff", "individual", "attention", 0.8,
         "She still talks over junior staff in the huddle."),
    ]
    return pair_tables(docs, rows)


def test_pair_evidence_kinds_and_provenance() -> None:
    coded, docs = _evidence_tables()
    ev = feedback.pair_evidence(coded, docs, "P")
    assert "s1q" not in set(ev["segment_id"])  # the mentor's question is not evidence
    kinds = dict(zip(ev["segment_id"], ev["kind"]))
    assert kinds == {"s1": "said", "s2": "seen", "s3": "said", "s4": "said", "s5": "journal",
                     "s6": "staff"}
    where = dict(zip(ev["segment_id"], ev["where"]))
    assert where["s5"] == "leader's journal, session 2, 11 Feb 2024"


def test_congruence_change_gaps_and_staff_view() -> None:
    coded, docs = _evidence_tables()
    fb = feedback.pair_feedback(coded, None, docs, "P")
    cong = fb.congruence.set_index(["code", "valence"])
    assert cong.loc[("individual", "attention"), "status"] == "said and seen"
    assert cong.loc[("departmental", "positive"), "status"] == "said in private only"
    assert cong.loc[("departmental", "positive"), "said_quote"].startswith("Our interview")
    assert cong.loc[("symbolic", "positive"), "status"] == "no evidence"
    trend = fb.change_summary.set_index("code")["trend"]
    assert trend["individual"] == "more good practice"
    assert trend["departmental"] == "one session only"
    assert trend["symbolic"] == "no evidence yet"
    gaps = " ".join(fb.gaps["gap"])
    assert "Nothing seen in public yet at departmental level" in gaps
    assert "No evidence yet at organisational level" in gaps
    assert "No visual inspection" in gaps and "360-degree" not in gaps
    profile = fb.profile.set_index("code")
    assert profile.loc["individual", "n"] == 4 and profile.loc["individual", "n_said"] == 2
    staff = fb.staff.set_index("code")
    assert staff.loc["individual", "n_staff_attention"] == 1
    assert fb.n_staff_notes == 1 and not fb.staff_quoted and fb.staff_quotes.empty
    assert fb.period["text"] == "2 sessions, January 2024 to February 2024"


def test_mentor_reports_are_findings_and_thanks_or_process_are_not() -> None:
    """In interview notes the mentor's report of what the leader said or did is evidence
    (kind "reported", counted as said in private); the leader's thanks to the mentors, the
    mentor's own process and questions are not, whatever level the coder gave them."""
    coded, docs = _evidence_tables()
    extra = pd.DataFrame([
        ("r1", "P-int-1", "mentor", "departmental", "attention", 0.9,
         "Our mentee was adamant that shortlisting should rest on merit alone, not on targets."),
        ("t1", "P-int-1", "mentee", "individual", "positive", 0.9,
         "Thank you both, you explained clearly what I did well and where I can improve."),
        ("m1", "P-int-1", "mentor", "organisational", "positive", 0.8,
         "I kept brief notes after each session and typed them up the same evening."),
    ], columns=["segment_id", "doc_id", "speaker_role", "code", "valence", "score", "text"])
    extra = extra.merge(docs[["doc_id", "source", "stage", "cohort", "pair_id"]], on="doc_id")
    coded = pd.concat([coded, extra.assign(start=range(100, 103))], ignore_index=True)
    ev = feedback.pair_evidence(coded, docs, "P")
    kinds = dict(zip(ev["segment_id"], ev["kind"]))
    assert kinds["r1"] == "reported" and "t1" not in kinds and "m1" not in kinds
    assert "s1q" not in kinds and set(ev["role"]) == {"finding"}
    reported = ev.set_index("segment_id").loc["r1"]
    assert reported["where"] == "interview, as the mentor reported it, session 1, 10 Jan 2024"
    fb = feedback.pair_feedback(coded, None, docs, "P")
    cong = fb.congruence.set_index(["code", "valence"])
    assert cong.loc[("departmental", "attention"), "status"] == "said in private only"
    assert cong.loc[("departmental", "attention"), "said_quote"].startswith("Our mentee")
    quotes = " ".join(fb.quotes["quote"])
    assert "Thank you both" not in quotes and "typed them up" not in quotes


def test_a_hedge_that_found_nothing_is_no_evidence_of_being_seen() -> None:
    """'I didn't detect this' after an interview finding: the congruence says said in private
    only, never said and seen; a hedge with content of its own stays a finding."""
    from rmresearch.feedback.evidence import nothing_seen

    coded, docs = _evidence_tables()
    hedge = pd.DataFrame([
        ("h1", "P-obs-1", "mentor", "departmental", "attention", 0.9,
         "I didn't detect this at the team meeting."),
    ], columns=["segment_id", "doc_id", "speaker_role", "code", "valence", "score", "text"])
    hedge = hedge.merge(docs[["doc_id", "source", "stage", "cohort", "pair_id"]], on="doc_id")
    fb = feedback.pair_feedback(pd.concat([coded, hedge.assign(start=50)], ignore_index=True),
                                None, docs, "P")
    cong = fb.congruence.set_index(["code", "valence"])
    assert "h1" not in set(feedback.pair_evidence(hedge.assign(start=50), docs, "P")
                           ["segment_id"])
    assert cong.loc[("departmental", "positive"), "status"] == "said in private only"
    assert cong.loc[("departmental", "attention"), "status"] == "no evidence"
    texts = pd.Series(["I didn't detect this.", "We did not see any of that in the huddle.",
                       "We did not observe any challenge to the banter in the huddle.",
                       "I did not see any BME staff on the panel."])
    assert nothing_seen(texts).tolist() == [True, True, False, False]
