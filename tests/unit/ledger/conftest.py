"""Shared trees for the evidence-log tests."""

from __future__ import annotations

import pytest

from aftersales.ledger import MemoryTree, leaf_hash

MAX_SIZE = 128


def entry(i: int) -> bytes:
    """A distinct log entry per index."""
    return f"entry {i}".encode()


@pytest.fixture(scope="session")
def tree() -> MemoryTree:
    """A tree of MAX_SIZE + 1 distinct leaves; proofs for smaller sizes use its prefixes."""
    return MemoryTree(leaf_hash(entry(i)) for i in range(MAX_SIZE + 1))


@pytest.fixture(scope="session")
def roots(tree: MemoryTree) -> list[bytes]:
    """roots[n] is the root of the first n leaves of ``tree``."""
    return [tree.root(size) for size in range(tree.size + 1)]
