"""Signed notes: Go sumdb/note and C2SP vectors, round trips, and every way a note can be bad."""

from __future__ import annotations

import base64

import pytest

from aftersales.ledger import FormatError, SignatureError, Signer, Verifier, open_note, sign_note
from aftersales.ledger.note import MAX_SIGNATURES, key_id

DASH = "\u2014"

# golang.org/x/mod sumdb/note: TestSign and the package documentation.
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_SIGNATURE = (
    f"{DASH} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqf"
    "qdngotpRZb6KE6RyyBwJnAM=\n"
)

# c2sp.org/signed-note, the worked example.
C2SP_VKEY = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
C2SP_NOTE = (
    f"This is an example message.\n\n{DASH} example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6Tf"
    "Xppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)


@pytest.fixture(scope="module")
def signer() -> Signer:
    return Signer.generate("aftersales.example/evidence/v1")


def test_signing_reproduces_gos_sumdb_note_vector_byte_for_byte() -> None:
    assert sign_note(GO_TEXT, Signer.from_skey(GO_SKEY)) == GO_TEXT + "\n" + GO_SIGNATURE


def test_signer_key_gives_gos_verifier_key() -> None:
    assert Signer.from_skey(GO_SKEY).verifier().vkey() == GO_VKEY


def test_c2sp_example_note_verifies() -> None:
    note = open_note(C2SP_NOTE, [Verifier.from_vkey(C2SP_VKEY)])
    assert note.text == "This is an example message.\n"
    assert [sig.name for sig in note.signatures] == ["example.com/foo"]
    assert note.signatures[0].key_id.hex() == "530d903a"


@pytest.mark.parametrize("vkey", [GO_VKEY, C2SP_VKEY])
def test_verifier_key_string_round_trips(vkey: str) -> None:
    assert Verifier.from_vkey(vkey).vkey() == vkey


def test_signer_key_string_round_trips(signer: Signer) -> None:
    again = Signer.from_skey(signer.skey())
    assert again.skey() == signer.skey()
    assert again.verifier() == signer.verifier()
    assert Signer.from_skey(GO_SKEY).skey() == GO_SKEY


def test_key_id_is_the_hash_of_name_type_and_public_key(signer: Signer) -> None:
    public = signer.verifier().public_key
    assert signer.key_id == key_id(signer.name, public)
    assert signer.verifier().vkey().split("+")[1] == signer.key_id.hex()


def test_signer_repr_does_not_reveal_the_secret(signer: Signer) -> None:
    # PRIVATE+KEY+name+id+data: the key data may itself hold "+", so split four times only.
    secret = signer.skey().split("+", 4)[4]
    assert len(secret) > 40
    assert secret not in repr(signer)


def test_sign_then_open_round_trips(signer: Signer) -> None:
    text = "line one\n\nline three after a blank line\n"
    note = open_note(sign_note(text, signer), [signer.verifier()])
    assert note.text == text
    assert note.signatures[0].key_id == signer.key_id


def test_open_accepts_bytes(signer: Signer) -> None:
    signed = sign_note("bytes are fine\n", signer)
    assert open_note(signed.encode(), [signer.verifier()]).text == "bytes are fine\n"


def test_a_note_signed_by_another_key_is_rejected(signer: Signer) -> None:
    stranger = Signer.generate(signer.name)  # same name, different key
    with pytest.raises(SignatureError, match="no signature from a trusted key"):
        open_note(sign_note("hello\n", stranger), [signer.verifier()])


def test_tampered_text_is_rejected(signer: Signer) -> None:
    signed = sign_note("refund 10 EUR\n", signer)
    with pytest.raises(SignatureError, match="does not verify"):
        open_note(signed.replace("10", "90"), [signer.verifier()])


def test_tampered_signature_is_rejected(signer: Signer) -> None:
    text = "verdict: buyer wins\n"
    raw = bytearray(base64.b64decode(sign_note(text, signer).rsplit(" ", 1)[1]))
    raw[10] ^= 1
    forged = f"{text}\n{DASH} {signer.name} {base64.b64encode(raw).decode()}\n"
    with pytest.raises(SignatureError, match="does not verify"):
        open_note(forged, [signer.verifier()])


def test_unknown_signatures_are_kept_but_not_trusted(signer: Signer) -> None:
    witness = Signer.generate("witness.example")
    note = open_note(sign_note("cosigned\n", signer, witness), [signer.verifier()])
    assert [sig.name for sig in note.signatures] == [signer.name]
    assert [sig.name for sig in note.unverified] == ["witness.example"]


def test_every_known_signature_must_verify(signer: Signer) -> None:
    witness = Signer.generate("witness.example")
    good = sign_note("cosigned\n", signer)
    bad = sign_note("something else\n", witness).split("\n\n")[1]
    with pytest.raises(SignatureError, match=r"witness\.example"):
        open_note(good + bad, [signer.verifier(), witness.verifier()])


def _line(name: str, payload: bytes) -> str:
    return f"{DASH} {name} {base64.b64encode(payload).decode()}\n"


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("no signatures at all\n", "blank line"),
        ("text\n\n", "must end with a signature line"),
        (f"text\n\n{DASH} name AAAAAAA=", "must end with a signature line"),
        ("text\n\n- name AAAAAAAA\n", "em dash"),
        (f"text\n\n{DASH} name not*base64\n", "not valid base64"),
        (f"text\n\n{DASH} name AAAAAA==\n", "malformed signature line"),  # 4 bytes: ID only
        (f"text\n\n{DASH} name\n", "malformed signature line"),
        (f"text\n\n{DASH}  AAAAAAAA\n", "malformed signature line"),
        ("text\n\n" + _line("a+b", bytes(68)), "key name must be"),
        ("tab\there\n\n" + _line("name", bytes(68)), "control characters"),
        ("cr\r\n\n" + _line("name", bytes(68)), "control characters"),
        ("text\n\n" + _line("name", bytes(68)) * (MAX_SIGNATURES + 1), "at most"),
    ],
)
def test_malformed_notes_are_rejected_with_a_reason(
    signer: Signer, note: str, message: str
) -> None:
    with pytest.raises(FormatError, match=message):
        open_note(note, [signer.verifier()])


