"""The report context's own decisions: themes on too few findings, appendices left out."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from rmresearch.errors import InputError
from rmresearch.report.jobs import SKIPPABLE, report_jobs
from tests.conftest import build_store


@pytest.fixture(scope="module")
def opened(tmp_path_factory: pytest.TempPathFactory):
    """A small store opened once for a report (coding it is the slow part)."""
    from rmresearch.report.context import open_report

    root = tmp_path_factory.mktemp("ctx")
    store = build_store(root)
    out = root / "cohorts" / "C1"
    return open_report(data="", store=str(store), output=str(out), pseudonymise=False,
                       min_cell=0), root, out


def test_too_few_findings_for_themes_is_said_and_the_appendix_still_builds(
        opened, capsys) -> None:
    from rmresearch.analysis import topics

    ctx, _, out = opened
    texts = ctx.theme_segments()
    assert 0 < len(texts) < topics.MIN_TEXTS
    assert set(texts["role"]) == {"finding"}  # themes are made of findings only
    result = ctx.emergent_topics(texts, min_topic_size=5)
    assert "Too few findings in free text for emergent themes" in capsys.readouterr().out
    assert result.topics["topic"].tolist() == [-1]  # nothing but the unassigned
    assert result.topics["size"].tolist() == [len(texts)]
    assert (result.assignments["topic"] == -1).all() and len(result.assignments) == len(texts)
    cross = topics.topics_by_level(result.assignments, texts["segment_id"].tolist(),
                                   ctx.coded())
    assert len(cross) == 1
    ctx.publish(result.topics, "topics", counts=["size"],
                texts=["label", "keywords", "representative"])
    assert (out / "tables" / "topics.csv").is_file()


def test_appendices_can_be_left_out_and_unknown_kinds_are_refused(tmp_path: Path) -> None:
    project = SimpleNamespace(human_coders=["human:ana"])
    names = [j.name for j in report_jobs(project, tmp_path, ["C1", "C2"], {})]
    assert names == ["cohort_C1", "cohort_C2", "comparison", "themes", "agreement"]
    kept = [j.name for j in report_jobs(project, tmp_path, ["C1"], {}, skip=["themes",
                                                                           "agreement"])]
    assert kept == ["cohort_C1", "comparison"]
    assert SKIPPABLE == ("cohort", "comparison", "themes", "agreement")
    with pytest.raises(InputError, match="cannot skip 'colours'"):
        report_jobs(project, tmp_path, ["C1"], {}, skip=["colours"])


def test_report_refuses_an_unknown_skip_before_any_work(tmp_path: Path, capsys) -> None:
    from rmresearch.cli import main

    assert main(["report", "--data", str(tmp_path / "nothing"), "--output",
                 str(tmp_path / "out"), "--skip", "colours"]) == 2
    assert "Allowed: 'cohort', 'comparison', 'themes' or 'agreement'" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_the_cohort_appendix_opens_with_findings_at_a_glance(opened) -> None:
    from rmresearch.analysis import glance_view, strongest_table
    from rmresearch.report.index import write_index
    from rmresearch.report.jobs import Job

    ctx, tmp_path, out = opened
    glance = ctx.publish(ctx.glance("C1"), "findings_at_a_glance", texts=["quote"])
    themed = ctx.themed("C1")
    assert set(themed["role"]) == {"finding"} and themed["theme"].str.contains(".",
                                                                               regex=False).all()
    assert not glance.empty and set(glance["pairs"].str.endswith("of 1 pair")) == {True}
    assert set(glance["quote"]) <= set(themed["text"])
    view = glance_view(glance)
    assert list(view.columns) == ["Level", "Finding", "Theme", "Pairs", "Quote"]
    ctx.publish(strongest_table(glance), "strongest_findings", texts=["finding"])
    job = Job(name="cohort_C1", title="Cohort C1 findings", template="t",
              parameters={"cohort": "C1", "output": str(out)}, executed=str(tmp_path / "x"),
              html=str(tmp_path / "cohort_C1.html"), status="ok")
    manifest = {"parameters": {"pseudonymised": False, "min_cell": 0}, "leaks": [],
                "codebook": {"name": "edi", "hash": "h"}, "coder": "c", "version": "v",
                "seed": 1, "inputs": []}
    page = write_index(tmp_path, [job], manifest).read_text(encoding="utf-8")
    opening = page.index("Cohort C1: strongest findings")
    assert opening < page.index("appendices produced")
    first = strongest_table(glance)["finding"].iloc[0]
    assert f"<li>{first}</li>" in page


def test_a_topic_fit_is_kept_beside_the_store_and_read_back_on_the_next_run(
        opened, monkeypatch) -> None:
    import pandas as pd

    from rmresearch.analysis import topics
    from rmresearch.paths import topic_cache_dir

    ctx, _, _ = opened
    n = topics.MIN_TEXTS + 4
    texts = pd.DataFrame({"segment_id": [f"s{i}" for i in range(n)],
                          "text": [f"The rota on ward {i} changed without a word to anyone."
                                   for i in range(n)]})
    calls = []

    def fake_fit(listed, **kwargs):  # a fit with every column type the real one has
        calls.append(len(listed))
        table = pd.DataFrame({"topic": [-1, 0], "size": [1, n - 1],
                              "label": ["unassigned", "rota changed without a word"],
                              "keywords": ["", "rota;word"],
                              "representative": [[], [listed[0], listed[3]]]})
        assigned = pd.DataFrame({"index": range(n), "topic": [-1] + [0] * (n - 1),
                                 "probability": [0.0] + [0.1 * (i % 7) + 1 / 3
                                                         for i in range(n - 1)]})
        return topics.TopicResult(topics=table, assignments=assigned, model=object())

    monkeypatch.setattr(topics, "fit_topics", fake_fit)
    first = ctx.emergent_topics(texts, min_topic_size=5)
    again = ctx.emergent_topics(texts, min_topic_size=5)
    assert calls == [n]  # the second run read the fit back
    assert again.model is None
    pd.testing.assert_frame_equal(again.topics, first.topics)
    pd.testing.assert_frame_equal(again.assignments, first.assignments)  # floats exact
    kept = list(topic_cache_dir(ctx.project.store_path).glob("*.json"))
    assert len(kept) == 1 and (kept[0].stat().st_mode & 0o077) == 0  # private to its owner
    ctx.emergent_topics(texts, min_topic_size=6)  # another option: fitted again
    ctx.emergent_topics(texts.iloc[1:], min_topic_size=5)  # other texts: fitted again
    assert calls == [n, n, n - 1]
    for path in topic_cache_dir(ctx.project.store_path).glob("*.json"):
        path.write_text("{not json", encoding="utf-8")  # a damaged file is fitted again
    ctx.emergent_topics(texts, min_topic_size=5)
    assert calls == [n, n, n - 1, n]


def test_a_heading_from_parameters_is_escaped(opened) -> None:
    ctx, _, _ = opened
    assert ctx.heading("Cohort C1 findings").data == "<h1>Cohort C1 findings</h1>"
    assert ctx.heading("Cohort <b>C1</b> & co", level=9).data == \
        "<h6>Cohort &lt;b&gt;C1&lt;/b&gt; &amp; co</h6>"
