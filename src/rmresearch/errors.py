"""One exception hierarchy for everything rmresearch raises on purpose.

Every message is written for a person who is not a programmer: it names the file and the
line, row or column, says what was found and what is allowed.
"""
from __future__ import annotations

import errno
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

__all__ = [
    "RmResearchError",
    "InputError",
    "ManifestError",
    "CodebookError",
    "StoreError",
    "CodingError",
    "NotFittedError",
    "PseudonymKeyError",
    "LeakError",
    "TopicsError",
    "FeedbackRunError",
    "ResourceError",
    "resource_error",
    "resource_errors",
    "describe_location",
    "join_allowed",
]


def describe_location(
    path: str | Path | None = None,
    *,
    line: int | None = None,
    row: int | None = None,
    column: str | None = None,
) -> str:
    """Return a readable location such as ``manifest.csv, row 4, column 'source'``."""
    parts: list[str] = []
    if path is not None:
        parts.append(str(path))
    if line is not None:
        parts.append(f"line {line}")
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column '{column}'")
    return ", ".join(parts)


class RmResearchError(Exception):
    """Base class of every error rmresearch raises on purpose."""

    exit_code = 2


class InputError(RmResearchError):
    """An input file (notes, transcript, form, spreadsheet) cannot be used as it is."""

    def __init__(
        self,
        problem: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        row: int | None = None,
        column: str | None = None,
        allowed: str | None = None,
    ) -> None:
        self.path = None if path is None else str(path)
        self.line, self.row, self.column = line, row, column
        self.problem, self.allowed = problem, allowed
        where = describe_location(path, line=line, row=row, column=column)
        message = f"{where}: {problem}" if where else problem
        if allowed:
            message += f" Allowed: {allowed}"
        super().__init__(message)


class ManifestError(InputError):
    """The manifest that maps files to cohorts, pairs and sources is missing or wrong."""


class CodebookError(RmResearchError):
    """A codebook has one or more problems; all of them are listed at once."""

    def __init__(self, problems: Sequence[str] | str, *, path: str | Path | None = None) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.path = None if path is None else str(path)
        head = f"Codebook {path}" if path else "Codebook"
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{head} has {len(self.problems)} problem(s):\n{lines}")


class StoreError(RmResearchError):
    """The project store cannot be opened, read or written."""


class CodingError(RmResearchError):
    """Text cannot be coded as asked (bad columns, empty text, duplicate ids ...)."""


class NotFittedError(CodingError, ValueError):
    """A coder was asked to predict before it was fitted."""


def join_allowed(values: Iterable[str]) -> str:
    """Format a list of allowed values for a message: ``'a', 'b' or 'c'``."""
    vals = [f"'{v}'" for v in values]
    if len(vals) <= 1:
        return "".join(vals)
    return ", ".join(vals[:-1]) + " or " + vals[-1]


class PseudonymKeyError(RmResearchError):
    """The pseudonym key cannot be saved, loaded or used as asked."""


class LeakError(RmResearchError):
    """Files about to be published still hold real names or identifiers.

    ``leaks`` are the `rmresearch.privacy.leakcheck.Leak` records found (file, pseudonym, kind).
    """

    def __init__(self, leaks: list[Any]) -> None:
        self.leaks = leaks
        files = sorted({leak.file for leak in leaks})
        lines = "\n".join(f"  - {leak}" for leak in leaks[:25])
        more = f"\n  ... and {len(leaks) - 25} more" if len(leaks) > 25 else ""
        super().__init__(
            f"{len(leaks)} leak(s) of real names or identifiers in {len(files)} file(s); "
            f"pseudonymise these outputs (rmresearch.privacy.Pseudonymiser) before "
            f"publishing:\n{lines}{more}")


class TopicsError(RmResearchError):
    """Emergent themes cannot be found for this input (too few texts, bad embeddings ...)."""


class FeedbackRunError(RmResearchError):
    """The feedback notebook stopped on something that is not a problem with the input."""

    exit_code = 1


class ResourceError(RmResearchError):
    """The computer ran out of disk space or memory while reading or writing a file.

    Not a problem with the input (exit code 1, like `FeedbackRunError`): the message says
    which file and what to do (free space, close programs, split the file).
    """

    exit_code = 1


#: what ``OSError.errno`` says when a disk (or the user's quota) is full, or a file too big
_DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def _disk_full(exc: BaseException) -> str | None:
    """Why, in words, when ``exc`` says a disk is full; otherwise None."""
    if isinstance(exc, OSError) and exc.errno in _DISK_FULL:
        return exc.strerror or "no space left on the device"
    if isinstance(exc, sqlite3.OperationalError) and (
            getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
            or "disk is full" in str(exc)):
        return "database or disk is full"
    return None


def resource_error(exc: BaseException, path: str | Path | None = None, *,
                   doing: str = "working on it", kept: str = "") -> ResourceError | None:
    """A `ResourceError` for a full disk or a `MemoryError` met while ``doing`` something with
    ``path``; None for any other exception.

    Parameters
    ----------
    exc : the exception caught (`OSError` with ``ENOSPC``/``EDQUOT``/``EFBIG``, SQLite's
        "database or disk is full", or `MemoryError`).
    path : the file being read or written (an `OSError`'s own file name is used when None).
    doing : what was going on, e.g. ``"writing the project store"``.
    kept : what is known to be unharmed, e.g. ``"The project store is as it was."``.
    """
    if path is None and isinstance(exc, OSError):
        path = exc.filename
    where = f"{path}: " if path is not None else ""
    full = _disk_full(exc)
    if full is not None:
        return ResourceError(
            f"{where}the disk is full ({full}) while {doing}. {kept}{' ' if kept else ''}"
            "Free some space on that drive (or choose a folder on another drive) and run the "
            "command again.")
    if isinstance(exc, MemoryError):
        return ResourceError(
            f"{where}the computer ran out of memory while {doing}. {kept}{' ' if kept else ''}"
            "Close other programs and run the command again; if it fails again, the file is "
            "too large for this computer: split it into smaller files or use a computer with "
            "more memory.")
    return None


@contextmanager
def resource_errors(path: str | Path | None, doing: str, kept: str = "") -> Iterator[None]:
    """Turn a full disk or a `MemoryError` inside the block into a `ResourceError` naming
    ``path`` (see `resource_error`); other exceptions pass unchanged."""
    try:
        yield
    except (OSError, sqlite3.OperationalError, MemoryError) as exc:
        error = resource_error(exc, path, doing=doing, kept=kept)
        if error is None:
            raise
        raise error from None
