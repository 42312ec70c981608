"""Building the strong encoder's model: export all-mpnet-base-v2 to ONNX and quantise it.

Run by `strong_encoder.build_model` in a child interpreter (``python -m
rmresearch.coding.strong_build SOURCE WORK``) on the unpacked, checked model folder:
the export and the calibration hold about 3 GB at their peak, all given back to the system
when the child ends. The recipe (`strong_encoder.QUANT_SETTINGS`, `EXCLUDED_NODES`,
`calibration_texts`) lives in `strong_encoder`, where its digest names the built folder.
"""
from __future__ import annotations

import contextlib
import io
import json
import logging
import shutil
import sys
import warnings
from pathlib import Path
from typing import Iterator

import numpy as np

from .strong_encoder import (EXCLUDED_NODES, MODEL_NAME, QUANT_SETTINGS, TOKENIZER_FILES,
                             calibration_texts, recipe_digest)

__all__ = ["convert"]


def convert(source_dir: str, work_dir: str) -> None:
    """Export and quantise the unpacked model in ``source_dir`` into ``work_dir/out``, and copy
    the tokenizer files beside it (runs in a child process)."""
    source, work = Path(source_dir), Path(work_dir)
    out = work / "out"
    float_model, prepared = work / "float.onnx", work / "prepared.onnx"
    with _quiet():
        _export(source, float_model)
        _quantise(float_model, prepared, out / "model.onnx", source)
    for name in TOKENIZER_FILES:
        shutil.copy2(source / name, out / name)
    (out / "recipe.json").write_text(json.dumps({"model": MODEL_NAME, "recipe": recipe_digest()},
                                                indent=1) + "\n", encoding="utf-8")


def _export(source: Path, target: Path) -> None:
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(source), device="cpu")
    auto_model = model[0].auto_model.eval()
    sample = model.tokenizer(list(calibration_texts()[:4]), padding=True, return_tensors="pt")
    axes = {0: "b", 1: "s"}
    with torch.no_grad():
        torch.onnx.export(auto_model, (sample["input_ids"], sample["attention_mask"]),
                          str(target), input_names=["input_ids", "attention_mask"],
                          output_names=["last"], opset_version=QUANT_SETTINGS["opset"],
                          dynamic_axes={"input_ids": axes, "attention_mask": axes,
                                        "last": axes}, dynamo=False)


def _quantise(float_model: Path, prepared: Path, target: Path, source: Path) -> None:
    from onnxruntime.quantization import (CalibrationDataReader, CalibrationMethod,
                                          QuantFormat, QuantType, quantize_static)
    from onnxruntime.quantization.shape_inference import quant_pre_process
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(source))
    length = QUANT_SETTINGS["calibration_length"]
    feeds = [{name: np.asarray(value, dtype=np.int64) for name, value in
              tokenizer([text], padding="max_length", truncation=True, max_length=length,
                        return_tensors="np").items() if name in ("input_ids", "attention_mask")}
             for text in calibration_texts()]

    class _Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self._items = iter(feeds)

        def get_next(self) -> dict[str, np.ndarray] | None:
            return next(self._items, None)

    quant_pre_process(str(float_model), str(prepared))
    float_model.unlink()
    quantize_static(str(prepared), str(target), _Reader(), quant_format=QuantFormat.QOperator,
                    calibrate_method=CalibrationMethod.MinMax, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8,
                    op_types_to_quantize=["MatMul"], nodes_to_exclude=list(EXCLUDED_NODES))
    prepared.unlink()


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """No warnings, log lines or progress output from the build tools (errors still raise)."""
    loggers = [logging.getLogger(name) for name in ("", "onnxruntime", "onnx", "torch")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)


if __name__ == "__main__":  # the child interpreter `strong_encoder.build_model` starts
    convert(*sys.argv[1:3])
