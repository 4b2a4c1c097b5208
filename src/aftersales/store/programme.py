"""Programme repository: enrolments in the quality-merchant programme, one in force per merchant
and cycle, and the owners of the products a pool names."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from aftersales.exposure import Enrolment, Mode
from aftersales.scoring.texts import Text
from aftersales.store.tables import merchants, products, programme_enrolments

__all__ = ["ProgrammeRepository", "StoredEnrolment"]


@dataclass(frozen=True, slots=True)
class StoredEnrolment:
    """An enrolment as kept: the programme's value, its cycle, and how it ended (if it has)."""

    id: str
    enrolment: Enrolment
    cycle_start: datetime
    cycle_end: datetime
    tier: str  # the tier in force when the merchant enrolled
    ended_at: datetime | None = None
    end_reason: Text | None = None

    @property
    def merchant_id(self) -> str:
        return self.enrolment.merchant_id


class ProgrammeRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def lock_merchant(self, merchant_id: str) -> bool:
        """Lock the merchant's row (False: no such merchant). Enrolments of one merchant take
        this lock first, so two at once on PostgreSQL end and replace one another in turn."""
        stmt = select(merchants.c.id).where(merchants.c.id == merchant_id).with_for_update()
        return self._conn.execute(stmt).scalar_one_or_none() is not None

    def owners(self, product_ids: Iterable[str]) -> dict[str, str]:
        """The merchant of each named product the catalogue knows."""
        ids = sorted(set(product_ids))
        if not ids:
            return {}
        rows = self._conn.execute(
            select(products.c.id, products.c.merchant_id).where(products.c.id.in_(ids))
        )
        return {r.id: r.merchant_id for r in rows}

    def add(self, stored: StoredEnrolment) -> None:
        e = stored.enrolment
        self._conn.execute(
            insert(programme_enrolments).values(
                id=stored.id,
                merchant_id=e.merchant_id,
                cycle_id=e.cycle_id,
                cycle_start=stored.cycle_start,
                cycle_end=stored.cycle_end,
                mode=e.mode.value,
                product_ids=sorted(e.product_ids),
                tier=stored.tier,
                created_at=e.at,
            )
        )

    def end(self, enrolment_id: str, at: datetime, reason: Text) -> None:
        p = programme_enrolments.c
        self._conn.execute(
            update(programme_enrolments)
            .where(p.id == enrolment_id, p.ended_at.is_(None))
            .values(ended_at=at, end_reason_en=reason.en, end_reason_zh=reason.zh)
        )

    def in_force(self, merchant_id: str, cycle_id: str) -> StoredEnrolment | None:
        p = programme_enrolments.c
        row = self._conn.execute(
            select(programme_enrolments).where(
                p.merchant_id == merchant_id, p.cycle_id == cycle_id, p.ended_at.is_(None)
            )
        ).one_or_none()
        return None if row is None else _stored(row)

    def in_force_for_cycle(self, cycle_id: str) -> list[StoredEnrolment]:
        p = programme_enrolments.c
        rows = self._conn.execute(
            select(programme_enrolments)
            .where(p.cycle_id == cycle_id, p.ended_at.is_(None))
            .order_by(p.merchant_id)
        )
        return [_stored(r) for r in rows]

    def by_ids(self, ids: Iterable[str]) -> dict[str, StoredEnrolment]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = self._conn.execute(
            select(programme_enrolments).where(programme_enrolments.c.id.in_(wanted))
        )
        return {r.id: _stored(r) for r in rows}

    def latest(self, merchant_id: str, limit: int = 5) -> list[StoredEnrolment]:
        """The merchant's most recent enrolments, newest first (in force or ended)."""
        p = programme_enrolments.c
        rows = self._conn.execute(
            select(programme_enrolments)
            .where(p.merchant_id == merchant_id)
            .order_by(p.created_at.desc(), p.id.desc())
            .limit(limit)
        )
        return [_stored(r) for r in rows]


def _stored(row: Any) -> StoredEnrolment:
    enrolment = Enrolment(
        row.merchant_id, row.cycle_id, Mode(row.mode), frozenset(row.product_ids), row.created_at
    )
    reason = None
    if row.end_reason_en is not None:
        reason = Text(row.end_reason_en, row.end_reason_zh or "")
    return StoredEnrolment(
        row.id, enrolment, row.cycle_start, row.cycle_end, row.tier, row.ended_at, reason
    )
