"""Partial import with a report (issue 17, item 7) and short messages that name the remedy
(item 10): unmatched sources and unknown codes are listed and the rest imports, unless
strict; a mapping file maps unknown codes; a pseudonymised export without its key says
--key in a few lines."""
from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from rmresearch.errors import InputError
from rmresearch.human.sheets import import_codings
from rmresearch.refi.export import export_project
from rmresearch.store import ProjectStore
from tests.conftest import C_IND, C_SYM, other_tool_qdpx, qdpx_selection, snapshot

LEAD = "99999999-2222-3333-4444-555555555555"
EXTRA = f'<Code guid="{LEAD}" name="Leadership" isCodable="true"/>'


def _docs(store: Path) -> tuple[dict, dict]:
    with ProjectStore.open(store) as st:
        docs, segs = st.documents().set_index("doc_id")["text"].to_dict(), st.segments()
    return docs, {t: (s, e, sid) for t, s, e, sid in
                  segs[["text", "start", "end", "segment_id"]].itertuples(index=False)}


def _mixed(store: Path, tmp_path: Path) -> Path:
    """Interview: a known and an unknown code; a source matching no document."""
    docs, segs = _docs(store)
    s, e, _ = segs["I thanked the porters by name in the huddle."]
    s2, e2, _ = segs["Our shortlisting panel was all white, though."]
    sources = (
        f'<TextSource guid="{uuid.UUID(int=1)}" name="interview1" '
        'plainTextPath="internal://a.txt">'
        + qdpx_selection(1, s, e, [C_IND]) + qdpx_selection(2, s2, e2, [LEAD])
        + "</TextSource>"
        f'<TextSource guid="{uuid.UUID(int=2)}" name="Focus group 3" '
        'plainTextPath="internal://b.txt">' + qdpx_selection(3, 0, 9, [C_SYM])
        + "</TextSource>")
    return other_tool_qdpx(tmp_path / "mixed.qdpx", sources, {
        "sources/a.txt": docs["C1/interview1"].encode("utf-8"),
        "sources/b.txt": b"Unrelated words from another study."}, codes=EXTRA)


def test_the_rest_imports_and_the_summary_lists_what_was_skipped(store: Path,
                                                                  tmp_path: Path) -> None:
    path = _mixed(store, tmp_path)
    result = import_codings(store, path)
    assert result["added"] == 1 and result["codings"] == {"human:sam-jones": 1}
    skipped = {(s["file"], s["source"], s["code"]) for s in result["skipped"]}
    assert skipped == {("mixed.qdpx", "Focus group 3", ""),
                       ("mixed.qdpx", "interview1", "Leadership")}
    notes = " ".join(result["notes"])
    assert "'Focus group 3' matches no document" in notes
    assert "code 'Leadership' in source 'interview1'" in notes and "--map FILE" in notes


def test_strict_refuses_and_writes_nothing(store: Path, tmp_path: Path) -> None:
    path = _mixed(store, tmp_path)
    before = snapshot(store)
    with pytest.raises(InputError) as info:
        import_codings(store, path, strict=True)
    assert "'Focus group 3'" in str(info.value) and "['Leadership']" in str(info.value)
    assert snapshot(store) == before


def test_a_mapping_file_maps_unknown_codes(store: Path, tmp_path: Path) -> None:
    path = _mixed(store, tmp_path)
    (tmp_path / "map.csv").write_text("from,to\nleadership,Departmental\n", encoding="utf-8")
    result = import_codings(store, path, code_map=tmp_path / "map.csv")
    assert result["added"] == 2
    assert {s["code"] for s in result["skipped"]} == {""}  # only the unmatched source left
    with ProjectStore.open(store) as st:
        assert "departmental" in set(st.codings()["code"])
    (tmp_path / "skip.csv").write_text("from,to\nLeadership,\n", encoding="utf-8")
    result = import_codings(store, path, code_map=tmp_path / "skip.csv")
    assert any("the mapping file skips it" in n for n in result["notes"])
    (tmp_path / "bad.csv").write_text("from,to\nLeadership,Vision\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        import_codings(store, path, code_map=tmp_path / "bad.csv")
    assert "bad.csv" in str(info.value) and "'Vision'" in str(info.value)
    assert "line 2" in str(info.value) or "row 2" in str(info.value)


def test_nothing_left_to_import_is_still_an_error(store: Path, tmp_path: Path) -> None:
    docs, segs = _docs(store)
    s, e, _ = segs["Our shortlisting panel was all white, though."]
    path = other_tool_qdpx(tmp_path / "only.qdpx", (
        f'<TextSource guid="{uuid.UUID(int=1)}" name="interview1" '
        f'plainTextPath="internal://a.txt">{qdpx_selection(1, s, e, [LEAD])}</TextSource>'),
        {"sources/a.txt": docs["C1/interview1"].encode("utf-8")}, codes=EXTRA)
    with pytest.raises(InputError, match="nothing to import.*'Leadership'.*--map FILE"):
        import_codings(store, path)


class _Pseudo:
    def text(self, value: str) -> str:
        return value.replace("Helen", "Leader A").replace("Amara", "Mentor B").replace(
            "Priya", "P1").replace("C1/", "Cohort-1/").replace("C2/", "Cohort-2/")


def test_a_pseudonymised_export_without_its_key_says_key_briefly(store: Path,
                                                                 template_store: Path,
                                                                 tmp_path: Path) -> None:
    from rmresearch.human.sheets import write_human_codings
    import pandas as pd

    with ProjectStore.open(store) as st:
        segs = st.segments()
        rows = [dict(segment_id=sid, code="individual", coder="human:ana", score=1.0,
                     valence=None, evidence="t") for sid in segs["segment_id"]]
        write_human_codings(st, pd.DataFrame(rows), [], {})
    export_project(store, tmp_path / "p.qdpx", pseudonymiser=_Pseudo())
    fresh = tmp_path / "fresh.rmproj"
    fresh.write_bytes(template_store.read_bytes())
    with pytest.raises(InputError) as info:
        import_codings(fresh, tmp_path / "p.qdpx")
    message = str(info.value)
    assert "--key FILE" in message and "is a pseudonymised rmresearch export" in message
    assert "4 text source(s)" in message and "(and 1 more)" in message
    assert len(message) < 1200, len(message)
    assert import_codings(fresh, tmp_path / "p.qdpx", pseudonymiser=_Pseudo())["added"] == len(rows)
