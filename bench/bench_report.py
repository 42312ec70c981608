"""The report batch over the bundled synthetic data: wall time against the 3-minute limit.

``rmresearch report --data data/synthetic --output OUT --store STORE`` in a fresh process with
an empty embedding cache and a new store: the cost of a first run (ingest, coding, every
notebook, HTML, manifest). A second run over the same data then shows the re-run cost (store
and embedding cache warm). ``--quick`` runs one cohort (``--cohort C1``), first run only.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_all import ROOT, Result, check, fresh_cache, print_table, python  # noqa: E402

LIMIT = 180.0


def _report(work: Path, cache: str, extra: list[str]) -> float:
    exe = Path(python()).with_name("rmresearch")
    cmd = [str(exe)] if exe.exists() else [python(), "-m", "rmresearch.cli"]
    cmd += ["report", "--data", str(ROOT / "data" / "synthetic"), "--output",
            str(work / "out"), "--store", str(work / "project.rmproj"), *extra]
    env = dict(os.environ, RMRESEARCH_CACHE_DIR=cache, PYTHONPATH=str(ROOT / "src"))
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    took = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"report batch failed ({done.returncode}): "
                           f"{(done.stderr or done.stdout)[-500:]}")
    return took


def run(quick: bool = False, segments: int = 0, repeat: int = 3) -> list[Result]:
    extra = ["--cohort", "C1"] if quick else []
    with tempfile.TemporaryDirectory(prefix="rm-bench-report-") as tmp:
        cache = fresh_cache()
        first = _report(Path(tmp), cache, extra)
        rows = [check("report batch, first run" + (" (C1 only)" if quick else ""),
                      f"{first:.0f} s", f"limit {LIMIT:.0f} s", first / LIMIT, "<=", 1.0,
                      note="fresh process, empty embedding cache, new store")]
        if not quick:
            again = _report(Path(tmp), cache, extra)
            rows.append(check("report batch, re-run", f"{again:.0f} s", f"limit {LIMIT:.0f} s",
                              again / LIMIT, "<=", 1.0))
    return rows


if __name__ == "__main__":
    print_table(run(quick="--quick" in sys.argv))
