"""Settings read from the environment: the only module that reads ``os.environ``.

| variable | meaning | default |
|---|---|---|
| ``RMRESEARCH_CACHE_DIR`` | on-disk embedding cache | ``~/.cache/rmresearch`` |
| ``RMRESEARCH_MAX_FILE_MB`` | largest input file read, in MB (0: no limit) | 100 |
| ``RMRESEARCH_MAX_UNZIPPED_MB`` | most an archive (.docx, .xlsx, .qdpx) unpacks to, in MB | 100 |
| ``RMRESEARCH_MAX_ZIP_ENTRIES`` | most entries in an archive read | 10000 |
| ``RMRESEARCH_MAX_ZIP_RATIO`` | highest compression ratio of an archive entry over 10 MB | 200 |
| ``RMRESEARCH_MAX_SHEET_ROWS`` | most rows read from a worksheet | 500000 |
| ``RMRESEARCH_MAX_SHEET_COLUMNS`` | most columns read from a worksheet | 1000 |
| ``RMRESEARCH_NOTEBOOKS`` | a folder of report notebooks to use instead of the shipped ones | - |
| ``RMRESEARCH_DEBUG`` | show tracebacks for unexpected errors | off |
| ``RMRESEARCH_FAULT_AT`` | test-only: kill the process at named checkpoints | - |

For every limit, 0 turns it off. `OFFLINE` lists the variables that keep Hugging Face libraries
off the network, which `apply_offline_defaults` sets (without overriding a value the user gave).
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

__all__ = ["OFFLINE", "apply_offline_defaults", "get", "cache_dir", "max_file_mb_setting",
           "MAX_UNZIPPED_MB_ENV", "MAX_ZIP_ENTRIES_ENV", "MAX_ZIP_RATIO_ENV",
           "MAX_SHEET_ROWS_ENV", "MAX_SHEET_COLUMNS_ENV", "max_unzipped_mb_setting",
           "max_zip_entries_setting", "max_zip_ratio_setting", "max_sheet_rows_setting",
           "max_sheet_columns_setting", "notebooks_override", "debug", "fault_spec",
           "environ_without", "without_variable", "freeze_long_lived"]

OFFLINE: dict[str, str] = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                           "HF_DATASETS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
                           "MPLBACKEND": "Agg"}


def freeze_long_lived() -> None:
    """Leave every object alive now out of the cycle collector's walks (`gc.freeze`), after
    one full collection.

    Called when the process has built something it keeps for its life (the rule coder's
    matchers, the sentence model). A full collection walks every tracked object: with spaCy
    loaded that is over 200,000 objects and about 0.1 s a walk, and coding a few thousand
    segments set off enough of them to take a third of the rule coder's time. Frozen objects
    are still freed by reference counting as usual; only a reference cycle among them would
    never be collected.
    """
    import gc

    gc.collect()
    gc.freeze()


def apply_offline_defaults() -> None:
    """Set every `OFFLINE` variable that is not already set: nothing downloads a model."""
    for name, value in OFFLINE.items():
        os.environ.setdefault(name, value)


def get(name: str, default: str | None = None) -> str | None:
    """An environment variable's value (stripped), or ``default`` when unset or blank."""
    value = os.environ.get(name, "").strip()
    return value or default


def cache_dir() -> Path:
    """The embedding cache folder: ``RMRESEARCH_CACHE_DIR``, else ``~/.cache/rmresearch``."""
    value = get("RMRESEARCH_CACHE_DIR")
    return Path(value).expanduser() if value else Path.home() / ".cache" / "rmresearch"


def max_file_mb_setting() -> str | None:
    """``RMRESEARCH_MAX_FILE_MB`` as given (checked by the ingest step), or None."""
    return get("RMRESEARCH_MAX_FILE_MB")


# Limits on reading archives and worksheets; refusals name the variable that raises them.
MAX_UNZIPPED_MB_ENV = "RMRESEARCH_MAX_UNZIPPED_MB"
MAX_ZIP_ENTRIES_ENV = "RMRESEARCH_MAX_ZIP_ENTRIES"
MAX_ZIP_RATIO_ENV = "RMRESEARCH_MAX_ZIP_RATIO"
MAX_SHEET_ROWS_ENV = "RMRESEARCH_MAX_SHEET_ROWS"
MAX_SHEET_COLUMNS_ENV = "RMRESEARCH_MAX_SHEET_COLUMNS"


def max_unzipped_mb_setting() -> str | None:
    """``RMRESEARCH_MAX_UNZIPPED_MB`` as given (checked by `rmresearch.archive`), or None."""
    return get(MAX_UNZIPPED_MB_ENV)


def max_zip_entries_setting() -> str | None:
    """``RMRESEARCH_MAX_ZIP_ENTRIES`` as given (checked by `rmresearch.archive`), or None."""
    return get(MAX_ZIP_ENTRIES_ENV)


def max_zip_ratio_setting() -> str | None:
    """``RMRESEARCH_MAX_ZIP_RATIO`` as given (checked by `rmresearch.archive`), or None."""
    return get(MAX_ZIP_RATIO_ENV)


def max_sheet_rows_setting() -> str | None:
    """``RMRESEARCH_MAX_SHEET_ROWS`` as given (checked by the worksheet reader), or None."""
    return get(MAX_SHEET_ROWS_ENV)


def max_sheet_columns_setting() -> str | None:
    """``RMRESEARCH_MAX_SHEET_COLUMNS`` as given (checked by the worksheet reader), or None."""
    return get(MAX_SHEET_COLUMNS_ENV)


def notebooks_override() -> Path | None:
    """``RMRESEARCH_NOTEBOOKS``: a folder of notebooks to run instead of the shipped ones."""
    value = get("RMRESEARCH_NOTEBOOKS")
    return Path(value) if value else None


def debug() -> bool:
    """True when ``RMRESEARCH_DEBUG`` is set: unexpected errors show their traceback."""
    return bool(get("RMRESEARCH_DEBUG"))


def fault_spec() -> str | None:
    """``RMRESEARCH_FAULT_AT``: the checkpoints where a fault test kills the process."""
    return get("RMRESEARCH_FAULT_AT")


def environ_without(*names: str) -> dict[str, str]:
    """A copy of the environment without ``names`` (for child processes)."""
    return {k: v for k, v in os.environ.items() if k not in names}


@contextmanager
def without_variable(name: str) -> Iterator[str | None]:
    """Remove ``name`` from this process's environment for the ``with`` block (child
    processes started inside it do not inherit it), then put its old value back; yields the
    old value (None when it was unset)."""
    saved = os.environ.pop(name, None)
    try:
        yield saved
    finally:
        if saved is not None:
            os.environ[name] = saved
