"""Faults and concurrency: runs killed with a real SIGKILL, and readers racing writers.

Deterministic kill points come from `rmresearch.faults.checkpoint` (the test-only
``RMRESEARCH_FAULT_AT`` variable): a subprocess kills itself with SIGKILL at the named point.
One test also kills a working process at random moments from outside. After every kill the
project store must be intact (SQLite integrity, one current version per document, every
version's segments complete, no half-recorded run, human codings kept), no published file may
be truncated or half-written, and running the same command again must finish with the result
of a clean run.

Worker code for the subprocesses lives in this module (``_main``) and runs with
``python -c "from tests.test_faults import _main; ..."``.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable
FAULT = "RMRESEARCH_FAULT_AT"
FAKE_CODER = "ensemble@fake"  # a machine coder name report workers pick up without a model
PNG_END = b"IEND\xaeB`\x82"

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")


# --------------------------------------------------------------------------- subprocesses
def _env(fault: str | None = None) -> dict[str, str]:
    """The test environment (with RMRESEARCH_CACHE_DIR from conftest), ``tests`` importable."""
    env = {k: v for k, v in os.environ.items() if k != FAULT}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    if fault:
        env[FAULT] = fault
    return env


def _start(args: list[str], cwd: Path, fault: str | None = None) -> subprocess.Popen:
    # A new session: the run and every process it starts form one group we can clean up.
    return subprocess.Popen(args, cwd=cwd, env=_env(fault), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL what is left of a run's process group (workers of a killed parent)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of a process group."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(stat.parent.name))
    return members


def _run(args: list[str], cwd: Path, fault: str | None = None, timeout: float = 600,
         linger: float = 0) -> subprocess.CompletedProcess:
    """Run to the end (or the fault); output goes to files, not pipes, so a child that
    outlives a killed parent cannot hold us up. With ``linger``, wait up to that long for
    such children to exit by themselves; ``stragglers`` on the result lists any that did not.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(args, cwd=cwd, env=_env(fault), stdout=out, stderr=err,
                                text=True, start_new_session=True)
        try:
            proc.wait(timeout=timeout)
            end = time.monotonic() + linger
            while linger and _group_members(proc.pid) and time.monotonic() < end:
                time.sleep(0.2)
            stragglers = _group_members(proc.pid)
        finally:
            _kill_group(proc)
            proc.wait()
        out.seek(0)
        err.seek(0)
        res = subprocess.CompletedProcess(args, proc.returncode, out.read(), err.read())
    res.stragglers = stragglers
    return res


def _cli(*args: Any) -> list[str]:
    return [PY, "-m", "rmresearch.cli", *map(str, args)]


def _worker(func: str, **kwargs: Any) -> list[str]:
    return [PY, "-c", "import sys; from tests.test_faults import _main; _main(sys.argv[1:])",
            func, json.dumps(kwargs)]


def _killed(res: subprocess.CompletedProcess) -> None:
    assert res.returncode == -signal.SIGKILL, (
        f"expected a SIGKILL at the fault point, got exit code {res.returncode}:\n"
        f"{res.stdout[-2000:]}\n{res.stderr[-3000:]}")


def _ok(res: subprocess.CompletedProcess) -> None:
    assert res.returncode == 0, f"exit code {res.returncode}:\n{res.stdout[-2000:]}\n" \
                                f"{res.stderr[-3000:]}"


# --------------------------------------------------------------------------- store checks
_DUMP = {
    "documents": "SELECT doc_id, version, cohort, pair_id, source, author_role, stage, date, "
                 "path, sha256, text, mentor, mentee, current FROM documents "
                 "ORDER BY doc_id, version",
    "segments": 'SELECT segment_id, doc_id, version, cohort, pair_id, source, stage, speaker, '
                'speaker_role, start, "end", text, time, doc_sha256 FROM segments '
                "ORDER BY segment_id",
    "responses": "SELECT * FROM responses ORDER BY doc_id, version, respondent_id, question_id,"
                 " cohort, role, stage, value, text",
    "codings": "SELECT segment_id, code, coder, score, valence, evidence FROM codings "
               "ORDER BY segment_id, code, coder",
    "coded": "SELECT segment_id, coder FROM coded ORDER BY segment_id, coder",
    "runs": "SELECT kind, status, params, codebook_hash, package_version FROM runs "
            "ORDER BY run_id",
}


