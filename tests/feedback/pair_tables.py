"""One pair's documents and coded passages, built from rows, for the feedback tests."""
from __future__ import annotations

from typing import Sequence

import pandas as pd

#: (doc_id, source, author_role, stage, date)
DOC_COLUMNS = ["doc_id", "source", "author_role", "stage", "date"]
#: (segment_id, doc_id, speaker_role, code, valence, score, text)
CODED_COLUMNS = ["segment_id", "doc_id", "speaker_role", "code", "valence", "score", "text"]


def pair_tables(docs: Sequence[tuple], rows: Sequence[tuple], pair: str = "P",
                cohort: str = "C1") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The coded table (with each document's source, stage, cohort and pair, and a start
    offset per row) and the documents table of one pair."""
    documents = pd.DataFrame(list(docs), columns=DOC_COLUMNS).assign(
        cohort=cohort, pair_id=pair, version=1)
    coded = pd.DataFrame(list(rows), columns=CODED_COLUMNS).merge(
        documents[["doc_id", "source", "stage", "cohort", "pair_id"]], on="doc_id")
    return coded.assign(start=range(len(coded))), documents
