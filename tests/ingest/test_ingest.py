"""Ingestion of every supported format and encoding, and the offsets it produces."""
from __future__ import annotations

from pathlib import Path

import pytest

from rmresearch.errors import InputError, ManifestError
from rmresearch.ingest import ingest_folder
from rmresearch.ingest.decode import decode_bytes
from rmresearch.schemas import validate


@pytest.fixture
def result(mini_data: Path):
    return ingest_folder(mini_data)


def test_every_offset_points_into_the_document_text(result) -> None:
    texts = dict(zip(result.documents["doc_id"], result.documents["text"]))
    for seg in result.segments.itertuples():
        assert texts[seg.doc_id][seg.start:seg.end] == seg.text
    validate(result.segments, "segments")
    validate(result.documents, "documents")


def test_vtt_turns_keep_speakers_roles_and_cue_times(result) -> None:
    segs = result.segments[result.segments["doc_id"] == "C1/interview1"]
    assert segs["text"].tolist() == [
        "Thanks for making time today.", "How was the drive in?", "Fine.",
        "I made a point of thanking the porters by name in the huddle.",
        "Our shortlisting panel was all white, though."]
    assert segs["speaker_role"].tolist() == ["mentor"] * 2 + ["mentee"] * 3
    assert segs["time"].tolist() == [1.0, 1.0, 4.5, 4.5, 9.5]


def test_cp1252_and_crlf_text_with_upper_case_speaker(result) -> None:
    doc = result.documents.set_index("doc_id").loc["C1/interview2"]
    assert "\r" not in doc["text"] and "didn\u2019t" in doc["text"] and "\u2013" in doc["text"]
    segs = result.segments[result.segments["doc_id"] == "C1/interview2"]
    assert segs[["speaker", "speaker_role", "text"]].values.tolist() == [
        ["Amara", "mentor", "Welcome back."],
        ["HELEN", "mentee", "I didn\u2019t use inclusive language \u2013 I know."]]


def test_bom_utf8_bullets_and_utf16(result) -> None:
    obs = result.segments[result.segments["doc_id"] == "C1/observation"]["text"].tolist()
    assert obs == ["Chaired the huddle.", "Thanked Band 3s by name.", "Talked over Priya twice."]
    insp = result.documents.set_index("doc_id").loc["C1/inspection", "text"]
    assert insp.startswith("Noticeboard shows") and "\ufeff" not in insp
    author = result.segments[result.segments["doc_id"] == "C1/observation"]
    assert set(author["speaker"]) == {"Amara Okafor"} and set(author["speaker_role"]) == {"mentor"}


def test_docx_paragraphs(result) -> None:
    segs = result.segments[result.segments["doc_id"] == "C1/journal"]["text"].tolist()
    assert segs == ["I felt Helen listened properly this time.", "We booked the next session."]


def test_forms_become_long_responses_and_answer_segments(result) -> None:
    resp = result.responses
    scores = resp.dropna(subset=["value"]).set_index(["respondent_id", "stage"])["value"]
    assert scores.to_dict() == {("C1-P01-M", "enrolment"): 7.0, ("C1-P01-L", "enrolment"): 4.0,
                                ("C1-P01-M", "end"): 8.0, ("C1-P01-L", "end"): 7.0}
    assert set(resp["cohort"]) == {"C1"}
    answers = result.segments[result.segments["source"] == "feedback_form"]
    assert answers["text"].tolist() == ["More guidance on structuring sessions.",
                                        "Also boundaries.", "She now asks quieter staff first."]
    assert set(answers["speaker_role"]) == {"mentor"}
    validate(resp.drop(columns="doc_id"), "responses")


def test_segment_ids_are_stable_and_unique(mini_data: Path, result) -> None:
    again = ingest_folder(mini_data)
    assert again.segments["segment_id"].tolist() == result.segments["segment_id"].tolist()
    assert result.segments["segment_id"].is_unique


def test_folder_without_manifest_shows_expected_columns(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(ManifestError) as info:
        ingest_folder(tmp_path)
    message = str(info.value)
    for column in ("file", "cohort", "pair_id", "source", "author_role", "stage", "date"):
        assert column in message


@pytest.mark.parametrize("data,encoding", [
    ("caf\u00e9 \u2013 r\u00e9sum\u00e9\r\nline two", "utf-8"),
    ("caf\u00e9 \u2013 r\u00e9sum\u00e9\r\nline two", "utf-8-sig"),
    ("caf\u00e9 \u2013 r\u00e9sum\u00e9\r\nline two", "utf-16"),
    ("caf\u00e9 \u2013 r\u00e9sum\u00e9\r\nline two", "cp1252"),
])
def test_decode_accepts_the_listed_encodings(data: str, encoding: str) -> None:
    assert decode_bytes(data.encode(encoding), "x.txt") == "caf\u00e9 \u2013 r\u00e9sum\u00e9\nline two"


@pytest.mark.parametrize("raw,needle", [(b"", "empty"), (b"  \n ", "empty"),
                                        (b"\x00\x01PK\x03", "binary"), (b"caf\x81 ok", "0x81")])
def test_decode_refuses_with_a_reason(raw: bytes, needle: str) -> None:
    with pytest.raises(InputError, match=needle):
        decode_bytes(raw, "notes.txt")
