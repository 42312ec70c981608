"""Simulated human coders for the synthetic data, so agreement has something to measure.

Two fictional coders each code the same seeded sample of segments from the generator's truth,
each with their own error rate (a level missed or added now and then, a valence misread),
and their sheets are written as wide tables in ``codings/`` (``segment_id``, one 0/1 column
per level, ``valence``). The report batch imports every sheet in a data folder's
``codings/`` as a human coder named after the file.
"""
from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

from ..vocabulary import LEVELS, VALENCES

__all__ = ["CODERS", "write_simulated_coders"]

# coder name -> (chance of flipping each level, chance of misreading valence)
CODERS = {"coder_a": (0.04, 0.08), "coder_b": (0.08, 0.12)}


def _truth_for_segments(folder: Path, segments: pd.DataFrame) -> pd.DataFrame:
    """The truth row of each segment that is (or else holds) exactly one generated sentence
    or heading."""
    truth = pd.read_csv(folder / "truth" / "findings.csv", dtype=str, keep_default_na=False)
    rows = []
    by_doc = truth.groupby("doc_id")
    for seg in segments.itertuples():
        if seg.doc_id not in by_doc.groups:
            continue
        rows_of_doc = list(by_doc.get_group(seg.doc_id).itertuples())
        hits = [t for t in rows_of_doc if t.text == seg.text] \
            or [t for t in rows_of_doc if t.text in seg.text]
        if len(hits) == 1:
            rows.append((seg.segment_id, hits[0].levels, hits[0].valence))
    return pd.DataFrame(rows, columns=["segment_id", "levels", "valence"])


def _code(rng: random.Random, levels: str, valence: str, flip: float, misread: float) -> dict:
    true = set() if levels == "none" else set(levels.split(";"))
    row = {lv: int((lv in true) != (rng.random() < flip)) for lv in LEVELS}
    if not any(row.values()):
        valence = "neutral"
    elif rng.random() < misread:
        valence = rng.choice([v for v in VALENCES if v != valence])
    return {**row, "valence": valence}


def write_simulated_coders(folder: str | Path, *, seed: int = 7, sample: int = 240) -> list[Path]:
    """Write ``codings/<coder>.csv`` for each simulated coder; return the paths."""
    from ..ingest import ingest_folder

    folder = Path(folder)
    segments = ingest_folder(folder).segments
    # The simulated coders code the mentors' documents; staff notes (the 360-degree view,
    # added later) are left out so that adding them does not change the sample.
    segments = segments[segments["source"] != "staff_feedback"]
    truth = _truth_for_segments(folder, segments)
    rng = random.Random(f"{seed}:human-sample")
    chosen = truth.iloc[sorted(rng.sample(range(len(truth)), min(sample, len(truth))))]
    (folder / "codings").mkdir(exist_ok=True)
    paths = []
    for name, (flip, misread) in CODERS.items():
        coder_rng = random.Random(f"{seed}:{name}")
        rows = [{"segment_id": t.segment_id, **_code(coder_rng, t.levels, t.valence, flip,
                                                       misread)} for t in chosen.itertuples()]
        path = folder / "codings" / f"{name}.csv"
        pd.DataFrame(rows).to_csv(path, index=False, lineterminator="\n")
        paths.append(path)
    return paths
