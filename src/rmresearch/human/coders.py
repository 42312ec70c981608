"""Coders in the store: resolving their names, what they saw, writing their work as
revisions (`rmresearch.store.revisions`) and listing or restoring those revisions."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Sequence

import pandas as pd

from ..codebook import Codebook
from ..errors import InputError, join_allowed
from ..vocabulary import HUMAN_PREFIX

__all__ = ["write_human_codings", "summary_counts", "resolve_coders", "coder_seen",
           "coder_history", "restore_coder", "kept_users", "qdpx_notes", "notes_only"]


def write_human_codings(store: Any, codings: pd.DataFrame, seen: Iterable[tuple[str, str]],
                        params: dict[str, Any], codebook_hash: str | None = None, *,
                        scope: dict[str, set[str]] | None = None, source: str | None = None
                        ) -> Any:
    """Store human codings and the segments each coder saw in ONE transaction.

    Without ``scope`` the codings are added beside the coders' others and the run id is
    returned (see `ProjectStore.add_human_codings`). With ``scope`` (coder -> the segments
    this input speaks for) they replace each coder's codings there, as a new revision, and
    the `rmresearch.store.revisions.Revised` result is returned.
    """
    if scope is None:
        return store.add_human_codings(codings, params=params, codebook_hash=codebook_hash,
                                       seen=seen)
    return store.revise_human_codings(codings, seen=seen, scope=scope, params=params,
                                      codebook_hash=codebook_hash, source=source)


def summary_counts(revised: Any) -> dict[str, Any]:
    """``added, changed, removed, unchanged`` over every coder of a
    `rmresearch.store.revisions.Revised`, and ``revisions``: coder -> (revision, new)."""
    coders = revised.coders.values()
    return {**{k: sum(getattr(c, k) for c in coders)
               for k in ("added", "changed", "removed", "unchanged")},
            "revisions": {c.coder: (c.revision, c.new) for c in coders}}


def resolve_coders(store: Any, names: Sequence[str]) -> list[str]:
    """Full coder names: ``ensemble`` -> the latest ``ensemble@...``; ``ana`` -> ``human:ana``.

    Raises
    ------
    InputError
        A name that matches no coder in the store (the message lists the coders there).
    """
    latest = store.coder_latest_runs()
    out = []
    for name in (n.strip() for n in names if n.strip()):
        prefixed = [c for c in latest if c.startswith(f"{name}@")]
        if name in latest:
            out.append(name)
        elif "@" not in name and prefixed:
            out.append(max(prefixed, key=lambda c: (latest[c], c)))
        elif HUMAN_PREFIX + name in latest:
            out.append(HUMAN_PREFIX + name)
        else:
            raise InputError(f"no coder called '{name}' in the store.",
                             allowed=join_allowed(sorted(latest)) or "none yet: code or "
                             "import codings first.")
    return out


def coder_seen(store: Any, coders: Iterable[str]) -> dict[str, set[str]]:
    """The segments each coder saw: its ``coded`` rows plus the segments it coded."""
    return {c: store.coded_segment_ids(c) for c in coders}


def _human_coder(store: Any, name: str) -> str:
    """``ana`` or ``human:ana`` -> ``human:ana``, a human coder with revisions in the store.

    Raises
    ------
    InputError
        Naming the human coders that have revisions.
    """
    from ..refi.coders import coder_name

    full = coder_name(name)
    known = sorted(set(store.revisions()["coder"]))
    if full not in known:
        raise InputError(f"no human coder called '{name}' in the store.",
                         allowed=join_allowed([k[len(HUMAN_PREFIX):] for k in known]) +
                         " (with or without 'human:')" if known else
                         "none yet: import codings first.")
    return full


def coder_history(store_path: Any, coder: str) -> tuple[str, pd.DataFrame]:
    """A human coder's revisions, oldest first (see `ProjectStore.revisions`).

    Returns the full coder name and the table.
    """
    from ..store import ProjectStore

    with ProjectStore.open_existing(store_path) as store:
        full = _human_coder(store, coder)
        return full, store.revisions(full)


def restore_coder(store_path: Any, coder: str, revision: int) -> Any:
    """Make revision ``revision`` of a human coder current again, as a new revision; the
    `rmresearch.store.revisions.CoderRevision` of what that did."""
    from ..store import ProjectStore

    with ProjectStore.open_existing(store_path) as store:
        return store.restore_revision(_human_coder(store, coder), revision)


def kept_users(users: Iterable[str], codings: pd.DataFrame, stored: pd.DataFrame,
               held: set[str]) -> list[str]:
    """Notes on users of a ``.qdpx`` with no codings in it whose codings in the store on its
    documents are kept (only a file holding some of a coder's codings revises them)."""
    from ..refi.import_ import MACHINE_PREFIXES, coder_name

    named = {coder_name(n) for n in users
             if n.strip() and not n.strip().lower().startswith(MACHINE_PREFIXES)}
    notes = []
    for who in sorted(named - set(codings["coder"])):
        n = int(((stored["coder"] == who) & stored["segment_id"].isin(held)).sum())
        if n:
            notes.append(f"{who} is a user of the file but has no codings in it: their {n} "
                         "codings in the store on its documents are kept (a file revises a "
                         "coder's work only when it holds some of it).")
    return notes


def qdpx_notes(store: Any, path: Path, codebook: Codebook, qdpx: dict[str, Any],
               coder: str | None, project: Any = None) -> tuple[list[str], list[Any]]:
    """A .qdpx file's memos, notes and cue times placed on the store: the summary lines and
    the notes that could not be placed (`rmresearch.refi.notes_in.import_notes`; ``project``:
    the file as already read, so it is not read again)."""
    from ..refi.notes_in import import_notes

    found = import_notes(store, path, codebook, pseudonymiser=qdpx["pseudonymiser"],
                         coder=coder, project=project)
    return found.messages, found.unmatched


def notes_only(store: Any, path: Path, codebook: Codebook, qdpx: dict[str, Any],
               coder: str | None, project: Any = None) -> dict[str, Any]:
    """A .qdpx with no codings at all (only memos and notes): its notes are imported and the
    summary says there was nothing else; a file with no notes either is refused."""
    found, unplaced = qdpx_notes(store, path, codebook, qdpx, coder, project)
    if not found and not unplaced:
        raise InputError("holds no codings and no notes to import.", path=path,
                         allowed="a REFI-QDA project (.qdpx) with codings, memos or notes")
    return {"run_id": None, "codings": {}, "added": 0, "changed": 0, "removed": 0,
            "unchanged": 0, "revisions": {}, "seen": 0, "skipped": [], "offsets": {},
            "notes": ["The file holds no codings: only its notes were imported."] + found,
            "notes_unplaced": unplaced}
