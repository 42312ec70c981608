"""The codebook as data: frozen `Codebook`, `Code`, `Example`, `Pattern` and `ValenceDef`.

Build one with `rmresearch.codebook.load_codebook` (a YAML file) or
`rmresearch.codebook.parse_codebook` (parsed YAML); both validate it first.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..errors import join_allowed

__all__ = ["Example", "Pattern", "Code", "ValenceDef", "Codebook"]


@dataclass(frozen=True)
class Example:
    """A worked example of a code (or of uncodable text), with an optional valence."""

    text: str
    valence: str | None = None


@dataclass(frozen=True)
class Pattern:
    """A phrase (matched on lemmas) or a spaCy token pattern (list of token dicts)."""

    phrase: str | None = None
    tokens: tuple[Mapping[str, Any], ...] | None = None

    @property
    def label(self) -> str:
        """Readable form for evidence columns."""
        return self.phrase if self.phrase is not None else json.dumps(list(self.tokens or ()))


@dataclass(frozen=True)
class Code:
    """One code of the frame."""

    id: str
    name: str
    definition: str
    parent: str | None = None
    colour: str = "#777777"
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()
    patterns: tuple[Pattern, ...] = ()


@dataclass(frozen=True)
class ValenceDef:
    """One pole of the valence dimension."""

    id: str
    name: str
    definition: str
    colour: str = "#777777"
    patterns: tuple[Pattern, ...] = ()


@dataclass(frozen=True)
class Codebook:
    """A validated coding frame with a content hash.

    Attributes
    ----------
    codes : tuple of Code, in file order.
    valence : mapping from valence id to `ValenceDef`.
    not_codable_examples : examples of process talk that gets no code.
    hash : first 12 hex digits of the sha256 of the canonical content (records in outputs).
    """

    name: str
    version: str
    description: str
    codes: tuple[Code, ...]
    valence: Mapping[str, ValenceDef]
    not_codable_definition: str = ""
    not_codable_examples: tuple[Example, ...] = ()
    source: str | None = None
    hash: str = field(default="")

    @property
    def ids(self) -> list[str]:
        """Code ids in file order."""
        return [c.id for c in self.codes]

    def __getitem__(self, code_id: str) -> Code:
        for code in self.codes:
            if code.id == code_id:
                return code
        raise KeyError(f"No code '{code_id}' in codebook {self.name}; "
                       f"known codes: {join_allowed(self.ids)}")

    def children(self, code_id: str | None) -> list[Code]:
        """Codes whose parent is ``code_id`` (``None`` for top level)."""
        return [c for c in self.codes if c.parent == code_id]
