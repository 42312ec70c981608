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
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

import yaml

from .errors import CodebookError, join_allowed

__all__ = [
    "VALENCES",
    "LEVELS",
    "Example",
    "Pattern",
    "Code",
    "Codebook",
    "load_codebook",
    "default_codebook",
    "DEFAULT_CODEBOOK_PATH",
]

VALENCES: tuple[str, ...] = ("positive", "attention", "neutral")
LEVELS: tuple[str, ...] = ("individual", "departmental", "organisational", "symbolic")

_TOP_KEYS = {"name", "version", "description", "valence", "not_codable", "codes"}
_CODE_KEYS = {"id", "name", "parent", "colour", "definition", "include", "exclude", "examples",
              "patterns"}
_VALENCE_KEYS = {"name", "definition", "colour", "patterns"}
_NOT_CODABLE_KEYS = {"definition", "examples"}
_ID_RE = re.compile(r"^[a-z][a-z0-9_\-]*$")
_COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
DEFAULT_CODEBOOK_PATH = "codebooks/edi_levels.yaml"


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


# --------------------------------------------------------------------------- parsing helpers
def _str_list(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: must be a list of text lines")
        return ()
    return tuple(v.strip() for v in value if v.strip())


def _examples(value: Any, where: str, problems: list[str]) -> tuple[Example, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(f"{where}: must be a list")
        return ()
    out: list[Example] = []
    for i, item in enumerate(value):
        loc = f"{where}[{i + 1}]"
        if isinstance(item, str):
            if item.strip():
                out.append(Example(item.strip()))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            problems.append(f"{loc}: an example is a text, or a mapping with 'text' (and "
                            "optionally 'valence')")
            continue
        extra = set(item) - {"text", "valence"}
        if extra:
            problems.append(f"{loc}: unknown key(s) {sorted(extra)}; allowed: 'text', 'valence'")
        val = item.get("valence")
        if val is not None and val not in VALENCES:
            problems.append(f"{loc}: valence '{val}' is not one of {join_allowed(VALENCES)}")
            val = None
        if item["text"].strip():
            out.append(Example(item["text"].strip(), val))
        else:
            problems.append(f"{loc}: example text is empty")
    return tuple(out)


def _patterns(value: Any, where: str, problems: list[str]) -> tuple[Pattern, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(f"{where}: must be a list of phrases or {{tokens: [...]}} mappings")
        return ()
    out: list[Pattern] = []
    for i, item in enumerate(value):
        loc = f"{where}[{i + 1}]"
        if isinstance(item, str) and item.strip():
            out.append(Pattern(phrase=item.strip()))
        elif isinstance(item, dict) and set(item) == {"tokens"} and isinstance(item["tokens"], list) \
                and item["tokens"] and all(isinstance(t, dict) and t for t in item["tokens"]):
            out.append(Pattern(tokens=tuple(dict(t) for t in item["tokens"])))
        else:
            problems.append(f"{loc}: a pattern is a non-empty phrase or a mapping "
                            "{tokens: [{LEMMA: ...}, ...]} with at least one token")
    return tuple(out)


def _colour(value: Any, where: str, problems: list[str], default: str) -> str:
    if value is None:
        return default
    if not isinstance(value, str) or not _COLOUR_RE.match(value):
        problems.append(f"{where}: colour {value!r} is not a '#RRGGBB' hex colour")
        return default
    return value.upper()


def _unknown_keys(item: Mapping[str, Any], allowed: set[str], where: str,
                  problems: list[str]) -> None:
    extra = sorted(str(k) for k in set(item) - allowed)
    if extra:
        problems.append(f"{where}: unknown key(s) {', '.join(repr(e) for e in extra)}; "
                        f"allowed keys: {join_allowed(sorted(allowed))}")


def _parse_code(item: Any, where: str, problems: list[str]) -> Code | None:
    if not isinstance(item, dict):
        problems.append(f"{where}: each code must be a mapping with at least 'id' and 'definition'")
        return None
    _unknown_keys(item, _CODE_KEYS, where, problems)
    cid = item.get("id")
    if not isinstance(cid, str) or not _ID_RE.match(cid):
        problems.append(f"{where}: id {cid!r} must be lower-case letters, digits, '_' or '-', "
                        "starting with a letter")
        cid = str(cid)
    where = f"{where} (id '{cid}')"
    definition = item.get("definition")
    if not isinstance(definition, str) or not definition.strip():
        problems.append(f"{where}: definition is empty; every code needs a definition")
        definition = ""
    parent = item.get("parent")
    if parent is not None and not isinstance(parent, str):
        problems.append(f"{where}: parent must be the id of another code or null")
        parent = None
    name = item.get("name") or cid
    return Code(
        id=cid, name=str(name), definition=definition.strip(), parent=parent,
        colour=_colour(item.get("colour"), where, problems, "#777777"),
        include=_str_list(item.get("include"), f"{where}.include", problems),
        exclude=_str_list(item.get("exclude"), f"{where}.exclude", problems),
        examples=_examples(item.get("examples"), f"{where}.examples", problems),
        patterns=_patterns(item.get("patterns"), f"{where}.patterns", problems),
    )


def _check_tree(codes: list[Code], problems: list[str]) -> None:
    seen: dict[str, int] = {}
    for pos, code in enumerate(codes, start=1):
        if code.id in seen:
            problems.append(f"codes[{pos}]: duplicate id '{code.id}' (first used at "
                            f"codes[{seen[code.id]}])")
        else:
            seen[code.id] = pos
    parents = {c.id: c.parent for c in codes}
    for pos, code in enumerate(codes, start=1):
        if code.parent is not None and code.parent not in parents:
            problems.append(f"codes[{pos}] (id '{code.id}'): unknown parent '{code.parent}'; "
                            f"known ids: {join_allowed(sorted(parents))}")
    reported: set[str] = set()
    for start in parents:
        chain, node = [start], parents.get(start)
        while node is not None and node in parents and node not in chain:
            chain.append(node)
            node = parents[node]
        if node is not None and node in chain and node not in reported:
            cycle = chain[chain.index(node):] + [node]
            reported.update(cycle)
            problems.append("parent cycle: " + " -> ".join(cycle))


def _parse_valence(raw: Any, problems: list[str]) -> dict[str, ValenceDef]:
    defaults = {"positive": ("Good practice", "#2E7D32"),
                "attention": ("Area requiring attention", "#C62828"),
                "neutral": ("Neutral", "#757575")}
    out: dict[str, ValenceDef] = {}
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        problems.append("valence: must be a mapping with keys 'positive', 'attention', 'neutral'")
        raw = {}
    for key in raw:
        if key not in VALENCES:
            problems.append(f"valence: unknown valence '{key}'; allowed: {join_allowed(VALENCES)}")
    for vid in VALENCES:
        item = raw.get(vid) or {}
        where = f"valence.{vid}"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be a mapping")
            item = {}
        _unknown_keys(item, _VALENCE_KEYS, where, problems)
        name, colour = defaults[vid]
        out[vid] = ValenceDef(
            id=vid, name=str(item.get("name") or name),
            definition=str(item.get("definition") or "").strip(),
            colour=_colour(item.get("colour"), where, problems, colour),
            patterns=_patterns(item.get("patterns"), f"{where}.patterns", problems))
    return out


def content_hash(data: Mapping[str, Any]) -> str:
    """Hash of the canonical JSON of the parsed YAML: formatting and comments do not count.

    Values JSON has no type for (YAML dates, binary) count as their text.
    """
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                           default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]


def parse_codebook(data: Any, *, source: str | None = None) -> Codebook:
    """Validate parsed YAML and build a `Codebook`; raise `CodebookError` listing every problem."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise CodebookError("the file must hold a mapping with at least a 'codes' list",
                            path=source)
    _unknown_keys(data, _TOP_KEYS, "top level", problems)
    raw_codes = data.get("codes")
    if not isinstance(raw_codes, list) or not raw_codes:
        problems.append("codes: must be a non-empty list of codes")
        raw_codes = []
    codes = [c for i, item in enumerate(raw_codes)
             if (c := _parse_code(item, f"codes[{i + 1}]", problems)) is not None]
    _check_tree(codes, problems)
    valence = _parse_valence(data.get("valence"), problems)
    nc = data.get("not_codable") or {}
    if not isinstance(nc, dict):
        problems.append("not_codable: must be a mapping with 'definition' and 'examples'")
        nc = {}
    _unknown_keys(nc, _NOT_CODABLE_KEYS, "not_codable", problems)
    nc_examples = _examples(nc.get("examples"), "not_codable.examples", problems)
    if problems:
        raise CodebookError(problems, path=source)
    try:
        digest = content_hash(data)
    except (TypeError, ValueError, RecursionError):
        raise CodebookError("a value cannot be read as plain data: a mapping whose keys mix "
                            "text and numbers, lists or mappings nested hundreds deep, or a "
                            "YAML alias (*name) that refers to its own anchor (&name); write "
                            "keys as text and remove the self-reference", path=source) from None
    return Codebook(
        name=str(data.get("name") or "codebook"), version=str(data.get("version") or "1"),
        description=str(data.get("description") or "").strip(), codes=tuple(codes),
        valence=valence, not_codable_definition=str(nc.get("definition") or "").strip(),
        not_codable_examples=nc_examples, source=source, hash=digest)


def load_codebook(path: str | Path | None = None) -> Codebook:
    """Load and validate a codebook YAML file (the shipped default when ``path`` is None).

    Raises
    ------
    CodebookError
        With every problem found and where it is (YAML syntax errors give the line).
    """
    if path is None:
        return default_codebook()
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CodebookError(f"file not found: {path}", path=path) from None
    except (UnicodeDecodeError, IsADirectoryError) as exc:
        raise CodebookError(f"cannot be read as UTF-8 text ({exc.__class__.__name__})",
                            path=path) from None
    except OSError as exc:
        raise CodebookError(f"cannot be read ({exc.strerror or exc})", path=path) from None
    return _parse_text(text, str(path))


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
