"""Use cases of the evidence log: append inside a decision's unit of work, checkpoint, prove.

Any decision that must be verifiable later — a repair record, a verdict, a recall decision, a
tier change, an incentive grant — calls ``append`` inside the unit of work that stores it, so
the entry commits with the decision or not at all. Personal data goes in only through
``conceal``. See docs/evidence-log.md for the entry format.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aftersales.errors import AftersalesError, ErrorCode, NotFound, Text
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
            Text(
                "the evidence log has no key; run `aftersales ledger keygen` (or start `serve`)",
                "存证日志尚无密钥：请运行 `aftersales ledger keygen`（或启动 `serve`）",
            ),
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
            raise Inconsistent(
                Text(
                    f"the stored nodes do not give the root of size {frontier.size}",
                    f"已存储的节点得不出大小为 {frontier.size} 的树根",
                )
            )
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
        raise NotFound(
            Text(f"no checkpoint of size {size} was published", f"未发布过大小为 {size} 的检查点")
        )
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
            Text(
                f"the latest checkpoint (size {latest.size}) does not open with this key: "
                f"{exc.detail}. The key file does not belong to this log",
                f"最新检查点（大小 {latest.size}）无法用此密钥验证{_reason_zh(exc)}。"
                "该密钥文件不属于此存证日志",
            )
        ) from exc
    if opened.size != latest.size or opened.root != latest.root or latest.size > size:
        raise Inconsistent(
            Text(
                f"the stored checkpoint of size {latest.size} disagrees with the log",
                f"已存储的大小为 {latest.size} 的检查点与存证日志不一致",
            )
        )


def _reason_zh(exc: LedgerError) -> str:
    """Why the note did not open, in Chinese when the check says it in both languages; nothing
    otherwise, rather than English words inside a Chinese sentence."""
    said = exc.extra.get("text")
    return f"：{said.zh}" if isinstance(said, Text) else ""


# ---- reading and proving ------------------------------------------------------------------


def entry(ctx: Context, index: int) -> StoredEntry:
    with ctx.uow(read_only=True) as uow:
        found = uow.ledger.entry(index)
        size = uow.ledger.size() if found is None else 0
    if found is None and size == 0:
        raise NotFound(Text(f"the log has no entry {index}; it is empty", "存证日志中还没有条目"))
    if found is None:
        raise NotFound(
            Text(
                f"the log has no entry {index}; it holds entries 0 to {size - 1}",
                f"存证日志中没有编号为 {index} 的条目：现有条目编号为 0 到 {size - 1}",
            )
        )
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
            Text(
                f"the log has {current} entries; no proof for a tree of size {size}",
                f"存证日志共有 {current} 个条目，无法为大小为 {size} 的树生成证明",
            ),
            size=size,
            tree_size=current,
        )
