"""The report context's own decisions: themes on too few findings, appendices left out."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from rmresearch.errors import InputError
from rmresearch.report.jobs import SKIPPABLE, report_jobs


def test_too_few_findings_for_themes_is_said_and_the_appendix_still_builds(
        store: Path, tmp_path: Path, capsys) -> None:
    from rmresearch.analysis import topics
    from rmresearch.report.context import open_report

    ctx = open_report(data="", store=str(store), output=str(tmp_path / "themes"),
                      pseudonymise=False, min_cell=0)
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
    assert (tmp_path / "themes" / "tables" / "topics.csv").is_file()


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
