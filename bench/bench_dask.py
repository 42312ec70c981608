"""Coding throughput, memory and the Dask scale-out, built on ``bench_coding``'s helpers.

`run_coding` (suite "coding"):
* rule coder words/s against a bare spaCy ``PhraseMatcher`` (the codebook's phrases, on
  lemmas) over the same texts through the same blank+lookup pipeline;
* model and ensemble coders segments/s (cold embedding cache) against raw
  ``SentenceTransformer.encode`` at the same batch size (64) on the same texts;
* coding N generated segments end to end (model load + fit + rules + model + ensemble, one
  call, with a progress bar) against raw encode of the same texts, and its peak memory.

`run` (suite "dask"): `code_segments` in one process against `code_segments_dask` with its
defaults (a local cluster of one single-threaded worker per core, 2 here; a table too small
for the cluster to win, up to 2 partitions per worker on 2 cores, is coded in-process
instead), each in a fresh process with an empty embedding cache, at 1k, 10k and N segments;
both outputs are hashed to show they are byte-identical. The single-process run at N is the same run as the end-to-end row.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_coding import _timed_code, make_texts  # noqa: E402
import pandas as pd  # noqa: E402
from rmresearch.coding.dask import DEFAULT_PARTITION_ROWS  # noqa: E402  (no dask yet)
from rmresearch.coding.dask.cluster import in_process  # noqa: E402
from run_all import (Result, best_of, check, fresh_cache, print_table, rate,  # noqa: E402
                     run_json)

SEED = 5
_FRAME = """
import hashlib, json, os, resource, sys, time
import pandas as pd
from bench_coding import make_texts, peak_rss_mb
segs = pd.DataFrame({"segment_id": [f"s{i:06d}" for i in range(__N__)],
                     "text": make_texts(__N__, seed=__SEED__)})
digest = lambda df: hashlib.sha256(df.to_csv(index=False).encode()).hexdigest()[:16]
"""
SINGLE = _FRAME + """
from rmresearch.coding.embeddings import load_sentence_model
texts = segs["text"].tolist()
t = time.perf_counter(); model = load_sentence_model(); model.encode(texts[:64], batch_size=64)
t_load = time.perf_counter() - t
enc = lambda xs: model.encode(xs, batch_size=64, normalize_embeddings=True,
                              convert_to_numpy=True, show_progress_bar=False)
