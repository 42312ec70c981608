"""The report batch: every cohort's findings, then the cross-cohort notebooks, as appendices.

``rmresearch report --data DIR --output OUT`` prepares the project (ingest + coding), builds
the pseudonym key, runs the parameterised notebooks with papermill (cohorts in parallel),
renders each as HTML with code hidden, checks published files for leaked names, and writes
``OUT/index.html`` and ``OUT/manifest.json``. A failing notebook does not stop the others.
"""
from __future__ import annotations

import json
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from . import __version__
from .atomic import atomic_write_text

__all__ = ["Job", "BatchResult", "run_batch", "NOTEBOOKS", "notebook_dir"]

NOTEBOOKS = {"cohort": "cohort_findings.ipynb", "comparison": "cohort_comparison.ipynb",
             "themes": "emergent_themes.ipynb", "agreement": "agreement.ipynb"}


def notebook_dir() -> Path:
    """The folder of the parameterised notebooks: ``RMRESEARCH_NOTEBOOKS`` if set, else the
    repository's ``notebooks/`` (beside ``src/``), else ``./notebooks``."""
    import os

    from .errors import RmResearchError

    candidates = [os.environ.get("RMRESEARCH_NOTEBOOKS"),
                  Path(__file__).resolve().parents[2] / "notebooks", Path("notebooks")]
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

    @property
    def ok(self) -> bool:
        return all(j.status == "ok" for j in self.jobs) and not self.manifest.get("leaks")


def _execute(job: dict[str, Any]) -> dict[str, Any]:
    """Run one notebook with papermill and render it as HTML (in a worker process)."""
    import papermill as pm

    started = time.perf_counter()
    status, error = "ok", ""
    for attempt in range(3):
        status, error = "ok", ""
        try:
            pm.execute_notebook(job["template"], job["executed"], parameters=job["parameters"],
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


def _run_jobs(jobs: list[Job], workers: int, progress: bool) -> None:
    from tqdm.auto import tqdm

    by_name = {j.name: j for j in jobs}
    first = ("cohort_", "feedback_")
    cohort_jobs = [j for j in jobs if j.name.startswith(first)]
    later = [j for j in jobs if not j.name.startswith(first)]
    bar = tqdm(total=len(jobs), unit="notebook", desc="report", disable=not progress)
    with ProcessPoolExecutor(max_workers=max(1, workers), mp_context=get_context("spawn")) as pool:
        for group in (cohort_jobs, later):
            futures = [pool.submit(_execute, asdict(j)) for j in group]
            for fut in as_completed(futures):
                res = fut.result()
                job = by_name[res["name"]]
                job.status, job.error, job.duration = res["status"], res["error"], res["duration"]
                bar.set_postfix_str(f"{job.name}: {job.status}")
                bar.update(1)
    bar.close()


def run_batch(data: str | Path | None, output: str | Path, *, cohorts: list[str] | None = None,
              workers: int = 2, store: str | Path | None = None, pseudonymise: bool = True,
              min_cell: int = 5, seed: int = 42, codebook: str | Path | None = None,
              feedback: bool = False, progress: bool = True) -> BatchResult:
    """Run the whole report batch and return what it produced (see module docstring)."""
    from .project import prepare_project
    from .report_index import published_files, write_index, write_manifest
    from .report_context import prepare_key

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
        from .feedback_sheet import feedback_jobs

        result.jobs += feedback_jobs(project, output, common, cohorts=chosen)
    (output / "notebooks").mkdir(parents=True, exist_ok=True)
    _run_jobs(result.jobs, workers, progress)
    leaks = _leak_check(output, key_path) if key_path else []
    result.manifest = write_manifest(output, project, result.jobs, data=data, seed=seed,
                                     pseudonymise=pseudonymise, min_cell=min_cell,
                                     cohorts=chosen, leaks=leaks, started=started)
    write_index(output, result.jobs, result.manifest)
    return result


def _leak_check(output: Path, key_path: Path) -> list[str]:
    """Scan every published file for real names in the key; return readable findings."""
    from .privacy import PseudonymKey, leak_check
    from .report_index import published_files

    key = PseudonymKey.load(key_path)
    return [str(leak) for leak in leak_check(published_files(output), key)]
