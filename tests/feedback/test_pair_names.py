"""A pair id names the feedback sheet's files, so it must be a name (issue 18, item 7): a pair
``../../../x`` cannot make ``rmresearch feedback`` write outside ``--output``, even when a
store ingested before ids were checked holds such a pair."""
from __future__ import annotations

from pathlib import Path

import pytest

from rmresearch.cli import app, main
from rmresearch.errors import InputError
from rmresearch.feedback.run import check_pair_exists
from rmresearch.ingest import ingest_folder
from rmresearch.store import ProjectStore
from tests.conftest import MANIFEST_HEADER

BAD = "../../../escaped"


def _register() -> None:
    if "feedback" not in {c.name for c in app.registered_commands}:
        from rmresearch.cli import feedback as cli_feedback

        cli_feedback.register(app)


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    """A store whose one document belongs to the pair ``../../../escaped`` (as a store
    written before pair ids were checked could)."""
    data = tmp_path / "work" / "data"
    data.mkdir(parents=True)
    (data / "a.txt").write_text("Amara: Hello.\nHelen: I thanked the porters.\n",
                                encoding="utf-8")
    (data / "manifest.csv").write_text(
        MANIFEST_HEADER + "a.txt,C1,C1-P01,journal,mentor,s1,2024-10-03,Amara Okafor,"
        "Helen Marsh\n", encoding="utf-8")
    result = ingest_folder(data)
    result.documents["pair_id"] = BAD
    result.segments["pair_id"] = BAD
    store = tmp_path / "work" / "project.rmproj"
    with ProjectStore.open(store) as st:
        st.ingest(result)
    return store


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")}


def test_feedback_refuses_a_pair_id_that_is_a_path(old_store: Path, tmp_path: Path,
                                                   capsys) -> None:
    _register()
    out = tmp_path / "work" / "deep" / "er" / "out"
    before = _files(tmp_path)
    code = main(["feedback", "--store", str(old_store), "--pair", BAD, "--output", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("Error:") and "Traceback" not in err
    assert f"pair id '{BAD}'" in err and "'/'" in err and "e.g. C1-P02" in err
    assert _files(tmp_path) == before  # nothing written, inside --output or outside it


@pytest.mark.parametrize("pair", [BAD, "C1/P01", "..", "a\x00b"])
def test_the_pair_is_checked_as_a_name_before_the_data_is_read(pair: str,
                                                               tmp_path: Path) -> None:
    missing = tmp_path / "no-such-store.rmproj"  # would raise StoreError if it were opened
    with pytest.raises(InputError, match="pair id"):
        check_pair_exists(pair, store=missing)
