"""REFI-QDA 1.5 interchange: codebooks (``.qdc``) and projects (``.qdpx``).

NVivo, ATLAS.ti, MAXQDA and QualCoder read and write these files. ``export_codebook`` and
``export_project`` write files that validate against the REFI-QDA schemas shipped in
``refi/schemas``; ``read_qdpx`` and ``qdpx_codings`` read projects from other tools and
map their text selections onto this project's segments; ``read_qdc`` reads a codebook from
another tool.

Offsets are Unicode codepoints from 0 with an exclusive end (``text[start:end]``), as the
standard counts them, and our exports say so; selections that other tools counted in UTF-16
code units or over CRLF text are detected per source (``offsets``) and mapped to the LF
text the store holds.

Names load on first use so ``import rmresearch.refi`` stays cheap (lxml loads only when a
file is written or read).
"""
from __future__ import annotations

__all__ = ["export_codebook", "export_project", "codebook_xml", "read_qdpx", "qdpx_codings",
           "validate_xml", "code_guid", "QdpxImport", "read_qdc"]

_LAZY = {
    "export_codebook": "export", "export_project": "export", "codebook_xml": "export",
    "read_qdpx": "import_", "qdpx_codings": "import_", "QdpxImport": "import_",
    "validate_xml": "qde", "code_guid": "qde", "read_qdc": "codebook_in",
}


def __getattr__(name: str):
    """Load public names on first use."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
