"""Running the ``mentor_feedback`` notebook: for one pair (``rmresearch feedback``,
`run_feedback`) or as report-batch jobs (`feedback_jobs`).

The pair is checked cheaply first (`check_pair_exists` reads the manifest or the store's
documents, never codes anything). The notebook itself runs in `execute_notebook`, the one
place here that calls papermill; a project error inside the notebook reaches the person as
their error (`notebook_error`), anything else as a `FeedbackRunError`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from .. import errors
from ..errors import FeedbackRunError, InputError, RmResearchError, StoreError, join_allowed
from ..ingest.names import check_name
from ..paths import find_path
from .evidence import known_pairs
from .write import sheet_paths

__all__ = ["FeedbackRun", "check_pair_exists", "run_feedback", "project_error_class",
           "notebook_error"]


@dataclass
class FeedbackRun:
    """What `run_feedback` wrote: the sheet (``html``, ``docx``), the executed notebook and
    its rendering (code hidden), and the run time in seconds."""

    pair: str
    html: Path
    docx: Path
    executed: Path
    notebook_html: Path
    duration: float


# --------------------------------------------------------------------------- the pair
def _known_pairs(data: Path | None, store: Path | None) -> tuple[list[str], Path]:
    if data is not None:
        from ..ingest.manifest import find_manifest, read_manifest

        manifest = find_manifest(data)
        return known_pairs(read_manifest(manifest)), manifest
    from ..store import ProjectStore

    if not store.is_file():
        raise StoreError(f"{store} does not exist; give --data to build it, or the path "
                         "of an existing project store.")
    with ProjectStore.open(store) as st:
        return known_pairs(st.documents()), store


def check_pair_exists(pair: str, data: str | Path | None = None,
                      store: str | Path | None = None) -> None:
    """Raise `InputError` (naming the known pairs) if ``pair`` is not in the data or store.

    Cheap: reads the manifest (or the store's documents), never codes anything. A store
    that does not exist raises `StoreError`. A ``pair`` that is not a name
    (`rmresearch.ingest.names.check_name`: ``../x``, ``a/b`` ...) is refused before anything
    is read.
    """
    check_name(pair, "pair id")
    if not data and not store:
        raise InputError("give a data folder (--data) or a project store (--store).")
    pairs, where = _known_pairs(find_path(data) if data else None,
                                find_path(store) if store else None)
    if pair not in pairs:
        raise InputError(f"There is no mentoring pair '{pair}' in the data.", path=where,
                         allowed=join_allowed(pairs) or "(none: the data holds no pair)")


# --------------------------------------------------------------------------- one pair
def run_feedback(data: str | Path | None, pair: str, output: str | Path, *,
                 store: str | Path | None = None, reveal_leader: bool = False,
                 pseudonymise: bool = True, key: str | Path | None = None, min_cell: int = 0,
                 quotes: int = 3, staff_min: int = 3, seed: int = 42,
                 codebook: str | Path | None = None) -> FeedbackRun:
    """Run the ``mentor_feedback`` notebook for one pair with papermill.

    Writes into ``output``: the sheet (``feedback_<pair>.html`` and ``.docx``), the tables
    and figures it draws on (``tables/``, ``figures/``), and the executed notebook with its
    rendering for the mentor (``notebook/mentor_feedback.ipynb`` and ``.html``, code hidden).
    The pair is checked before anything runs.

    Raises
    ------
    InputError
        Unknown pair (the message lists the known ones), or bad data.
    RmResearchError
        Any other project error the notebook stopped on (`notebook_error`).
    FeedbackRunError
        The notebook stopped for another reason (exit code 1); the partly run notebook is
        kept.
    """
    from ..report.notebooks import NOTEBOOKS, execute_notebook, notebook_dir, render_html

    started = time.perf_counter()
    check_pair_exists(pair, data, store)  # the pair id is a name, and a known pair
    out = find_path(output).resolve()
    if any(p.parent != out for p in sheet_paths(out, pair).values()):  # defence in depth
        raise InputError(f"pair id '{pair}' would write outside the output folder {out}.")
    template = notebook_dir() / NOTEBOOKS["feedback"]
    executed = out / "notebook" / "mentor_feedback.ipynb"

    def absolute(value: str | Path | None) -> str:
        return str(find_path(value).resolve()) if value else ""

    parameters = {"data": absolute(data), "store": absolute(store), "pair": pair,
                  "output": str(out), "reveal_leader": bool(reveal_leader),
                  "quotes": int(quotes), "staff_min": int(staff_min),
                  "pseudonymise": bool(pseudonymise), "key": absolute(key),
                  "min_cell": int(min_cell), "seed": int(seed), "codebook": absolute(codebook)}
    run = execute_notebook(template, executed, parameters)
    if run.failed_at == "notebook":
        raise notebook_error(run.error_name, run.error_value, executed)
    if not run.ok:
        raise FeedbackRunError(f"the feedback notebook could not run ({run.error}); "
                               f"the partly run notebook, if any, is {executed}.")
    notebook_html = render_html(executed, executed.with_suffix(".html"),
                                f"Feedback workings, pair {pair}")
    paths = sheet_paths(out, pair)
    return FeedbackRun(pair, paths["html"], paths["docx"], executed, notebook_html,
                       round(time.perf_counter() - started, 1))


# --------------------------------------------------------------------------- notebook errors
def project_error_class(ename: str) -> type[RmResearchError] | None:
    """The project exception class (`rmresearch.errors`) named ``ename``, else None.

    A notebook's error reaches this process only as its class name and message (papermill's
    ``ename`` and ``evalue``); this maps the name back to the class, so every class in
    `rmresearch.errors` counts as a project error.
    """
    cls = getattr(errors, ename, None) if ename else None
    if isinstance(cls, type) and issubclass(cls, RmResearchError):
        return cls
    return None


def notebook_error(ename: str, evalue: str, executed: str | Path) -> RmResearchError:
    """The error to raise for a notebook that stopped with ``ename: evalue``.

    A project error (`project_error_class`) is the person's to fix: its message alone, with
    the exit code of its class (2 for all but `FeedbackRunError`). Anything else is a
    `FeedbackRunError` (exit code 1) naming the partly run notebook ``executed``.
    """
    cls = project_error_class(ename)
    if cls is None:
        return FeedbackRunError(f"the feedback notebook stopped ({ename}: {evalue}); "
                                f"the partly run notebook is {executed}.")
    error = RmResearchError(f"{evalue}")
    error.exit_code = cls.exit_code
    return error
