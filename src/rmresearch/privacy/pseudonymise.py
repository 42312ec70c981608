"""Replacing people and identifiers in text and tables with their pseudonyms."""
from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any, Sequence

from ..errors import InputError
from .identifiers import Hit, KnownValues, find_identifiers
from .key import PseudonymKey
from .matcher import NameHit, NameMatcher

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Pseudonymiser", "LABEL_COLUMNS"]

# Columns that hold one name each (mapped whole, then as text when not a known name).
LABEL_COLUMNS = ("speaker", "mentor", "mentee", "author", "coder_name")
_MERGE_GAP = re.compile(r"[ \t\-_\u2010\u2011]*")


class Pseudonymiser:
    """Replace every person and identifier of a key in text and in DataFrames.

    Parameters
    ----------
    key : the `PseudonymKey`. Identifiers found by pattern that the key does not hold yet
        (an e-mail in a late document) are added to it with the next number when
        ``add_identifiers`` is True (save the key afterwards; `PseudonymKey.version`
        changes); otherwise they become "[email]", "[phone]" ... without a number.

    Examples
    --------
    >>> ps = Pseudonymiser(key)                                      # doctest: +SKIP
    >>> ps.text("Helen's panel; email helen.marsh@nhs.net")          # doctest: +SKIP
    "Leader A's panel; email [email 1]"
    """

    def __init__(self, key: PseudonymKey, *, add_identifiers: bool = True) -> None:
        self.key = key
        self.add_identifiers = add_identifiers
        self._matcher: NameMatcher | None = None
        self._known: KnownValues | None = None
        self._known_for = -1
        self._built_for = -1

    @property
    def matcher(self) -> NameMatcher:
        """The name matcher, rebuilt when the key's people change."""
        if self._matcher is None or self._built_for != self._people_version():
            self._matcher = NameMatcher(self.key)
            self._built_for = self._people_version()
        return self._matcher

    def _people_version(self) -> int:
        return hash((len(self.key.people), sum(len(p.aliases) for p in self.key.people)))

    @property
    def known(self) -> KnownValues:
        """The key's identifiers found wherever they are written, rebuilt when they change."""
        if self._known is None or self._known_for != len(self.key.identifiers):
            self._known = KnownValues(self.key.identifiers)
            self._known_for = len(self.key.identifiers)
        return self._known

    def hits(self, s: str) -> list[Hit | NameHit]:
        """Identifier and name hits in ``s``, left to right, without overlaps."""
        ids = find_identifiers(s, self.key.staff_id_pattern, self.known)
        spans = [(h.start, h.end) for h in ids]
        names = [h for h in self.matcher.finditer(s)
                 if not any(h.start < b and a < h.end for a, b in spans)]
        return sorted([*ids, *names], key=lambda h: h.start)

    def _id_pseudonym(self, hit: Hit) -> str:
        found = self.key.identifier(hit.kind, hit.value, add=self.add_identifiers)
        if found is None:
            from .identifiers import KINDS

            return f"[{KINDS[hit.kind]}]"
        return found

    def text(self, s: str) -> str:
        """``s`` with every known person and every identifier replaced.

        Consecutive mentions of the same person separated only by spaces or hyphens become
        one pseudonym ("Chukwuemeka Obi Nwosu" -> "Person 3", not "Person 3 Person 3").
        """
        if not isinstance(s, str) or not s:
            return s
        # Names are matched in composed (NFC) form: "Ødega\u030ard" (decomposed, as some
        # Mac and PDF text is) must be found as "Ødegård" too, not left in place.
        if not unicodedata.is_normalized("NFC", s):
            s = unicodedata.normalize("NFC", s)
        out: list[str] = []
        pos = 0
        last: str | None = None
        for hit in self.hits(s):
            pseudo = hit.pseudonym if isinstance(hit, NameHit) else self._id_pseudonym(hit)
            gap = s[pos:hit.start]
            if isinstance(hit, NameHit) and pseudo == last and _MERGE_GAP.fullmatch(gap):
                pos = hit.end
                continue
            out.append(gap)
            out.append(pseudo)
            last = pseudo if isinstance(hit, NameHit) else None
            pos = hit.end
        out.append(s[pos:])
        return "".join(out)

    def label(self, value: Any) -> Any:
        """A speaker label or name cell: the whole value mapped exactly when it names a known
        person ("HELEN", "Will", "Dr Marsh" -> "Leader A"), else pseudonymised as text."""
        if not isinstance(value, str) or not value.strip():
            return value
        person = self.matcher.lookup(value)
        return person.pseudonym if person is not None else self.text(value)

    def frame(self, df: "pd.DataFrame", columns: Sequence[str] = ("text",),
              label_columns: Sequence[str] | None = None) -> "pd.DataFrame":
        """A copy of ``df`` with text ``columns`` and name ``label_columns`` pseudonymised.

        Parameters
        ----------
        df : any table (segments, documents, codings, responses).
        columns : free-text columns (e.g. "text", "evidence").
        label_columns : columns holding one name each; default: those of `LABEL_COLUMNS`
            present in ``df``.

        Raises
        ------
        InputError
            When a named column is not in ``df`` (the message lists the columns it has).

        Notes
        -----
        Segment offsets (``start``/``end``) still refer to the original document text.
        """
        if isinstance(columns, str):
            columns = [columns]
        labels = [c for c in LABEL_COLUMNS if c in df.columns] if label_columns is None \
            else list(label_columns)
        missing = [c for c in [*columns, *labels] if c not in df.columns]
        if missing:
            raise InputError(f"cannot pseudonymise column(s) {missing}: not in the table.",
                             allowed=", ".join(map(str, df.columns)))
        out = df.copy()
        for col in columns:
            out[col] = [self.text(v) for v in out[col]]
        for col in labels:
            if col not in columns:
                out[col] = [self.label(v) for v in out[col]]
        return out
