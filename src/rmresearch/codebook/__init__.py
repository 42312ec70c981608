"""Codebooks: load, validate and hash the coding frame.

A codebook is a YAML file::

    name: EDI levels of operation
    version: "1.0"
    description: ...
    valence:                       # the valence dimension (exactly these three ids)
      positive:  {name: Good practice, definition: ..., colour: "#2E7D32", patterns: [...]}
      attention: {name: Area requiring attention, definition: ..., colour: "#C62828", patterns: [...]}
      neutral:   {name: Neutral, definition: ..., colour: "#757575"}
    not_codable:                   # process talk that gets no level
      definition: ...
      examples: ["Shall we book the next session for March?", ...]
    codes:
      - id: individual             # lower-case letters, digits, '_' or '-'
        name: Individual
        parent: null               # or the id of another code
        colour: "#1F77B4"          # '#RRGGBB'
        definition: ...            # required, non-empty
        include: [when to apply, ...]
        exclude: [when not to apply, ...]
        examples:                  # strings, or {text: ..., valence: positive|attention|neutral}
          - text: "She thanked the porters by name in the huddle."
            valence: positive
        patterns:                  # phrases (matched on lemmas) or spaCy token patterns
          - inclusive language
          - tokens: [{LEMMA: praise}, {LOWER: staff}]

`load_codebook` reports every problem at once (with its location) as a `CodebookError`.

- model: the frozen `Codebook`, `Code`, `Example`, `Pattern`, `ValenceDef`
- check: `parse_codebook` (validate parsed YAML, every problem at once) and `content_hash`
- load: `load_codebook` (a YAML file), `default_codebook` (the shipped frame)

The levels and valences themselves are `rmresearch.vocabulary.LEVELS` and ``VALENCES``.
"""
from __future__ import annotations

from ..vocabulary import LEVELS, VALENCES
from .check import content_hash, parse_codebook
from .load import DEFAULT_CODEBOOK_PATH, default_codebook, load_codebook
from .model import Code, Codebook, Example, Pattern, ValenceDef
from .themes import default_themes, load_themes

__all__ = [
    "VALENCES",
    "LEVELS",
    "Example",
    "Pattern",
    "Code",
    "ValenceDef",
    "Codebook",
    "parse_codebook",
    "content_hash",
    "load_codebook",
    "default_codebook",
    "DEFAULT_CODEBOOK_PATH",
    "load_themes", "default_themes",
]
