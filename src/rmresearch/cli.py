"""The ``rmresearch`` command: thin over the package API.

Bad input never ends in a traceback: project errors print a one-paragraph message and exit
with code 2; anything unexpected prints a short message (the traceback only with
``RMRESEARCH_DEBUG=1``) and exits with code 1.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

for _var, _val in (("HF_HUB_OFFLINE", "1"), ("TRANSFORMERS_OFFLINE", "1"),
                   ("HF_DATASETS_OFFLINE", "1"), ("MPLBACKEND", "Agg"),
                   ("TOKENIZERS_PARALLELISM", "false")):
    os.environ.setdefault(_var, _val)

app = typer.Typer(
    name="rmresearch", no_args_is_help=True, add_completion=False,
    help="Research workbench for reverse-mentoring programmes: ingest notes, transcripts and "
         "forms, code them into the four levels of operation, and publish findings.")


def _echo_error(message: str) -> None:
    typer.secho(f"Error: {message}", err=True, fg=typer.colors.RED)


@app.command()
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
) -> None:
    """Read a folder of notes, transcripts and forms into a project store.

    Every file is read and checked first; if any is wrong nothing is written.
    """
    from .ingest import ingest_folder
    from .store import ProjectStore

    result = ingest_folder(data, manifest, max_file_mb=max_file_mb)
    with ProjectStore.open(store) as st:
        counts = st.ingest(result, params={"data": str(data), "manifest": str(
            result.manifest_path)})
    typer.echo(f"Ingested {len(result.documents)} files into {store}: {counts['new']} new, "
               f"{counts['changed']} changed (new version), {counts['unchanged']} unchanged, "
               f"{counts['metadata']} with updated details, {counts['resegmented']} re-segmented "
               f"(newer segmenter); {counts['segments']} new segments.")


@app.command()
def status(store: Path = typer.Option(..., "--store", help="Project store file.")) -> None:
    """Show what a project store holds: documents, segments, codings by coder, runs."""
    from .errors import StoreError
    from .store import ProjectStore

    if not store.is_file():
        raise StoreError(f"{store} does not exist; create it with 'rmresearch ingest --data "
                         f"FOLDER --store {store}'.")
    with ProjectStore.open(store) as st:
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


@app.command()
def synth(
    output: Path = typer.Option(Path("data/synthetic"), help="Folder to write."),
    seed: int = typer.Option(7, help="Random seed: the same seed writes the same files."),
    cohorts: int = typer.Option(3, min=1, help="Number of cohorts."),
    pairs: int = typer.Option(8, min=1, help="Pairs per cohort."),
    sessions: int = typer.Option(3, min=1, help="Sessions per pair."),
) -> None:
    """Generate synthetic cohorts (fictional people, known truth) for tests and benchmarks."""
    from .synthetic import generate

    manifest = generate(output, seed=seed, cohorts=cohorts, pairs=pairs, sessions=sessions)
    typer.echo(f"Wrote {len(manifest)} files for {cohorts} cohorts x {pairs} pairs to {output}.")


@app.command()
def report(
    data: Path = typer.Option(..., "--data", help="Folder holding manifest.csv and the files."),
    output: Path = typer.Option(..., "--output", help="Folder for the appendices, tables, "
                                "figures, index.html and manifest.json."),
    cohort: Optional[list[str]] = typer.Option(None, "--cohort", help="Only this cohort "
                                               "(repeat for several); default: all."),
    workers: int = typer.Option(2, min=1, help="Cohort notebooks run in parallel."),
    store: Optional[Path] = typer.Option(None, help="Project store (default: "
                                         ".rmresearch/<data folder>.rmproj)."),
    no_pseudonymise: bool = typer.Option(False, "--no-pseudonymise", help="Publish real "
                                         "names. Off by default; recorded in the manifest."),
    min_cell: int = typer.Option(5, min=0, help="Suppress counts below this in published "
                                 "tables (0 turns suppression off)."),
    seed: int = typer.Option(42, help="Random seed for topic modelling and sampling."),
    codebook: Optional[Path] = typer.Option(None, help="Codebook YAML (default: the shipped "
                                            "four-level frame)."),
    feedback: bool = typer.Option(False, "--feedback", help="Also write a mentor's feedback "
                                  "sheet for every pair (leaders stay pseudonymised)."),
) -> None:
    """Run the report batch: findings per cohort, cohort comparison and emergent themes."""
    from .report import run_batch

    result = run_batch(data, output, cohorts=cohort, workers=workers, store=store,
                       pseudonymise=not no_pseudonymise, min_cell=min_cell, seed=seed,
                       codebook=codebook, feedback=feedback)
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


@app.command()
def codebook(
    file: Optional[Path] = typer.Argument(None, help="Codebook YAML to check (default: the "
                                          "shipped four-level frame)."),
) -> None:
    """Check a codebook and show its codes, counts of examples and patterns, and its hash."""
    from .codebook import load_codebook

    cb = load_codebook(file)
    typer.echo(f"{cb.name} (version {cb.version}), hash {cb.hash}")
    for code in cb.codes:
        parent = f" (in {code.parent})" if code.parent else ""
        typer.echo(f"  {code.id}{parent}: {len(code.examples)} examples, "
                   f"{len(code.patterns)} patterns")
    typer.echo(f"  not codable: {len(cb.not_codable_examples)} examples")


def _register_optional() -> None:
    """Add command groups that live in their own modules (each imports lazily)."""
    import importlib

    for module in ("rmresearch.cli_coding", "rmresearch.cli_interchange",
                   "rmresearch.cli_feedback", "rmresearch.cli_scale"):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        mod.register(app)


_register_optional()


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI and turn project errors into messages and exit codes."""
    from .errors import RmResearchError

    try:
        code = app(args=argv, standalone_mode=False)
    except RmResearchError as exc:
        _echo_error(str(exc))
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        _echo_error("stopped.")
        return 130
    except Exception as exc:  # click usage errors are handled below
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            return exc.exit_code
        if os.environ.get("RMRESEARCH_DEBUG"):
            raise
        _echo_error(f"unexpected {exc.__class__.__name__}: {exc}. This is a bug in rmresearch;"
                    " run again with RMRESEARCH_DEBUG=1 to see the details and report them.")
        return 1
    return code if isinstance(code, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
