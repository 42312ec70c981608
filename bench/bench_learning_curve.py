"""Learning curve on a held-out register: how much a store's human codings teach the coder
(not a timed test).

Run from the repository root::

    PYTHONPATH=src .venv/bin/python bench/bench_learning_curve.py            # ~5 minutes
    ... bench/bench_learning_curve.py --gold data/gold/curve_staff_survey.csv --draws 5
    ... bench/bench_learning_curve.py --sizes 0 25 50 100 --json curve.json

The register file (default ``data/gold/curve_staff_survey.csv``, staff-survey free text by a
writer the training files do not hold; since December 2026 they hold staff-survey text by
others) is held out. For each size k (default 0, 25, 50, 100)
and each draw (``--draws`` seeds, 0, 1, 2...), k of its segments are drawn at random and
given to the default coder as human codings, exactly as a store's human codings are used
(``default_coder(extra_segments=...)``, i.e. ``fit_codebook(extra_segments=...)``); the
coder is then scored on the *rest* of the register. Prints macro-F1 over the four levels
plus ``none``, primary-level kappa and valence accuracy on coded findings, as mean, min and
max over the draws. Size 0 is the shipped coder (one draw: nothing is random).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))
from rmresearch.config import apply_offline_defaults  # noqa: E402

apply_offline_defaults()

FIGURES = ("macro_f1", "kappa_primary", "valence_accuracy")


def one_draw(gold: Any, size: int, seed: int) -> dict[str, float]:
    """Figures on the rest of ``gold`` for a coder given ``size`` random rows of it."""
    import numpy as np

    from rmresearch.coding.api import default_coder
    from rmresearch.coding.evaluate import evaluate_gold

    gold = gold.assign(levels=[";".join(lv) or "none" for lv in gold["levels"]])
    order = np.random.default_rng(seed).permutation(len(gold))
    given, rest = gold.iloc[order[:size]], gold.iloc[order[size:]].reset_index(drop=True)
    coder = default_coder(extra_segments=given[["text", "levels", "valence"]]
                          if size else None)
    result = evaluate_gold(rest[["id", "text", "primary", "levels", "valence"]], coder=coder)
    return {f: float(result[f]) for f in FIGURES} | {"n_test": len(rest)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path,
                        default=ROOT / "data" / "gold" / "curve_staff_survey.csv")
    parser.add_argument("--sizes", type=int, nargs="+", default=[0, 25, 50, 100])
    parser.add_argument("--draws", type=int, default=5, help="random draws per size")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)

    from rmresearch.coding.evaluate import load_gold

    gold = load_gold(args.gold)
    too_big = [k for k in args.sizes if k >= len(gold)]
    if too_big:
        print(f"{args.gold} has {len(gold)} rows; sizes {too_big} leave nothing to test",
              file=sys.stderr)
        return 2
    start = time.perf_counter()
    print(f"held-out register: {args.gold} ({len(gold)} segments); {args.draws} draws per size")
    print(f"{'given':>6}{'test':>6}  {'macro-F1 mean (min-max)':<26}{'kappa mean':>11}"
          f"{'valence mean':>13}")
    out: dict[str, Any] = {"gold": str(args.gold), "curve": {}}
    for size in args.sizes:
        draws = [one_draw(gold, size, seed) for seed in range(args.draws if size else 1)]
        mean = {f: sum(d[f] for d in draws) / len(draws) for f in FIGURES}
        f1s = [d["macro_f1"] for d in draws]
        out["curve"][size] = {"draws": draws, "mean": mean}
        print(f"{size:>6}{draws[0]['n_test']:>6}  {mean['macro_f1']:.3f} "
              f"({min(f1s):.3f}-{max(f1s):.3f}){'':<9}{mean['kappa_primary']:>11.3f}"
              f"{mean['valence_accuracy']:>13.3f}")
    print(f"({time.perf_counter() - start:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
