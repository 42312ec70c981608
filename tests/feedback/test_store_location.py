"""Without --store, the feedback notebook uses the store beside the person's working folder,
not one inside the package's notebook folder or the checkout it was installed from."""
from __future__ import annotations

from pathlib import Path

import pytest


class _Stop(Exception):
    pass


def test_the_default_store_is_in_the_working_folder(mini_data: Path, tmp_path: Path,
                                                     monkeypatch) -> None:
    import rmresearch.report.notebooks as notebooks
    from rmresearch.feedback.run import run_feedback

    seen = {}

    def capture(template, executed, parameters):
        seen.update(parameters)
        raise _Stop

    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(notebooks, "execute_notebook", capture)
    with pytest.raises(_Stop):
        run_feedback(mini_data, "C1-P01", tmp_path / "sheet")
    assert seen["store"] == str(work / ".rmresearch" / "data.rmproj")
    assert Path(seen["data"]) == mini_data.resolve()
    assert not (tmp_path / "sheet" / "mentor_feedback.html").exists()
