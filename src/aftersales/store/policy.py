"""Policy activations: which pack every server process should be deciding with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from aftersales.store.tables import policy_activations

__all__ = ["Activation", "PolicyActivationRepository"]

_LATEST = select(policy_activations).order_by(policy_activations.c.id.desc()).limit(1)
_INSERT = insert(policy_activations)


@dataclass(frozen=True, slots=True)
class Activation:
    id: int
    version: str
    name: str
    path: str
    digest: str
    activated_at: datetime
    activated_by: str


class PolicyActivationRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def latest(self) -> Activation | None:
        row = self._conn.execute(_LATEST).mappings().one_or_none()
        return Activation(**row) if row else None

    def add(self, *, version: str, name: str, path: str, digest: str, at: datetime, by: str) -> int:
        result = self._conn.execute(
            _INSERT,
            {
                "version": version,
                "name": name,
                "path": path,
                "digest": digest,
                "activated_at": at,
                "activated_by": by,
            },
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])
