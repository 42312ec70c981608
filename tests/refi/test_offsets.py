"""Selection offsets counted as other tools count them (issue 17, item 1): codepoints or
UTF-16 code units, over LF or CRLF line ends, detected per source from the producer and from
where selections fall; our exports state their convention; nothing fits -> a clear refusal."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
from lxml import etree

from rmresearch.errors import InputError
from rmresearch.human.sheets import import_codings
from rmresearch.refi.export import export_project
from rmresearch.refi.offsets import Convention, detect, producer_unit, to_lf_offsets
from rmresearch.refi.read import read_qdpx
from tests.refi.qdpx_tools import (Q, build_emoji_store, code_store, counted, human_codings,
                                   rewrite_qdpx)

CODINGS = [("She thanked the porters", "individual", "human:ana", "positive"),
           ("The shortlisting panel", "departmental", "human:ana", "attention"),
           ("\U0001F600 We agreed", "symbolic", "human:ana", "neutral"),
           ("He asked the quieter", "individual", "human:ben", "positive"),
           ("The rota", "departmental", "human:ben", "positive"),
           ("No BME staff", "symbolic", "human:ben", "attention")]


@pytest.fixture(scope="module")
def coded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(a fresh emoji store, the same store coded, its export)."""
    folder = tmp_path_factory.mktemp("emoji")
    fresh = build_emoji_store(folder)
    store = folder / "coded.rmproj"
    shutil.copy(fresh, store)
    code_store(store, CODINGS)
    export_project(store, folder / "ours.qdpx")
    return fresh, store, folder / "ours.qdpx"


def _fresh(coded: tuple[Path, Path, Path], tmp_path: Path) -> Path:
    shutil.copy(coded[0], tmp_path / "fresh.rmproj")
    return tmp_path / "fresh.rmproj"


def test_our_export_states_its_convention(coded: tuple[Path, Path, Path]) -> None:
    with zipfile.ZipFile(coded[2]) as zf:
        root = etree.fromstring(zf.read("project.qde"))
    assert "offsets=codepoints/lf" in root.get("origin")
    assert "Unicode codepoints (not UTF-16 code units)" in root.find(f"{Q}Description").text
    assert producer_unit(root.get("origin")) == "codepoint"
    assert {s.convention for s in read_qdpx(coded[2]).sources} == {Convention("codepoint",
                                                                              "lf")}


@pytest.mark.parametrize("unit, newline, ship_crlf, origin", [
    ("utf16", "crlf", True, "NVivo 14.23.0 (Windows)"),   # NVivo: UTF-16 over its CRLF text
    ("utf16", "crlf", False, "NVivo 14.23.0 (Windows)"),  # ... text shipped with LF
    ("utf16", "lf", False, "MAXQDA 2022"),
    ("codepoint", "crlf", True, "Some tool"),
    ("utf16", "crlf", True, "QualCoder 3.5"),  # against what the producer is known to do
])
def test_an_export_read_back_in_another_convention_comes_back_right(
        coded: tuple[Path, Path, Path], tmp_path: Path, unit: str, newline: str,
        ship_crlf: bool, origin: str) -> None:
    other = rewrite_qdpx(coded[2], tmp_path / "other.qdpx", unit=unit, newline=newline,
                         ship_crlf=ship_crlf, origin=origin)
    with zipfile.ZipFile(coded[2]) as a, zipfile.ZipFile(other) as b:
        moved = a.read("project.qde") != b.read("project.qde")
    assert moved  # the offsets really differ from ours
    want = Convention(unit, newline)
    assert {s.convention for s in read_qdpx(other).sources} == {want}
    fresh = _fresh(coded, tmp_path)
    result = import_codings(fresh, other)
    assert human_codings(fresh) == human_codings(coded[1])
    assert set(result["offsets"].values()) == {want.describe()}
    assert any(want.describe() in note for note in result["notes"])


def test_read_as_codepoints_a_utf16_file_would_land_on_other_text(
        coded: tuple[Path, Path, Path]) -> None:
    """The control: without detection, the drift after an emoji moves selections."""
    text = next(iter(read_qdpx(coded[2]).sources)).text
    end = text.index("next time.") + len("next time.")
    units = counted(text, end, "utf16", "lf")
    assert units != end
    assert to_lf_offsets(text, Convention("utf16", "lf"), [units]).tolist() == [end]
    assert text[:units].endswith("ext time.\n")  # read as codepoints: two characters late


def test_word_boundaries_decide_and_the_producer_breaks_ties() -> None:
    text = "Good \U0001F44D day. Then the panel met.\nIt was all white."
    spans = [(text.index("Then"), text.index("met.") + 4), (text.index("It"), len(text))]
    for conv in (Convention("utf16", "crlf"), Convention("codepoint", "lf"),
                 Convention("utf16", "lf"), Convention("codepoint", "crlf")):
        starts = [counted(text, s, conv.unit, conv.newline) for s, _ in spans]
        ends = [counted(text, e, conv.unit, conv.newline) for _, e in spans]
        assert detect(text, starts, ends, ["", ""], "Unknown tool")[0] == conv
    # before any emoji or line end every reading is the same: the producer decides
    assert detect(text, [0], [4], [""], "NVivo 12")[0] == Convention("utf16", "lf")
    assert detect(text, [0], [4], [""], "QualCoder")[0] == Convention("codepoint", "lf")
    assert detect(text.replace("\n", "\r\n"), [0], [4], [""], None)[0] == Convention(
        "codepoint", "crlf")


def test_selections_that_fit_no_counting_are_refused_naming_the_source(
        coded: tuple[Path, Path, Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(coded[2]) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    root = etree.fromstring(members["project.qde"])
    for sel in root.iter(f"{Q}PlainTextSelection"):  # every start and end inside a word
        sel.set("startPosition", str(int(sel.get("startPosition")) + 2))
        sel.set("endPosition", str(int(sel.get("endPosition")) - 3))
    members["project.qde"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    with zipfile.ZipFile(bad, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(InputError) as info:
        read_qdpx(bad)
    message = str(info.value)
    assert "in text source 'C1/" in message and "no way of counting" in message
    assert "UTF-16 code units" in message and "bad.qdpx" in message


def test_offsets_inside_a_surrogate_pair_rule_a_reading_out() -> None:
    text = "A \U0001F600 b"
    assert to_lf_offsets(text, Convention("utf16", "lf"), [3, 4, 6]).tolist() == [-1, 3, 5]
    assert (to_lf_offsets(text, Convention("codepoint", "lf"), [9]) == np.array([-1])).all()


def test_offsets_far_outside_the_text_are_refused_not_a_crash(coded: tuple[Path, Path, Path],
                                                               tmp_path: Path) -> None:
    with zipfile.ZipFile(coded[2]) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["project.qde"] = members["project.qde"].replace(
        b'endPosition="', b'endPosition="99999999999999999999999', 1)
    with zipfile.ZipFile(tmp_path / "huge.qdpx", "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(InputError, match="runs from .* characters"):
        read_qdpx(tmp_path / "huge.qdpx")
