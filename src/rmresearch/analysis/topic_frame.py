"""Emergent topics against the deductive frame: levels, and the themes within levels.

`topics_beside_themes` sets each emergent topic (`rmresearch.analysis.topics`) beside the
codebook theme (`rmresearch.coding.themes.assign_themes`) that its findings were given most
often. A topic whose best theme covers less than `MIN_OVERLAP` of its findings overlaps no
theme: it is what the frame misses, and it is listed first. `missed_by_frame` does the same
against the four levels alone.
"""
from __future__ import annotations

from typing import Sequence

import pandas as pd

from ..codebook.themes import OTHER, level_of
from ..coding.calibration import STRONG_SCORE
from ..errors import TopicsError
from .topics import LEVEL_ORDER, NO_CODE, OUTLIER_TOPIC

__all__ = ["coded_findings", "topics_by_theme", "topics_beside_themes", "missed_by_frame",
           "MIN_OVERLAP", "MIN_CODER_SCORE", "FRAME_MISSES", "FRAME_THEME"]

MIN_OVERLAP = 0.3  # share of a topic's findings its best theme must hold to count as overlap
#: the level coder's confidence from which a passage counts as strong evidence (as for the
#: quotes of a feedback sheet: `rmresearch.coding.calibration.STRONG_SCORE`)
MIN_CODER_SCORE = STRONG_SCORE
FRAME_MISSES = "what the frame misses"
FRAME_THEME = "beside a codebook theme"


def coded_findings(texts: pd.DataFrame, coded: pd.DataFrame, *,
                   min_score: float = MIN_CODER_SCORE) -> pd.DataFrame:
    """The texts that the level coder coded at a level with confidence: what topics are fitted on.

    A finding carries a level (`rmresearch.vocabulary.ROLE_DEFINITIONS`); a passage the
    discourse rules let through as a finding but that no level fits with confidence (a reply
    such as "I'm not sure I've got an answer to that", a wish for the programme) would
    otherwise form topics of its own that say nothing about practice.

    Parameters
    ----------
    texts : pandas.DataFrame
        Candidate texts with ``segment_id`` (e.g. `ReportContext.theme_segments`).
    coded : pandas.DataFrame
        Coded rows with ``segment_id`` and ``score`` (`ReportContext.coded`).
    min_score : float
        Keep a text if its best level score is at least this (0 keeps every coded text).

    Returns
    -------
    pandas.DataFrame
        The kept rows of ``texts``, in their order, with a fresh index.
    """
    missing = {"segment_id", "score"} - set(coded.columns)
    if missing or "segment_id" not in texts.columns:
        raise TopicsError("coded_findings needs 'segment_id' in the texts and 'segment_id' and "
                          "'score' in the coded table (ReportContext.coded); missing: "
                          f"{sorted(missing) or ['segment_id']}.")
    best = coded.groupby("segment_id")["score"].max()
    keep = texts["segment_id"].map(best).fillna(-1.0) >= min_score
    return texts[keep.to_numpy()].reset_index(drop=True)


def topics_by_theme(assignments: pd.DataFrame, segment_ids: Sequence[str],
                    themed: pd.DataFrame) -> pd.DataFrame:
    """How many of each topic's texts were given each named codebook theme.

    Parameters
    ----------
    assignments : pandas.DataFrame
        ``TopicResult.assignments`` (columns ``index, topic``).
    segment_ids : sequence of str
        The segment id of each fitted text, in the same order.
    themed : pandas.DataFrame
        Coded rows with their theme: at least ``segment_id, theme, theme_name`` (one row per
        segment and level, as `ReportContext.themed` gives). "Other" themes are left out.

    Returns
    -------
    pandas.DataFrame
        ``topic`` (int64), ``theme``, ``theme_name`` (str), ``n`` (int64, distinct texts of
        the topic given the theme), one row per topic and theme met, sorted by topic, then
        ``n`` descending, then theme id. The outlier topic ``-1`` is left out.
    """
    if len(segment_ids) != len(assignments):
        raise TopicsError(f"segment_ids has {len(segment_ids)} ids but assignments has "
                          f"{len(assignments)} rows; pass the ids of the texts that were fitted.")
    missing = {"segment_id", "theme", "theme_name"} - set(themed.columns)
    if missing:
        raise TopicsError(f"the themed table lacks column(s) {sorted(missing)}; it needs "
                          "'segment_id', 'theme' and 'theme_name' (ReportContext.themed).")
    frame = pd.DataFrame({"segment_id": list(segment_ids),
                          "topic": assignments["topic"].to_numpy()})
    frame = frame[frame["topic"] != OUTLIER_TOPIC]
    named = themed.loc[~themed["theme"].astype(str).str.endswith("." + OTHER),
                       ["segment_id", "theme", "theme_name"]].drop_duplicates()
    long = frame.merge(named, on="segment_id", how="inner")
    counts = (long.groupby(["topic", "theme", "theme_name"])["segment_id"].nunique()
              .rename("n").reset_index())
    counts = counts.sort_values(["topic", "n", "theme"], ascending=[True, False, True],
                                kind="mergesort").reset_index(drop=True)
    return counts.astype({"topic": "int64", "n": "int64", "theme": str, "theme_name": str})


