"""Evaluation on a small gold file, the `code` / `evaluate` commands and store mode."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from rmresearch.cli import main
from rmresearch.coding import evaluate_gold, format_evaluation
from rmresearch.coding.evaluate import load_gold, score_codings
from rmresearch.errors import InputError
from tests.conftest import REPO

GOLD = """id,text,primary,levels,valence
g1,She thanked the porters by name in the huddle.,individual,individual,positive
g2,The interview panel for the band 7 post was all white.,departmental,departmental,attention
g3,He argued at board for the trust's target on BME representation.,organisational,organisational,positive
g4,Photos of BME award winners are up on the department wall.,symbolic,symbolic,positive
g5,Shall we book the next session for March?,none,none,neutral
g6,"She nominated Grace for the trust award and had her photo put up on the ward wall.",organisational,organisational;symbolic,positive
g7,He did not use inclusive language with the overseas nurses.,individual,individual,attention
"""


@pytest.fixture()
def gold(tmp_path: Path) -> Path:
    path = tmp_path / "gold.csv"
    path.write_text(GOLD, encoding="utf-8")
    return path


def test_evaluate_small_gold(gold: Path) -> None:
    result = evaluate_gold(gold)
    assert result["n"] == 7 and set(result["per_level"]) == {
        "individual", "departmental", "organisational", "symbolic", "none"}
    assert result["macro_f1"] == pytest.approx(1.0)
    assert result["kappa_primary"] > 0.8 and result["primary_accuracy"] >= 6 / 7
    # g4 ("Photos of BME award winners are up on the department wall.") is a near tie
    # between positive and attention for the shipped coder (0.48 / 0.48).
    assert result["valence_accuracy"] >= 5 / 6 and result["valence_n"] == 6
    text = format_evaluation(result)
    assert "macro-F1 (levels + none): 1.000" in text and "kappa" in text
    assert json.loads(format_evaluation(result, "json"))["n"] == 7


@pytest.mark.parametrize("name", ["dev", "holdout"])
def test_shipped_coder_meets_the_targets_on_the_gold_sets(name: str) -> None:
    """Guard against regressions: the targets of the coding issue on our hand-coded sets
    (holdout_b.csv is kept for a single measurement per change of the coder, not a test)."""
    result = evaluate_gold(REPO / "data" / "gold" / f"{name}.csv")
    assert result["macro_f1"] >= 0.80, result["macro_f1"]
    assert result["kappa_primary"] >= 0.75, result["kappa_primary"]
    assert result["valence_accuracy"] >= 0.80, result["valence_accuracy"]


def test_scores_by_hand() -> None:
    g = load_gold(pd.DataFrame({"id": ["a", "b", "c"], "text": ["x", "y", "z"],
                                "levels": ["individual;symbolic", "none", "departmental"],
                                "valence": ["positive", "neutral", "attention"]}))
    pred = pd.DataFrame({"segment_id": ["a", "a", "c"], "code": ["symbolic", "departmental",
                                                                  "departmental"],
                         "score": [0.9, 0.6, 0.8], "valence": ["positive", "positive",
                                                                "positive"]})
    res = score_codings(g, pred, ["individual", "departmental", "organisational", "symbolic"])
    assert res["per_level"]["departmental"]["precision"] == 0.5
    assert res["per_level"]["individual"]["recall"] == 0.0
    assert res["per_level"]["none"]["f1"] == 1.0
    assert res["primary_accuracy"] == pytest.approx(2 / 3)  # primary of a = individual
    assert res["valence_accuracy"] == 0.5 and res["valence_n"] == 2


@pytest.mark.parametrize("content, message", [
    ("id,body,levels\ng1,x,none\n", r"missing column\(s\) 'text'; columns found: id, body"),
    ("id,text,levels\ng1,x,team\n", r"row 2, column 'levels': unknown level\(s\) team"),
    ("id,text,levels\ng1,,none\n", r"row 2, column 'text': empty text"),
    ("id,text,levels\ng1,x,none\ng1,y,none\n", r"duplicate id\(s\) g1"),
    ("id,text,levels,valence\ng1,x,individual,good\n", r"row 2, column 'valence'"),
    ("id,text,levels,primary\ng1,x,individual,symbolic\n", r"primary 'symbolic' is not"),
])
def test_bad_gold_is_a_clear_input_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_gold(path)
    with pytest.raises(InputError, match="not found"):
        load_gold(tmp_path / "absent.csv")


def test_cli_evaluate_and_code(gold: Path, tmp_path: Path, capsys) -> None:
    assert main(["evaluate", "--gold", str(gold), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["macro_f1"] == pytest.approx(1.0)
    out = tmp_path / "coded.xlsx"
    assert main(["code", "--input", str(gold), "--output", str(out)]) == 0
    assert list(pd.read_excel(out).columns) == ["id", "code", "score", "valence", "evidence",
                                                "coder"]
    assert "6 rows coded, 7 codings" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["code"], "either --store PROJECT or --input FILE"),
    (["code", "--input", "x.csv"], "--output FILE is needed"),
    (["evaluate", "--gold", "g.csv", "--format", "yaml"], "unknown --format 'yaml'"),
    (["code", "--store", "nowhere.rmproj"], "does not exist"),
])
def test_cli_bad_arguments_exit_2(args: list[str], message: str, capsys) -> None:
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_store_mode_codes_new_segments_once_and_keeps_human_codings(
        mini_data: Path, tmp_path: Path, capsys) -> None:
    from rmresearch.coding.project import code_store
    from rmresearch.ingest import ingest_folder
    from rmresearch.store import ProjectStore

    path = tmp_path / "p.rmproj"
    with ProjectStore.open(path) as st:
        st.ingest(ingest_folder(mini_data))
        seg = st.segments()
    assert main(["code", "--store", str(path)]) == 0
    assert "human-coded" in capsys.readouterr().out
    with ProjectStore.open(path) as st:
        machine = st.codings()
        label = machine["coder"].iloc[0]
        assert st.coded_segment_ids(label) == set(seg["segment_id"])
    assert label.startswith("ensemble@") and len(machine) > 0
    import rmresearch.coding.api as api

    def no_fitting(*args, **kwargs):
        raise AssertionError("a run with nothing new must not fit the coder")

    fit, api.default_coder = api.default_coder, no_fitting
    try:
        again = code_store(path)
    finally:
        api.default_coder = fit
    assert again["coded"] == 0 and again["run_id"] is None and again["coder"] == label

    sid = seg.loc[seg["text"].str.contains("porters"), "segment_id"].iloc[0]
    human = pd.DataFrame([dict(segment_id=sid, code="individual", coder="human:ana",
                               score=1.0, valence="positive", evidence="mine")])
    with ProjectStore.open(path) as st:
        st.add_human_codings(human)
    third = code_store(path)
    assert third["human_examples"] == 1 and third["coder"] != label
    with ProjectStore.open(path) as st:  # the label predicted before fitting is the fitted one
        assert st.coded_segment_ids(third["coder"]) == set(seg["segment_id"])
    assert third["coded"] == len(seg)
    with ProjectStore.open(path) as st:
        kept = st.codings("human:ana")
    assert kept[["segment_id", "code", "evidence"]].values.tolist() == [[sid, "individual",
                                                                         "mine"]]
