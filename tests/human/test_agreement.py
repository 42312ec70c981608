"""Agreement statistics against published worked examples, bootstrap, gating, the command."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from rmresearch.human.agreement import (_from_sums, _unit_arrays, agreement_table, cohen_kappa, gate,
                                  gwet_ac1, krippendorff_alpha, percent_agreement)
from rmresearch.errors import InputError
from tests.conftest import queue_store

# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", section C (nominal data,
# missing values): 4 observers x 12 units, values 1-5, alpha = 0.743. The same data are
# Gwet (2014) "Handbook of Inter-Rater Reliability", 4th ed., pp. 55-56, as used in the
# test suite of jmgirard/agreement (tests/testthat/test-categorical_unordered.R): percent
# agreement 0.8182, AC1 chance agreement 0.1903, AC1 0.7754, alpha 0.7434.
N = None
KRIPPENDORFF_2011 = [  # one row per unit, one column per observer A-D
    [1, 1, N, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
    [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [N, 5, 5, 5], [N, N, 1, 1], [N, N, 3, N]]


def test_krippendorff_2011_nominal_example_with_missing_data() -> None:
    assert krippendorff_alpha(KRIPPENDORFF_2011) == pytest.approx(0.743, abs=5e-4)
    assert krippendorff_alpha(KRIPPENDORFF_2011) == pytest.approx(0.7434, abs=5e-5)


def test_gwet_2014_ac1_example_with_missing_data() -> None:
    assert percent_agreement(KRIPPENDORFF_2011) == pytest.approx(9 / 11)  # 0.8182
    # hand: pi = (3, 3.25, 3.5, 1.25, 1) / 12; pe = sum pi(1 - pi) / 4 = 0.1903
    assert gwet_ac1(KRIPPENDORFF_2011) == pytest.approx(0.7754, abs=5e-5)


def _pairs(table: dict[tuple[str, str], int]) -> tuple[list[str], list[str]]:
    a, b = [], []
    for (x, y), n in table.items():
        a += [x] * n
        b += [y] * n
    return a, b


def test_cohen_kappa_textbook_example_and_ac1_by_hand() -> None:
    # Cohen's kappa, the 50-proposal example (Wikipedia "Cohen's kappa", Example): 20 yes/yes,
    # 5 yes/no, 10 no/yes, 15 no/no: po = 0.7, pe = 0.5, kappa = 0.4.
    a, b = _pairs({("y", "y"): 20, ("y", "n"): 5, ("n", "y"): 10, ("n", "n"): 15})
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    # AC1 by hand (Gwet 2008, two raters): pi_yes = (25/50 + 30/50) / 2 = 0.55,
    # pe = 2 * 0.55 * 0.45 = 0.495, AC1 = (0.7 - 0.495) / 0.505 = 0.40594.
    assert gwet_ac1(list(zip(a, b))) == pytest.approx(0.205 / 0.505)


def test_kappa_paradox_example_and_warning() -> None:
    # 125 units, 118 both present, 5 + 2 disagreements, none both absent: agreement 94 %,
    # kappa = (0.944 - 0.94528) / (1 - 0.94528) = -0.0234, AC1 = 0.8896 / 0.9456 = 0.9408.
    a, b = _pairs({(1, 1): 118, (1, 0): 5, (0, 1): 2})
    assert cohen_kappa(a, b) == pytest.approx(-0.02339, abs=1e-4)
    assert gwet_ac1(list(zip(a, b))) == pytest.approx(0.94080, abs=1e-4)
    units = [f"s{i}" for i in range(125)]
    codings = pd.DataFrame([(u, "individual", c) for u, x, y in zip(units, a, b)
                            for c, v in (("human:a", x), ("human:b", y)) if v],
                           columns=["segment_id", "code", "coder"])
    table = agreement_table(codings, ["human:a", "human:b"], seen={"human:a": units,
                            "human:b": units}, n_boot=200)
    row = table.set_index("code").loc["individual"]
    assert row["percent_agreement"] == pytest.approx(0.944)
    assert "kappa paradox" in row["note"] and "97%" in row["note"]


@pytest.mark.parametrize("n_coders", [2, 3, 5])
def test_closed_forms_used_by_the_bootstrap_equal_the_reference_implementations(
        n_coders: int) -> None:
    rng = np.random.default_rng(n_coders)
    x = (rng.random((80, n_coders)) < 0.3).astype(float)
    x[rng.random(x.shape) < 0.25] = np.nan
    closed = _from_sums({k: v.sum() for k, v in _unit_arrays(x).items()})
    assert float(closed["alpha"]) == pytest.approx(krippendorff_alpha(x))
    assert float(closed["ac1"]) == pytest.approx(gwet_ac1(x, categories=[0.0, 1.0]))
    assert float(closed["percent_agreement"]) == pytest.approx(percent_agreement(x))
    if n_coders == 2:
        both = ~np.isnan(x).any(axis=1)
        assert float(closed["kappa"]) == pytest.approx(cohen_kappa(x[both, 0], x[both, 1]))


def _codings(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["segment_id", "code", "coder"])


def test_unseen_segments_are_missing_not_absent() -> None:
    codings = _codings([("s1", "individual", "human:a"), ("s1", "individual", "human:b"),
                        ("s2", "individual", "human:a")])
    seen = {"human:a": ["s1", "s2", "s3"], "human:b": ["s1", "s3"]}
    row = agreement_table(codings, ["human:a", "human:b"], seen=seen, n_boot=0).iloc[0]
    assert row["n_units"] == 2 and row["percent_agreement"] == 1.0  # s2 not seen by b
    seen["human:b"].append("s2")
    row = agreement_table(codings, ["human:a", "human:b"], seen=seen, n_boot=0).iloc[0]
    assert row["n_units"] == 3 and row["percent_agreement"] == pytest.approx(2 / 3)


def test_table_has_every_code_overall_and_seeded_intervals() -> None:
    rng = np.random.default_rng(0)
    units = [f"s{i}" for i in range(120)]
    rows = []
    for u in units:
        truth = {c for c in ("individual", "departmental") if rng.random() < 0.4}
        for coder in ("human:a", "human:b", "human:c"):
            rows += [(u, c, coder) for c in truth if rng.random() < 0.9]
    seen = {c: units for c in ("human:a", "human:b", "human:c")}
    args = dict(seen=seen, codes=["individual", "departmental", "symbolic"], n_boot=300, seed=3)
    table = agreement_table(_codings(rows), ["human:a", "human:b", "human:c"], **args)
    again = agreement_table(_codings(rows), ["human:a", "human:b", "human:c"], **args)
    pd.testing.assert_frame_equal(table, again)
    assert table["code"].tolist() == ["individual", "departmental", "symbolic", "overall"]
    ind = table.set_index("code").loc["individual"]
    assert np.isnan(ind["kappa"])  # three coders: no Cohen's kappa
    for stat in ("alpha", "ac1", "percent_agreement"):
        assert ind[f"{stat}_low"] <= ind[stat] <= ind[f"{stat}_high"]
    assert 0.6 < ind["alpha"] < 0.95
    assert "kappa paradox" in table.set_index("code").loc["symbolic", "note"]
    with pytest.raises(InputError, match="at least two coders"):
        agreement_table(_codings(rows), ["human:a"])


def test_gate_marks_trusted_and_review_codes() -> None:
    rng = np.random.default_rng(1)
    units = [f"s{i}" for i in range(60)]
    rows = []
    for u in units:
        ind, sym = rng.random() < 0.5, rng.random() < 0.5
        rows += [(u, "individual", "human:a")] * ind + [(u, "individual", "ensemble@x")] * ind
        rows += [(u, "symbolic", "human:a")] * sym
        rows += [(u, "symbolic", "ensemble@x")] * (rng.random() < 0.5)
    seen = {"human:a": units, "ensemble@x": units}
    result = gate(_codings(rows), "ensemble@x", ["human:a"], seen=seen,
                  codes=["individual", "symbolic"])
    assert list(result.columns[:4]) == ["code", "alpha", "n", "decision"]
    assert result.set_index("code")["decision"].to_dict() == {"individual": "auto",
                                                              "symbolic": "review"}
    sample = [r for r in rows if r[2] != "human:a" or r[0] in units[:5]]
    few = gate(_codings(sample), "ensemble@x", ["human:a"], seen={"human:a": units[:5],
               "ensemble@x": units}, codes=["individual"])
    assert few.loc[0, "decision"] == "review" and "only 5" in few.loc[0, "reason"]


def test_agree_command_prints_table_gates_and_writes_csv(store: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture) -> None:
    from rmresearch import cli

    queue_store(store)
    out = tmp_path / "agreement.csv"
    code = cli.main(["agree", "--store", str(store), "--coders", "human:ana,ben,ensemble",
                     "--output", str(out), "--bootstrap", "50"])
    captured = capsys.readouterr()
    printed = captured.out
    assert code == 0, captured.err
    assert "Agreement among human:ana, human:ben, ensemble@abc" in printed
    assert "Gating ensemble@abc against the human coders" in printed
    table = pd.read_csv(out)
    assert table["code"].tolist()[-1] == "overall" and "alpha_low" in table.columns
    assert set(pd.read_csv(tmp_path / "agreement_gate.csv")["decision"]) <= {"auto", "review"}
    assert cli.main(["agree", "--store", str(store), "--coders", "human:ana,nobody"]) == 2
    assert "no coder called 'nobody'" in capsys.readouterr().err
