"""The report batch: every cohort's findings, then the cross-cohort notebooks, as appendices.

``rmresearch report --data DIR --output OUT`` prepares the project (ingest + coding), builds
the pseudonym key, runs the parameterised notebooks with papermill (cohorts in parallel),
renders each as HTML with code hidden, checks published files for leaked names, and writes
``OUT/index.html`` and ``OUT/manifest.json``. A failing notebook does not stop the others.

The leak check fails closed: a published file holding a real name (or identifier) of the key
is moved out of ``OUT`` into a private quarantine folder beside the project store (where the
store and key already hold real names), its notebook is marked failed, ``index.html`` and
``manifest.json`` say the run FAILED, and the batch's result is not ``ok`` (the command exits
non-zero). ``index.html`` and ``manifest.json`` are themselves checked after they are written.
"""
from __future__ import annotations

import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Sequence

from ..faults import checkpoint
from ..paths import quarantine_dir
from .jobs import Job, check_skip, feedback_jobs, report_jobs
from .notebooks import execute_notebook
from .parameters import DEFAULTS, batch_parameters
from .scrub import Scrubber

__all__ = ["Job", "BatchResult", "run_batch"]


@dataclass
class BatchResult:
    """What a batch produced; ``ok`` is False when any notebook failed.

    ``kept_missing`` lists the form answers ingest kept as missing (``lenient_forms``;
    `rmresearch.ingest.scale.BadAnswer`), for the run summary.
    """

    output: Path
    jobs: list[Job] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    quarantine: Path | None = None  # where files that failed the leak check were moved
    kept_missing: list[Any] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(j.status == "ok" for j in self.jobs) and not self.manifest.get("leaks")


def _execute(job: dict[str, Any]) -> dict[str, Any]:
    """Run one notebook and render its page (in a worker process); see `execute_notebook`."""
    run = execute_notebook(job["template"], job["executed"], job["parameters"],
                           html=job["html"], title=job["title"])
    return {"name": job["name"], "status": run.status, "error": run.error,
            "duration": run.duration}


def _exit_with_parent(parent: int) -> None:
    """Worker initializer: exit as soon as the batch process is gone (killed), so a killed
    batch stops writing output; the notebook's kernel then exits with its worker."""
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _run_jobs(jobs: list[Job], workers: int, progress: bool) -> None:
    from tqdm.auto import tqdm

    by_name = {j.name: j for j in jobs}
    first = ("cohort_", "feedback_")
    cohort_jobs = [j for j in jobs if j.name.startswith(first)]
    later = [j for j in jobs if not j.name.startswith(first)]
    bar = tqdm(total=len(jobs), unit="notebook", desc="report", disable=not progress)
    with ProcessPoolExecutor(max_workers=max(1, workers), mp_context=get_context("spawn"),
                             initializer=_exit_with_parent, initargs=(os.getpid(),)) as pool:
        for group in (cohort_jobs, later):
            futures = [pool.submit(_execute, asdict(j)) for j in group]
            for fut in as_completed(futures):
                res = fut.result()
                job = by_name[res["name"]]
                job.status, job.error, job.duration = res["status"], res["error"], res["duration"]
                bar.set_postfix_str(f"{job.name}: {job.status}")
                bar.update(1)
                checkpoint("report.job_done")
    bar.close()


