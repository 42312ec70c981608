"""The feedback sheet's two small figures: the profile across the levels, and change by session.

Bars are good practice and areas requiring attention, in the project's valence colours
(`rmresearch.vocabulary.VALENCE_COLOURS`). `show_figure` publishes one through a report
context, or leaves it out when small counts are suppressed (bar lengths would show them).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ..vocabulary import LEVELS, VALENCE_COLOURS, VALENCE_LABELS

if TYPE_CHECKING:  # pragma: no cover
    from ..report.context import ReportContext
    from .pair import PairFeedback

__all__ = ["profile_figure", "change_figure", "show_figure"]

_BARS = ("positive", "attention")  # the two valences drawn, good practice first


def _style() -> None:
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook", font="DejaVu Sans")
    plt.rcParams["svg.hashsalt"] = "rmresearch"


def profile_figure(profile: pd.DataFrame) -> Any:
    """Horizontal bars per level: good practice (green) and areas requiring attention (red)."""
    import matplotlib.pyplot as plt
    import numpy as np

    _style()
    fig, ax = plt.subplots(figsize=(6.4, 2.8))
    labels = [c.capitalize() for c in profile["code"]][::-1]
    pos = np.arange(len(labels))
    for valence, offset in zip(_BARS, (0.2, -0.2)):
        ax.barh(pos + offset, profile[f"n_{valence}"].astype(float).to_numpy()[::-1],
                height=0.4, color=VALENCE_COLOURS[valence], label=VALENCE_LABELS[valence])
    ax.set_yticks(pos, labels)
    ax.set_xlabel("passages")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=9,
              frameon=False)
    fig.tight_layout()
    return fig


def change_figure(change: pd.DataFrame) -> Any:
    """One small panel per level: good practice and attention in each session."""
    import matplotlib.pyplot as plt
    import numpy as np

    _style()
    fig, axes = plt.subplots(1, len(LEVELS), figsize=(8, 2.7), sharey=True)
    sessions = sorted(change["session"].unique()) if len(change) else []
    pos = np.arange(len(sessions))
    for ax, code in zip(axes, LEVELS):
        cell = change[change["code"] == code].set_index("session").reindex(sessions)
        for valence, offset in zip(_BARS, (-0.2, 0.2)):
            ax.bar(pos + offset, cell[f"n_{valence}"].fillna(0).astype(float), width=0.4,
                   color=VALENCE_COLOURS[valence], label=VALENCE_LABELS[valence])
        ax.set_xticks(pos, [str(s) for s in sessions])
        ax.set_title(code.capitalize(), fontsize=10)
        ax.set_xlabel("session", fontsize=9)
    axes[0].set_ylabel("passages")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig


def show_figure(ctx: "ReportContext", fb: "PairFeedback", name: str) -> Any:
    """Publish figure ``name`` (``profile`` or ``change``) of ``fb`` and return it for display;
    when the context suppresses small counts, publish nothing and return a note instead (bar
    lengths would show the hidden counts)."""
    if ctx.publisher.min_cell > 0:
        from IPython.display import Markdown

        return Markdown(f"*The {name} figure is left out: counts below "
                        f"{ctx.publisher.min_cell} are suppressed in this run.*")
    draw = {"profile": lambda: profile_figure(fb.profile),
            "change": lambda: change_figure(fb.change)}[name]
    return ctx.figure(draw(), name)
