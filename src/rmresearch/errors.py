"""One exception hierarchy for everything rmresearch raises on purpose.

Every message is written for a person who is not a programmer: it names the file and the
line, row or column, says what was found and what is allowed.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Sequence

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
