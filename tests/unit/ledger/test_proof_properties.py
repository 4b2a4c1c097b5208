"""For every tree size up to 128: honest proofs verify, and any tampering is rejected."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales.ledger import (
    MemoryTree,
    ProofError,
    consistency_proof,
    inclusion_proof,
    verify_consistency,
    verify_inclusion,
)
from tests.unit.ledger.conftest import MAX_SIZE

SIZES = range(1, MAX_SIZE + 1)


def flip(value: bytes, bit: int) -> bytes:
    """Return value with one bit inverted."""
    changed = bytearray(value)
    changed[bit // 8 % len(value)] ^= 1 << (bit % 8)
    return bytes(changed)


def flipped_proofs(proof: list[bytes], bit: int) -> Iterator[list[bytes]]:
    """Yield the proof with one bit of each element flipped in turn, then cut and padded."""
    for position in range(len(proof)):
        yield [*proof[:position], flip(proof[position], bit + position), *proof[position + 1 :]]
    if proof:
        yield proof[:-1]
        yield proof[1:]
    yield [*proof, proof[0] if proof else b"\x00" * 32]


InclusionClaim = tuple[bytes, int, int, list[bytes], bytes]
ConsistencyClaim = tuple[int, int, bytes, bytes, list[bytes]]


def accepted_inclusion(claims: Iterable[InclusionClaim]) -> list[InclusionClaim]:
    """Return the claims that verify_inclusion lets through."""
    passed = []
    for claim in claims:
        try:
            verify_inclusion(*claim)
        except ProofError:
            continue
        passed.append(claim)
    return passed


def accepted_consistency(claims: Iterable[ConsistencyClaim]) -> list[ConsistencyClaim]:
    """Return the claims that verify_consistency lets through."""
    passed = []
    for claim in claims:
        try:
            verify_consistency(*claim)
        except ProofError:
            continue
        passed.append(claim)
    return passed


def test_every_inclusion_proof_verifies(tree: MemoryTree, roots: list[bytes]) -> None:
    for size in SIZES:
        for index in range(size):
            proof = inclusion_proof(index, size, tree)
            verify_inclusion(tree.node(0, index), index, size, proof, roots[size])


def test_every_consistency_proof_verifies(tree: MemoryTree, roots: list[bytes]) -> None:
    for new in SIZES:
        for old in range(1, new + 1):
            proof = consistency_proof(old, new, tree)
            verify_consistency(old, new, roots[old], roots[new], proof)


def tampered_inclusion(
    tree: MemoryTree, roots: list[bytes], index: int, size: int
) -> Iterator[InclusionClaim]:
    """Yield every single change to an honest inclusion claim that we expect to be caught."""
    leaf, root, proof = tree.node(0, index), roots[size], inclusion_proof(index, size, tree)
    bit = index + size
    yield flip(leaf, bit), index, size, proof, root
    yield leaf, index, size, proof, flip(root, bit)
    for bad in flipped_proofs(proof, bit):
        yield leaf, index, size, bad, root
    for other in (index - 1, index + 1, size):
        yield leaf, other, size, proof, root
    # A size only means something with its own root: a checkpoint signs both together.
    for other in (size - 1, size + 1):
        yield leaf, index, other, proof, roots[other]


def tampered_consistency(
    tree: MemoryTree, roots: list[bytes], old: int, new: int
) -> Iterator[ConsistencyClaim]:
    """Yield every single change to an honest consistency claim that we expect to be caught."""
    old_root, new_root, proof = roots[old], roots[new], consistency_proof(old, new, tree)
    bit = old + new
    yield old, new, flip(old_root, bit), new_root, proof
    yield old, new, old_root, flip(new_root, bit), proof
    for bad in flipped_proofs(proof, bit):
        yield old, new, old_root, new_root, bad
    # Each changed size comes with its own true root, as in a signed checkpoint.
    for o, n in ((old - 1, new), (old + 1, new), (old, new - 1), (old, new + 1)):
        yield o, n, roots[max(o, 0)], roots[n], proof


def test_tampered_inclusion_proofs_are_rejected(tree: MemoryTree, roots: list[bytes]) -> None:
    for size in SIZES:
        for index in range(size):
            assert accepted_inclusion(tampered_inclusion(tree, roots, index, size)) == []


def test_tampered_consistency_proofs_are_rejected(tree: MemoryTree, roots: list[bytes]) -> None:
    for new in SIZES:
        for old in range(1, new + 1):
            assert accepted_consistency(tampered_consistency(tree, roots, old, new)) == []


def test_an_inclusion_proof_alone_does_not_pin_the_size() -> None:
    # Why checkpoints sign size and root together: leaf 0's path is the same shape in a tree
    # of 3 and of 4, so (size 4, root of 3) passes. The root commits to the size, not the proof.
    tree = MemoryTree.from_entries([b"a", b"b", b"c"])
    proof = inclusion_proof(0, 3, tree)
    verify_inclusion(tree.node(0, 0), 0, 4, proof, tree.root(3))


@settings(max_examples=300, deadline=None)
@given(data=st.data(), size=st.integers(1, MAX_SIZE), bit=st.integers(0, 255))
def test_any_flipped_bit_breaks_an_inclusion_proof(
    tree: MemoryTree, roots: list[bytes], data: st.DataObject, size: int, bit: int
) -> None:
    index = data.draw(st.integers(0, size - 1), label="index")
    leaf, root, proof = tree.node(0, index), roots[size], inclusion_proof(index, size, tree)
    target = data.draw(st.integers(-2, len(proof) - 1), label="target")
    if target == -2:
        leaf = flip(leaf, bit)
    elif target == -1:
        root = flip(root, bit)
    else:
        proof[target] = flip(proof[target], bit)
    with pytest.raises(ProofError):
        verify_inclusion(leaf, index, size, proof, root)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), new=st.integers(2, MAX_SIZE), bit=st.integers(0, 255))
def test_any_flipped_bit_breaks_a_consistency_proof(
    tree: MemoryTree, roots: list[bytes], data: st.DataObject, new: int, bit: int
) -> None:
    old = data.draw(st.integers(1, new - 1), label="old")
    old_root, new_root, proof = roots[old], roots[new], consistency_proof(old, new, tree)
    target = data.draw(st.integers(-2, len(proof) - 1), label="target")
    if target == -2:
        old_root = flip(old_root, bit)
    elif target == -1:
        new_root = flip(new_root, bit)
    else:
        proof[target] = flip(proof[target], bit)
    with pytest.raises(ProofError):
        verify_consistency(old, new, old_root, new_root, proof)
