"""Benchmark of the strong encoder (all-mpnet-base-v2, static int8 ONNX) against MiniLM.

Run from the repository root::

    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONPATH=src .venv/bin/python \
        bench/bench_strong_encoder.py
    ... bench/bench_strong_encoder.py --cache ~/.cache/rmresearch   # reuse a built model

Figures
-------
* the one-off build (unpack, export, quantise) into a fresh temporary cache folder, or 0 when
  ``--cache`` names a folder that already holds the built model;
* texts per second of `StrongEncoder.encode` (batch 64, 2 threads) and of the MiniLM
  `Embedder` (cache off, batch 64, 2 torch threads) on the same texts from
  ``bench_coding.make_texts``, each after a short warm-up, and their ratio;
* the peak resident memory of this process.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_coding import make_texts, peak_rss_mb  # noqa: E402


def rate(encode, texts: list[str]) -> float:
    """Texts per second of ``encode(texts)`` after encoding 64 other texts once."""
    encode(make_texts(64, seed=99))
    start = time.perf_counter()
    encode(texts)
    return len(texts) / (time.perf_counter() - start)


def bench(n: int, cache: Path) -> None:
    from rmresearch.coding import strong_encoder as se
    from rmresearch.coding.embeddings import Embedder

    start = time.perf_counter()
    folder = se.build_model(cache)
    built = time.perf_counter() - start
    print(f"build: {built:,.1f} s ({'built' if se.BUILDS[0] else 'reused'}), "
          f"model.onnx {(folder / 'model.onnx').stat().st_size / 2**20:,.0f} MB")
    texts = make_texts(n, seed=2)
    strong = rate(se.StrongEncoder(cache_dir=cache, batch_size=64).encode, texts)
    mini = rate(Embedder(batch_size=64, use_cache=False).encode, texts)
    print(f"strong encoder ({se.MODEL_NAME}, int8 ONNX): {strong:,.0f} texts/s on {n:,} texts")
    print(f"MiniLM embedder (float32 torch):           {mini:,.0f} texts/s")
    print(f"ratio strong / MiniLM: {strong / mini:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=1_000, help="texts to encode")
    parser.add_argument("--cache", type=Path, default=None,
                        help="cache folder to build in or reuse (default: a fresh temporary one)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    with tempfile.TemporaryDirectory(prefix="rm-bench-cache-") as scratch:
        bench(args.texts, args.cache.expanduser() if args.cache else Path(scratch))
        print(f"cpus: {os.cpu_count()}; peak memory of this process: {peak_rss_mb():,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
