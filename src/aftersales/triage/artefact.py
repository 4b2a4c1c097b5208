"""The model artefact on disk: one JSON document, never a pickle.

Unpickling runs code chosen by whoever wrote the file, and model files are exactly what
operators copy between machines. So the fitted parameters are stored as data: the vocabulary as
a JSON list, the arrays (IDF, weights) as base64 of little-endian float32 with their shapes, the
rest as plain JSON numbers. Reading one builds numpy arrays with ``frombuffer`` and checks every
shape, label and number before the model is used; nothing in the file is ever executed.

The document carries a format version (this reader refuses others), the model version, the
SHA-256 of the corpus it was trained on and the training settings, so that ``triage train``
can reproduce it and ``triage eval`` can tell whether a corpus is the one it learnt from. No
timestamp is written: the same corpus and settings give the same bytes.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import base64
import json
import math
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from aftersales.errors import Text
from aftersales.triage.errors import ModelFileError
from aftersales.triage.labels import CAUSES, ISSUE_TYPES, SEVERITIES
from aftersales.triage.model import HEADS, SAFETY_LABELS, FloatArray, Head, ModelInfo, TriageModel

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "default_model_bytes",
    "dumps",
    "load_default_model",
    "load_model",
    "loads",
    "save_model",
]

FORMAT = "aftersales-triage-model"
DEFAULT_MODEL = "model/default.json"
FORMAT_VERSION = 1
_KNOWN_LABELS: dict[str, tuple[str, ...]] = {
    "issue_type": ISSUE_TYPES,
    "severity": SEVERITIES,
    "cause": CAUSES,
    "safety": SAFETY_LABELS,
}


def dumps(model: TriageModel) -> str:
    """The artefact as JSON text (stable key order, one trailing newline)."""
    vocabulary = sorted(model.vocabulary, key=model.vocabulary.__getitem__)
    doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "model_version": model.info.model_version,
        "corpus_sha256": model.info.corpus_sha256,
        "thresholds": {
            "needs_human_below": model.info.needs_human_below,
            "model_safety_at": model.info.model_safety_at,
        },
        "training": dict(model.info.training),
        "features": {
            "text_features": model.text_features,
            "vocabulary": vocabulary,
            "idf": _encode(model.idf),
        },
        "heads": {name: _head_doc(head) for name, head in model.heads.items()},
    }
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def save_model(model: TriageModel, path: Path) -> None:
    """Write the artefact atomically (a reader never sees half a file)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(dumps(model), encoding="utf-8")
    tmp.replace(path)


def loads(text: str) -> TriageModel:
    """Parse and check an artefact; ``ModelFileError`` says what is wrong with it."""
    try:
        doc = json.loads(text)
        return _model(doc)
    except ModelFileError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ModelFileError(
            Text(f"not a triage model artefact: {exc}", f"不是分诊模型文件：{exc}")
        ) from exc


def load_model(path: Path) -> TriageModel:
    """Read an artefact from a file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelFileError(
            Text(f"cannot read model file {path}: {exc}", f"无法读取模型文件 {path}：{exc}")
        ) from exc
    return loads(text)


def default_model_bytes() -> bytes:
    """The shipped artefact's bytes, to tell whether a retrained model reproduces it."""
    return resources.files("aftersales.triage").joinpath(DEFAULT_MODEL).read_bytes()


@lru_cache(maxsize=1)
def load_default_model() -> TriageModel:
    """The model shipped in the package (read once per process)."""
    return loads(default_model_bytes().decode("utf-8"))


def _head_doc(head: Head) -> dict[str, Any]:
    return {
        "labels": list(head.labels),
        "weights": _encode(head.weights),
        "bias": [float(b) for b in head.bias],
        "temperature": head.temperature,
    }


def _encode(array: FloatArray) -> dict[str, Any]:
    data = np.ascontiguousarray(array, dtype="<f4").tobytes()
    return {"dtype": "<f4", "shape": list(array.shape), "data": base64.b64encode(data).decode()}


