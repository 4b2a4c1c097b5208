"""Merkle tree roots and proofs (RFC 9162 §2.1), computed from any source of subtree hashes.

The proof functions never read leaves. They ask a ``HashSource`` for the hashes of *node
ranges* only: ranges ``[start, end)`` whose ``start`` is a multiple of the largest power of two
not above ``end - start`` (see ``is_node_range``). Such a range is either

* a complete subtree ``[j * 2**h, (j + 1) * 2**h)``, which a store keeps as node ``(h, j)``, or
* the right edge ``[start, size)`` of a tree, which ``compose_range`` folds from at most
  ``log2(size)`` complete subtrees.

Each proof asks for at most ``log2(size) + 1`` ranges, of which at most one is a right edge
(once a proof path turns into a complete subtree, every later sibling is complete as well). A
store that keeps the ``(level, index)`` hashes of complete subtrees therefore serves any proof
with O(log n) lookups, and can implement ``subtree_hash`` as ``compose_range(start, end, node)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from aftersales.ledger.errors import OutOfRange
from aftersales.ledger.hashing import EMPTY_ROOT, HASH_SIZE, leaf_hash, node_hash

__all__ = [
    "HashSource",
    "MemoryTree",
    "compose_range",
    "consistency_proof",
    "inclusion_proof",
    "is_node_range",
    "root_hash",
]

NodeLookup = Callable[[int, int], bytes]


class HashSource(Protocol):
    """Anything that can give the Merkle hash of a node range of its leaves."""

    def subtree_hash(self, start: int, end: int) -> bytes:
        """Return MTH of leaves ``[start, end)``; only node ranges are ever requested."""
        ...


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """Return the RFC 6962 Merkle tree hash (MTH) of a list of leaf hashes."""
    if not leaf_hashes:
        return EMPTY_ROOT
    # Pairing bottom-up and promoting a lonely last node unchanged gives exactly RFC 6962's
    # "split at the largest power of two below n", without recursion or list slicing.
    level = list(leaf_hashes)
    while len(level) > 1:
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        level = paired + level[len(level) - len(level) % 2 :]
    return level[0]


def is_node_range(start: int, end: int) -> bool:
    """Tell whether ``[start, end)`` is a node of the tree: complete, or a right edge."""
    if not 0 <= start < end:
        return False
    return start % _highest_power_of_two(end - start) == 0


def compose_range(start: int, end: int, node: NodeLookup) -> bytes:
    """Return MTH of node range ``[start, end)`` from complete-subtree hashes ``node(level, i)``."""
    if not is_node_range(start, end):
        raise ValueError(f"[{start}, {end}) is not a node range of a Merkle tree")
    parts: list[bytes] = []
    while start < end:
        # Because start is aligned, the range splits into descending complete subtrees.
        level = (end - start).bit_length() - 1
        parts.append(node(level, start >> level))
        start += 1 << level
    # RFC 6962 hangs the smaller subtrees on the right, so fold from the right.
    acc = parts.pop()
    while parts:
        acc = node_hash(parts.pop(), acc)
    return acc


def inclusion_proof(index: int, size: int, source: HashSource) -> list[bytes]:
    """Return PATH(index, D[size]) of RFC 9162 §2.1.3.1, ordered from leaf to root."""
    if not 0 <= index < size:
        raise OutOfRange(f"leaf {index} is not in a tree of size {size}", index=index, size=size)
    path: list[bytes] = []
    lo, hi = 0, size
    while hi - lo > 1:
        mid = lo + _largest_power_of_two_below(hi - lo)
        if index < mid:
            path.append(source.subtree_hash(mid, hi))
            hi = mid
        else:
            path.append(source.subtree_hash(lo, mid))
            lo = mid
    # Collected top-down; the RFC lists the audit path bottom-up.
    path.reverse()
    return path


def consistency_proof(old_size: int, new_size: int, source: HashSource) -> list[bytes]:
    """Return PROOF(old_size, D[new_size]) of RFC 9162 §2.1.4.1, the SUBPROOF algorithm."""
    if not 0 < old_size <= new_size:
        raise OutOfRange(
            f"no consistency proof from size {old_size} to size {new_size}; "
            "need 0 < old size <= new size",
            old_size=old_size,
            new_size=new_size,
        )
    proof: list[bytes] = []
    lo, hi, old_is_whole_subtree = 0, new_size, True
    while hi != old_size:
        mid = lo + _largest_power_of_two_below(hi - lo)
        if old_size <= mid:
            proof.append(source.subtree_hash(mid, hi))
            hi = mid
        else:
            proof.append(source.subtree_hash(lo, mid))
            lo, old_is_whole_subtree = mid, False
    # SUBPROOF(m, D[m], true) is empty: the verifier already holds the old root. Otherwise
    # the node that ends at old_size is part of the proof.
    if not old_is_whole_subtree:
        proof.append(source.subtree_hash(lo, hi))
    proof.reverse()
    return proof


class MemoryTree:
    """An append-only in-memory tree that keeps every complete subtree hash, level by level."""

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        # _levels[h][j] is the hash of the complete subtree of leaves [j * 2**h, (j + 1) * 2**h).
        self._levels: list[list[bytes]] = [[]]
        for leaf in leaf_hashes:
            self.append(leaf)

    @classmethod
    def from_entries(cls, entries: Iterable[bytes]) -> MemoryTree:
        """Build a tree whose leaves are the hashes of the given entries."""
        return cls(leaf_hash(entry) for entry in entries)

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self._levels[0])

    def __len__(self) -> int:
        return self.size

    def append(self, leaf: bytes) -> int:
        """Add one leaf hash and return its index; completes any subtrees it closes."""
        if len(leaf) != HASH_SIZE:
            raise ValueError(f"a leaf hash has {HASH_SIZE} bytes, got {len(leaf)}")
        index = self.size
        self._levels[0].append(leaf)
        level, position = 0, index
        while position % 2 == 1:
            row = self._levels[level]
            parent = node_hash(row[position - 1], row[position])
            level, position = level + 1, position // 2
            if level == len(self._levels):
                self._levels.append([])
            self._levels[level].append(parent)
        return index

    def node(self, level: int, index: int) -> bytes:
        """Return the hash of complete subtree ``index`` at height ``level``."""
        if not 0 <= level < len(self._levels) or not 0 <= index < len(self._levels[level]):
            raise OutOfRange(f"no complete subtree ({level}, {index}) in a tree of {self.size}")
        return self._levels[level][index]

    def subtree_hash(self, start: int, end: int) -> bytes:
        """Return MTH of node range ``[start, end)`` in O(log n) lookups."""
        if end > self.size:
            raise OutOfRange(f"leaves [{start}, {end}) are beyond a tree of size {self.size}")
        return compose_range(start, end, self.node)

    def root(self, size: int | None = None) -> bytes:
        """Return the root of the tree at ``size`` leaves (default: all of them)."""
        size = self.size if size is None else size
        if not 0 <= size <= self.size:
            raise OutOfRange(f"no tree of size {size}; the log has {self.size} leaves")
        # [0, size) is always a node range, since 0 is aligned to every power of two.
        return self.subtree_hash(0, size) if size else EMPTY_ROOT


def _highest_power_of_two(n: int) -> int:
    """Return the largest power of two <= n, for n >= 1."""
    return 1 << (n.bit_length() - 1)


def _largest_power_of_two_below(n: int) -> int:
    """Return the largest power of two < n, for n >= 2: RFC 6962's split point k."""
    return 1 << ((n - 1).bit_length() - 1)
