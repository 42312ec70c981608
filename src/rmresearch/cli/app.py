"""The ``rmresearch`` Typer application and its entry point, `main`.

Command groups live in their own modules of `rmresearch.cli` and are registered there.

Bad input never ends in a traceback: project errors print a one-paragraph message and exit
with code 2; a full disk or running out of memory says so, names the files the command was
given to write and what to do (`rmresearch.errors.resource_error`), and exits with code 1;
anything else unexpected prints a short message (the traceback only with
``RMRESEARCH_DEBUG=1``) and exits with code 1.
"""
from __future__ import annotations

import sys

import typer

__all__ = ["app", "main"]


app = typer.Typer(
    name="rmresearch", no_args_is_help=True, add_completion=False,
    help="Research workbench for reverse-mentoring programmes: ingest notes, transcripts and "
         "forms, code them into the four levels of operation, and publish findings.")


def _echo_error(message: str) -> None:
    typer.secho(f"Error: {message}", err=True, fg=typer.colors.RED)


#: the options whose values are files or folders a command writes (named when a disk fills)
_WRITES = ("--output", "--store")


def _written(argv: list[str]) -> str:
    """The files and folders the command line asks to write, e.g. ``'out' (--output)``."""
    found = []
    for i, arg in enumerate(argv):
        name, eq, value = arg.partition("=")
        if name in _WRITES and (eq or i + 1 < len(argv)):
            found.append(f"'{value if eq else argv[i + 1]}' ({name})")
    return ", ".join(found)


def _resource_message(exc: BaseException, argv: list[str]) -> str | None:
    """A clear message for a full disk or a `MemoryError` (None for anything else)."""
    from ..errors import resource_error

    command = " ".join(a for a in argv[:2] if not a.startswith("-"))
    writes = _written(argv)
    doing = f"running 'rmresearch {command}'" + (f" (writing {writes})" if writes else "")
    error = resource_error(exc, doing=doing)
    return None if error is None else str(error)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """A warning as a person reads it: "Warning: ...", without Python's file and line."""
    typer.echo(f"Warning: {message}", err=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI and turn project errors into messages and exit codes."""
    from ..config import debug
    from ..errors import RmResearchError

    import warnings

    try:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
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
        if debug():
            raise
        resource = _resource_message(exc, sys.argv[1:] if argv is None else list(argv))
        if resource is not None:
            _echo_error(resource)
            return 1
        _echo_error(f"unexpected {exc.__class__.__name__}: {exc}. This is a bug in rmresearch;"
                    " run again with RMRESEARCH_DEBUG=1 to see the details and report them.")
        return 1
    return code if isinstance(code, int) else 0

