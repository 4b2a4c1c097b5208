"""Use cases of the evidence log: append inside a decision's unit of work, checkpoint, prove.

Any decision that must be verifiable later — a repair record, a verdict, a recall decision, a
tier change, an incentive grant — calls ``append`` inside the unit of work that stores it, so
the entry commits with the decision or not at all. Personal data goes in only through
``conceal``. See docs/evidence-log.md for the entry format.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aftersales.errors import AftersalesError, ErrorCode, NotFound
from aftersales.ledger import (
    Checkpoint,
    Inconsistent,
    LedgerError,
    OutOfRange,
    Verifier,
    consistency_proof,
    entry_body,
    inclusion_proof,
    open_checkpoint,
    sign_checkpoint,
)
from aftersales.ledger import conceal as _conceal
from aftersales.services.context import Context
from aftersales.store.ledger import NewEntry, StoredCheckpoint, StoredEntry
from aftersales.store.ledger_keys import LedgerKeys
from aftersales.store.uow import UnitOfWork

__all__ = [
    "Draft",
    "append",
    "append_many",
    "checkpoint",
    "checkpoint_at",
    "checkpoints",
    "conceal",
    "consistency",
    "entry",
    "inclusion",
    "keys",
    "latest_checkpoint",
    "public_key",
]


@dataclass(frozen=True, slots=True)
class Draft:
    """One entry to log: what kind of decision, about what, when, and the record itself."""

    kind: str
    subject: str  # a typed reference such as "case:cs_…" or "merchant:m1"
    record: Mapping[str, Any]
    at: datetime


def append(
    uow: UnitOfWork, kind: str, subject: str, record: Mapping[str, Any], *, at: datetime
) -> int:
    """Log one record in the caller's unit of work; return its index (final once committed)."""
    return append_many(uow, [Draft(kind, subject, record, at)])[0]


def append_many(uow: UnitOfWork, drafts: Sequence[Draft]) -> list[int]:
    """Log several records, in order, in the caller's unit of work; return their indices.

    The log's state row stays locked until the unit of work ends: append last, just before
    the commit, so other decisions wait on it as briefly as possible."""
    entries = [
        NewEntry(entry_body(d.kind, d.subject, d.at, d.record), d.kind, d.subject, d.at)
        for d in drafts
    ]
    return uow.ledger.append(entries)


def keys(ctx: Context) -> LedgerKeys:
    """The log's key and salt, or a clear error when this installation has none."""
    if ctx.ledger is None:
        raise AftersalesError(
            "the evidence log has no key; run `aftersales ledger keygen` (or start `serve`)",
            code=ErrorCode.LEDGER_NO_KEY,
        )
    return ctx.ledger


def conceal(ctx: Context, value: str) -> str:
    """A salted commitment to a piece of personal data, for use inside a record."""
    return _conceal(keys(ctx).salt, value)


def public_key(ctx: Context) -> Verifier:
    """The log's public verifier key, which checks every checkpoint it signs."""
    return keys(ctx).verifier


# ---- checkpoints --------------------------------------------------------------------------


def checkpoint(ctx: Context) -> StoredCheckpoint:
    """Sign and store a checkpoint of the whole log, unless the latest one already covers it."""
    signer = keys(ctx).signer
    with ctx.uow() as uow:
        # Holding the state lock, no entry can land between reading the root and storing it.
        frontier = uow.ledger.lock()
        latest = uow.ledger.latest_checkpoint()
        if latest is not None:
            _check_ours(latest, signer.verifier(), frontier.size)
            if latest.size == frontier.size:
                return latest
        root = frontier.root()
        # The frontier and the stored nodes must tell the same story before we sign it.
        if uow.ledger.root(frontier.size) != root:
            raise Inconsistent(f"the stored nodes do not give the root of size {frontier.size}")
        note = sign_checkpoint(Checkpoint(signer.name, frontier.size, root), signer)
        stored = StoredCheckpoint(frontier.size, root, note, ctx.clock.now())
        uow.ledger.add_checkpoint(stored)
        uow.commit()
    return stored


def latest_checkpoint(ctx: Context) -> StoredCheckpoint:
    """The latest stored checkpoint; the first one is signed on demand."""
    with ctx.uow(read_only=True) as uow:
        latest = uow.ledger.latest_checkpoint()
    return latest or checkpoint(ctx)


def checkpoint_at(ctx: Context, size: int) -> StoredCheckpoint:
    with ctx.uow(read_only=True) as uow:
        found = uow.ledger.checkpoint(size)
    if found is None:
        raise NotFound(f"no checkpoint of size {size} was published")
    return found


def checkpoints(ctx: Context, after: int = -1, limit: int = 100) -> list[StoredCheckpoint]:
    """Published checkpoints by size, those above ``after``."""
    with ctx.uow(read_only=True) as uow:
        return uow.ledger.checkpoints(after, limit)


def _check_ours(latest: StoredCheckpoint, verifier: Verifier, size: int) -> None:
    try:
        opened = open_checkpoint(latest.note, verifier)
    except LedgerError as exc:
        raise Inconsistent(
            f"the latest checkpoint (size {latest.size}) does not open with this key: "
            f"{exc.detail}. The key file does not belong to this log"
        ) from exc
    if opened.size != latest.size or opened.root != latest.root or latest.size > size:
        raise Inconsistent(f"the stored checkpoint of size {latest.size} disagrees with the log")


# ---- reading and proving ------------------------------------------------------------------


def entry(ctx: Context, index: int) -> StoredEntry:
    with ctx.uow(read_only=True) as uow:
        found = uow.ledger.entry(index)
        size = uow.ledger.size() if found is None else 0
    if found is None:
        raise NotFound(f"the log has no entry {index}; it holds entries 0 to {size - 1}")
    return found


def inclusion(ctx: Context, index: int, size: int) -> list[bytes]:
    """The RFC 9162 inclusion proof of entry ``index`` in the tree of the first ``size``."""
    with ctx.uow(read_only=True) as uow:
        _within(uow, size)
        return uow.ledger.prove(lambda source: inclusion_proof(index, size, source))


def consistency(ctx: Context, old: int, new: int) -> list[bytes]:
    """The RFC 9162 consistency proof from the tree of ``old`` entries to that of ``new``."""
    with ctx.uow(read_only=True) as uow:
        _within(uow, new)
        return uow.ledger.prove(lambda source: consistency_proof(old, new, source))


def _within(uow: UnitOfWork, size: int) -> None:
    current = uow.ledger.size()
    if size > current:
        raise OutOfRange(
            f"the log has {current} entries; no proof for a tree of size {size}",
            size=size,
            tree_size=current,
        )
