"""Synthetic cohorts for tests, demos and benchmarks: fictional people with a known truth.

- generator: `generate` (a data folder with manifest, notes, transcripts, forms and truth files)
- banks, talk, grammar, text, compose: what people say and in which register; layout, files:
  headings and how it is written to disk; staff, coders: the 360-degree staff feedback and the
  simulated human coders
"""
from __future__ import annotations

from ..lazy import lazy_exports

_NAMES = {
    "generate": "generator",
    "MANIFEST_COLUMNS": "generator",
    "FINDINGS_COLUMNS": "generator",
    "PEOPLE_COLUMNS": "generator",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = lazy_exports(__name__, _NAMES)
