"""Training material for the model and ensemble coders.

Three sources, de-duplicated by text (labels of the same text are merged):

* the codebook: each code's examples (labelled with that code), and the not-codable examples
  (no level);
* the shipped training files (`TRAINING_FILES`, hand-written, each a list of
  ``{text, levels, valence}``), used when the codebook's codes are the four EDI levels:
  ``codebooks/edi_levels_training.yaml`` (the team's notes in varied voices) and
  ``codebooks/edi_levels_training_registers.yaml`` (registers the first lacks: news, board
  papers, inspections, evaluations, staff surveys, testimony, leaders' blogs, mentors' prose
  and bullet notes, transcribed speech), ``codebooks/edi_levels_training_valence.yaml``
  (findings whose words point away from their valence) and
  ``codebooks/edi_levels_training_roles.yaml`` (what is not a finding in mentors' notes,
  forms, minutes and emails, and findings that look like it);
* the shipped valence-only file (`VALENCE_TRAINING_FILES`,
  ``codebooks/edi_levels_training_valence_b.yaml``): its findings teach the valence
  classifiers and the role models alone (their levels are not learned: written with them,
  macro-F1 fell on every development set while valence rose; docs/evaluation.md), and its
  non-findings with a ``role`` teach the role models alone (`ROLE_ONLY`);
* human-coded segments (``coder`` starting ``human:``) passed as ``extra_segments``.

Discourse roles: an item may name its ``role`` (`vocabulary.ROLES`); an item with levels is a
finding, and one without levels or a role has no known role (it teaches no role model).

The shipped material, for the four EDI levels: the codebook's 240 examples; the training files'
763, 2,396, 887 and 570 items (the first two batches by two coders; registers of real
published text and real notes by eight more writers; findings whose words point away from
their valence by three more; what is not a finding in mentors' notes, forms, minutes and
emails, and findings that look like it, by two more); the valence-only file's 1,388 items by
four more writers (882 findings, 403 non-findings with a role). 6,140 distinct texts without
human codings: 4,235 findings and 773 non-findings of known role.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import yaml

from ..codebook import Codebook
from ..errors import CodingError, join_allowed
from ..vocabulary import FINDING, HUMAN_PREFIX, LEVELS, ROLES, VALENCES

__all__ = ["TrainingItem", "TrainingSet", "codebook_items", "training_file_items",
           "human_items", "build_training_set", "TRAINING_FILE", "TRAINING_FILES",
           "VALENCE_TRAINING_FILES", "VALENCE_ONLY", "ROLE_ONLY", "levels_known"]

TRAINING_FILE = "codebooks/edi_levels_training.yaml"
#: every shipped training file, in the order their items are read
TRAINING_FILES = (TRAINING_FILE, "codebooks/edi_levels_training_registers.yaml",
                  "codebooks/edi_levels_training_valence.yaml",
                  "codebooks/edi_levels_training_roles.yaml")
#: shipped files whose findings teach valence only (read after `TRAINING_FILES`)
VALENCE_TRAINING_FILES = ("codebooks/edi_levels_training_valence_b.yaml",)
#: `TrainingItem.source` of an item that teaches valence only; its row of `TrainingSet.Y` is -1
VALENCE_ONLY = "valence-only"
#: `TrainingItem.source` of a non-finding that teaches the role models only (row of -1 in ``Y``)
ROLE_ONLY = "role-only"


def levels_known(Y: np.ndarray) -> np.ndarray:
    """Boolean mask of the rows of a label matrix whose levels are known: a row of -1 is a
    `VALENCE_ONLY` text, which teaches valence and never a level."""
    return (np.asarray(Y) >= 0).all(axis=1)


@dataclass(frozen=True)
class TrainingItem:
    """One labelled text: its levels (empty = not codable), valence (None = unknown) and
    discourse role (None = unknown; an item with levels is a finding)."""

    text: str
    levels: tuple[str, ...]
    valence: str | None
    source: str
    role: str | None = None


@dataclass(frozen=True)
class TrainingSet:
    """Texts with a multi-label matrix over the codebook's codes, valences and roles (None:
    each text with a level is a finding, the others' roles are unknown; `role_labels`)."""

    texts: list[str]
    Y: np.ndarray            # (n, n_codes) 0/1; a row of -1: levels unknown (valence only)
    valences: list[str | None]
    sources: list[str]
    codes: list[str]
    roles: list[str | None] | None = None

    def role_labels(self) -> list[str | None]:
        """Each text's discourse role: ``roles`` where given, else `FINDING` for a text with
        a level (or a row of -1) and None for the others."""
        if self.roles is not None:
            return list(self.roles)
        return [FINDING if (row != 0).any() else None for row in np.asarray(self.Y)]

    @property
    def hash(self) -> str:
        """Short hash of the labelled content (part of the coder label)."""
        payload = json.dumps([self.codes, self.texts, self.Y.tolist(), self.valences,
                              self.role_labels()])
        return hashlib.sha256(payload.encode()).hexdigest()[:12]


