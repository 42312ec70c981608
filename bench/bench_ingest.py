"""Ingest + segmentation words/s against ``spacy.blank("en")`` tokenising the same text.

Data: the bundled synthetic set (``data/synthetic``: interviews as .vtt/.txt, journals as
.docx, observation notes, forms as .csv/.xlsx). The figure is the whole `ingest_folder`
(read, decode, parse, check, segment, build tables); the baseline is spaCy's blank English
tokenizer over the documents' text. A second row times segmentation alone (turn detection
and sentence splitting over the same documents' text) against the same baseline. A third
row ingests one transcript of 50 MB on a single line (the bundled interviews' text with its
line breaks made spaces) against the README's promise of under a minute; segmentation used
to be quadratic on long lines (1 MB 54 s, 2 MB 198 s).
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_all import ROOT, Result, best_of, check, print_table, rate  # noqa: E402

DATA = ROOT / "data" / "synthetic"
MB = 1024 * 1024
PROMISE_S = 60.0  # README: a 50 MB transcript in under a minute


def one_line_transcript(texts: list[str], size_mb: float) -> Result:
    """Ingest ``size_mb`` MB of the documents' text on one line; the bound scales from the
    README's 60 s for 50 MB."""
    from rmresearch.ingest import ingest_folder

    line = " ".join(t.replace("\n", " ") for t in texts) + " "
    size = int(size_mb * MB)
    with tempfile.TemporaryDirectory(prefix="rm-bench-one-line-") as folder:
        data = Path(folder)
        (data / "one.txt").write_text((line * (size // len(line) + 1))[:size], encoding="utf-8")
        (data / "manifest.csv").write_text(
            "file,cohort,pair_id,source,author_role,stage,date,mentor,mentee\n"
            "one.txt,C1,C1-P01,interview,mentor,session_1,2024-10-03,Amara Okafor,Helen Marsh\n",
            encoding="utf-8")
        started = time.perf_counter()
        result = ingest_folder(data)
        seconds = time.perf_counter() - started
    bound = PROMISE_S * size_mb / 50
    return check(f"{size_mb:g} MB one-line transcript", f"{seconds:,.1f} s", f"under {bound:g} s",
                 seconds / bound, "<=", 1.0,
                 note=f"{len(result.segments):,} segments, {size / seconds / MB:,.1f} MB/s")


def run(quick: bool = False, segments: int = 0, repeat: int = 3) -> list[Result]:
    import spacy

    from rmresearch.ingest import ingest_folder
    from rmresearch.ingest.segment import detect_turns, segment_text

    result = ingest_folder(DATA)  # warm the file cache and imports
    docs = result.documents
    texts = [t for t in docs["text"].astype(str)]
    words = sum(len(t.split()) for t in texts)
    nlp = spacy.blank("en")
    list(nlp.pipe(texts[:20]))

    def tokenise() -> None:
        for _ in nlp.pipe(texts, batch_size=256):
            pass

    names = [[m or "", e or ""] for m, e in zip(docs["mentor"], docs["mentee"])]

    def segment_only() -> None:
        for text, people in zip(texts, names):
            segment_text(text, detect_turns(text, people))

    rows = []
    for _ in range(max(1, repeat)):  # interleaved, so load changes hit both alike
        t_tok = best_of(tokenise, 1)
        t_ing = best_of(lambda: ingest_folder(DATA), 1)
        t_seg = best_of(segment_only, 1)
        rows.append((t_tok, t_ing, t_seg))
    t_tok, t_ing, t_seg = (min(col) for col in zip(*rows))
    base = f"spaCy blank tokeniser {rate(words, t_tok)} words/s"
    note = (f"{len(docs)} files, {len(result.segments):,} segments, {words:,} words; "
            "ingest time is mostly parsing .docx and .xlsx files")
    return [
        check("ingest + segmentation", f"{rate(words, t_ing)} words/s", base, t_tok / t_ing,
              ">=", 1.0, note=note),
        check("segmentation alone", f"{rate(words, t_seg)} words/s", base, t_tok / t_seg,
              ">=", 1.0),
        one_line_transcript(texts, 5 if quick else 50),
    ]


if __name__ == "__main__":
    print_table(run())
