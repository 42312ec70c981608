"""The project store: one SQLite file (WAL mode) per project.

Holds documents (every version), segments (with their discourse role), codings with their
coder, the segments each coder has seen, evaluation-form responses, notes (memos, see
`notes`), runs, and the mentor's choice of quotes for a pair's feedback sheet
(``sheet_choices``, `choices`). Every write is one transaction. Human codings (coder ``human:<name>``) are protected by triggers: no machine
run can update or delete them. All SQL of the package lives in this package.
"""
from __future__ import annotations

from ..vocabulary import HUMAN_PREFIX
from .core import ProjectStore, require_store

__all__ = ["ProjectStore", "HUMAN_PREFIX", "require_store"]
