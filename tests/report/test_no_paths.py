"""Published files name no folder of the machine, no user and no Python installation (issue 18,
item 10): a report batch and a feedback run with absolute paths, every file they publish
scanned."""
from __future__ import annotations

import getpass
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from rmresearch.cli import main
from rmresearch.paths import key_path
from rmresearch.report.scrub import Scrubber, public_path

from tests.conftest import REPO  # noqa: E402

BINARY = {".png", ".parquet", ".docx", ".xlsx", ".qdpx"}
COMMON_USERS = {"root", "user", "admin", "ubuntu", "runner", "jovyan", "test", "guest"}


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> dict[str, Path]:
    """A one-cohort batch and one pair's feedback, everything given as an absolute path (the
    shipped synthetic data cut to cohort C1, to keep the test short)."""
    base = tmp_path_factory.mktemp("paths").resolve()
    data, source = base / "data", REPO / "data" / "synthetic"
    shutil.copytree(source, data, ignore=shutil.ignore_patterns("C2", "C3"))
    for name in ("manifest.csv", "codings/coder_a.csv", "codings/coder_b.csv"):
        rows = (source / name).read_text(encoding="utf-8").splitlines(keepends=True)
        (data / name).write_text(rows[0] + "".join(r for r in rows[1:] if r.startswith("C1-")),
                                 encoding="utf-8")
    store = base / "private" / "project.rmproj"
    out, fb = base / "out", base / "fb"
    code = main(["report", "--data", str(data), "--output", str(out), "--store", str(store),
                 "--cohort", "C1"])
    assert code == 0
    code = main(["feedback", "--store", str(store), "--pair", "C1-P02", "--output", str(fb)])
    assert code == 0
    return {"base": base, "data": data, "store": store, "key": key_path(store), "out": out,
            "fb": fb}


def _needles(places: dict[str, Path]) -> dict[str, str]:
    """What must not appear in a published file, by what it is."""
    found = {name: str(places[name]) for name in ("base", "data", "store", "key", "out", "fb")}
    found.update({"python": sys.prefix, "home": str(Path.home()), "temp": tempfile.gettempdir() + os.sep})
    user = getpass.getuser()
    if len(user) >= 4 and user.lower() not in COMMON_USERS:
        found["user"] = user
    return found


def _text(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


def test_no_published_file_names_a_folder_the_user_or_the_python(published) -> None:
    needles = _needles(published)
    files = [p for root in ("out", "fb") for p in published[root].rglob("*")
             if p.is_file() and p.suffix.lower() not in BINARY]
    kinds = {p.suffix for p in files}
    assert {".html", ".ipynb", ".csv", ".json", ".svg"} <= kinds, kinds
    assert any(p.name == "themes.html" for p in files)  # the page that showed a tqdm warning
    hits = [(str(p.relative_to(published["base"])), what) for p in files
            for what, needle in needles.items() if needle in _text(p)]
    assert hits == []


def test_the_notebooks_keep_their_parameters_as_placeholders(published) -> None:
    notebook = json.loads(_text(published["out"] / "notebooks" / "cohort_C1.ipynb"))
    injected = next(c for c in notebook["cells"]
                    if "injected-parameters" in c["metadata"].get("tags", []))
    source = "".join(injected["source"])
    assert 'store = "<store>"' in source and 'key = "<key>"' in source
    assert 'output = "../cohorts/C1"' in source  # relative to the notebook's folder
    assert notebook["metadata"]["papermill"]["output_path"] == "cohort_C1.ipynb"
    streams = [o for c in notebook["cells"] for o in c.get("outputs", [])
               if o.get("name") == "stderr"]
    assert streams == []
    manifest = json.loads(_text(published["out"] / "manifest.json"))
    assert manifest["parameters"]["data"] == ".../data"
    assert manifest["status"] == "complete"


def test_scrubber_replaces_whole_paths_longest_first(tmp_path: Path) -> None:
    out = tmp_path / "out"
    scrub = Scrubber({out: ".", tmp_path / "store.rmproj": "<store>"})
    text = f"wrote {out}/tables/a.csv; not {out}er/x; store {tmp_path}/store.rmproj."
    assert scrub.text(text) == f"wrote ./tables/a.csv; not {out}er/x; store <store>."
    assert scrub.text(f"{sys.prefix}/lib/x.py:1: Warning") == "<python>/lib/x.py:1: Warning"
    assert scrub.node({"a": [f"{out}/b", 3]}) == {"a": ["./b", 3]}
    assert public_path("data/synthetic") == "data/synthetic"
    assert public_path(Path.cwd() / "data" / "x") == "data/x"
    assert public_path(tmp_path / "data") == ".../data"
    assert public_path(None) is None
