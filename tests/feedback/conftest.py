"""One run of ``rmresearch init`` and ``rmresearch feedback`` on the bullet notes of a pair
with two mentors (``data/bullets_two_mentors``), shared by the tests that read its sheet."""
from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

BULLETS = Path(__file__).parent / "data" / "bullets_two_mentors"
BULLET_PAIR = "B1-P01"


@pytest.fixture(scope="session")
def bullets_run(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    """Copy the notes, draft their manifest with ``init``, then ``feedback`` once (through
    the CLI and its notebook), asking for the review workbook too."""
    from rmresearch.cli import main

    root = tmp_path_factory.mktemp("bullets")
    notes = root / "notes"
    shutil.copytree(BULLETS, notes)
    store, out, review = root / "p.rmproj", root / "out", root / "quotes.xlsx"
    assert main(["init", "--notes", str(notes), "--leader", "Graham Pell", "--mentor",
                 "Adaeze Nwosu", "--mentor", "Sunita Rao", "--cohort", "B1", "--pair",
                 BULLET_PAIR]) == 0
    assert main(["feedback", "--data", str(notes), "--store", str(store), "--pair",
                 BULLET_PAIR, "--output", str(out), "--review-file", str(review)]) == 0
    return SimpleNamespace(root=root, notes=notes, store=store, out=out, review=review,
                           pair=BULLET_PAIR, html=out / f"feedback_{BULLET_PAIR}.html",
                           docx=out / f"feedback_{BULLET_PAIR}.docx")
