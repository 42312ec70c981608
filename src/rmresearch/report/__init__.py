"""The report batch and the notebooks' API: parameterised notebooks run by papermill into
published appendices.

- batch: `run_batch` (ingest, code, run every notebook, leak-check, index)
- notebooks: the shipped notebooks and `execute_notebook`, the one notebook runner
- parameters: `PARAMETERS`, the report parameters named once
- context: `open_report`, the one call a notebook makes to get its tables
- index: the front page; publish: tables and figures written for people; plots: the charts
"""
from __future__ import annotations

from ..lazy import lazy_exports

_NAMES = {
    "Job": "jobs",
    "feedback_jobs": "jobs",
    "report_jobs": "jobs",
    "BatchResult": "batch",
    "run_batch": "batch",
    "NOTEBOOKS": "notebooks",
    "notebook_dir": "notebooks",
    "NotebookRun": "notebooks",
    "execute_notebook": "notebooks",
    "Parameter": "parameters",
    "PARAMETERS": "parameters",
    "ReportContext": "context",
    "open_report": "context",
    "prepare_key": "context",
    "key_path_for": "context",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = lazy_exports(__name__, _NAMES)
