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


#: floors a little below what the shipped coder measured on the sets of real registers
#: (7 December 2026, coder trained with the registers training file): macro-F1, kappa,
#: valence. Guards against a change that helps our own writing and loses real text.
#: registers_b's floors were lowered by 0.01 with the learned role gate, a measured trade
#: (docs/evaluation.md, "A learned role gate"): it lost 6 findings of that set's published prose
#: and took 1 non-finding off, and took 3 for 1 on a mentor's paperwork (set e)
REGISTER_FLOORS = {"registers": (0.78, 0.77, 0.87), "registers_b": (0.80, 0.77, 0.83),
                   "registers_c": (0.85, 0.83, 0.79)}


@pytest.mark.parametrize("name", sorted(REGISTER_FLOORS))
def test_shipped_coder_holds_its_level_on_the_sets_of_real_registers(name: str) -> None:
    """Measured 0.800/0.791/0.884, 0.815/0.780/0.846 and 0.878/0.868/0.800
    (`ensemble@c3c02cd877`: roles-v13, valence read by the strong encoder, the role gate)."""
    result = evaluate_gold(REPO / "data" / "gold" / f"{name}.csv")
    f1, kappa, valence = REGISTER_FLOORS[name]
    assert result["macro_f1"] >= f1, result["macro_f1"]
    assert result["kappa_primary"] >= kappa, result["kappa_primary"]
    assert result["valence_accuracy"] >= valence, result["valence_accuracy"]


#: valence accuracy over every finding of the sets where the words point away from the
#: meaning (coded or not): valence_dev is where the rules were developed, valence_b only
#: measures
VALENCE_FLOORS = {"valence_dev": 0.80, "valence_b": 0.69}


@pytest.mark.parametrize("name", sorted(VALENCE_FLOORS))
def test_valence_is_read_from_meaning_not_words(name: str) -> None:
    """Measured 0.819 and 0.710 (0.731 and 0.630 before valence rules shapes-v4 and the
    valence training file)."""
    from rmresearch.coding.api import default_coder

    gold = pd.read_csv(REPO / "data" / "gold" / f"{name}.csv", keep_default_na=False)
    assert len(gold) >= 160 and set(gold["valence"]) == {"positive", "attention", "neutral"}
    predicted = default_coder().predict_valence(gold["text"].tolist())
    accuracy = (pd.Series(predicted) == gold["valence"].reset_index(drop=True)).mean()
    assert accuracy >= VALENCE_FLOORS[name], accuracy


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


# ------------------------------------------------------------------ registers and roles
REGISTER_GOLD = pd.DataFrame({
    "id": ["a", "b", "c", "d", "e", "f", "g"],
    "text": ["t1", "t2", "t3", "t4", "t5", "t6", "t7"],
    "register": ["news", "news", "news", "notes", "notes", "notes", "headings"],
    "role": ["finding", "finding", "question", "finding", "heading", "logistics", "heading"],
    "primary": ["individual", "departmental", "none", "organisational", "none", "none", "none"],
    "levels": ["individual", "departmental;symbolic", "none", "organisational", "none", "none",
               "none"],
    "valence": ["positive", "attention", "neutral", "attention", "neutral", "neutral",
                "neutral"]})
# a: right; b: symbolic only (departmental missed, valence wrong); c: a question given a level;
# d: a finding left uncoded; e, g: headings left alone; f: logistics given a level
REGISTER_PRED = pd.DataFrame({
    "segment_id": ["a", "b", "c", "f"],
    "code": ["individual", "symbolic", "individual", "departmental"],
    "score": [0.9, 0.8, 0.6, 0.5],
    "valence": ["positive", "positive", "positive", "neutral"]})
CODES = ["individual", "departmental", "organisational", "symbolic"]


def test_per_register_figures_by_hand() -> None:
    res = score_codings(load_gold(REGISTER_GOLD), REGISTER_PRED, CODES)
    news, notes, heads = (res["by_register"][r] for r in ("news", "notes", "headings"))
    assert list(res["by_register"]) == ["headings", "news", "notes"]
    # news: F1 individual 2/3 (1 tp, 1 fp), departmental 0, symbolic 1, none 0 (c is gold
    # none but coded); organisational occurs in neither gold nor predictions, so not averaged
    assert news["macro_f1"] == pytest.approx((2 / 3 + 0 + 1 + 0) / 4)
    # primary gold (individual, departmental, none) v. predicted (individual, symbolic,
    # individual): po = 1/3, pe = 1/3 * 2/3, kappa = (1/3 - 2/9) / (1 - 2/9) = 1/7
    assert news["kappa_primary"] == pytest.approx(1 / 7)
    assert news["primary_accuracy"] == pytest.approx(1 / 3)
    assert (news["valence_accuracy"], news["valence_n"]) == (0.5, 2)
    assert (news["n"], news["findings"], news["uncoded_findings"]) == (3, 2, 0)
    assert (news["non_findings"], news["false_findings"]) == (1, 1)
    # notes: departmental 0 (predicted only), organisational 0 (missed), none F1 1/2
    assert notes["macro_f1"] == pytest.approx(0.5 / 3)
    # primary (organisational, none, none) v. (none, none, departmental): po = 1/3,
    # pe = 2/3 * 2/3, kappa = (1/3 - 4/9) / (1 - 4/9) = -0.2
    assert notes["kappa_primary"] == pytest.approx(-0.2)
    assert notes["valence_accuracy"] is None and notes["valence_n"] == 0
    assert (notes["findings"], notes["uncoded_findings"], notes["false_findings"]) == (1, 1, 1)
    # a register whose gold has one primary label has no kappa
    assert heads["kappa_primary"] is None and heads["macro_f1"] == 1.0
    assert (heads["non_findings"], heads["false_findings"]) == (1, 0)
    ff = res["false_findings"]
    assert (ff["n"], ff["coded"], ff["rate"]) == (4, 2, 0.5)
    assert ff["by_role"] == {"heading": {"n": 2, "coded": 0, "rate": 0.0},
                             "logistics": {"n": 1, "coded": 1, "rate": 1.0},
                             "question": {"n": 1, "coded": 1, "rate": 1.0}}
    # the overall figures are the usual ones, over all rows
    assert res["n"] == 7 and res["valence_n"] == 2
    assert res["per_level"]["none"]["support"] == 4
    text = format_evaluation(res)
    line = next(x for x in text.splitlines() if x.startswith("news"))
    assert line.split() == ["news", "3", "2", "0.417", "0.143", "0.500", "0", "1", "of", "1"]
    assert next(x for x in text.splitlines() if x.startswith("headings")).split()[4:6] == [
        "n/a", "n/a"]
    assert "false findings (non-findings given a level): 2 of 4 (50%)" in text
    assert json.loads(format_evaluation(res, "json"))["by_register"]["notes"]["valence_n"] == 0


