"""C2SP signed notes (c2sp.org/signed-note) with Ed25519 keys, compatible with Go's sumdb/note.

A signed note is the text (ending in a newline), a blank line, and one line per signature:
``— <key name> base64(4-byte key ID || signature)``. Keys travel as strings: the verifier key
``name+hexid+base64(0x01 || public key)`` and the secret signer key
``PRIVATE+KEY+name+hexid+base64(0x01 || seed)``.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass
from hashlib import sha256

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from aftersales.ledger.errors import FormatError, SignatureError

__all__ = [
    "ED25519",
    "MAX_SIGNATURES",
    "Note",
    "Signature",
    "Signer",
    "Verifier",
    "key_id",
    "open_note",
    "sign_note",
]

ED25519 = 0x01  # signature type byte of c2sp.org/signed-note
# The spec asks verifiers to accept at least 16; Go's sumdb/note stops at 100.
MAX_SIGNATURES = 100

_DASH = "\u2014 "  # em dash and space open every signature line
_PRIVATE_PREFIX = "PRIVATE+KEY+"
_HEX_ID = re.compile(r"[0-9a-fA-F]{8}")


def key_id(name: str, public_key: bytes) -> bytes:
    """Return the 4-byte key ID: SHA-256(name || 0x0A || 0x01 || public key)[:4]."""
    return sha256(name.encode() + b"\n" + bytes([ED25519]) + public_key).digest()[:4]


@dataclass(frozen=True)
class Signature:
    """One signature line of a note: who signed, with which key, and the raw signature."""

    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        """Return the signature line, newline included."""
        return f"{_DASH}{self.name} {_b64(self.key_id + self.signature)}\n"


@dataclass(frozen=True)
class Note:
    """An opened note: its text, the signatures that verified, and those from unknown keys."""

    text: str
    signatures: tuple[Signature, ...]
    unverified: tuple[Signature, ...] = ()


@dataclass(frozen=True)
class Verifier:
    """A public Ed25519 key under a name; parse and print it as a verifier key string."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        _check_name(self.name)
        if len(self.public_key) != 32:
            raise FormatError(f"an Ed25519 public key has 32 bytes, got {len(self.public_key)}")

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID that signature lines carry."""
        return key_id(self.name, self.public_key)

    @classmethod
    def from_vkey(cls, vkey: str) -> Verifier:
        """Parse a verifier key string ``name+hexid+base64(0x01 || public key)``."""
        name, hex_id, encoded = _split_key(vkey, "verifier key")
        verifier = cls(name, _typed_key(encoded, "verifier key"))
        _check_id(verifier.key_id, hex_id, "verifier key")
        return verifier

    def vkey(self) -> str:
        """Return the verifier key string, as Go's ``note.NewVerifier`` reads it."""
        return f"{self.name}+{self.key_id.hex()}+{_b64(bytes([ED25519]) + self.public_key)}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Tell whether ``signature`` is this key's Ed25519 signature of ``message``."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except (InvalidSignature, ValueError):
            return False
        return True


class Signer:
    """A secret Ed25519 key under a name; signs note texts."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        _check_name(name)
        self.name = name
        self._key = private_key
        public = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self._verifier = Verifier(name, public)

    def __repr__(self) -> str:
        # Never print the secret: it signs the log's checkpoints.
        return f"Signer({self.name!r}, key_id={self.key_id.hex()})"

    @classmethod
    def generate(cls, name: str) -> Signer:
        """Create a signer with a fresh random key."""
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_skey(cls, skey: str) -> Signer:
        """Parse a signer key string ``PRIVATE+KEY+name+hexid+base64(0x01 || seed)``."""
        if not skey.startswith(_PRIVATE_PREFIX):
            raise FormatError("a signer key starts with PRIVATE+KEY+")
        name, hex_id, encoded = _split_key(skey.removeprefix(_PRIVATE_PREFIX), "signer key")
        signer = cls(name, Ed25519PrivateKey.from_private_bytes(_typed_key(encoded, "signer key")))
        # The ID is of the public key, so it can only be checked after deriving that key.
        _check_id(signer.key_id, hex_id, "signer key")
        return signer

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID that this signer's signature lines carry."""
        return self._verifier.key_id

    def verifier(self) -> Verifier:
        """Return the public half, to hand to whoever checks the notes."""
        return self._verifier

    def skey(self) -> str:
        """Return the secret signer key string; keep it out of logs and databases."""
        seed = self._key.private_bytes_raw()
        return f"{_PRIVATE_PREFIX}{self.name}+{self.key_id.hex()}+{_b64(bytes([ED25519]) + seed)}"

    def sign(self, message: bytes) -> Signature:
        """Sign ``message`` and return the signature with this key's name and ID."""
        return Signature(self.name, self.key_id, self._key.sign(message))


