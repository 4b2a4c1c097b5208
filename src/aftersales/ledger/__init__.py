"""The evidence log's pure core: RFC 6962 Merkle trees, proofs, signed notes, checkpoints.

No I/O here. A store keeps leaf hashes and complete-subtree hashes and serves proofs through
``HashSource``; see ``tree`` for the ranges it must answer.
"""

from aftersales.ledger.checkpoint import (
    Checkpoint,
    open_checkpoint,
    parse_checkpoint,
    sign_checkpoint,
)
from aftersales.ledger.errors import (
    FormatError,
    LedgerError,
    OutOfRange,
    ProofError,
    SignatureError,
)
from aftersales.ledger.hashing import EMPTY_ROOT, HASH_SIZE, leaf_hash, node_hash
from aftersales.ledger.note import Note, Signature, Signer, Verifier, open_note, sign_note
from aftersales.ledger.tree import (
    HashSource,
    MemoryTree,
    compose_range,
    consistency_proof,
    inclusion_proof,
    is_node_range,
    root_hash,
)
from aftersales.ledger.verify import verify_consistency, verify_inclusion

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Checkpoint",
    "FormatError",
    "HashSource",
    "LedgerError",
    "MemoryTree",
    "Note",
    "OutOfRange",
    "ProofError",
    "Signature",
    "SignatureError",
    "Signer",
    "Verifier",
    "compose_range",
    "consistency_proof",
    "inclusion_proof",
    "is_node_range",
    "leaf_hash",
    "node_hash",
    "open_checkpoint",
    "open_note",
    "parse_checkpoint",
    "root_hash",
    "sign_checkpoint",
    "sign_note",
    "verify_consistency",
    "verify_inclusion",
]