def test_a_note_that_is_not_utf8_is_rejected(signer: Signer) -> None:
    with pytest.raises(FormatError, match="UTF-8"):
        open_note(b"\xff\xfe\n\n" + _line("name", bytes(68)).encode(), [signer.verifier()])


@pytest.mark.parametrize(
    ("text", "message"),
    [("no newline", "end with a newline"), ("bell\a\n", "control characters")],
)
def test_unsignable_texts_are_refused(signer: Signer, text: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        sign_note(text, signer)


@pytest.mark.parametrize(
    ("vkey", "message"),
    [
        ("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "does not match"),
        ("PeterNeumann+c74f20a3+AhpjZHcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "Ed25519"),
        ("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy", "32 key bytes"),
        ("PeterNeumann+c74f20+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "name\\+hexid"),
        ("PeterNeumann+0xc74f20+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "name\\+hexid"),
        ("PeterNeumann+c74f20a3", "name\\+hexid"),
        ("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "spaces"),
        ("PeterNeumann+c74f20a3+not base64!", "base64"),
    ],
)
def test_malformed_verifier_keys_are_rejected(vkey: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        Verifier.from_vkey(vkey)


@pytest.mark.parametrize(
    ("skey", "message"),
    [
        (GO_VKEY, "PRIVATE\\+KEY"),
        (GO_SKEY.replace("c74f20a3", "00000000"), "does not match"),
        (GO_SKEY.replace("PeterNeumann", "PaulNeumann"), "does not match"),
    ],
)
def test_malformed_signer_keys_are_rejected(skey: str, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        Signer.from_skey(skey)


def test_a_signer_needs_a_valid_name() -> None:
    with pytest.raises(FormatError, match="key name"):
        Signer.generate("two words")