def sign_note(text: str, *signers: Signer) -> str:
    """Return ``text`` signed by each signer, in the signed-note format."""
    if not signers:
        raise ValueError("a note needs at least one signer")
    if not text.endswith("\n"):
        raise FormatError("note text must end with a newline")
    _check_characters(text)
    message = _encode(text)
    lines = [signer.sign(message).line() for signer in signers]
    return text + "\n" + "".join(lines)


def open_note(note: str | bytes, verifiers: Iterable[Verifier]) -> Note:
    """Parse a signed note and check it; raise unless a known key signed it and none failed."""
    text, signatures = _parse(note)
    known = _index(verifiers)
    message = _encode(text)
    verified: dict[tuple[str, bytes], Signature] = {}
    unverified: list[Signature] = []
    for sig in signatures:
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            # The spec requires ignoring unknown keys: a witness may have cosigned the note.
            if sig not in unverified:
                unverified.append(sig)
        elif not verifier.verify(message, sig.signature):
            raise SignatureError(f"the signature of {_label(sig)} does not verify")
        else:
            verified.setdefault((sig.name, sig.key_id), sig)
    if not verified:
        names = ", ".join(_label(sig) for sig in signatures)
        raise SignatureError(f"the note has no signature from a trusted key (signed by {names})")
    return Note(text, tuple(verified.values()), tuple(unverified))


def _parse(note: str | bytes) -> tuple[str, list[Signature]]:
    """Split a note into its text and signature lines, checking the format."""
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FormatError("a note must be valid UTF-8") from exc
    _check_characters(note)
    # The text may hold blank lines itself; the last blank line starts the signatures.
    split = note.rfind("\n\n")
    if split < 0:
        raise FormatError("a note needs a blank line between the text and the signatures")
    text, block = note[: split + 1], note[split + 2 :]
    if not block.endswith("\n"):
        raise FormatError("a note must end with a signature line and a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise FormatError(f"a note may carry at most {MAX_SIGNATURES} signatures")
    return text, [_parse_signature_line(line) for line in lines]


def _parse_signature_line(line: str) -> Signature:
    if not line.startswith(_DASH):
        raise FormatError(f"a signature line must start with an em dash and a space: {line!r}")
    name, _, encoded = line.removeprefix(_DASH).partition(" ")
    raw = _b64decode(encoded, "signature")
    # Four bytes of key ID plus at least one byte of signature.
    if not name or not encoded or len(raw) < 5:
        raise FormatError(f"malformed signature line: {line!r}")
    _check_name(name)
    return Signature(name, raw[:4], raw[4:])


def _index(verifiers: Iterable[Verifier]) -> dict[tuple[str, bytes], Verifier]:
    known: dict[tuple[str, bytes], Verifier] = {}
    for verifier in verifiers:
        slot = (verifier.name, verifier.key_id)
        # Two different keys under one name and ID would make a signature ambiguous.
        if known.setdefault(slot, verifier) != verifier:
            raise SignatureError(f"two trusted keys share the name and ID {verifier.vkey()}")
    return known


def _split_key(key: str, what: str) -> tuple[str, str, str]:
    # The name has no "+" and the hex ID has none, so the first two split the key; the
    # base64 part may hold more.
    name, _, rest = key.partition("+")
    hex_id, _, encoded = rest.partition("+")
    if not _HEX_ID.fullmatch(hex_id) or not encoded:
        raise FormatError(f"a {what} reads name+hexid+base64key")
    _check_name(name)
    return name, hex_id, encoded


def _typed_key(encoded: str, what: str) -> bytes:
    raw = _b64decode(encoded, what)
    if not raw or raw[0] != ED25519:
        raise FormatError(f"the {what} is not an Ed25519 key (type byte 0x01)")
    if len(raw) != 33:
        raise FormatError(f"the {what} must hold 32 key bytes, got {len(raw) - 1}")
    return raw[1:]


def _check_id(actual: bytes, hex_id: str, what: str) -> None:
    if actual.hex() != hex_id.lower():
        raise FormatError(f"the {what}'s ID {hex_id} does not match its name and key")


def _check_name(name: str) -> None:
    if not name or "+" in name or any(ch.isspace() for ch in name):
        raise FormatError(f"a key name must be non-empty, without spaces or '+': {name!r}")
    _check_characters(name)


def _check_characters(text: str) -> None:
    if any(ch < " " and ch != "\n" for ch in text):
        raise FormatError("a note must not contain control characters other than newline")
    _encode(text)


def _encode(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates cannot be signed or sent
        raise FormatError("a note must be valid UTF-8") from exc


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _b64decode(encoded: str, what: str) -> bytes:
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise FormatError(f"the {what} is not valid base64") from exc


def _label(sig: Signature) -> str:
    return f"{sig.name}+{sig.key_id.hex()}"
