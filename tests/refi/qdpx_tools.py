"""Helpers for the REFI-QDA import tests (issue 17): a small store whose documents hold
characters outside the Basic Multilingual Plane before coded sentences, and a rewriter that
turns an rmresearch export into what NVivo, QualCoder or ATLAS.ti would write back: offsets
counted in UTF-16 code units and/or over CRLF line ends, one selection per coding, another
origin, users renamed."""
from __future__ import annotations

import uuid
import zipfile
from pathlib import Path
from typing import Callable

import pandas as pd
from lxml import etree

from rmresearch.human.sheets import write_human_codings
from rmresearch.store import ProjectStore
from tests.conftest import build_store

NS = "urn:QDA-XML:project:1.0"
Q = f"{{{NS}}}"

# Synthetic notes: emoji (outside the BMP) before coded sentences, so UTF-16 counting drifts.
EMOJI_DOCS = {
    "C1/journal.txt": "Session went well \U0001F44D today.\nShe thanked the porters by name "
                      "at the huddle. The shortlisting panel was all white.\n\U0001F600 We "
                      "agreed to look at the board photo next time.\n",
    "C1/observation.txt": "Ward round \U0001F3E5 at nine.\nHe asked the quieter staff first. "
                          "The rota \U0001F4C5 is now shared openly.\nNo BME staff on the "
                          "meet-the-team board.\n",
}
MANIFEST = ("file,cohort,pair_id,source,author_role,stage,date,mentor,mentee\n"
            "C1/journal.txt,C1,C1-P01,journal,mentor,session_1,2024-10-03,Amara Okafor,"
            "Helen Marsh\n"
            "C1/observation.txt,C1,C1-P01,observation,mentor,session_2,2024-11-03,"
            "Amara Okafor,Helen Marsh\n")


def build_emoji_store(folder: Path) -> Path:
    """Ingest `EMOJI_DOCS` into ``folder/project.rmproj``."""
    return build_store(folder, EMOJI_DOCS, MANIFEST)


def code_store(store: Path, rows: list[tuple[str, str, str, str | None]]) -> None:
    """Human codings ``(segment text starts with, code, coder, valence)``."""
    with ProjectStore.open(store) as st:
        segs = st.segments()
        def sid(prefix: str) -> str:
            hits = segs[segs["text"].str.startswith(prefix)]["segment_id"].tolist()
            assert len(hits) == 1, (prefix, hits)
            return hits[0]
        human = pd.DataFrame([dict(segment_id=sid(t), code=c, coder=w, score=1.0, valence=v,
                                   evidence="t") for t, c, w, v in rows])
        write_human_codings(st, human, [], {})


def human_codings(store: Path) -> set[tuple]:
    """(segment, code, coder, valence or '') of every human coding."""
    with ProjectStore.open(store) as st:
        got = st.codings()
    got = got[got["coder"].str.startswith("human:")]
    return set(zip(got["segment_id"], got["code"], got["coder"], got["valence"].fillna("")))


def counted(lf: str, p: int, unit: str, newline: str) -> int:
    """LF codepoint offset ``p`` counted in ``unit`` over ``newline`` line ends."""
    head = lf[:p].replace("\n", "\r\n") if newline == "crlf" else lf[:p]
    return len(head) + (sum(ord(c) > 0xFFFF for c in head) if unit == "utf16" else 0)


def rewrite_qdpx(src: Path, out: Path, *, unit: str = "codepoint", newline: str = "lf",
                 ship_crlf: bool = False, origin: str | None = None, split: bool = False,
                 users: Callable[[str], str] | None = None, bom: bool = False) -> Path:
    """Rewrite an rmresearch export as another tool would write it back.

    ``unit``/``newline``: how the offsets are counted; ``ship_crlf``: the source files hold
    CRLF text; ``split``: one selection per coding, all with new GUIDs (as QualCoder writes
    them); ``users``: new user names; ``bom``: the source files start with a UTF-8 byte order
    mark (QualCoder writes them so).
    """
    with zipfile.ZipFile(src) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    root = etree.fromstring(members["project.qde"])
    if origin is not None:
        root.set("origin", origin)
    for user in root.iter(f"{Q}User"):
        if users is not None:
            user.set("name", users(user.get("name")))
    for source in root.iter(f"{Q}TextSource"):
        member = "sources/" + source.get("plainTextPath").split("://", 1)[1]
        lf = members[member].decode("utf-8")
        shipped = lf.replace("\n", "\r\n") if ship_crlf else lf
        members[member] = shipped.encode("utf-8-sig" if bom else "utf-8")
        for sel in list(source.iter(f"{Q}PlainTextSelection")):
            for attr in ("startPosition", "endPosition"):
                sel.set(attr, str(counted(lf, int(sel.get(attr)), unit, newline)))
            codings = sel.findall(f"{Q}Coding")
            if split:  # QualCoder: new GUIDs, one selection per coding
                sel.set("guid", str(uuid.uuid4()))
                for coding in codings[1:]:
                    twin = etree.Element(f"{Q}PlainTextSelection", dict(sel.attrib))
                    twin.set("guid", str(uuid.uuid4()))
                    sel.remove(coding)
                    twin.append(coding)
                    sel.addnext(twin)
    members["project.qde"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out
