"""The coding entry point: `code_segments`."""
from __future__ import annotations

from typing import Any

from ..codebook import Codebook, default_codebook
from ..errors import CodingError
from .frames import CODINGS_COLUMNS, validate_segments

__all__ = ["code_segments", "default_coder", "check_codebook_codable",
           "unfitted_default_coder"]

_DEFAULT_CODERS: dict[str, Any] = {}


def check_codebook_codable(codebook: Codebook) -> None:
    """Raise `CodingError` naming every code that has neither patterns nor examples."""
    empty = [c.id for c in codebook.codes if not c.patterns and not c.examples]
    if empty:
        where = f" ({codebook.source})" if codebook.source else ""
        raise CodingError(f"Codebook {codebook.name}{where}: code(s) "
                          f"{', '.join(repr(e) for e in empty)} have neither patterns nor "
                          "examples, so nothing could ever be coded with them; add examples "
                          "or patterns, or remove the code.")


def default_coder(codebook: Codebook | None = None, extra_segments: Any = None) -> Any:
    """The fitted default coder (an `EnsembleCoder`) for ``codebook``.

    Fitted once per process and codebook (embeddings of the training texts come from the
    disk cache after the first run). With ``extra_segments`` (human-coded segments:
    ``text, levels[, valence]``) a new coder is fitted each call.
    """
    cb = codebook or default_codebook()
    check_codebook_codable(cb)
    if extra_segments is not None and len(extra_segments):
        return unfitted_default_coder(cb).fit_codebook(extra_segments=extra_segments)
    key = cb.hash or str(id(cb))
    if key not in _DEFAULT_CODERS:
        if len(_DEFAULT_CODERS) >= 4:
            _DEFAULT_CODERS.pop(next(iter(_DEFAULT_CODERS)))
        _DEFAULT_CODERS[key] = unfitted_default_coder(cb).fit_codebook()
    return _DEFAULT_CODERS[key]


def unfitted_default_coder(codebook: Codebook | None = None) -> Any:
    """The coder `default_coder` fits (an `EnsembleCoder` for ``codebook``), not yet fitted:
    its settings and training texts are known without loading the model."""
    from .ensemble import EnsembleCoder

    return EnsembleCoder(codebook or default_codebook())


def code_segments(segments_df: Any, codebook: Codebook | None = None, *, coder: Any = None,
                  progress: bool = False) -> Any:
    """Code segments into the codebook's levels with a valence and evidence.

    Parameters
    ----------
    segments_df : DataFrame
        Needs ``segment_id`` (unique) and ``text`` (strings); other columns are ignored.
    codebook : Codebook or None
        The coding frame; None is the shipped four-level EDI codebook.
    coder : fitted coder or None
        Anything with ``code(segments, progress=...)`` (`EnsembleCoder`, `ModelCoder`,
        `RuleCoder`); None uses `default_coder` for ``codebook``.
    progress : bool
        Show a progress bar.

    Returns
    -------
    DataFrame
        ``segment_id, code, coder, score, valence, evidence``: one row per (segment, code)
        assigned, in input segment order then codebook code order. Segments judged not
        codable have no row, nor, with the default coder, segments whose discourse role
        (`roles.discourse_role`: question, heading, thanks, logistics, method) is not a
        finding. The same input gives byte-identical output.

    Raises
    ------
    CodingError
        Missing ``segment_id``/``text`` column, duplicate ids, non-string text.
    """
    import pandas as pd

    segments = validate_segments(segments_df)
    if coder is None:
        coder = default_coder(codebook)
    if len(segments) == 0:
        return pd.DataFrame({c: pd.Series(dtype=float if c == "score" else str)
                             for c in CODINGS_COLUMNS})
    try:
        codings = coder.code(segments, progress=progress)
    except TypeError:  # coders without a progress argument
        codings = coder.code(segments)
    return _sort(codings, segments, coder, codebook)


def _sort(codings: Any, segments: Any, coder: Any, codebook: Codebook | None) -> Any:
    order = {sid: i for i, sid in enumerate(segments["segment_id"])}
    codes = getattr(coder, "codes_", None) or (codebook or default_codebook()).ids
    code_pos = {c: i for i, c in enumerate(codes)}
    if codings.empty:
        return codings.reset_index(drop=True)
    key = codings["segment_id"].map(order) * (len(codes) + 1) + \
        codings["code"].map(code_pos).fillna(len(codes))
    return codings.assign(_k=key).sort_values("_k", kind="stable").drop(columns="_k") \
        .reset_index(drop=True)[CODINGS_COLUMNS]
