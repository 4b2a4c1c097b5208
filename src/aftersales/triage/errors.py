"""Errors of the triage package: a corpus, a model file or a knowledge base that cannot be used."""

from __future__ import annotations

from aftersales.errors import AftersalesError, ErrorCode, ValidationFailed

__all__ = [
    "CorpusError",
    "KnowledgeEntryExists",
    "KnowledgeError",
    "ModelFileError",
    "RevisionMismatch",
]


class CorpusError(ValidationFailed):
    """A training corpus line is not a labelled example we can learn from."""

    title = "Invalid triage corpus"


class ModelFileError(ValidationFailed):
    """A model artefact is not one this version can read, or has been tampered with."""

    title = "Invalid triage model file"


class KnowledgeError(ValidationFailed):
    """A knowledge-base file of automatic replies is not one we can use."""

    title = "Invalid knowledge base"


class KnowledgeEntryExists(AftersalesError):
    """A new knowledge entry would take an id that is already used (a retired entry's too)."""

    code = ErrorCode.ALREADY_EXISTS
    title = "Knowledge entry exists"


class RevisionMismatch(AftersalesError):
    """A change was made from a revision of the entry that is no longer the current one."""

    code = ErrorCode.REVISION_MISMATCH
    title = "Revision mismatch"