def run_batch(data: str | Path | None, output: str | Path, *, cohorts: list[str] | None = None,
              workers: int = 2, store: str | Path | None = None,
              pseudonymise: bool = DEFAULTS["pseudonymise"], min_cell: int = DEFAULTS["min_cell"],
              seed: int = DEFAULTS["seed"], codebook: str | Path | None = None,
              feedback: bool = False, progress: bool = True, lenient_forms: bool = False,
              skip: Sequence[str] = ()) -> BatchResult:
    """Run the whole report batch and return what it produced (see module docstring).

    ``feedback`` adds a mentor's feedback notebook per pair (`jobs.feedback_jobs`).
    ``lenient_forms``: see `rmresearch.project.prepare_project` (answers kept as missing are
    in the result's ``kept_missing``). Input that is refused leaves no store behind.
    ``skip`` leaves appendices out (`jobs.SKIPPABLE`: cohort, comparison, themes, agreement).
    Everything is written into a `rmresearch.privacy.staging.Stage` (hidden), leak-checked,
    and only then renamed to its published name, the front page last.
    """
    from ..privacy.staging import Stage
    from ..project import prepare_project
    from .context import prepare_key

    started = time.time()
    output, skip = Path(output), check_skip(skip)  # a wrong kind is refused before any work
    project = prepare_project(data, store, codebook, progress=progress,
                              lenient_forms=lenient_forms)
    chosen = project.check_cohorts(cohorts)
    key_path = prepare_key(project) if pseudonymise else None
    common = batch_parameters(
        store=str(project.store_path.resolve()), pseudonymise=pseudonymise,
        key=str(key_path.resolve()) if key_path else "", min_cell=min_cell, seed=seed,
        codebook=str(Path(codebook).resolve()) if codebook else "")
    result = BatchResult(output=output, kept_missing=list(project.counts.get("kept_missing",
                                                                              [])))
    # The front page and the record are published last: remove an earlier run's first, so a
    # run that is killed (or crashes) part-way never leaves a folder that looks complete.
    for stale in ("index.html", "manifest.json"):
        (output / stale).unlink(missing_ok=True)
    with Stage(output, quarantine=quarantine_dir(project.store_path, output)) as stage:
        result.jobs = report_jobs(project, stage.path, chosen, common, skip)
        if feedback:
            result.jobs += feedback_jobs(project, stage.path, common, cohorts=chosen)
        (stage.path / "notebooks").mkdir(parents=True, exist_ok=True)
        _run_jobs(result.jobs, workers, progress)
        checkpoint("report.before_manifest")
        record = dict(data=data, seed=seed, pseudonymise=pseudonymise, min_cell=min_cell,
                      cohorts=chosen, started=started)
        _check_and_publish(result, project, stage, key_path, record)
    return result


def _check_and_publish(result: BatchResult, project: Any, stage: Any, key_path: Path | None,
                       record: dict[str, Any]) -> None:
    """Leak-check the staged appendices (failing the notebooks whose files leaked), write the
    record and the front page, check them too, then publish: nothing unchecked is renamed."""
    from ..privacy import PseudonymKey
    from .index import write_failed_front, write_index, write_manifest

    output = result.output
    # What the front page and the record quote (errors, leak findings) names no folder of
    # this machine: the output folder is ".", the store and key are placeholders.
    scrub = Scrubber({stage.path.resolve(): ".", output.resolve(): ".",
                      project.store_path: "<store>",
                      **({key_path: "<key>"} if key_path else {}),
                      **({record["data"]: "<data>"} if record["data"] else {})})
    for job in result.jobs:
        job.error = scrub.text(job.error)
    key = PseudonymKey.load(key_path) if key_path else None
    found = stage.check(key)
    _fail_leaking_jobs(result.jobs, [(stage.staged(Path(f.file).relative_to(output)),
                                      f.pseudonym) for f in found])
    leaks = [scrub.text(str(leak)) for leak in found]
    result.manifest = write_manifest(stage.path, project, result.jobs, leaks=leaks,
                                     withheld=list(stage.result.withheld), **record)
    write_index(stage.path, result.jobs, result.manifest)
    late = stage.check(key, [stage.path / "manifest.json", stage.path / "index.html"])
    if late:
        result.manifest = write_failed_front(stage.path, leaks + [scrub.text(str(x))
                                                                  for x in late],
                                             list(stage.result.withheld))
    published = stage.publish(key)
    result.quarantine = published.quarantine if published.withheld else None
    for job in result.jobs:  # the paths the person can open
        job.html, job.executed = (str(stage.published_path(job.html)),
                                  str(stage.published_path(job.executed)))
        job.parameters["output"] = str(stage.published_path(job.parameters["output"]))


def _fail_leaking_jobs(jobs: list[Job], leaks: list[tuple[Path, str]]) -> None:
    """Mark each notebook whose appendix, executed notebook, tables or figures leaked
    (``leaks``: the staged file and the pseudonym of whose name it held)."""
    for job in jobs:
        mine = Path(job.parameters["output"]).resolve()
        own = {Path(job.html).resolve(), Path(job.executed).resolve()}
        hits = [(f, who) for f, who in leaks if Path(f).resolve() in own
                or mine in Path(f).resolve().parents]
        if hits:
            names = sorted({Path(f).name for f, _ in hits})
            whose = sorted({who for _, who in hits})
            job.status = "failed"
            job.error = (f"leak check: real name(s) of {', '.join(whose)} in "
                         f"{', '.join(names)}; these files were withheld (not published)"
                         + (f"; {job.error}" if job.error else ""))
