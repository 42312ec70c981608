"""Read a codebook YAML file (or the shipped default) and validate it.

The shipped frame is package data at `DEFAULT_CODEBOOK_PATH` inside ``rmresearch``.
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import CodebookError
from .check import parse_codebook
from .model import Codebook

__all__ = ["DEFAULT_CODEBOOK_PATH", "load_codebook", "default_codebook", "read_codebook_file"]

DEFAULT_CODEBOOK_PATH = "codebooks/edi_levels.yaml"


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and validate a codebook YAML file (the shipped default when ``path`` is None),
    or a REFI-QDA ``.qdc`` codebook (`rmresearch.refi.codebook_in.read_qdc`).

    Raises
    ------
    CodebookError
        With every problem found and where it is (YAML syntax errors give the line).
    """
    if path is None:
        return default_codebook()
    path = Path(path)
    if path.suffix.lower() == ".qdc":  # a REFI-QDA codebook from a QDA tool
        from ..refi.codebook_in import read_qdc

        return read_qdc(path)
    return _parse_text(read_codebook_file(path), str(path))


def read_codebook_file(path: str | Path) -> str:
    """The text of a codebook file (UTF-8, a byte-order mark allowed); a `CodebookError`
    naming the file when it is missing or unreadable."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CodebookError(f"file not found: {path}", path=str(path)) from None
    except (UnicodeDecodeError, IsADirectoryError) as exc:
        raise CodebookError(f"cannot be read as UTF-8 text ({exc.__class__.__name__})",
                            path=str(path)) from None
    except OSError as exc:
        raise CodebookError(f"cannot be read ({exc.strerror or exc})",
                            path=str(path)) from None


class _Loader(yaml.SafeLoader):
    """`yaml.SafeLoader` whose value errors say where the value is.

    A plain scalar that looks like a date but is not one (``2024-13-45``) or an explicit tag
    that does not fit (``!!int abc``) makes PyYAML raise a bare ValueError without a line.
    """

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, TypeError, OverflowError) as exc:
            value = node.value if isinstance(node.value, str) else node.tag
            raise yaml.constructor.ConstructorError(
                None, None, f"the value {value!r} cannot be read ({exc}); put it in quotes to "
                "keep it as text", node.start_mark) from None


def _parse_text(text: str, source: str) -> Codebook:
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CodebookError(f"{where}not valid YAML ({problem})", path=source) from None
    except RecursionError:
        raise CodebookError("not usable YAML: lists or mappings are nested hundreds deep",
                            path=source) from None
    return parse_codebook(data, source=source)


def default_codebook() -> Codebook:
    """The shipped four-level EDI frame (individual, departmental, organisational, symbolic)."""
    ref = resources.files("rmresearch").joinpath(DEFAULT_CODEBOOK_PATH)
    return _parse_text(ref.read_text(encoding="utf-8"), f"rmresearch/{DEFAULT_CODEBOOK_PATH}")
