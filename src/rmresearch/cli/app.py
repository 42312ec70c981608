"""The ``rmresearch`` Typer application and its entry point, `main`.

Command groups live in their own modules of `rmresearch.cli` and are registered there.

Bad input never ends in a traceback: project errors print a one-paragraph message and exit
with code 2; anything unexpected prints a short message (the traceback only with
``RMRESEARCH_DEBUG=1``) and exits with code 1.
"""
from __future__ import annotations

import typer

__all__ = ["app", "main"]


app = typer.Typer(
    name="rmresearch", no_args_is_help=True, add_completion=False,
    help="Research workbench for reverse-mentoring programmes: ingest notes, transcripts and "
         "forms, code them into the four levels of operation, and publish findings.")


def _echo_error(message: str) -> None:
    typer.secho(f"Error: {message}", err=True, fg=typer.colors.RED)


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI and turn project errors into messages and exit codes."""
    from ..config import debug
    from ..errors import RmResearchError

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
        if debug():
            raise
        _echo_error(f"unexpected {exc.__class__.__name__}: {exc}. This is a bug in rmresearch;"
                    " run again with RMRESEARCH_DEBUG=1 to see the details and report them.")
        return 1
    return code if isinstance(code, int) else 0

