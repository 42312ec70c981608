"""Figures: every plot draws from the analysis tables and saves byte-identical PNG + SVG."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from rmresearch.report import plots  # noqa: E402
from rmresearch.analysis import (congruence, framework_matrix, level_counts,  # noqa: E402
                                 level_distribution, survey_items)

from tests.conftest import REPO, make_coded, make_responses, make_segments  # noqa: E402



def all_figures():
    """One figure of each kind, from the analysis fixture."""
    coded, segs = make_coded(), make_segments()
    return {
        "levels": plots.level_valence_bar(level_counts(coded)),
        "framework": plots.framework_heatmap(framework_matrix(coded)),
        "congruence": plots.congruence_chart(congruence(coded, segs)),
        "survey": plots.survey_plot(survey_items(make_responses())),
        "cohorts": plots.cohort_comparison_plot(level_distribution(coded, segs)),
    }


def save_all(folder: Path, only: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Save the figures (all, or those named in ``only``); file name -> bytes."""
    out = {}
    for name, fig in all_figures().items():
        if only and name not in only:
            plt.close(fig)
            continue
        for path in plots.save_figure(fig, folder / name):
            out[path.name] = path.read_bytes()
    return out


def test_save_figure_writes_png_and_svg_and_closes(tmp_path):
    plt.close("all")
    fig = plots.level_valence_bar(level_counts(make_coded()))
    paths = plots.save_figure(fig, tmp_path / "sub" / "fig.levels")
    assert [p.name for p in paths] == ["fig.levels.png", "fig.levels.svg"]
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = paths[1].read_text()
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert b"Software" not in paths[0].read_bytes()
    assert plt.get_fignums() == []


def test_figures_are_byte_identical_across_runs(tmp_path):
    """Two runs (this process and a fresh one) write the same bytes for every figure."""
    here = save_all(tmp_path / "here")
    assert len(here) == 10
    code = ("import sys; from pathlib import Path; sys.path.insert(0, %r);"
            "from tests.report.test_plots import save_all; save_all(Path(%r))"
            % (str(REPO), str(tmp_path / "there")))
    env = {**os.environ, "MPLBACKEND": "Agg"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=REPO)
    for name, data in here.items():
        assert (tmp_path / "there" / name).read_bytes() == data, name
    again = save_all(tmp_path / "again", only=("levels",))
    assert again == {k: v for k, v in here.items() if k.startswith("levels.")}


def test_level_colours_and_palette_override():
    fig = plots.level_valence_bar(level_counts(make_coded()),
                                  palette={"positive": "#000000"})
    colours = {tuple(p.get_facecolor()[:3]) for p in fig.axes[0].patches}
    assert (0.0, 0.0, 0.0) in colours
    red = matplotlib.colors.to_rgb(plots.VALENCE_COLOURS["attention"])
    assert tuple(round(c, 6) for c in red) in {tuple(round(c, 6) for c in x) for x in colours}
    plt.close(fig)


def test_heatmap_shows_counts_in_framework_order():
    fig = plots.framework_heatmap(framework_matrix(make_coded()))
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["individual", "departmental",
                                                           "organisational", "symbolic"]
    assert "2" in {t.get_text() for t in ax.texts}
    plt.close(fig)


def test_plot_rejects_wrong_table():
    from rmresearch.errors import InputError

    with pytest.raises(InputError, match="level counts"):
        plots.level_valence_bar(make_segments())


def test_empty_tables_still_draw():
    coded, segs = make_coded().iloc[0:0], make_segments()
    responses = make_responses().iloc[0:0]
    figs = [plots.level_valence_bar(level_counts(coded)),
            plots.framework_heatmap(framework_matrix(coded)),
            plots.congruence_chart(congruence(coded, segs)),
            plots.survey_plot(survey_items(responses)),
            plots.cohort_comparison_plot(level_distribution(coded, segs))]
    assert "No pair" in figs[1].axes[0].texts[0].get_text()
    for fig in figs:
        plt.close(fig)


