"""Coder names from other files: ``human:<name>``, and refusing two spellings of one person.

A name is lower-cased, and anything but letters, digits, ``.``, ``_`` and ``-`` becomes
``-``; so ``Sam Jones`` and ``sam jones`` would become one coder. `check_spellings` refuses
that within one input, `check_known_spellings` against the names that brought the coders
into the store.
"""
from __future__ import annotations

import re
from typing import Any, Iterable

from ..errors import InputError
from ..vocabulary import HUMAN_PREFIX, human_coder

__all__ = ["Spellings", "coder_name", "coder_spellings", "check_spellings",
           "check_known_spellings"]

Spellings = dict[str, dict[str, list[int]]]


def coder_name(user: str) -> str:
    """``human:<name>`` for a REFI-QDA user name (see module docstring)."""
    name = user.strip()
    name = name[len(HUMAN_PREFIX):] if name.lower().startswith(HUMAN_PREFIX) else name
    clean = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-")
    return human_coder(clean or "unnamed")  # ``clean`` holds no ':', so never prefixed yet


def _as_given(name: str) -> str:
    """A coder's name as the person gave it, without a ``human:`` prefix."""
    name = name.strip()
    return name[len(HUMAN_PREFIX):] if name.lower().startswith(HUMAN_PREFIX) else name


def coder_spellings(names: Iterable[tuple[str, int | None]]) -> Spellings:
    """Coder label -> each spelling of it (``human:`` prefix dropped) -> the rows that use it.

    ``names`` are (name as given, sheet row, or None when the name is not from a row).
    """
    out: Spellings = {}
    for name, row in names:
        rows = out.setdefault(coder_name(name), {}).setdefault(_as_given(name), [])
        rows.extend([row] if row is not None else [])
    return out


def check_spellings(found: Spellings, path: str | Path) -> None:
    """Refuse two spellings of one coder in one input (they would silently become one).

    Raises
    ------
    InputError
        Naming both spellings (and their rows), and the coder they would become.
    """
    clashes = []
    for label, names in found.items():
        if len(names) > 1:
            shown = [f"{name!r}" + (f" (rows {rows[:8]})" if rows else "")
                     for name, rows in names.items()]
            clashes.append(f"{' and '.join(shown)} would all be stored as {label}")
    if clashes:
        raise InputError("the coder names " + "; ".join(clashes) + ".", path=path,
                         allowed="one spelling per person (coder names are stored in lower "
                         "case, with spaces and other signs as '-'); give different people "
                         "names that differ in more than case.")


def check_known_spellings(found: Spellings, runs: list[dict[str, Any]], existing: Iterable[str],
                          path: str | Path) -> None:
    """Refuse a spelling of a coder already in the store other than the one(s) used before.

    Parameters
    ----------
    found : the spellings of this input (`coder_spellings`).
    runs : the parameters of earlier human imports; each records its spellings under
        ``coder_names`` (older runs only their ``coder``; a coder with no record came in
        under its stored name).
    existing : the coders in the store.
    path : the input, for the message.

    Raises
    ------
    InputError
        Naming the new spelling, the earlier one(s) and the coder both would become.
    """
    known: dict[str, set[str]] = {}
    for params in runs:
        for label, names in (params.get("coder_names") or {}).items():
            known.setdefault(label, set()).update(names)
        if params.get("coder") and "coder_names" not in params:
            known.setdefault(coder_name(params["coder"]), set()).add(_as_given(params["coder"]))
    existing = set(existing)
    for label, names in found.items():
        before = sorted(known.get(label) or {label[len(HUMAN_PREFIX):]})
        new = sorted(set(names) - set(before))
        if label in existing and new:
            raise InputError(
                f"the coder name {new[0]!r} would be stored as {label}, which is already in "
                f"the store under the name {' / '.join(repr(b) for b in before)}; names are "
                "stored in lower case, so both would become one coder.", path=path,
                allowed=f"the same spelling as before ({' or '.join(before)}) if this is the "
                "same person, or a different name if it is someone else.")
