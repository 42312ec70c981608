"""Emergent topics fitted once per input: a rerun of the batch reads the fit back.

Fitting topics (UMAP's compilation, HDBSCAN, the labels) is the slowest part of a batch
that is run again on the same project. A fit is kept as JSON in a private folder beside the
project store (`rmresearch.paths.topic_cache_dir`: it quotes the project's real text, so it
stays with the store and the key, never in the user's cache or the published output), under
a key made of everything the fit depends on: the texts in order, the seed and topic size,
the embedding model, the source of the topic modules and the versions of the libraries
that fit them. The same key gives the same result the fit would give (fits are
deterministic); anything that changes the input or the code gives a new key. A file that
cannot be read is ignored and the topics are fitted again.
"""
from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from ..atomic import atomic_write_text
from ..paths import topic_cache_dir

__all__ = ["topic_key", "load_topics", "save_topics"]

_LIBRARIES = ("bertopic", "umap-learn", "hdbscan", "scikit-learn", "numpy", "pandas",
              "spacy", "rmresearch")
_MODULES = ("topics.py", "topic_labels.py")


def _code_fingerprint() -> list[str]:
    analysis = Path(__file__).resolve().parents[1] / "analysis"
    sources = [hashlib.sha256((analysis / m).read_bytes()).hexdigest() for m in _MODULES]
    versions = []
    for name in _LIBRARIES:
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} missing")
    return sources + versions


def topic_key(texts: Sequence[str], *, seed: int, min_topic_size: int, model: str) -> str:
    """The key of a fit: sha256 of the texts, options, embedding ``model`` and code."""
    payload = json.dumps([list(texts), int(seed), int(min_topic_size), model,
                          _code_fingerprint()], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _file(store_path: str | Path, key: str) -> Path:
    return topic_cache_dir(store_path) / f"{key}.json"


def save_topics(store_path: str | Path, key: str, result: Any) -> Path:
    """Keep ``result`` (a `rmresearch.analysis.topics.TopicResult`) under ``key``."""
    data = {"topics": result.topics.to_dict(orient="list"),
            "assignments": result.assignments.to_dict(orient="list")}
    path = _file(store_path, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write_text(path, json.dumps(data, ensure_ascii=False), private=True)


def load_topics(store_path: str | Path, key: str) -> Any:
    """The kept fit for ``key`` as a `TopicResult` (``model`` None), or None."""
    from ..analysis.topics import TopicResult

    path = _file(store_path, key)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        topics = pd.DataFrame(data["topics"]).astype({"topic": "int64", "size": "int64"})
        assigned = pd.DataFrame(data["assignments"]).astype(
            {"index": "int64", "topic": "int64", "probability": "float64"})
    except (OSError, ValueError, KeyError, TypeError):
        return None
    topics["representative"] = [list(r) for r in topics["representative"]]
    return TopicResult(topics=topics, assignments=assigned, model=None)
