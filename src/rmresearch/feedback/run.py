"""Running the ``mentor_feedback`` notebook: for one pair (``rmresearch feedback``,
`run_feedback`) or as report-batch jobs (`feedback_jobs`).

The pair is checked cheaply first (`check_pair_exists` reads the manifest or the store's
documents, never codes anything). The notebook itself runs in `execute_notebook`, the one
place here that calls papermill; a project error inside the notebook reaches the person as
their error (`notebook_error`), anything else as a `FeedbackRunError`.

Like every publishing command, the run writes into a hidden stage folder inside the output
folder (`rmresearch.privacy.staging.Stage`); every file is leak-checked there and only clean
files get their published names. A leak stops the command with a `LeakError` (exit code 2)
naming each file and whose name leaked, and the leaking files go to the private quarantine
beside the store.
"""
from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from .. import errors
from ..errors import FeedbackRunError, InputError, RmResearchError, StoreError, join_allowed
from ..ingest.names import check_name
from ..paths import default_store_path, find_path, key_path, quarantine_dir
from ..privacy.key import PseudonymKey
from ..privacy.staging import Stage, leak_error
from .evidence import known_pairs
from .write import sheet_paths

__all__ = ["FeedbackRun", "check_pair_exists", "run_feedback", "project_error_class",
           "notebook_error"]


@dataclass
class FeedbackRun:
    """What `run_feedback` wrote: the sheet (``html``, ``docx``), the executed notebook and
    its rendering (code hidden), the run time in seconds, the review workbook (if asked for)
    and what a review file gave back (``{"rows", "changed"}``, see
    `rmresearch.feedback.review.store_review`)."""

    pair: str
    html: Path
    docx: Path
    executed: Path
    notebook_html: Path
    duration: float
    review_file: Path | None = None
    review: dict[str, int] | None = None


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
                 codebook: str | Path | None = None, review_file: str | Path | None = None,
                 review: str | Path | None = None) -> FeedbackRun:
    """Run the ``mentor_feedback`` notebook for one pair with papermill.

    Writes into ``output``: the sheet (``feedback_<pair>.html`` and ``.docx``), the tables
    and figures it draws on (``tables/``, ``figures/``), and the executed notebook with its
    rendering for the mentor (``notebook/mentor_feedback.ipynb`` and ``.html``, code hidden).
    The pair is checked before anything runs. Everything is written under a hidden stage
    folder first, leak-checked with the pseudonym key (unless ``pseudonymise`` is False;
    with ``reveal_leader`` the leader's real name is allowed on the sheet only), and renamed
    to its published name only when clean.

    ``review`` (a review workbook the mentor filled in) is read and checked first and its
    choices stored (`rmresearch.feedback.review.store_review`); the sheet then shows exactly
    the quotes the mentor kept. ``review_file``: also write the review workbook listing every
    quote the sheet could show (leak-checked like the sheet, then moved there).

    Raises
    ------
    InputError
        Unknown pair (the message lists the known ones), or bad data.
    LeakError
        A published file would hold a real name or identifier: it was withheld (moved to the
        quarantine beside the store); the message names it and whose name it held.
    RmResearchError
        Any other project error the notebook stopped on (`notebook_error`).
    FeedbackRunError
        The notebook stopped for another reason (exit code 1); the partly run notebook is
        kept (published when it passes the leak check).
    """
    started = time.perf_counter()
    check_pair_exists(pair, data, store)  # the pair id is a name, and a known pair
    out = find_path(output).resolve()
    if any(p.parent != out for p in sheet_paths(out, pair).values()):  # defence in depth
        raise InputError(f"pair id '{pair}' would write outside the output folder {out}.")
    store_path = find_path(store) if store else default_store_path(find_path(data))
    reviewed = _store_review(store_path, pair, find_path(review)) if review else None
    with Stage(out, quarantine=quarantine_dir(store_path, out)) as stage:
        # the store as resolved here, in the person's working folder: the notebook runs in
        # the package's notebook folder and would otherwise resolve a default store there
        failure = _run_notebook(stage.path, data, store_path, pair, key, pseudonymise, dict(
            reveal_leader=bool(reveal_leader), quotes=int(quotes), staff_min=int(staff_min),
            min_cell=int(min_cell), seed=int(seed), codebook=_absolute(codebook),
            review_file=bool(review_file)))
        checked = _leak_key(store_path, key) if pseudonymise else None
        result = stage.publish(checked, allow=_revealed(checked, pair, reveal_leader))
    if result.leaks:
        raise leak_error(result)
    if failure is not None:
        raise failure
    paths = sheet_paths(out, pair)
    executed = out / "notebook" / "mentor_feedback.ipynb"
    written = _move_review(out, pair, find_path(review_file)) if review_file else None
    return FeedbackRun(pair, paths["html"], paths["docx"], executed,
                       executed.with_suffix(".html"), round(time.perf_counter() - started, 1),
                       written, reviewed)


