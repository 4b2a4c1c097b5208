"""Receipts: the tlog-proof text, and offline checks that fail on any altered field."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from aftersales.ledger import (
    Checkpoint,
    FormatError,
    LedgerError,
    LogProof,
    MemoryTree,
    ProofError,
    SignatureError,
    Signer,
    canonical_json,
    consistency_proof,
    inclusion_proof,
    sign_checkpoint,
    verify_checkpoints,
    verify_entry,
    verify_receipt,
)

ORIGIN = "aftersales.example/evidence/v1"
ENTRIES = [canonical_json({"n": i, "kind": "test"}) for i in range(11)]


@pytest.fixture(scope="module")
def log_key() -> Signer:
    return Signer.generate(ORIGIN)


@pytest.fixture(scope="module")
def tree() -> MemoryTree:
    return MemoryTree.from_entries(ENTRIES)


def signed(tree: MemoryTree, size: int, key: Signer) -> str:
    return sign_checkpoint(Checkpoint(ORIGIN, size, tree.root(size)), key)


def receipt(tree: MemoryTree, index: int, size: int, key: Signer) -> dict[str, Any]:
    """A receipt as the API hands it out."""
    proof = LogProof(index, tuple(inclusion_proof(index, size, tree)), signed(tree, size, key))
    return {
        "index": index,
        "entry": base64.b64encode(ENTRIES[index]).decode(),
        "record": json.loads(ENTRIES[index]),
        "checkpoint": proof.checkpoint,
        "inclusion_proof": [base64.b64encode(h).decode() for h in proof.hashes],
        "tlog_proof": proof.text(),
    }


def test_the_tlog_proof_text_has_header_index_hashes_blank_line_and_checkpoint(
    tree: MemoryTree, log_key: Signer
) -> None:
    proof = LogProof(3, tuple(inclusion_proof(3, 11, tree)), signed(tree, 11, log_key))

    lines = proof.text().split("\n")

    assert lines[:2] == ["c2sp.org/tlog-proof@v1", "index 3"]
    assert lines[2 + len(proof.hashes)] == ""
    assert "\n".join(lines[3 + len(proof.hashes) :]) == proof.checkpoint
    assert LogProof.parse(proof.text()) == proof


def test_extra_data_round_trips(tree: MemoryTree, log_key: Signer) -> None:
    proof = LogProof(0, tuple(inclusion_proof(0, 2, tree)), signed(tree, 2, log_key), b"\x01x")

    assert proof.text().split("\n")[1] == "extra AXg="
    assert LogProof.parse(proof.text()) == proof


@pytest.mark.parametrize(
    "text",
    [
        "",
        "c2sp.org/tlog-proof@v2\nindex 1\n\nnote\n",
        "c2sp.org/tlog-proof@v1\nindex 01\n\nnote\n",
        "c2sp.org/tlog-proof@v1\nindex 1\nnot base64!\n\nnote\n",
        "c2sp.org/tlog-proof@v1\nindex 1\nAAAA\n\nnote\n",  # a 3-byte "hash"
        "c2sp.org/tlog-proof@v1\nindex 1\n",  # no checkpoint
    ],
)
def test_a_malformed_tlog_proof_is_refused(text: str) -> None:
    with pytest.raises(FormatError):
        LogProof.parse(text)


def test_every_entry_of_every_size_verifies(tree: MemoryTree, log_key: Signer) -> None:
    for size in range(1, len(ENTRIES) + 1):
        for index in range(size):
            checkpoint = verify_receipt(receipt(tree, index, size, log_key), log_key.verifier())
            assert (checkpoint.origin, checkpoint.size) == (ORIGIN, size)


def tampered(r: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The receipt with one field changed, in every way a forger might try."""
    entry = base64.b64decode(r["entry"])
    proof = [base64.b64decode(h) for h in r["inclusion_proof"]]
    flipped_proof = [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]]
    root_line = r["checkpoint"].split("\n")[2]
    other_root = base64.b64encode(bytes(32)).decode()
    return {
        "entry": r | {"entry": base64.b64encode(entry.replace(b'"n":5', b'"n":6')).decode()},
        "index": r | {"index": r["index"] + 1},
        "proof": r | {"inclusion_proof": [base64.b64encode(h).decode() for h in flipped_proof]},
        "short proof": r | {"inclusion_proof": r["inclusion_proof"][:-1]},
        "checkpoint root": r | {"checkpoint": r["checkpoint"].replace(root_line, other_root)},
        "record": r | {"record": r["record"] | {"n": 99}},
        "tlog_proof": r | {"tlog_proof": r["tlog_proof"].replace("index 5", "index 4")},
    }


@pytest.mark.parametrize(
    "field",
    ["entry", "index", "proof", "short proof", "checkpoint root", "record", "tlog_proof"],
)
def test_a_receipt_altered_in_any_field_fails(
    field: str, tree: MemoryTree, log_key: Signer
) -> None:
    altered = tampered(receipt(tree, 5, 11, log_key))[field]

    with pytest.raises(LedgerError):
        verify_receipt(altered, log_key.verifier())


def test_a_receipt_signed_by_another_key_fails(tree: MemoryTree, log_key: Signer) -> None:
    impostor = Signer.generate(ORIGIN)

    with pytest.raises(SignatureError):
        verify_receipt(receipt(tree, 5, 11, impostor), log_key.verifier())


def test_a_receipt_missing_a_field_is_malformed(tree: MemoryTree, log_key: Signer) -> None:
    r = receipt(tree, 5, 11, log_key)
    del r["inclusion_proof"]

    with pytest.raises(FormatError):
        verify_receipt(r, log_key.verifier())


def test_an_entry_checks_against_its_proof_alone(tree: MemoryTree, log_key: Signer) -> None:
    proof = LogProof(7, tuple(inclusion_proof(7, 9, tree)), signed(tree, 9, log_key))

    assert verify_entry(ENTRIES[7], proof, log_key.verifier()).size == 9
    with pytest.raises(ProofError):
        verify_entry(ENTRIES[6], proof, log_key.verifier())


def test_two_checkpoints_and_their_consistency_proof_verify(
    tree: MemoryTree, log_key: Signer
) -> None:
    old, new = signed(tree, 4, log_key), signed(tree, 11, log_key)
    proof = consistency_proof(4, 11, tree)

    before, after = verify_checkpoints(old, new, proof, log_key.verifier())

    assert (before.size, after.size) == (4, 11)
    with pytest.raises(ProofError):
        verify_checkpoints(old, new, proof[:-1], log_key.verifier())
    with pytest.raises(ProofError):  # a different history of the same size
        forked = sign_checkpoint(Checkpoint(ORIGIN, 11, tree.root(10)), log_key)
        verify_checkpoints(old, forked, proof, log_key.verifier())
    with pytest.raises(SignatureError):
        verify_checkpoints(
            old, signed(tree, 11, Signer.generate(ORIGIN)), proof, log_key.verifier()
        )
