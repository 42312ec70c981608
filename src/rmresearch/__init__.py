"""rmresearch: a research and qualitative-analysis workbench for NHS reverse mentoring.

Heavy libraries (torch, sentence-transformers, spaCy, BERTopic, pandera) load only when a
function that needs them is called, so ``import rmresearch`` stays fast.
"""
from __future__ import annotations

import os

__version__ = "0.1.0"

for _var, _val in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"),
                   ("HF_DATASETS_OFFLINE", "1"), ("TOKENIZERS_PARALLELISM", "false")):
    os.environ.setdefault(_var, _val)

__all__ = ["__version__", "load_codebook", "default_codebook", "ingest_folder", "ProjectStore",
           "RmResearchError", "InputError", "CodebookError"]

_LAZY = {
    "load_codebook": ("rmresearch.codebook", "load_codebook"),
    "default_codebook": ("rmresearch.codebook", "default_codebook"),
    "ingest_folder": ("rmresearch.ingest", "ingest_folder"),
    "ProjectStore": ("rmresearch.store", "ProjectStore"),
    "RmResearchError": ("rmresearch.errors", "RmResearchError"),
    "InputError": ("rmresearch.errors", "InputError"),
    "CodebookError": ("rmresearch.errors", "CodebookError"),
}


def __getattr__(name: str):
    """Load public names on first use (keeps ``import rmresearch`` cheap)."""
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'rmresearch' has no attribute '{name}'")
