"""The bytes of a log entry: one canonical JSON text per record, and salted personal data.

Canonical form (the rule a verifier re-implements, so it is kept small):

* UTF-8 JSON with object keys sorted by code point, no insignificant whitespace, non-ASCII
  characters as themselves (``json.dumps(sort_keys=True, separators=(",", ":"),
  ensure_ascii=False)``);
* values are objects with string keys, arrays, strings, integers, booleans and null only — no
  floats, so no number has two spellings (money is an integer of minor units plus a currency);
* times are strings, RFC 3339 in UTC with a ``Z``.

The log hashes and keeps these exact bytes; a verifier hashes the bytes it was given and never
re-encodes a parsed record (re-encoding is the classic way to break a proof).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from aftersales.ledger.errors import FormatError

__all__ = ["ENTRY_VERSION", "MAX_ENTRY_BYTES", "canonical_json", "conceal", "entry_body", "utc"]

ENTRY_VERSION = 1
# tlog-tiles bundles carry each entry behind a 16-bit length: keep every entry servable as tiles.
MAX_ENTRY_BYTES = 65_535


def canonical_json(value: Any) -> bytes:
    """Return the canonical JSON bytes of ``value``; refuse floats and non-string keys."""
    _check(value, "record")
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    try:
        return text.encode()
    except UnicodeEncodeError as exc:  # a lone surrogate has no UTF-8 form
        raise FormatError("a log entry must be valid UTF-8") from exc


def entry_body(kind: str, subject: str, at: datetime, record: Mapping[str, Any]) -> bytes:
    """Return the bytes of one entry: the record inside a small, versioned envelope."""
    body = canonical_json(
        {"v": ENTRY_VERSION, "kind": kind, "subject": subject, "at": utc(at), "record": record}
    )
    if len(body) > MAX_ENTRY_BYTES:
        raise FormatError(f"a log entry is at most {MAX_ENTRY_BYTES} bytes, this one {len(body)}")
    return body


def conceal(salt: bytes, value: str) -> str:
    """Return a salted commitment to personal data: hex HMAC-SHA256 keyed by the log's salt.

    Without the salt nobody can test a guess (a phone number, a consumer id) against the log;
    with it the platform can show which entries concern a person, and erasing the person's row
    elsewhere leaves only an unlinkable hash here.
    """
    if len(salt) < 16:
        raise ValueError("the personal-data salt must be at least 16 bytes")
    return hmac.new(salt, value.encode(), hashlib.sha256).hexdigest()


def utc(at: datetime) -> str:
    """Return an aware time as RFC 3339 in UTC with a ``Z``."""
    if at.tzinfo is None:
        raise ValueError("log entries take aware datetimes only")
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _check(value: Any, where: str) -> None:
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        raise FormatError(f"{where} is a float; log integers (minor units) or strings instead")
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check(item, f"{where}[{i}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise FormatError(f"{where} has a key that is not a string: {key!r}")
            _check(item, f"{where}.{key}")
        return
    raise FormatError(f"{where} is a {type(value).__name__}, which has no canonical JSON form")
