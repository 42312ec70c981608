"""The project commands: ``ingest``, ``status``, ``synth``, ``report`` and ``codebook``.

Only typer is imported here; each command imports what it needs when it runs.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..report.parameters import DEFAULTS, cli_help

__all__ = ["register"]

_LENIENT_FORMS = typer.Option(
    False, "--lenient-forms", help="Keep a form's answers to 1-10 items that are not whole "
    "numbers 1-10 (\"seven\", 7.5, a date, a formula never calculated) as missing, and count "
    "them, instead of refusing the form.")


def ingest(
    data: Path = typer.Option(..., "--data", help="Folder holding manifest.csv and the files "
                              "it lists."),
    store: Path = typer.Option(..., "--store", help="Project store file (created if missing), "
                               "e.g. project.rmproj."),
    manifest: Optional[Path] = typer.Option(None, help="Manifest to use instead of "
                                            "DATA/manifest.csv."),
    max_file_mb: Optional[float] = typer.Option(
        None, "--max-file-mb", help="Refuse files larger than this many MB before reading "
        "(default: RMRESEARCH_MAX_FILE_MB, else 100; 0 for no limit)."),
    lenient_forms: bool = _LENIENT_FORMS,
) -> None:
    """Read a folder of notes, transcripts and forms into a project store.

    Every file is read and checked first; if any is wrong nothing is written.
    """
    from ..errors import resource_errors
    from ..ingest import ingest_folder
    from ..store import ProjectStore

    result = ingest_folder(data, manifest, max_file_mb=max_file_mb,
                           lenient_forms=lenient_forms)
    params = {"data": str(data), "manifest": str(result.manifest_path)}
    if lenient_forms:
        params.update(lenient_forms=True, answers_kept_missing=len(result.kept_missing))
    with resource_errors(store, "writing the project store",
                         kept="The project store is as it was."), ProjectStore.open(store) as st:
        counts = st.ingest(result, params=params)
    typer.echo(f"Ingested {len(result.documents)} files into {store}: {counts['new']} new, "
               f"{counts['changed']} changed (new version), {counts['unchanged']} unchanged, "
               f"{counts['metadata']} with updated details, {counts['resegmented']} re-segmented "
               f"(newer segmenter); {counts['segments']} new segments.")
    _echo_kept_missing(result.kept_missing)


def _echo_kept_missing(kept: list) -> None:
    """The run summary's count of form answers kept as missing (``--lenient-forms``)."""
    if not kept:
        return
    typer.secho(f"{len(kept)} form answer(s) to 1-10 items were not scores and are kept as "
                "missing (--lenient-forms):", err=True, fg=typer.colors.YELLOW)
    for answer in kept[:20]:
        typer.secho(f"  {answer}", err=True, fg=typer.colors.YELLOW)
    if len(kept) > 20:
        typer.secho(f"  ... and {len(kept) - 20} more", err=True, fg=typer.colors.YELLOW)


def status(store: Path = typer.Option(..., "--store", help="Project store file.")) -> None:
    """Show what a project store holds: documents, segments, codings by coder, runs."""
    from ..store import ProjectStore

    with ProjectStore.open_existing(store) as st:
        info = st.summary()
    typer.echo(f"Project store {store}")
    typer.echo(f"  documents: {info['documents']} current ({info['document_versions']} "
               f"versions), segments: {info['segments']}, form responses: {info['responses']}")
    typer.echo(f"  cohorts: {', '.join(info['cohorts']) or '-'}")
    for source, n in info["by_source"].items():
        typer.echo(f"  source {source}: {n} documents")
    for coder, n in info["codings_by_coder"].items():
        typer.echo(f"  codings by {coder}: {n}")
    typer.echo(f"  runs recorded: {info['runs']}")


