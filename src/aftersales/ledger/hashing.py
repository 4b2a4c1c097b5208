"""RFC 6962 §2.1 hashing: SHA-256 with distinct prefixes for leaves and inner nodes."""

from __future__ import annotations

from hashlib import sha256

__all__ = ["EMPTY_ROOT", "HASH_SIZE", "leaf_hash", "node_hash"]

HASH_SIZE = 32

# MTH({}) is the hash of the empty string, with no prefix.
EMPTY_ROOT = sha256(b"").digest()

# The prefixes separate leaves from inner nodes; without them an inner node's two child
# hashes could be presented as a 64-byte leaf (a second-preimage attack).
_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """Return the RFC 6962 hash of one log entry: SHA-256(0x00 || data)."""
    return sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 6962 hash of an inner node: SHA-256(0x01 || left || right)."""
    return sha256(_NODE_PREFIX + left + right).digest()
