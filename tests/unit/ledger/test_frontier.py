"""The frontier: the same roots and nodes as the full tree, from at most one hash per set bit."""

from __future__ import annotations

import pytest

from aftersales.ledger import EMPTY_ROOT, FormatError, Frontier, MemoryTree, leaf_hash
from tests.unit.ledger.conftest import MAX_SIZE, entry


def test_an_empty_frontier_has_the_empty_root() -> None:
    assert Frontier().root() == EMPTY_ROOT
    assert Frontier().encode() == b""


def test_every_root_and_every_completed_node_matches_the_full_tree(tree: MemoryTree) -> None:
    frontier = Frontier()
    for i in range(MAX_SIZE + 1):
        nodes = frontier.append(leaf_hash(entry(i)))

        assert frontier.size == i + 1
        assert frontier.root() == tree.root(i + 1)
        assert len(frontier.peaks) == (i + 1).bit_count()
        # The new leaf, then one node per subtree it completed, each as the full tree has it.
        assert [(n.level, n.index) for n in nodes] == [
            (level, i >> level) for level in range(len(nodes))
        ]
        assert all(tree.node(n.level, n.index) == n.hash for n in nodes)


def test_a_decoded_frontier_carries_on_exactly_where_the_stored_one_stopped(
    tree: MemoryTree,
) -> None:
    frontier = Frontier()
    for i in range(37):
        frontier.append(leaf_hash(entry(i)))

    resumed = Frontier.decode(37, frontier.encode())
    resumed.append(leaf_hash(entry(37)))

    assert resumed.root() == tree.root(38)


@pytest.mark.parametrize(
    ("size", "data"),
    [(1, b""), (2, bytes(64)), (3, bytes(32)), (5, bytes(33)), (-1, b"")],
)
def test_a_stored_frontier_of_the_wrong_shape_is_refused(size: int, data: bytes) -> None:
    with pytest.raises(FormatError):
        Frontier.decode(size, data)


def test_a_leaf_must_be_a_hash() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        Frontier().append(b"short")
