"""Themes within levels: the second tier of the coding frame.

A themes file (the shipped one is ``codebooks/edi_themes.yaml``) has the codebook layout
(``name``, ``version``, ``description``, ``codes``), and every code in it is a *theme*:

* its ``id`` is ``<level>.<theme>`` (``individual.inclusive_language``), lower-case letters,
  digits and ``_``;
* its ``parent`` is a level of the levels codebook (the shipped four levels by default), and
  the id starts with that parent;
* every level has exactly one ``<level>.other`` theme, for findings no named theme fits;
* a named theme has examples or patterns (otherwise it could never be assigned).

Each theme's own fields (definition, include, exclude, examples, patterns, colour) are checked
by `parse_codebook`, the same validator as the levels; `load_themes` adds the checks above and
raises one `CodebookError` listing every problem with where it is and what is allowed.

The result is a `Codebook` holding the levels as top-level codes (definitions only: their
examples and patterns stay in the levels codebook) followed by the themes in file order, so
``themes.children("individual")`` lists a level's themes and the hierarchy is complete.
Its ``hash`` covers the themes file and the levels codebook's hash.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..errors import CodebookError, join_allowed
from .check import content_hash, parse_codebook
from .load import default_codebook, read_codebook_file
from .model import Code, Codebook

__all__ = ["DEFAULT_THEMES_PATH", "OTHER", "load_themes", "default_themes", "other_theme",
           "parse_themes", "level_of", "with_themes"]

DEFAULT_THEMES_PATH = "codebooks/edi_themes.yaml"
OTHER = "other"  # the slug of each level's catch-all theme
_TOP_KEYS = ("name", "version", "description", "codes")
_THEME_ID = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
_DOT = "-dot-"  # stands for '.' in the ids handed to parse_codebook (its ids have no dots)
_PROXY_ID = re.compile(r"\(id '([^']*)'\)")


def other_theme(level: str) -> str:
    """The id of a level's catch-all theme: ``other_theme("individual") == "individual.other"``."""
    return f"{level}.{OTHER}"


def level_of(theme_id: str) -> str:
    """The level part of a theme id: ``level_of("symbolic.role_models") == "symbolic"``."""
    return theme_id.split(".", 1)[0]


