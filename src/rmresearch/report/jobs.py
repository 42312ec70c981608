"""The notebooks a report batch runs: one job per cohort, the cross-cohort ones and, when
asked, a mentor's feedback notebook per pair."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from .notebooks import NOTEBOOKS, notebook_dir

__all__ = ["Job", "SKIPPABLE", "check_skip", "report_jobs", "feedback_jobs"]


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


#: the appendices a batch can leave out (``rmresearch report --skip KIND``)
SKIPPABLE: tuple[str, ...] = ("cohort", "comparison", "themes", "agreement")


def check_skip(skip: Sequence[str]) -> list[str]:
    """``skip`` as a list, or `InputError` naming the unknown kinds and the allowed ones."""
    from ..errors import InputError, join_allowed

    unknown = [k for k in skip if k not in SKIPPABLE]
    if unknown:
        raise InputError(f"cannot skip {join_allowed(unknown)}: no such appendix.",
                         allowed=join_allowed(SKIPPABLE))
    return list(skip)


def report_jobs(project: Any, output: Path, cohorts: list[str], common: dict[str, Any],
                skip: Sequence[str] = ()) -> list[Job]:
    """One findings job per cohort, then the comparison, the themes and (when human codings
    exist) the agreement notebook, less the kinds in ``skip`` (`SKIPPABLE`); ``common`` are
    the parameters every notebook gets."""
    out, joined, skip = Path(output).resolve(), ",".join(cohorts), check_skip(skip)
    jobs = [] if "cohort" in skip else [
        _job(out, f"cohort_{c}", "cohort", f"Cohort {c} findings", f"cohorts/{c}", common,
             cohort=c) for c in cohorts]
    if "comparison" not in skip:
        jobs.append(_job(out, "comparison", "comparison", "Cohort comparison", "comparison",
                         common, cohorts=joined))
    if "themes" not in skip:
        jobs.append(_job(out, "themes", "themes", "Emergent themes", "themes", common,
                         cohorts=joined))
    if project.human_coders and "agreement" not in skip:
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
