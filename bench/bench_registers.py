"""Per-register and leave-one-register-out scores of the default coder (not a timed test).

Run from the repository root::

    PYTHONPATH=src .venv/bin/python bench/bench_registers.py
    ... bench/bench_registers.py --gold data/gold/registers.csv --json out.json

Two rows per register of the gold file (default ``data/gold/registers.csv``):

* ``shipped``: the default coder as shipped (codebook and training file only);
* ``loro``: leave one register out: the default coder fitted with every *other* register's
  rows as extra human-coded segments (``default_coder(extra_segments=...)``, as the store
  does with human codings), then scored on the register left out.

Figures: macro-F1 over the labels present in the register, kappa on the primary level,
valence accuracy on coded findings, findings given no level, non-findings given a level.
The set is for development measurement: read the figures, do not tune on its rows, and
keep a final holdout unseen.
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

COLUMNS = ("macro_f1", "kappa_primary", "valence_accuracy")


def _fmt(value: Any) -> str:
    return "   n/a" if value is None or value != value else f"{value:6.3f}"


def _row(register: str, kind: str, e: dict[str, Any]) -> str:
    false = f"{e['false_findings']}/{e['non_findings']}"
    return (f"{register:<20}{kind:<9}{e['n']:>4}{e['findings']:>5}  "
            + "  ".join(_fmt(e[c]) for c in COLUMNS)
            + f"{e['uncoded_findings']:>6}{false:>9}")


def leave_one_out(gold: Any, codebook: Any, register: str) -> dict[str, Any]:
    """Fit the default coder on the codebook plus every register but ``register``; score
    it on ``register``."""
    from rmresearch.coding.api import default_coder
    from rmresearch.coding.evaluate import evaluate_gold

    rest = gold[gold["register"] != register]
    extra = rest[["text", "levels", "valence"]].reset_index(drop=True)
    coder = default_coder(codebook, extra_segments=extra)
    part = gold[gold["register"] == register].reset_index(drop=True)
    part = part.assign(levels=[";".join(lv) or "none" for lv in part["levels"]])
    return evaluate_gold(part, coder=coder, codebook=codebook)["by_register"][register]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=ROOT / "data" / "gold" / "registers.csv")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)

    from rmresearch.codebook import default_codebook
    from rmresearch.coding.evaluate import evaluate_gold, load_gold

    cb = default_codebook()
    gold = load_gold(args.gold, cb)
    if "register" not in gold.columns:
        print(f"{args.gold}: no 'register' column; nothing to compare", file=sys.stderr)
        return 2
    start = time.perf_counter()
    shipped = evaluate_gold(args.gold, codebook=cb)
    out: dict[str, Any] = {"gold": str(args.gold), "coder": shipped["coder"],
                           "shipped": shipped["by_register"], "loro": {}}
    print(f"gold {args.gold}  coder {shipped['coder']}")
    print(f"{'register':<20}{'coder':<9}{'n':>4}{'find':>5}  {'macroF1':>6}  {'kappa':>6}  "
          f"{'valence':>6}{'uncod':>6}{'false':>9}")
    for reg in sorted(shipped["by_register"]):
        out["loro"][reg] = leave_one_out(gold, cb, reg)
        print(_row(reg, "shipped", shipped["by_register"][reg]))
        print(_row(reg, "loro", out["loro"][reg]))
    for kind in ("shipped", "loro"):
        table = out[kind]
        mean = {c: sum(e[c] for e in table.values() if e[c] is not None)
                / max(1, sum(e[c] is not None for e in table.values())) for c in COLUMNS}
        out[f"{kind}_mean"] = mean
        print(f"{'mean of registers':<20}{kind:<9}{'':>9}  "
              + "  ".join(_fmt(mean[c]) for c in COLUMNS))
    print(f"({time.perf_counter() - start:.0f} s)")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
