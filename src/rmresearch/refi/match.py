"""Which document of the store a ``.qdpx`` text source is, and how its offsets carry over.

A text source is this project's document when its name is the document's id or file path
(with or without folders and extension) and its text is the same after whitespace
normalisation; otherwise the one document with the same normalised text. With a
pseudonymiser, the pseudonymised documents (as `export_project` writes them) are tried as
well. When the source text differs from the document only in whitespace, offsets are carried
over by counting non-whitespace characters.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Callable

import numpy as np
import pandas as pd

from .phrases import aligned_mapper
from .read import QSource

__all__ = ["View", "name_keys", "views_of", "match_source", "offset_mapper"]


@dataclass
class View:
    """A document as a source may show it: its names, text and segments' offsets."""

    doc_id: str
    keys: set[str]
    text: str
    seg_ids: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    #: for a pseudonymised view: the document's own text and its segments' offsets in it
    original: tuple[str, np.ndarray, np.ndarray] | None = None

    def to_document(self, i: int, p: int, end: bool) -> int:
        """Offset ``p`` of this view's text, inside its segment ``i``, as an offset of the
        document's own text (`rmresearch.refi.phrases.aligned_mapper` for a pseudonymised
        view)."""
        if self.original is None:
            return p
        text, starts, ends = self.original
        s0, o0 = int(self.starts[i]), int(starts[i])
        back = aligned_mapper(self.text[s0:int(self.ends[i])], text[o0:int(ends[i])])
        return o0 + back(p - s0, end)

    @property
    def norm(self) -> str:
        """The text with whitespace runs as single spaces."""
        return " ".join(self.text.split())


def name_keys(name: str) -> set[str]:
    """A name with and without folders and extension, lower-cased."""
    p = PurePosixPath(name.replace("\\", "/").lower())
    bare = p.with_suffix("") if p.suffix else p
    return {str(p), str(bare), p.name, bare.name}


def views_of(documents: pd.DataFrame, segments: pd.DataFrame, pseudonymiser: Any = None
             ) -> list[View]:
    """A `View` of every document (pseudonymised as an export would be, with a
    pseudonymiser)."""
    from .pseudo import pseudonymise_pieces

    views = []
    for doc in documents.to_dict("records"):
        segs = segments[segments["doc_id"] == doc["doc_id"]]
        starts, ends = segs["start"].to_numpy(int), segs["end"].to_numpy(int)
        keys = name_keys(doc["doc_id"]) | name_keys(str(doc.get("path") or doc["doc_id"]))
        text, original = doc["text"], None
        if pseudonymiser is not None:
            original = (text, starts, ends)
            text, where = pseudonymise_pieces(text, zip(starts, ends), pseudonymiser)
            starts = np.array([where[int(s)] for s in starts], dtype=int)
            ends = np.array([where[int(e)] for e in ends], dtype=int)
            keys |= name_keys(pseudonymiser.text(doc["doc_id"]))
        views.append(View(doc["doc_id"], keys, text, segs["segment_id"].to_numpy(), starts,
                          ends, original))
    return views


def match_source(src: QSource, views: list[View]) -> tuple[View | None, str]:
    """The document ``src`` is (see module docstring), or None and why not."""
    want = " ".join(src.text.split())
    named = [v for v in views if name_keys(src.name) & v.keys]
    for view in named:
        if view.norm == want:
            return view, ""
    same = [v for v in views if v.norm == want]
    if len(same) == 1:
        return same[0], ""
    if same:
        return None, (f"has the same text as {len(same)} documents "
                      f"({', '.join(v.doc_id for v in same[:5])}); name the source after one "
                      "of them")
    if named:
        return None, f"has the name of document '{named[0].doc_id}' but a different text"
    return None, "matches no document of the store by name (doc id or file path) or by text"


def offset_mapper(a: str, b: str) -> Callable[[int, bool], int]:
    """Map offsets in ``a`` to ``b`` (same non-whitespace characters) by non-space count."""
    if a == b:
        return lambda p, end: p
    a_cum = np.concatenate([[0], np.cumsum([not c.isspace() for c in a])])
    b_pos = np.array([i for i, c in enumerate(b) if not c.isspace()], dtype=int)

    def mapper(p: int, end: bool) -> int:
        k = int(a_cum[p])
        if end:
            return 0 if k == 0 else int(b_pos[k - 1]) + 1
        return int(b_pos[k]) if k < len(b_pos) else len(b)
    return mapper
