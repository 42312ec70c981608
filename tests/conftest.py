"""Shared fixtures and builders: a small data folder in every supported format and encoding, a
small project store (fresh per test, built once per session), and REFI-QDA files as other
tools write them."""
from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import uuid
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rmresearch.analysis import coded_segments
from rmresearch.config import apply_offline_defaults
from rmresearch.store import ProjectStore

apply_offline_defaults()  # also done by `import rmresearch`; said here for the test process
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


# ------------------------------------------------------------------ a small project store
STORE_DOCS = {
    "C1/interview1.txt": "Amara: Thanks for coming. How are things?\nHelen: I thanked the "
                         "porters by name in the huddle. Our shortlisting panel was all white, "
                         "though.\n",
    "C1/observation.txt": "Chaired the huddle. Thanked Band 3s by name.\nTalked over Priya "
                          "twice. Pictures of award winners on the wall \U0001F600 are new.\n",
    "C2/journal.txt": "I felt Helen listened properly this time. We booked the next session.\n"
                      "Her team\u2019s rota is now shared openly \u2013 a good sign.\n",
    "C2/interview2.txt": "Joy: Thanks for coming.\nHelen: The board photo shows no BME "
                         "staff.\n",
}
STORE_MANIFEST = (
    "file,cohort,pair_id,source,author_role,stage,date,mentor,mentee\n"
    "C1/interview1.txt,C1,C1-P01,interview,mentor,session_1,2024-10-03,Amara Okafor,"
    "Helen Marsh\n"
    "C1/observation.txt,C1,C1-P01,observation,mentor,session_2,2024-11-03,Amara Okafor,"
    "Helen Marsh\n"
    "C2/journal.txt,C2,C2-P01,journal,mentor,session_1,2024-10-05,Joy Adeyemi,"
    "Helen Marsh\n"
    "C2/interview2.txt,C2,C2-P01,interview,mentor,session_2,2024-11-05,Joy Adeyemi,"
    "Helen Marsh\n")


def build_store(folder: Path, docs: dict[str, str] | None = None,
                manifest: str | None = None) -> Path:
    """A data folder of small documents (default: four), ingested into
    ``folder/project.rmproj``."""
    from rmresearch.ingest import ingest_folder

    data = folder / "data"
    for name, text in (STORE_DOCS if docs is None else docs).items():
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_text(text, encoding="utf-8")
    (data / "manifest.csv").write_text(STORE_MANIFEST if manifest is None else manifest,
                                       encoding="utf-8")
    store = folder / "project.rmproj"
    with ProjectStore.open(store) as st:
        st.ingest(ingest_folder(data))
    return store


@pytest.fixture(scope="session")
def template_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four-document store, built once per session (copy it before writing)."""
    return build_store(tmp_path_factory.mktemp("template"))


@pytest.fixture
def store(template_store: Path, tmp_path: Path) -> Path:
    """A fresh copy of `template_store` for one test."""
    path = tmp_path / "project.rmproj"
    shutil.copy(template_store, path)
    return path


def segments_of(store: Path) -> pd.DataFrame:
    """The store's current segments."""
    with ProjectStore.open(store) as st:
        return st.segments()


def snapshot(store: Path) -> dict[str, list]:
    """The codings, coded and runs tables as rows (to show that nothing changed)."""
    con = sqlite3.connect(store)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
                for t in ("codings", "coded", "runs")}
    finally:
        con.close()


def queue_store(store: Path) -> list[str]:
    """Two human coders and a machine coder on the first three segments; their ids."""
    sid = segments_of(store)["segment_id"].tolist()
    rows = [dict(segment_id=s, code=c, coder=w, score=1.0, valence=None, evidence="t")
            for s, c, w in [(sid[0], "individual", "human:ana"),
                            (sid[0], "individual", "human:ben"),
                            (sid[1], "individual", "human:ana"),
                            (sid[1], "symbolic", "human:ben")]]
    machine = [dict(segment_id=sid[2], code="departmental", coder="ensemble@abc", score=0.5,
                    valence=None, evidence="m"),
               dict(segment_id=sid[0], code="individual", coder="ensemble@abc", score=0.95,
                    valence=None, evidence="m")]
    from rmresearch.human.sheets import write_human_codings

    with ProjectStore.open(store) as st:
        write_human_codings(st, pd.DataFrame(rows), [(s, w) for s in sid[:3]
                                                     for w in ("human:ana", "human:ben")], {})
        st.add_codings(pd.DataFrame(machine), seen=[(s, "ensemble@abc") for s in sid[:3]])
    return sid