def _dump(path: Path) -> dict[str, list[tuple]]:
    """Everything a store holds except run ids and times."""
    con = sqlite3.connect(path)
    try:
        return {name: con.execute(sql).fetchall() for name, sql in _DUMP.items()}
    finally:
        con.close()


def _human(path: Path) -> set[tuple]:
    con = sqlite3.connect(path)
    try:
        return set(con.execute("SELECT segment_id, code, coder, score, valence, evidence "
                               "FROM codings WHERE coder LIKE 'human:%'").fetchall())
    finally:
        con.close()


def _expected_segments(folder: Path, result: Any = None) -> dict[tuple[str, str], int]:
    """(doc_id, sha256) -> number of segments a fresh ingest of ``folder`` gives."""
    from rmresearch.ingest import ingest_folder

    result = result if result is not None else ingest_folder(folder)
    counts = result.segments.groupby("doc_id").size()
    return {(doc.doc_id, doc.sha256): int(counts.get(doc.doc_id, 0))
            for doc in result.documents.itertuples()}


def _check_store(path: Path, *, human: set[tuple] = frozenset(),
                 expected: dict[tuple[str, str], int] | None = None) -> None:
    """The invariants a store must keep whenever a run is killed."""
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        # A run row is written in the same transaction as its work: never left 'running'.
        assert con.execute("SELECT run_id, kind, status FROM runs WHERE status IS NOT 'ok' "
                           "OR finished IS NULL").fetchall() == []
        # One current version per document; versions numbered 1..n without gaps.
        assert con.execute("SELECT doc_id FROM documents GROUP BY doc_id HAVING "
                           "SUM(current) != 1 OR MIN(version) != 1 OR "
                           "MAX(version) != COUNT(*)").fetchall() == []
        docs = {(d, sha): text for d, sha, text in
                con.execute("SELECT doc_id, sha256, text FROM documents")}
        segs = con.execute('SELECT doc_id, doc_sha256, start, "end", text FROM segments'
                           ).fetchall()
        # Every segment belongs to a stored document version and is that version's text.
        assert [s for s in segs if (s[0], s[1]) not in docs] == []
        assert [s for s in segs if docs[(s[0], s[1])][s[2]:s[3]] != s[4]] == []
        have: dict[tuple[str, str], int] = {}
        for s in segs:
            have[(s[0], s[1])] = have.get((s[0], s[1]), 0) + 1
        # Every version's segments are all there: as many as a fresh ingest of that text.
        for key in docs:
            if expected is not None and key in expected:
                assert have.get(key, 0) == expected[key], (key, have.get(key), expected[key])
            elif docs[key].strip():
                assert have.get(key, 0) > 0, key
        assert con.execute("SELECT r.doc_id, r.version FROM responses r LEFT JOIN documents d "
                           "ON d.doc_id = r.doc_id AND d.version = r.version "
                           "WHERE d.doc_id IS NULL").fetchall() == []
        for table in ("codings", "coded"):
            assert con.execute(f"SELECT c.segment_id FROM {table} c LEFT JOIN segments s "
                               "ON s.segment_id = c.segment_id WHERE s.segment_id IS NULL"
                               ).fetchall() == [], table
    finally:
        con.close()
    assert set(human) <= _human(path), "human codings were lost"


# --------------------------------------------------------------------------- output checks
def _check_outputs(folder: Path) -> list[Path]:
    """Every file with a final name is whole and readable; temporary files are hidden.

    Returns the hidden temporary files found.
    """
    import nbformat

    from rmresearch.report.index import published_files

    hidden = []
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        staged = any(part.startswith(".rmresearch-unchecked-")
                     for part in path.relative_to(folder).parts[:-1])
        if staged:  # a killed run's stage: hidden, never checked, swept by the next run
            hidden.append(path)
            continue
        if path.name.startswith("."):
            assert path.name.endswith((".tmp", ".partial.ipynb")), path
            hidden.append(path)
            continue
        suffix = path.suffix.lower()
        if suffix == ".csv":
            pd.read_csv(path)
        elif suffix == ".parquet":
            pd.read_parquet(path)
        elif suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        elif suffix == ".png":
            data = path.read_bytes()
            assert data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(PNG_END), path
        elif suffix == ".svg":
            assert path.read_text(encoding="utf-8").rstrip().endswith("</svg>"), path
        elif suffix == ".html":
            assert path.read_text(encoding="utf-8").rstrip().endswith("</html>"), path
        elif suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            # An executed notebook under its final name is a finished run, not a snapshot.
            assert nb.metadata.get("papermill", {}).get("end_time"), path
            states = {c.metadata.get("papermill", {}).get("status") for c in nb.cells}
            assert not states & {"pending", "running"}, (path, states)
    published = set(published_files(folder))
    assert not published & set(hidden)
    return hidden