t = time.perf_counter(); enc(texts[:__N__ // 2]); raw = time.perf_counter() - t
from rmresearch.coding import code_segments
from rmresearch.coding.api import default_coder
t = time.perf_counter(); coder = default_coder(); t_fit = time.perf_counter() - t
t = time.perf_counter(); out = code_segments(segs, coder=coder, progress=True)
t_code = time.perf_counter() - t
peak = peak_rss_mb()
t = time.perf_counter(); enc(texts[__N__ // 2:]); raw += time.perf_counter() - t
print(json.dumps(dict(load=t_load, fit=t_fit, code=t_code, e2e=t_load + t_fit + t_code,
                      raw=raw, peak_mb=peak, rows=len(out), sha=digest(out))))
"""
DASK = _FRAME + """
from rmresearch.coding.dask import code_segments_dask
if __name__ == "__main__":
    t = time.perf_counter(); out = code_segments_dask(segs, progress=True)
    took = time.perf_counter() - t
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps(dict(e2e=took, peak_mb=peak_rss_mb(), worker_peak_mb=kids,
                          rows=len(out), sha=digest(out))))
"""


def _script(template: str, n: int) -> str:
    return template.replace("__N__", str(n)).replace("__SEED__", str(SEED))


def single_run(n: int) -> dict:
    """`code_segments` on ``n`` segments in a fresh process with a cold cache."""
    return run_json(_script(SINGLE, n), {"RMRESEARCH_CACHE_DIR": fresh_cache()})


def dask_run(n: int) -> dict:
    """`code_segments_dask` (default local cluster) in a fresh process with a cold cache."""
    return run_json(_script(DASK, n), {"RMRESEARCH_CACHE_DIR": fresh_cache()})


# ----------------------------------------------------------------- coders
def _bare_matcher(coder):
    from spacy.matcher import PhraseMatcher

    nlp = coder.compiled_.nlp
    matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
    cb = coder.codebook_
    groups = [(c.id, c.patterns) for c in cb.codes]
    groups += [(v.id, v.patterns) for v in getattr(cb, "valence", ()) or ()
               if hasattr(v, "patterns")]
    for label, patterns in groups:
        phrases = [p.phrase.lower() for p in patterns if p.phrase]
        if phrases:
            matcher.add(label, list(nlp.pipe(phrases)))
    return nlp, matcher


def rules_row(n: int, repeat: int) -> Result:
    from rmresearch.coding.rules import RuleCoder

    coder = RuleCoder().fit()
    texts = make_texts(n, seed=1)
    words = sum(len(t.split()) for t in texts)
    nlp, matcher = _bare_matcher(coder)
    coder.analyse(texts[:200])

    def bare() -> None:
        for doc in nlp.pipe((t.lower() for t in texts), batch_size=1000):
            matcher(doc)

    t_bare = t_rules = float("inf")
    for _ in range(repeat):
        t_bare = min(t_bare, best_of(bare, 1))
        t_rules = min(t_rules, best_of(lambda: coder.analyse(texts), 1))
    return check("rule coder", f"{rate(words, t_rules)} words/s",
                 f"bare PhraseMatcher {rate(words, t_bare)} words/s", t_bare / t_rules, ">=",
                 0.5, note=f"{n:,} texts, {words:,} words; same blank+lookup pipeline; the "
                 "coder also runs token patterns, valence cues and evidence")


def model_rows(n: int, repeat: int) -> list[Result]:
    import pandas as pd

    from rmresearch.coding import EnsembleCoder, ModelCoder
    from rmresearch.coding.embeddings import Embedder, load_sentence_model

    model = load_sentence_model()
    texts = make_texts(n, seed=9)
    model.encode(texts[:64], batch_size=64)
    segments = pd.DataFrame({"segment_id": [f"s{i}" for i in range(n)], "text": texts})
    rows = []
    for name, coder in (("model", ModelCoder().fit_codebook()),
                        ("ensemble", EnsembleCoder().fit_codebook())):
        raw = cold = float("inf")
        for _ in range(repeat):
            raw = min(raw, best_of(lambda: model.encode(texts, batch_size=64,
                                                        normalize_embeddings=True), 1))
            coder.embedder_ = Embedder(cache_dir=fresh_cache())
            cold = min(cold, _timed_code(coder, segments))
            coder.embedder_.close()
        rows.append(check(f"{name} coder (cold cache)", f"{rate(n, cold)} segments/s",
                          f"raw encode {rate(n, raw)} segments/s", raw / cold, ">=", 0.8))
    return rows


def big_row(n: int, single: dict) -> list[Result]:
    note = (f"model load {single['load']:.0f} s + fit {single['fit']:.0f} s + coding "
            f"{single['code']:.0f} s; raw encode {single['raw']:.0f} s")
    return [
        check(f"coding {n:,} segments end to end", f"{single['e2e']:,.0f} s",
              f"raw encode {single['raw']:,.0f} s (limit x1.25)",
              single["raw"] / single["e2e"], ">=", 0.8, note=note),
        check(f"peak memory coding {n:,}", f"{single['peak_mb']:,.0f} MB", "limit 2,048 MB",
              single["peak_mb"] / 2048, "<=", 1.0),
    ]


def run_coding(quick: bool = False, segments: int = 100_000, repeat: int = 3) -> list[Result]:
    rows = [rules_row(2000 if quick else 20_000, repeat)]
    rows += model_rows(200 if quick else 1000, min(repeat, 2))
    _SINGLE_CACHE[segments] = single = single_run(segments)
    return rows + big_row(segments, single)


# ----------------------------------------------------------------- dask
_SINGLE_CACHE: dict[int, dict] = {}


def dask_sizes(quick: bool, segments: int) -> list[int]:
    sizes = [500] if quick else [1000, 10_000]
    return [s for s in sizes if s < segments] + [segments]


def run(quick: bool = False, segments: int = 100_000, repeat: int = 3) -> list[Result]:
    rows = []
    for n in dask_sizes(quick, segments):
        reps = 1 if n >= 50_000 else (repeat if n <= 2000 else min(repeat, 2))
        singles, dasks = [], []
        for i in range(reps):  # alternate, so load changes hit both alike
            if i == 0 and n in _SINGLE_CACHE:
                singles.append(_SINGLE_CACHE[n])
            else:
                singles.append(single_run(n))
            dasks.append(dask_run(n))
        s = min(singles, key=lambda r: r["e2e"])
        d = min(dasks, key=lambda r: r["e2e"])
        same = "identical" if s["sha"] == d["sha"] else "DIFFERENT"
        parts = -(-n // DEFAULT_PARTITION_ROWS)
        how = (f"{parts} partition(s): coded in-process, no cluster; "
               if in_process(pd.DataFrame(index=range(n)), None, DEFAULT_PARTITION_ROWS, None)
               else f"{parts} partitions on the local cluster; ")
        rows.append(check(
            f"dask vs single, {n:,} segments", f"dask {d['e2e']:,.0f} s",
            f"single process {s['e2e']:,.0f} s", s["e2e"] / d["e2e"], ">=", 0.9,
            note=(f"{how}output {same} ({s['rows']:,} codings); single: load {s['load']:.0f} s + "
                  f"fit {s['fit']:.0f} s + coding {s['code']:.0f} s, raw encode {s['raw']:.0f} "
                  f"s, peak {s['peak_mb']:,.0f} MB; dask: client peak {d['peak_mb']:,.0f} MB, "
                  f"largest worker peak {d['worker_peak_mb']:,.0f} MB")))
    return rows


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--segments", type=int, default=100_000)
    parser.add_argument("--coding", action="store_true", help="also the coder rows")
    args = parser.parse_args()
    out = run_coding(args.quick, args.segments) if args.coding else []
    print_table(out + run(args.quick, args.segments))
