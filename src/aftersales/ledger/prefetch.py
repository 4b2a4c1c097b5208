"""Proofs from a node store in one round trip: learn which nodes a proof reads, fetch, compute.

Proof construction (``tree``) asks its ``HashSource`` for a few dozen node hashes one at a time.
Against a database each ask would be a query; instead the proof is first run against a recorder
that notes every ``(level, index)`` it reads, the store fetches them all at once, and the proof
runs again on the fetched hashes. Which nodes a proof reads depends only on the sizes and the
index, never on hash values, so the second run reads exactly what the first one noted.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import TypeVar

from aftersales.ledger.errors import Inconsistent
from aftersales.ledger.hashing import HASH_SIZE
from aftersales.ledger.tree import HashSource, compose_range

__all__ = ["NodeKey", "prefetched"]

NodeKey = tuple[int, int]  # (level, index) of a complete subtree
T = TypeVar("T")

# What the recording run answers for every node: its value is never used, only which nodes
# were asked for (the proof is computed again on the fetched hashes).
_NOT_YET_FETCHED = bytes(HASH_SIZE)


class _Recorder:
    def __init__(self) -> None:
        self.wanted: set[NodeKey] = set()

    def subtree_hash(self, start: int, end: int) -> bytes:
        return compose_range(start, end, self._note)

    def _note(self, level: int, index: int) -> bytes:
        self.wanted.add((level, index))
        return _NOT_YET_FETCHED


class _Fetched:
    def __init__(self, nodes: Mapping[NodeKey, bytes]) -> None:
        self._nodes = nodes

    def subtree_hash(self, start: int, end: int) -> bytes:
        return compose_range(start, end, self._node)

    def _node(self, level: int, index: int) -> bytes:
        found = self._nodes.get((level, index))
        if found is None:
            raise Inconsistent(f"the log has no stored node ({level}, {index})")
        return found


def prefetched(
    compute: Callable[[HashSource], T],
    fetch: Callable[[Collection[NodeKey]], Mapping[NodeKey, bytes]],
) -> T:
    """Run ``compute`` (a proof or a root) on nodes fetched in one call to ``fetch``."""
    recorder = _Recorder()
    compute(recorder)
    if not recorder.wanted:
        return compute(_Fetched({}))
    return compute(_Fetched(fetch(recorder.wanted)))
