"""The publisher's min-cell rule (issue 15, item 3): small counts of people's records are
hidden, counts of coders, mentoring pairs, units, segments and documents never are."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from rmresearch.report.publish import Publisher, is_people_count


def _table() -> pd.DataFrame:
    return pd.DataFrame({"code": ["individual", "symbolic"], "n_coders": [3, 3],
                         "n_pairs": [2, 8], "n_units": [4, 40], "n_segments": [3, 30],
                         "n": [3, 12], "n_respondents": [2, 9], "size": [4, 6],
                         "mean": [6.5, 7.25]})


def test_counts_of_coders_pairs_and_segments_are_never_hidden(tmp_path: Path) -> None:
    published = Publisher(tmp_path, min_cell=5).table(
        _table(), "rule", counts=["n_pairs", "n_coders"], linked=["mean"])
    for col in ("n_coders", "n_pairs", "n_units", "n_segments"):
        assert published[col].tolist() == _table()[col].tolist(), col
    assert published["n"].tolist() == ["<5", 12]
    assert published["n_respondents"].tolist() == ["<5", 9]
    assert published["size"].tolist() == ["<5", 6]
    assert published["mean"].tolist() == ["<5", 7.25]  # a mean would give the answers away
    csv = (tmp_path / "tables" / "rule.csv").read_text(encoding="utf-8").splitlines()
    assert csv[1].startswith("individual,3,2,4,3,<5,<5,<5,<5")


def test_the_rule_names_what_a_column_counts() -> None:
    assert not any(map(is_people_count, ["n_coders", "n_pairs", "pairs_with", "pairs_total",
                                         "n_units", "n_segments", "n_documents"]))
    assert all(map(is_people_count, ["n", "n_respondents", "n_a", "n_b", "n_changed", "size",
                                     "n_said", "n_done_positive"]))


def test_nothing_is_hidden_when_the_rule_is_off(tmp_path: Path) -> None:
    published = Publisher(tmp_path, min_cell=0).table(_table(), "off")
    assert published["n"].tolist() == [3, 12]
