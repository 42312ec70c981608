"""Large and odd inputs: a 50 MB transcript, a 100,000-row form export, empty cohorts, a cohort
with one pair, Unicode names and right-to-left text are handled or refused with a clear message.

Ingesting a 50 MB transcript takes under a minute and ~1.7 GB (see ``DEFAULT_MAX_FILE_MB`` in
`rmresearch.ingest`), too slow for a test: here the 50 MB file is checked against the size
limit (accepted by the default, refused up front with a clear message under a lower limit),
and segmentation of long inputs is checked on 4 MB. The report batch runs once, on a cohort
of one pair, a cohort without segments and a cohort with Unicode and right-to-left names.
"""
from __future__ import annotations

import csv
import json
import random
import time
import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from rmresearch.cli import main
from rmresearch.errors import InputError
from rmresearch.ingest import (DEFAULT_MAX_FILE_MB, MAX_FILE_MB_ENV, check_file_size,
                               ingest_folder, max_file_bytes)
from rmresearch.privacy import Pseudonymiser, build_key, leak_check
from rmresearch.report.batch import run_batch
from rmresearch.report.index import published_files
from rmresearch.store import ProjectStore

from tests.conftest import MANIFEST_HEADER, write_xlsx

MB = 1024 * 1024
SENTENCES = ["Thanks for making time today.",
             "I made a point of thanking the porters by name in the huddle.",
             "Our shortlisting panel was all white, though.",
             "We talked about how the board hears staff voices.",
             "She said the rota felt unfair to night staff!",
             "Did anyone ask the Band 3s first?",
             "The policy says one thing and the ward does another."]
PAIR = "Amara Okafor,Helen Marsh"


def _transcript_txt(path: Path, size: int) -> int:
    """``Name: three sentences`` lines until ``size`` bytes; returns the number of lines."""
    rnd = random.Random(1)
    lines, total = [], 0
    while total < size:
        line = f"{('Amara', 'Helen')[len(lines) % 2]}: " \
               + " ".join(rnd.choice(SENTENCES) for _ in range(3)) + "\n"
        lines.append(line)
        total += len(line)
    path.write_text("".join(lines), encoding="utf-8")
    return len(lines)


