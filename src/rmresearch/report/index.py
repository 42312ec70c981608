"""The batch's front page (``index.html``) and record (``manifest.json``): every writer of them.

`write_manifest` and `write_index` write the full pair; `write_failed_front` the bare pair that
replaces them when they themselves failed the leak check.
"""
from __future__ import annotations

import csv
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import __version__
from ..atomic import atomic_write_text
from .html import CSP_META, check_page
from .html import escape as esc
from .scrub import public_path

__all__ = ["published_files", "write_manifest", "write_index", "write_failed_front"]

PUBLISHED_SUFFIXES = {".html", ".csv", ".parquet", ".png", ".svg", ".ipynb", ".json", ".xlsx",
                      ".docx", ".qdpx", ".qdc", ".txt", ".md"}


def published_files(output: Path) -> list[Path]:
    """Every file under ``output`` that a reader of the report could open, sorted: hidden
    files and anything inside a hidden folder (a run's stage) are not published."""
    root = Path(output)
    return sorted(p for p in root.rglob("*")
                  if p.is_file() and p.suffix.lower() in PUBLISHED_SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(root).parts))


def write_manifest(output: Path, project: Any, jobs: list, *, data: Any, seed: int,
                   pseudonymise: bool, min_cell: int, cohorts: list[str], leaks: list[str],
                   started: float, withheld: list[str] | None = None) -> dict[str, Any]:
    """Write ``manifest.json``: versions, codebook hash, input hashes, parameters, statuses.

    ``status`` is "complete", "incomplete" (a notebook failed) or "failed" (the leak check
    found real names; ``withheld`` lists the files moved out of the output folder).
    """
    docs = project.documents.sort_values("doc_id")
    status = "failed" if leaks else (
        "complete" if all(j.status == "ok" for j in jobs) else "incomplete")
    manifest = {
        "package": "rmresearch", "version": __version__, "status": status,
        "codebook": {"name": project.codebook.name, "hash": project.codebook.hash},
        "coder": project.coder,
        "parameters": {"data": public_path(data), "cohorts": cohorts, "seed": seed,
                       "pseudonymised": pseudonymise, "min_cell": min_cell},
        "seed": seed,
        "inputs": [{"doc_id": d.doc_id, "path": public_path(d.path),
                    "version": int(d.version), "sha256": d.sha256} for d in docs.itertuples()],
        "notebooks": [{"name": j.name, "title": j.title, "status": j.status, "error": j.error,
                       "duration_s": j.duration, "html": Path(j.html).name,
                       "executed": f"notebooks/{Path(j.executed).name}",
                       "parameters": {k: v for k, v in j.parameters.items()
                                      if k not in ("store", "key", "output", "codebook")}}
                      for j in jobs],
        "leak_check": "not run (pseudonymisation off)" if not pseudonymise else
                      ("failed" if leaks else "passed"),
        "leaks": leaks,
        "withheld": list(withheld or []),
        "duration_s": round(time.time() - started, 1),
    }
    atomic_write_text(output / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    return manifest


def _href(*parts: str | Path) -> str:
    """A link to a file of the report, relative to the page; quoted, so no part of it (a
    cohort's name) can make it an address elsewhere (``javascript:``, ``//host``)."""
    return esc(quote(Path(*parts).as_posix()))


def _links(output: Path, job: Any) -> str:
    sub = Path(job.parameters["output"])
    items = []
    for folder in ("tables", "figures"):
        files = sorted((sub / folder).glob("*")) if (sub / folder).is_dir() else []
        names = [f for f in files if f.suffix in (".csv", ".png")]
        if names:
            links = ", ".join(f'<a href="{_href(f.relative_to(output.resolve()))}">'
                              f"{esc(f.stem)}</a>" for f in names)
            items.append(f"<div class='files'>{folder}: {links}</div>")
    return "".join(items)


def _headlines(jobs: list) -> str:
    """Each cohort's strongest findings in words (the table its appendix published as
    ``tables/strongest_findings.csv``), as the front page's opening; '' when there are none."""
    from ..cells import restore_cell

    items = []
    for job in jobs:
        table = Path(job.parameters.get("output", "")) / "tables" / "strongest_findings.csv"
        if job.status != "ok" or "cohort" not in job.parameters or not table.is_file():
            continue
        rows = list(csv.reader(table.read_text(encoding="utf-8").splitlines()))[1:]
        lines = [restore_cell(row[0]) for row in rows if row and row[0].strip()]
        if lines:
            findings = "".join(f"<li>{esc(line)}</li>" for line in lines)
            items.append(f"<h2>Cohort {esc(job.parameters['cohort'])}: strongest findings</h2>"
                         f"<ul>{findings}</ul>")
    return "".join(items)


def write_index(output: Path, jobs: list, manifest: dict[str, Any]) -> Path:
    """Write ``index.html`` linking every appendix, table and figure, with a run summary."""
    rows = []
    for job in jobs:
        ok = job.status == "ok"
        status = "ok" if ok else f"FAILED: {esc(job.error or 'see the notebook')}"
        link = f'<a href="{_href(Path(job.html).name)}">{esc(job.title)}</a>' \
            if Path(job.html).exists() else esc(job.title)
        notebook = f"<a href='{_href('notebooks', Path(job.executed).name)}'>notebook</a>" \
            if Path(job.executed).exists() else ""
        rows.append(f"<tr class='{'ok' if ok else 'failed'}'><td>{link}</td><td>{status}</td>"
                    f"<td>{job.duration:.0f} s</td><td>{notebook}"
                    f"{_links(output, job)}</td></tr>")
    failed = [j for j in jobs if j.status != "ok"]
    leaks = manifest.get("leaks") or []
    summary = (f"{len(jobs) - len(failed)} of {len(jobs)} appendices produced"
               + (f"; <strong>{len(failed)} failed</strong>" if failed else "")
               + (f"; <strong>leak check failed: {len(leaks)} finding(s)</strong>" if leaks else ""))
    privacy = ("Names are pseudonymised" if manifest["parameters"]["pseudonymised"]
               else "<strong>Pseudonymisation was turned OFF for this run</strong>")
    withheld = manifest.get("withheld") or []
    title, heading, warning = "rmresearch report", "Reverse-mentoring findings", ""
    if leaks:
        title = "rmresearch report FAILED"
        heading = "Report FAILED: real names found - do not publish"
        warning = ("<p class='failed'><strong>The leak check found real names or identifiers. "
                   f"{len(withheld)} file(s) holding them were withheld (moved out of this "
                   "folder); this is not a finished report.</strong></p>"
                   + ("<ul>" + "".join(f"<li>withheld: {esc(w)}</li>" for w in withheld)
                      + "</ul>" if withheld else ""))
    params = manifest["parameters"]
    page = f"""<!DOCTYPE html>
<html lang="en"><head>{CSP_META}<meta charset="utf-8"><title>{esc(title)}</title>
<style>body{{font-family:sans-serif;max-width:70em;margin:2em auto}}td{{padding:.3em .8em;
vertical-align:top}}tr.failed{{background:#fdd}}.files{{font-size:.85em}}</style></head><body>
<h1>{esc(heading)}</h1>
{warning}{_headlines(jobs)}<p>{summary}. {privacy}; counts under {esc(params['min_cell'])} are suppressed
in published tables. Codebook {esc(manifest['codebook']['name'])}
(hash {esc(manifest['codebook']['hash'])}), coder {esc(manifest['coder'])},
rmresearch {esc(manifest['version'])}, seed {esc(manifest['seed'])}, {len(manifest['inputs'])}
input files. Details: <a href="manifest.json">manifest.json</a>.</p>
{"<ul>" + "".join(f"<li>{esc(x)}</li>" for x in leaks) + "</ul>" if leaks else ""}
<table><tr><th>Appendix</th><th>Status</th><th>Time</th><th>Files</th></tr>
{''.join(rows)}
</table></body></html>
"""
    return atomic_write_text(output / "index.html", check_page(page, "index.html"))


def write_failed_front(output: Path, leaks: list[str], withheld: list[str]) -> dict[str, Any]:
    """Write a bare ``index.html`` and ``manifest.json`` that say the run FAILED the leak check
    (used when the full front page itself held a real name); return the manifest."""
    manifest = {"package": "rmresearch", "version": __version__, "status": "failed",
                "leak_check": "failed", "leaks": leaks, "withheld": withheld}
    atomic_write_text(output / "manifest.json", json.dumps(manifest, indent=2) + "\n")
    items = "".join(f"<li>{esc(x)}</li>" for x in leaks)
    atomic_write_text(output / "index.html", check_page(f"""<!DOCTYPE html>
<html lang="en"><head>{CSP_META}<meta charset="utf-8"><title>rmresearch report FAILED</title>
</head><body>
<h1>Report FAILED: real names found - do not publish</h1>
<p>The leak check found real names or identifiers; the files holding them were withheld
(moved out of this folder). Nothing here is a finished report.</p><ul>{items}</ul>
</body></html>
""", "index.html"))
    return manifest
