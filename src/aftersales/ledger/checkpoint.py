"""C2SP tlog-checkpoints (c2sp.org/tlog-checkpoint): the signed head of the log.

The note text is ``origin\\nsize\\nbase64(root)\\n`` with optional, non-empty extension lines
after it. Parsing is strict so that one tree head has exactly one text: no leading zeros in
the size, canonical base64, a 32-byte root.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from aftersales.ledger.errors import FormatError, SignatureError
from aftersales.ledger.hashing import EMPTY_ROOT, HASH_SIZE
from aftersales.ledger.note import Signer, Verifier, open_note, sign_note

__all__ = ["Checkpoint", "open_checkpoint", "parse_checkpoint", "sign_checkpoint"]

_SIZE = re.compile(r"0|[1-9][0-9]*", re.ASCII)
# Go's tlog and most verifiers hold sizes in a signed 64-bit integer.
_MAX_SIZE = 2**63 - 1


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: which log (origin), how many leaves, and the Merkle root."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_line("origin", self.origin)
        if not 0 <= self.size <= _MAX_SIZE:
            raise FormatError(f"checkpoint size {self.size} is out of range")
        if len(self.root) != HASH_SIZE:
            raise FormatError(f"checkpoint root must be {HASH_SIZE} bytes, got {len(self.root)}")
        if self.size == 0 and self.root != EMPTY_ROOT:
            raise FormatError("an empty tree's root is SHA-256 of the empty string")
        for line in self.extensions:
            _check_line("extension line", line)

    def body(self) -> str:
        """Return the note text of this checkpoint, ending in a newline."""
        root = base64.b64encode(self.root).decode("ascii")
        lines = (self.origin, str(self.size), root, *self.extensions)
        return "".join(f"{line}\n" for line in lines)


def parse_checkpoint(text: str) -> Checkpoint:
    """Parse a checkpoint's note text strictly; raise ``FormatError`` on any deviation."""
    if not text.endswith("\n"):
        raise FormatError("checkpoint text must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise FormatError("checkpoint text needs origin, size and root lines")
    origin, size, root, *extensions = lines
    if not _SIZE.fullmatch(size):
        raise FormatError(f"checkpoint size must be decimal without leading zeros: {size!r}")
    return Checkpoint(origin, int(size), _decode_root(root), tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    """Return the checkpoint as a note signed by the log's key, whose name is the origin."""
    # The spec says the key name SHOULD match the origin; we hold ourselves to it so a
    # verifier that knows only our key also knows which log it speaks for.
    if signer.name != checkpoint.origin:
        raise ValueError(f"key {signer.name!r} cannot sign for origin {checkpoint.origin!r}")
    return sign_note(checkpoint.body(), signer)


def open_checkpoint(note: str | bytes, log_key: Verifier) -> Checkpoint:
    """Verify a signed checkpoint against the log's key and return the tree head."""
    checkpoint = parse_checkpoint(open_note(note, [log_key]).text)
    if checkpoint.origin != log_key.name:
        raise SignatureError(
            f"checkpoint is for origin {checkpoint.origin!r}, but {log_key.name!r} signed it"
        )
    return checkpoint


def _decode_root(encoded: str) -> bytes:
    try:
        root = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise FormatError(f"checkpoint root is not valid base64: {encoded!r}") from exc
    # Reject a second spelling of the same bytes (stray padding bits).
    if base64.b64encode(root).decode("ascii") != encoded:
        raise FormatError(f"checkpoint root is not canonical base64: {encoded!r}")
    return root


def _check_line(what: str, line: str) -> None:
    if not line:
        raise FormatError(f"checkpoint {what} must not be empty")
    if any(ch < " " for ch in line):
        raise FormatError(f"checkpoint {what} must be one line without control characters")