def _transcript_vtt(path: Path, size: int) -> int:
    """Teams-style cues (two sentences each, speakers alternating every two cues)."""
    rnd = random.Random(2)
    out, total, i = ["WEBVTT\n\n"], 8, 0
    while total < size:
        s = i * 3
        stamp = f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"
        speaker = ("Amara Okafor", "Helen Marsh")[i // 2 % 2]
        cue = (f"{i + 1}\n{stamp}.000 --> {stamp}.900\n<v {speaker}>"
               f"{rnd.choice(SENTENCES)} {rnd.choice(SENTENCES)}</v>\n\n")
        out.append(cue)
        total += len(cue)
        i += 1
    path.write_text("".join(out), encoding="utf-8")
    return i


def _folder(root: Path, files: dict[str, str]) -> Path:
    """A data folder whose manifest lists ``files`` ({relative path: manifest row tail})."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "manifest.csv").write_text(
        MANIFEST_HEADER + "".join(f"{name},{tail}\n" for name, tail in files.items()),
        encoding="utf-8")
    return root


def _assert_offsets_round_trip(result) -> None:
    texts = dict(zip(result.documents["doc_id"], result.documents["text"]))
    for doc_id, segs in result.segments.groupby("doc_id", sort=False):
        text = texts[doc_id]
        starts, ends = segs["start"].to_numpy(), segs["end"].to_numpy()
        assert (starts < ends).all() and (starts[1:] >= ends[:-1]).all(), doc_id
        assert all(text[s:e] == t for s, e, t in zip(starts, ends, segs["text"])), doc_id


# ----------------------------------------------------------------------------- 50 MB file
def test_a_50_mb_transcript_is_refused_up_front_when_over_the_limit(tmp_path, monkeypatch,
                                                                    capsys) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _transcript_txt(data / "big.txt", 50 * MB)
    size_mb = (data / "big.txt").stat().st_size / MB
    _folder(data, {"big.txt": f"C1,C1-P01,interview,mentor,session_1,2024-10-03,{PAIR}",
                   "small.txt": f"C1,C1-P01,interview,mentor,session_2,2024-10-10,{PAIR}"})
    (data / "small.txt").write_text("Amara: Hello.\nHelen: Hi.\n", encoding="utf-8")

    # The default limit accepts 50 MB (measured: under a minute and ~1.7 GB to ingest).
    assert DEFAULT_MAX_FILE_MB >= 50
    check_file_size(data / "big.txt", max_file_bytes())

    monkeypatch.setenv(MAX_FILE_MB_ENV, "20")
    started = time.perf_counter()
    with pytest.raises(InputError) as err:
        ingest_folder(data)
    assert time.perf_counter() - started < 10         # refused before anything is read
    message = str(err.value)
    assert "big.txt" in message and f"{size_mb:.1f} MB" in message and "20 MB" in message
    assert "Split it" in message and "--max-file-mb" in message and MAX_FILE_MB_ENV in message
    assert err.value.path.endswith("big.txt")

    # The command line: exit code 2, the same message, and no store written.
    monkeypatch.delenv(MAX_FILE_MB_ENV)
    store = tmp_path / "p.rmproj"
    assert main(["ingest", "--data", str(data), "--store", str(store),
                 "--max-file-mb", "20"]) == 2
    printed = capsys.readouterr().err
    assert "big.txt" in printed and "20 MB limit" in printed and "Traceback" not in printed
    assert not store.exists()

    # A limit that is not a number is refused clearly, not with a traceback.
    monkeypatch.setenv(MAX_FILE_MB_ENV, "lots")
    with pytest.raises(InputError, match=MAX_FILE_MB_ENV):
        ingest_folder(data)


@pytest.mark.parametrize("kind", ["txt", "vtt"])
def test_long_transcripts_are_segmented_with_sane_offsets(tmp_path, kind, capsys) -> None:
    """4 MB of speaker turns: every sentence is a segment, offsets round-trip, and the time
    grows linearly (a .vtt of 2 MB used to take minutes: each segment rebuilt the cue list)."""
    data = tmp_path / "data"
    data.mkdir()
    name = f"long.{kind}"
    units = (_transcript_txt if kind == "txt" else _transcript_vtt)(data / name, 4 * MB)
    _folder(data, {name: f"C1,C1-P01,interview,mentor,session_1,2024-10-03,{PAIR}"})
    started = time.perf_counter()
    result = ingest_folder(data)
    elapsed = time.perf_counter() - started
    assert elapsed < 40, elapsed
    segs = result.segments
    assert len(segs) == units * (3 if kind == "txt" else 2)      # no sentence lost
    _assert_offsets_round_trip(result)
    assert set(segs["speaker_role"]) == {"mentor", "mentee"}
    if kind == "vtt":
        times = segs["time"].to_numpy()
        assert (times[1:] >= times[:-1]).all() and times[-1] == (units - 1) * 3
    # The whole command-line path writes every segment to the store.
    store = tmp_path / "p.rmproj"
    assert main(["ingest", "--data", str(data), "--store", str(store)]) == 0
    assert f"{len(segs)} new segments" in capsys.readouterr().out
    with ProjectStore.open(store) as st:
        assert st.summary()["segments"] == len(segs)


# --------------------------------------------------------------------- 100,000-row form
def _form_rows(n: int, items: list[str]) -> list[list[str]]:
    rnd = random.Random(5)
    answers = ["More guidance on structuring sessions, please.", "", "Felt heard.",
               "She now asks quieter staff first; the board listened."]
    return [[f"R{i:06d}", rnd.choice(["mentor", "mentee", "staff"])]
            + [str(rnd.randint(1, 10)) if i % 20 else "" for _ in items]
            + [rnd.choice(answers), answers[i % 4]] for i in range(n)]


def test_a_100k_row_form_export_keeps_every_row(tmp_path) -> None:
    items = [f"q{i}_confidence" for i in range(1, 7)]
    rows = _form_rows(100_000, items)
    data = tmp_path / "data"
    data.mkdir()
    with open(data / "form.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["respondent_id", "role", *items, "what_changed",
                                   "hope_to_contribute"], *rows])
    _folder(data, {"form.csv": "C1,,feedback_form,programme,end,2025-03-30,,"})
    started = time.perf_counter()
    result = ingest_folder(data)
    assert time.perf_counter() - started < 90
    resp = result.responses
    assert resp["respondent_id"].nunique() == 100_000                  # no row dropped
    scores = resp[resp["value"].notna()]
    assert set(scores["question_id"]) == set(items)                    # Likert detected
    assert len(scores) == sum(1 for r in rows for v in r[2:8] if v)
    assert scores["value"].between(1, 10).all()
    texts = resp[resp["text"].notna()]
    assert set(texts["question_id"]) == {"what_changed", "hope_to_contribute"}
    assert len(texts) == sum(1 for r in rows for v in r[8:] if v)
    assert len(result.segments) >= len(texts)
    _assert_offsets_round_trip(result)


def test_a_10k_row_xlsx_form_keeps_every_row(tmp_path) -> None:
    """The .xlsx reader at scale (10,000 rows; 100,000 rows were measured separately)."""
    items = ["q1", "q2", "q3"]
    rows = _form_rows(10_000, items)
    data = tmp_path / "data"
    data.mkdir()
    write_xlsx(data / "form.xlsx", [["respondent_id", "role", *items, "what_changed", "hope"]]
               + [[c if not c.isdigit() else int(c) for c in r] for r in rows])
    _folder(data, {"form.xlsx": "C1,,feedback_form,programme,end,2025-03-30,,"})
    resp = ingest_folder(data).responses
    assert resp["respondent_id"].nunique() == 10_000
    assert set(resp.loc[resp["value"].notna(), "question_id"]) == set(items)


# -------------------------------------------------------------------------- empty cohorts
def test_empty_files_and_empty_cohort_folders(tmp_path) -> None:
    data = tmp_path / "data"
    (data / "C2").mkdir(parents=True)                     # a cohort folder with no entries
    (data / "C1").mkdir()
    (data / "C1" / "notes.txt").write_text("Amara: Hello there.\n", encoding="utf-8")
    _folder(data, {"C1/notes.txt": f"C1,C1-P01,interview,mentor,session_1,2024-10-03,{PAIR}"})
    result = ingest_folder(data)
    assert set(result.documents["cohort"]) == {"C1"}      # the empty folder is not a cohort
    (data / "C2" / "empty.txt").write_text("", encoding="utf-8")
    _folder(data, {"C1/notes.txt": f"C1,C1-P01,interview,mentor,session_1,2024-10-03,{PAIR}",
                   "C2/empty.txt": "C2,C2-P01,interview,mentor,session_1,2024-10-03,,"})
    with pytest.raises(InputError, match=r"C2/empty\.txt: the file is empty"):
        ingest_folder(data)


# ---------------------------------------------------------------- Unicode and RTL names
ZOE, KHAI, OBRIEN = "Zoë Ødegård", "Nguyễn Thị Minh Khai", "Aoife O'Brien-Smith"
MUHAMMAD, YAEL, DAVID = "محمد الأحمد", "יעל לוי", "דוד כהן"
ARABIC = "قال الفريق إن اللجنة كانت كلها من البيض."
HEBREW = "שלום לכולם, הצוות הקשיב."
UNICODE_NAMES = [ZOE, KHAI, OBRIEN, MUHAMMAD, YAEL, DAVID]


def _name_parts() -> list[str]:
    parts = {p for n in UNICODE_NAMES for p in n.replace("-", " ").split() if len(p) >= 3}
    return sorted(parts | set(UNICODE_NAMES) | {"O'Brien"})


def _unicode_folder(root: Path, form: str = "NFC") -> Path:
    """Two pairs with Unicode names, speaker labels in four scripts, RTL sentences."""
    def nf(text: str) -> str:
        return unicodedata.normalize(form, text)

    (root / "CU").mkdir(parents=True)
    (root / "CU" / "interview.txt").write_text(nf(
        f"{ZOE}: Thanks for making time today. How was the board?\n"
        f"{MUHAMMAD}: {ARABIC} It went well. I thanked the porters by name.\n"
        f"{ZOE}: Did {KHAI} and {OBRIEN} speak at the panel?\n"
        f"\u200f{MUHAMMAD}: Our shortlisting panel was all white, though.\n"), encoding="utf-8")
    (root / "CU" / "journal.md").write_text(nf(
        f"{YAEL}: {HEBREW} I felt the rota was unfair to night staff.\n"
        f"{DAVID}: Nobody asked the Band 3s first.\n"
        f"{YAEL}: Ødegård told me {MUHAMMAD} listened.\n"), encoding="utf-8")
    return _folder(root, {
        "CU/interview.txt": f"CU,CU-P01,interview,mentor,session_1,2024-10-03,{ZOE},{MUHAMMAD}",
        "CU/journal.md": f"CU,CU-P02,journal,mentor,session_1,2024-10-04,{YAEL},{DAVID}"})


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_unicode_and_rtl_names_are_speakers_and_are_pseudonymised(tmp_path, form) -> None:
    result = ingest_folder(_unicode_folder(tmp_path / "data", form))
    _assert_offsets_round_trip(result)
    segs = result.segments
    by_text = dict(zip(segs["text"], zip(segs["speaker"], segs["speaker_role"])))
    nf = lambda s: unicodedata.normalize(form, s)  # noqa: E731
    # Speaker labels in Latin with diacritics, Arabic and Hebrew are turns with their roles
    # (the manifest is composed; the NFD text still matches it).
    assert by_text[nf("Thanks for making time today.")] == (nf(ZOE), "mentor")
    assert by_text[nf(ARABIC)] == (nf(MUHAMMAD), "mentee")
    assert by_text[nf("Our shortlisting panel was all white, though.")] == (nf(MUHAMMAD),
                                                                           "mentee")
    assert by_text[nf(HEBREW)] == (nf(YAEL), "mentor")
    assert by_text[nf("Nobody asked the Band 3s first.")] == (nf(DAVID), "mentee")
    # RTL text is kept exactly, marks included.
    assert nf(ARABIC) in set(segs["text"])
    assert "\u200f" in result.documents["text"].iloc[0]

    key = build_key(result.documents, result.segments)
    published = Pseudonymiser(key).frame(segs, ["text"])
    blob = "\n".join(published["text"].tolist() + published["speaker"].dropna().tolist())
    blob_nfc = unicodedata.normalize("NFC", blob)
    leaked = [p for p in _name_parts() if p in blob_nfc]
    assert not leaked, leaked
    assert {"Mentor A", "Leader A", "Mentor B", "Leader B"} <= set(published["speaker"])
    assert unicodedata.normalize("NFC", nf(ARABIC)) in blob_nfc      # RTL prose kept

    # The leak check catches every one of these names if it slips into a published file.
    out = tmp_path / "out"
    out.mkdir()
    for i, name in enumerate(UNICODE_NAMES):
        for fmt in ("NFC", "NFD"):
            (out / f"leak_{i}_{fmt}.csv").write_text(
                f"quote\n\"{unicodedata.normalize(fmt, name)} said it was fine\"\n",
                encoding="utf-8")
    leaks = leak_check([out], key)
    assert {Path(leak.file).name for leak in leaks} == {p.name for p in out.iterdir()}
    assert all(leak.pseudonym in key.pseudonyms() for leak in leaks)


# ------------------------------------------------------- the report batch on odd cohorts
@pytest.fixture(scope="module")
def odd_batch(tmp_path_factory) -> tuple:
    """ONE batch: C1 a synthetic cohort of one pair, CU two pairs with Unicode/RTL names, CE a
    cohort whose documents give no segments (a numbers-only form and a note of dashes)."""
    from rmresearch.synthetic.generator import generate

    root = tmp_path_factory.mktemp("odd") / "data"
    generate(root, seed=3, cohorts=1, pairs=1, sessions=2, human_sample=0)
    manifest = (root / "manifest.csv").read_text(encoding="utf-8")
    unicode_rows = _unicode_folder(root / "u").joinpath("manifest.csv").read_text(
        encoding="utf-8").splitlines()[1:]
    (root / "CE").mkdir()
    (root / "CE" / "form.csv").write_text("respondent_id,role,conf_race\nCE-1,mentor,7\n"
                                          "CE-2,mentee,5\n", encoding="utf-8")
    (root / "CE" / "notes.txt").write_text("----\n...\n", encoding="utf-8")
    header = manifest.splitlines()[0].split(",")
    extra = []
    for line in unicode_rows:
        file, cohort, pair, source, role, stage, date, mentor, mentee = line.split(",")
        extra.append(dict(file="u/" + file, cohort=cohort, pair_id=pair, source=source,
                          author_role=role, stage=stage, date=date, mentor=mentor,
                          mentee=mentee))
    extra += [dict(file="CE/form.csv", cohort="CE", pair_id="", source="feedback_form",
                   author_role="programme", stage="enrolment", date="2024-10-01", mentor="",
                   mentee=""),
              dict(file="CE/notes.txt", cohort="CE", pair_id="CE-P01", source="observation",
                   author_role="mentor", stage="session_1", date="2024-10-02", mentor="",
                   mentee="")]
    (root / "manifest.csv").write_text(manifest + pd.DataFrame(extra).reindex(
        columns=header, fill_value="").to_csv(index=False, header=False), encoding="utf-8")
    base = tmp_path_factory.mktemp("odd_run")
    started = time.perf_counter()
    result = run_batch(root, base / "out", store=base / "odd.rmproj", workers=2,
                       progress=False)
    return result, root, time.perf_counter() - started


def _table(out: Path, rel: str) -> pd.DataFrame:
    return pd.read_csv(out / rel, dtype=str, keep_default_na=False)


def test_odd_cohorts_give_a_complete_report(odd_batch) -> None:
    result, _, _ = odd_batch
    assert [j.name for j in result.jobs] == ["cohort_C1", "cohort_CE", "cohort_CU",
                                            "comparison", "themes"]
    assert result.ok, [(j.name, j.error) for j in result.jobs]
    manifest = json.loads((result.output / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "complete" and manifest["leak_check"] == "passed"
    index = (result.output / "index.html").read_text(encoding="utf-8")
    assert "FAILED" not in index and "5 of 5 appendices produced" in index


def test_a_cohort_with_one_pair_reports_and_skips_tests_with_a_reason(odd_batch) -> None:
    out = odd_batch[0].output
    overview = (out / "cohort_C1.html").read_text(encoding="utf-8")
    assert "Framework matrix" in overview and "Traceback" not in overview
    matrix = _table(out, "cohorts/C1/tables/framework_matrix.csv")
    assert set(matrix["pair_id"]) == {"C1-P01"}
    stages = _table(out, "comparison/tables/stage_tests.csv")
    one_pair = stages[stages["group_a"] == "C1"]
    assert len(one_pair) and (one_pair["p"] == "").all()            # no test on one pair...
    said_why = one_pair["note"].str.contains("fewer than 2 paired respondents|no respondent "
                                             "answered at both stages")
    assert said_why.all()                                            # ...said why


def test_a_cohort_without_segments_reports_empty_tables(odd_batch) -> None:
    out = odd_batch[0].output
    html = (out / "cohort_CE.html").read_text(encoding="utf-8")
    assert "Traceback" not in html and "Framework matrix" in html
    assert len(_table(out, "cohorts/CE/tables/framework_matrix.csv")) == 0
    counts = _table(out, "cohorts/CE/tables/level_valence_source.csv")
    assert set(counts["n"]) == {"0"}
    items = _table(out, "cohorts/CE/tables/survey_items.csv")
    assert "conf_race" in set(items["question_id"])                 # its form still reported


def test_unicode_names_never_reach_published_files(odd_batch) -> None:
    result, root, _ = odd_batch
    parts = _name_parts()
    files = published_files(result.output)
    assert any(f.name == "cohort_CU.html" for f in files)
    for path in files:
        if path.suffix in (".png", ".parquet"):
            continue
        text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8", errors="replace"))
        found = [p for p in parts if p in text]
        assert not found, (path.name, found)
    for path in (f for f in files if f.suffix == ".parquet"):
        frame = pd.read_parquet(path)
        blob = " ".join(map(str, frame.to_numpy().ravel().tolist()))
        assert not [p for p in parts if p in blob], path.name
