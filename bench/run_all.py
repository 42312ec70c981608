"""Run every benchmark and print one table: each figure beside its baseline or limit.

    ./run.sh bench                      # everything (about an hour: 100k segments twice)
    ./run.sh bench --quick              # small sizes, a smoke run (a few minutes)
    ./run.sh bench --segments 20000     # size of the big coding and Dask runs
    ./run.sh bench --only startup,dask  # some of: startup ingest coding topics report dask

Benchmarks, not timed tests: nothing fails. Ratios are measured in the same run (baseline
and figure back to back, best of ``--repeat``), so a machine busy with other work moves both;
absolute figures are only comparable on an idle machine. ``ok`` compares the ratio with the
target in the ``target`` column.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
for _p in (str(ROOT / "src"), str(BENCH)):
    if _p not in sys.path:
        sys.path.insert(0, _p)
from rmresearch.config import apply_offline_defaults  # noqa: E402

apply_offline_defaults()

SUITES = ("startup", "ingest", "coding", "topics", "report", "dask")


@dataclass
class Result:
    """One row of the table: a figure, what it is compared with, and the ratio."""

    name: str
    figure: str
    baseline: str
    ratio: float | None
    target: str
    ok: bool | None
    note: str = ""


def check(name: str, figure: str, baseline: str, ratio: float | None, op: str, bound: float,
          note: str = "") -> Result:
    """A row whose ``ratio`` must be ``op`` (">=" or "<=") ``bound``."""
    ok = None if ratio is None else (ratio >= bound if op == ">=" else ratio <= bound)
    return Result(name, figure, baseline, ratio, f"{op} {bound:g}", ok, note)


def best_of(function: Callable[[], Any], repeat: int) -> float:
    """Shortest wall time of ``repeat`` calls (seconds)."""
    times = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def python() -> str:
    """The interpreter running the benchmarks (the project's venv under ./run.sh)."""
    return sys.executable


def run_json(code: str, env: dict[str, str] | None = None, timeout: float = 7200) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON object as its last line."""
    full = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(BENCH)]),
                **(env or {}))
    done = subprocess.run([python(), "-c", code], capture_output=True, text=True, env=full,
                          cwd=ROOT, timeout=timeout)
    if done.returncode:
        raise RuntimeError(f"benchmark subprocess failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def fresh_cache() -> str:
    """A new, empty embedding cache folder (a cold run)."""
    return tempfile.mkdtemp(prefix="rm-bench-cache-")


def rate(n: float, seconds: float) -> str:
    return f"{n / seconds:,.0f}"


def print_table(results: list[Result], out: Any = None) -> None:
    """Print the results as an aligned text table."""
    out = out or sys.stdout
    head = ("benchmark", "figure", "baseline / limit", "ratio", "target", "ok")
    rows = [(r.name, r.figure, r.baseline, "-" if r.ratio is None else f"{r.ratio:.2f}",
             r.target, {True: "yes", False: "NO", None: "-"}[r.ok]) for r in results]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    line = "  ".join("{:<%d}" % w for w in widths)
    print(line.format(*head), file=out)
    print("  ".join("-" * w for w in widths), file=out)
    for row in rows:
        print(line.format(*row), file=out)
    notes = [(r.name, r.note) for r in results if r.note]
    for name, note in notes:
        print(f"  * {name}: {note}", file=out)


def machine_note() -> str:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    return (f"{os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / "
            f"{load[2]:.1f} (1/5/15 min); figures drop when other work shares the CPUs")


def _suite(name: str) -> Callable[..., list[Result]]:
    import importlib

    module = {"coding": "bench_dask"}.get(name, f"bench_{name}")
    attr = "run_coding" if name == "coding" else "run"
    return getattr(importlib.import_module(module), attr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument("--segments", type=int, default=None,
                        help="segments for the big coding run and the largest Dask run "
                             "(default 100000; 2000 with --quick)")
    parser.add_argument("--repeat", type=int, default=None, help="best of N (default 3; 1 "
                        "with --quick)")
    parser.add_argument("--only", default=",".join(SUITES),
                        help=f"comma-separated subset of: {', '.join(SUITES)}")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows as JSON")
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(chosen) - set(SUITES))
    if unknown:
        parser.error(f"unknown suite(s) {', '.join(unknown)}; choose from {', '.join(SUITES)}")
    segments = args.segments or (2000 if args.quick else 100_000)
    repeat = args.repeat or (1 if args.quick else 3)
    print(f"rmresearch benchmarks ({'quick' if args.quick else 'full'}; {machine_note()})",
          flush=True)
    results: list[Result] = []
    for name in chosen:
        start = time.perf_counter()
        print(f"... {name}", file=sys.stderr, flush=True)
        try:
            results += _suite(name)(quick=args.quick, segments=segments, repeat=repeat)
        except Exception as exc:  # a broken suite should not hide the others
            results.append(Result(name, "failed", f"{type(exc).__name__}: {exc}"[:120], None,
                                  "-", False))
        print(f"    {name} took {time.perf_counter() - start:,.0f} s", file=sys.stderr,
              flush=True)
    print()
    print_table(results)
    print(f"\nmachine: {machine_note()}")
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in results], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
