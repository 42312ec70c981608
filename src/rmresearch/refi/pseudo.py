"""Pseudonymise a document piece by piece so segment offsets stay exact.

A pseudonym is rarely as long as the name it replaces, so offsets into the real text are
wrong for the pseudonymised text. Cutting the text at every segment boundary, pseudonymising
each piece and concatenating the results gives a pseudonymised document in which every
boundary's new offset is known: segment ``[start, end)`` becomes
``[new[start], new[end])`` and ``new_text[new[start]:new[end]]`` is exactly the
pseudonymised segment text.
"""
from __future__ import annotations

from typing import Any, Iterable, Protocol

from ..paths import key_path

__all__ = ["TextPseudonymiser", "pseudonymise_pieces", "load_pseudonymiser", "key_path",
           "ProjectPseudonymiser", "LazyPseudonymiser"]


class TextPseudonymiser(Protocol):
    """Anything with ``text(str) -> str`` (e.g. ``rmresearch.privacy.Pseudonymiser``)."""

    def text(self, value: str) -> str:  # pragma: no cover - protocol
        """Return ``value`` with people and identifiers replaced by pseudonyms."""


def pseudonymise_pieces(text: str, spans: Iterable[tuple[int, int]],
                        pseudonymiser: TextPseudonymiser) -> tuple[str, dict[int, int]]:
    """Pseudonymise ``text`` cut at every span boundary.

    Parameters
    ----------
    text : the document text.
    spans : ``(start, end)`` codepoint offsets of the segments (any order, may overlap).
    pseudonymiser : object with ``text(str) -> str``.

    Returns
    -------
    (str, dict)
        The pseudonymised text, and a mapping from every boundary offset in ``text``
        (including 0 and ``len(text)``) to its offset in the pseudonymised text.
    """
    bounds = sorted({0, len(text)} | {max(0, min(len(text), int(p)))
                                       for span in spans for p in span})
    mapping = {0: 0}
    out: list[str] = []
    pos = 0
    for left, right in zip(bounds, bounds[1:]):
        piece = text[left:right]
        new = pseudonymiser.text(piece) if piece.strip() else piece
        out.append(new)
        pos += len(new)
        mapping[right] = pos
    return "".join(out), mapping


class ProjectPseudonymiser:
    """The project's `Pseudonymiser` plus the key file it came from (see `save`)."""

    def __init__(self, inner: Any, key: Any, path: Any) -> None:
        self.inner, self.key, self.path = inner, key, path
        self._version = key.version

    def text(self, value: str) -> str:
        """Pseudonymise ``value``."""
        return self.inner.text(value)

    def save(self) -> None:
        """Save the key if pseudonymising added identifiers to it (keeps numbering stable)."""
        if self.key.version != self._version:
            self.key.save(self.path)
            self._version = self.key.version


def load_pseudonymiser(store_path: Any, key: Any = None) -> ProjectPseudonymiser:
    """The project's pseudonymiser, from ``key`` or the key file beside the store.

    The key is built from the store's documents and segments (and saved) when missing, as
    report runs do.

    Raises
    ------
    RmResearchError
        When ``rmresearch.privacy`` is not available in this installation.
    """
    from ..errors import RmResearchError

    try:
        from ..privacy import PseudonymKey, Pseudonymiser  # type: ignore[attr-defined]
    except ImportError:
        raise RmResearchError(
            "pseudonymisation is not available in this installation (rmresearch.privacy "
            "could not be loaded). Pass --no-pseudonymise to export real names, only if "
            "everyone who will see the file may see them.") from None
    path = key_path(store_path, key)
    if not path.exists():
        _build_key(store_path, path)
    loaded = PseudonymKey.load(path)
    return ProjectPseudonymiser(Pseudonymiser(loaded), loaded, path)


def _build_key(store_path: Any, path: Any) -> None:
    from ..privacy import build_key  # type: ignore[attr-defined]
    from ..store import ProjectStore

    with ProjectStore.open(store_path) as store:
        documents, segments = store.documents(), store.segments()
    build_key(documents, segments).save(path)


class LazyPseudonymiser:
    """Loads the project's pseudonymiser (`load_pseudonymiser`) only when first used."""

    def __init__(self, store_path: Any, key: Any = None) -> None:
        self.store_path, self.key = store_path, key
        self._inner: TextPseudonymiser | None = None

    def text(self, value: str) -> str:
        """Pseudonymise ``value``."""
        if self._inner is None:
            self._inner = load_pseudonymiser(self.store_path, self.key)
        return self._inner.text(value)
