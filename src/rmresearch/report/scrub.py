"""Keeping the machine out of published files: absolute paths, the home folder, the Python.

A report runs with absolute paths (the store, the key, the output folder), but what it
publishes must not show where the project lives, whose account ran it or which Python ran it.
A `Scrubber` replaces such paths in text with a relative path or a placeholder (``<store>``,
``<key>``, ``<python>``, ``~``); `scrub_notebook` applies one to an executed notebook (its
cells, outputs and metadata) and drops its standard-error output (warnings that name files of
the Python installation), so the published notebook and its page hold neither.
"""
from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any, Mapping

__all__ = ["Scrubber", "public_path", "scrub_notebook"]


def _forms(path: str | Path) -> list[str]:
    """The spellings of ``path`` that may appear in text: as given and resolved."""
    given = str(path)
    forms = {given.rstrip("/") or given}
    try:
        forms.add(str(Path(given).resolve()))
    except (OSError, RuntimeError):  # pragma: no cover - an unresolvable path
        pass
    return [f for f in forms if len(Path(f).parts) > 1]


class Scrubber:
    """Replaces absolute paths in text with relative ones or placeholders.

    Parameters
    ----------
    places : mapping of str to str or Path
        Path -> what to write instead (a placeholder such as ``"<store>"`` or a relative
        path such as ``".."``). Longer paths are replaced first, and a path is replaced only
        where it ends (``/out`` does not touch ``/outer``).

    The Python installation (``sys.prefix``, ``sys.base_prefix``: ``<python>``), the home folder
    (``~``) and the current folder (``.``) are always replaced, after ``places``.
    """

    def __init__(self, places: Mapping[str | Path, str] | None = None) -> None:
        pairs: dict[str, str] = {}
        defaults = [(sys.prefix, "<python>"), (sys.base_prefix, "<python>"),
                    (Path.home(), "~"), (os.getcwd(), ".")]
        for path, placeholder in list((places or {}).items()) + defaults:
            for form in _forms(path):
                pairs.setdefault(form, placeholder)
        self.pairs = sorted(pairs.items(), key=lambda kv: -len(kv[0]))
        self._pattern = re.compile("|".join(f"{re.escape(p)}(?![\\w-])" for p, _ in self.pairs)
                                   ) if self.pairs else None
        self._lookup = dict(self.pairs)

    def text(self, value: str) -> str:
        """``value`` with every known path replaced."""
        if self._pattern is None or not value:
            return value
        return self._pattern.sub(lambda m: self._lookup[m.group(0)], value)

    def node(self, value: Any) -> Any:
        """``value`` (nested dicts, lists and strings, e.g. a notebook) with every string
        scrubbed; other values are returned as they are."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return value.__class__({k: self.node(v) for k, v in value.items()})
        if isinstance(value, list):
            return [self.node(v) for v in value]
        return value


def public_path(path: str | Path | None) -> str | None:
    """How a path given by the person appears in a published record: as given when relative,
    relative to the current folder when inside it, else ``.../<its name>`` (never the folders
    above it, which name the machine and the user)."""
    if path is None or str(path) == "":
        return None
    given = Path(path)
    if not given.is_absolute():
        return given.as_posix()
    try:
        return given.resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return f".../{given.name}"


def scrub_notebook(path: str | Path, scrubber: Scrubber, name: str = "") -> None:
    """Rewrite the executed notebook at ``path`` for publishing, in place: every string
    scrubbed by ``scrubber``, standard-error stream outputs (warnings) removed, and papermill's
    record of its input and output files reduced to file names (``name``, when given, as the
    output's: the published name of a notebook run under a hidden one)."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    record = nb.metadata.get("papermill", {})
    for field in ("input_path", "output_path"):
        if record.get(field):
            record[field] = Path(record[field]).name
    if name and record.get("output_path"):
        record["output_path"] = name
    nb = nbformat.from_dict(scrubber.node(nb))
    nbformat.write(nb, str(path))
