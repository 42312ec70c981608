"""Test-only fault injection: let a test kill the process at a named point.

Library code calls ``checkpoint("ingest.document")`` at places where a crash matters (inside a
store transaction, between writing a temporary file and renaming it, ...). Normally this costs
one environment lookup and does nothing. When the environment variable
``RMRESEARCH_FAULT_AT`` names the point, the process sends itself SIGKILL there, so a test can
check that a run killed at exactly that moment leaves the store and the outputs consistent.

``RMRESEARCH_FAULT_AT`` holds one or more comma-separated ``point`` or ``point:n`` items; with
``:n`` the process is killed the n-th time it reaches the point (counted per process).

Points used by the package (see ``tests/test_faults.py``):

``ingest.document``        `ProjectStore.ingest`, after each document's rows are written
``ingest.before_commit``   `ProjectStore.ingest`, everything written, before COMMIT
``codings.before_commit``  `ProjectStore._write_codings`, codings written, before the segments
                           seen are recorded and before COMMIT
``code_store.coded``       `code_store`, segments coded in memory, before anything is stored
``atomic.before_rename``   `atomic_path`, temporary file written and synced, before the rename
``report.job_done``        the report batch, after each notebook finishes
``report.before_manifest`` the report batch, every notebook done, before manifest.json/index.html
"""
from __future__ import annotations

import os
import signal

from .config import fault_spec

__all__ = ["checkpoint", "ENV_VAR"]

ENV_VAR = "RMRESEARCH_FAULT_AT"
_hits: dict[str, int] = {}


def checkpoint(name: str) -> None:
    """Kill this process with SIGKILL if ``RMRESEARCH_FAULT_AT`` asks for point ``name``."""
    spec = fault_spec()
    if spec:
        _maybe_kill(spec, name)


def _maybe_kill(spec: str, name: str) -> None:
    for item in spec.split(","):
        point, _, nth = item.strip().partition(":")
        if point != name:
            continue
        _hits[name] = _hits.get(name, 0) + 1
        if _hits[name] >= int(nth or 1):
            os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
