"""Calibration of the default coder's scores on a gold set (not a timed test).

Run from the repository root::

    PYTHONPATH=src .venv/bin/python bench/bench_calibration.py
    ... bench/bench_calibration.py --gold data/gold/dev.csv --bins 10
    ... bench/bench_calibration.py --loro     # each register scored by a coder fitted
                                              # with the other registers' rows (~5 min)
    ... bench/bench_calibration.py --platt    # the shipped out-of-register Platt map:
                                              # refitted, and scored leaving one register out

Codes the gold texts with the default coder and, for every coding (a segment given a
level), takes its score and whether the gold gives the segment that level. Prints the
reliability table (score bins: mean score, observed precision, count) and the expected
calibration error (ECE: count-weighted mean gap between mean score and precision) of the
calibrated scores the coder reports, and of the raw level probabilities for comparison.
The calibrator is fitted on cross-validated predictions of the training texts only
(`rmresearch.coding.calibration`), never on the gold set.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))
from rmresearch.config import apply_offline_defaults  # noqa: E402

apply_offline_defaults()


def scored_codings(gold: Any, coder: Any) -> tuple[str, list[float], list[float], list[int]]:
    """Coder label, calibrated scores, raw scores and outcomes (1 = the gold has the level)
    of every coding of the (loaded) gold texts."""
    import pandas as pd

    from rmresearch.coding.api import code_segments

    segments = pd.DataFrame({"segment_id": gold["id"].astype(str), "text": gold["text"]})
    codings = code_segments(segments, coder=coder)
    levels = dict(zip(segments["segment_id"], gold["levels"]))
    texts = dict(zip(segments["segment_id"], segments["text"]))
    ids = list(dict.fromkeys(codings["segment_id"]))
    raw = coder.predict_proba([texts[i] for i in ids]) if ids else None
    row = {sid: k for k, sid in enumerate(ids)}
    codes = list(coder.codes_)
    raw_scores = [float(raw[row[s], codes.index(c)])  # type: ignore[index]
                  for s, c in zip(codings["segment_id"], codings["code"])]
    outcomes = [int(c in levels[s]) for s, c in zip(codings["segment_id"], codings["code"])]
    return coder.coder_label, [float(x) for x in codings["score"]], raw_scores, outcomes


def _loro(gold: Any) -> tuple[str, list[float], list[float], list[int]]:
    """Pooled codings of every register, each coded by the default coder fitted with the
    other registers' rows as human codings (as a store's human codings are used)."""
    from rmresearch.coding.api import default_coder

    scores: list[float] = []
    raw: list[float] = []
    outcomes: list[int] = []
    for reg in sorted(set(gold["register"])):
        rest = gold[gold["register"] != reg]
        extra = rest.assign(levels=[";".join(lv) or "none" for lv in rest["levels"]])
        coder = default_coder(extra_segments=extra[["text", "levels", "valence"]])
        part = gold[gold["register"] == reg].reset_index(drop=True)
        _, s, r, o = scored_codings(part, coder)
        scores, raw, outcomes = scores + s, raw + r, outcomes + o
    return "default coder, leave one register out", scores, raw, outcomes


def _platt(golds: list[Any], bins: int) -> int:
    """Fit the out-of-register Platt map on the raw scores of the shipped coder's codings of
    ``golds`` (pooled by register), print it (`OUT_OF_REGISTER_PLATT`) and its
    leave-one-register-out reliability: each register scored by a map fitted on the others."""
    import numpy as np
    import pandas as pd

    from rmresearch.coding.api import default_coder
    from rmresearch.coding.calibration import (OUT_OF_REGISTER_PLATT, PlattCalibrator,
                                               expected_calibration_error, reliability_table)

    coder, frames = default_coder(), []
    for gold in golds:
        for reg in sorted(set(gold["register"])):
            part = gold[gold["register"] == reg].reset_index(drop=True)
            _, _, raw, outcomes = scored_codings(part, coder)
            frames.append(pd.DataFrame({"register": reg, "raw": raw, "y": outcomes}))
    pooled = pd.concat(frames, ignore_index=True)
    held = np.zeros(len(pooled))
    for reg in sorted(set(pooled["register"])):
        test = (pooled["register"] == reg).to_numpy()
        cal = PlattCalibrator().fit(pooled["raw"][~test], pooled["y"][~test])
        held[test] = cal.transform(np.column_stack([pooled["raw"][test]] * 2))[:, 0]
    full = PlattCalibrator().fit(pooled["raw"], pooled["y"])
    print(f"coder {coder.coder_label}  codings {len(pooled)} in "
          f"{pooled['register'].nunique()} registers  precision {pooled['y'].mean():.3f}")
    print(f"Platt map on all of them: a = {full.a:.4f}, b = {full.b:.4f} "
          f"(shipped OUT_OF_REGISTER_PLATT: {OUT_OF_REGISTER_PLATT})")
    for title, values in (("Platt, leave one register out", held),
                          ("raw level probabilities", pooled["raw"].to_numpy())):
        _print_table(title, reliability_table(values, pooled["y"], bins),
                     expected_calibration_error(values, pooled["y"], bins))
    return 0


def _print_table(title: str, table: list[dict[str, Any]], ece: float) -> None:
    print(title)
    print(f"  {'bin':<12}{'mean score':>11}{'precision':>11}{'count':>7}")
    for r in table:
        print(f"  {r['low']:.1f}-{r['high']:.1f}{'':<5}{r['mean_score']:>11.3f}"
              f"{r['observed']:>11.3f}{r['count']:>7d}")
    print(f"  ECE {ece:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=ROOT / "data" / "gold" / "registers.csv")
    parser.add_argument("--bins", type=int, default=10)
    parser.add_argument("--loro", action="store_true",
                        help="leave one register out: for each register, a coder fitted with "
                             "the other registers as human codings scores it (pooled)")
    parser.add_argument("--platt", action="store_true",
                        help="refit the out-of-register Platt map on registers.csv and the "
                             "staff-survey curve set; score it leaving one register out")
    args = parser.parse_args(argv)

    from rmresearch.coding.calibration import expected_calibration_error, reliability_table

    from rmresearch.coding.api import default_coder
    from rmresearch.coding.evaluate import load_gold

    if args.platt:
        return _platt([load_gold(ROOT / "data" / "gold" / name) for name in
                       ("registers.csv", "curve_staff_survey.csv")], args.bins)
    gold = load_gold(args.gold)
    if args.loro:
        label, scores, raw, outcomes = _loro(gold)
    else:
        label, scores, raw, outcomes = scored_codings(gold, default_coder())
    print(f"gold {args.gold}  coder {label}  codings {len(scores)}  "
          f"precision {sum(outcomes) / max(1, len(outcomes)):.3f}")
    for title, values in (("calibrated scores (reported)", scores),
                          ("raw level probabilities", raw)):
        _print_table(title, reliability_table(values, outcomes, args.bins),
                     expected_calibration_error(values, outcomes, args.bins))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