def codebook_items(codebook: Codebook) -> list[TrainingItem]:
    """Each code's examples plus the not-codable examples."""
    items = [TrainingItem(ex.text, (code.id,), ex.valence, "codebook")
             for code in codebook.codes for ex in code.examples]
    items += [TrainingItem(ex.text, (), None, "codebook") for ex in codebook.not_codable_examples]
    return items


def training_file_items(codebook: Codebook, path: str | Path | None = None) -> list[TrainingItem]:
    """Items of a training file (default: every shipped one, `TRAINING_FILES`, only when the
    codebook's codes are the four EDI levels).

    Raises
    ------
    CodingError
        An item without text, or with a level or valence the codebook does not have (the
        file and item are named).
    """
    if path is not None:
        return _parse_items(yaml.safe_load(Path(path).read_text(encoding="utf-8")) or [],
                            codebook, str(path))
    if set(codebook.ids) != set(LEVELS):
        return []
    items: list[TrainingItem] = []
    for name in TRAINING_FILES + VALENCE_TRAINING_FILES:
        ref = resources.files("rmresearch").joinpath(name)
        if ref.is_file():
            data = yaml.safe_load(ref.read_text(encoding="utf-8")) or []
            parsed = _parse_items(data, codebook, f"rmresearch/{name}")
            if name in VALENCE_TRAINING_FILES:
                parsed = _valence_file_items(parsed)
            items += parsed
    return items


def _valence_file_items(parsed: list[TrainingItem]) -> list[TrainingItem]:
    """A valence-only file's findings with a valence (`VALENCE_ONLY`) and its non-findings
    with a role (`ROLE_ONLY`, valence dropped)."""
    out = []
    for it in parsed:
        if it.levels and it.valence is not None:
            out.append(TrainingItem(it.text, it.levels, it.valence, VALENCE_ONLY, FINDING))
        elif not it.levels and it.role is not None:
            out.append(TrainingItem(it.text, (), None, ROLE_ONLY, it.role))
    return out


def _parse_items(data: Any, codebook: Codebook, where: str) -> list[TrainingItem]:
    if not isinstance(data, list):
        raise CodingError(f"{where}: must be a list of {{text, levels, valence[, role]}} "
                          "items")
    items, problems = [], []
    for i, raw in enumerate(data, start=1):
        if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
            problems.append(f"item {i}: needs a 'text'")
            continue
        levels = raw.get("levels") or []
        levels = [levels] if isinstance(levels, str) else list(levels)
        bad = [lv for lv in levels if lv not in codebook.ids]
        if bad:
            problems.append(f"item {i}: unknown level(s) {bad}; allowed: "
                            f"{join_allowed(codebook.ids)}")
        val = raw.get("valence")
        if val is not None and val not in VALENCES:
            problems.append(f"item {i}: valence {val!r} is not one of {join_allowed(VALENCES)}")
            val = None
        role = raw.get("role")
        if role is not None and role not in ROLES:
            problems.append(f"item {i}: role {role!r} is not one of {join_allowed(ROLES)}")
        elif role not in (None, FINDING) and levels:
            problems.append(f"item {i}: role {role!r} with levels {levels}; only a "
                            f"{FINDING!r} has levels")
        role = FINDING if levels else role
        items.append(TrainingItem(raw["text"].strip(), tuple(levels), val, "training",
                                  role if role in ROLES else None))
    if problems:
        raise CodingError(f"{where}: " + "; ".join(problems[:10]))
    return items


