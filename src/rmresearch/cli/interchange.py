"""Commands for human coding, agreement and REFI-QDA interchange.

``import-codings``, ``agree``, ``export codebook``, ``export project``, ``review export``,
``review import``, ``codings history`` and ``codings restore``; `register` adds them to the ``rmresearch`` app. Only typer is imported at
start-up: pandas, lxml, scikit-learn and krippendorff load when a command runs.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

__all__ = ["register", "export_app", "review_app", "codings_app"]

export_app = typer.Typer(no_args_is_help=True, add_completion=False,
                         help="Write REFI-QDA files for NVivo, ATLAS.ti, MAXQDA or QualCoder.")
review_app = typer.Typer(no_args_is_help=True, add_completion=False,
                         help="Review segments where coders disagree or the machine is unsure.")
codings_app = typer.Typer(no_args_is_help=True, add_completion=False,
                          help="A human coder's revisions: list them, restore an earlier one.")

_STORE = typer.Option(..., "--store", help="Project store file, e.g. project.rmproj.")
_CODEBOOK = typer.Option(None, "--codebook", help="Codebook YAML (default: the shipped "
                         "four-level frame).")


def _codebook(path: Optional[Path]) -> Any:
    from ..codebook import load_codebook

    return load_codebook(path)


def _coders(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]


def _pseudonymiser(store: Path, key: Optional[Path]) -> Any:
    """A lazy pseudonymiser when a key is given or sits beside the store (else None)."""
    from ..refi.pseudo import LazyPseudonymiser, key_path

    if key is None and not key_path(store).exists():
        return None
    return LazyPseudonymiser(store, key)


def import_codings(
    store: Path = _STORE,
    input_file: Path = typer.Option(..., "--input", help="Codings: .csv/.xlsx (wide or long) or a "
                               "REFI-QDA .qdpx project."),
    coder: Optional[str] = typer.Option(None, "--coder", help="Coder name for wide sheets (and "
                                        "for .qdpx codings without a user); stored as "
                                        "human:NAME."),
    fmt: Optional[str] = typer.Option(None, "--format", help="wide, long or qdpx (default: "
                                         "from the file)."),
    codebook: Optional[Path] = _CODEBOOK,
    key: Optional[Path] = typer.Option(None, "--key", help="Pseudonym key, to recognise "
                                       "pseudonymised exports (default: beside the store)."),
    as_coder: Optional[str] = typer.Option(None, "--as", help="For a .qdpx: the person whose "
                                           "codings sit under the machine coder's name "
                                           "(QualCoder records new codings under the file's "
                                           "first user); stored as human:NAME."),
    strict: bool = typer.Option(False, "--strict", help="For a .qdpx: refuse the file if a "
                                "source matches no document or a code is unknown, instead of "
                                "importing the rest and listing them."),
    code_map: Optional[Path] = typer.Option(None, "--map", help="For a .qdpx: CSV with columns "
                                            "from,to mapping the file's code names onto the "
                                            "codebook's codes (an empty 'to' skips a code)."),
) -> None:
    """Import human codings; they are stored beside machine codings, which never overwrite them.

    Importing a coder's work again makes a new revision of that coder: on the segments a
    sheet lists, or the documents a .qdpx holds, it replaces their codings (deletions and
    changes made in the other tool take effect); earlier revisions stay ('rmresearch codings
    history'). Everything is checked first: on any problem nothing is written. From a .qdpx, sources
    that match no document and unknown codes are listed and the rest imports (--strict
    refuses instead).
    """
    from ..human.sheets import import_codings as run

    result = run(store, input_file, coder=coder, fmt=fmt, codebook=_codebook(codebook),
                 pseudonymiser=_pseudonymiser(store, key), as_coder=as_coder, strict=strict,
                 code_map=code_map)
    by = ", ".join(f"{n} by {w}" for w, n in sorted(result["codings"].items()))
    typer.echo(f"Read {sum(result['codings'].values())} codings" + (f" ({by})." if by else "."))
    _echo_revisions(result)
    if result.get("skipped"):
        typer.echo(f"Skipped {len(result['skipped'])} item(s); see the notes.")
    typer.echo(f"{result['seen']} (segment, coder) judgements recorded as seen.")
    for note in result["notes"]:
        typer.echo(f"Note: {note}")


def _echo_revisions(result: dict[str, Any]) -> None:
    """What an import did to the store: codings added, changed, removed, unchanged, and each
    coder's revision."""
    typer.echo(f"Store: {result['added']} added, {result['changed']} changed, "
               f"{result['removed']} removed, {result['unchanged']} unchanged.")
    for who, (revision, new) in sorted(result["revisions"].items()):
        typer.echo(f"{who}: " + (f"revision {revision} (new)." if new else
                                 f"no change, still revision {revision}."))


def _fmt(value: float) -> str:
    return "  -  " if value != value else f"{value:5.2f}"


def _print_table(table: Any) -> None:
    typer.echo(f"{'code':<16}{'n':>5}{'prev':>6}{'agree':>7}  {'kappa [95% CI]':<20}"
               f"{'alpha [95% CI]':<20}{'AC1 [95% CI]':<20}")
    for r in table.to_dict("records"):
        cells = "".join(f"{_fmt(r[s])} [{_fmt(r[s + '_low'])},{_fmt(r[s + '_high'])}]  "
                        for s in ("kappa", "alpha", "ac1"))
        typer.echo(f"{str(r['code'])[:15]:<16}{r['n_units']:>5}{r['prevalence']:>6.0%}"
                   f"{_fmt(r['percent_agreement']):>7}  {cells}")
    for r in table.to_dict("records"):
        if r["note"]:
            typer.echo(f"Note on {r['code']}: {r['note']}")


def agree(
    store: Path = _STORE,
    coders: str = typer.Option(..., "--coders", help="Two or more coders, comma-separated, "
                               "e.g. human:a,human:b,ensemble (a name without '@' means the "
                               "latest run of that coder)."),
    output: Optional[Path] = typer.Option(None, "--output", help="Also write the table as CSV "
                                          "(and the gating table as <name>_gate.csv)."),
    bootstrap: int = typer.Option(1000, "--bootstrap", min=0, help="Bootstrap replicates for "
                                  "95% intervals (0: none)."),
    seed: int = typer.Option(0, "--seed", help="Random seed of the bootstrap."),
    threshold: float = typer.Option(0.67, "--threshold", help="Alpha a machine coder needs on "
                                    "a code to be trusted without review."),
    codebook: Optional[Path] = _CODEBOOK,
) -> None:
    """Agreement per code and overall: percent agreement, kappa, alpha, AC1, with 95% CIs."""
    from ..human.agreement import agreement_report

    names, table, gates = agreement_report(str(store), _coders(coders),
                                           codebook=_codebook(codebook), n_boot=bootstrap,
                                           seed=seed, threshold=threshold)
    typer.echo(f"Agreement among {', '.join(names)}")
    _print_table(table)
    for coder, rows in gates.groupby("coder", sort=False):
        auto = rows.loc[rows["decision"] == "auto", "code"].tolist()
        typer.echo(f"Gating {coder} against the human coders (alpha >= {threshold:.2f}): "
                   f"trusted: {', '.join(auto) or 'none'}; review: "
                   f"{', '.join(rows.loc[rows['decision'] == 'review', 'code']) or 'none'}.")
    if output is not None:
        from ..cells import safe_csv

        for frame, path in ((table, output), (gates, output.with_name(output.stem + "_gate.csv"))):
            if frame is gates and frame.empty:
                continue
            safe_csv(frame, path, float_format="%.4f")
            typer.echo(f"Wrote {path}")


@export_app.command("codebook")
def export_codebook(
    output: Path = typer.Option(..., "--output", help="The .qdc file to write."),
    codebook: Optional[Path] = _CODEBOOK,
) -> None:
    """Write the codebook (hierarchy, descriptions, colours) as REFI-QDA XML (.qdc)."""
    from ..refi.export import export_codebook as run

    run(output, _codebook(codebook))
    typer.echo(f"Wrote {output}")


@export_app.command("project")
def export_project(
    store: Path = _STORE,
    output: Path = typer.Option(..., "--output", help="The .qdpx file to write."),
    pseudonymise: bool = typer.Option(True, "--pseudonymise/--no-pseudonymise", help="Replace "
                                      "names with pseudonyms (default). Turn off only if "
                                      "everyone who sees the file may see real names."),
    key: Optional[Path] = typer.Option(None, "--key", help="Pseudonym key (default: beside "
                                       "the store; built if missing)."),
    codebook: Optional[Path] = _CODEBOOK,
) -> None:
    """Write the project (sources, codings, coders, pairs) as a REFI-QDA .qdpx file.

    Pseudonymised exports are leak-checked before they get their name: the file is written
    under a hidden folder beside ``--output``, checked against the pseudonym key, and renamed
    only when no real name or identifier is found (else it goes to the quarantine beside the
    store and the command fails).
    """
    from ..paths import quarantine_dir
    from ..privacy.staging import Stage, leak_error
    from ..refi.export import export_project as run
    from ..refi.pseudo import load_pseudonymiser

    pseudonymiser = load_pseudonymiser(store, key) if pseudonymise else None
    folder = output.parent if str(output.parent) else Path(".")
    with Stage(folder, quarantine=quarantine_dir(store, folder), last=(),
               partials=False) as stage:
        info = run(store, stage.staged(output.name), codebook=_codebook(codebook),
                   pseudonymiser=pseudonymiser)
        result = stage.publish(pseudonymiser.key if pseudonymiser is not None else None)
    if result.leaks:
        raise leak_error(result)
    typer.echo(f"Wrote {output}: {info['sources']} sources, {info['codings']} codings by "
               f"{info['users']} coders ({'pseudonymised' if pseudonymise else 'REAL NAMES'}).")


@review_app.command("export")
def review_export(
    store: Path = _STORE,
    coders: str = typer.Option(..., "--coders", help="Coders to compare, comma-separated."),
    output: Path = typer.Option(..., "--output", help="The .xlsx review sheet to write."),
    low: float = typer.Option(0.35, "--low", help="Machine scores from here ..."),
    high: float = typer.Option(0.65, "--high", help="... to here count as unsure."),
    codebook: Optional[Path] = _CODEBOOK,
) -> None:
    """Write segments where coders disagree or the machine is unsure, with a decision column."""
    from ..human.review import export_review

    queue = export_review(store, _coders(coders), output, band=(low, high),
                          codebook=_codebook(codebook))
    typer.echo(f"Wrote {len(queue)} segments to review to {output}. Fill the 'decision' "
               "column with codes joined by ';' or 'none', then run 'rmresearch review import'.")


@review_app.command("import")
def review_import(
    store: Path = _STORE,
    input_file: Path = typer.Option(..., "--input", help="The filled-in review sheet."),
    coder: str = typer.Option(..., "--coder", help="Who made the decisions (stored as "
                              "human:NAME)."),
    codebook: Optional[Path] = _CODEBOOK,
) -> None:
    """Import review decisions as a human coder."""
    from ..human.review import import_review

    result = import_review(store, input_file, coder, codebook=_codebook(codebook))
    for who, n in result["codings"].items():
        typer.echo(f"Read {n} codings by {who} from {result['seen']} decisions.")
    _echo_revisions(result)


@codings_app.command("history")
def codings_history(
    store: Path = _STORE,
    coder: str = typer.Option(..., "--coder", help="A human coder, e.g. ana or human:ana."),
) -> None:
    """List a human coder's revisions: every import of their work, and every restore."""
    from ..human.coders import coder_history

    full, table = coder_history(store, coder)
    typer.echo(f"Revisions of {full} (the current one is marked *):")
    typer.echo(f"{'':2}{'rev':>4}  {'made':<26}{'how':<9}{'codings':>8}{'seen':>6}"
               f"{'added':>7}{'changed':>8}{'removed':>8}  input")
    for r in table.to_dict("records"):
        how = f"restore {r['restored_from']}" if r["how"] == "restore" else r["how"]
        typer.echo(f"{'*' if r['current'] else '':2}{r['revision']:>4}  {r['made'] or '':<26}"
                   f"{how:<9}{r['codings']:>8}{r['seen']:>6}{r['added']:>7}{r['changed']:>8}"
                   f"{r['removed']:>8}  {r['input'] or ''}")


@codings_app.command("restore")
def codings_restore(
    store: Path = _STORE,
    coder: str = typer.Option(..., "--coder", help="A human coder, e.g. ana or human:ana."),
    revision: int = typer.Option(..., "--revision", min=1, help="The revision to make "
                                 "current again (see 'rmresearch codings history')."),
) -> None:
    """Make an earlier revision of a human coder current again (as a new revision).

    Nothing is lost: the revision it replaces stays in the history and can be restored the
    same way.
    """
    from ..human.coders import restore_coder

    done = restore_coder(store, coder, revision)
    if not done.new:
        typer.echo(f"{done.coder}: revision {revision} is what is current already; nothing "
                   "changed.")
        return
    typer.echo(f"{done.coder}: revision {done.revision} restores revision {revision}: "
               f"{done.added} added, {done.changed} changed, {done.removed} removed, "
               f"{done.unchanged} unchanged.")


def register(app: typer.Typer) -> None:
    """Add ``import-codings``, ``agree``, ``export ...`` and ``review ...`` to ``app``."""
    app.command("import-codings")(import_codings)
    app.command("agree")(agree)
    app.add_typer(export_app, name="export")
    app.add_typer(review_app, name="review")
    app.add_typer(codings_app, name="codings")
