"""How real the bundled synthetic notes read, and how the default coder does on them.

Run from the repository root::

    PYTHONPATH=src .venv/bin/python bench/bench_synthetic.py
    ... bench/bench_synthetic.py --data data/synthetic --top 15 --no-coder

Figures (the data folder is ingested exactly as the report batch ingests it):

* segments, distinct segment texts and their share (issue 15 asks for at least 90%);
* how many segments the truth file (``truth/findings.csv``) accounts for, and the share of
  each planted discourse role (finding, question, about_mentoring, method, logistics,
  heading), with questions and pleasantries (logistics) per interview;
* the most repeated segment texts;
* the default coder's macro-F1 (four levels and ``none``), primary-level kappa and valence
  accuracy on every segment the truth accounts for, and on findings only (not a timed test:
  fitting the coder takes a minute on two cores).
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))
from rmresearch.config import apply_offline_defaults  # noqa: E402

apply_offline_defaults()


def planted(data: Path) -> Any:
    """Every segment of ``data`` with the truth row of its document that it is (or else the
    longest one it holds, as a clock time before a field note): the role, levels and valence
    planted; empty where the truth has none."""
    import pandas as pd

    from rmresearch.ingest import ingest_folder

    segments = ingest_folder(data).segments
    truth = pd.read_csv(data / "truth" / "findings.csv", dtype=str, keep_default_na=False)
    if "role" not in truth.columns:  # an older truth file: findings are rows with levels
        truth["role"] = truth["levels"].map(lambda v: "finding" if v != "none" else "")
    by_doc = {doc: list(group.itertuples()) for doc, group in truth.groupby("doc_id")}
    rows = []
    for seg in segments.itertuples():
        rows_of_doc = by_doc.get(seg.doc_id, [])
        hits = [t for t in rows_of_doc if t.text == seg.text] \
            or sorted((t for t in rows_of_doc if t.text in seg.text), key=lambda t: -len(t.text))
        hit = hits[0] if hits else None
        rows.append((hit.levels, hit.valence, hit.role) if hit else (None, None, None))
    found = pd.DataFrame(rows, columns=["levels", "valence", "role"], index=segments.index)
    return pd.concat([segments, found], axis=1)


def describe(table: Any, top: int) -> None:
    """Print counts, distinct share, role shares and the most repeated segments."""
    n = len(table)
    texts = table["text"]
    print(f"segments                 {n:6d}")
    print(f"distinct segment texts   {texts.nunique():6d}  ({texts.nunique() / n:.1%})")
    known = table["role"].fillna("") != ""
    print(f"accounted for by truth   {int(known.sum()):6d}  ({known.mean():.1%})")
    roles = table.loc[known, "role"].value_counts()
    for role, count in roles.items():
        print(f"  role {role:<18s}  {count:6d}  ({count / n:.1%})")
    interviews = table[table["source"] == "interview"]
    n_docs = max(1, interviews["doc_id"].nunique())
    for role in ("question", "logistics", "heading"):
        per = (interviews["role"] == role).sum() / n_docs
        print(f"per interview: {role:<10s} {per:6.1f}")
    print(f"\nmost repeated segments (top {top}):")
    for text, count in Counter(texts).most_common(top):
        print(f"  {count:4d}  {text[:90]}")


def score(table: Any) -> None:
    """Macro-F1 of the default coder on the segments the truth accounts for."""
    from rmresearch.coding.evaluate import evaluate_gold

    known = table[table["role"].fillna("") != ""].drop_duplicates("segment_id")
    gold = known.assign(id=known["segment_id"], register=known["source"])[
        ["id", "text", "levels", "valence", "role", "register"]].reset_index(drop=True)
    result = evaluate_gold(gold)
    findings = gold[gold["role"] == "finding"].reset_index(drop=True)
    only = evaluate_gold(findings)
    print(f"\ndefault coder ({result['coder']}) on {len(gold)} segments with a planted truth")
    print(f"  macro-F1 (levels + none)  {result['macro_f1']:.3f}")
    print(f"  kappa on primary level    {result['kappa_primary']:.3f}")
    print(f"  valence accuracy          {result['valence_accuracy']:.3f}")
    print(f"  on the {len(findings)} findings only: macro-F1 {only['macro_f1']:.3f}, "
          f"valence accuracy {only['valence_accuracy']:.3f}")
    for register, figures in sorted(result.get("by_register", {}).items()):
        print(f"  {register:<15s} macro-F1 {figures['macro_f1']:.3f}")
    from rmresearch.coding.roles import discourse_roles

    rules = discourse_roles(known)
    print(f"\nrole rules against the planted roles: {(rules == known['role']).mean():.1%} agree")
    for role, group in known.groupby("role"):
        print(f"  {role:<16s} {(rules[group.index] == role).mean():6.1%} of {len(group)}")


def main(argv: list[str] | None = None) -> int:
    """Print the figures for one synthetic data folder."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data" / "synthetic")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--no-coder", action="store_true", help="skip the coder's scores")
    args = parser.parse_args(argv)
    table = planted(args.data)
    describe(table, args.top)
    if not args.no_coder:
        score(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
