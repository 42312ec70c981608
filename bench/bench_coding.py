"""Benchmark of the coding engine: prints figures and ratios (not a timed test).

Run from the repository root::

    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONPATH=src .venv/bin/python bench/bench_coding.py
    ... bench/bench_coding.py --big 100000      # also code 100k segments, report peak memory

Figures
-------
* rule coder: words per second (target >= 100k words/s);
* model and ensemble coders: segments per second against raw ``SentenceTransformer.encode``
  at the same batch size on the same texts, with a cold embedding cache (target ratio >= 0.8),
  and again with a warm cache;
* ``--big N``: code N distinct segments through `code_segments` in one call and report the
  peak resident memory (target < 2 GB for 100k).
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

SUBJECTS = ["She", "He", "My mentee", "The director", "The matron", "Our chief nurse"]
FINDINGS = [
    "thanked the porters by name in the huddle",
    "talked over the Filipino nurses twice during handover",
    "asked why the interview panel for the band 7 post was all white",
    "nominated two HCAs for the trust's inclusion award",
    "put photos of the award winners up on the department wall",
    "has never attended the race equality network",
    "advertised the acting-up post to the whole team for a week",
    "did not use inclusive language with the overseas recruits",
    "wanted to book the next session for March",
    "explained the WRES figures for the directorate at the divisional board",
]
TAILS = ["", " last week", " in front of everyone", ", according to the staff I spoke to",
         ", which surprised me", " after our third session", ", although nobody followed up"]


def make_texts(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct, realistic segment texts (a numbered note keeps them distinct)."""
    rng = random.Random(seed)
    return [f"{rng.choice(SUBJECTS)} {rng.choice(FINDINGS)}{rng.choice(TAILS)} (note {i})."
            for i in range(n)]


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_rules(n: int) -> None:
    from rmresearch.coding.rules import RuleCoder

    coder = RuleCoder().fit()
    texts = make_texts(n, seed=1)
    coder.analyse(texts[:200])
    words = sum(len(t.split()) for t in texts)
    start = time.perf_counter()
    for _ in coder.compiled_.nlp.pipe((t.lower() for t in texts), batch_size=1000):
        pass
    pipe = time.perf_counter() - start
    start = time.perf_counter()
    coder.analyse(texts)
    plain = time.perf_counter() - start
    start = time.perf_counter()
    coder.analyse(texts, view=True)
    view = time.perf_counter() - start
    print(f"rule coder: {n} segments, {words} words: {words / plain:,.0f} words/s "
          f"(target >= 100,000; ratio {words / plain / 100_000:.2f}); with valence view "
          f"(ensemble path): {words / view:,.0f} words/s; spaCy tokenise+lemmatise alone: "
          f"{words / pipe:,.0f} words/s (rule coder at {pipe / plain:.2f} of it)")


def _timed_code(coder, segments) -> float:
    from rmresearch.coding import code_segments

    start = time.perf_counter()
    code_segments(segments, coder=coder)
    return time.perf_counter() - start


def _fresh_cache(coder, cache: str) -> None:
    """Give a fitted coder an empty embedding cache, for its level and valence encoders."""
    from rmresearch.coding.embeddings import Embedder

    coder.embedder_ = Embedder(cache_dir=cache)
    if hasattr(coder, "get_valence_embedder"):
        coder.valence_embedder_ = None  # rebuilt on first use, in the level embedder's folder


def bench_model(n: int, rounds: int = 10) -> None:
    """Raw encode vs coder on the same texts, interleaved in ``rounds`` blocks so that load
    from other processes on the machine hits both sides alike."""
    import pandas as pd

    from rmresearch.coding import EnsembleCoder, ModelCoder
    from rmresearch.coding.embeddings import load_sentence_model

    model = load_sentence_model()
    model.encode(make_texts(64, seed=9), batch_size=64)
    fitted = {"model": ModelCoder().fit_codebook(), "ensemble": EnsembleCoder().fit_codebook()}
    for seed, (name, coder) in enumerate(fitted.items(), start=20):
        texts = make_texts(n, seed=seed)
        segments = pd.DataFrame({"segment_id": [f"s{i}" for i in range(n)], "text": texts})
        raw = cold = hot = 0.0
        with tempfile.TemporaryDirectory() as cache:
            _fresh_cache(coder, cache)
            for block in range(rounds):
                part = slice(block * n // rounds, (block + 1) * n // rounds)
                start = time.perf_counter()
                model.encode(texts[part], batch_size=64, normalize_embeddings=True)
                raw += time.perf_counter() - start
                cold += _timed_code(coder, segments.iloc[part])
            hot = _timed_code(coder, segments)
            coder.embedder_.close()
        print(f"{name} coder: {n} segments: raw encode {n / raw:,.0f}/s, coder (cold cache) "
              f"{n / cold:,.0f}/s (target >= 100 segments/s; ratio {n / cold / 100:.2f}; "
              f"{raw / cold:.2f} of the raw encode); warm cache {n / hot:,.0f}/s "
              f"({cold / hot:.0f}x faster than cold)")


def bench_big(n: int) -> None:
    import pandas as pd

    from rmresearch.coding import code_segments
    from rmresearch.coding.api import default_coder

    coder = default_coder()
    segments = pd.DataFrame({"segment_id": [f"s{i:06d}" for i in range(n)],
                             "text": make_texts(n, seed=5)})
    with tempfile.TemporaryDirectory() as cache:
        _fresh_cache(coder, cache)
        start = time.perf_counter()
        out = code_segments(segments, coder=coder)
        took = time.perf_counter() - start
        coder.embedder_.close()
    print(f"big run: {n} segments -> {len(out)} codings in {took:,.0f} s "
          f"({n / took:,.0f}/s); peak memory {peak_rss_mb():,.0f} MB (target < 2048 MB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=20_000, help="segments for the rule bench")
    parser.add_argument("--model", type=int, default=1_000, help="segments for the model bench")
    parser.add_argument("--big", type=int, default=0, help="segments for the memory run")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    with tempfile.TemporaryDirectory(prefix="rm-bench-cache-") as cache:
        os.environ.setdefault("RMRESEARCH_CACHE_DIR", cache)  # training texts' vectors
        import torch

        print(f"torch threads: {torch.get_num_threads()}, cpus: {os.cpu_count()}")
        bench_rules(args.rules)
        bench_model(args.model)
        if args.big:
            bench_big(args.big)
        print(f"peak memory of this process: {peak_rss_mb():,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
