"""Benchmark the confidentiality module: NER key building, pseudonymising, leak checking.

Builds a few MB of notes from the gold sentences and the tricky-name cases (seeded), then
prints throughput. Run: ``.venv/bin/python bench/bench_privacy.py [megabytes]``.
"""
from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from rmresearch.privacy import (Pseudonymiser, build_key, leak_check, load_cases, load_nlp,
                                name_recall)

REPO = Path(__file__).resolve().parents[1]


def corpus(megabytes: float, docs: int = 40, seed: int = 7) -> pd.DataFrame:
    """``docs`` documents of about ``megabytes`` in all, mixing domain text and names."""
    rng = random.Random(seed)
    sentences = pd.read_csv(REPO / "data" / "gold" / "dev.csv")["text"].tolist()
    sentences += load_cases()["text"].tolist()
    per_doc = int(megabytes * 1_000_000 / docs)
    rows = []
    for i in range(docs):
        parts, size = [], 0
        while size < per_doc:
            s = rng.choice(sentences)
            parts.append(s)
            size += len(s) + 1
        rows.append(dict(doc_id=f"d{i}", cohort="C1", pair_id=f"C1-P{i:02d}",
                         mentor=f"Mentor Person{i}", mentee=f"Leader Person{i}",
                         text="\n".join(parts)))
    return pd.DataFrame(rows)


def main(megabytes: float = 2.0) -> None:
    docs = corpus(megabytes)
    chars = int(docs.text.str.len().sum())
    t0 = time.perf_counter()
    load_nlp()
    t1 = time.perf_counter()
    key = build_key(docs)
    t2 = time.perf_counter()
    ps = Pseudonymiser(key)
    out = [ps.text(t) for t in docs.text]
    t3 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for i, text in enumerate(out):
            Path(tmp, f"d{i}.txt").write_text(text, "utf-8")
        t4 = time.perf_counter()
        leaks = leak_check([tmp], key)
        t5 = time.perf_counter()
    mb = chars / 1e6
    print(f"corpus: {mb:.2f} MB in {len(docs)} documents; key: {len(key.people)} people, "
          f"{len(key.identifiers)} identifiers")
    print(f"load spaCy:        {t1 - t0:6.2f} s")
    print(f"build_key (NER):   {t2 - t1:6.2f} s  ({mb / (t2 - t1):.2f} MB/s)")
    print(f"pseudonymise:      {t3 - t2:6.2f} s  ({mb / (t3 - t2):.2f} MB/s)")
    print(f"leak check:        {t5 - t4:6.2f} s  ({mb / (t5 - t4):.2f} MB/s); leaks: {len(leaks)}")
    print(f"NER / pseudonymise time ratio: {(t2 - t1) / (t3 - t2):.1f}")
    recall = name_recall(load_cases())
    print("tricky-name recall:", {k: recall[k] for k in ("names", "recall_strict",
                                                         "recall_covered", "precision")})


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 2.0)