def human_items(codings: Any, segments: Any, codes: Sequence[str] | None = None,
                ) -> list[TrainingItem]:
    """Training items from human codings (``coder`` starting ``human:``) of known segments,
    and from a person's role decisions (``segments.role_by`` starting ``human:``), in
    segment-id order.

    A segment's levels are its human codes that are among ``codes`` (all codes when None).
    A segment whose human codes are all outside ``codes`` is left out (it was coded with
    another frame), unless one of them is ``none`` (explicitly not codable). Absence of a
    row is never taken as "not codable". A segment a person called something other than a
    finding (a question, a heading...) is not codable, with that role, unless a person gave
    it a level (then it is a finding).
    """
    texts = {sid: t for sid, t in zip(segments["segment_id"].astype(str), segments["text"])
             if isinstance(t, str) and t.strip()}
    roles = _human_roles(segments)
    items: dict[str, TrainingItem] = {}
    if codings is not None and len(codings):
        human = codings[codings["coder"].astype(str).str.startswith(HUMAN_PREFIX)]
        for sid, group in human.groupby(human["segment_id"].astype(str), sort=True):
            found = set(group["code"].astype(str))
            levels = tuple(sorted(c for c in found if (codes is None or c in codes)
                                  and c != "none"))
            if sid not in texts or (not levels and "none" not in found):
                continue
            vals = [v for v in group.get("valence", []) if v in VALENCES]
            items[sid] = TrainingItem(texts[sid], levels, vals[0] if vals else None, "human",
                                      FINDING if levels else roles.get(sid))
    for sid, role in roles.items():
        if sid in texts and sid not in items:
            items[sid] = TrainingItem(texts[sid], (), None, "human", role)
    return [items[sid] for sid in sorted(items)]


def _human_roles(segments: Any) -> dict[str, str]:
    """Segment id -> the role a person gave it, where that role is not a finding."""
    if "role_by" not in segments.columns or "role" not in segments.columns:
        return {}
    decided = segments[segments["role_by"].fillna("").astype(str).str.startswith(HUMAN_PREFIX)
                       & segments["role"].isin([r for r in ROLES if r != FINDING])]
    return dict(zip(decided["segment_id"].astype(str), decided["role"].astype(str)))


def build_training_set(codebook: Codebook, items: Sequence[TrainingItem]) -> TrainingSet:
    """Merge items by text (union of levels, first known valence and role) into a
    `TrainingSet`; a text with a level is a finding, whatever an item's role says.

    A text whose every item is `VALENCE_ONLY` or `ROLE_ONLY` gets a row of -1 in ``Y`` (levels
    unknown).
    """
    codes = codebook.ids
    merged: dict[str, dict[str, Any]] = {}
    for item in items:
        if not item.text:
            continue
        entry = merged.setdefault(item.text, {"levels": set(), "valence": None, "role": None,
                                              "source": item.source, "known": False})
        if item.source not in (VALENCE_ONLY, ROLE_ONLY):
            if not entry["known"]:
                entry.update(known=True, source=item.source)
            entry["levels"].update(lv for lv in item.levels if lv in codes)
        if entry["valence"] is None and item.valence is not None:
            entry["valence"] = item.valence
        if entry["role"] is None:
            entry["role"] = FINDING if item.levels else item.role
    texts = list(merged)
    Y = np.zeros((len(texts), len(codes)), dtype=int)
    for i, text in enumerate(texts):
        for lv in merged[text]["levels"]:
            Y[i, codes.index(lv)] = 1
        if not merged[text]["known"]:
            Y[i] = -1
    roles = [FINDING if merged[t]["levels"] else merged[t]["role"] for t in texts]
    return TrainingSet(texts, Y, [merged[t]["valence"] for t in texts],
                       [merged[t]["source"] for t in texts], list(codes), roles)
