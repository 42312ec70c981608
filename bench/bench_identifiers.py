"""Benchmark: are the identifiers real notes hold replaced, whole, and nothing else?

Reads ``data/privacy/identifiers.csv`` (hand-written sentences; every identifier in them is
listed with its kind: names in many forms, staff/payroll/ESR numbers, NHS numbers, wards and
units, sites, postcodes, dates of birth, e-mails and phones; sentences with none test
precision). The sentences become one project, the pseudonym key is built as a report builds
it (NER on), each sentence is pseudonymised, and the script prints recall per kind and per
form of name, overall recall (target >= 0.98) and precision (target >= 0.95), for the dev
rows (looked at while improving the detectors) and the holdout rows (only measured), and
lists what was missed.

Run: ``.venv/bin/python bench/bench_identifiers.py [cases.csv]``. Exit code 1 when a target
is missed.
"""
from __future__ import annotations

import sys
import time

from rmresearch.config import apply_offline_defaults
from rmresearch.privacy.recall import identifier_recall, load_identifier_cases

RECALL_TARGET, PRECISION_TARGET = 0.98, 0.95


def main(path: str | None = None) -> int:
    apply_offline_defaults()
    cases = load_identifier_cases(path)
    started = time.perf_counter()
    result = identifier_recall(cases)
    seconds = time.perf_counter() - started
    print(f"{result['identifiers']} identifiers in {len(cases)} sentences "
          f"({seconds:.1f} s, key built with NER)")
    print(f"{'kind':<22}{'n':>5}{'recall':>8}")
    for kind, row in result["by_kind"].items():
        print(f"{kind:<22}{row['n']:>5}{row['recall']:>8.3f}")
    for tag, row in result["by_tag"].items():
        print(f"{'  name: ' + tag:<22}{row['n']:>5}{row['recall']:>8.3f}")
    for split, row in result["by_split"].items():
        print(f"{'split ' + split:<22}{row['n']:>5}{row['recall']:>8.3f}")
    print(f"overall recall {result['recall']:.3f} (target {RECALL_TARGET}); precision "
          f"{result['precision']:.3f} (target {PRECISION_TARGET}); names replaced in "
          f"pieces with different pseudonyms: {result['split_names']}")
    for case, kind, value in result["misses"]:
        print(f"  missed {case} {kind}: {value}")
    for case, text in result["false_positives"]:
        print(f"  replaced but not an identifier {case}: {text}")
    ok = result["recall"] >= RECALL_TARGET and result["precision"] >= PRECISION_TARGET
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2]))
