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
) -> None:
    """Write the feedback sheet a mentor hands to their senior leader, for one pair.

    The sheet shows the leader's profile across the four levels, good practice and areas
    requiring attention with the quotes behind them, what was said in private and seen in
    public, what changed across the sessions, gaps to explore next, and staff feedback when the
    pair's folder holds some.
    """
    from ..feedback import run_feedback

    if data is None and store is None:
        from ..errors import InputError

        raise InputError("give the data folder (--data) or a project store (--store).")
    run = run_feedback(data, pair, output, store=store, reveal_leader=reveal_leader,
                       pseudonymise=not no_pseudonymise, key=key, min_cell=min_cell,
                       quotes=quotes, staff_min=staff_min, seed=seed, codebook=codebook)
    typer.echo(f"Feedback sheet for pair {pair} ({run.duration:.0f} s):")
    typer.echo(f"  web page:      {run.html}")
    typer.echo(f"  Word document: {run.docx}")
    typer.echo(f"  workings:      {run.notebook_html}")
    if reveal_leader and not no_pseudonymise:
        typer.echo("  The leader is named on the sheet: share it with them only.")


def register(app: typer.Typer) -> None:
    """Add ``feedback`` to ``app``."""
    app.command("feedback")(feedback)
