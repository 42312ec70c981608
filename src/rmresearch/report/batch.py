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

import json
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from .. import __version__
from ..atomic import atomic_write_text
from ..faults import checkpoint
from ..paths import quarantine_dir

__all__ = ["Job", "BatchResult", "run_batch", "NOTEBOOKS", "notebook_dir"]

NOTEBOOKS = {"cohort": "cohort_findings.ipynb", "comparison": "cohort_comparison.ipynb",
             "themes": "emergent_themes.ipynb", "agreement": "agreement.ipynb"}


def notebook_dir() -> Path:
    """The folder of the parameterised notebooks: ``RMRESEARCH_NOTEBOOKS`` if set, else the
    repository's ``notebooks/`` (beside ``src/``), else ``./notebooks``."""
    import os

    from ..errors import RmResearchError

    candidates = [os.environ.get("RMRESEARCH_NOTEBOOKS"),
                  Path(__file__).resolve().parents[3] / "notebooks", Path("notebooks")]
    for candidate in candidates:
        if candidate and (Path(candidate) / NOTEBOOKS["cohort"]).is_file():
            return Path(candidate).resolve()
    raise RmResearchError("cannot find the report notebooks; set RMRESEARCH_NOTEBOOKS to the "
                          "repository's notebooks/ folder.")


@dataclass
class Job:
    """One notebook run."""

    name: str
    title: str
    template: str
    parameters: dict[str, Any]
    executed: str
    html: str
    status: str = "pending"
    error: str = ""
    duration: float = 0.0


@dataclass
class BatchResult:
    """What a batch produced; ``ok`` is False when any notebook failed."""

    output: Path
    jobs: list[Job] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    quarantine: Path | None = None  # where files that failed the leak check were moved

    @property
    def ok(self) -> bool:
        return all(j.status == "ok" for j in self.jobs) and not self.manifest.get("leaks")


def _execute(job: dict[str, Any]) -> dict[str, Any]:
    """Run one notebook with papermill and render it as HTML (in a worker process)."""
    import papermill as pm

    started = time.perf_counter()
    status, error = "ok", ""
    # papermill saves the notebook after every cell: run it under a hidden name and rename it
    # when papermill is done, so a killed run never leaves a half-executed notebook behind.
    executed = Path(job["executed"])
    partial = executed.with_name(f".{executed.stem}.partial{executed.suffix}")
    for attempt in range(3):
        status, error = "ok", ""
        try:
            pm.execute_notebook(job["template"], str(partial), parameters=job["parameters"],
                                kernel_name="python3", progress_bar=False,
                                cwd=str(Path(job["template"]).parent.parent))
        except pm.PapermillExecutionError as exc:
            status, error = "failed", f"{exc.ename}: {exc.evalue}"
        except Exception as exc:  # the kernel died, a file was unwritable ...
            status, error = "failed", f"{exc.__class__.__name__}: {exc}"
            # Two kernels starting at once can race for a TCP port ("Kernel died before
            # replying to kernel_info"): that is not the notebook's fault, so start again.
            if "Kernel died before replying" in str(exc) and attempt < 2:
                time.sleep(1 + attempt)
                continue
        break
    if partial.exists():
        partial.replace(executed)
    if Path(job["executed"]).exists():
        try:
            render_html(Path(job["executed"]), Path(job["html"]), job["title"])
        except Exception as exc:
            status, error = "failed", error or f"HTML rendering failed: {exc}"
    return {"name": job["name"], "status": status, "error": error,
            "duration": round(time.perf_counter() - started, 1)}


def render_html(executed: Path, html: Path, title: str) -> Path:
    """Render an executed notebook as a report page: code, prompts and parameters hidden."""
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(executed, as_version=4)
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])
                and "parameters" not in c.metadata.get("tags", [])]
    nb.metadata["title"] = title
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    return atomic_write_text(html, body)