def topics_beside_themes(topics: pd.DataFrame, by_theme: pd.DataFrame, *,
                         min_share: float = MIN_OVERLAP) -> pd.DataFrame:
    """Each topic beside the codebook theme it overlaps most; topics that overlap none first.

    Parameters
    ----------
    topics : pandas.DataFrame
        ``TopicResult.topics``.
    by_theme : pandas.DataFrame
        The output of :func:`topics_by_theme`.
    min_share : float
        Share (0-1) of a topic's texts its best theme must hold for the topic to overlap it.

    Returns
    -------
    pandas.DataFrame
        One row per topic (``-1`` left out): ``frame`` (`FRAME_MISSES` or `FRAME_THEME`),
        ``topic``, ``size`` (int64), ``label``, ``level`` and ``theme`` (the best
        theme's level and name; empty for a topic no finding of which got a named theme),
        ``overlap`` (int64, texts given that theme), ``share`` (float64, overlap / size, 2
        decimals), ``representative``. Topics the frame misses come first, largest first;
        then the others by level (framework order), theme and size (largest first).
    """
    best = by_theme.drop_duplicates("topic", keep="first").set_index("topic")
    table = topics.loc[topics["topic"] != OUTLIER_TOPIC,
                       ["topic", "label", "size", "representative"]].copy()
    table["theme_id"] = table["topic"].map(best["theme"]).fillna("")
    table["theme"] = table["topic"].map(best["theme_name"]).fillna("")
    table["overlap"] = table["topic"].map(best["n"]).fillna(0).astype("int64")
    table["share"] = (table["overlap"] / table["size"].clip(lower=1)).round(2)
    table["level"] = [level_of(t) if t else "" for t in table["theme_id"]]
    misses = table["share"] < min_share
    table["frame"] = [FRAME_MISSES if m else FRAME_THEME for m in misses]
    rank = {lv: i for i, lv in enumerate(LEVEL_ORDER)}
    table["_first"] = (~misses).astype(int)
    table["_level"] = [rank.get(lv, len(rank)) if not m else 0
                       for lv, m in zip(table["level"], misses)]
    table["_theme"] = table["theme_id"].where(~misses, "")
    table = table.sort_values(["_first", "_level", "_theme", "size", "topic"],
                              ascending=[True, True, True, False, True], kind="mergesort")
    # the label is followed by a text column: a label ending "... on the ward" beside a
    # count would read "ward 19" to the leak check, a ward code
    columns = ["frame", "topic", "size", "label", "level", "theme", "overlap", "share",
               "representative"]
    return table[columns].reset_index(drop=True)


def missed_by_frame(topics: pd.DataFrame, by_level: pd.DataFrame, *,
                    min_share: float = 0.5) -> pd.DataFrame:
    """Topics mostly made of segments coded at no level: what the four levels miss.

    Parameters
    ----------
    topics : pandas.DataFrame
        ``TopicResult.topics``.
    by_level : pandas.DataFrame
        The output of :func:`topics_by_level`.
    min_share : float
        Keep topics whose share of ``none`` segments is at least this (0-1).

    Returns
    -------
    pandas.DataFrame
        Columns ``topic`` (int64), ``size`` (int64), ``none`` (int64), ``share_none``
        (float64, rounded to 3 decimals), ``label``, ``keywords``; the outlier topic is
        excluded; sorted by ``share_none`` then ``size`` (both descending), then ``topic``.
    """
    table = topics.loc[topics["topic"] != OUTLIER_TOPIC, ["topic", "size", "label", "keywords"]]
    table = table.merge(by_level[NO_CODE].rename("none"), left_on="topic", right_index=True)
    table["share_none"] = (table["none"] / table["size"].clip(lower=1)).round(3)
    table = table.loc[table["share_none"] >= min_share]
    table = table.sort_values(["share_none", "size", "topic"], ascending=[False, False, True],
                              kind="mergesort")
    return table[["topic", "size", "none", "share_none", "label", "keywords"]].reset_index(
        drop=True)
