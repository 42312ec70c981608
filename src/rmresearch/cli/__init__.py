"""The ``rmresearch`` command line: one module per command group, registered here explicitly.

Each module imports only typer at import time; the package API loads when a command runs, so
``rmresearch --help`` stays fast.
"""
from __future__ import annotations

from . import coding, dask, feedback, interchange, notes, project, start
from .app import app, main

__all__ = ["app", "main"]

for _group in (start, project, coding, interchange, feedback, dask, notes):
    _group.register(app)
