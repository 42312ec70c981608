"""The ``code`` and ``evaluate`` commands (registered on the main app by `register`).

Only typer is imported here; spaCy, torch, sentence-transformers, scikit-learn and pandas
load when a command runs, so ``rmresearch --help`` stays fast.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import InputError, join_allowed

__all__ = ["code_command", "evaluate_command", "register"]

_FORMATS = ("text", "json")


def _codebook(path: Optional[Path]):  # -> Codebook
    from ..codebook import load_codebook

    return load_codebook(path)


def code_command(
    store: Optional[Path] = typer.Option(
        None, "--store", help="Project store: code every segment this coder version has not "
        "coded yet (human codings are never changed, and are used as extra training data)."),
    input: Optional[Path] = typer.Option(
        None, "--input", help="Spreadsheet mode: a .csv or .xlsx file with one text per row."),
    text_column: str = typer.Option(
        "text", "--text-column", help="Spreadsheet mode: header of the column to code."),
    id_column: str = typer.Option(
        "id", "--id-column", help="Spreadsheet mode: header of the column of row ids."),
    output: Optional[Path] = typer.Option(
        None, "--output", help="Spreadsheet mode: .csv or .xlsx file to write (columns id, "
        "code, score, valence, evidence, coder)."),
    codebook: Optional[Path] = typer.Option(
        None, "--codebook", help="Codebook YAML to use instead of the shipped EDI levels."),
) -> None:
    """Code text into the four levels of operation, with valence and evidence.

    Give either --store PROJECT, or --input FILE with --output FILE.
    """
    if (store is None) == (input is None):
        raise InputError("give either --store PROJECT or --input FILE (with --output FILE), "
                         "not both and not neither.")
    cb = _codebook(codebook)
    if store is not None:
        from ..coding.project import code_store
        from ..store import require_store

        require_store(store)
        info = code_store(store, cb)
        typer.echo(f"Coded {info['coded']} new segments in {store} with {info['coder']}: "
                   f"{info['codings']} codings written; {info['skipped']} segments already "
                   f"coded by this coder; {info['human_examples']} human-coded segments used "
                   "as training examples.")
        return
    if output is None:
        raise InputError("--output FILE is needed with --input (a .csv or .xlsx file).")
    from ..coding.spreadsheet import code_spreadsheet

    result = code_spreadsheet(input, output, text_column=text_column, id_column=id_column,
                              codebook=cb)
    typer.echo(f"Coded {input}: {result['id'].nunique()} rows coded, {len(result)} codings "
               f"written to {output}.")


def evaluate_command(
    gold: Path = typer.Option(..., "--gold", help="Gold CSV/XLSX with columns id, text, "
                              "levels (';'-joined or 'none'), and optionally primary, "
                              "valence, register (adds a table of figures per register) "
                              "and role ('finding' or what else the row is: adds the "
                              "non-findings the coder gave a level)."),
    format: str = typer.Option("text", "--format", help="Output format: text or json."),
    codebook: Optional[Path] = typer.Option(
        None, "--codebook", help="Codebook YAML to use instead of the shipped EDI levels."),
) -> None:
    """Score the default coder against a hand-coded gold file.

    Prints per-level F1, macro-F1, kappa on the primary level and valence accuracy.

    A role column adds the non-findings given a level, by role.

    A register column adds the figures per register (e.g. data/gold/registers.csv).
    """
    if format not in _FORMATS:
        raise InputError(f"unknown --format '{format}'", allowed=join_allowed(_FORMATS))
    from ..coding.evaluate import evaluate_gold, format_evaluation

    result = evaluate_gold(gold, codebook=_codebook(codebook))
    typer.echo(format_evaluation(result, format))


def register(app: typer.Typer) -> None:
    """Add the ``code`` and ``evaluate`` commands to ``app``."""
    app.command("code")(code_command)
    app.command("evaluate")(evaluate_command)
