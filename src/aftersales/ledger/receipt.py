"""Receipts: offline proof that an entry is in the log, in the C2SP tlog-proof text format.

A proof (c2sp.org/tlog-proof) is ``c2sp.org/tlog-proof@v1``, an optional ``extra <base64>``
line, ``index <n>``, the inclusion proof one base64 hash per line, a blank line, and the signed
checkpoint the proof leads to. Whoever holds the entry's bytes, the proof and the log's public
key can check it with no access to the platform.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aftersales.ledger.checkpoint import Checkpoint, open_checkpoint
from aftersales.ledger.errors import FormatError, ProofError
from aftersales.ledger.hashing import HASH_SIZE, leaf_hash
from aftersales.ledger.note import Verifier
from aftersales.ledger.verify import verify_consistency, verify_inclusion

__all__ = [
    "PROOF_HEADER",
    "LogProof",
    "proof_hashes",
    "verify_checkpoints",
    "verify_entry",
    "verify_receipt",
]

PROOF_HEADER = "c2sp.org/tlog-proof@v1"
_INDEX = re.compile(r"index (0|[1-9][0-9]*)", re.ASCII)


@dataclass(frozen=True)
class LogProof:
    """Where an entry sits (index), the path to the root, and the signed checkpoint of that root."""

    index: int
    hashes: tuple[bytes, ...]
    checkpoint: str
    extra: bytes | None = None

    def text(self) -> str:
        """Return the proof in the tlog-proof text format."""
        lines = [PROOF_HEADER]
        if self.extra is not None:
            lines.append(f"extra {_b64(self.extra)}")
        lines.append(f"index {self.index}")
        lines.extend(_b64(h) for h in self.hashes)
        return "\n".join(lines) + "\n\n" + self.checkpoint

    @classmethod
    def parse(cls, text: str) -> LogProof:
        """Parse the tlog-proof text format strictly; raise ``FormatError`` on any deviation."""
        head, sep, checkpoint = text.partition("\n\n")
        if not sep or not checkpoint:
            raise FormatError("a tlog-proof ends with a blank line and the signed checkpoint")
        lines = head.split("\n")
        if lines[0] != PROOF_HEADER:
            raise FormatError(f"a tlog-proof starts with {PROOF_HEADER!r}")
        rest = lines[1:]
        extra = None
        if rest and rest[0].startswith("extra "):
            extra = _b64decode(rest.pop(0).removeprefix("extra "), "extra data")
        index = _INDEX.fullmatch(rest.pop(0)) if rest else None
        if index is None:
            raise FormatError("a tlog-proof names the entry's index: 'index <n>'")
        hashes = tuple(_hash(line) for line in rest)
        return cls(int(index.group(1)), hashes, checkpoint, extra)


def verify_entry(entry: bytes, proof: LogProof, log_key: Verifier) -> Checkpoint:
    """Check that ``entry`` is in the log the key signs for; return the checkpoint it is under.

    Raises ``SignatureError`` if the checkpoint is not the log's, ``ProofError`` if the entry,
    its index or the proof were altered."""
    checkpoint = open_checkpoint(proof.checkpoint, log_key)
    verify_inclusion(leaf_hash(entry), proof.index, checkpoint.size, proof.hashes, checkpoint.root)
    return checkpoint


def proof_hashes(encoded: Sequence[str]) -> tuple[bytes, ...]:
    """Decode base64 proof hashes, each of which must be 32 bytes."""
    return tuple(_hash(h) for h in encoded)


def _parsed(entry: bytes) -> Any:
    try:
        return json.loads(entry)
    except ValueError:  # not JSON: then no record can match it
        return None


def _hash(encoded: str) -> bytes:
    raw = _b64decode(encoded, "proof hash")
    if len(raw) != HASH_SIZE:
        raise FormatError(f"a proof hash is {HASH_SIZE} bytes, got {len(raw)}")
    return raw


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _b64decode(encoded: str, what: str) -> bytes:
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise FormatError(f"the {what} is not valid base64: {encoded[:60]!r}") from exc


def verify_receipt(receipt: Mapping[str, Any], log_key: Verifier) -> Checkpoint:
    """Check a receipt as the API hands it out (JSON: entry, index, proof, checkpoint).

    Every copy of a fact in the receipt must agree: the parsed ``record`` with the entry's
    bytes, the ``tlog_proof`` text with the index, proof and checkpoint. A receipt altered in
    any field fails, rather than verifying on one field while showing another to a reader."""
    try:
        entry = _b64decode(str(receipt["entry"]), "entry")
        proof = LogProof(
            int(receipt["index"]),
            proof_hashes([str(h) for h in receipt["inclusion_proof"]]),
            str(receipt["checkpoint"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(
            f"a receipt needs entry, index, inclusion_proof, checkpoint: {exc}"
        ) from exc
    checkpoint = verify_entry(entry, proof, log_key)
    if "record" in receipt and receipt["record"] != _parsed(entry):
        raise ProofError("the receipt's record is not what its entry says")
    if "tlog_proof" in receipt and LogProof.parse(str(receipt["tlog_proof"])) != proof:
        raise ProofError("the receipt's tlog_proof differs from its index, proof or checkpoint")
    return checkpoint


def verify_checkpoints(
    old_note: str, new_note: str, proof: Sequence[bytes], log_key: Verifier
) -> tuple[Checkpoint, Checkpoint]:
    """Check two signed checkpoints of the log and that the older tree is a prefix of the newer."""
    old = open_checkpoint(old_note, log_key)
    new = open_checkpoint(new_note, log_key)
    verify_consistency(old.size, new.size, old.root, new.root, proof)
    return old, new
