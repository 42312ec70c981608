"""Starting without a manifest: a draft from the file names, with what was guessed shown."""
from __future__ import annotations

from pathlib import Path

import pytest

from rmresearch.cli import main
from rmresearch.errors import InputError
from rmresearch.ingest import ingest_folder
from rmresearch.ingest.draft import draft_manifest
from rmresearch.ingest.manifest import read_manifest

FILES = {
    "session1_interview.txt": "Mentor: What happens when a band 5 asks to act up?\n"
                              "Leader: Honestly, it goes to whoever asks first.\n",
    "Session 2 - observation.md": "He thanked the porters by name.\n",
    "walk-round 3.txt": "No BME staff in the photographs by the lifts.\n",
    "leader journal 2024-07-01.txt": "I asked HR for the shortlisting figures.\n",
    "misc notes.txt": "She now chairs the network meetings.\n",
    "S4 transcript 20240905.txt": "Mentor: How did the panel go?\nLeader: Mixed, for once.\n",
    "~$lock.docx": "", ".hidden.txt": "x", "picture.png": "x",
}


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    folder = tmp_path / "Tom notes"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_the_draft_reads_source_session_and_date_from_the_names(notes: Path) -> None:
    draft = draft_manifest(notes, leader="Tom Hurst", mentors=["Ayo Bello", " Nia Kaur "])
    rows = draft.set_index("file")
    assert list(rows.index) == ["leader journal 2024-07-01.txt", "misc notes.txt",
                                "S4 transcript 20240905.txt", "Session 2 - observation.md",
                                "session1_interview.txt", "walk-round 3.txt"]
    assert rows.loc["Session 2 - observation.md", ["source", "stage"]].tolist() == [
        "observation", "session_2"]
    assert rows.loc["walk-round 3.txt", ["source", "stage"]].tolist() == ["inspection",
                                                                           "session_3"]
    s4 = rows.loc["S4 transcript 20240905.txt"]
    assert (s4["source"], s4["stage"], s4["date"], s4["guessed"]) == (
        "interview", "session_4", "2024-09-05", "")
    journal = rows.loc["leader journal 2024-07-01.txt"]
    assert (journal["author_role"], journal["date"], journal["guessed"]) == (
        "mentee", "2024-07-01", "stage")
    assert rows.loc["misc notes.txt", "guessed"] == "source, stage, no date"
    assert set(draft["mentor"]) == {"Ayo Bello; Nia Kaur"} and set(draft["mentee"]) == {
        "Tom Hurst"}
    assert set(draft["cohort"]) == {"Tom-notes"} and set(draft["pair_id"]) == {"Tom-notes-P01"}


def test_init_writes_a_manifest_that_ingests(notes: Path, capsys) -> None:
    assert main(["init", "--notes", str(notes), "--leader", "Tom Hurst", "--mentor",
                 "Ayo Bello", "--mentor", "Nia Kaur", "--cohort", "R1", "--pair",
                 "R1-P01"]) == 0
    out = capsys.readouterr().out
    assert "misc notes.txt: interview, session_1  (not in the file name: source, stage, " \
           "no date)" in out
    assert "rmresearch feedback --data" in out and "--pair R1-P01" in out
    manifest = read_manifest(notes / "manifest.csv")
    assert len(manifest) == 6 and set(manifest["pair_id"]) == {"R1-P01"}
    result = ingest_folder(notes)
    roles = dict(zip(result.segments["text"].str[:12], result.segments["speaker_role"]))
    assert roles["What happens"] == "mentor" and roles["Honestly, it"] == "mentee"
    # a second init leaves the manifest alone unless told
    before = (notes / "manifest.csv").read_bytes()
    assert main(["init", "--notes", str(notes), "--leader", "X", "--mentor", "Y"]) == 2
    assert "already has a manifest.csv" in capsys.readouterr().err
    assert (notes / "manifest.csv").read_bytes() == before


@pytest.mark.parametrize("kwargs, message", [
    (dict(leader="", mentors=["A"]), "needs the leader's name and at least one mentor's"),
    (dict(leader="L", mentors=[" "]), "needs the leader's name and at least one mentor's"),
    (dict(leader="L", mentors=["A"], pair="../x"), "pair id"),
])
def test_bad_draft_requests_are_clear(notes: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        draft_manifest(notes, **kwargs)


def test_a_folder_without_notes_is_refused(tmp_path: Path) -> None:
    (tmp_path / "photo.png").write_bytes(b"x")
    with pytest.raises(InputError, match="holds no notes file"):
        draft_manifest(tmp_path, leader="L", mentors=["A"])
    with pytest.raises(InputError, match="is not a folder"):
        draft_manifest(tmp_path / "nope", leader="L", mentors=["A"])


def test_init_without_names_and_no_terminal_says_which_options(notes: Path, capsys,
                                                               monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["init", "--notes", str(notes)]) == 2
    assert "--leader 'Name' and --mentor 'Name'" in capsys.readouterr().err
    assert not (notes / "manifest.csv").exists()


def test_each_of_several_mentors_is_a_mentor_speaker() -> None:
    from rmresearch.ingest.segment import speaker_role

    mentors = "Ayo Bello; Nia Kaur"
    assert speaker_role("Nia Kaur", mentors, "Tom Hurst") == "mentor"
    assert speaker_role("AYO", mentors, "Tom Hurst") == "mentor"
    assert speaker_role("Bello", mentors, "Tom Hurst") == "mentor"
    assert speaker_role("Tom", mentors, "Tom Hurst") == "mentee"
    assert speaker_role("Kaur;", mentors, "Tom Hurst") == "unknown"
