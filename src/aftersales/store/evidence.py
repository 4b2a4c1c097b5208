"""Evidence metadata in the database; the bytes live in a content-addressed blob store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select

from aftersales.domain.actors import Actor, Role
from aftersales.store.prepared import Prepared
from aftersales.store.tables import evidence

__all__ = ["EvidenceRecord", "EvidenceRepository"]

# Built once: every decision written to the evidence log lists its case's files, and building
# the statement cost more than running it; run straight on the driver (store/prepared.py).
_FOR_CASE = Prepared(
    select(evidence)
    .where(evidence.c.case_id == bindparam("case_id"))
    .order_by(evidence.c.created_at)
)


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    id: str
    case_id: str
    sha256: str
    content_type: str
    size: int
    filename: str
    uploaded_by: Actor
    created_at: datetime


class EvidenceRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, record: EvidenceRecord) -> None:
        self._conn.execute(
            insert(evidence).values(
                id=record.id,
                case_id=record.case_id,
                sha256=record.sha256,
                content_type=record.content_type,
                size=record.size,
                filename=record.filename,
                uploaded_by_role=record.uploaded_by.role.value,
                uploaded_by_id=record.uploaded_by.subject,
                created_at=record.created_at,
            )
        )

    def for_case(self, case_id: str) -> list[EvidenceRecord]:
        rows = _FOR_CASE.all(self._conn, {"case_id": case_id})
        return [
            EvidenceRecord(
                r.id,
                r.case_id,
                r.sha256,
                r.content_type,
                r.size,
                r.filename,
                Actor(Role(r.uploaded_by_role), r.uploaded_by_id),
                r.created_at,
            )
            for r in rows
        ]