# ------------------------------------------------------------------ files from other tools
U1, U2 = "AD68FBE7-E1EE-4A82-A279-23CC698C89EB", "{a5de7584-8296-418b-a322-136f77adf87b}"
C_IND, C_SYM, C_GOOD = ("85D17F60-7BB0-481E-B742-B4861DD669DF",
                        "0F8A1907-7E42-4739-8610-A676B4D1B69F",
                        "D2C1E38E-5220-42FA-A442-908471CC7964")


def qdpx_selection(n: int, start: int, end: int, codes: list[str], user: str = U1,
                   quote: str = "") -> str:
    """One PlainTextSelection (as another REFI-QDA tool writes it) coding ``codes``."""
    codings = "".join(f'<Coding guid="{uuid.uuid4()}" creatingUser="{user}">'
                      f'<CodeRef targetGUID="{c}"/></Coding>' for c in codes)
    return (f'<PlainTextSelection guid="{uuid.UUID(int=n)}" name="{quote}" '
            f'startPosition="{start}" endPosition="{end}" creatingUser="{user}">{codings}'
            "</PlainTextSelection>")


def other_tool_qdpx(path: Path, sources: str, files: dict[str, bytes] | None = None,
          codes: str = "") -> Path:
    """A .qdpx as ATLAS.ti-style tools write it: two users, three codes, ``sources``."""
    qde = ('<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" '
           f'name="Other tool" origin="ATLAS.ti 9"><Users><User guid="{U1}" name="Sam Jones"/>'
           f'<User guid="{U2}" name="human:Lee"/></Users><CodeBook><Codes>'
           f'<Code guid="{C_IND}" name="INDIVIDUAL" isCodable="true"/>'
           f'<Code guid="{C_SYM}" name="Levels::symbolic" isCodable="true"/>'
           f'<Code guid="{C_GOOD}" name="Good practice" isCodable="true"/>{codes}'
           f"</Codes></CodeBook><Sources>{sources}</Sources></Project>")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde)
        for name, data in (files or {}).items():
            zf.writestr(name, data)
    return path


# ------------------------------------------------------------------ a hand-built coded table
MACHINE = "ensemble@abc123"