def _decode(doc: Mapping[str, Any], shape: tuple[int, ...], what: Text) -> FloatArray:
    if doc.get("dtype") != "<f4" or tuple(doc.get("shape", ())) != shape:
        raise ModelFileError(
            Text(
                f"{what.en}: expected float32 array of shape {shape}",
                f"{what.zh}：应为形状为 {shape} 的 float32 数组",
            )
        )
    raw = base64.b64decode(doc["data"], validate=True)
    if len(raw) != 4 * math.prod(shape):
        raise ModelFileError(
            Text(
                f"{what.en}: data length does not match its shape", f"{what.zh}：数据长度与形状不符"
            )
        )
    array = np.frombuffer(raw, dtype="<f4").reshape(shape).astype(np.float32)
    if not np.isfinite(array).all():
        raise ModelFileError(
            Text(
                f"{what.en}: holds a value that is not a finite number",
                f"{what.zh}：含有不是有限数的值",
            )
        )
    return array


def _model(doc: Mapping[str, Any]) -> TriageModel:
    if doc.get("format") != FORMAT or doc.get("format_version") != FORMAT_VERSION:
        raise ModelFileError(
            Text(
                f"not a {FORMAT} of version {FORMAT_VERSION}",
                f"不是版本 {FORMAT_VERSION} 的 {FORMAT}",
            )
        )
    features = doc["features"]
    vocabulary = [str(v) for v in features["vocabulary"]]
    if len(set(vocabulary)) != len(vocabulary):
        raise ModelFileError(Text("vocabulary holds a feature twice", "vocabulary 中有重复的特征"))
    size = len(vocabulary)
    text_features = int(features["text_features"])
    if not 0 <= text_features <= size:
        raise ModelFileError(
            Text(
                "text_features is outside the vocabulary", "text_features 超出了 vocabulary 的范围"
            )
        )
    idf = _decode(features["idf"], (size,), Text("idf", "idf"))
    heads = {name: _head(doc["heads"][name], name, size) for name in HEADS}
    thresholds = doc["thresholds"]
    info = ModelInfo(
        model_version=str(doc["model_version"]),
        corpus_sha256=str(doc["corpus_sha256"]),
        needs_human_below=_probability(thresholds["needs_human_below"]),
        model_safety_at=_probability(thresholds["model_safety_at"]),
        training=dict(doc.get("training", {})),
    )
    return TriageModel(info, {v: i for i, v in enumerate(vocabulary)}, idf, text_features, heads)


def _head(doc: Mapping[str, Any], name: str, size: int) -> Head:
    labels = tuple(str(label) for label in doc["labels"])
    if not labels or len(set(labels)) != len(labels) or set(labels) - set(_KNOWN_LABELS[name]):
        raise ModelFileError(
            Text(
                f"head {name}: labels are not a set of known {name} values",
                f"输出头 {name}：labels 不是一组互不重复的已知 {name} 取值",
            )
        )
    where = Text(f"head {name} weights", f"输出头 {name} 的 weights")
    weights = _decode(doc["weights"], (size, len(labels)), where)
    bias = np.asarray([float(b) for b in doc["bias"]], dtype=np.float32)
    temperature = float(doc["temperature"])
    if bias.shape != (len(labels),) or not np.isfinite(bias).all():
        raise ModelFileError(
            Text(
                f"head {name}: bias does not match its labels",
                f"输出头 {name}：bias 与其 labels 不匹配",
            )
        )
    if not (math.isfinite(temperature) and temperature > 0):
        raise ModelFileError(
            Text(
                f"head {name}: temperature must be a positive number",
                f"输出头 {name}：temperature 须为正数",
            )
        )
    return Head(labels, weights, bias, temperature)


def _probability(value: Any) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise ModelFileError(
            Text(
                f"threshold {number} is not a probability", f"阈值 {number} 不是 0 到 1 之间的概率"
            )
        )
    return number
