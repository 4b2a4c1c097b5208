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
from aftersales.ledger.entry import canonical_json, conceal, entry_body
from aftersales.ledger.errors import (
    FormatError,
    Inconsistent,
    LedgerError,
    OutOfRange,
    ProofError,
    SignatureError,
)
from aftersales.ledger.frontier import Frontier, Node
from aftersales.ledger.hashing import EMPTY_ROOT, HASH_SIZE, leaf_hash, node_hash
from aftersales.ledger.note import Note, Signature, Signer, Verifier, open_note, sign_note
from aftersales.ledger.prefetch import NodeKey, prefetched
from aftersales.ledger.receipt import (
    LogProof,
    proof_hashes,
    verify_checkpoints,
    verify_entry,
    verify_receipt,
)
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
    "Frontier",
    "HashSource",
    "Inconsistent",
    "LedgerError",
    "LogProof",
    "MemoryTree",
    "Node",
    "NodeKey",
    "Note",
    "OutOfRange",
    "ProofError",
    "Signature",
    "SignatureError",
    "Signer",
    "Verifier",
    "canonical_json",
    "compose_range",
    "conceal",
    "consistency_proof",
    "entry_body",
    "inclusion_proof",
    "is_node_range",
    "leaf_hash",
    "node_hash",
    "open_checkpoint",
    "open_note",
    "parse_checkpoint",
    "prefetched",
    "proof_hashes",
    "root_hash",
    "sign_checkpoint",
    "sign_note",
    "verify_checkpoints",
    "verify_consistency",
    "verify_entry",
    "verify_inclusion",
    "verify_receipt",
]
