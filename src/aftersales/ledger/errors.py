"""The evidence log's errors: one branch of the platform's error tree."""

from __future__ import annotations

from aftersales.errors import AftersalesError, ErrorCode

__all__ = [
    "FormatError",
    "Inconsistent",
    "LedgerError",
    "OutOfRange",
    "ProofError",
    "SignatureError",
]


class LedgerError(AftersalesError):
    """Base of every evidence-log error; catch this to treat any failed check alike."""

    title = "Evidence log check failed"


class ProofError(LedgerError):
    """An inclusion or consistency proof does not verify, or cannot apply to these sizes."""

    code = ErrorCode.LEDGER_PROOF_INVALID
    title = "Merkle proof does not verify"


class SignatureError(LedgerError):
    """A note carries no valid signature from a trusted key, or a bad one from a trusted key."""

    code = ErrorCode.LEDGER_SIGNATURE_INVALID
    title = "Signature does not verify"


class FormatError(LedgerError):
    """A note, checkpoint or key string is not well formed."""

    code = ErrorCode.MALFORMED_REQUEST
    title = "Malformed note, checkpoint or key"


class OutOfRange(LedgerError):
    """A leaf index or tree size lies outside the log, so no proof can be built."""

    code = ErrorCode.LEDGER_RANGE
    title = "Outside the log's range"


class Inconsistent(LedgerError):
    """The stored log disagrees with itself: a missing node, a root that does not recompute."""

    code = ErrorCode.LEDGER_INCONSISTENT
    title = "The evidence log is inconsistent"