def _read_yaml(text: str, source: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CodebookError(f"{where}not valid YAML ({problem})", path=source) from None
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise CodebookError(f"a value cannot be read ({exc.__class__.__name__}: {exc}); put "
                            "dates and other odd values in quotes to keep them as text",
                            path=source) from None


def _check_theme(item: dict, where: str, levels: list[str], problems: list[str]
                 ) -> tuple[str | None, str | None]:
    """Theme-specific checks of one entry; return its (valid id or None, valid parent or None)."""
    tid, parent = item.get("id"), item.get("parent")
    good_id = isinstance(tid, str) and bool(_THEME_ID.match(tid))
    if not good_id:
        problems.append(f"{where}: id {tid!r} must be '<level>.<theme>' in lower-case letters, "
                        "digits and '_' (e.g. 'individual.inclusive_language')")
    where = f"{where} (id '{tid}')"
    good_parent = isinstance(parent, str) and parent in levels
    if not good_parent:
        problems.append(f"{where}: parent {parent!r} is not a level; every theme sits under "
                        f"one level: {join_allowed(levels)}")
    elif good_id and level_of(str(tid)) != parent:
        problems.append(f"{where}: the id must start with its parent level: "
                        f"'{parent}.{str(tid).split('.', 1)[1]}'")
    if good_id and str(tid).split(".", 1)[1] != OTHER \
            and not item.get("examples") and not item.get("patterns"):
        problems.append(f"{where}: has neither examples nor patterns, so it could never be "
                        "assigned; add examples (and patterns)")
    return (str(tid) if good_id else None), (str(parent) if good_parent else None)


def _theme_structure(data: dict, levels: list[str], problems: list[str]
                     ) -> tuple[list[Any], dict[str, str]]:
    """Check the top level and the theme entries; return the entries for `parse_codebook`
    (dots in ids replaced, invalid ids and parents neutralised) and proxy id -> shown id."""
    extra = [str(k) for k in data if k not in _TOP_KEYS]
    if extra:
        problems.append(f"top level: unknown key(s) {', '.join(repr(e) for e in extra)}; "
                        f"allowed keys: {join_allowed(_TOP_KEYS)} (themes take their valence "
                        "and not-codable rules from the levels codebook)")
    raw = data.get("codes")
    if not isinstance(raw, list) or not raw:
        problems.append("codes: must be a non-empty list of themes")
        return [], {}
    entries: list[Any] = []
    shown: dict[str, str] = {}
    for pos, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            entries.append(item)  # parse_codebook names the problem
            continue
        tid, parent = _check_theme(item, f"codes[{pos}]", levels, problems)
        proxy = tid.replace(".", _DOT) if tid else f"invalid{_DOT}id{_DOT}{pos}"
        shown[proxy] = tid if tid else str(item.get("id"))
        entries.append({**item, "id": proxy, "parent": parent})
    ids = [shown[e["id"]] for e in entries if isinstance(e, dict)]
    for level in levels:
        if other_theme(level) not in ids:
            problems.append(f"level '{level}': has no '{other_theme(level)}' theme; every "
                            "level needs exactly one, for findings that no named theme fits")
    return entries, shown


def _shown(problem: str, shown: dict[str, str]) -> str:
    return _PROXY_ID.sub(lambda m: f"(id '{shown.get(m.group(1), m.group(1))}')",
                         problem).replace(_DOT, ".")


def parse_themes(data: Any, codebook: Codebook | None = None, *,
                 source: str | None = None) -> Codebook:
    """Validate parsed themes YAML against the levels of ``codebook`` and build the themes
    `Codebook` (levels first, then themes); raise `CodebookError` listing every problem.

    Parameters
    ----------
    data : Any
        The parsed YAML.
    codebook : Codebook or None
        The levels codebook (its top-level codes are the levels); None is the shipped one.
    source : str or None
        Where the data came from, for messages.
    """
    levels_cb = codebook if codebook is not None else default_codebook()
    parents = levels_cb.children(None)
    levels = [c.id for c in parents]
    if not isinstance(data, dict):
        raise CodebookError("the file must hold a mapping with at least a 'codes' list of "
                            "themes", path=source)
    problems: list[str] = []
    entries, shown = _theme_structure(data, levels, problems)
    stubs = [{"id": c.id, "name": c.name, "definition": c.definition or c.id} for c in parents]
    proxy = {k: data[k] for k in ("name", "version", "description") if k in data}
    try:
        parsed = parse_codebook({**proxy, "codes": entries + stubs}, source=source)
    except CodebookError as exc:
        problems += [_shown(p, shown) for p in exc.problems]
        parsed = None
    if problems or parsed is None:
        raise CodebookError(problems, path=source)
    themes: list[Code] = [replace(c, id=shown[c.id]) for c in parsed.codes[:len(entries)]]
    tops = [replace(c, examples=(), patterns=()) for c in parents]
    return Codebook(
        name=parsed.name, version=parsed.version, description=parsed.description,
        codes=tuple(tops + themes), valence=levels_cb.valence, source=source,
        hash=content_hash({"themes": data, "levels": levels_cb.hash}))


def load_themes(path: str | Path | None = None, codebook: Codebook | None = None) -> Codebook:
    """Load and validate a themes YAML file against a levels codebook.

    Parameters
    ----------
    path : str, Path or None
        The themes file; None is the shipped ``codebooks/edi_themes.yaml``.
    codebook : Codebook or None
        The levels codebook the themes sit under; None is the shipped four-level frame.

    Returns
    -------
    Codebook
        The levels (definitions only) then the themes; ``children(level)`` lists a level's
        themes, the last-resort one being ``other_theme(level)``.

    Raises
    ------
    CodebookError
        Every problem found, with where it is and what is allowed.
    """
    if path is None and codebook is None:
        return default_themes()
    if path is None:
        ref = resources.files("rmresearch").joinpath(DEFAULT_THEMES_PATH)
        text, source = ref.read_text(encoding="utf-8"), f"rmresearch/{DEFAULT_THEMES_PATH}"
    else:
        source, text = str(path), read_codebook_file(path)
    return parse_themes(_read_yaml(text, source), codebook, source=source)


@lru_cache(maxsize=1)
def default_themes() -> Codebook:
    """The shipped themes under the shipped four levels (loaded once per process)."""
    ref = resources.files("rmresearch").joinpath(DEFAULT_THEMES_PATH)
    source = f"rmresearch/{DEFAULT_THEMES_PATH}"
    return parse_themes(_read_yaml(ref.read_text(encoding="utf-8"), source), None,
                        source=source)


def with_themes(codebook: Codebook, themes: Codebook | None = None) -> Codebook:
    """``codebook`` with the themes under its levels, for exports that carry the hierarchy.

    The levels keep everything the codebook says of them (definitions, rules, examples); the
    themes (default: the shipped ones) are added under the level each belongs to. When a
    theme's level is not a code of ``codebook`` (a project's own frame), ``codebook`` comes
    back unchanged.
    """
    themes = themes if themes is not None else default_themes()
    extra = [c for c in themes.codes if c.parent is not None]
    if not extra or any(c.parent not in codebook.ids for c in extra) \
            or any(c.id in codebook.ids for c in extra):
        return codebook
    return replace(codebook, codes=tuple(codebook.codes) + tuple(extra))
