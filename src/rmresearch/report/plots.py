"""Deterministic figures for the report notebooks (matplotlib Agg + seaborn).

Every function takes a table made by `rmresearch.analysis`, returns a matplotlib Figure and
accepts an optional ``palette`` dict (category -> colour) that overrides the defaults:
levels as in the default codebook, valence good practice green / attention red / neutral grey
(`rmresearch.vocabulary` holds them, and the congruence categories and their colours).
`save_figure` writes PNG and SVG whose bytes are identical from run to run.
"""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, Mapping

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402

from ..analysis.coded import category_order, require_columns  # noqa: E402
from ..atomic import atomic_path  # noqa: E402
# The colours and labels are the vocabulary's own objects, re-exported under the same names.
from ..vocabulary import (CONGRUENCE_COLOURS, LEVEL_COLOURS, PAIR_CONGRUENCE,  # noqa: E402
                          PAIR_CONGRUENCE_COLOURS, VALENCE_COLOURS, VALENCE_LABELS)

__all__ = ["LEVEL_COLOURS", "VALENCE_COLOURS", "VALENCE_LABELS", "CONGRUENCE_COLOURS",
           "PAIR_CONGRUENCE_COLOURS",
           "level_valence_bar", "framework_heatmap", "congruence_chart", "survey_plot",
           "cohort_comparison_plot", "agreement_heatmap", "save_figure", "codebook_palette"]

_FALLBACK = sns.color_palette("colorblind", 10).as_hex()
DPI = 150
#: characters per line of a survey question in a panel title
QUESTION_WIDTH = 34


def _style() -> None:
    sns.set_theme(style="whitegrid", context="notebook", font="DejaVu Sans")
    plt.rcParams["svg.hashsalt"] = "rmresearch"


def _colours(keys: list, defaults: Mapping[str, str],
             palette: Mapping[str, str] | None) -> list[str]:
    merged = {**defaults, **(palette or {})}
    return [merged.get(k, _FALLBACK[i % len(_FALLBACK)]) for i, k in enumerate(keys)]


def codebook_palette(codebook: Any) -> dict[str, str]:
    """Level and valence colours declared in a `Codebook` (for the ``palette`` argument)."""
    out = {c.id: c.colour for c in codebook.codes}
    out.update({k: v.colour for k, v in getattr(codebook, "valence", {}).items()})
    return out


