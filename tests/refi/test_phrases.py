"""Issue 17 item 6: phrase-level codings keep their own offsets through export and import
(also as NVivo or QualCoder write them back, and pseudonymised), show in review queues, and
count for their segment in agreement."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
from lxml import etree

from rmresearch.human.agreement import agreement_report
from rmresearch.human.review import review_queue
from rmresearch.human.sheets import import_codings
from rmresearch.refi.export import export_project
from rmresearch.refi.phrases import aligned_mapper
from rmresearch.store import ProjectStore
from tests.refi.qdpx_tools import Q, build_emoji_store, rewrite_qdpx

# (segment text starts with, phrase or None for the whole segment, code, coder, valence)
CODED = [("She thanked", "the porters by name", "individual", "human:ana", "positive"),
         ("She thanked", None, "individual", "human:ben", "positive"),
         ("\U0001F600 We agreed", "the board photo", "symbolic", "human:ana", None),
         ("\U0001F600 We agreed", "look at the board", "departmental", "human:ben", None),
         ("Ward round", "at nine", "departmental", "human:ana", "neutral"),
         ("The rota", None, "organisational", "human:ana", None)]


def _code(store: Path) -> None:
    with ProjectStore.open(store) as st:
        docs, segs = st.documents().set_index("doc_id"), st.segments()
        rows = []
        for prefix, phrase, code, coder, valence in CODED:
            seg = segs[segs["text"].str.startswith(prefix)].iloc[0]
            lo = hi = None
            if phrase is not None:
                text = docs.loc[seg["doc_id"], "text"]
                lo = text.index(phrase, int(seg["start"]))
                hi = lo + len(phrase)
            rows.append(dict(segment_id=seg["segment_id"], code=code, coder=coder, score=1.0,
                             valence=valence, evidence="t", phrase_start=lo, phrase_end=hi))
        st.add_human_codings(pd.DataFrame(rows))


def _phrases(store: Path) -> set[tuple]:
    """(segment, code, coder, valence, phrase start, phrase end, phrase text)."""
    with ProjectStore.open(store) as st:
        got, docs = st.codings(), st.documents().set_index("doc_id")
    out = set()
    for r in got[got["coder"].str.startswith("human:")].to_dict("records"):
        lo, hi = (None if pd.isna(r[k]) else int(r[k]) for k in ("phrase_start", "phrase_end"))
        doc = docs.loc[r["segment_id"].split("#")[0], "text"]
        out.add((r["segment_id"], r["code"], r["coder"], r["valence"] or "", lo, hi,
                 doc[lo:hi] if lo is not None else ""))
    return out


def _fresh(tmp_path: Path, name: str) -> Path:
    return build_emoji_store(tmp_path / name)


def test_phrases_are_exported_as_their_own_selections_and_come_back_byte_identical(
        tmp_path: Path) -> None:
    store = _fresh(tmp_path, "a")
    _code(store)
    want = _phrases(store)
    assert {p[-1] for p in want} == {"", "the porters by name", "the board photo",
                                     "look at the board", "at nine"}
    export_project(store, tmp_path / "p.qdpx")
    with zipfile.ZipFile(tmp_path / "p.qdpx") as zf:
        root = etree.fromstring(zf.read("project.qde"))
        texts = {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n.startswith("sources/")}
    names = []
    for src in root.iter(f"{Q}TextSource"):
        text = texts["sources/" + src.get("plainTextPath").split("://")[1]]
        for sel in src.iter(f"{Q}PlainTextSelection"):
            quote = text[int(sel.get("startPosition")):int(sel.get("endPosition"))]
            assert quote == sel.get("name")
            names.append(quote)
    assert {"the porters by name", "the board photo", "at nine"} <= set(names)
    assert len(names) == len(CODED)  # ana's phrase and ben's whole segment: two selections
    fresh = _fresh(tmp_path, "b")
    result = import_codings(fresh, tmp_path / "p.qdpx")
    assert result["added"] == len(CODED)
    assert _phrases(fresh) == want
    # as NVivo (UTF-16 over CRLF) and QualCoder (one selection per coding) write it back
    for i, kind in enumerate([dict(unit="utf16", newline="crlf", origin="NVivo 14"),
                              dict(split=True, bom=True, origin="QualCoder 3.5")]):
        other = _fresh(tmp_path, f"c{i}")
        import_codings(other, rewrite_qdpx(tmp_path / "p.qdpx", tmp_path / f"o{i}.qdpx", **kind))
        assert _phrases(other) == want, kind
    # importing the export into the store it came from changes nothing
    again = import_codings(store, tmp_path / "p.qdpx")
    assert (again["added"], again["changed"], again["removed"]) == (0, 0, 0)
    assert _phrases(store) == want


class _Pseudo:
    """Pseudonyms of other lengths, inside and around the phrases."""

    def text(self, value: str) -> str:
        return value.replace("porters", "Staff Group 1").replace("board", "B2")


def test_a_pseudonymised_export_keeps_the_phrases_offsets(tmp_path: Path) -> None:
    store = _fresh(tmp_path, "a")
    _code(store)
    export_project(store, tmp_path / "p.qdpx", pseudonymiser=_Pseudo())
    with zipfile.ZipFile(tmp_path / "p.qdpx") as zf:
        root = etree.fromstring(zf.read("project.qde"))
    names = {s.get("name") for s in root.iter(f"{Q}PlainTextSelection")}
    assert {"the Staff Group 1 by name", "the B2 photo", "look at the B2"} <= names
    fresh = _fresh(tmp_path, "b")
    import_codings(fresh, tmp_path / "p.qdpx", pseudonymiser=_Pseudo())
    assert _phrases(fresh) == _phrases(store)


def test_aligned_mapper_maps_shared_text_exactly_and_names_to_their_edges() -> None:
    a, b = "Helen met the porters today.", "Leader A met the Staff 1 today."
    to_b = aligned_mapper(a, b)
    assert b[to_b(a.index("met"), False):to_b(a.index(" the"), True)] == "met"
    assert b[to_b(a.index("the"), False):to_b(len(a) - 1, True)] == "the Staff 1 today"
    assert to_b(2, False) == 0 and to_b(3, True) == len("Leader A")  # inside a name


def test_phrases_count_for_their_segment_and_show_in_the_review_queue(tmp_path: Path) -> None:
    store = _fresh(tmp_path, "a")
    _code(store)
    _, table, _ = agreement_report(str(store), ["human:ana", "human:ben"], n_boot=0)
    row = table.set_index("code").loc["individual"]
    # ana's phrase and ben's whole sentence: the same judgement of one segment
    assert row["percent_agreement"] == 1.0
    with ProjectStore.open(store) as st:
        queue = review_queue(st, ["human:ana", "human:ben"]).set_index("text")
    emoji = queue.loc["\U0001F600 We agreed to look at the board photo next time."]
    assert emoji["human:ana"] == 'symbolic "the board photo"'
    assert emoji["human:ben"] == 'departmental "look at the board"'
    assert emoji["reason"] == "coders disagree"
    assert "She thanked the porters by name at the huddle." not in queue.index  # they agree
