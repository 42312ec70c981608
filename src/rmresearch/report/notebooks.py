"""The notebook runner: the shipped report notebooks, and running one into an HTML page.

The parameterised notebooks ship with the package (``rmresearch/notebooks/``, written by
``tools/build_notebooks.py``); ``RMRESEARCH_NOTEBOOKS`` names a folder to use instead.
`execute_notebook` is the one way rmresearch runs a notebook: the report batch runs every
appendix with it, and the feedback command its workings.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from .. import config
from ..atomic import atomic_write_text
from ..errors import RmResearchError
from .scrub import Scrubber, scrub_notebook

__all__ = ["NOTEBOOKS", "KERNEL", "shipped_notebook_dir", "notebook_dir", "NotebookRun",
           "execute_notebook", "run_scrubber", "render_html"]

#: kind of notebook -> file name in the notebook folder
NOTEBOOKS: dict[str, str] = {"cohort": "cohort_findings.ipynb",
                             "comparison": "cohort_comparison.ipynb",
                             "themes": "emergent_themes.ipynb", "agreement": "agreement.ipynb",
                             "feedback": "mentor_feedback.ipynb"}
KERNEL = "python3"
_ATTEMPTS = 3


def shipped_notebook_dir() -> Path:
    """The notebook folder installed with the package (``rmresearch/notebooks/``)."""
    return Path(str(resources.files("rmresearch").joinpath("notebooks")))


def notebook_dir() -> Path:
    """The folder of the parameterised notebooks: ``RMRESEARCH_NOTEBOOKS`` when it is set and
    holds the cohort notebook, else the shipped one.

    Raises
    ------
    RmResearchError
        Neither folder holds the cohort notebook (a broken installation).
    """
    for candidate in (config.notebooks_override(), shipped_notebook_dir()):
        if candidate and (candidate / NOTEBOOKS["cohort"]).is_file():
            return candidate.resolve()
    raise RmResearchError(f"cannot find the report notebooks: {shipped_notebook_dir()} has no "
                          f"{NOTEBOOKS['cohort']}; reinstall rmresearch or set "
                          "RMRESEARCH_NOTEBOOKS to a folder of report notebooks.")


@dataclass(frozen=True)
class NotebookRun:
    """What running one notebook gave.

    Attributes
    ----------
    executed : Path
        The executed notebook (also after a failure, as far as it ran; absent only when the
        run failed before papermill wrote anything).
    html : Path or None
        The rendered page, when one was asked for and written.
    status : str
        ``"ok"`` or ``"failed"``.
    error : str
        ``""`` when ok; else one line for people: ``"<ErrorName>: <message>"`` as the notebook
        raised it (or as the run itself failed: the kernel died, a file was unwritable), or
        ``"HTML rendering failed: <message>"``.
    failed_at : str
        ``""`` when ok; ``"notebook"`` (a cell raised: see ``error_name``), ``"run"`` (the
        kernel or papermill failed) or ``"html"`` (only the rendering failed).
    error_name, error_value : str
        The exception's class name and message (a cell's ``ename`` and ``evalue`` when
        ``failed_at`` is ``"notebook"``); ``""`` when ok.
    duration : float
        Seconds taken, rendering included, to 0.1 s.
    """

    executed: Path
    html: Path | None
    status: str
    error: str = ""
    failed_at: str = ""
    error_name: str = ""
    error_value: str = ""
    duration: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the notebook ran to the end and its page (if asked for) was written."""
        return self.status == "ok"


# The kernel's own log is not the person's business: its start-up warnings ("Kernel is
# running over TCP without encryption": a local kernel on loopback) and, at ERROR, the
# "KeyboardInterrupt caught in kernel" it logs when papermill interrupts it at shutdown, after
# the notebook ran (a false alarm on the terminal of a successful batch). A notebook's real
# failures reach the person through papermill (`_papermill`), not through this log.
_QUIET_KERNEL = ["--IPKernelApp.log_level=CRITICAL"]


def _papermill(template: Path, partial: Path, parameters: Mapping[str, Any],
               cwd: Path | None) -> tuple[str, str, str]:
    """Run papermill into ``partial``; return (failed_at, error_name, error_value)."""
    import papermill as pm

    failure = ("", "", "")
    for attempt in range(_ATTEMPTS):
        try:
            pm.execute_notebook(str(template), str(partial), parameters=dict(parameters),
                                kernel_name=KERNEL, progress_bar=False,
                                cwd=None if cwd is None else str(cwd),
                                extra_arguments=_QUIET_KERNEL)
            return ("", "", "")
        except pm.PapermillExecutionError as exc:
            return ("notebook", exc.ename, str(exc.evalue))
        except Exception as exc:  # the kernel died, a file was unwritable ...
            failure = ("run", exc.__class__.__name__, str(exc))
            # Two kernels starting at once can race for a TCP port ("Kernel died before
            # replying to kernel_info"): that is not the notebook's fault, so start again.
            if "Kernel died before replying" in str(exc) and attempt < _ATTEMPTS - 1:
                time.sleep(1 + attempt)
                continue
            return failure
    return failure


