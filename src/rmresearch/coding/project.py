"""Code the segments of a project store that this coder version has not seen yet."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..codebook import Codebook, default_codebook
from ..faults import checkpoint

__all__ = ["code_store"]

HUMAN_PREFIX = "human:"


def code_store(path: str | Path, codebook: Codebook | None = None, *, coder: Any = None,
               use_human: bool = True, progress: bool = False) -> dict[str, Any]:
    """Code every segment of the store that ``coder`` (its exact version label) has not seen.

    Parameters
    ----------
    path : str or Path
        Project store file.
    codebook : Codebook or None
        The coding frame (default: the shipped EDI levels).
    coder : fitted coder or None
        None fits the ensemble on the codebook plus, with ``use_human``, every human-coded
        segment in the store (``coder`` starting ``human:``) as extra training data.
    use_human : bool
        Learn from the store's human codings (changes the coder's label when they change).
    progress : bool
        Show a progress bar.

    Returns
    -------
    dict
        ``coder``, ``coded`` (segments coded now), ``codings`` (rows written), ``skipped``
        (segments this coder had already seen), ``human_examples``, ``run_id`` (None when
        nothing was new).

    Notes
    -----
    Not-codable segments leave no coding row, so the segments seen are recorded as well
    (``seen`` of `ProjectStore.add_codings`), in the same transaction as the codings. Human
    codings are only read, never written.
    """
    from ..store import ProjectStore
    from .api import code_segments, default_coder

    cb = codebook or default_codebook()
    with ProjectStore.open(path) as st:
        segments = st.segments()
        human = _human_examples(st, segments, cb) if coder is None and use_human else []
        label = coder.coder_label if coder is not None else _default_label(cb, human)
        seen = st.coded_segment_ids(label)
        todo = segments[~segments["segment_id"].astype(str).isin(seen)]
        result = {"coder": label, "coded": len(todo), "skipped": len(segments) - len(todo),
                  "human_examples": len(human), "codings": 0, "run_id": None}
        if len(todo) == 0:
            return result  # nothing new: the coder is not even fitted
        if coder is None:
            coder = default_coder(cb, extra_segments=human or None)
            if coder.coder_label != label:  # cannot happen unless fitting changes the label
                label = coder.coder_label
                todo = segments[~segments["segment_id"].astype(str).isin(
                    st.coded_segment_ids(label))]
                result.update(coder=label, coded=len(todo), skipped=len(segments) - len(todo))
        codings = code_segments(todo[["segment_id", "text"]], cb, coder=coder,
                                progress=progress)
        checkpoint("code_store.coded")
        params = {"coder": label, "codebook": cb.name, "codebook_version": cb.version,
                  "segments": len(todo), "human_examples": len(human)}
        result["run_id"] = st.add_codings(
            codings, run_kind="code", params=params, codebook_hash=cb.hash,
            seen=[(str(s), label) for s in todo["segment_id"]])
        result["codings"] = len(codings)
    return result


def _default_label(codebook: Codebook, human: list[Any]) -> str:
    """The label the default coder fitted with ``human`` will carry, computed without fitting."""
    from .ensemble import EnsembleCoder

    return EnsembleCoder(codebook).codebook_label(extra_segments=human or None)


def _human_examples(store: Any, segments: Any, codebook: Codebook) -> list[Any]:
    """Training items from the store's human codings (read only)."""
    from .training import human_items

    codings = store.codings()
    human = codings[codings["coder"].astype(str).str.startswith(HUMAN_PREFIX)]
    return human_items(human, segments, codebook.ids)
