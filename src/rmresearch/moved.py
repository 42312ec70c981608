"""Old module paths that keep working for one release, with a `DeprecationWarning`.

Version 0.2 moved the flat modules into packages named by the data flow (`docs/architecture.md`).
Notebooks, scripts and pickles that name an old path (a BERTopic model saved with the old
embedding backend names ``rmresearch.topics``) still load: importing ``rmresearch`` installs a
finder that answers each old name with a module forwarding every attribute to the new one.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import types
import warnings
from typing import Any

__all__ = ["MOVED", "install"]

#: old module path -> new module path (removed in the release after 0.2)
MOVED = {
    "rmresearch.agreement": "rmresearch.human.agreement",
    "rmresearch.cli_coding": "rmresearch.cli.coding",
    "rmresearch.cli_feedback": "rmresearch.cli.feedback",
    "rmresearch.cli_interchange": "rmresearch.cli.interchange",
    "rmresearch.cli_scale": "rmresearch.cli.dask",
    "rmresearch.coding.store_mode": "rmresearch.coding.project",
    "rmresearch.feedback_sheet": "rmresearch.feedback",
    "rmresearch.plots": "rmresearch.report.plots",
    "rmresearch.publish": "rmresearch.report.publish",
    "rmresearch.report_context": "rmresearch.report.context",
    "rmresearch.report_index": "rmresearch.report.index",
    "rmresearch.scale": "rmresearch.coding.dask",
    "rmresearch.segment": "rmresearch.ingest.segment",
    "rmresearch.suppress": "rmresearch.privacy.suppress",
    "rmresearch.synthetic_banks": "rmresearch.synthetic.banks",
    "rmresearch.synthetic_coders": "rmresearch.synthetic.coders",
    "rmresearch.synthetic_files": "rmresearch.synthetic.files",
    "rmresearch.synthetic_grammar": "rmresearch.synthetic.grammar",
    "rmresearch.synthetic_staff": "rmresearch.synthetic.staff",
    "rmresearch.synthetic_text": "rmresearch.synthetic.text",
    "rmresearch.topics": "rmresearch.analysis.topics",
}


class _Forward(types.ModuleType):
    """A stand-in for an old module: every attribute comes from the new one."""

    def __init__(self, old: str, new: str) -> None:
        super().__init__(old, f"Moved to {new}.")
        self.__target = new

    def __getattr__(self, name: str) -> Any:
        return getattr(importlib.import_module(self.__target), name)

    def __dir__(self) -> list[str]:
        return dir(importlib.import_module(self.__target))


class _Loader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> types.ModuleType:
        new = MOVED[spec.name]
        warnings.warn(f"{spec.name} moved to {new}; the old name goes in the next release.",
                      DeprecationWarning, stacklevel=2)
        return _Forward(spec.name, new)

    def exec_module(self, module: types.ModuleType) -> None:
        """Nothing to run: the forwarding module is complete."""


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Any = None, target: Any = None
                  ) -> importlib.machinery.ModuleSpec | None:
        if fullname in MOVED:
            return importlib.machinery.ModuleSpec(fullname, _Loader())
        return None


def install() -> None:
    """Put the finder for old module paths on `sys.meta_path` (once)."""
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.append(_Finder())
