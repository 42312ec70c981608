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

from .lazy import lazy_exports
from .moved import install as _install_moved

_install_moved()
__getattr__, __dir__ = lazy_exports(__name__, {
    "load_codebook": "codebook", "default_codebook": "codebook", "ingest_folder": "ingest",
    "ProjectStore": "store", "RmResearchError": "errors", "InputError": "errors",
    "CodebookError": "errors",
})
