"""Idempotency-Key for creating requests: replay the first answer, refuse a changed body."""

from __future__ import annotations

from datetime import timedelta

from aftersales.errors import AftersalesError, ErrorCode, Text
from aftersales.services.context import Context

__all__ = ["claim", "finish", "forget", "purge_expired"]


def claim(ctx: Context, principal: str, key: str, request_hash: str) -> tuple[int, str] | None:
    """Claim a key. None: go ahead. Otherwise the stored (status, body) to send again."""
    with ctx.uow() as uow:
        if uow.idempotency.reserve(principal, key, request_hash, ctx.clock.now()):
            uow.commit()
            return None
        stored = uow.idempotency.find(principal, key)
    if stored is None:  # released between our insert and our read: treat as in use
        stored_hash, status = request_hash, None
    else:
        stored_hash, status = stored.request_hash, stored.status_code
    if stored_hash != request_hash:
        raise AftersalesError(
            Text(
                "this Idempotency-Key was already used with a different request",
                "该 Idempotency-Key 已用于另一个内容不同的请求",
            ),
            code=ErrorCode.IDEMPOTENCY_KEY_REUSED,
        )
    if status is None or stored is None or stored.body is None:
        raise AftersalesError(
            Text(
                "a request with this Idempotency-Key is still being processed",
                "使用该 Idempotency-Key 的请求仍在处理中",
            ),
            code=ErrorCode.IDEMPOTENCY_KEY_IN_USE,
        )
    return status, stored.body


def finish(ctx: Context, principal: str, key: str, status: int, body: str) -> None:
    with ctx.uow() as uow:
        uow.idempotency.complete(principal, key, status, body)
        uow.commit()


def forget(ctx: Context, principal: str, key: str) -> None:
    """Release a claimed key after a failure the client should be able to retry."""
    with ctx.uow() as uow:
        uow.idempotency.release(principal, key)
        uow.commit()


def purge_expired(ctx: Context) -> int:
    cutoff = ctx.clock.now() - timedelta(hours=ctx.idempotency_ttl_hours)
    with ctx.uow() as uow:
        purged = uow.idempotency.purge_before(cutoff)
        uow.commit()
    return purged
