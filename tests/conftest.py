"""Shared fixtures: a small data folder in every supported format and encoding."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# One embedding cache per test session, shared with notebook kernels and batch workers.
os.environ.setdefault("RMRESEARCH_CACHE_DIR", tempfile.mkdtemp(prefix="rmresearch-cache-"))

REPO = Path(__file__).resolve().parents[1]

MANIFEST_HEADER = "file,cohort,pair_id,source,author_role,stage,date,mentor,mentee\n"
VTT = (
    "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\n<v Amara Okafor>Thanks for making time today."
    " How was the drive in?</v>\n\n2\n00:00:04.500 --> 00:00:09.000\n<v Helen Marsh>Fine. I made"
    " a point of thanking the porters by name in the huddle.</v>\n\n3\n00:00:09.500 --> "
    "00:00:12.250\n<v Helen Marsh>Our shortlisting panel was all white, though.</v>\n"
)


def write_docx(path: Path, paragraphs: list[str]) -> None:
    """Write a small Word document, one paragraph per string."""
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))


def write_xlsx(path: Path, rows: list[list[object]]) -> None:
    """Write rows (first row = header) to the first sheet of a workbook."""
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)


@pytest.fixture
def mini_data(tmp_path: Path) -> Path:
    """A data folder with one file of each kind (and several encodings) plus a manifest."""
    root = tmp_path / "data"
    (root / "C1").mkdir(parents=True)
    (root / "C1" / "interview1.vtt").write_text(VTT, encoding="utf-8")
    (root / "C1" / "interview2.txt").write_bytes(
        "Amara: Welcome back.\r\nHELEN: I didn\u2019t use inclusive language \u2013 I know."
        "\r\n".encode("cp1252"))
    (root / "C1" / "observation.md").write_bytes(
        "\ufeff- Chaired the huddle. Thanked Band 3s by name.\n- Talked over Priya twice.\n"
        .encode("utf-8"))
    (root / "C1" / "inspection.txt").write_bytes(
        "Noticeboard shows the award winners.\nNo BME staff pictured on the wall.\n"
        .encode("utf-16"))
    write_docx(root / "C1" / "journal.docx",
               ["I felt Helen listened properly this time.", "We booked the next session."])
    (root / "C1" / "form_start.csv").write_text(
        "respondent_id,role,conf_race,hope_to_contribute\n"
        "C1-P01-M,mentor,7,More guidance on structuring sessions. Also boundaries.\n"
        "C1-P01-L,mentee,4,\n", encoding="utf-8")
    write_xlsx(root / "C1" / "form_end.xlsx",
               [["respondent_id", "role", "conf_race", "what_changed"],
                ["C1-P01-M", "mentor", 8, "She now asks quieter staff first."],
                ["C1-P01-L", "mentee", 7, None]])
    pair = "C1,C1-P01"
    names = "Amara Okafor,Helen Marsh"
    (root / "manifest.csv").write_text(
        MANIFEST_HEADER
        + f"C1/interview1.vtt,{pair},interview,mentor,session_1,2024-10-03,{names}\n"
        + f"C1/interview2.txt,{pair},interview,mentor,session_2,2024-11-03,{names}\n"
        + f"C1/observation.md,{pair},observation,mentor,session_2,2024-11-10,{names}\n"
        + f"C1/inspection.txt,{pair},inspection,mentor,session_2,2024-11-10,{names}\n"
        + f"C1/journal.docx,{pair},journal,mentor,session_2,2024-11-12,{names}\n"
        + "C1/form_start.csv,C1,,feedback_form,programme,enrolment,2024-10-01,,\n"
        + "C1/form_end.xlsx,C1,,feedback_form,programme,end,2025-03-30,,\n",
        encoding="utf-8")
    return root
