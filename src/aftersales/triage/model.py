"""The fitted triage model: a vocabulary with IDF weights and one linear head per label set,
scored with numpy alone.

Each head is a logistic regression; its scores are divided by a temperature fitted on held-out
folds, so that a stated confidence of 0.8 is right about eight times in ten. The issue type,
severity and cause heads read every feature. The safety head (``no``/``yes``) reads the words
only, with zero weights on the category and lexicon features: it is the second, independent
opinion in "safety = lexicon OR model", and one that leaned on the lexicon's findings or on
"this is food" would add nothing or raise alarms on every takeaway. All heads share one feature
vector and are scored with a single gather-and-multiply over the weights of the features a text
actually has.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from aftersales.triage.features import extra_features, text_grams
from aftersales.triage.lexicon import HazardScan
from aftersales.triage.text import MODEL_CHARS

__all__ = ["HEADS", "SAFETY_LABELS", "Head", "ModelInfo", "Prediction", "TriageModel"]

HEADS: tuple[str, ...] = ("issue_type", "severity", "cause", "safety")
SAFETY_LABELS: tuple[str, ...] = ("no", "yes")

FloatArray = npt.NDArray[np.float32]
IntArray = npt.NDArray[np.int32]


@dataclass(frozen=True, slots=True)
class Head:
    labels: tuple[str, ...]
    weights: FloatArray  # (features, labels)
    bias: FloatArray  # (labels,)
    temperature: float = 1.0


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What the artefact says about itself: where it came from and how it decides."""

    model_version: str
    corpus_sha256: str
    needs_human_below: float
    model_safety_at: float
    training: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Prediction:
    """Calibrated probabilities per head, labels in each head's order."""

    probabilities: Mapping[str, Mapping[str, float]]

    def best(self, head: str) -> tuple[str, float]:
        scores = self.probabilities[head]
        label = max(scores, key=scores.__getitem__)
        return label, scores[label]


class TriageModel:
    """Vocabulary, IDF and heads; immutable once built."""

    def __init__(
        self,
        info: ModelInfo,
        vocabulary: Mapping[str, int],
        idf: FloatArray,
        text_features: int,
        heads: Mapping[str, Head],
    ) -> None:
        self.info = info
        self.vocabulary = dict(vocabulary)
        self.idf = idf
        self.text_features = text_features
        self.heads = dict(heads)
        # One matrix for all heads: a text's features are gathered once, not once per head.
        self._weights = np.ascontiguousarray(np.hstack([h.weights for h in heads.values()]))
        self._bias = np.concatenate([h.bias for h in heads.values()])
        bounds = np.cumsum([0, *(len(h.labels) for h in heads.values())])
        self._slices = {
            name: slice(int(a), int(b))
            for name, a, b in zip(heads, bounds[:-1], bounds[1:], strict=True)
        }

    @property
    def size(self) -> int:
        return len(self.vocabulary)

    def vectorise(
        self, normalised: str, category: str | None, hazards: HazardScan
    ) -> tuple[IntArray, FloatArray]:
        """Sparse feature vector: indices and values (TF-IDF text part, l2-normalised)."""
        lookup = self.vocabulary.get
        grams = text_grams(hazards.without_negated(normalised)[:MODEL_CHARS])
        # A complaint has tens of distinct grams: a Counter beats numpy's sort-based unique here.
        counted = Counter(i for g in grams if (i := lookup(g)) is not None)
        idx = np.array(sorted(counted), dtype=np.int32)
        counts = np.array([counted[i] for i in idx.tolist()], dtype=np.float32)
        # 1 + log(tf): the tenth repetition of a word is not ten times the evidence.
        values = ((1.0 + np.log(counts)) * self.idf[idx]).astype(np.float32)
        norm = float(np.sqrt(values @ values))
        if norm > 0:
            values /= norm
        extra = [
            self.vocabulary[f] for f in extra_features(category, hazards) if f in self.vocabulary
        ]
        idx = np.concatenate([idx, np.asarray(extra, dtype=np.int32)])
        values = np.concatenate([values, np.ones(len(extra), dtype=np.float32)])
        return idx, values

    def logits(self, idx: IntArray, values: FloatArray) -> FloatArray:
        """Raw scores of every head's labels, side by side."""
        scores: FloatArray = values @ self._weights[idx] + self._bias
        return scores

    def predict(self, normalised: str, category: str | None, hazards: HazardScan) -> Prediction:
        """Calibrated probabilities of every head for one normalised text."""
        scores = self.logits(*self.vectorise(normalised, category, hazards))
        flat = scores.tolist()  # a handful of labels per head: plain floats beat numpy calls
        out: dict[str, dict[str, float]] = {}
        for name, head in self.heads.items():
            part = self._slices[name]
            probs = _softmax([z / head.temperature for z in flat[part]])
            out[name] = dict(zip(head.labels, probs, strict=True))
        return Prediction(out)


def _softmax(z: list[float]) -> list[float]:
    """Softmax of a few plain floats (one head of one text)."""
    top = max(z)
    e = [math.exp(v - top) for v in z]
    total = sum(e)
    return [v / total for v in e]


def softmax(z: npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.float64]:
    """Numerically stable softmax over the last axis."""
    shifted = np.asarray(z, dtype=np.float64) - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    result: npt.NDArray[np.float64] = e / e.sum(axis=-1, keepdims=True)
    return result