def test_colours_and_words_come_from_the_vocabulary():
    from rmresearch import vocabulary

    assert plots.LEVEL_COLOURS is vocabulary.LEVEL_COLOURS
    assert plots.VALENCE_COLOURS is vocabulary.VALENCE_COLOURS
    assert plots.VALENCE_LABELS is vocabulary.VALENCE_LABELS
    assert plots.CONGRUENCE_COLOURS is vocabulary.CONGRUENCE_COLOURS


def test_congruence_chart_shows_the_vocabulary_categories_in_order():
    from rmresearch import vocabulary

    fig = plots.congruence_chart(congruence(make_coded(), make_segments()))
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == list(vocabulary.PAIR_CONGRUENCE)  # said against seen, by valence
    drawn = {tuple(round(c, 6) for c in p.get_facecolor()[:3]) for p in ax.patches
             if p.get_width() > 0}
    wanted = {tuple(round(c, 6) for c in matplotlib.colors.to_rgb(colour))
              for colour in vocabulary.PAIR_CONGRUENCE_COLOURS.values()}
    assert drawn and drawn <= wanted  # bars drawn (analysis uses the same words), in its colours
    plt.close(fig)


def test_long_questions_do_not_run_into_each_other():
    long = ["How confident do you feel talking about race with senior leaders in your trust?",
            "How well do you understand the trust's equality, diversity and inclusion strategy?"]
    items = pd.DataFrame({"question_id": [q for q in long for _ in range(2)],
                          "stage": ["enrolment", "end"] * 2, "mean": [5.0, 7.0, 6.0, 8.0],
                          "role": "mentee"})
    fig = plots.survey_plot(items)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    titles = [ax.title for ax in fig.axes if ax.get_visible() and ax.get_title()]
    assert len(titles) == 2 and all("\n" in t.get_text() for t in titles)
    boxes = [t.get_window_extent(renderer) for t in titles]
    assert not boxes[0].overlaps(boxes[1])
    assert fig.get_supxlabel() == "Programme stage" and fig.axes[0].get_ylabel() == "Mean score"
    plt.close(fig)


def test_comparison_legend_sits_outside_the_bars():
    dist = pd.DataFrame({"cohort": ["C1", "C2"] * 2,
                         "code": ["individual"] * 2 + ["symbolic"] * 2,
                         "prop": [0.4, "<5", 0.2, 0.3]})
    fig = plots.cohort_comparison_plot(dist)
    fig.canvas.draw()
    ax = fig.axes[0]
    legend = ax.get_legend().get_window_extent(fig.canvas.get_renderer())
    assert legend.x0 >= ax.get_window_extent().x1  # right of the axes, over no bar
    heights = sorted(round(p.get_height(), 2) for p in ax.patches
                     if p.get_height() == p.get_height())  # NaN: not drawn
    assert heights == [0.2, 0.3, 0.4]  # the hidden share is not drawn
    plt.close(fig)


def _labels_apart(fig) -> bool:
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for ax in fig.axes for t in ax.get_xticklabels()
             if t.get_text()]
    return len(boxes) >= 4 and not any(a.overlaps(b) for i, a in enumerate(boxes)
                                       for b in boxes[i + 1:])


def test_level_names_on_the_x_axis_do_not_overlap_beside_an_outside_legend():
    fig = plots.level_valence_bar(level_counts(make_coded()))
    assert _labels_apart(fig)
    legend = fig.axes[0].get_legend().get_window_extent(fig.canvas.get_renderer())
    assert legend.x0 >= fig.axes[0].get_window_extent().x1
    plt.close(fig)
    dist = pd.DataFrame({"cohort": ["C1"] * 4, "code": ["individual", "departmental",
                                                        "organisational", "symbolic"],
                         "prop": [0.1, 0.2, 0.3, 0.4]})
    fig = plots.cohort_comparison_plot(dist)
    assert _labels_apart(fig)
    plt.close(fig)
