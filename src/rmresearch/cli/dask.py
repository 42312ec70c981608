"""The ``code-dask`` command: the coding step on a Dask cluster (registered by `register`).

Only typer is imported here; dask, distributed, torch and spaCy load when the command runs.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..coding.dask.cluster import MAX_LOCAL_WORKERS
from ..coding.frames import CHUNK_SIZE
from ..errors import InputError

__all__ = ["code_dask_command", "register"]

_OUTPUTS = (".csv", ".parquet")


def _write(codings, output: Path) -> None:  # codings: DataFrame
    from ..atomic import atomic_path
    from ..cells import safe_csv

    if output.suffix.lower() != ".parquet":
        safe_csv(codings, output)
        return
    with atomic_path(output) as tmp:
        codings.to_parquet(tmp, index=False)


def code_dask_command(
    input: Optional[Path] = typer.Option(
        None, "--input", help="Parquet file or folder of segments (columns segment_id, text)."),
    store: Optional[Path] = typer.Option(
        None, "--store", help="Project store: code every segment this coder version has not "
        "coded yet, as 'rmresearch code --store' does."),
    output: Optional[Path] = typer.Option(
        None, "--output", help="With --input: codings file to write (.csv or .parquet)."),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", help="Address of a running Dask scheduler, e.g. "
        "tcp://10.0.0.5:8786. Default: a local cluster started for this run."),
    workers: Optional[int] = typer.Option(
        None, "--workers", min=1, help="Local cluster only: worker processes (default: one "
        f"per core, at most {MAX_LOCAL_WORKERS})."),
    partition_rows: int = typer.Option(
        CHUNK_SIZE, "--partition-rows", min=1, help="Segments per partition (keep a multiple "
        f"of {CHUNK_SIZE} for results identical to 'rmresearch code')."),
    codebook: Optional[Path] = typer.Option(
        None, "--codebook", help="Codebook YAML to use instead of the shipped EDI levels."),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Show a progress "
                                  "bar."),
) -> None:
    """Code segments on a Dask cluster: the same codings as 'rmresearch code', in parallel.

    Give either --input SEGMENTS.parquet with --output CODINGS.csv, or --store PROJECT.
    Every worker needs this version of rmresearch installed.
    """
    if (store is None) == (input is None):
        raise InputError("give either --input SEGMENTS.parquet (with --output FILE) or --store "
                         "PROJECT, not both and not neither.")
    if input is not None and (output is None or output.suffix.lower() not in _OUTPUTS):
        raise InputError(f"--output must be given with --input and end in .csv or .parquet; "
                         f"got {output}.")
    if input is not None and not input.exists():
        raise InputError("no such Parquet file or folder.", path=input)
    from ..codebook import load_codebook

    cb = load_codebook(codebook)
    options = dict(scheduler=scheduler, n_workers=workers, partition_rows=partition_rows)
    if store is not None:
        from ..coding.dask import code_store_dask

        info = code_store_dask(store, cb, progress=progress, **options)
        where = ("in this process (too few for a local cluster to help)"
                 if info["in_process"] else "on Dask")
        typer.echo(f"Coded {info['coded']} new segments in {store} with {info['coder']} "
                   f"{where}: {info['codings']} codings written; {info['skipped']} segments "
                   f"already coded by this coder; {info['human_examples']} human-coded "
                   "segments used as training examples.")
        return
    from ..coding.dask import code_segments_dask

    codings = code_segments_dask(str(input), cb, progress=progress, **options)
    _write(codings, output)
    typer.echo(f"Coded {input} on Dask: {codings['segment_id'].nunique()} segments coded, "
               f"{len(codings)} codings written to {output}.")


def register(app: typer.Typer) -> None:
    """Add the ``code-dask`` command to ``app``."""
    app.command("code-dask")(code_dask_command)