def _empty(fig: Figure, ax: Axes, message: str, title: str) -> Figure:
    """An axes that says there is nothing to show (instead of failing on empty tables)."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes)
    ax.set_title(title)
    return fig


def _stacked(ax: Axes, wide: pd.DataFrame, colours: list[str], labels: list[str],
             horizontal: bool = False) -> None:
    base = np.zeros(len(wide))
    pos = np.arange(len(wide))
    for col, colour, label in zip(wide.columns, colours, labels):
        vals = wide[col].to_numpy(dtype=float)
        if horizontal:
            ax.barh(pos, vals, left=base, color=colour, label=label)
        else:
            ax.bar(pos, vals, bottom=base, color=colour, label=label)
        base += vals
    (ax.set_yticks if horizontal else ax.set_xticks)(pos, [str(i) for i in wide.index])


def level_valence_bar(counts: pd.DataFrame, palette: Mapping[str, str] | None = None,
                      title: str = "Findings by level of operation and valence") -> Figure:
    """Stacked bars: findings per level, split by valence.

    ``counts`` is `level_counts` output with ``code``, ``valence`` and ``n`` (other columns
    are summed over).
    """
    require_columns(counts, ["code", "valence", "n"], "level counts")
    _style()
    wide = counts.pivot_table(index="code", columns="valence", values="n", aggfunc="sum",
                              fill_value=0, observed=False)
    wide = wide.reindex(index=category_order("code", counts["code"]),
                        columns=category_order("valence", counts["valence"]), fill_value=0)
    fig, ax = plt.subplots(figsize=(8.8, 4.2))
    _stacked(ax, wide, _colours(list(wide.columns), VALENCE_COLOURS, palette),
             [VALENCE_LABELS.get(v, v) for v in wide.columns])
    ax.set(xlabel="Level of operation", ylabel="Findings (segments)", title=title)
    ax.legend(title="Valence", frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig


def framework_heatmap(matrix: pd.DataFrame, palette: Mapping[str, str] | None = None,
                      title: str = "Findings per pair and level", cmap: str = "Blues") -> Figure:
    """Annotated heatmap of the `framework_matrix` counts: pairs (rows) x levels (columns)."""
    require_columns(matrix, ["pair_id", "code", "n"], "framework matrix")
    _style()
    wide = matrix.pivot_table(index="pair_id", columns="code", values="n", aggfunc="sum",
                              fill_value=0)
    wide = wide.reindex(index=list(dict.fromkeys(matrix["pair_id"])),
                        columns=category_order("code", matrix["code"]), fill_value=0)
    fig, ax = plt.subplots(figsize=(6.5, max(2.5, 0.4 * len(wide) + 1.5)))
    if wide.empty:
        return _empty(fig, ax, "No pair has a coded finding.", title)
    sns.heatmap(wide, annot=True, fmt="d", cmap=cmap, cbar=False, linewidths=0.5, ax=ax)
    for label in ax.get_xticklabels():
        label.set_color(_colours([label.get_text()], LEVEL_COLOURS, palette)[0])
    ax.tick_params(axis="y", rotation=0)
    ax.set(xlabel="Level of operation", ylabel="Pair", title=title)
    fig.tight_layout()
    return fig


def congruence_chart(cong: pd.DataFrame, palette: Mapping[str, str] | None = None,
                     title: str = "Said and seen: do they agree? Pairs per level") -> Figure:
    """Horizontal stacked bars: pairs per level by whether what was said and what was seen
    agree by valence (``congruence`` of `rmresearch.analysis.congruence`)."""
    from ..analysis.congruence import congruence_summary

    summary = congruence_summary(cong, by="congruence")
    _style()
    wide = summary.pivot(index="code", columns="category", values="n_pairs")
    wide = wide.reindex(index=category_order("code", summary["code"])[::-1],
                        columns=list(PAIR_CONGRUENCE), fill_value=0)
    fig, ax = plt.subplots(figsize=(8.5, 4.4))
    _stacked(ax, wide, _colours(list(wide.columns), PAIR_CONGRUENCE_COLOURS, palette),
             list(wide.columns), horizontal=True)
    ax.set(xlabel="Pairs", ylabel="", title=title)
    ax.legend(frameon=False, fontsize="small", loc="upper center",
              bbox_to_anchor=(0.5, -0.16), ncol=3)
    fig.tight_layout()
    return fig


def survey_plot(items: pd.DataFrame, palette: Mapping[str, str] | None = None,
                hue: str = "role", style: str | None = "cohort",
                title: str = "Evaluation scores (1-10) by stage") -> Figure:
    """Mean score per stage from `survey_items`: one panel per question, one colour per
    ``hue`` value and, when ``style`` has several values (e.g. cohorts), one line style each.
    A long question is wrapped (at most three lines of `QUESTION_WIDTH` characters) so panel
    titles never run into each other; the legend sits outside the panels.
    """
    require_columns(items, ["question_id", "stage", "mean", hue], "survey items")
    _style()
    questions = sorted(items["question_id"].astype(str).unique())
    stages = category_order("stage", items["stage"])
    groups = category_order(hue, items[hue])
    colours = dict(zip(groups, _colours(groups, {}, palette)))
    styles = category_order(style, items[style]) if style and style in items else [None]
    dashes = dict(zip(styles, ["-", "--", ":", "-."] * len(styles)))
    ncol = min(3, max(1, len(questions)))
    nrow = -(-len(questions) // ncol) if questions else 1
    fig, axes = plt.subplots(nrow, ncol, figsize=(4.2 * ncol + 1.6, 3.2 * nrow + 0.4),
                             squeeze=False, sharey=True, layout="constrained")
    if not questions:
        return _empty(fig, axes.flat[0], "No 1-10 answers to show.", title)
    for ax, q in zip(axes.flat, questions):
        sub = items[items["question_id"].astype(str) == q]
        for g in groups:
            for st in styles:
                part = sub[sub[hue] == g] if st is None else \
                    sub[(sub[hue] == g) & (sub[style] == st)]
                if part.empty:
                    continue
                line = part.groupby("stage")["mean"].mean().reindex(stages)
                label = str(g) if len(styles) == 1 else f"{g}, {st}"
                ax.plot(range(len(stages)), line.to_numpy(dtype=float), marker="o",
                        color=colours[g], linestyle=dashes[st], label=label)
        ax.set_xticks(range(len(stages)), stages, rotation=30, ha="right")
        ax.set(title="\n".join(textwrap.wrap(q, QUESTION_WIDTH, max_lines=3,
                                              placeholder=" …")), ylim=(1, 10), xlabel="")
    for ax in list(axes.flat)[len(questions):]:
        ax.set_visible(False)
    axes.flat[0].set_ylabel("Mean score")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside right center", frameon=False, fontsize="small")
    fig.suptitle(title)
    fig.supxlabel("Programme stage")
    return fig


def cohort_comparison_plot(dist: pd.DataFrame, by: str = "cohort",
                           palette: Mapping[str, str] | None = None,
                           title: str = "Share of segments coded at each level") -> Figure:
    """Grouped bars of `level_distribution` proportions: levels on x, one bar per ``by``,
    the legend outside the axes so it never covers a bar. A share hidden by the publisher's
    small-count rule (a marker such as ``"<5"``) is not drawn."""
    require_columns(dist, [by, "code", "prop"], "level distribution")
    _style()
    codes = category_order("code", dist["code"])
    groups = category_order(by, dist[by])
    colours = _colours(groups, {}, palette)
    fig, ax = plt.subplots(figsize=(8.6, 4.2))
    width = 0.8 / max(1, len(groups))
    for k, (g, colour) in enumerate(zip(groups, colours)):
        sub = pd.to_numeric(dist[dist[by] == g].set_index("code")["prop"],
                            errors="coerce").reindex(codes)
        ax.bar(np.arange(len(codes)) + (k - (len(groups) - 1) / 2) * width,
               sub.to_numpy(dtype=float), width=width, color=colour, label=str(g))
    ax.set_xticks(np.arange(len(codes)), codes)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set(xlabel="Level of operation", ylabel="Share of segments", title=title)
    ax.legend(title=by.capitalize(), frameon=False, loc="upper left",
              bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig


def save_figure(fig: Figure, stem: str | Path, dpi: int = DPI) -> list[Path]:
    """Write ``<stem>.png`` and ``<stem>.svg`` with no dates or versions inside; close ``fig``.

    Two runs of the same code on the same data give byte-identical files (the SVG ids use a
    fixed hash salt). Parent folders are created.

    Returns
    -------
    list of Path
        The PNG and SVG paths.
    """
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    png, svg = stem.parent / f"{stem.name}.png", stem.parent / f"{stem.name}.svg"
    try:
        with plt.rc_context({"svg.hashsalt": "rmresearch", "svg.fonttype": "path"}):
            with atomic_path(png) as tmp:  # a reader never sees a half-written figure
                fig.savefig(tmp, format="png", dpi=dpi, metadata={"Software": None})
            with atomic_path(svg) as tmp:
                fig.savefig(tmp, format="svg", metadata={"Date": None, "Creator": None})
    finally:
        plt.close(fig)
    return [png, svg]


def agreement_heatmap(table: "pd.DataFrame", palette: Mapping[str, str] | None = None,
                      title: str | None = None) -> Figure:
    """Heatmap of agreement statistics (rows: codes; columns: agreement, kappa, alpha, AC1)."""
    stats = [c for c in ("percent_agreement", "kappa", "alpha", "ac1") if c in table.columns]
    data = (table.set_index("code")[stats].apply(pd.to_numeric, errors="coerce")
            if "code" in table.columns else pd.DataFrame())
    fig, ax = plt.subplots(figsize=(6.5, 0.5 * len(data) + 1.5))
    if data.empty:
        ax.text(0.5, 0.5, "nothing to show", ha="center", va="center")
        ax.set_axis_off()
        return fig
    sns.heatmap(data, annot=True, fmt=".2f", vmin=-0.2, vmax=1.0, cmap="RdYlGn", ax=ax,
                cbar_kws={"label": "agreement"})
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_title(title or "Agreement by code")
    fig.tight_layout()
    return fig
