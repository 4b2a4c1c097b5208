"""Triage of free-text complaints (Chinese, English, mixed): issue type, severity, likely cause,
safety flag, confidence, language and a suggested queue.

Pure: no web, no database. The usual entry point::

    from aftersales.triage import classify
    result = classify("充电器冒烟了", category="digital/phone")
    result.safety, result.issue_type, result.queue, result.needs_human

``classify`` uses the model shipped in the package; ``Triager(load_model(path))`` uses another.
``training.train`` learns a model from ``corpus.Example`` values (the corpus in the repository,
or resolved cases), ``evaluation.evaluate`` measures one on held-out examples.
"""

from __future__ import annotations

from functools import lru_cache

from aftersales.triage.artefact import load_default_model, load_model, save_model
from aftersales.triage.classify import Triager, TriageResult
from aftersales.triage.corpus import Example, load_corpus
from aftersales.triage.errors import CorpusError, ModelFileError
from aftersales.triage.labels import CAUSES, ISSUE_TYPES, QUEUES, SAFETY_ISSUE_TYPES, SEVERITIES
from aftersales.triage.lexicon import HazardScan, scan
from aftersales.triage.model import TriageModel

__all__ = [
    "CAUSES",
    "ISSUE_TYPES",
    "QUEUES",
    "SAFETY_ISSUE_TYPES",
    "SEVERITIES",
    "CorpusError",
    "Example",
    "HazardScan",
    "ModelFileError",
    "TriageModel",
    "TriageResult",
    "Triager",
    "classify",
    "default_triager",
    "load_corpus",
    "load_default_model",
    "load_model",
    "save_model",
    "scan",
]


@lru_cache(maxsize=1)
def default_triager() -> Triager:
    """A triager over the shipped model (built once per process)."""
    return Triager(load_default_model())


def classify(text: str, category: str | None = None) -> TriageResult:
    """Triage one complaint with the shipped model."""
    return default_triager().classify(text, category)
