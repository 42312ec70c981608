"""The pseudonym key: who is who. It is the one file that can re-identify people.

Keep it beside the project store (`default_key_path`, i.e. `rmresearch.paths.key_path`),
never under a published output folder, never in version control. The file is written
atomically with owner-only permissions (the temporary file is made mode 0600, whatever the
umask, and renamed; folders the save creates are made 0700).
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from ..atomic import atomic_write_text
from ..errors import PseudonymKeyError
from ..paths import key_path as default_key_path
from .identifiers import DEFAULT_STAFF_ID_PATTERN, KINDS

__all__ = ["Person", "Identifier", "PseudonymKey", "PseudonymKeyError", "default_key_path",
           "ROLE_LABELS", "letters"]

FORMAT = "rmresearch-pseudonym-key"
ROLE_LABELS = {"mentor": "Mentor", "leader": "Leader", "other": "Person"}
_WARNING = ("This file links pseudonyms to real people. Keep it private: never publish it, "
            "never put it under an outputs folder, never commit it.")


@dataclass
class Person:
    """One real person and their pseudonym.

    ``role`` is 'mentor', 'leader' (the pair's mentee) or 'other'; ``name`` the canonical
    real name; ``aliases`` other ways they are written (speaker labels, "Dr Marsh");
    ``pairs`` the pair ids they belong to; ``source`` where the name first came from
    ('manifest', 'speaker', 'extra' or 'detected').
    """

    pseudonym: str
    role: str
    name: str
    aliases: list[str] = field(default_factory=list)
    pairs: list[str] = field(default_factory=list)
    source: str = "detected"

    def names(self) -> list[str]:
        """The canonical name followed by the aliases."""
        return [self.name, *self.aliases]


@dataclass
class Identifier:
    """One identifier (kind 'email', 'phone', 'nhs' or 'staff_id') and its pseudonym."""

    kind: str
    value: str
    pseudonym: str


def letters(index: int) -> str:
    """Spreadsheet-style letters: 0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


class PseudonymKey:
    """The mapping between real people/identifiers and pseudonyms.

    Build it with `rmresearch.privacy.build_key`; use it with
    `rmresearch.privacy.Pseudonymiser`. ``version`` increases on every change, so
    matchers built from the key know when to rebuild.
    """

    def __init__(self, people: Iterable[Person] = (), identifiers: Iterable[Identifier] = (),
                 staff_id_pattern: str = DEFAULT_STAFF_ID_PATTERN) -> None:
        self.people: list[Person] = list(people)
        self.identifiers: list[Identifier] = list(identifiers)
        self.staff_id_pattern = staff_id_pattern
        self.version = 0
        self._ids = {(i.kind, i.value): i for i in self.identifiers}

    # -- people ---------------------------------------------------------------------------
    def person(self, pseudonym: str) -> Person | None:
        """The person with this pseudonym, or None."""
        return next((p for p in self.people if p.pseudonym == pseudonym), None)

    def next_pseudonym(self, role: str, letter: str | None = None) -> str:
        """A pseudonym not yet used for ``role`` ('Person n' or 'Mentor X'/'Leader X')."""
        used = {p.pseudonym for p in self.people}
        label = ROLE_LABELS[role]
        if role == "other":
            n = 1 + max((int(p.pseudonym.split()[-1]) for p in self.people
                         if re.fullmatch(r"Person \d+", p.pseudonym)), default=0)
            return f"{label} {n}"
        if letter and f"{label} {letter}" not in used:
            return f"{label} {letter}"
        return f"{label} {self.fresh_letter()}"

    def fresh_letter(self) -> str:
        """The first pair letter used by no mentor and no leader."""
        used = {p.pseudonym.split()[-1] for p in self.people if p.role in ("mentor", "leader")}
        i = 0
        while letters(i) in used:
            i += 1
        return letters(i)

    def add_person(self, person: Person) -> Person:
        """Add a person (their pseudonym must be new)."""
        if self.person(person.pseudonym) is not None:
            raise PseudonymKeyError(f"pseudonym '{person.pseudonym}' is already in the key")
        self.people.append(person)
        self.version += 1
        return person

    def add_alias(self, person: Person, alias: str) -> None:
        """Record another way a person's name is written."""
        if alias and alias not in person.names():
            person.aliases.append(alias)
            self.version += 1

    # -- identifiers ----------------------------------------------------------------------
    def identifier(self, kind: str, value: str, *, add: bool = True) -> str | None:
        """The pseudonym of an identifier, adding it with the next number when new."""
        found = self._ids.get((kind, value))
        if found is not None:
            return found.pseudonym
        if not add:
            return None
        n = 1 + sum(1 for i in self.identifiers if i.kind == kind)
        ident = Identifier(kind, value, f"[{KINDS[kind]} {n}]")
        self.identifiers.append(ident)
        self._ids[(kind, value)] = ident
        self.version += 1
        return ident.pseudonym

    # -- reversing ------------------------------------------------------------------------
    def pseudonyms(self) -> list[str]:
        """Every pseudonym in the key."""
        return [p.pseudonym for p in self.people] + [i.pseudonym for i in self.identifiers]

    def reverse(self, pseudonym: str) -> str:
        """The real name or identifier behind a pseudonym.

        Raises
        ------
        PseudonymKeyError
            When the key has no such pseudonym.
        """
        pseudonym = pseudonym.strip()
        person = self.person(pseudonym)
        if person is not None:
            return person.name
        for ident in self.identifiers:
            if ident.pseudonym == pseudonym:
                return ident.value
        raise PseudonymKeyError(f"the key has no pseudonym '{pseudonym}'. Pseudonyms look like "
                                "'Mentor A', 'Leader A', 'Person 1', '[email 1]', '[phone 1]', "
                                "'[NHS number 1]' or '[staff id 1]'.")

    def reverse_text(self, text: str) -> str:
        """Put the real names and identifiers back into pseudonymised ``text``."""
        table = {p: self.reverse(p) for p in self.pseudonyms()}
        if not table:
            return text
        pattern = re.compile("|".join(re.escape(p) + (r"(?!\d)" if p[-1].isdigit() else
                                                      r"(?![A-Za-z])" if p[-1].isalpha() else "")
                                      for p in sorted(table, key=len, reverse=True)))
        return pattern.sub(lambda m: table[m.group()], text)

    # -- files ----------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """A JSON-ready dict (deterministic order)."""
        return {"format": FORMAT, "version": 1, "warning": _WARNING,
                "staff_id_pattern": self.staff_id_pattern,
                "people": [asdict(p) for p in self.people],
                "identifiers": [asdict(i) for i in self.identifiers]}

    def save(self, path: str | Path, *, forbid_under: str | Path | Iterable[str | Path] | None
             = "outputs") -> Path:
        """Write the key as JSON, atomically, owner-only (0600; new folders 0700).

        Parameters
        ----------
        path : where to write (see `default_key_path`).
        forbid_under : folder name(s) (e.g. "outputs") or folder path(s) the key must never
            be written under; pass None to allow any path.

        Raises
        ------
        PseudonymKeyError
            When ``path`` lies under a forbidden folder.
        """
        path = Path(path)
        for forbidden in _as_list(forbid_under):
            if _is_under(path, forbidden):
                raise PseudonymKeyError(
                    f"refusing to write the pseudonym key to {path}: it is inside "
                    f"'{forbidden}', which is published. Save it beside the project store "
                    "instead (rmresearch.privacy.default_key_path).")
        text = json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n"
        return atomic_write_text(path, text, private=True)

    @classmethod
    def load(cls, path: str | Path) -> "PseudonymKey":
        """Read a key written by `save`."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise PseudonymKeyError(f"{path}: no pseudonym key here. Build one with "
                                    "rmresearch.privacy.build_key and save it.") from None
        except (OSError, ValueError) as exc:
            raise PseudonymKeyError(f"{path}: not a readable pseudonym key "
                                    f"({exc.__class__.__name__}).") from None
        return cls.from_dict(data, source=str(path))

    @classmethod
    def from_dict(cls, data: dict, source: str = "pseudonym key") -> "PseudonymKey":
        """A key from `to_dict` output."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise PseudonymKeyError(f"{source}: not an rmresearch pseudonym key (no format "
                                    f"'{FORMAT}').")
        try:
            people = [Person(**p) for p in data.get("people", [])]
            idents = [Identifier(**i) for i in data.get("identifiers", [])]
        except TypeError as exc:
            raise PseudonymKeyError(f"{source}: an entry has unexpected fields ({exc}).") \
                from None
        return cls(people, idents, data.get("staff_id_pattern", DEFAULT_STAFF_ID_PATTERN))

    def copy(self) -> "PseudonymKey":
        """An independent copy."""
        return PseudonymKey([Person(**asdict(p)) for p in self.people],
                            [Identifier(**asdict(i)) for i in self.identifiers],
                            self.staff_id_pattern)

    def __repr__(self) -> str:  # never shows real names
        return (f"PseudonymKey({len(self.people)} people, {len(self.identifiers)} "
                "identifiers)")


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, (str, Path)):
        return [value]
    return list(value)


def _is_under(path: Path, forbidden: str | Path) -> bool:
    resolved = path.expanduser().resolve()
    text = str(forbidden)
    if isinstance(forbidden, str) and "/" not in text and "\\" not in text:
        return any(part.casefold() == text.casefold() for part in resolved.parent.parts)
    root = Path(forbidden).expanduser().resolve()
    return resolved == root or root in resolved.parents
