"""``rmresearch feedback``: the mentor's feedback sheet for one pair.

`register` adds the command to the ``rmresearch`` app. Only typer is imported at start-up;
papermill and pandas load when the command runs.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

__all__ = ["register", "feedback"]


def feedback(
    data: Optional[Path] = typer.Option(None, "--data", help="Folder holding manifest.csv and "
                                        "the files (ingested and coded first if needed)."),
    pair: str = typer.Option(..., "--pair", help="The mentoring pair the sheet is for, e.g. "
                             "C1-P02."),
    output: Path = typer.Option(..., "--output", help="Folder for the sheet (HTML and Word), "
                                "its tables and figures, and the notebook behind it."),
    store: Optional[Path] = typer.Option(None, "--store", help="Project store (default: "
                                         ".rmresearch/<data folder>.rmproj)."),
    reveal_leader: bool = typer.Option(False, "--reveal-leader", help="Put the leader's real "
                                       "name on the sheet; everyone else stays pseudonymised."),
    no_pseudonymise: bool = typer.Option(False, "--no-pseudonymise", help="Show every real "
                                         "name. Off by default."),
    key: Optional[Path] = typer.Option(None, "--key", help="Pseudonym key (default: beside "
                                       "the project store)."),
    quotes: int = typer.Option(3, min=1, help="Most quotes per level and kind of finding."),
    staff_min: int = typer.Option(3, min=1, help="Fewest staff notes before staff are quoted "
                                  "word for word (fewer: counts only)."),
    min_cell: int = typer.Option(0, min=0, help="Suppress counts below this (default 0: a "
                                 "private sheet for one leader)."),
    seed: int = typer.Option(42, help="Random seed."),
    codebook: Optional[Path] = typer.Option(None, help="Codebook YAML (default: the shipped "
                                            "four-level frame)."),
    review_file: Optional[Path] = typer.Option(None, "--review-file", help="Also write a "
                                               "workbook (.xlsx) listing every quote the sheet "
                                               "could show, with a keep/drop column."),
    review: Optional[Path] = typer.Option(None, "--review", help="A review workbook you "
                                          "filled in: your keep/drop choices are stored and "
                                          "the sheet shows exactly the quotes you kept."),
) -> None:
    """Write the feedback sheet a mentor hands to their senior leader, for one pair.

    The sheet shows the leader's profile across the four levels, good practice and areas
    requiring attention with the quotes behind them, what was said in private and seen in
    public, what changed across the sessions, gaps to explore next, and staff feedback when the
    pair's folder holds some.

    To choose the quotes yourself: run once with --review-file quotes.xlsx, set keep or drop
    in its 'keep' column, then run with --review quotes.xlsx. Your choices are kept in the
    project store; later runs use them and never change them.
    """
    from ..errors import InputError
    from ..feedback import run_feedback

    if data is None and store is None:
        raise InputError("give the data folder (--data) or a project store (--store).")
    if review_file is not None and review_file.suffix.lower() != ".xlsx":
        raise InputError("is not an .xlsx file name.", path=review_file,
                         allowed="a file name ending .xlsx, e.g. quotes.xlsx.")
    run = run_feedback(data, pair, output, store=store, reveal_leader=reveal_leader,
                       pseudonymise=not no_pseudonymise, key=key, min_cell=min_cell,
                       quotes=quotes, staff_min=staff_min, seed=seed, codebook=codebook,
                       review_file=review_file, review=review)
    _report(run, review, named=reveal_leader and not no_pseudonymise)


def _report(run, review: Optional[Path], named: bool) -> None:
    """Say what `run_feedback` wrote (``run``, a `FeedbackRun`)."""
    if run.review is not None:
        typer.echo(f"Your choices from {review}: {run.review['rows']} read, "
                   f"{run.review['changed']} new or changed, kept in the project store.")
    typer.echo(f"Feedback sheet for pair {run.pair} ({run.duration:.0f} s):")
    typer.echo(f"  web page:      {run.html}")
    typer.echo(f"  Word document: {run.docx}")
    typer.echo(f"  workings:      {run.notebook_html}")
    if run.review_file is not None:
        typer.echo(f"  quotes to choose from: {run.review_file} (set 'keep' to keep or "
                   "drop, then run again with --review and that file)")
    if named:
        typer.echo("  The leader is named on the sheet: share it with them only.")


def register(app: typer.Typer) -> None:
    """Add ``feedback`` to ``app``."""
    app.command("feedback")(feedback)
