"""Errors of the triage package: a corpus, a model file or a knowledge base that cannot be used."""

from __future__ import annotations

from aftersales.errors import ValidationFailed

__all__ = ["CorpusError", "KnowledgeError", "ModelFileError"]


class CorpusError(ValidationFailed):
    """A training corpus line is not a labelled example we can learn from."""

    title = "Invalid triage corpus"


class ModelFileError(ValidationFailed):
    """A model artefact is not one this version can read, or has been tampered with."""

    title = "Invalid triage model file"


class KnowledgeError(ValidationFailed):
    """A knowledge-base file of automatic replies is not one we can use."""

    title = "Invalid knowledge base"
