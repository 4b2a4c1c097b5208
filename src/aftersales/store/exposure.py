"""Exposure repository: decisions with their reasons, the pacer's shared counters, what the last
recording refresh saw per merchant, the one state row, and the holds a ranking must respect."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from aftersales.exposure import ExposureEvent
from aftersales.recall import Hold
from aftersales.scoring.texts import Text
from aftersales.store.tables import (
    exposure_counters,
    exposure_events,
    exposure_state,
    programme_standings,
    stop_sale_holds,
)

__all__ = [
    "CountDelta",
    "Counts",
    "EventQuery",
    "ExposureRepository",
    "ExposureState",
    "Standing",
    "StoredEvent",
    "dialect_insert",
    "merchant_of",
]

Counts = tuple[int, int, int]  # delivered, merit, reach
_STATE_ID = 1


def dialect_insert(conn: Connection, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that can say ON CONFLICT on this connection's database."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def merchant_of(event: ExposureEvent) -> str:
    """The merchant an event concerns: named by its subject, or in its data."""
    if event.subject.startswith("merchant:"):
        return event.subject.removeprefix("merchant:")
    return str(event.data.get("merchant_id", ""))


@dataclass(frozen=True, slots=True)
class StoredEvent:
    id: int
    kind: str
    subject: str
    merchant_id: str
    reason: Text
    data: Mapping[str, Any]
    at: datetime


@dataclass(frozen=True, slots=True)
class EventQuery:
    kinds: Sequence[str] = ()
    subject: str | None = None
    merchant_id: str | None = None
    before: int | None = None  # an event id: older events only (the next page)
    limit: int = 50


@dataclass(frozen=True, slots=True)
class CountDelta:
    """What one process counted for a target since its last sync."""

    key: str
    start: datetime
    end: datetime
    counts: Counts


@dataclass(frozen=True, slots=True)
class Standing:
    tier: str
    enrolment_id: str | None


@dataclass(frozen=True, slots=True)
class ExposureState:
    cycle_id: str | None
    cycle_start: datetime | None
    cycle_end: datetime | None
    refreshed_at: datetime | None
    ladder_day: date | None


class ExposureRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # ---- events --------------------------------------------------------------------------

    def add_events(self, events: Iterable[ExposureEvent]) -> None:
        rows = [_event_row(e, None) for e in events]
        if rows:
            self._conn.execute(insert(exposure_events), rows)

    def add_once(self, events: Iterable[tuple[ExposureEvent, str]]) -> tuple[ExposureEvent, ...]:
        """Add events under a key each, skipping those whose key is stored; returns the added."""
        stmt = dialect_insert(self._conn, exposure_events).on_conflict_do_nothing(
            index_elements=["dedupe"]
        )
        return tuple(
            e for e, key in events if self._conn.execute(stmt, _event_row(e, key)).rowcount
        )

    def events(self, query: EventQuery) -> list[StoredEvent]:
        e = exposure_events.c
        stmt = select(exposure_events)
        if query.kinds:
            stmt = stmt.where(e.kind.in_(list(query.kinds)))
        if query.subject:
            stmt = stmt.where(e.subject == query.subject)
        if query.merchant_id is not None:
            stmt = stmt.where(e.merchant_id == query.merchant_id)
        if query.before is not None:
            stmt = stmt.where(e.id < query.before)
        rows = self._conn.execute(stmt.order_by(e.id.desc()).limit(query.limit))
        return [_stored_event(r) for r in rows]

    # ---- the pacer's counters ------------------------------------------------------------

    def add_counts(self, deltas: Sequence[CountDelta], at: datetime) -> None:
        """Add each process's counts to the shared totals in one statement per batch."""
        if not deltas:
            return
        c = exposure_counters.c
        stmt = dialect_insert(self._conn, exposure_counters)
        stmt = stmt.on_conflict_do_update(
            index_elements=["key", "period_start"],
            set_={
                "delivered": c.delivered + stmt.excluded.delivered,
                "merit": c.merit + stmt.excluded.merit,
                "reach": c.reach + stmt.excluded.reach,
                "updated_at": stmt.excluded.updated_at,
            },
        )
        self._conn.execute(stmt, [_count_row(d, at) for d in deltas])

    def live_counts(self, now: datetime) -> dict[tuple[str, datetime], Counts]:
        """The totals of every target whose period has not ended, by key and period start."""
        c = exposure_counters.c
        rows = self._conn.execute(
            select(c.key, c.period_start, c.delivered, c.merit, c.reach).where(c.period_end > now)
        )
        return {(r.key, r.period_start): (r.delivered, r.merit, r.reach) for r in rows}

    def purge_counts(self, ended_before: datetime) -> int:
        stmt = delete(exposure_counters).where(exposure_counters.c.period_end < ended_before)
        return self._conn.execute(stmt).rowcount

    # ---- what the last recording refresh saw ---------------------------------------------

    def standings(self) -> dict[str, Standing]:
        rows = self._conn.execute(select(programme_standings))
        return {r.merchant_id: Standing(r.tier, r.enrolment_id) for r in rows}

    def put_standings(self, standings: Mapping[str, Standing], at: datetime) -> None:
        if not standings:
            return
        stmt = dialect_insert(self._conn, programme_standings)
        stmt = stmt.on_conflict_do_update(
            index_elements=["merchant_id"],
            set_={
                "tier": stmt.excluded.tier,
                "enrolment_id": stmt.excluded.enrolment_id,
                "updated_at": stmt.excluded.updated_at,
            },
        )
        rows = [
            {"merchant_id": m, "tier": s.tier, "enrolment_id": s.enrolment_id, "updated_at": at}
            for m, s in standings.items()
        ]
        self._conn.execute(stmt, rows)

    # ---- the state row -------------------------------------------------------------------

    def lock_state(self) -> ExposureState:
        """Lock the state row for this transaction (creating it the first time) and read it."""
        stmt = select(exposure_state).where(exposure_state.c.id == _STATE_ID).with_for_update()
        row = self._conn.execute(stmt).one_or_none()
        if row is None:
            # Two first refreshes may race to create it: one inserts, the other does nothing.
            create = dialect_insert(self._conn, exposure_state).values(id=_STATE_ID)
            self._conn.execute(create.on_conflict_do_nothing())
            row = self._conn.execute(stmt).one()
        return ExposureState(
            row.cycle_id, row.cycle_start, row.cycle_end, row.refreshed_at, row.ladder_day
        )

    def save_state(self, **values: Any) -> None:
        where = exposure_state.c.id == _STATE_ID
        self._conn.execute(update(exposure_state).where(where).values(**values))

    # ---- holds ---------------------------------------------------------------------------

    def holds_in_force(self) -> list[Hold]:
        """Every stop-sale hold in force, on any product (the partial index of those in force).

        ``RecallRepository.holds_in_force`` answers for the products of one order; a ranking
        plan needs all of them, and naming every product would cost more than this scan."""
        h = stop_sale_holds.c
        rows = self._conn.execute(
            select(h.product_id, h.batch_id, h.regions).where(h.lifted_at.is_(None))
        )
        return [Hold(r.product_id, r.batch_id, tuple(r.regions)) for r in rows]

    def holds_fingerprint(self) -> tuple[int, int]:
        """How many holds are in force and the newest hold's id: a cheap test for a change."""
        h = stop_sale_holds.c
        row = self._conn.execute(
            select(func.count(), func.coalesce(func.max(h.id), 0)).where(h.lifted_at.is_(None))
        ).one()
        return int(row[0]), int(row[1])


def _event_row(event: ExposureEvent, dedupe: str | None) -> dict[str, Any]:
    return {
        "kind": event.kind.value,
        "subject": event.subject,
        "merchant_id": merchant_of(event),
        "reason_en": event.reason.en,
        "reason_zh": event.reason.zh,
        "data": dict(event.data),
        "at": event.at,
        "dedupe": dedupe,
    }


def _stored_event(row: Any) -> StoredEvent:
    return StoredEvent(
        row.id,
        row.kind,
        row.subject,
        row.merchant_id,
        Text(row.reason_en, row.reason_zh),
        row.data,
        row.at,
    )


def _count_row(delta: CountDelta, at: datetime) -> dict[str, Any]:
    delivered, merit, reach = delta.counts
    return {
        "key": delta.key,
        "period_start": delta.start,
        "period_end": delta.end,
        "delivered": delivered,
        "merit": merit,
        "reach": reach,
        "updated_at": at,
    }
