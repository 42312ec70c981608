"""The scan of published files (issue 15, item 6) finds what it is meant to find."""
from __future__ import annotations

from pathlib import Path

from tests.report.machine_traces import machine_traces, readable_text


def test_warnings_tracebacks_and_progress_bars_are_found() -> None:
    assert machine_traces("UserWarning: the number of topics is small")
    assert machine_traces("Traceback (most recent call last):\n  File x")
    assert machine_traces("Batches: 100%|██████████| 3/3 [00:01<00:00, 2.1it/s]")
    assert not machine_traces("Cohort C1: 6 of 8 pairs recorded good practice.")


def test_absolute_paths_are_found_but_relative_ones_are_not() -> None:
    assert machine_traces("see /home/ana/project/store.rmproj")
    assert machine_traces(r"written to C:\Users\ana\out")
    assert machine_traces("cache in /tmp/rmresearch-cache-x1/embeddings")
    assert not machine_traces("tables/level_counts.csv and ../data/synthetic")
    assert not machine_traces("rated 6/10 at enrolment; 3/4 pairs")


def test_half_replaced_names_are_found() -> None:
    names = ["Dev Sharma", "Keisha Chaudhry"]
    assert machine_traces("Dev Person 24 said so", names) == ["Dev Person 24"]
    assert machine_traces("Leader C Chaudhry spoke", names) == ["Leader C Chaudhry"]
    assert not machine_traces("Person 24 said so; Leader C spoke", names)


def test_a_page_is_read_without_its_style_sheet(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<html><head><style>/* (DEPRECATED) icons */</style></head><body>"
                    "<p>Fine.</p><img alt='UserWarning: x' src='data:image/png;base64,AA'>"
                    "</body></html>", encoding="utf-8")
    text = readable_text(page)
    assert "DEPRECATED" not in text and "Fine." in text
    assert machine_traces(text) == ["UserWarning:"]
