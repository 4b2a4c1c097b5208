"""Operators' entries of the knowledge base of first replies, and every revision of them.

Entries are stored as their documents (``triage.knowledge_entry.entry_document``); the use
cases turn them back into checked entries. A change writes the entry's row only at the
revision the writer read, and appends the revision in the same transaction, so of two editors
who read the same revision exactly one succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from aftersales.domain.actors import Actor, Role
from aftersales.store.tables import knowledge_entries as k
from aftersales.store.tables import knowledge_revisions as r

__all__ = ["KnowledgeRepository", "Revision", "StaleRevision", "StoredEntry"]

_COUNT = select(func.count()).select_from(r)
_ALL = select(k).order_by(k.c.created_at, k.c.id)


class StaleRevision(Exception):
    """Someone else wrote the entry since the revision the writer read."""


@dataclass(frozen=True, slots=True)
class StoredEntry:
    id: str
    revision: int
    retired: bool
    content: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    updated_by: Actor


@dataclass(frozen=True, slots=True)
class Revision:
    entry_id: str
    revision: int
    action: str  # created | edited | retired | restored
    content: dict[str, Any]
    at: datetime
    by: Actor


class KnowledgeRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def version(self) -> int:
        """Grows with every revision written: the cheap check of whether the set changed."""
        return int(self._conn.execute(_COUNT).scalar_one())

    def all(self) -> list[StoredEntry]:
        """Every entry operators wrote, retired ones included, oldest first."""
        return [_entry(row) for row in self._conn.execute(_ALL)]

    def get(self, entry_id: str, *, for_update: bool = False) -> StoredEntry | None:
        stmt = select(k).where(k.c.id == entry_id)
        row = self._conn.execute(stmt.with_for_update() if for_update else stmt).one_or_none()
        return None if row is None else _entry(row)

    def history(self, entry_id: str) -> list[Revision]:
        rows = self._conn.execute(select(r).where(r.c.entry_id == entry_id).order_by(r.c.revision))
        return [
            Revision(
                x.entry_id,
                x.revision,
                x.action,
                dict(x.content),
                x.at,
                _actor(x.actor_role, x.actor_id),
            )
            for x in rows
        ]

    def write(self, change: Revision, *, retired: bool, previous: int | None) -> None:
        """Store ``change`` as the entry's current revision and append it to the history.

        ``previous`` is the revision the writer read (None: the entry had no row yet); a row
        moved on meanwhile, or created by someone else first, raises ``StaleRevision``."""
        values = {
            "revision": change.revision,
            "retired": retired,
            "content": change.content,
            "updated_at": change.at,
            "actor_role": change.by.role.value,
            "actor_id": change.by.subject,
        }
        try:
            if previous is None:
                row = values | {"id": change.entry_id, "created_at": change.at}
                self._conn.execute(insert(k), row)
            else:
                where = (k.c.id == change.entry_id) & (k.c.revision == previous)
                if self._conn.execute(update(k).where(where).values(**values)).rowcount != 1:
                    raise StaleRevision(change.entry_id)
            self._conn.execute(insert(r), self._revision_row(change))
        except IntegrityError as exc:  # a first row, or the same revision, written meanwhile
            raise StaleRevision(change.entry_id) from exc

    @staticmethod
    def _revision_row(change: Revision) -> dict[str, Any]:
        return {
            "entry_id": change.entry_id,
            "revision": change.revision,
            "action": change.action,
            "content": change.content,
            "at": change.at,
            "actor_role": change.by.role.value,
            "actor_id": change.by.subject,
        }


def _entry(row: Any) -> StoredEntry:
    return StoredEntry(
        id=row.id,
        revision=row.revision,
        retired=row.retired,
        content=dict(row.content),
        created_at=row.created_at,
        updated_at=row.updated_at,
        updated_by=_actor(row.actor_role, row.actor_id),
    )


def _actor(role: str, subject: str | None) -> Actor:
    return Actor(Role(role), subject)
