"""The leak check runs before files get their published names, on every publishing path
(issue 18, items 2 and 11), and generated data publishes no real name or identifier.

The stage tests write files straight into a `Stage` (no notebook kernel); the generated-data
test runs the generator for two seeds (small cohorts), builds the key as a report does from
what ingest reads (NER on; no machine coding, which the check does not need), publishes
the pseudonymised passages, pairs and form answers through `Publisher` into a stage, and
checks what was published against the generator's list of every person
(``truth/people.csv``).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from rmresearch.errors import LeakError
from rmresearch.privacy import PseudonymKey, build_key, leak_check
from rmresearch.privacy.staging import STAGE_PREFIX, Stage, leak_error, sweep_leftovers

HELEN = "Helen Tregowan"


@pytest.fixture
def key() -> PseudonymKey:
    docs = pd.DataFrame([dict(doc_id="d", cohort="C1", pair_id="C1-P01", mentor="Amaka Obi",
                              mentee=HELEN, text="Amaka Obi: hello.\n")])
    return build_key(docs, use_ner=False)


def test_clean_files_are_published_leaking_ones_withheld(tmp_path, key) -> None:
    out, quarantine = tmp_path / "out", tmp_path / "private" / "q"
    with Stage(out, quarantine=quarantine) as stage:
        (stage.path / "tables").mkdir()
        (stage.path / "tables" / "ok.csv").write_text("who\nLeader A\n", encoding="utf-8")
        (stage.path / "sheet.html").write_text(f"<p>{HELEN} said</p>", encoding="utf-8")
        # While the run lives, nothing is under a published name.
        assert sorted(p.name for p in out.iterdir()) == [stage.path.name]
        result = stage.publish(key)
    assert (out / "tables" / "ok.csv").exists() and not (out / "sheet.html").exists()
    assert result.withheld == ["sheet.html"] and (quarantine / "sheet.html").exists()
    assert [Path(leak.file) for leak in result.leaks] == [out / "sheet.html"]
    assert not any(p.name.startswith(STAGE_PREFIX) for p in out.iterdir())
    message = str(leak_error(result))
    assert "sheet.html" in message and "Leader A" in message and HELEN not in message
    assert isinstance(leak_error(result), LeakError)


def test_a_leader_named_on_purpose_is_allowed_on_the_sheet_only(tmp_path, key) -> None:
    out = tmp_path / "out"
    leader = next(p.pseudonym for p in key.people if p.name == HELEN)
    with Stage(out, quarantine=tmp_path / "q") as stage:
        (stage.path / "sheet.html").write_text(f"<p>For {HELEN}</p>", encoding="utf-8")
        (stage.path / "workings.html").write_text(f"<p>{HELEN}</p>", encoding="utf-8")
        result = stage.publish(key, allow={"sheet.html": [leader]})
    assert (out / "sheet.html").exists() and result.withheld == ["workings.html"]


def test_a_crash_before_the_check_publishes_nothing(tmp_path, key) -> None:
    out = tmp_path / "out"
    with pytest.raises(RuntimeError):
        with Stage(out, quarantine=tmp_path / "q") as stage:
            (stage.path / "sheet.html").write_text(f"<p>{HELEN}</p>", encoding="utf-8")
            raise RuntimeError("killed")
    assert list(out.iterdir()) == []


def test_leftovers_of_a_killed_run_are_removed_next_time(tmp_path, key) -> None:
    out = tmp_path / "out"
    (out / "notebooks").mkdir(parents=True)
    (out / "notebooks" / ".cohort_C1.partial.ipynb").write_text(HELEN, encoding="utf-8")
    (out / ".index.html.abc123.tmp").write_text(HELEN, encoding="utf-8")
    # A run killed with -9 leaves its stage; its lock dies with it.
    code = ("import sys, os; from rmresearch.privacy.staging import Stage\n"
            "s = Stage(sys.argv[1]).__enter__()\n"
            "open(os.path.join(s.path, 'sheet.html'), 'w').write('Helen Tregowan')\n"
            "os._exit(9)\n")
    subprocess.run([sys.executable, "-c", code, str(out)], check=False)
    assert [p for p in out.iterdir() if p.name.startswith(STAGE_PREFIX)]
    with Stage(out, quarantine=tmp_path / "q") as live:
        # A live stage is never swept by another run.
        assert sweep_leftovers(out) == []
        assert live.path.is_dir()
        names = [p.name for p in out.rglob("*")]
        assert names == [live.path.name, ".lock", "notebooks"] or sorted(names) == sorted(
            [live.path.name, ".lock", "notebooks"])
        live.publish(key)
    assert leak_check([out], key) == []


def _people(data: Path) -> list[str]:
    rows = pd.read_csv(data / "truth" / "people.csv", dtype=str)
    tokens = set()
    for name in rows["name"]:
        tokens.add(name)
        tokens.update(t for t in re.split(r"[ \-]", name) if len(t) > 2)
    return sorted(tokens)


@pytest.mark.parametrize("seed", [3, 11])
def test_generated_data_publishes_no_real_name(tmp_path, seed: int) -> None:
    """A small generated project, its key built as a report builds it (NER on), its
    passages, pairs and form answers published through a stage: no real name is left."""
    from rmresearch.ingest import ingest_folder
    from rmresearch.privacy import Pseudonymiser
    from rmresearch.report.publish import Publisher
    from rmresearch.synthetic.generator import generate

    data = tmp_path / "data"
    generate(data, seed=seed, cohorts=1, pairs=2, sessions=2)
    found = ingest_folder(data)
    key = build_key(found.documents, found.segments)
    out = tmp_path / "out"
    with Stage(out, quarantine=tmp_path / "private" / "q") as stage:
        pub = Publisher(stage.path, pseudonymiser=Pseudonymiser(key), min_cell=0)
        pub.table(found.segments[["doc_id", "speaker", "text"]], "passages",
                  texts=["text", "speaker"])
        pub.table(found.documents[["doc_id", "mentor", "mentee"]], "pairs",
                  texts=["mentor", "mentee"])
        words = [c for c in found.responses.columns
                 if found.responses[c].map(lambda v: isinstance(v, str)).any()]
        pub.table(found.responses[words], "answers", texts=words)
        result = stage.publish(key)
    assert result.leaks == [] and result.withheld == []
    published = "".join((out / "tables" / f"{name}.csv").read_text(encoding="utf-8")
                        for name in ("passages", "pairs", "answers"))
    assert "Mentor A" in published and "Leader A" in published
    left = [t for t in _people(data)
            if re.search(r"(?<![\w])%s(?![\w])" % re.escape(t), published)]
    assert left == [], f"seed {seed}: real names published: {len(left)}"
