"""A project: a data folder, its store, and the coded tables the analyses read.

`prepare_project` is idempotent: it ingests what changed and codes only segments the current
machine coder has not seen, so notebooks can call it whether or not the batch ran first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import InputError, join_allowed, resource_errors
from .paths import default_store_path, find_path
from .vocabulary import MACHINE_CODER, is_human

__all__ = ["Project", "prepare_project", "import_human_sheets", "default_store_path",
           "find_path"]


@dataclass
class Project:
    """The tables of one project store, read once.

    Attributes
    ----------
    documents, segments, codings, responses : DataFrames as `ProjectStore` returns them.
    coder : the machine coder whose codings the reports use.
    codebook : the `Codebook` used.
    """

    store_path: Path
    documents: pd.DataFrame
    segments: pd.DataFrame
    codings: pd.DataFrame
    responses: pd.DataFrame
    coder: str
    codebook: Any
    counts: dict[str, Any] = field(default_factory=dict)

    @property
    def cohorts(self) -> list[str]:
        """Cohort ids present, sorted."""
        return sorted(self.documents["cohort"].dropna().unique().tolist())

    def check_cohorts(self, cohorts: list[str] | None) -> list[str]:
        """Return ``cohorts`` (all when None) or raise naming the unknown ones."""
        if not cohorts:
            return self.cohorts
        unknown = [c for c in cohorts if c not in self.cohorts]
        if unknown:
            raise InputError(f"cohort(s) {unknown} are not in the data.",
                             path=self.store_path, allowed=join_allowed(self.cohorts))
        return list(cohorts)

    @property
    def human_coders(self) -> list[str]:
        """Human coders with codings in the store."""
        return sorted(c for c in self.codings["coder"].unique() if is_human(c))


def prepare_project(data: str | Path | None = None, store: str | Path | None = None,
                    codebook: str | Path | None = None, *, code: bool | None = None,
                    progress: bool = False, lenient_forms: bool = False) -> Project:
    """Ingest ``data`` (if given) into ``store``, code new segments, and load the tables.

    The data folder is read and checked before the store is opened, so input that is
    refused leaves no store behind (and an existing store as it was).

    Parameters
    ----------
    data : folder with a manifest; None to use the store as it is.
    store : project store path (default: `default_store_path` of ``data``); without
        ``data`` it must exist.
    codebook : codebook YAML (default: the shipped frame).
    code : run the machine coder on segments it has not seen (default: when ``data`` is
        given, or when the store has no machine codings yet).
    progress : show progress bars.
    lenient_forms : keep form answers to 1-10 items that are not scores as missing (see
        `rmresearch.ingest.ingest_folder`); they are listed in ``counts["kept_missing"]``
        and their number is recorded with the ingest run.

    Raises
    ------
    InputError
        Neither ``data`` nor ``store`` given, or the data folder refused (nothing written).
    StoreError
        No ``data`` and no store at ``store``.
    """
    from .codebook import load_codebook
    from .store import require_store

    if data is None and store is None:
        raise InputError("give a data folder or a project store.")
    store_path = find_path(store) if store else default_store_path(find_path(data))
    cb = load_codebook(codebook)
    counts: dict[str, Any] = {}
    if data is not None:
        counts.update(_ingest(data, store_path, lenient_forms))
        counts["human"] = import_human_sheets(store_path, find_path(data) / "codings", cb)
    else:
        require_store(store_path)
    if code is None:
        code = data is not None
    coder = None if code else _latest_machine_coder(store_path)
    if code or coder is None:
        from .coding.project import code_store

        counts["coding"] = code_store(store_path, cb, progress=progress)
        coder = counts["coding"]["coder"]
    from .store import ProjectStore

    with ProjectStore.open(store_path) as st, st.snapshot():  # tables of one commit
        return Project(store_path=store_path, documents=st.documents(), segments=st.segments(),
                       codings=st.codings(), responses=st.responses(), coder=coder,
                       codebook=cb, counts=counts)


def _ingest(data: str | Path, store_path: Path, lenient_forms: bool) -> dict[str, Any]:
    """Read and check ``data``, then (and only then) open the store and ingest it; the
    counts and the form answers kept as missing."""
    from .ingest import ingest_folder
    from .store import ProjectStore

    result = ingest_folder(find_path(data), lenient_forms=lenient_forms)  # refused: no store
    params: dict[str, Any] = {"data": str(data), "manifest": str(result.manifest_path)}
    if lenient_forms:
        params.update(lenient_forms=True, answers_kept_missing=len(result.kept_missing))
    with resource_errors(store_path, "writing the project store",
                         kept="The project store is as it was."), \
            ProjectStore.open(store_path) as st:
        return {"ingest": st.ingest(result, params=params), "kept_missing": result.kept_missing}


def import_human_sheets(store_path: Path, folder: Path, codebook: Any) -> list[str]:
    """Import each coding sheet in ``folder`` (``.csv``/``.xlsx`` wide or long, ``.qdpx``)
    not imported before (by content hash); a wide sheet's coder is named after the file.

    Returns the names of the files imported now.
    """
    import hashlib

    from .human.sheets import import_codings
    from .store import ProjectStore

    sheets = sorted(p for p in folder.glob("*") if p.suffix.lower() in (".csv", ".xlsx", ".qdpx")
                    ) if folder.is_dir() else []
    if not sheets:
        return []
    with ProjectStore.open(store_path) as st:
        done = {params.get("sha256") for params in st.run_parameters("human")}
    imported = []
    for sheet in sheets:
        sha = hashlib.sha256(sheet.read_bytes()).hexdigest()
        if sha in done:
            continue
        coder = None if sheet.suffix.lower() == ".qdpx" else sheet.stem
        import_codings(store_path, sheet, coder=coder, codebook=codebook,
                       extra_params={"sha256": sha})
        imported.append(sheet.name)
    return imported


def _latest_machine_coder(store_path: Path) -> str | None:
    """The ensemble coder of the store's latest coding run, or None if nothing was coded."""
    from .store import ProjectStore

    with ProjectStore.open(store_path) as st:
        return st.latest_machine_coder(f"{MACHINE_CODER}@")
