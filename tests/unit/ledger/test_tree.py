"""Merkle roots and proof construction: RFC 6962 reference tree, node-range contract."""

from __future__ import annotations

import pytest

from aftersales.ledger import (
    EMPTY_ROOT,
    MemoryTree,
    OutOfRange,
    compose_range,
    consistency_proof,
    inclusion_proof,
    is_node_range,
    leaf_hash,
    node_hash,
    root_hash,
)
from aftersales.ledger.verify import consistency_proof_length, inclusion_proof_length

# transparency-dev/merkle testonly/constants.go: the RFC 6962 reference tree.
RFC6962_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
RFC6962_ROOTS = [
    bytes.fromhex(h)
    for h in (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    )
]
RFC6962_LEVEL_1 = [
    bytes.fromhex(h)
    for h in (
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    )
]


@pytest.fixture(scope="module")
def rfc_tree() -> MemoryTree:
    return MemoryTree.from_entries(RFC6962_LEAVES)


def test_empty_root_is_sha256_of_nothing() -> None:
    assert EMPTY_ROOT.hex() == RFC6962_ROOTS[0].hex()
    assert root_hash([]) == EMPTY_ROOT
    assert MemoryTree().root() == EMPTY_ROOT


def test_leaf_and_node_hashes_use_distinct_prefixes() -> None:
    assert leaf_hash(b"").hex().startswith("6e340b9c")
    assert node_hash(b"a", b"b") != leaf_hash(b"ab")


@pytest.mark.parametrize("size", range(9))
def test_root_hash_matches_rfc6962_reference_tree(size: int) -> None:
    leaves = [leaf_hash(data) for data in RFC6962_LEAVES[:size]]
    assert root_hash(leaves) == RFC6962_ROOTS[size]


@pytest.mark.parametrize("size", range(9))
def test_memory_tree_root_at_every_size_matches_reference(rfc_tree: MemoryTree, size: int) -> None:
    assert rfc_tree.root(size) == RFC6962_ROOTS[size]


def test_memory_tree_keeps_the_reference_complete_subtrees(rfc_tree: MemoryTree) -> None:
    assert [rfc_tree.node(1, j) for j in range(4)] == RFC6962_LEVEL_1
    assert rfc_tree.node(3, 0) == RFC6962_ROOTS[8]


def test_root_hash_agrees_with_memory_tree_for_odd_sizes(tree: MemoryTree) -> None:
    for size in (3, 5, 6, 7, 9, 63, 100, 127, 129):
        leaves = [tree.node(0, i) for i in range(size)]
        assert root_hash(leaves) == tree.root(size)


def test_append_returns_the_new_leaf_index() -> None:
    tree = MemoryTree()
    assert [tree.append(leaf_hash(bytes([i]))) for i in range(3)] == [0, 1, 2]
    assert len(tree) == tree.size == 3


def test_append_rejects_a_value_that_is_not_a_hash() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        MemoryTree().append(b"not a hash")


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, 1, True),
        (0, 7, True),  # a right edge from the start
        (4, 7, True),  # right edge 4 + 2 + 1
        (8, 16, True),  # complete subtree
        (6, 8, True),
        (2, 6, False),  # 4 leaves not aligned on 4
        (1, 3, False),
        (3, 3, False),
        (-1, 2, False),
    ],
)
def test_is_node_range(start: int, end: int, expected: bool) -> None:
    assert is_node_range(start, end) is expected


def test_compose_range_refuses_ranges_that_are_not_tree_nodes(tree: MemoryTree) -> None:
    with pytest.raises(ValueError, match="not a node range"):
        compose_range(2, 6, tree.node)


def test_subtree_hash_of_a_right_edge_is_the_root_of_those_leaves(tree: MemoryTree) -> None:
    leaves = [tree.node(0, i) for i in range(96, 103)]
    assert tree.subtree_hash(96, 103) == root_hash(leaves)


def test_memory_tree_refuses_ranges_beyond_its_leaves(tree: MemoryTree) -> None:
    with pytest.raises(OutOfRange):
        tree.subtree_hash(128, 256)
    with pytest.raises(OutOfRange):
        tree.root(tree.size + 1)
    with pytest.raises(OutOfRange):
        tree.node(9, 0)


@pytest.mark.parametrize(("index", "size"), [(0, 0), (5, 5), (-1, 3)])
def test_inclusion_proof_of_a_leaf_outside_the_tree_is_refused(
    tree: MemoryTree, index: int, size: int
) -> None:
    with pytest.raises(OutOfRange, match="not in a tree"):
        inclusion_proof(index, size, tree)


@pytest.mark.parametrize(("old", "new"), [(0, 5), (6, 5), (-1, 2)])
def test_consistency_proof_needs_a_non_empty_older_tree(
    tree: MemoryTree, old: int, new: int
) -> None:
    with pytest.raises(OutOfRange, match="0 < old size <= new size"):
        consistency_proof(old, new, tree)


def test_consistency_proof_between_equal_sizes_is_empty(tree: MemoryTree) -> None:
    assert consistency_proof(7, 7, tree) == []


def test_rfc6962_reference_proofs(rfc_tree: MemoryTree) -> None:
    # transparency-dev/merkle proof_test.go: leaf 0 of 8, and sizes 6 -> 8.
    assert [h.hex()[:8] for h in inclusion_proof(0, 8, rfc_tree)] == [
        "96a296d2",
        "5f083f0a",
        "6b47aaf2",
    ]
    assert [h.hex()[:8] for h in consistency_proof(6, 8, rfc_tree)] == [
        "0ebc5d34",
        "ca854ea1",
        "d37ee418",
    ]


class RecordingSource:
    """A HashSource that records the ranges a proof asks for."""

    def __init__(self, tree: MemoryTree) -> None:
        self.tree = tree
        self.requests: list[tuple[int, int]] = []

    def subtree_hash(self, start: int, end: int) -> bytes:
        self.requests.append((start, end))
        return self.tree.subtree_hash(start, end)


def _complete(start: int, end: int) -> bool:
    width = end - start
    return width & (width - 1) == 0 and start % width == 0


def test_proofs_ask_only_for_node_ranges_with_at_most_one_right_edge(tree: MemoryTree) -> None:
    for size in range(1, tree.size + 1):
        for other in range(size):
            inclusion, consistency = RecordingSource(tree), RecordingSource(tree)
            inclusion_proof(other, size, inclusion)
            consistency_proof(other + 1, size, consistency)
            for requests in (inclusion.requests, consistency.requests):
                assert all(is_node_range(s, e) and e <= size for s, e in requests)
                assert sum(not _complete(s, e) for s, e in requests) <= 1


def test_generated_proofs_have_the_lengths_the_verifier_expects(tree: MemoryTree) -> None:
    for size in range(1, tree.size + 1):
        for index in range(size):
            assert len(inclusion_proof(index, size, tree)) == inclusion_proof_length(index, size)
            old = index + 1
            assert len(consistency_proof(old, size, tree)) == consistency_proof_length(old, size)


@pytest.mark.parametrize(
    ("size", "inclusion_max", "consistency_max"),
    [(1_000, 10, 11), (1_000_000, 20, 21)],
)
def test_proof_sizes_stay_logarithmic(size: int, inclusion_max: int, consistency_max: int) -> None:
    probes = range(0, size, max(1, size // 5000))
    assert max(inclusion_proof_length(i, size) for i in probes) == inclusion_max
    assert max(consistency_proof_length(m, size) for m in probes if m) <= consistency_max