def synth(
    output: Path = typer.Option(Path("data/synthetic"), help="Folder to write."),
    seed: int = typer.Option(7, help="Random seed: the same seed writes the same files."),
    cohorts: int = typer.Option(3, min=1, help="Number of cohorts."),
    pairs: int = typer.Option(8, min=1, help="Pairs per cohort."),
    sessions: int = typer.Option(3, min=1, help="Sessions per pair."),
) -> None:
    """Generate synthetic cohorts (fictional people, known truth) for tests and benchmarks."""
    from ..synthetic.generator import generate

    manifest = generate(output, seed=seed, cohorts=cohorts, pairs=pairs, sessions=sessions)
    typer.echo(f"Wrote {len(manifest)} files for {cohorts} cohorts x {pairs} pairs to {output}.")


def report(
    data: Path = typer.Option(..., "--data", help=cli_help("data")),
    output: Path = typer.Option(..., "--output", help=cli_help("output")),
    cohort: Optional[list[str]] = typer.Option(None, "--cohort", help="Only this cohort "
                                               "(repeat for several); default: all."),
    workers: int = typer.Option(2, min=1, help="Cohort notebooks run in parallel."),
    store: Optional[Path] = typer.Option(None, help=cli_help("store")),
    no_pseudonymise: bool = typer.Option(False, "--no-pseudonymise",
                                         help=cli_help("pseudonymise")),
    min_cell: int = typer.Option(DEFAULTS["min_cell"], min=0, help=cli_help("min_cell")),
    seed: int = typer.Option(DEFAULTS["seed"], help=cli_help("seed")),
    codebook: Optional[Path] = typer.Option(None, help=cli_help("codebook")),
    feedback: bool = typer.Option(False, "--feedback", help="Also write a mentor's feedback "
                                  "sheet for every pair (leaders stay pseudonymised)."),
    lenient_forms: bool = _LENIENT_FORMS,
    skip: Optional[list[str]] = typer.Option(None, "--skip", help="Leave out an appendix: "
                                             "cohort, comparison, themes or agreement "
                                             "(repeat for several)."),
) -> None:
    """Run the report batch: findings per cohort, cohort comparison and emergent themes.

    The data folder is read and checked first; if any file is wrong, nothing is written (no
    project store is created).
    """
    from ..report.batch import run_batch

    result = run_batch(data, output, cohorts=cohort, workers=workers, store=store,
                       pseudonymise=not no_pseudonymise, min_cell=min_cell, seed=seed,
                       codebook=codebook, feedback=feedback, lenient_forms=lenient_forms,
                       skip=skip or ())
    _echo_kept_missing(result.kept_missing)
    for job in result.jobs:
        line = f"  {job.name}: {job.status} ({job.duration:.0f} s)"
        typer.echo(line + (f" - {job.error}" if job.error else ""))
    for leak in result.manifest.get("leaks", []):
        typer.secho(f"  leak: {leak}", err=True, fg=typer.colors.RED)
    if result.manifest.get("leaks"):
        withheld = result.manifest.get("withheld") or []
        typer.secho(f"Leak check FAILED: real names or identifiers were found. {len(withheld)} "
                    f"file(s) holding them were moved out of {output} to {result.quarantine} "
                    f"(private, like the key); {output / 'index.html'} is marked FAILED. Do not "
                    "publish this folder: add the missing names to the key or fix the notebook, "
                    "then run again.", err=True, fg=typer.colors.RED)
    else:
        typer.echo(f"Report written to {output / 'index.html'}")
    if not result.ok:
        raise typer.Exit(code=1)


def codebook(
    file: Optional[Path] = typer.Argument(None, help="Codebook YAML to check (default: the "
                                          "shipped four-level frame)."),
) -> None:
    """Check a codebook and show its codes, counts of examples and patterns, and its hash."""
    from ..codebook import load_codebook

    cb = load_codebook(file)
    typer.echo(f"{cb.name} (version {cb.version}), hash {cb.hash}")
    for code in cb.codes:
        parent = f" (in {code.parent})" if code.parent else ""
        typer.echo(f"  {code.id}{parent}: {len(code.examples)} examples, "
                   f"{len(code.patterns)} patterns")
    typer.echo(f"  not codable: {len(cb.not_codable_examples)} examples")


def register(app: typer.Typer) -> None:
    """Add the project commands to ``app``."""
    for command in (ingest, status, synth, report, codebook):
        app.command()(command)
