"""The synthetic data generator: deterministic, valid manifest, truth found verbatim."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest

from rmresearch.errors import InputError
from rmresearch.ingest import ingest_folder
from rmresearch.vocabulary import ROLES
from rmresearch.synthetic.generator import (FINDINGS_COLUMNS, MANIFEST_COLUMNS, PEOPLE_COLUMNS,
                                  generate)

from tests.conftest import REPO  # noqa: E402
COMMITTED = REPO / "data" / "synthetic"
LEVELS = ("individual", "departmental", "organisational", "symbolic")
SOURCES = {"interview", "observation", "inspection", "journal", "feedback_form",
           "staff_feedback"}
FORM_STAGES = {"enrolment", "post_training", "midpoint", "end"}


def decode(data: bytes) -> str:
    """BOM sniffing: utf-8-sig, utf-16, else utf-8, else cp1252; newlines normalised to LF."""
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def document_text(path: Path) -> str:
    """The text of one generated file, as a reader would see it."""
    if path.suffix == ".docx":
        return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    if path.suffix == ".xlsx":
        sheet = openpyxl.load_workbook(path, read_only=True).active
        return "\n".join(str(cell) for row in sheet.iter_rows(values_only=True)
                         for cell in row if cell is not None)
    text = decode(path.read_bytes())
    if path.suffix == ".csv":
        return "\n".join(cell for row in csv.reader(io.StringIO(text)) for cell in row)
    return text


def read(root: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(root / name, dtype=str, keep_default_na=False)


def all_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("synthetic") / "out"
    generate(root, seed=11, cohorts=2, pairs=2)
    return root


def test_same_seed_gives_identical_bytes(small: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(again, seed=11, cohorts=2, pairs=2)
    first, second = all_files(small), all_files(again)
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert different == []


def test_different_seeds_give_different_text(small: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate(other, seed=12, cohorts=2, pairs=2)
    texts_a = set(read(small, "truth/findings.csv")["text"])
    texts_b = set(read(other, "truth/findings.csv")["text"])
    assert len(texts_a ^ texts_b) > len(texts_a) // 2


def test_manifest_columns_and_values(small: Path) -> None:
    with (small / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == MANIFEST_COLUMNS
    manifest = read(small, "manifest.csv")
    assert manifest["doc_id"].is_unique
    assert set(manifest["source"]) == SOURCES
    assert set(manifest["cohort"]) == {"C1", "C2"}
    assert set(manifest["author_role"]) <= {"mentor", "mentee", "programme", "staff"}
    for row in manifest.itertuples():
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row.date) and date.fromisoformat(row.date)
        assert "\\" not in row.file and not row.file.startswith("/")
        assert (small / row.file).is_file(), row.file
        assert row.file.startswith(f"{row.cohort}/")
        if row.source == "feedback_form":
            assert (row.pair_id, row.mentor, row.mentee, row.author_role) == ("", "", "", "programme")
            assert row.stage in FORM_STAGES
            assert row.file.startswith(f"{row.cohort}/forms/evaluation_{row.stage}.")
        else:
            assert re.fullmatch(r"C\d+-P\d{2,}", row.pair_id) and row.pair_id.startswith(row.cohort)
            assert row.file.startswith(row.pair_id.replace("-", "/") + "/")
            assert re.fullmatch(r"session_[123]", row.stage)
            assert row.mentor and row.mentee
            if row.source == "staff_feedback":
                assert row.author_role == "staff"
                assert row.pair_id.endswith(("02", "05", "08"))
            elif row.source != "journal":
                assert row.author_role == "mentor"
            else:
                assert row.author_role in {"mentor", "mentee"}
    forms = manifest[manifest["source"] == "feedback_form"]
    for cohort, group in forms.groupby("cohort"):
        assert {"enrolment", "end"} <= set(group["stage"]), cohort
    assert not (small / "truth").joinpath("findings.csv").as_posix() in set(manifest["file"])
    assert not manifest["file"].str.startswith("truth/").any()


def test_forms_have_stable_respondents_and_likert_scores(small: Path) -> None:
    manifest = read(small, "manifest.csv")
    forms = manifest[(manifest["source"] == "feedback_form") & (manifest["cohort"] == "C1")]
    respondents = []
    for row in forms.itertuples():
        path = small / row.file
        table = pd.read_excel(path) if path.suffix == ".xlsx" else pd.read_csv(
            io.StringIO(decode(path.read_bytes())))
        assert list(table.columns[:2]) == ["respondent_id", "role"]
        scores = table["conf_talk_race_senior"].dropna()
        assert scores.between(1, 10).all() and (scores == scores.round()).all()
        respondents.append(sorted(table["respondent_id"]))
    assert respondents[0] == ["C1-P01-L", "C1-P01-M", "C1-P02-L", "C1-P02-M"]
    assert all(r == respondents[0] for r in respondents)


def test_truth_sentences_appear_verbatim(small: Path) -> None:
    manifest = read(small, "manifest.csv").set_index("doc_id")
    truth = read(small, "truth/findings.csv")
    assert list(truth.columns) == FINDINGS_COLUMNS
    texts = {doc_id: document_text(small / row.file) for doc_id, row in manifest.iterrows()}
    missing = [(r.doc_id, r.text) for r in truth.itertuples() if r.text not in texts[r.doc_id]]
    assert missing == []
    assert set(truth["role"]) == set(ROLES)
    for row in truth.itertuples():
        assert row.valence in {"positive", "attention", "neutral"}
        if row.role != "finding":
            assert (row.levels, row.valence) == ("none", "neutral"), row
        else:
            levels = row.levels.split(";")
            assert levels == [lev for lev in LEVELS if lev in levels]
            assert row.valence != "neutral"
        assert (row.cohort, row.pair_id, row.source) == (
            manifest.loc[row.doc_id, "cohort"], manifest.loc[row.doc_id, "pair_id"],
            manifest.loc[row.doc_id, "source"])
    assert (truth["levels"] != "none").sum() > 100
    assert truth["levels"].str.contains(";").any()


def test_people_are_listed_and_named_in_the_text(small: Path) -> None:
    manifest = read(small, "manifest.csv")
    people = read(small, "truth/people.csv")
    assert list(people.columns) == PEOPLE_COLUMNS
    assert set(people["role"]) == {"mentor", "mentee", "staff"}
    pairs = manifest[manifest["pair_id"] != ""].groupby("pair_id")
    for pair_id, docs in pairs:
        listed = people[people["pair_id"] == pair_id]
        assert set(listed.loc[listed.role == "mentor", "name"]) == set(docs["mentor"])
        assert set(listed.loc[listed.role == "mentee", "name"]) == set(docs["mentee"])
        cohort = docs["cohort"].iloc[0]
        forms = manifest[(manifest["cohort"] == cohort) & (manifest["pair_id"] == "")]
        text = "\n".join(document_text(small / f) for f in [*docs["file"], *forms["file"]])
        for name in listed["name"]:
            first, last = name.split(" ", 1)
            assert first in text or last in text, (pair_id, name)


def test_office_files_have_fixed_timestamps(small: Path) -> None:
    manifest = read(small, "manifest.csv")
    office = manifest[manifest["file"].str.endswith((".docx", ".xlsx"))]
    assert len(office) > 0
    for row in office.itertuples():
        when = date.fromisoformat(row.date)
        with zipfile.ZipFile(small / row.file) as package:
            stamps = {info.date_time for info in package.infolist()}
            core = package.read("docProps/core.xml").decode("utf-8")
        assert stamps == {(when.year, when.month, when.day, 9, 0, 0)}
        assert f"{row.date}T09:00:00Z" in core


def test_refuses_a_folder_that_is_not_a_synthetic_set(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError):
        generate(tmp_path, cohorts=1, pairs=1, sessions=1)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_regenerating_replaces_the_previous_set(tmp_path: Path) -> None:
    generate(tmp_path, seed=3, cohorts=2, pairs=2, sessions=2)
    manifest = generate(tmp_path, seed=3, cohorts=1, pairs=1, sessions=1)
    files = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert files == set(manifest["file"]) | {"manifest.csv", "truth/findings.csv",
                                             "truth/people.csv", "codings/coder_a.csv",
                                             "codings/coder_b.csv"}


def test_simulated_coders_code_a_sample_close_to_the_truth(tmp_path: Path) -> None:
    import pandas as pd

    generate(tmp_path, seed=3, cohorts=1, pairs=2, sessions=2, human_sample=60)
    a = pd.read_csv(tmp_path / "codings" / "coder_a.csv")
    b = pd.read_csv(tmp_path / "codings" / "coder_b.csv")
    assert list(a.columns) == ["segment_id", "individual", "departmental", "organisational",
                               "symbolic", "valence"]
    assert a["segment_id"].tolist() == b["segment_id"].tolist() and len(a) == 60
    levels = ["individual", "departmental", "organisational", "symbolic"]
    agreement = (a[levels].to_numpy() == b[levels].to_numpy()).mean()
    assert 0.8 < agreement < 1.0


# --------------------------------------------------------------------------- committed set
def test_committed_set_matches_the_generator(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    generate(fresh, seed=7)
    committed = {k: v for k, v in all_files(COMMITTED).items() if not k.startswith(".")}
    regenerated = all_files(fresh)
    assert sorted(committed) == sorted(regenerated)
    assert [name for name in committed if committed[name] != regenerated[name]] == []


def test_committed_set_has_every_format_and_encoding() -> None:
    manifest = read(COMMITTED, "manifest.csv")
    suffixes = {Path(f).suffix for f in manifest["file"]}
    assert {".vtt", ".docx", ".txt", ".md", ".xlsx", ".csv"} <= suffixes
    raw = [(COMMITTED / f).read_bytes() for f in manifest["file"]
           if not f.endswith((".docx", ".xlsx"))]
    assert any(b.startswith(b"\xef\xbb\xbf") for b in raw)
    assert any(b.startswith(b"\xff\xfe") for b in raw)
    assert any(b"\r\n" in b for b in raw)

    def is_cp1252(data: bytes) -> bool:
        if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe")):
            return False
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return True
        return False

    assert any(is_cp1252(b) for b in raw)
    size = sum(p.stat().st_size for p in COMMITTED.rglob("*") if p.is_file())
    assert size < 5_000_000


def test_committed_cohorts_differ_in_level_and_valence_mix() -> None:
    truth = read(COMMITTED, "truth/findings.csv")
    findings = truth[truth["levels"] != "none"]
    shares = {}
    for cohort, group in findings.groupby("cohort"):
        counts = group["levels"].str.split(";").explode().value_counts(normalize=True)
        shares[cohort] = counts.reindex(list(LEVELS), fill_value=0.0)
    assert shares["C1"].idxmax() == "individual"
    assert shares["C3"].idxmax() == "symbolic"
    assert shares["C2"][["departmental", "organisational"]].sum() > 0.5
    distance = (shares["C1"] - shares["C3"]).abs().sum() / 2
    assert distance > 0.15
    positive = findings.groupby("cohort")["valence"].apply(lambda v: (v == "positive").mean())
    assert positive["C1"] < positive["C2"] < positive["C3"]


# --------------------------------------------------------------------------- how real it reads
def planted(root: Path) -> pd.DataFrame:
    """Every segment of a data folder with the truth row it is (or, failing that, the longest
    it holds: a clock time may precede a field note); NaN where none."""
    segments = ingest_folder(root).segments
    truth = read(root, "truth/findings.csv")
    by_doc = {doc: list(group.itertuples()) for doc, group in truth.groupby("doc_id")}
    rows = []
    for seg in segments.itertuples():
        rows_of_doc = by_doc.get(seg.doc_id, [])
        hits = [t for t in rows_of_doc if t.text == seg.text] or sorted(
            (t for t in rows_of_doc if t.text in seg.text), key=lambda t: -len(t.text))
        rows.append((hits[0].role, hits[0].text == seg.text) if hits else (None, False))
    found = pd.DataFrame(rows, columns=["role", "exact"], index=segments.index)
    return pd.concat([segments, found], axis=1)


@pytest.fixture(scope="module")
def bundled() -> pd.DataFrame:
    return planted(COMMITTED)


def test_committed_segments_are_distinct_and_all_planted(bundled: pd.DataFrame) -> None:
    assert len(bundled) > 4000
    assert bundled["text"].nunique() / len(bundled) >= 0.9
    assert bundled["role"].notna().all(), bundled.loc[bundled["role"].isna(), "text"].head()
    # a segment is one planted sentence, fragment or heading (a clock time may precede it)
    inexact = bundled.loc[~bundled["exact"], "text"]
    assert inexact.str.match(r"^\[\d{1,2}:\d{2}\] ").all(), inexact.head()


def test_headings_are_lines_of_their_own_and_vary(bundled: pd.DataFrame) -> None:
    truth = read(COMMITTED, "truth/findings.csv")
    headings = truth[truth["role"] == "heading"]
    assert len(headings) > 100
    texts = set(zip(bundled["doc_id"], bundled["text"]))
    assert all((r.doc_id, r.text) in texts for r in headings.itertuples())
    assert headings["text"].nunique() / len(headings) > 0.85
    manifest = read(COMMITTED, "manifest.csv")
    notes = manifest[manifest["source"].isin(["observation", "inspection", "journal"])]
    headed = set(headings["doc_id"])
    assert 0.6 < notes["doc_id"].isin(headed).mean() < 0.95  # some documents have none
    content = bundled[bundled["role"] != "heading"]
    assert not content["text"].str.contains(r"session \d+ *$", case=False).any()


def test_questions_and_pleasantries_come_at_realistic_rates(bundled: pd.DataFrame) -> None:
    talks = bundled[bundled["source"] == "interview"]
    per_doc = talks.groupby("doc_id")["role"].value_counts().unstack(fill_value=0)
    assert 1.5 < per_doc["question"].mean() < 4.5
    assert per_doc["logistics"].mean() < 6
    assert (per_doc["finding"] > per_doc["question"] * 2).mean() > 0.9
    shares = bundled["role"].value_counts(normalize=True)
    assert shares["finding"] > 0.55 and shares["question"] < 0.08 and shares["logistics"] < 0.2


def test_the_committed_set_has_several_registers(bundled: pd.DataFrame) -> None:
    findings = bundled[bundled["role"] == "finding"]
    obs = findings[findings["source"] == "observation"]["text"]
    terse = obs[~obs.str.contains(r"[.!?]$")]
    assert len(terse) > 50 and terse.str.contains(r"\b(?:w/|re|mtg|dept|HCAs?)\b").any()
    spoken = findings[findings["source"] == "interview"]["text"]
    assert spoken.str.match(r"^(?:Um|Er|So|Well|I mean),").sum() > 20
    assert spoken.str.contains(r" - ").sum() > 20                      # false starts
    assert spoken.str.contains(r"\b(?:our mentee|told us)\b", case=False).sum() > 50  # write-ups
    form = bundled[bundled["source"] == "feedback_form"]
    words = form["text"].str.split().str.len()
    assert (words <= 3).sum() >= 5 and (words >= 12).sum() >= 20
    assert form.groupby("doc_id").size().min() > 5
