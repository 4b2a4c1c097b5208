"""The units of recall campaigns: found by one INSERT … SELECT, notified through the outbox.

A batch recall reads the affected lines through the index on ``order_lines.batch_id`` (a product
recall through ``order_lines.product_id``) and each line's order by its key. Neither the units
nor the notifications (one per consumer, listing that consumer's lines) pass through Python.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, String, and_, cast, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import JSONB

from aftersales.domain.snapshot import encode
from aftersales.errors import Conflict, Text
from aftersales.recall import RecallUnit, Remedy, Scope, UnitChange, UnitState, day_bounds
from aftersales.store.tables import (
    UtcDateTime,
    batches,
    order_lines,
    orders,
    outbox,
    recall_unit_events,
    recall_units,
)

__all__ = ["NOTIFICATION", "Notification", "RecallUnitRepository"]

NOTIFICATION = "recall.notification"  # the outbox topic of a consumer's recall notice

Notification = dict[str, Any]  # the fixed part of every consumer's message of one recall

_FILLED_AT_LAUNCH = [
    "recall_id",
    "order_line_id",
    "order_id",
    "consumer_id",
    "merchant_id",
    "region",
    "quantity",
    "state",
    "notified_at",
]


class RecallUnitRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # ---- the campaign --------------------------------------------------------------------

    def create_units(self, recall_id: str, product_id: str, scope: Scope, at: datetime) -> None:
        """One unit, notified now, for every order line the scope covers."""
        affected = _affected_lines(recall_id, product_id, scope, at)
        self._conn.execute(insert(recall_units).from_select(_FILLED_AT_LAUNCH, affected))

    def totals(self, recall_id: str) -> tuple[int, int, int]:
        """Units, pieces and distinct consumers of a campaign."""
        u = recall_units.c
        row = self._conn.execute(
            select(
                func.count(),
                func.coalesce(func.sum(u.quantity), 0),
                func.count(u.consumer_id.distinct()),
            ).where(u.recall_id == recall_id)
        ).one()
        return int(row[0]), int(row[1]), int(row[2])

    def queue_notifications(self, recall_id: str, message: Notification, at: datetime) -> int:
        """One outbox message per affected consumer, listing their units; returns how many.

        Built by the database in one INSERT … SELECT … GROUP BY: a row at a time through
        Python cost 40 µs a message, 4 s for a 100k-unit batch (docs/benchmarks.md)."""
        u = recall_units.c
        payload = _payload(self._conn.dialect.name, json.dumps(message, ensure_ascii=False))
        notices = (
            select(literal(NOTIFICATION, String), u.consumer_id, payload, literal(at, UtcDateTime))
            .where(u.recall_id == recall_id)
            .group_by(u.consumer_id)
        )
        columns = ["topic", "key", "payload", "created_at"]
        result = self._conn.execute(insert(outbox).from_select(columns, notices))
        return int(result.rowcount)

    # ---- one unit ------------------------------------------------------------------------

    def get(
        self, recall_id: str, order_line_id: str, *, for_update: bool = False
    ) -> RecallUnit | None:
        stmt = select(recall_units).where(
            recall_units.c.recall_id == recall_id, recall_units.c.order_line_id == order_line_id
        )
        row = self._conn.execute(stmt.with_for_update() if for_update else stmt).first()
        return None if row is None else _unit(row)

    def save(self, unit: RecallUnit, change: UnitChange, previous: UnitState) -> None:
        """Store the unit's step, its event and an outbox message for the merchant."""
        u = recall_units.c
        result = self._conn.execute(
            update(recall_units)
            .where(
                u.recall_id == unit.recall_id,
                u.order_line_id == unit.order_line_id,
                u.state == previous.value,
            )
            .values(
                state=unit.state.value,
                remedy=None if unit.remedy is None else unit.remedy.value,
                responded_at=unit.responded_at,
                remedied_at=unit.remedied_at,
            )
        )
        if result.rowcount != 1:
            raise Conflict(
                Text(
                    "the unit was changed by someone else at the same time; try again",
                    "该召回商品的记录刚被他人同时修改，请重试",
                )
            )
        self._conn.execute(insert(recall_unit_events).values(**_change_row(change)))
        self._conn.execute(insert(outbox).values(**_change_message(unit, change)))

    def changes(self, recall_id: str, order_line_id: str) -> list[dict[str, Any]]:
        e = recall_unit_events.c
        rows = self._conn.execute(
            select(e.kind, e.at, e.actor_role, e.actor_id, e.remedy, e.note)
            .where(e.recall_id == recall_id, e.order_line_id == order_line_id)
            .order_by(e.id)
        )
        return [dict(row._mapping) for row in rows]

    # ---- reading -------------------------------------------------------------------------

    def count_by_state(self, recall_id: str) -> dict[UnitState, int]:
        return self.counts_by_state([recall_id]).get(recall_id, {})

    def counts_by_state(self, recall_ids: Sequence[str]) -> dict[str, dict[UnitState, int]]:
        """Units per state of each recall, in one statement (on the key's leading column)."""
        if not recall_ids:
            return {}
        u = recall_units.c
        rows = self._conn.execute(
            select(u.recall_id, u.state, func.count())
            .where(u.recall_id.in_(list(recall_ids)))
            .group_by(u.recall_id, u.state)
        )
        counts: dict[str, dict[UnitState, int]] = {}
        for recall_id, state, n in rows:
            counts.setdefault(recall_id, {})[UnitState(state)] = n
        return counts

    def step_times(self, recall_id: str) -> tuple[list[datetime], list[datetime]]:
        """When each unit was first answered, and when each was remedied."""
        u = recall_units.c
        rows = self._conn.execute(
            select(u.responded_at, u.remedied_at).where(
                u.recall_id == recall_id, u.state != UnitState.NOTIFIED.value
            )
        ).all()
        responded = [r.responded_at or r.remedied_at for r in rows]
        remedied = [r.remedied_at for r in rows if r.remedied_at is not None]
        return responded, remedied

    def of_consumer(self, consumer_id: str, recall_ids: Sequence[str]) -> list[RecallUnit]:
        """The consumer's units in these recalls (their own lines, nobody else's)."""
        if not recall_ids:
            return []
        u = recall_units.c
        rows = self._conn.execute(
            select(recall_units)
            .where(u.consumer_id == consumer_id, u.recall_id.in_(list(recall_ids)))
            .order_by(u.recall_id, u.order_line_id)
        )
        return [_unit(r) for r in rows]


