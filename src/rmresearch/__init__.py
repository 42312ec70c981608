"""rmresearch: a research and qualitative-analysis workbench for NHS reverse mentoring.

Heavy libraries (torch, sentence-transformers, spaCy, BERTopic, pandera) load only when a
function that needs them is called, so ``import rmresearch`` stays fast.
"""
from __future__ import annotations

from .config import apply_offline_defaults

__version__ = "0.1.0"

apply_offline_defaults()

__all__ = ["__version__", "load_codebook", "default_codebook", "ingest_folder", "ProjectStore",
           "RmResearchError", "InputError", "CodebookError"]

from .lazy import lazy_exports  # noqa: E402
from .moved import install as _install_moved

_install_moved()
__getattr__, __dir__ = lazy_exports(__name__, {
    "load_codebook": "codebook", "default_codebook": "codebook", "ingest_folder": "ingest",
    "ProjectStore": "store", "RmResearchError": "errors", "InputError": "errors",
    "CodebookError": "errors",
})