# --------------------------------------------------------------------------- fixtures
def _text_files(data: Path) -> list[Path]:
    """Plain-text inputs we can append ASCII lines to (not UTF-16)."""
    manifest = pd.read_csv(data / "manifest.csv", dtype=str)
    files = [data / f for f in manifest["file"] if f.endswith((".txt", ".md"))]
    return [p for p in files if not p.read_bytes().startswith((b"\xff\xfe", b"\xfe\xff"))]


def _append_notes(files: list[Path], lines: list[str]) -> None:
    for path in files:
        path.write_bytes(path.read_bytes() + "".join(f"{x}\n" for x in lines).encode("ascii"))


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("faults")


@pytest.fixture(scope="module")
def data(work: Path) -> Path:
    from rmresearch.synthetic.generator import generate

    root = work / "data"
    generate(root, seed=5, cohorts=1, pairs=2, sessions=2, human_sample=0)
    return root


@pytest.fixture(scope="module")
def base_store(work: Path, data: Path) -> tuple[Path, set[tuple]]:
    """The data ingested once, with a few human codings on it."""
    from rmresearch.ingest import ingest_folder
    from rmresearch.store import ProjectStore

    path = work / "base.rmproj"
    with ProjectStore.open(path) as st:
        st.ingest(ingest_folder(data), params={"data": str(data)})
        segs = st.segments()
        picks = segs.groupby("doc_id").head(1).head(8)
        st.add_human_codings(pd.DataFrame({
            "segment_id": picks["segment_id"], "coder": "human:ana",
            "code": ["individual", "organisational"] * (len(picks) // 2) +
                    ["individual"] * (len(picks) % 2),
            "score": 1.0, "valence": "attention", "evidence": "hand-coded"}))
    return path, _human(path)


def _copy_store(src: Path, dst: Path) -> Path:
    """A copy of a store (the backup API copies a consistent snapshot)."""
    con, out = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        con.backup(out)
    finally:
        con.close()
        out.close()
    return dst


def _code_with_rules(store: str) -> None:
    """Store-mode coding (`code_store`) with the rule coder: the same path as
    ``rmresearch code --store``, without loading the sentence model."""
    from rmresearch.coding.rules import RuleCoder
    from rmresearch.coding.project import code_store

    print(json.dumps(code_store(store, coder=RuleCoder())), flush=True)


@pytest.fixture(scope="module")
def coded_store(work: Path, base_store) -> Path:
    """The base store coded by a clean run (the reference result)."""
    path = _copy_store(base_store[0], work / "coded.rmproj")
    _code_with_rules(str(path))
    return path


@pytest.fixture(scope="module")
def report_store(work: Path, data: Path) -> Path:
    """The data ingested, with machine codings of a stand-in ensemble coder."""
    from rmresearch.ingest import ingest_folder
    from rmresearch.store import ProjectStore

    path = work / "report.rmproj"
    with ProjectStore.open(path) as st:
        st.ingest(ingest_folder(data), params={"data": str(data)})
        segs = st.segments()["segment_id"]
        st.add_codings(_fake_codings(segs), seen=[(s, FAKE_CODER) for s in segs])
    return path


# --------------------------------------------------------------------------- 1. ingest
@pytest.mark.parametrize("point", ["ingest.document:6", "ingest.before_commit"])
def test_ingest_killed_mid_transaction_leaves_the_store_as_it_was(
        point: str, tmp_path: Path, data: Path, base_store) -> None:
    base, human = base_store
    folder = tmp_path / "data"
    shutil.copytree(data, folder)
    expected = _expected_segments(folder)
    # Every plain-text file changes, so the ingest writes many new versions before the kill.
    _append_notes(_text_files(folder), ["Mentor: I noticed the rota favours some staff."])
    expected.update(_expected_segments(folder))
    killed = _copy_store(base, tmp_path / "killed.rmproj")
    clean = _copy_store(base, tmp_path / "clean.rmproj")
    before = _dump(killed)

    _killed(_run(_cli("ingest", "--data", folder, "--store", killed), tmp_path, fault=point))
    _check_store(killed, human=human, expected=expected)
    assert _dump(killed) == before  # nothing of the half-finished ingest is visible

    rerun = _run(_cli("ingest", "--data", folder, "--store", killed), tmp_path)
    _ok(rerun)
    assert "new segments" in rerun.stdout and " 0 changed" not in rerun.stdout
    _ok(_run(_cli("ingest", "--data", folder, "--store", clean), tmp_path))
    _check_store(killed, human=human, expected=expected)
    assert _dump(killed) == _dump(clean)


# --------------------------------------------------------------------------- 2. atomic
def _write_outputs(out: str, tag: str) -> None:
    """A published table (CSV + Parquet) and figure (PNG + SVG), as a notebook writes them."""
    import matplotlib.pyplot as plt

    from rmresearch.report.plots import save_figure
    from rmresearch.report.publish import write_table

    write_table(pd.DataFrame({"name": [tag] * 50, "n": range(50)}), Path(out) / "tables" / "t")
    fig, ax = plt.subplots()
    ax.set_title(tag)
    save_figure(fig, Path(out) / "figures" / "f")


@pytest.mark.parametrize("nth, replaced", [(2, 1), (3, 2)])
def test_atomic_writer_killed_before_rename_keeps_the_old_file(
        nth: int, replaced: int, tmp_path: Path) -> None:
    out = tmp_path / "out"
    finals = [out / "tables" / "t.csv", out / "tables" / "t.parquet", out / "figures" / "f.png",
              out / "figures" / "f.svg"]
    _write_outputs(str(out), "old")
    old = {p: p.read_bytes() for p in finals}
    write = _worker("write_outputs", out=str(out), tag="new")

    _killed(_run(write, tmp_path, fault=f"atomic.before_rename:{nth}"))
    hidden = _check_outputs(out)
    # The file being written when the run died is still the old one, whole; its temporary
    # file is left under a hidden name that nothing publishes.
    assert len(hidden) == 1 and hidden[0].name.startswith(f".{finals[replaced].name}.")
    assert [p.read_bytes() == old[p] for p in finals] == [i >= replaced for i in range(4)]
    assert pd.read_csv(finals[0])["name"].iloc[0] == ("new" if replaced > 0 else "old")

    _ok(_run(write, tmp_path))
    _check_outputs(out)
    assert all(p.read_bytes() != old[p] for p in finals)
    assert pd.read_parquet(finals[1])["name"].eq("new").all()


# --------------------------------------------------------------------------- 3. coding
@pytest.mark.parametrize("point", ["code_store.coded", "codings.before_commit"])
def test_store_coding_killed_then_rerun_matches_a_clean_run(
        point: str, tmp_path: Path, data: Path, base_store, coded_store: Path) -> None:
    base, human = base_store
    killed = _copy_store(base, tmp_path / "killed.rmproj")
    before = _dump(killed)
    expected = _expected_segments(data)
    code = _worker("code_with_rules", store=str(killed))

    _killed(_run(code, tmp_path, fault=point))
    _check_store(killed, human=human, expected=expected)
    assert _dump(killed) == before  # no codings without their 'seen' rows, no open run

    rerun = _run(code, tmp_path)
    _ok(rerun)
    assert json.loads(rerun.stdout.splitlines()[-1])["skipped"] == 0  # nothing seen before
    _check_store(killed, human=human, expected=expected)
    got, clean = _dump(killed), _dump(coded_store)
    assert any(c.startswith("rules@") for _, _, c, *_ in clean["codings"])
    assert len(clean["coded"]) == len(before["segments"])  # every segment seen once
    assert got == clean


# --------------------------------------------------------------------------- 4. report
_PARAMS = ('data = ""\nstore = ""\noutput = ""\ncohort = ""\ncohorts = ""\n'
           'pseudonymise = True\nkey = ""\nmin_cell = 5\nseed = 42\ncodebook = ""')
_STAND_IN = """import matplotlib.pyplot as plt
from rmresearch.report.context import open_report

ctx = open_report(data=data, store=store, output=output, pseudonymise=pseudonymise, key=key,
                  min_cell=min_cell, seed=seed, codebook=codebook)
ctx.publish(ctx.overview(), "overview", counts=["value"])
fig, ax = plt.subplots()
ax.bar(["a", "b"], [1, 2])
ctx.figure(fig, "bars")"""
# Keeps this notebook running while a faulted batch is killed (so a kill lands mid-notebook).
_SLOW = """import os, time
if os.environ.get("RMRESEARCH_FAULT_AT"):
    time.sleep(300)"""
_BATCH = """
import sys
from rmresearch.report.batch import run_batch
result = run_batch(None, sys.argv[1], store=sys.argv[2], workers=2, progress=False)
sys.exit(0 if result.ok else 1)
"""


def _report_notebooks(folder: Path) -> Path:
    """The real cohort notebook, with quick stand-ins for the cross-cohort ones."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from rmresearch.report import NOTEBOOKS

    folder.mkdir()
    for kind, name in NOTEBOOKS.items():
        if kind == "cohort":
            shutil.copy(REPO / "src" / "rmresearch" / "notebooks" / name, folder / name)
            continue
        params = new_code_cell(_PARAMS)
        params.metadata["tags"] = ["parameters"]
        cells = [params, new_code_cell(_STAND_IN)] + \
            ([new_code_cell(_SLOW)] if kind != "comparison" else [])
        nb = new_notebook(cells=cells)
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        nbformat.write(nb, folder / name)
    return folder


def test_report_killed_before_the_index_leaves_no_complete_looking_output(
        tmp_path: Path, report_store: Path, monkeypatch) -> None:
    store = _copy_store(report_store, tmp_path / "report.rmproj")
    monkeypatch.setenv("RMRESEARCH_NOTEBOOKS", str(_report_notebooks(tmp_path / "notebooks")))
    out = tmp_path / "out"
    out.mkdir()
    # What an earlier, complete run into the same folder left behind.
    (out / "index.html").write_text("<html>an earlier run</html>\n", encoding="utf-8")
    (out / "manifest.json").write_text('{"notebooks": []}\n', encoding="utf-8")
    batch = [PY, "-c", _BATCH, str(out), str(store)]

    # Killed after two notebooks finished (the cohort one and the comparison), while the
    # themes notebook is running.
    killed = _run(batch, tmp_path, fault="report.job_done:2", timeout=400, linger=30)
    _killed(killed)
    # The workers notice that the batch is gone and exit (their kernels with them) instead of
    # writing more output for minutes.
    assert killed.stragglers == [], "workers of a killed batch kept running"
    time.sleep(1.5)  # a kernel exits within a second of its worker
    assert not (out / "index.html").exists() and not (out / "manifest.json").exists()
    hidden = _check_outputs(out)
    # Everything the killed run wrote is in its hidden stage, unchecked and unpublished: the
    # finished cohort appendix too, and the themes notebook under its partial name.
    stages = [p for p in out.iterdir() if p.name.startswith(".rmresearch-unchecked-")]
    assert len(stages) == 1
    assert stages[0] / "notebooks" / ".themes.partial.ipynb" in hidden
    cohort = {p.relative_to(stages[0]): p.read_bytes() for p in (stages[0] / "cohorts")
              .rglob("*") if p.is_file()}
    assert len([p for p in cohort if p.suffix == ".csv"]) >= 5
    published = [p for p in out.rglob("*") if p.is_file() and p not in hidden]
    assert published == [], "a killed batch published unchecked files"
    _check_store(store)

    _ok(_run(batch, tmp_path, timeout=400))
    _check_outputs(out)
    assert not any(p.name.startswith(".rmresearch-unchecked-") for p in out.iterdir())
    assert (out / "notebooks" / "cohort_C1.ipynb").exists() and (out / "cohort_C1.html").exists()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {n["name"]: n["status"] for n in manifest["notebooks"]} == {
        "cohort_C1": "ok", "comparison": "ok", "themes": "ok"}
    assert "an earlier run" not in (out / "index.html").read_text(encoding="utf-8")
    # The rerun reproduces what the killed run had already finished, byte for byte.
    assert {p: (out / p).read_bytes() for p in cohort} == cohort
    for name in ("comparison", "themes"):
        assert (out / name / "tables" / "overview.csv").is_file()
    _check_store(store)


# --------------------------------------------------------------------------- 5. random kills
_LOOP_STEPS = 12


def _set_state(folder: Path, pristine: Path, step: int) -> None:
    """The data folder as it is at ``step``: two files with ``step`` extra notes each."""
    for path in _text_files(pristine)[:2]:
        rel = path.relative_to(pristine)
        extra = "".join(f"Mentor: Extra note {i} about who gets the training places.\n"
                        for i in range(1, step + 1))
        (folder / rel).write_bytes(path.read_bytes() + extra.encode("ascii"))


def _fingerprint(store: Path) -> str:
    """The current state of a store (not version numbers, which depend on its history)."""
    from rmresearch.store import ProjectStore

    with ProjectStore.open(store) as st:
        docs = st.documents().drop(columns=["version", "run_id"])
        segs = st.segments().drop(columns=["version"]).sort_values("segment_id")
        resp = st.responses().drop(columns=["version"])
    return hashlib.sha256("".join(df.to_csv(index=False) for df in (docs, segs, resp))
                          .encode()).hexdigest()


def _loop_step(st: Any, folder: Path, pristine: Path, out: Path, step: int) -> Any:
    from rmresearch.atomic import atomic_write_text
    from rmresearch.ingest import ingest_folder
    from rmresearch.report.publish import write_table

    _set_state(folder, pristine, step)
    result = ingest_folder(folder)
    st.ingest(result, params={"step": step})
    segs = st.segments()[["segment_id", "doc_id", "start", "end", "speaker_role", "text"]]
    write_table(segs.sort_values("segment_id"), out / "segments")
    atomic_write_text(out / "summary.json", json.dumps(st.summary(), sort_keys=True))
    return result


def _ingest_loop(folder: str, pristine: str, store: str, out: str) -> None:
    """Steps 1.._LOOP_STEPS: change the data, ingest, publish the segments table."""
    from rmresearch.store import ProjectStore

    with ProjectStore.open(store) as st:
        print("ready", flush=True)
        for step in range(1, _LOOP_STEPS + 1):
            _loop_step(st, Path(folder), Path(pristine), Path(out), step)
            print(step, flush=True)


def test_kills_at_random_moments_keep_store_and_outputs_consistent(
        tmp_path: Path, data: Path, base_store) -> None:
    from rmresearch.store import ProjectStore

    base, human = base_store
    # Reference: the states a clean loop passes through, and what it publishes at each step.
    ref_folder, ref_out = tmp_path / "ref", tmp_path / "ref_out"
    shutil.copytree(data, ref_folder)
    ref_store = _copy_store(base, tmp_path / "ref.rmproj")
    states = {_fingerprint(ref_store)}
    published: dict[str, set[bytes]] = {"segments.csv": set(), "segments.parquet": set()}
    expected = _expected_segments(data)
    with ProjectStore.open(ref_store) as st:
        for step in range(1, _LOOP_STEPS + 1):
            result = _loop_step(st, ref_folder, data, ref_out, step)
            states.add(_fingerprint(ref_store))
            expected.update(_expected_segments(ref_folder, result))
            for name in published:
                published[name].add((ref_out / name).read_bytes())
    final = _fingerprint(ref_store)
    assert len(states) == _LOOP_STEPS + 1

    folder, out = tmp_path / "data", tmp_path / "out"
    shutil.copytree(data, folder)
    store = _copy_store(base, tmp_path / "loop.rmproj")
    loop = _worker("ingest_loop", folder=str(folder), pristine=str(data), store=str(store),
                   out=str(out))
    rng = random.Random(20240611)
    kills = 0
    for _ in range(3):
        proc = _start(loop, tmp_path)
        try:
            assert proc.stdout.readline().strip() == "ready", proc.stderr.read()[-3000:]
            time.sleep(rng.uniform(0.1, 2.5))
            _kill_group(proc)
            proc.communicate(timeout=60)
        finally:
            _kill_group(proc)
        kills += proc.returncode == -signal.SIGKILL
        _check_store(store, human=human, expected=expected)
        assert _fingerprint(store) in states  # a whole number of steps, never part of one
        _check_outputs(out)
        for name, allowed in published.items():
            if (out / name).exists():
                assert (out / name).read_bytes() in allowed, name
    assert kills >= 2

    _ok(_run(loop, tmp_path))
    _check_store(store, human=human, expected=expected)
    assert _fingerprint(store) == final
    _check_outputs(out)
    for name in published:
        assert (out / name).read_bytes() == (ref_out / name).read_bytes()


# --------------------------------------------------------------------------- 6. concurrency
def _wait_for(path: Path, timeout: float = 180) -> None:
    end = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > end:
            raise TimeoutError(f"{path} never appeared")
        time.sleep(0.02)


def _report_result(path: str, **result: Any) -> None:
    Path(path).write_text(json.dumps(result), encoding="utf-8")


def _reader(store: str, out: str, sync: str, name: str, seconds: float) -> None:
    """What a report worker does, in a loop: open the project, check it, use it."""
    from rmresearch.report.context import open_report
    from rmresearch.store import ProjectStore

    (Path(sync) / f"ready-{name}").touch()
    _wait_for(Path(sync) / "go")
    errors, mismatched, n, quick = [], [], 0, 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            ctx = open_report(store=store, output=out, pseudonymise=False, min_cell=0)
            project = ctx.project
            # One consistent snapshot: every current segment is of the document version the
            # same read returned, and each document's segments are all there.
            sha = project.documents.set_index("doc_id")["sha256"]
            segs = project.segments
            wrong = segs[segs["doc_id"].map(sha) != segs["doc_sha256"]]
            if len(wrong) or set(segs["doc_id"]) - set(sha.index):
                mismatched.append(f"read {n}: {len(wrong)} segments of another document version")
            ctx.overview()
            ctx.coded()
            for _ in range(5):  # and the plain store reads, many times over
                with ProjectStore.open(store) as st:
                    st.summary()
                    st.coded_segment_ids(FAKE_CODER)
                    with st.snapshot():
                        st.documents(), st.segments(), st.codings(), st.responses()
                    quick += 1
            n += 1
        except Exception as exc:  # noqa: BLE001 - every failure is the finding
            errors.append(f"{exc.__class__.__name__}: {exc}")
    _report_result(Path(sync) / f"result-{name}", n=n, quick=quick, errors=errors,
                   mismatched=mismatched)


def _ingest_writer(store: str, folder: str, pristine: str, sync: str, name: str,
                   seconds: float) -> None:
    """Change two files and re-ingest, over and over (each ingest is a new version)."""
    from rmresearch.ingest import ingest_folder
    from rmresearch.store import ProjectStore

    (Path(sync) / f"ready-{name}").touch()
    _wait_for(Path(sync) / "go")
    errors, n = [], 0
    end = time.monotonic() + seconds
    with ProjectStore.open(store) as st:
        while time.monotonic() < end:
            try:
                _set_state(Path(folder), Path(pristine), n % 7 + 1)
                st.ingest(ingest_folder(folder))
                n += 1
            except Exception as exc:  # noqa: BLE001
                errors.append(f"{exc.__class__.__name__}: {exc}")
    _report_result(Path(sync) / f"result-{name}", n=n, errors=errors)


def _coding_writer(store: str, sync: str, name: str, seconds: float) -> None:
    """A second writer: machine-code new segments (like code_store) and add human codings."""
    from rmresearch.store import ProjectStore

    (Path(sync) / f"ready-{name}").touch()
    _wait_for(Path(sync) / "go")
    errors, human, n = [], [], 0
    end = time.monotonic() + seconds
    with ProjectStore.open(store) as st:
        while time.monotonic() < end:
            try:
                segs = st.segments()
                todo = segs[~segs["segment_id"].isin(st.coded_segment_ids(FAKE_CODER))]
                if len(todo):
                    st.add_codings(_fake_codings(todo["segment_id"]),
                                   seen=[(s, FAKE_CODER) for s in todo["segment_id"]])
                sid = str(segs["segment_id"].iloc[n % len(segs)])
                st.add_human_codings(pd.DataFrame([dict(
                    segment_id=sid, code="symbolic", coder="human:bob", score=1.0,
                    valence="attention", evidence="")]))
                human.append(sid)
                n += 1
            except Exception as exc:  # noqa: BLE001
                errors.append(f"{exc.__class__.__name__}: {exc}")
    _report_result(Path(sync) / f"result-{name}", n=n, errors=errors, human=human)


def _fresh_ingest(store: str, folder: str, sync: str, name: str) -> None:
    """Ingest into a store that does not exist yet, at the same moment as others."""
    from rmresearch.ingest import ingest_folder
    from rmresearch.store import ProjectStore

    result = ingest_folder(folder)
    (Path(sync) / f"ready-{name}").touch()
    _wait_for(Path(sync) / "go")
    try:
        with ProjectStore.open(store) as st:
            counts, errors = st.ingest(result), []
    except Exception as exc:  # noqa: BLE001
        counts, errors = {}, [f"{exc.__class__.__name__}: {exc}"]
    _report_result(Path(sync) / f"result-{name}", counts=counts, errors=errors)


def _fake_codings(segment_ids: Any) -> pd.DataFrame:
    ids = [str(s) for s in segment_ids]
    return pd.DataFrame({"segment_id": ids, "code": "individual", "coder": FAKE_CODER,
                         "score": 0.5, "valence": "neutral", "evidence": "fake"})


def _race(workers: dict[str, list[str]], sync: Path, cwd: Path) -> dict[str, dict]:
    """Start the workers, let them all finish importing, then release them at once."""
    procs = {name: _start(args, cwd) for name, args in workers.items()}
    try:
        end = time.monotonic() + 240
        while not all((sync / f"ready-{n}").exists() for n in procs):
            dead = {n: p.poll() for n, p in procs.items() if p.poll() is not None}
            assert not dead, {n: procs[n].stderr.read()[-3000:] for n in dead}
            assert time.monotonic() < end, "workers did not start"
            time.sleep(0.05)
        (sync / "go").touch()
        for name, proc in procs.items():
            _, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, (name, err[-3000:])
    finally:
        for proc in procs.values():
            _kill_group(proc)
    return {n: json.loads((sync / f"result-{n}").read_text(encoding="utf-8")) for n in procs}


def test_report_readers_never_fail_while_two_writers_work(
        tmp_path: Path, data: Path, base_store) -> None:
    base, human = base_store
    store = _copy_store(base, tmp_path / "shared.rmproj")
    from rmresearch.store import ProjectStore

    with ProjectStore.open(store) as st:
        segs = st.segments()["segment_id"]
        st.add_codings(_fake_codings(segs), seen=[(s, FAKE_CODER) for s in segs])
    folder, sync = tmp_path / "data", tmp_path / "sync"
    shutil.copytree(data, folder)
    sync.mkdir()
    seconds = 8.0
    workers = {"ingest": _worker("ingest_writer", store=str(store), folder=str(folder),
                                 pristine=str(data), sync=str(sync), name="ingest",
                                 seconds=seconds),
               "coding": _worker("coding_writer", store=str(store), sync=str(sync),
                                 name="coding", seconds=seconds)}
    for i in range(3):
        workers[f"reader{i}"] = _worker("reader", store=str(store), out=str(tmp_path / f"r{i}"),
                                        sync=str(sync), name=f"reader{i}", seconds=seconds)
    results = _race(workers, sync, tmp_path)

    assert {n: r["errors"] for n, r in results.items() if r["errors"]} == {}
    assert {n: r["mismatched"] for n, r in results.items() if r.get("mismatched")} == {}
    # The run really overlapped: each process did its work several times.
    assert results["ingest"]["n"] >= 3 and results["coding"]["n"] >= 3
    assert all(results[f"reader{i}"]["n"] >= 2 for i in range(3)), results
    bob = {(s, "symbolic", "human:bob") for s in results["coding"]["human"]}
    _check_store(store, human=human, expected=None)
    assert bob <= {h[:3] for h in _human(store)}


def test_writers_racing_to_create_a_new_store_all_succeed(tmp_path: Path, data: Path) -> None:
    store, sync = tmp_path / "new" / "p.rmproj", tmp_path / "sync"
    sync.mkdir()
    workers = {f"w{i}": _worker("fresh_ingest", store=str(store), folder=str(data),
                                sync=str(sync), name=f"w{i}") for i in range(3)}
    results = _race(workers, sync, tmp_path)
    assert {n: r["errors"] for n, r in results.items() if r["errors"]} == {}
    counts = sorted((r["counts"]["new"], r["counts"]["unchanged"]) for r in results.values())
    docs = len(pd.read_csv(data / "manifest.csv"))
    assert counts == [(0, docs), (0, docs), (docs, 0)]
    _check_store(store, expected=_expected_segments(data))
    con = sqlite3.connect(store)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == docs
    con.close()


# --------------------------------------------------------------------------- entry point
_WORKERS = {"code_with_rules": _code_with_rules, "write_outputs": _write_outputs,
            "ingest_loop": _ingest_loop, "reader": _reader, "ingest_writer": _ingest_writer,
            "coding_writer": _coding_writer, "fresh_ingest": _fresh_ingest}


def _main(argv: list[str]) -> None:
    """Run one worker in a subprocess: ``_main([name, json_kwargs])``."""
    name, kwargs = argv[0], json.loads(argv[1])
    _WORKERS[name](**kwargs)