def test_gold_without_registers_keeps_its_output() -> None:
    plain = REGISTER_GOLD.drop(columns=["register", "role"])
    res = score_codings(load_gold(plain), REGISTER_PRED, CODES)
    assert "by_register" not in res and "false_findings" not in res
    text = format_evaluation(res)
    assert "By register" not in text and "false findings" not in text
    only_register = score_codings(load_gold(REGISTER_GOLD.drop(columns=["role"])),
                                  REGISTER_PRED, CODES)
    # without roles, a register's non-findings are its rows with no level
    assert only_register["by_register"]["notes"]["non_findings"] == 2
    assert "false_findings" not in only_register


@pytest.mark.parametrize("content, message", [
    ("id,text,levels,register\ng1,x,none,\n", r"row 2, column 'register': empty register"),
    ("id,text,levels,role\ng1,x,individual,question\n",
     r"row 2, column 'levels': role 'question' with levels 'individual': only findings carry"),
    ("id,text,levels,role\ng1,x,none,finding\n",
     r"row 2, column 'levels': role 'finding' with levels 'none'"),
    ("id,text,levels,role\ng1,x,none, \n", r"row 2, column 'role': empty role"),
])
def test_bad_register_or_role_is_a_clear_input_error(tmp_path: Path, content: str,
                                                     message: str, capsys) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        load_gold(path)
    assert main(["evaluate", "--gold", str(path)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_shipped_register_set_is_valid_and_balanced() -> None:
    gold = load_gold(REPO / "data" / "gold" / "registers.csv")
    assert len(gold) >= 320 and gold["id"].str.fullmatch(r"r\d{3}").all()
    per_register = gold["register"].value_counts()
    assert len(per_register) >= 10 and per_register.min() >= 25, per_register
    assert set(gold["role"]) == {"finding", "question", "about_mentoring", "method",
                                 "logistics", "heading"}
    findings = gold[gold["role"] == "finding"]
    assert findings["primary"].value_counts().min() >= 30
    assert set(findings["valence"]) == {"positive", "attention", "neutral"}
    assert (gold.loc[gold["role"] != "finding", "valence"] == "neutral").all()


def test_cli_evaluate_prints_a_table_per_register(tmp_path: Path, capsys) -> None:
    path = tmp_path / "registers.csv"
    REGISTER_GOLD.assign(text=[
        "She thanked the porters by name in the huddle.",
        "The interview panel for the band 7 post was all white, and so is the team photo.",
        "Who sat on the last panel you chaired?",
        "He argued at board for the trust's target on BME representation.",
        "Findings",
        "Next session Thursday at 3pm.",
        "Reflective journal - session 2"]).to_csv(path, index=False)
    assert main(["evaluate", "--gold", str(path)]) == 0
    out = capsys.readouterr().out
    assert "macro-F1 (levels + none):" in out and "By register" in out
    rows = {line.split()[0]: line.split() for line in out.splitlines()
            if line.split() and line.split()[0] in ("headings", "news", "notes")}
    assert [rows[r][1:3] for r in ("headings", "news", "notes")] == [["1", "0"], ["3", "2"],
                                                                      ["3", "1"]]
    assert main(["evaluate", "--gold", str(path), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result["by_register"]) == {"headings", "news", "notes"}
    assert result["false_findings"]["n"] == 4


def test_gold_with_an_unknown_role_is_refused(tmp_path: Path) -> None:
    gold = tmp_path / "g.csv"
    gold.write_text("id,text,levels,register,role\n"
                    "a,The panel was all white.,departmental,news,finding\n"
                    "b,See you Tuesday.,none,logistics,smalltalk\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown role 'smalltalk'") as info:
        load_gold(gold)
    assert "row 3" in str(info.value) and "about_mentoring" in str(info.value)
