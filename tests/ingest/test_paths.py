"""Paths stay inside their roots (issue 18, item 7): a manifest's files are resolved inside
the folder holding it (``..``, absolute paths and symbolic links out are refused before any
file outside is read), and pair and cohort ids are names, so they cannot name a folder."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from rmresearch.cli import main
from rmresearch.errors import InputError, ManifestError
from rmresearch.ingest import ingest_folder
from rmresearch.ingest.manifest import read_manifest
from rmresearch.ingest.names import check_name, file_problem, name_problem
from tests.conftest import MANIFEST_HEADER

ROW = "C1,C1-P01,journal,mentor,session_1,2024-10-03,Amara Okafor,Helen Marsh"
SECRET = "The payroll number of Femi Obi is 4471923.\n"


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """A data folder with one good note, and a secret file beside (outside) it."""
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / "a.txt").write_text("Amara: Hello.\nHelen: Thanks.\n", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    return data, secret


def _manifest(data: Path, *files: str, row: str = ROW) -> Path:
    path = data / "manifest.csv"
    path.write_text(MANIFEST_HEADER + "".join(f"{f},{row}\n" for f in files), encoding="utf-8")
    return path


def _refusal(data: Path) -> str:
    with pytest.raises(ManifestError) as info:
        ingest_folder(data)
    return str(info.value)


@pytest.mark.parametrize("file", ["../secret.txt", "sub/../../secret.txt", "..\\secret.txt"])
def test_dot_dot_out_of_the_data_folder_is_refused(folders, file: str) -> None:
    data, _ = folders
    _manifest(data, "a.txt", file)
    message = _refusal(data)
    shown = file.replace("\\", "/")
    assert "manifest.csv" in message and "line 3" in message and f"'{shown}'" in message
    assert "leads out of the data folder" in message and "relative to the folder" in message
    assert "4471923" not in message


def test_absolute_paths_are_refused(folders) -> None:
    data, secret = folders
    _manifest(data, str(secret), "C:\\Users\\x\\secret.txt", "//server/share/secret.txt")
    message = _refusal(data)
    assert message.count("is an absolute path") == 3
    assert "line 2" in message and "line 3" in message and "line 4" in message


def test_a_symbolic_link_to_a_file_outside_is_refused(folders) -> None:
    data, secret = folders
    (data / "link.txt").symlink_to(secret)
    (data / "linked").symlink_to(secret.parent, target_is_directory=True)
    _manifest(data, "link.txt", "linked/secret.txt")
    message = _refusal(data)
    assert message.count("symbolic link") == 2 and "'link.txt'" in message
    assert "'linked/secret.txt'" in message and "line 2" in message and "line 3" in message


def test_paths_that_stay_inside_are_read(folders) -> None:
    data, _ = folders
    (data / "sub" / "b.txt").write_text("Amara: Inside.\n", encoding="utf-8")
    (data / "inner_link.txt").symlink_to(data / "sub" / "b.txt")
    _manifest(data, "a.txt", "sub/../sub/b.txt", "inner_link.txt")
    result = ingest_folder(data)
    assert result.documents["path"].tolist() == ["a.txt", "sub/../sub/b.txt", "inner_link.txt"]
    assert "Inside." in result.documents["text"].iloc[2]


def test_nothing_outside_is_opened(folders, monkeypatch) -> None:
    """The refusal comes before any file is opened: the path outside is never read."""
    data, secret = folders
    _manifest(data, "a.txt", "../secret.txt")
    opened: list[str] = []
    real_open = Path.open

    def spy(self: Path, *args, **kwargs):
        opened.append(str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", spy)
    _refusal(data)
    assert opened and not any("secret" in p for p in opened)  # the manifest itself was read


def test_the_ingest_command_exits_2_and_writes_no_store(folders, capsys) -> None:
    data, _ = folders
    _manifest(data, "../secret.txt")
    store = data.parent / "p.rmproj"
    assert main(["ingest", "--data", str(data), "--store", str(store)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error:") and "Traceback" not in err and "'../secret.txt'" in err
    assert not store.exists()


# --------------------------------------------------------------------------- ids as names
@pytest.mark.parametrize("pair", ["../../../x", "C1/P01", "C1\\P01", "..", ".hidden",
                                  "C1\tP01", "a\nb", "C1-P01.", "x" * 101, "P<1>"])
def test_pair_ids_that_are_not_names_are_refused_in_the_manifest(folders, pair: str) -> None:
    data, _ = folders
    path = data / "manifest.csv"
    quoted = '"' + pair.replace('"', '""') + '"'
    path.write_text(MANIFEST_HEADER + f"a.txt,C1,{quoted},journal,mentor,s1,2024-10-03,,\n",
                    encoding="utf-8")
    with pytest.raises(ManifestError) as info:
        read_manifest(path)
    message = str(info.value)
    assert "manifest.csv" in message and "line 2: pair id" in message
    assert "allowed: a name of up to 100 characters" in message


def test_cohort_ids_are_names_too(folders) -> None:
    data, _ = folders
    path = _manifest(data, "a.txt", row="../C1,C1-P01,journal,mentor,s1,2024-10-03,,")
    with pytest.raises(ManifestError, match=r"line 2: cohort id '\.\./C1' holds '/'"):
        read_manifest(path)


@pytest.mark.parametrize("name", ["C1-P01", "C1 P01", "cohort_2024.1", "Zoë-Ødegård",
                                  "Zoe\u0308", "\u0645\u062d\u0645\u062f", "7"])
def test_ordinary_ids_are_names(name: str) -> None:
    assert name_problem(name, "pair id") is None
    assert check_name(name, "pair id") == name


def test_check_name_says_what_is_allowed() -> None:
    with pytest.raises(InputError) as info:
        check_name("../../../x", "pair id")
    assert "'../../../x'" in str(info.value) and "e.g. C1-P02" in str(info.value)


def test_file_problem_resolves_without_following_links_out(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "loop").symlink_to(tmp_path / "d" / "loop")
    assert file_problem("a.txt", tmp_path / "d") is None             # need not exist yet
    assert "cannot be resolved" in file_problem("loop", tmp_path / "d") or os.name == "nt"
    assert "control character" in file_problem("a\x00.txt", tmp_path / "d")
