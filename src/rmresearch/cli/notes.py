"""``rmresearch notes add`` and ``rmresearch notes list``: memos on the project, a document, a
segment, a coding or a code (`register` adds the group to the app).

Notes travel in REFI-QDA exports and come back from other tools' files
(`rmresearch.refi.notes_out`, `rmresearch.refi.notes_in`). Only typer is imported at
start-up.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

__all__ = ["register", "notes_app", "add_note", "list_notes"]

notes_app = typer.Typer(no_args_is_help=True, add_completion=False,
                        help="Memos and notes on the project, documents, segments, codings "
                             "and codes.")

_STORE = typer.Option(..., "--store", help="Project store file, e.g. project.rmproj.")
_TEXT_SHOWN = 70  # characters of a note's text in the listing


def _target(doc: Optional[str], segment: Optional[str], code: Optional[str],
            coder: Optional[str]) -> dict[str, Optional[str]]:
    """What a note is on, from the options given; `InputError` for a combination that names
    nothing."""
    from ..errors import InputError

    if coder and not (segment and code):
        raise InputError("--coder names a coding, which also needs --segment and --code.",
                         allowed="--doc ID; --segment ID; --segment ID --code CODE --coder "
                         "CODER; --code CODE; or none of them (a project note).")
    if doc and (segment or code):
        raise InputError("give --doc alone: a note is on one thing.",
                         allowed="--doc ID, or --segment/--code options without --doc.")
    if segment and code:
        if not coder:
            raise InputError("a note on a coding needs its coder (--coder, e.g. "
                             "human:ana or ensemble@...).", allowed="--segment ID --code "
                             "CODE --coder CODER.")
        return dict(target="coding", segment_id=segment, code=code, coder=coder)
    if segment:
        return dict(target="segment", segment_id=segment)
    if doc:
        return dict(target="document", doc_id=doc)
    if code:
        return dict(target="code", code=code)
    return dict(target="project")


@notes_app.command("add")
def add_note(
    store: Path = _STORE,
    text: str = typer.Option(..., "--text", help="What the note says."),
    author: str = typer.Option(..., "--author", help="Who wrote it (stored as human:NAME)."),
    doc: Optional[str] = typer.Option(None, "--doc", help="On this document (its doc id)."),
    segment: Optional[str] = typer.Option(None, "--segment", help="On this segment (its id)."),
    code: Optional[str] = typer.Option(None, "--code", help="On this code (alone) or, with "
                                       "--segment and --coder, on that coding."),
    coder: Optional[str] = typer.Option(None, "--coder", help="The coder of the coding the "
                                        "note is on."),
) -> None:
    """Add a note; without --doc, --segment or --code it is a note on the project."""
    import pandas as pd

    from ..refi.coders import coder_name
    from ..store import ProjectStore

    where = _target(doc, segment, code, coder)
    row = dict(where, author=coder_name(author), text=text.strip(), origin="rmresearch notes add")
    with ProjectStore.open_existing(store) as st:
        added = st.add_notes(pd.DataFrame([row]))
    what = where["target"] + "".join(f" {v}" for k, v in where.items() if k != "target")
    typer.echo(f"Added a note on the {what}." if added else
               f"The same note on the {what} is already there; nothing added.")


@notes_app.command("list")
def list_notes(
    store: Path = _STORE,
    target: Optional[str] = typer.Option(None, "--target", help="Only notes on: project, "
                                         "document, segment, coding or code."),
    output: Optional[Path] = typer.Option(None, "--output", help="Also write every note in "
                                          "full as CSV."),
) -> None:
    """List the notes, oldest first: when, who, what they are on, and their text."""
    from ..errors import InputError, join_allowed
    from ..store import ProjectStore
    from ..store.notes import NOTE_TARGETS

    if target is not None and target not in NOTE_TARGETS:
        raise InputError(f"--target '{target}' is not a kind of note.",
                         allowed=join_allowed(NOTE_TARGETS) + ".")
    with ProjectStore.open_existing(store) as st:
        notes = st.notes(target)
    typer.echo(f"{len(notes)} note(s).")
    for row in notes.to_dict("records"):
        on = " / ".join(str(row[k]) for k in ("doc_id", "segment_id", "code", "coder")
                        if row[k] and row[k] == row[k])
        text = " ".join(str(row["text"]).split())
        text = text if len(text) <= _TEXT_SHOWN else text[:_TEXT_SHOWN - 1] + "\u2026"
        typer.echo(f"{str(row['created'])[:19]}  {row['author']}  {row['target']}"
                   f"{' ' + on if on else ''}: {text}")
    if output is not None:
        from ..cells import safe_csv

        safe_csv(notes, output)
        typer.echo(f"Wrote {output}")


def register(app: typer.Typer) -> None:
    """Add ``notes add`` and ``notes list`` to ``app``."""
    app.add_typer(notes_app, name="notes")
