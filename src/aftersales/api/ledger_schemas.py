"""Response bodies of the evidence-log API. Hashes and entry bytes are standard base64, as in
checkpoints and in Go's ``encoding/json``; ``record`` is the entry parsed, for reading only —
verify against ``entry``, the exact bytes that were hashed."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from aftersales.services.receipts import Receipt
from aftersales.store.ledger import StoredCheckpoint, StoredEntry

__all__ = [
    "CheckpointPublic",
    "CheckpointsPublic",
    "ConsistencyProofPublic",
    "EntryPublic",
    "InclusionProofPublic",
    "ReceiptPublic",
]


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


class EntryPublic(BaseModel):
    index: int
    kind: str
    subject: str
    created_at: datetime
    leaf_hash: str = Field(description="base64 SHA-256(0x00 || entry)")
    entry: str = Field(description="base64 of the exact canonical JSON bytes that were logged")
    record: dict[str, Any] = Field(description="the entry parsed, for reading only")

    @classmethod
    def of(cls, e: StoredEntry) -> EntryPublic:
        return cls(
            index=e.index,
            kind=e.kind,
            subject=e.subject,
            created_at=e.created_at,
            leaf_hash=b64(e.leaf_hash),
            entry=b64(e.body),
            record=json.loads(e.body),
        )


class InclusionProofPublic(BaseModel):
    index: int
    size: int
    proof: list[str] = Field(description="RFC 9162 audit path, base64 hashes, leaf to root")

    @classmethod
    def of(cls, index: int, size: int, proof: Sequence[bytes]) -> InclusionProofPublic:
        return cls(index=index, size=size, proof=[b64(h) for h in proof])


class ConsistencyProofPublic(BaseModel):
    old: int
    new: int
    proof: list[str] = Field(description="RFC 9162 consistency proof, base64 hashes")

    @classmethod
    def of(cls, old: int, new: int, proof: Sequence[bytes]) -> ConsistencyProofPublic:
        return cls(old=old, new=new, proof=[b64(h) for h in proof])


class CheckpointPublic(BaseModel):
    size: int
    root: str
    created_at: datetime
    note: str = Field(description="the signed checkpoint (C2SP signed note), as published")

    @classmethod
    def of(cls, c: StoredCheckpoint) -> CheckpointPublic:
        return cls(size=c.size, root=b64(c.root), created_at=c.created_at, note=c.note)


class CheckpointsPublic(BaseModel):
    items: list[CheckpointPublic]
    next_after: int | None = Field(description="pass as ?after= for the next page, if any")


class ReceiptPublic(BaseModel):
    """Everything needed to check offline that a decision is in the log."""

    index: int
    kind: str
    subject: str
    created_at: datetime
    entry: str = Field(description="base64 of the exact bytes that were logged")
    record: dict[str, Any] = Field(description="the entry parsed, for reading only")
    checkpoint: str = Field(description="a signed checkpoint whose tree includes the entry")
    inclusion_proof: list[str] = Field(description="base64 hashes from the entry to the root")
    tlog_proof: str = Field(description="index, proof and checkpoint as a c2sp.org/tlog-proof")

    @classmethod
    def of(cls, r: Receipt) -> ReceiptPublic:
        e = r.entry
        return cls(
            index=e.index,
            kind=e.kind,
            subject=e.subject,
            created_at=e.created_at,
            entry=b64(e.body),
            record=json.loads(e.body),
            checkpoint=r.checkpoint.note,
            inclusion_proof=[b64(h) for h in r.proof],
            tlog_proof=r.tlog_proof(),
        )
