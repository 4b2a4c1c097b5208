"""Checkpoints: the exact text, strict parsing, and signed tree heads that proofs rest on."""

from __future__ import annotations

import base64

import pytest

from aftersales.ledger import (
    EMPTY_ROOT,
    Checkpoint,
    FormatError,
    MemoryTree,
    SignatureError,
    Signer,
    consistency_proof,
    inclusion_proof,
    open_checkpoint,
    parse_checkpoint,
    sign_checkpoint,
    sign_note,
    verify_consistency,
    verify_inclusion,
)

ORIGIN = "aftersales.example/evidence/v1"
ROOT = bytes(range(32))
ROOT_B64 = base64.b64encode(ROOT).decode()


@pytest.fixture(scope="module")
def log_key() -> Signer:
    return Signer.generate(ORIGIN)


def test_body_is_origin_size_and_root_on_three_lines() -> None:
    assert Checkpoint(ORIGIN, 42, ROOT).body() == f"{ORIGIN}\n42\n{ROOT_B64}\n"


def test_c2sp_example_body_parses() -> None:
    text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    checkpoint = parse_checkpoint(text)
    assert (checkpoint.origin, checkpoint.size) == ("example.com/behind-the-sofa", 20852163)
    assert checkpoint.body() == text


def test_extension_lines_round_trip() -> None:
    checkpoint = Checkpoint(ORIGIN, 7, ROOT, ("ext one", "ext two"))
    assert parse_checkpoint(checkpoint.body()) == checkpoint


def test_an_empty_log_has_the_empty_root() -> None:
    assert parse_checkpoint(f"{ORIGIN}\n0\n{base64.b64encode(EMPTY_ROOT).decode()}\n").size == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (f"{ORIGIN}\n42\n{ROOT_B64}", "end with a newline"),
        (f"{ORIGIN}\n42\n", "origin, size and root"),
        (f"\n42\n{ROOT_B64}\n", "origin must not be empty"),
        (f"{ORIGIN}\n042\n{ROOT_B64}\n", "without leading zeros"),
        (f"{ORIGIN}\n+42\n{ROOT_B64}\n", "without leading zeros"),
        (f"{ORIGIN}\n 42\n{ROOT_B64}\n", "without leading zeros"),
        (f"{ORIGIN}\n\u0664\u0662\n{ROOT_B64}\n", "without leading zeros"),  # Arabic digits
        (f"{ORIGIN}\n-1\n{ROOT_B64}\n", "without leading zeros"),
        (f"{ORIGIN}\n{2**63}\n{ROOT_B64}\n", "out of range"),
        (f"{ORIGIN}\n42\n{ROOT_B64[:-4]}\n", "32 bytes"),
        (f"{ORIGIN}\n42\n{ROOT_B64[:-2]}9=\n", "canonical"),  # a padding bit set
        (f"{ORIGIN}\n42\nnot base64!\n", "not valid base64"),
        (f"{ORIGIN}\n42\n{ROOT_B64}\n\n", "extension line must not be empty"),
        (f"{ORIGIN}\n0\n{ROOT_B64}\n", "empty tree's root"),
        (f"{ORIGIN}\r\n42\n{ROOT_B64}\n", "control characters"),
    ],
)
def test_malformed_checkpoints_are_rejected_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        parse_checkpoint(text)


def test_sign_then_open_round_trips(log_key: Signer) -> None:
    checkpoint = Checkpoint(ORIGIN, 42, ROOT)
    assert open_checkpoint(sign_checkpoint(checkpoint, log_key), log_key.verifier()) == checkpoint


def test_a_checkpoint_signed_by_another_key_is_rejected(log_key: Signer) -> None:
    impostor = Signer.generate(ORIGIN)
    signed = sign_checkpoint(Checkpoint(ORIGIN, 42, ROOT), impostor)
    with pytest.raises(SignatureError, match="no signature from a trusted key"):
        open_checkpoint(signed, log_key.verifier())


def test_a_checkpoint_with_a_changed_size_is_rejected(log_key: Signer) -> None:
    signed = sign_checkpoint(Checkpoint(ORIGIN, 42, ROOT), log_key)
    with pytest.raises(SignatureError, match="does not verify"):
        open_checkpoint(signed.replace("\n42\n", "\n43\n"), log_key.verifier())


def test_the_log_key_signs_only_its_own_origin(log_key: Signer) -> None:
    with pytest.raises(ValueError, match="cannot sign for origin"):
        sign_checkpoint(Checkpoint("other.example/log", 1, ROOT), log_key)


def test_a_checkpoint_for_another_origin_is_rejected(log_key: Signer) -> None:
    # Our key over another log's head: the signature is good, the claim is not ours.
    signed = sign_note(Checkpoint("other.example/log", 42, ROOT).body(), log_key)
    with pytest.raises(SignatureError, match="is for origin"):
        open_checkpoint(signed, log_key.verifier())


def test_receipt_checks_out_against_two_signed_checkpoints(log_key: Signer) -> None:
    tree = MemoryTree.from_entries(f"decision {i}".encode() for i in range(1000))
    old_note = sign_checkpoint(Checkpoint(ORIGIN, 600, tree.root(600)), log_key)
    new_note = sign_checkpoint(Checkpoint(ORIGIN, 1000, tree.root(1000)), log_key)
    old = open_checkpoint(old_note, log_key.verifier())
    new = open_checkpoint(new_note, log_key.verifier())
    proof = inclusion_proof(123, new.size, tree)
    verify_inclusion(tree.node(0, 123), 123, new.size, proof, new.root)
    verify_consistency(old.size, new.size, old.root, new.root, consistency_proof(600, 1000, tree))
