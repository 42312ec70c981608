"""Theme accuracy of `assign_themes` on the gold themes set, and its speed (not a timed test).

Run from the repository root::

    PYTHONPATH=src .venv/bin/python bench/bench_themes.py
    ... bench/bench_themes.py --gold data/gold/themes_dev.csv --speed 1200

Accuracy: each gold row is given its gold level (``code``) and the theme chosen under that
level is compared with the gold theme; printed per level, per register and overall, with how
often "other" was given and how often it was right. Speed: rows per second of
`assign_themes` on ``--speed`` rows (bundled synthetic segments, one level each, round
robin), excluding model loading and the theme prototypes (both paid once per process),
with an empty embedding cache (``cold``: every text encoded) and again with it filled
(``warm``: a re-run). The gold set is for measuring: read the figures, do not tune patterns
or constants on its rows.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))
from rmresearch.config import apply_offline_defaults  # noqa: E402

apply_offline_defaults()


def accuracy(gold: Any, embedder: Any) -> Any:
    """The gold table with the assigned ``theme`` as ``pred`` and ``ok`` (pred == theme)."""
    from rmresearch.coding.themes import assign_themes

    coded = gold.rename(columns={"id": "segment_id", "level": "code", "theme": "gold"})
    out = assign_themes(coded, embedder=embedder)
    return out.assign(pred=out["theme"], ok=out["theme"] == out["gold"])


def _line(label: str, part: Any) -> str:
    other_pred = part["pred"].str.endswith(".other")
    other_gold = part["gold"].str.endswith(".other")
    right_other = int((other_pred & part["ok"]).sum())
    return (f"{label:<16}{len(part):>5}{part['ok'].mean():>10.3f}"
            f"{int(other_gold.sum()):>12}{int(other_pred.sum()):>12}{right_other:>10}")


def report(scored: Any) -> None:
    """Print accuracy per level, per register and overall."""
    print(f"{'':<16}{'rows':>5}{'accuracy':>10}{'gold other':>12}{'given other':>12}"
          f"{'other ok':>10}")
    for level, part in scored.groupby("code", sort=False):
        print(_line(level, part))
    print(_line("overall", scored))
    named = scored[~scored["gold"].str.endswith(".other")]
    print(_line("named themes", named))
    print()
    for register, part in scored.groupby("register", sort=True):
        print(_line(register, part))


def speed(n: int) -> dict[str, float]:
    """Rows per second cold and warm on ``n`` synthetic rows, excluding model load, and the
    encoder alone (distinct texts per second, empty cache) for comparison; each also per
    CPU second of this process (what a machine shared with others still shows)."""
    import pandas as pd

    from rmresearch.codebook.themes import default_themes
    from rmresearch.coding.embeddings import Embedder
    from rmresearch.coding.themes import assign_themes, theme_index
    from rmresearch.ingest import ingest_folder
    from rmresearch.vocabulary import LEVELS

    texts = ingest_folder(ROOT / "data" / "synthetic").segments["text"].astype(str).tolist()
    texts = (texts * (n // max(1, len(texts)) + 1))[:n]
    table = pd.DataFrame({"segment_id": [f"s{i}" for i in range(len(texts))],
                          "code": [LEVELS[i % len(LEVELS)] for i in range(len(texts))],
                          "text": texts})
    with tempfile.TemporaryDirectory() as folder:
        emb = Embedder(cache_dir=folder)
        emb.encode(["model load"])
        theme_index(default_themes(), emb)
        assign_themes(table.head(4), embedder=emb)  # rule pipeline compiled (not timed)
        times = []
        for _ in range(2):
            start, cpu = time.perf_counter(), time.process_time()
            assign_themes(table, embedder=emb)
            times.append((time.perf_counter() - start, time.process_time() - cpu))
    unique = len(set(texts))
    with tempfile.TemporaryDirectory() as folder:
        alone = Embedder(cache_dir=folder)
        start, cpu = time.perf_counter(), time.process_time()
        alone.encode(list(dict.fromkeys(texts)))
        enc = (time.perf_counter() - start, time.process_time() - cpu)
    rows = len(table)
    return {"rows": rows, "unique": unique, "cold": rows / times[0][0],
            "cold_cpu": rows / times[0][1], "warm": rows / times[1][0],
            "warm_cpu": rows / times[1][1], "encoder": unique / enc[0],
            "encoder_cpu": unique / enc[1]}


def main(argv: list[str] | None = None) -> int:
    """Run the accuracy report and the speed measurement."""
    import pandas as pd

    from rmresearch.coding.embeddings import Embedder

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", default=str(ROOT / "data" / "gold" / "themes_dev.csv"))
    parser.add_argument("--speed", type=int, default=1200, help="rows to time (0: skip)")
    args = parser.parse_args(argv)
    gold = pd.read_csv(args.gold, dtype=str, keep_default_na=False)
    scored = accuracy(gold, Embedder())
    report(scored)
    if args.speed:
        s = speed(args.speed)
        print(f"\nspeed on {s['rows']} rows ({s['unique']} distinct texts), model load "
              "excluded (per wall-clock second; per CPU second of this process):")
        print(f"  cold cache   {s['cold']:8.0f} rows/s  {s['cold_cpu']:8.0f} rows/CPU-s")
        print(f"  warm cache   {s['warm']:8.0f} rows/s  {s['warm_cpu']:8.0f} rows/CPU-s")
        print(f"  encoder only {s['encoder']:8.0f} texts/s {s['encoder_cpu']:8.0f} texts/CPU-s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
