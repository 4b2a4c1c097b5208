"""The frontier (a "compact range" of ``[0, size)``): what a log must remember to keep appending.

A tree of ``size`` leaves splits into one complete subtree per set bit of ``size``, largest
first; their roots are the *peaks*. Appending a leaf merges equal-height peaks, and every merge
completes one subtree whose ``(level, index)`` hash a store keeps for proofs. So the new root and
the nodes to store follow from at most 64 hashes, with no reads of older nodes.
"""

from __future__ import annotations

from dataclasses import dataclass

from aftersales.ledger.errors import FormatError
from aftersales.ledger.hashing import EMPTY_ROOT, HASH_SIZE, node_hash

__all__ = ["Frontier", "Node"]


@dataclass(frozen=True, slots=True)
class Node:
    """The hash of complete subtree ``index`` at height ``level`` (level 0: a leaf hash)."""

    level: int
    index: int
    hash: bytes


class Frontier:
    """The peaks of a tree; ``append`` extends it and returns the nodes it completed."""

    def __init__(self, size: int = 0, peaks: list[bytes] | None = None) -> None:
        peaks = list(peaks or [])
        if size < 0 or len(peaks) != size.bit_count():
            raise FormatError(f"a tree of {size} leaves has {size.bit_count()} peaks")
        if any(len(peak) != HASH_SIZE for peak in peaks):
            raise FormatError(f"every peak is a {HASH_SIZE}-byte hash")
        self.size = size
        # Largest subtree first, the order in which they cover the leaves left to right.
        self._peaks = peaks

    @classmethod
    def decode(cls, size: int, data: bytes) -> Frontier:
        """Read the peaks from their stored form: the hashes one after another."""
        if len(data) % HASH_SIZE:
            raise FormatError(f"a stored frontier is a multiple of {HASH_SIZE} bytes")
        peaks = [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]
        return cls(size, peaks)

    def encode(self) -> bytes:
        """Return the peaks as stored: the hashes one after another, largest subtree first."""
        return b"".join(self._peaks)

    @property
    def peaks(self) -> tuple[bytes, ...]:
        return tuple(self._peaks)

    def append(self, leaf: bytes) -> list[Node]:
        """Add one leaf hash; return the leaf's node and every subtree it completes."""
        if len(leaf) != HASH_SIZE:
            raise ValueError(f"a leaf hash has {HASH_SIZE} bytes, got {len(leaf)}")
        index = self.size
        nodes = [Node(0, index, leaf)]
        level, acc = 0, leaf
        # Each trailing 1-bit of the old size is a peak of the same height as the subtree
        # being built; merging them is how the binary counter carries.
        while (index >> level) & 1:
            acc = node_hash(self._peaks.pop(), acc)
            level += 1
            nodes.append(Node(level, index >> level, acc))
        self._peaks.append(acc)
        self.size += 1
        return nodes

    def root(self) -> bytes:
        """Return the Merkle tree hash of all the leaves appended so far."""
        if not self._peaks:
            return EMPTY_ROOT
        # RFC 6962 hangs the smaller subtrees on the right, so fold from the right.
        acc = self._peaks[-1]
        for peak in reversed(self._peaks[:-1]):
            acc = node_hash(peak, acc)
        return acc

    def copy(self) -> Frontier:
        return Frontier(self.size, list(self._peaks))
