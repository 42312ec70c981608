"""Validate parsed codebook YAML and build the `Codebook`: every problem at once, with where.

A problem names its place as a path into the file (``codes[2] (id 'symbolic').examples[1]``)
and says what is allowed; `parse_codebook` raises one `CodebookError` listing them all.
"""
from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Mapping

from ..errors import CodebookError, join_allowed
from ..vocabulary import VALENCES
from .model import Code, Codebook, Example, Pattern, ValenceDef

__all__ = ["parse_codebook", "content_hash"]

_TOP_KEYS = {"name", "version", "description", "valence", "not_codable", "codes"}
_CODE_KEYS = {"id", "name", "parent", "colour", "definition", "include", "exclude", "examples",
              "patterns"}
_VALENCE_KEYS = {"name", "definition", "colour", "patterns"}
_NOT_CODABLE_KEYS = {"definition", "examples"}
_ID_RE = re.compile(r"^[a-z][a-z0-9_\-]*$")
_COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")


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
            problems += _token_problems(item["tokens"], loc)
            out.append(Pattern(tokens=tuple(dict(t) for t in item["tokens"])))
        else:
            problems.append(f"{loc}: a pattern is a non-empty phrase or a mapping "
                            "{tokens: [{LEMMA: ...}, ...]} with at least one token")
    return tuple(out)


#: token attributes whose values are words (LIKE_NUM, IS_PUNCT ... take true/false)
_WORD_ATTRS = {"LOWER", "LEMMA", "ORTH", "TEXT", "NORM"}


def _token_problems(tokens: list[dict], where: str) -> list[str]:
    """Token values that are not words: YAML reads an unquoted on, off, yes or no as true or
    false, which spaCy's matcher rejects with a message about its own internals."""
    problems = []
    for j, token in enumerate(tokens, start=1):
        for attr, value in token.items():
            words = value.get("IN", value.get("NOT_IN", [])) if isinstance(value, dict) \
                else [value]
            if attr in _WORD_ATTRS and any(isinstance(w, bool) for w in words):
                problems.append(f"{where}, token {j}: {attr} is {value!r}, not a word: YAML "
                                "reads an unquoted on, off, yes or no as true/false; put the "
                                'word in quotes ({LOWER: "on"})')
    return problems


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
