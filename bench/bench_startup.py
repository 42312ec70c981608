"""Start-up: ``rmresearch --help`` (limit 0.5 s) and ``import rmresearch`` (limit 1 s).

Each is a fresh interpreter, best of ``repeat``; the bare interpreter (``python -c pass``) is
shown beside them as the floor no package can go below. Also lists any heavy library
(torch, spaCy, sentence-transformers, BERTopic, dask) that start-up loaded: there should be
none.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_all import ROOT, Result, check, print_table, python  # noqa: E402

HEAVY = ("torch", "spacy", "sentence_transformers", "bertopic", "dask", "distributed",
         "sklearn", "umap")


def _console_script() -> list[str]:
    exe = Path(python()).with_name("rmresearch")
    if exe.exists():
        return [str(exe)]
    return [python(), "-c", "import sys; from rmresearch.cli import main; sys.exit(main())"]


def timed(cmd: list[str], repeat: int) -> float:
    """Best wall time of running ``cmd`` (output discarded)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    best = float("inf")
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                       cwd=ROOT, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def heavy_loaded() -> list[str]:
    """Heavy libraries loaded by ``import rmresearch`` plus rendering ``--help``."""
    probe = ("import contextlib, io, json, sys\nfrom rmresearch.cli import main\n"
             "with contextlib.redirect_stdout(io.StringIO()):\n    main(['--help'])\n"
             f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & "
             f"set({list(HEAVY)!r}))))")
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    out = subprocess.run([python(), "-c", probe], capture_output=True, text=True, env=env,
                         cwd=ROOT, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def run(quick: bool = False, segments: int = 0, repeat: int = 3) -> list[Result]:
    n = max(3, repeat * 2)  # cheap: more repeats give a steadier minimum
    floor = timed([python(), "-c", "pass"], n)
    imp = timed([python(), "-c", "import rmresearch"], n)
    help_ = timed(_console_script() + ["--help"], n)
    heavy = heavy_loaded()
    base = f"limit {{:.1f}} s (bare python {floor:.2f} s)"
    return [
        check("import rmresearch", f"{imp:.2f} s", base.format(1.0), imp / 1.0, "<=", 1.0),
        check("rmresearch --help", f"{help_:.2f} s", base.format(0.5), help_ / 0.5, "<=", 1.0,
              note=f"heavy libraries loaded by import + --help: {', '.join(heavy) or 'none'}"),
    ]


if __name__ == "__main__":
    print_table(run())
