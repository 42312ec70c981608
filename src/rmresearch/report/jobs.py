"""The notebooks a report batch runs: one job per cohort, the cross-cohort ones and, when
asked, a mentor's feedback notebook per pair."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from .notebooks import NOTEBOOKS, notebook_dir

__all__ = ["Job", "report_jobs", "feedback_jobs"]


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


def _job(out: Path, name: str, kind: str, title: str, sub: str, common: dict[str, Any],
         **params: Any) -> Job:
    """A job writing ``out/<sub>`` (tables, figures), ``out/notebooks/<name>.ipynb`` and
    ``out/<name>.html``."""
    return Job(name=name, title=title, template=str(notebook_dir() / NOTEBOOKS[kind]),
               parameters={**common, "output": str(out / sub), **params},
               executed=str(out / "notebooks" / f"{name}.ipynb"),
               html=str(out / f"{name}.html"))


def report_jobs(project: Any, output: Path, cohorts: list[str], common: dict[str, Any]
                ) -> list[Job]:
    """One findings job per cohort, then the comparison, the themes and (when human codings
    exist) the agreement notebook; ``common`` are the parameters every notebook gets."""
    out, joined = Path(output).resolve(), ",".join(cohorts)
    jobs = [_job(out, f"cohort_{c}", "cohort", f"Cohort {c} findings", f"cohorts/{c}", common,
                 cohort=c) for c in cohorts]
    jobs.append(_job(out, "comparison", "comparison", "Cohort comparison", "comparison",
                     common, cohorts=joined))
    jobs.append(_job(out, "themes", "themes", "Emergent themes", "themes", common,
                     cohorts=joined))
    if project.human_coders:
        jobs.append(_job(out, "agreement", "agreement", "Inter-coder agreement", "agreement",
                         common, cohorts=joined))
    return jobs


def feedback_jobs(project: Any, output: str | Path, common: dict[str, Any], *,
                  pairs: Sequence[str] | None = None,
                  cohorts: Sequence[str] | None = None) -> list[Job]:
    """Report-batch jobs: one ``mentor_feedback`` notebook per pair.

    Parameters
    ----------
    project : the batch's `Project` (its documents give the pairs).
    output : the batch output folder; each pair writes into ``output/feedback/<pair>/``
        (sheet, tables, figures); the executed notebook goes to
        ``output/notebooks/feedback_<pair>.ipynb`` and its page to
        ``output/feedback_<pair>.html``, like the other appendices.
    common : the parameters every batch notebook gets (``data``, ``store``, ``pseudonymise``,
        ``key``, ``min_cell``, ``seed``, ``codebook``). The batch's ``min_cell`` is kept:
        whatever the batch publishes follows its suppression rule. The leader is never
        named in a batch (``reveal_leader`` False).
    pairs : only these pairs (unknown ones raise `InputError` naming the known pairs).
    cohorts : only pairs of these cohorts (default: every pair).
    """
    from ..feedback.evidence import check_pair, known_pairs
    from ..ingest.names import check_name

    docs = project.documents
    if cohorts:
        docs = docs[docs["cohort"].isin(list(cohorts))]
    chosen = list(pairs) if pairs else known_pairs(docs)
    for pair in chosen:
        check_name(pair, "pair id")  # a store from before ids were checked may hold any text
        check_pair(project.documents, pair)
    out = Path(output).resolve()
    return [_job(out, f"feedback_{pair}", "feedback", f"Feedback sheet workings, pair {pair}",
                 f"feedback/{pair}", common, pair=pair, reveal_leader=False)
            for pair in chosen]