def execute_notebook(template: str | Path, executed: str | Path, parameters: Mapping[str, Any],
                     *, html: str | Path | None = None, title: str = "",
                     cwd: str | Path | None = None) -> NotebookRun:
    """Run one parameterised notebook with papermill and, if asked, render it as a page.

    The contract:

    - ``template`` is run with ``parameters`` injected after its ``parameters`` cell, on
      the ``python3`` kernel, in ``cwd`` (default: the current folder). Give absolute paths
      in ``parameters``: the notebook resolves relative ones with `rmresearch.paths.find_path`.
    - papermill saves after every cell, so the notebook runs under a hidden name beside
      ``executed`` (``.<stem>.partial.ipynb``) and is renamed to ``executed`` when papermill
      returns, whether the notebook succeeded or failed: a killed run never leaves a
      half-executed notebook under the final name. ``executed``'s folder is created.
    - Before the rename, paths and warnings are scrubbed from it (`run_scrubber`).
    - A kernel that dies before it starts ("Kernel died before replying to kernel_info", two
      kernels racing for a port) is started again, up to three attempts in all.
    - When ``html`` is given and ``executed`` exists (also after a failing cell, so the page
      shows the error), it is rendered there by `render_html` with ``title``.
    - Nothing is raised for a failing notebook, kernel or rendering: the result says what
      failed (see `NotebookRun`); only an ``executed`` folder that cannot be made raises.

    Parameters
    ----------
    template : str or Path
        The notebook to run (e.g. ``notebook_dir() / NOTEBOOKS["cohort"]``).
    executed : str or Path
        Where the executed notebook is written.
    parameters : mapping
        Values for the notebook's parameters cell (see `rmresearch.report.parameters`).
    html : str or Path, optional
        Where to write the page (code hidden); None: no page.
    title : str
        The page's title.
    cwd : str or Path, optional
        The kernel's working folder (default: the current one).

    Returns
    -------
    NotebookRun
        Status, error, paths and duration.
    """
    started = time.perf_counter()
    executed = Path(executed)
    executed.parent.mkdir(parents=True, exist_ok=True)
    partial = executed.with_name(f".{executed.stem}.partial{executed.suffix}")
    failed_at, name, value = _papermill(Path(template), partial, parameters,
                                        None if cwd is None else Path(cwd))
    error = f"{name}: {value}" if failed_at else ""
    if partial.exists():
        scrub_notebook(partial, run_scrubber(template, executed, parameters), executed.name)
        partial.replace(executed)
    page, problem = _render(executed, html, title)
    if problem is not None and not failed_at:
        failed_at, name, value = "html", problem.__class__.__name__, str(problem)
        error = f"HTML rendering failed: {problem}"
    return NotebookRun(executed=executed, html=page,
                       status="failed" if failed_at else "ok", error=error,
                       failed_at=failed_at, error_name=name, error_value=value,
                       duration=round(time.perf_counter() - started, 1))


def run_scrubber(template: str | Path, executed: str | Path, parameters: Mapping[str, Any]
                 ) -> Scrubber:
    """The `Scrubber` for a notebook run: each absolute path among ``parameters`` becomes a
    path relative to the executed notebook's folder when it lies in the folder above that
    (the run's output), else ``<name>`` (``<store>``, ``<key>``, ``<data>``); the notebook
    folder becomes ``<notebooks>``, and the Python, the home and the current folder are
    replaced as `Scrubber` does. `scrub_notebook` applies it and drops standard-error output.
    """
    home = Path(executed).resolve().parent
    places: dict[str | Path, str] = {Path(template).resolve().parent: "<notebooks>"}
    for key, value in parameters.items():
        if not isinstance(value, str) or not value or not Path(value).is_absolute():
            continue
        inside = len(home.parent.parts) > 2 and \
            Path(value).resolve().is_relative_to(home.parent)
        places[value] = Path(os.path.relpath(Path(value).resolve(), home)).as_posix() \
            if inside else f"<{key}>"
    places.setdefault(home, ".")
    return Scrubber(places)


def _render(executed: Path, html: str | Path | None, title: str
            ) -> tuple[Path | None, Exception | None]:
    """Render ``executed`` to ``html`` if asked and possible: (page, what went wrong)."""
    if html is None or not executed.exists():
        return None, None
    try:
        return render_html(executed, Path(html), title), None
    except Exception as exc:
        return None, exc


def render_html(executed: Path, html: Path, title: str) -> Path:
    """Render an executed notebook as a report page: code, prompts and parameters hidden.

    The page looks like JupyterLab's export but runs nothing and fetches nothing: rendered
    with `rmresearch.report.html.NOTEBOOK_TEMPLATE` (no require.js, MathJax or widget
    scripts, the Content-Security-Policy first in ``<head>``) and checked by
    `rmresearch.report.html.check_page` before it is written.

    Raises
    ------
    RmResearchError
        The page would hold a script or a remote address (nothing is written).
    """
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter

    from .html import NOTEBOOK_TEMPLATE, check_page

    nb = nbformat.read(executed, as_version=4)
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])
                and "parameters" not in c.metadata.get("tags", [])]
    nb.metadata["title"] = title
    nb.metadata.pop("widgets", None)
    exporter = HTMLExporter(template_name="lab", template_file="rmresearch_page.html.j2",
                            extra_loaders=[jinja2.DictLoader(
                                {"rmresearch_page.html.j2": NOTEBOOK_TEMPLATE})],
                            exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, require_js_url="", mathjax_url="")
    body, _ = exporter.from_notebook_node(nb)
    return atomic_write_text(html, check_page(body, str(Path(html).name)))
