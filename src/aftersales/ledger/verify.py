"""Proof verification (RFC 9162 §2.1.3.2 and §2.1.4.2): raise ``ProofError`` or return None.

Both verifiers check every hash is 32 bytes and the proof has exactly the length the sizes
imply before hashing, so a wrong proof fails with a message that says what was wrong.
"""

from __future__ import annotations

from collections.abc import Sequence

from aftersales.ledger.errors import ProofError
from aftersales.ledger.hashing import HASH_SIZE, node_hash

__all__ = [
    "consistency_proof_length",
    "inclusion_proof_length",
    "verify_consistency",
    "verify_inclusion",
]


def inclusion_proof_length(index: int, size: int) -> int:
    """Return how many hashes the inclusion proof of leaf ``index`` in a tree of ``size`` has."""
    # Below the level where the paths to `index` and to the last leaf part, every level
    # contributes a sibling; above it, one sibling per complete left subtree (a set bit).
    inner = (index ^ (size - 1)).bit_length()
    return inner + (index >> inner).bit_count()


def consistency_proof_length(old_size: int, new_size: int) -> int:
    """Return how many hashes the consistency proof from ``old_size`` to ``new_size`` has."""
    if old_size == new_size:
        return 0
    # The levels under the old tree's last complete subtree are shared, so they drop out;
    # a power-of-two old tree is itself that subtree and its root is not sent.
    shared = (old_size & -old_size).bit_length() - 1
    seed = 0 if old_size & (old_size - 1) == 0 else 1
    return seed + inclusion_proof_length(old_size - 1, new_size) - shared


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` with ``root``."""
    _check_hash("leaf hash", leaf_hash)
    _check_hash("root", root)
    _check_proof_hashes(proof)
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    expected = inclusion_proof_length(index, size)
    if len(proof) != expected:
        raise ProofError(
            f"inclusion proof for leaf {index} of {size} must have {expected} hashes, "
            f"got {len(proof)}"
        )
    if _fold_inclusion(index, size, leaf_hash, proof) != root:
        raise ProofError(f"inclusion proof for leaf {index} of {size} does not match the root")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree of ``old_size`` with ``old_root`` is a prefix of the new tree."""
    _check_hash("old root", old_root)
    _check_hash("new root", new_root)
    _check_proof_hashes(proof)
    # An empty tree is a prefix of every tree, so a proof from size 0 proves nothing.
    if not 0 < old_size <= new_size:
        raise ProofError(f"no consistency proof from size {old_size} to size {new_size}")
    expected = consistency_proof_length(old_size, new_size)
    if len(proof) != expected:
        raise ProofError(
            f"consistency proof from {old_size} to {new_size} must have {expected} hashes, "
            f"got {len(proof)}"
        )
    if old_size == new_size:
        if old_root != new_root:
            raise ProofError(f"two different roots for the same size {old_size}")
        return
    fr, sr = _fold_consistency(old_size, new_size, old_root, proof)
    if fr != old_root:
        raise ProofError(f"consistency proof does not match the root of size {old_size}")
    if sr != new_root:
        raise ProofError(f"consistency proof does not match the root of size {new_size}")


def _fold_inclusion(index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes]) -> bytes:
    """Run RFC 9162 §2.1.3.2 step by step; return the recomputed root."""
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            # Skip the levels where this node is the last, lonely one: no sibling there.
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:  # unreachable after the length check; kept as the RFC's own guard
        raise ProofError("inclusion proof ended before reaching the root")
    return r


def _fold_consistency(
    old_size: int, new_size: int, old_root: bytes, proof: Sequence[bytes]
) -> tuple[bytes, bytes]:
    """Run RFC 9162 §2.1.4.2 steps 2 to 6; return the recomputed old and new roots."""
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    # Levels where the old tree's last node is a right child are folded into path[0].
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:  # unreachable after the length check; kept as the RFC's own guard
            raise ProofError("consistency proof is longer than the tree is high")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while fn and not fn & 1:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("consistency proof ended before reaching the new root")
    return fr, sr


def _check_hash(what: str, value: bytes) -> None:
    if len(value) != HASH_SIZE:
        raise ProofError(f"{what} must be {HASH_SIZE} bytes, got {len(value)}")


def _check_proof_hashes(proof: Sequence[bytes]) -> None:
    for position, value in enumerate(proof):
        if len(value) != HASH_SIZE:  # name the position only on failure: verify is hot
            _check_hash(f"proof hash {position}", value)
