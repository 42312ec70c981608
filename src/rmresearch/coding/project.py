"""Code the segments of a project store that this coder version has not seen yet."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..codebook import Codebook, default_codebook
from ..faults import checkpoint

__all__ = ["code_store", "human_training_items", "assign_roles"]


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
        None fits the ensemble on the codebook plus, with ``use_human``, the store's
        human-coded segments (`human_training_items`) as extra training data.
    use_human : bool
        Learn from the store's human codings (changes the coder's label when they change).
    progress : bool
        Show a progress bar.

    Returns
    -------
    dict
        ``coder``, ``coded`` (segments coded now), ``codings`` (rows written), ``skipped``
        (segments this coder had already seen), ``human_examples``, ``run_id`` (None when
        nothing was new), ``roles`` (segments whose discourse role was decided now, see
        `assign_roles`).

    Notes
    -----
    Not-codable segments leave no coding row, so the segments seen are recorded as well
    (``seen`` of `ProjectStore.add_codings`), in the same transaction as the codings. Human
    codings are only read, never written.
    """
    from ..store import ProjectStore

    cb = codebook or default_codebook()
    with ProjectStore.open(path) as st:
        roles = assign_roles(st)
        segments = st.segments()
        human = human_training_items(st, cb, segments) if coder is None and use_human else []
        label = coder.coder_label if coder is not None else _default_label(cb, human)
        todo = _not_seen(st, segments, label)
        result = {"coder": label, "coded": len(todo), "skipped": len(segments) - len(todo),
                  "human_examples": len(human), "codings": 0, "run_id": None, "roles": roles}
        if len(todo) == 0:
            return result  # nothing new: the coder is not even fitted
        if coder is None:
            coder, todo = _fit_default(st, segments, todo, cb, human, result)
        _code_and_store(st, todo, cb, coder, result, progress)
    return result


def assign_roles(store: Any) -> int:
    """Decide and store the discourse role of every current segment that has none, or whose
    role came from other role rules (`rmresearch.coding.roles`); roles a human gave are kept.

    The role uses the segment's text, who speaks (``speaker_role``) and its source, so a
    mentor's question in an interview is a question and the leader's stays a finding.

    Parameters
    ----------
    store : ProjectStore
        An open project store.

    Returns
    -------
    int
        The number of segments whose role was stored now.
    """
    from .roles import ROLE_RULES_LABEL, discourse_roles

    todo = store.segments_needing_roles(ROLE_RULES_LABEL)
    if len(todo) == 0:
        return 0
    roles = todo[["segment_id"]].assign(role=discourse_roles(todo))
    return store.set_roles(roles, ROLE_RULES_LABEL)


def human_training_items(store: Any, codebook: Codebook, segments: Any = None) -> list[Any]:
    """The training items a store's human codings give for ``codebook`` (read only).

    The one training set of the default coder for a store, whether it codes in this process
    (`code_store`) or on Dask (`rmresearch.coding.dask.code_store_dask`): human codes outside
    the codebook are dropped, and a segment with no code of the codebook is left out unless
    it is marked ``none`` or a person gave it a role other than finding, which it then
    teaches the role models (`training.human_items`).

    Parameters
    ----------
    store : ProjectStore
        An open project store.
    codebook : Codebook
        The coding frame the coder is fitted for.
    segments : DataFrame or None
        The store's segments, when already read (None reads them).

    Returns
    -------
    list of TrainingItem
        One item per human-coded segment kept, in segment-id order.
    """
    from .training import human_items

    segments = store.segments() if segments is None else segments
    return human_items(store.codings(), segments, codebook.ids)


def _not_seen(store: Any, segments: Any, label: str) -> Any:
    """The segments the coder labelled ``label`` has not seen."""
    return segments[~segments["segment_id"].astype(str).isin(store.coded_segment_ids(label))]


def _default_label(codebook: Codebook, human: list[Any]) -> str:
    """The label the default coder fitted with ``human`` will carry, computed without fitting."""
    from .api import unfitted_default_coder

    return unfitted_default_coder(codebook).codebook_label(extra_segments=human or None)


def _fit_default(store: Any, segments: Any, todo: Any, codebook: Codebook,
                 human: list[Any], result: dict[str, Any]) -> tuple[Any, Any]:
    """Fit the default coder with ``human``; the coder and the segments it has not seen
    (``todo`` unless fitting gave another label than predicted: then ``result`` says so)."""
    from .api import default_coder

    coder = default_coder(codebook, extra_segments=human or None)
    if coder.coder_label != result["coder"]:  # cannot happen unless fitting changes the label
        todo = _not_seen(store, segments, coder.coder_label)
        result.update(coder=coder.coder_label, coded=len(todo),
                      skipped=len(segments) - len(todo))
    return coder, todo


def _code_and_store(store: Any, todo: Any, codebook: Codebook, coder: Any,
                    result: dict[str, Any], progress: bool) -> None:
    """Code ``todo`` and write the codings and the segments seen in one transaction."""
    from .api import code_segments

    label = result["coder"]
    codings = code_segments(todo[["segment_id", "text"]], codebook, coder=coder,
                            progress=progress)
    checkpoint("code_store.coded")
    params = {"coder": label, "codebook": codebook.name, "codebook_version": codebook.version,
              "segments": len(todo), "human_examples": result["human_examples"]}
    result["run_id"] = store.add_codings(
        codings, run_kind="code", params=params, codebook_hash=codebook.hash,
        seen=[(str(s), label) for s in todo["segment_id"]])
    result["codings"] = len(codings)