def _affected_lines(recall_id: str, product_id: str, scope: Scope, at: datetime) -> Any:
    """SELECT the unit rows of every order line the scope covers."""
    line, order = order_lines.c, orders.c
    source = order_lines.join(orders, orders.c.id == line.order_id)
    where: list[Any] = [line.product_id == product_id]
    if scope.batch_ids:
        where.append(line.batch_id.in_(list(scope.batch_ids)))
    if scope.by_production:
        source = source.join(batches, batches.c.id == line.batch_id)
        where += _between(
            batches.c.produced_on, *day_bounds(scope.produced_from, scope.produced_to)
        )
    if scope.delivered_from or scope.delivered_to:
        delivered = func.coalesce(order.delivered_at, order.placed_at)
        where += _between(delivered, *day_bounds(scope.delivered_from, scope.delivered_to))
    if scope.regions:
        where.append(order.region.in_(list(scope.regions)))
    return (
        select(
            literal(recall_id, String),
            line.id,
            order.id,
            order.consumer_id,
            order.merchant_id,
            order.region,
            line.quantity,
            literal(UnitState.NOTIFIED.value, String),
            literal(at, UtcDateTime),
        )
        .select_from(source)
        .where(and_(*where))
    )


def _between(column: Any, start: datetime | None, end: datetime | None) -> list[Any]:
    found = []
    if start is not None:
        found.append(column >= start)
    if end is not None:
        found.append(column < end)
    return found


def _payload(dialect: str, message: str) -> Any:
    """The fixed message merged with ``consumer_id`` and ``units`` (their lines), per consumer.

    Each database spells JSON its own way; both give the same document."""
    u = recall_units.c
    if dialect == "postgresql":
        unit = func.jsonb_build_object("order_line_id", u.order_line_id, "order_id", u.order_id)
        mine = func.jsonb_build_object("consumer_id", u.consumer_id, "units", func.jsonb_agg(unit))
        return cast(literal(message, String), JSONB).op("||", return_type=JSONB)(mine)
    unit = func.json_object("order_line_id", u.order_line_id, "order_id", u.order_id)
    mine = func.json_object("consumer_id", u.consumer_id, "units", func.json_group_array(unit))
    return func.json_patch(literal(message, String), mine)


def _unit(row: Any) -> RecallUnit:
    return RecallUnit(
        recall_id=row.recall_id,
        order_line_id=row.order_line_id,
        order_id=row.order_id,
        consumer_id=row.consumer_id,
        merchant_id=row.merchant_id,
        region=row.region,
        quantity=row.quantity,
        state=UnitState(row.state),
        notified_at=row.notified_at,
        remedy=None if row.remedy is None else Remedy(row.remedy),
        responded_at=row.responded_at,
        remedied_at=row.remedied_at,
    )


def _change_row(change: UnitChange) -> dict[str, Any]:
    return {
        "recall_id": change.recall_id,
        "order_line_id": change.order_line_id,
        "kind": change.kind,
        "at": change.at,
        "actor_role": change.actor.role.value,
        "actor_id": change.actor.subject,
        "remedy": change.remedy.value,
        "note": change.note,
    }


def _change_message(unit: RecallUnit, change: UnitChange) -> dict[str, Any]:
    payload = {
        "recall_id": unit.recall_id,
        "order_line_id": unit.order_line_id,
        "order_id": unit.order_id,
        "merchant_id": unit.merchant_id,
        "kind": change.kind,
        "remedy": change.remedy.value,
        "unit_state": unit.state.value,
        "actor": {"role": change.actor.role.value, "id": change.actor.subject},
        "at": encode(change.at),
    }
    return {
        "topic": f"recall.unit_{change.kind}",
        "key": unit.recall_id,
        "payload": payload,
        "created_at": change.at,
    }
