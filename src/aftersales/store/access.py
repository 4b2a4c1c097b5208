"""Repositories for API tokens (stored as hashes) and idempotency keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from aftersales.domain.actors import Actor, Role
from aftersales.store.tables import api_tokens, idempotency_keys

__all__ = ["IdempotencyRepository", "StoredResponse", "TokenRecord", "TokenRepository"]

# Built once: constructing a statement costs more than running a cached one.
_ACTOR_FOR = select(api_tokens.c.role, api_tokens.c.subject).where(
    api_tokens.c.token_hash == bindparam("token_hash"), api_tokens.c.revoked_at.is_(None)
)


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """What is known of a token besides its secret: enough to find it again and revoke it."""

    id: str
    actor: Actor
    label: str
    created_at: datetime
    revoked_at: datetime | None


class TokenRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, token_id: str, token_hash: str, actor: Actor, label: str, now: datetime) -> None:
        self._conn.execute(
            insert(api_tokens).values(
                id=token_id,
                token_hash=token_hash,
                role=actor.role.value,
                subject=actor.subject,
                label=label,
                created_at=now,
            )
        )

    def actor_for(self, token_hash: str) -> Actor | None:
        row = self._conn.execute(_ACTOR_FOR, {"token_hash": token_hash}).first()
        return None if row is None else Actor(Role(row.role), row.subject)

    def all(self, *, revoked: bool = False) -> list[TokenRecord]:
        """The tokens in force, newest first; with ``revoked``, the revoked ones too."""
        t = api_tokens.c
        query = select(t.id, t.role, t.subject, t.label, t.created_at, t.revoked_at)
        if not revoked:
            query = query.where(t.revoked_at.is_(None))
        rows = self._conn.execute(query.order_by(t.created_at.desc(), t.id))
        return [
            TokenRecord(r.id, Actor(Role(r.role), r.subject), r.label, r.created_at, r.revoked_at)
            for r in rows
        ]

    def revoke(self, token_id: str, now: datetime) -> bool:
        result = self._conn.execute(
            update(api_tokens)
            .where(api_tokens.c.id == token_id, api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return result.rowcount == 1


@dataclass(frozen=True, slots=True)
class StoredResponse:
    request_hash: str
    status_code: int | None  # None while the first request is still being processed
    body: str | None  # the JSON text of the first answer


class IdempotencyRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def reserve(self, principal: str, key: str, request_hash: str, now: datetime) -> bool:
        """Claim the key for a request; False when the key was already claimed."""
        try:
            with self._conn.begin_nested():
                self._conn.execute(
                    insert(idempotency_keys).values(
                        principal=principal, key=key, request_hash=request_hash, created_at=now
                    )
                )
        except IntegrityError:
            return False
        return True

    def find(self, principal: str, key: str) -> StoredResponse | None:
        row = self._conn.execute(
            select(idempotency_keys).where(
                idempotency_keys.c.principal == principal, idempotency_keys.c.key == key
            )
        ).first()
        return (
            None if row is None else StoredResponse(row.request_hash, row.status_code, row.response)
        )

    def complete(self, principal: str, key: str, status_code: int, body: str) -> None:
        self._conn.execute(
            update(idempotency_keys)
            .where(idempotency_keys.c.principal == principal, idempotency_keys.c.key == key)
            .values(status_code=status_code, response=body)
        )

    def release(self, principal: str, key: str) -> None:
        self._conn.execute(
            delete(idempotency_keys).where(
                idempotency_keys.c.principal == principal, idempotency_keys.c.key == key
            )
        )

    def purge_before(self, cutoff: datetime) -> int:
        result = self._conn.execute(
            delete(idempotency_keys).where(idempotency_keys.c.created_at < cutoff)
        )
        return result.rowcount