def _jobs(project: Any, output: Path, cohorts: list[str], common: dict[str, Any]) -> list[Job]:
    nb_dir, out = notebook_dir(), output.resolve()

    def job(name: str, kind: str, title: str, sub: str, **params: Any) -> Job:
        return Job(name=name, title=title, template=str(nb_dir / NOTEBOOKS[kind]),
                   parameters={**common, "output": str(out / sub), **params},
                   executed=str(out / "notebooks" / f"{name}.ipynb"),
                   html=str(out / f"{name}.html"))

    jobs = [job(f"cohort_{c}", "cohort", f"Cohort {c} findings", f"cohorts/{c}", cohort=c)
            for c in cohorts]
    jobs.append(job("comparison", "comparison", "Cohort comparison", "comparison",
                    cohorts=",".join(cohorts)))
    jobs.append(job("themes", "themes", "Emergent themes", "themes", cohorts=",".join(cohorts)))
    if project.human_coders:
        jobs.append(job("agreement", "agreement", "Inter-coder agreement", "agreement",
                        cohorts=",".join(cohorts)))
    return jobs


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
              workers: int = 2, store: str | Path | None = None, pseudonymise: bool = True,
              min_cell: int = 5, seed: int = 42, codebook: str | Path | None = None,
              feedback: bool = False, progress: bool = True) -> BatchResult:
    """Run the whole report batch and return what it produced (see module docstring)."""
    from ..project import prepare_project
    from .index import published_files, write_index, write_manifest
    from .context import prepare_key

    started = time.time()
    output = Path(output)
    project = prepare_project(data, store, codebook, progress=progress)
    chosen = project.check_cohorts(cohorts)
    key_path = prepare_key(project) if pseudonymise else None
    common = {"data": "", "store": str(project.store_path.resolve()),
              "pseudonymise": pseudonymise, "key": str(key_path.resolve()) if key_path else "",
              "min_cell": min_cell, "seed": seed,
              "codebook": str(Path(codebook).resolve()) if codebook else ""}
    result = BatchResult(output=output, jobs=_jobs(project, output, chosen, common))
    if feedback:
        from ..feedback.sheet import feedback_jobs

        result.jobs += feedback_jobs(project, output, common, cohorts=chosen)
    # The front page and the record are written last: remove an earlier run's first, so a
    # run that is killed (or crashes) part-way never leaves a folder that looks complete.
    for stale in ("index.html", "manifest.json"):
        (output / stale).unlink(missing_ok=True)
    (output / "notebooks").mkdir(parents=True, exist_ok=True)
    _run_jobs(result.jobs, workers, progress)
    checkpoint("report.before_manifest")
    found = _leak_check(output, key_path) if key_path else []
    withheld: list[str] = []
    if found:
        result.quarantine = quarantine_dir(project.store_path, output)
        withheld = quarantine_leaks(output, found, result.quarantine)
        _fail_leaking_jobs(result.jobs, found, output)
    leaks = [str(leak) for leak in found]
    result.manifest = write_manifest(output, project, result.jobs, data=data, seed=seed,
                                     pseudonymise=pseudonymise, min_cell=min_cell,
                                     cohorts=chosen, leaks=leaks, started=started,
                                     withheld=withheld)
    write_index(output, result.jobs, result.manifest)
    if key_path:
        # The front page and the record quote inputs' paths and notebooks' errors: check them
        # too, and if they leak, withhold them and leave only a page that says FAILED.
        front = [output / "manifest.json", output / "index.html"]
        late = _leak_check(output, key_path, front)
        if late:
            result.quarantine = result.quarantine or quarantine_dir(project.store_path, output)
            withheld += quarantine_leaks(output, late, result.quarantine)
            leaks += [str(leak) for leak in late]
            result.manifest = write_failed_front(output, leaks, withheld)
    return result


def _leak_check(output: Path, key_path: Path, files: list[Path] | None = None) -> list:
    """Scan ``files`` (default: every published file under ``output``) for real names and
    identifiers of the key; return the `rmresearch.privacy.Leak` findings."""
    from ..privacy import PseudonymKey, leak_check
    from .index import published_files

    key = PseudonymKey.load(key_path)
    return leak_check(published_files(output) if files is None else files, key)


def quarantine_leaks(output: Path, leaks: list, quarantine: Path) -> list[str]:
    """Move every file named in ``leaks`` out of ``output`` into ``quarantine`` (same relative
    path, owner-only folder), so no leaked file stays under its published name.

    Returns the moved files' paths relative to ``output`` (POSIX style), sorted.
    """
    root = Path(output).resolve()
    moved = []
    for file in sorted({Path(leak.file).resolve() for leak in leaks}):
        if not file.exists():
            continue
        try:
            rel = file.relative_to(root)
        except ValueError:
            rel = Path(file.name)
        dest = Path(quarantine) / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        for folder in [Path(quarantine), *Path(quarantine).parents][:2]:
            if folder.is_dir():
                os.chmod(folder, 0o700)
        dest.unlink(missing_ok=True)
        shutil.move(str(file), str(dest))
        moved.append(rel.as_posix())
    return moved


def _fail_leaking_jobs(jobs: list[Job], leaks: list, output: Path) -> None:
    """Mark each notebook whose appendix, executed notebook, tables or figures leaked."""
    for job in jobs:
        mine = Path(job.parameters.get("output", output)).resolve()
        own = {Path(job.html).resolve(), Path(job.executed).resolve()}
        hits = [leak for leak in leaks if Path(leak.file).resolve() in own
                or mine in Path(leak.file).resolve().parents]
        if hits:
            names = sorted({Path(leak.file).name for leak in hits})
            whose = sorted({leak.pseudonym for leak in hits})
            job.status = "failed"
            job.error = (f"leak check: real name(s) of {', '.join(whose)} in "
                         f"{', '.join(names)}; these files were withheld (not published)"
                         + (f"; {job.error}" if job.error else ""))


def write_failed_front(output: Path, leaks: list[str], withheld: list[str]) -> dict[str, Any]:
    """Write a bare ``index.html`` and ``manifest.json`` that say the run FAILED the leak check
    (used when the full front page itself held a real name); return the manifest."""
    import html

    manifest = {"package": "rmresearch", "version": __version__, "status": "failed",
                "leak_check": "failed", "leaks": leaks, "withheld": withheld}
    atomic_write_text(output / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    items = "".join(f"<li>{html.escape(x)}</li>" for x in leaks)
    atomic_write_text(output / "index.html", f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>rmresearch report FAILED</title></head><body>
<h1>Report FAILED: real names found - do not publish</h1>
<p>The leak check found real names or identifiers; the files holding them were withheld
(moved out of this folder). Nothing here is a finished report.</p><ul>{items}</ul>
</body></html>
""")
    return manifest
