"""Theme assignment within levels: the right theme on sentences written here, "other" when
nothing fits, byte-identical reruns, and clear errors."""
from __future__ import annotations

import pandas as pd
import pytest

from rmresearch.codebook.themes import default_themes
from rmresearch.coding.embeddings import Embedder
from rmresearch.coding.themes import THEME_COLUMNS, assign_themes
from rmresearch.errors import CodingError

# Written for this test; none appears in the themes file or the gold set.
CLEAR = [
    ("individual", "She apologised for saying Adwoa's name wrong and asked her to teach "
                   "her the right way to say it.", "individual.names_pronunciation"),
    ("individual", "His jokes about the Polish cleaners' accents get a laugh from the "
                   "managers but not from the cleaners.", "individual.humour_banter"),
    ("departmental", "The shortlisting for the deputy post was done by two white managers "
                     "and the interview panel had no one from a minority background.",
     "departmental.recruitment_panels"),
    ("departmental", "A nurse who reported racist remarks from a colleague told me her "
                     "complaint was never investigated.", "departmental.bullying_harassment"),
    ("organisational", "He had not read the trust's WRES report and did not know the "
                       "disciplinary figures.", "organisational.wres_data"),
    ("organisational", "She is the executive sponsor of the BME staff network and goes to "
                       "its meetings.", "organisational.staff_networks"),
    ("symbolic", "Every photograph on the wall outside the boardroom shows a white man in "
                 "a suit.", "symbolic.who_is_pictured"),
    ("symbolic", "He wears a rainbow lanyard and a pronoun badge every day.",
     "symbolic.badges_signs"),
]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder()


def _table(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame({"segment_id": [f"s{i}" for i in range(len(rows))],
                         "code": [level for level, _ in rows],
                         "text": [text for _, text in rows]})


def test_clear_findings_get_the_theme_they_are_about(embedder: Embedder) -> None:
    out = assign_themes(_table([(lv, text) for lv, text, _ in CLEAR]), embedder=embedder)
    assert list(out["theme"]) == [theme for _, _, theme in CLEAR]
    names = {c.id: c.name for c in default_themes().codes}
    assert list(out["theme_name"]) == [names[t] for t in out["theme"]]
    assert out["theme_score"].between(0, 1).all() and (out["theme_score"] > 0.3).all()


def test_the_level_decides_which_themes_compete(embedder: Embedder) -> None:
    text = ("Interview panels for the band 7 posts have been all white for two years, and "
            "the trust board has no Black members either.")
    out = assign_themes(_table([("departmental", text), ("organisational", text)]),
                        embedder=embedder)
    assert list(out["theme"]) == ["departmental.recruitment_panels",
                                  "organisational.board_targets"]


def test_other_when_no_theme_is_close(embedder: Embedder) -> None:
    rows = [("individual", "The car park barrier at the north entrance was stuck again."),
            ("symbolic", "It rained all afternoon and the trains were late.")]
    out = assign_themes(_table(rows), embedder=embedder)
    assert list(out["theme"]) == ["individual.other", "symbolic.other"]
    assert list(out["theme_name"]) == ["Other individual findings", "Other symbolic findings"]


def test_same_input_same_bytes_and_columns_kept(embedder: Embedder) -> None:
    table = _table([(lv, text) for lv, text, _ in CLEAR]).assign(valence="positive")
    table.index = [10 * i for i in range(len(table))]
    first = assign_themes(table, embedder=embedder)
    again = assign_themes(table.copy(), embedder=Embedder(use_cache=False))
    assert first.to_csv().encode() == again.to_csv().encode()
    assert list(first.columns) == [*table.columns, *THEME_COLUMNS]
    assert list(first.index) == list(table.index)
    assert table.columns.tolist() == ["segment_id", "code", "text", "valence"]  # not changed


def test_empty_table_gets_the_columns(embedder: Embedder) -> None:
    out = assign_themes(_table([]), embedder=embedder)
    assert list(out.columns) == ["segment_id", "code", "text", *THEME_COLUMNS]
    assert len(out) == 0


def test_errors_name_the_problem_and_the_rows(embedder: Embedder) -> None:
    with pytest.raises(CodingError, match="no column\\(s\\) 'code'.*columns found: "
                                          "segment_id, text"):
        assign_themes(pd.DataFrame({"segment_id": ["a"], "text": ["x"]}), embedder=embedder)
    bad = _table([("individual", "fine"), ("valence", "a row with a wrong code")])
    with pytest.raises(CodingError, match="row 2 \\(segment_id 's1', code 'valence'\\)"):
        assign_themes(bad, embedder=embedder)
    with pytest.raises(CodingError, match="text must be a string.*row 1"):
        assign_themes(pd.DataFrame({"segment_id": ["a"], "code": ["individual"],
                                    "text": [None]}), embedder=embedder)
    with pytest.raises(CodingError, match="got list"):
        assign_themes([("a", "individual", "x")], embedder=embedder)
