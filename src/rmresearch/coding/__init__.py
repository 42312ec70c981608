"""Coding engine: rules, model and ensemble coders, valence, evaluation, spreadsheets.

Everything is imported on first use, so ``import rmresearch.coding`` does not load spaCy,
torch, sentence-transformers or scikit-learn.

>>> from rmresearch.coding import code_segments          # doctest: +SKIP
>>> codings = code_segments(segments_df)                  # doctest: +SKIP
"""
from __future__ import annotations

from ..lazy import lazy_exports

__all__ = ["code_segments", "default_coder", "RuleCoder", "ModelCoder", "EnsembleCoder",
           "Embedder", "evaluate_gold", "format_evaluation", "load_gold", "code_spreadsheet",
           "code_store"]

_LAZY = {
    "code_segments": "api", "default_coder": "api",
    "RuleCoder": "rules", "ModelCoder": "model", "EnsembleCoder": "ensemble",
    "Embedder": "embeddings",
    "evaluate_gold": "evaluate", "format_evaluation": "evaluate", "load_gold": "evaluate",
    "code_spreadsheet": "spreadsheet", "code_store": "project",
}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY)