def _store_review(store_path: Path, pair: str, review: Path) -> dict[str, int]:
    """Check the mentor's review workbook and store its choices (before anything runs)."""
    from ..store import ProjectStore
    from .review import store_review

    if not store_path.is_file():
        raise InputError("cannot be read back yet: the project store does not exist, so no "
                         "quotes were listed for this pair.", path=review,
                         allowed=f"first write the workbook with --review-file (store: "
                         f"{store_path}).")
    with ProjectStore.open_existing(store_path) as st:
        return store_review(st, review, pair)


def _move_review(out: Path, pair: str, target: Path) -> Path:
    """Move the published (leak-checked) review workbook to where the person asked."""
    from .review import review_path

    written = review_path(out, pair)
    target = target.resolve()
    if target != written.resolve():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(written), str(target))
    return target


def _absolute(value: str | Path | None) -> str:
    return str(find_path(value).resolve()) if value else ""


def _run_notebook(stage: Path, data: str | Path | None, store: str | Path | None, pair: str,
                  key: str | Path | None, pseudonymise: bool, options: dict
                  ) -> RmResearchError | None:
    """Run the notebook and render its page into the hidden ``stage`` folder; return the
    error to raise once the checked files are published (None when it ran)."""
    from ..report.notebooks import NOTEBOOKS, execute_notebook, notebook_dir, render_html

    template = notebook_dir() / NOTEBOOKS["feedback"]
    executed = stage / "notebook" / "mentor_feedback.ipynb"
    parameters = {"data": _absolute(data), "store": _absolute(store), "pair": pair,
                  "output": str(stage), "reveal_leader": options["reveal_leader"],
                  "quotes": options["quotes"], "staff_min": options["staff_min"],
                  "pseudonymise": bool(pseudonymise), "key": _absolute(key),
                  "min_cell": options["min_cell"], "seed": options["seed"],
                  "codebook": options["codebook"], "review_file": options["review_file"]}
    run = execute_notebook(template, executed, parameters)
    shown = Path("notebook") / executed.name           # as published, in the output folder
    if run.failed_at == "notebook":
        return notebook_error(run.error_name, run.error_value, shown)
    if not run.ok:
        return FeedbackRunError(f"the feedback notebook could not run ({run.error}); "
                                f"the partly run notebook, if any, is {shown}.")
    render_html(executed, executed.with_suffix(".html"), f"Feedback workings, pair {pair}")
    return None


def _leak_key(store_path: Path, key: str | Path | None) -> PseudonymKey:
    """The key the notebook pseudonymised with (beside the store unless ``key``)."""
    path = key_path(store_path, find_path(key) if key else None)
    if not path.is_file():
        raise FeedbackRunError(f"the feedback notebook wrote no pseudonym key ({path}), so "
                               "its output cannot be checked for real names; nothing was "
                               "published.")
    return PseudonymKey.load(path)


def _revealed(key: PseudonymKey | None, pair: str, reveal: bool) -> dict[str, list[str]]:
    """The leader named on purpose may appear on the sheet (HTML and Word) only."""
    if key is None or not reveal:
        return {}
    leaders = [p.pseudonym for p in key.people if p.role == "leader" and pair in p.pairs]
    return {path.name: leaders for path in sheet_paths(Path("."), pair).values()}


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