# segment_id, cohort, pair_id, source, stage, speaker_role, text
SEGMENTS = [
    ("s01", "C1", "C1-P01", "interview", "session_1", "mentee",
     "I try to use inclusive language with everyone on the ward."),
    ("s02", "C1", "C1-P01", "interview", "session_1", "mentee",
     "Our interview panels are still all white, to be honest."),
    ("s03", "C1", "C1-P01", "observation", "session_2", "mentor",
     "Thanked the porters by name in the huddle."),
    ("s04", "C1", "C1-P01", "inspection", "session_2", "mentor",
     "No BME staff pictured on the noticeboard."),
    ("s05", "C1", "C1-P02", "interview", "session_1", "mentee",
     "Inclusive language matters to me; I correct myself."),
    ("s06", "C1", "C1-P02", "observation", "session_3", "mentor",
     "Talked over the only black nurse in the meeting twice."),
    ("s07", "C1", "C1-P02", "observation", "session_3", "mentor",
     "The shortlisting panel was diverse this time, an interview panel with three BME members."),
    ("s08", "C2", "C2-P01", "interview", "session_1", "mentee",
     "I've started using inclusive language in board papers."),
    ("s09", "C2", "C2-P01", "interview", "session_2", "mentee",
     "We backed two BME award nominations for the regional award nomination scheme."),
    ("s10", "C2", "C2-P02", "journal", "session_2", "mentor",
     "She praised staff in public and supported award nominations for the BME network."),
    ("s11", "C2", "C2-P02", "journal", "session_4", "mentee",
     "We booked the next session for March."),
    ("s12", "C2", "C2-P03", "interview", "session_1", "mentee",
     "Thanks for coming, shall we start?"),
    ("s13", "C1", None, "feedback_form", "end", "respondent",
     "More guidance on structuring sessions."),
]
# segment_id, code, coder, score, valence, evidence
CODINGS = [
    ("s01", "individual", MACHINE, 0.90, "positive", "inclusive language"),
    ("s02", "departmental", MACHINE, 0.80, "attention", "interview panels"),
    ("s03", "individual", MACHINE, 0.70, "positive", "thanked the porters by name"),
    ("s04", "symbolic", MACHINE, 0.85, "attention", "pictured on the noticeboard"),
    ("s05", "individual", MACHINE, 0.90, "positive", "Inclusive Language"),
    ("s06", "individual", MACHINE, 0.95, "attention", "talked over"),
    ("s07", "departmental", MACHINE, 0.60, "positive", "shortlisting panel; interview panel"),
    ("s08", "individual", MACHINE, 0.64, "positive", "inclusive language"),
    ("s09", "organisational", MACHINE, 0.70, "positive",
     'example: "Supported BME staff award nominations"'),
    ("s10", "organisational", MACHINE, 0.75, "positive",
     'example: "Supported BME staff award nominations"'),
    ("s10", "individual", MACHINE, 0.50, "positive", "praised staff in public"),
    ("s13", "organisational", MACHINE, 0.40, "neutral", 'example: "guidance"'),
    ("s01", "individual", "human:ana", 1.0, "positive", "inclusive language"),
    ("s02", "symbolic", "human:ana", 1.0, "attention", "all white"),
]


def make_segments() -> pd.DataFrame:
    """The segments table of the fixture (store column order)."""
    df = pd.DataFrame(SEGMENTS, columns=["segment_id", "cohort", "pair_id", "source", "stage",
                                         "speaker_role", "text"])
    df.insert(1, "doc_id", df["pair_id"].fillna("form") + ":" + df["source"])
    df.insert(2, "version", 1)
    df["speaker"] = df["speaker_role"]
    df["start"] = 0
    df["end"] = df["text"].str.len()
    return df


def make_codings() -> pd.DataFrame:
    """The codings table of the fixture (two coders)."""
    return pd.DataFrame(CODINGS, columns=["segment_id", "code", "coder", "score", "valence",
                                          "evidence"])


def make_coded() -> pd.DataFrame:
    """The machine coder's coded segments."""
    return coded_segments(make_segments(), make_codings())


def make_responses() -> pd.DataFrame:
    """Evaluation forms: 2 cohorts x (6 mentors + 6 mentees) at enrolment and end."""
    rows = []
    data = {("C1", "mentor"): ([4, 5, 3, 6, 5, 4], [7, 6, 5, 6, 8, 6]),
            ("C1", "mentee"): ([6, 5, 4, 7, 5, 6], [8, 4, 7, 3, 6, 6]),
            ("C2", "mentor"): ([8, 9, 7, 8, 9, 9], [8, 9, 8, 9, 9, 9]),
            ("C2", "mentee"): ([2, 3, 4, 2, 3, 3], [5, 6, 4, 6, 7, 5])}
    for (cohort, role), (before, after) in data.items():
        for k, (b, a) in enumerate(zip(before, after)):
            rid = f"{cohort}-{role[:2]}{k}"
            for stage, v in (("enrolment", b), ("end", a)):
                rows.append((f"{cohort}:{stage}", 1, rid, cohort, role, stage, "conf_race",
                             float(v), None))
            rows.append((f"{cohort}:end", 1, rid, cohort, role, "end", "need", np.nan,
                         "More on boundaries." if k == 0 else ("  " if k == 1 else None)))
    return pd.DataFrame(rows, columns=["doc_id", "version", "respondent_id", "cohort", "role",
                                       "stage", "question_id", "value", "text"])


# --- coded_segments ----------------------------------------------------------------------
