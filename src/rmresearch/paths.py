"""Where rmresearch keeps its files: the project store, the pseudonym key, the quarantine.

The store and the key hold real names, so they live outside any published output folder; the
quarantine (files that failed the leak check) lives beside them.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["find_path", "default_store_path", "key_path", "quarantine_dir", "topic_cache_dir"]


def find_path(path: str | Path) -> Path:
    """Resolve a path given relative to the repository root, also when run from the notebook
    folder ``src/rmresearch/notebooks/`` (as JupyterLab and nbval do: the path is then taken
    from the nearest folder above that holds ``pyproject.toml`` and ``data/``); paths that do
    not exist yet resolve the same way."""
    path = Path(path)
    if path.is_absolute() or path.exists():
        return path
    cwd = Path.cwd()
    if cwd.name == "notebooks":
        for folder in cwd.parents:
            if (folder / "pyproject.toml").is_file() and (folder / "data").is_dir():
                return folder / path
    return path


def default_store_path(data: str | Path) -> Path:
    """Where a data folder's project store lives unless told otherwise.

    ``.rmresearch/<folder name>.rmproj`` under the current folder: outside ``outputs/``, since
    the store holds real names.
    """
    return find_path(".rmresearch") / f"{Path(data).resolve().name}.rmproj"


def key_path(store_path: str | Path, key: str | Path | None = None) -> Path:
    """The pseudonym key file: ``key`` when given, else ``<store file name>.key.json`` beside
    the store (``.rmresearch/cohorts.rmproj`` -> ``.rmresearch/cohorts.rmproj.key.json``)."""
    if key:
        return Path(key)
    store_path = Path(store_path)
    return store_path.with_name(store_path.name + ".key.json")


def topic_cache_dir(store_path: str | Path) -> Path:
    """Where fitted emergent topics are kept for the next run: ``<store>.topics``, beside the
    project store (they quote the project's real text, so they stay private with it)."""
    store_path = Path(store_path)
    return store_path.with_name(store_path.name + ".topics")


def quarantine_dir(store_path: str | Path, output: str | Path) -> Path:
    """Where files that fail the leak check go: ``<store>.quarantine/<output folder name>``,
    beside the project store and the key (private, never published)."""
    store_path = Path(store_path)
    return store_path.with_name(store_path.name + ".quarantine") / Path(output).resolve().name
