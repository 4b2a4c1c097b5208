"""The evidence log's secrets, kept in files beside each other and never in the database.

Two files, both written once with mode 0600 in a 0700 directory:

* the Ed25519 signer key in the signed-note ``PRIVATE+KEY+…`` format, whose name is the log's
  origin: it signs checkpoints;
* the personal-data salt (32 random bytes, hex): it keys the commitments that stand in for
  consumer ids and free text in log entries.

Neither is ever printed, logged or returned by the API; the public verifier key is derived.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from aftersales.errors import AftersalesError, ErrorCode, Text
from aftersales.ledger import FormatError, Signer, Verifier

__all__ = ["LedgerKeys", "generate_keys", "load_keys"]

_SALT_BYTES = 32


@dataclass(frozen=True)
class LedgerKeys:
    """The log's signer and salt; ``repr`` shows neither."""

    signer: Signer
    salt: bytes = field(repr=False)

    @property
    def verifier(self) -> Verifier:
        return self.signer.verifier()


def generate_keys(key_file: Path, salt_file: Path, origin: str) -> LedgerKeys:
    """Create a fresh key and salt; refuse if either file exists (it belongs to a log)."""
    for path in (key_file, salt_file):
        if path.exists():
            raise AftersalesError(
                Text(
                    f"{path} already exists; a log keeps its key for life. Move it away only to "
                    "start a new log under a new origin",
                    f"{path} 已存在；存证日志终生使用同一密钥。只有要以新的 origin 开启新日志时，"
                    "才可将其移走",
                ),
                code=ErrorCode.LEDGER_KEY_EXISTS,
            )
    signer = Signer.generate(origin)
    salt = secrets.token_bytes(_SALT_BYTES)
    _write_secret(salt_file, salt.hex() + "\n")
    _write_secret(key_file, signer.skey() + "\n")
    return LedgerKeys(signer, salt)


def load_keys(key_file: Path, salt_file: Path, origin: str) -> LedgerKeys | None:
    """Read the key and salt; None when neither exists, an error when only one does."""
    present = [p.exists() for p in (key_file, salt_file)]
    if not any(present):
        return None
    if not all(present):
        missing = key_file if not present[0] else salt_file
        raise AftersalesError(
            Text(
                f"{missing} is missing but its partner exists: restore both files together",
                f"缺少 {missing}，但与之配对的文件仍在：请将两个文件一并恢复",
            ),
            code=ErrorCode.LEDGER_NO_KEY,
        )
    try:
        signer = Signer.from_skey(key_file.read_text(encoding="utf-8").strip())
        salt = bytes.fromhex(salt_file.read_text(encoding="utf-8").strip())
    except (FormatError, ValueError) as exc:
        # The detail of a parse error could quote the secret: name the file only.
        raise AftersalesError(
            Text(
                f"{key_file} or {salt_file} is not a valid evidence-log key file",
                f"{key_file} 或 {salt_file} 不是有效的存证日志密钥文件",
            ),
            code=ErrorCode.LEDGER_NO_KEY,
        ) from exc
    if signer.name != origin:
        raise AftersalesError(
            Text(
                f"the key in {key_file} signs for origin {signer.name!r}, but the log's origin is "
                f"set to {origin!r}",
                f"{key_file} 中的密钥签署的 origin 是 {signer.name!r}，而日志的 origin 设置为"
                f" {origin!r}",
            ),
            code=ErrorCode.LEDGER_NO_KEY,
        )
    if len(salt) < 16:
        raise AftersalesError(
            Text(f"the salt in {salt_file} is too short", f"{salt_file} 中的盐值太短"),
            code=ErrorCode.LEDGER_NO_KEY,
        )
    return LedgerKeys(signer, salt)


def _write_secret(path: Path, text: str) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # O_EXCL: never overwrite, and the mode applies from the first byte (no chmod window).
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
