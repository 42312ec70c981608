"""``rmresearch init``: start from a folder of notes, without writing a manifest by hand.

`register` adds the command to the ``rmresearch`` app. Only typer is imported at start-up.
"""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

__all__ = ["register", "init"]


def init(
    notes: Path = typer.Option(..., "--notes", help="The folder of notes, transcripts and "
                               "forms for one mentoring pair."),
    leader: Optional[str] = typer.Option(None, "--leader", help="The senior leader's name as "
                                         "the notes write it (asked for when missing)."),
    mentor: Optional[List[str]] = typer.Option(None, "--mentor", help="A mentor's name; repeat "
                                               "for each mentor of the pair (asked for when "
                                               "missing)."),
    cohort: Optional[str] = typer.Option(None, "--cohort", help="Cohort id (default: the "
                                         "folder's name)."),
    pair: Optional[str] = typer.Option(None, "--pair", help="Pair id (default: "
                                       "<cohort>-P01)."),
    force: bool = typer.Option(False, "--force", help="Replace an existing manifest.csv."),
) -> None:
    """Draft manifest.csv for a folder of notes from the file names.

    Source, session and date are read from the names where they say them
    (session2_observation.docx); the table shows what had to be guessed, so check those rows
    and edit manifest.csv if needed. Only the leader's and the mentors' names are asked for.
    """
    from ..cells import safe_csv
    from ..errors import InputError
    from ..ingest.draft import DRAFT_COLUMNS, draft_manifest

    target = notes / "manifest.csv"
    if target.exists() and not force:
        raise InputError("already has a manifest.csv; it was left as it is.", path=notes,
                         allowed="--force to replace it with a new draft.")
    leader = leader or _ask("The senior leader's name, as the notes write it")
    mentors = list(mentor or []) or _ask("The mentors' names, separated by ';'").split(";")
    draft = draft_manifest(notes, leader=leader, mentors=mentors, cohort=cohort, pair=pair)
    safe_csv(draft[[c for c in DRAFT_COLUMNS if c != "guessed"]], target)
    _show(draft, target)


def _ask(question: str) -> str:
    """Ask at the terminal; with no terminal, say which option to give."""
    import sys

    from ..errors import InputError

    if not sys.stdin.isatty():
        raise InputError(f"missing: {question.lower()}.",
                         allowed="--leader 'Name' and --mentor 'Name' (repeat --mentor).")
    return typer.prompt(question)


def _show(draft, target: Path) -> None:
    typer.echo(f"Wrote {target} ({len(draft)} files):")
    for row in draft.itertuples():
        note = f"  (not in the file name: {row.guessed})" if row.guessed else ""
        typer.echo(f"  {row.file}: {row.source}, {row.stage}"
                   f"{', ' + row.date if row.date else ''}{note}")
    if (draft["guessed"] != "").any():
        typer.echo("Check the rows marked above and edit manifest.csv where a guess is wrong "
                   "(a source or session that the file name did not say; a date left empty).")
    pair = draft["pair_id"][draft["pair_id"] != ""].iloc[0] if (draft["pair_id"] != "").any() \
        else draft["cohort"].iloc[0]
    typer.echo(f"Next: rmresearch feedback --data {target.parent} --pair {pair} "
               f"--output feedback/{pair}")


def register(app: typer.Typer) -> None:
    """Add ``init`` to ``app``."""
    app.command("init")(init)
