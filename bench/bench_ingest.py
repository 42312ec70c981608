"""Ingest + segmentation words/s against ``spacy.blank("en")`` tokenising the same text.

Data: the bundled synthetic set (``data/synthetic``: interviews as .vtt/.txt, journals as
.docx, observation notes, forms as .csv/.xlsx). The figure is the whole `ingest_folder`
(read, decode, parse, check, segment, build tables); the baseline is spaCy's blank English
tokenizer over the documents' text. A second row times segmentation alone (turn detection
and sentence splitting over the same documents' text) against the same baseline.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run_all import ROOT, Result, best_of, check, print_table, rate  # noqa: E402

DATA = ROOT / "data" / "synthetic"


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
    ]


if __name__ == "__main__":
    print_table(run())
