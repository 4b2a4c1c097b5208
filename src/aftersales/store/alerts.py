"""Alert repository: alarms stored once per series, period and method; their status history."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from aftersales.domain.actors import Actor, Role
from aftersales.domain.snapshot import encode
from aftersales.errors import Conflict, Text
from aftersales.store.tables import alert_events, alerts, outbox
from aftersales.warning import AlertReview, AlertStatus, StatusChange

__all__ = ["AlertQuery", "AlertRecord", "AlertRepository"]

RAISED_BY = Actor(Role.SYSTEM, "warning")  # the detection run, author of every alarm


@dataclass(frozen=True, slots=True)
class AlertRecord:
    """A stored alert: what the detector found, and where it stands with the operators."""

    id: str
    series: str
    product_id: str | None
    merchant_id: str | None
    category: str
    region: str
    granularity: str
    period_start: date
    period_end: date
    method: str
    observed: float
    expected: float
    threshold: float
    score: float
    p_value: float | None
    exposure: float | None
    run_weeks: int
    window_start: date
    window_end: date
    excerpt: list[list[Any]]
    explanation_en: str
    explanation_zh: str
    rollup_group: str
    raised_at: datetime
    status: AlertStatus = AlertStatus.OPEN
    recall_id: str | None = None
    dismissal_reason: str | None = None
    updated_at: datetime | None = None
    version: int = 1
    history: tuple[StatusChange, ...] = field(default=())

    def review(self) -> AlertReview:
        """The alert's status as the object whose rules change it."""
        return AlertReview(
            self.id, self.status, self.recall_id, self.dismissal_reason, self.version
        )


@dataclass(frozen=True, slots=True)
class AlertQuery:
    """Filters for listing alerts; the scope of the actor is always applied on top."""

    statuses: Sequence[str] = ()
    region: str | None = None
    since: date | None = None  # periods starting on or after this day
    limit: int = 50
    after: tuple[date, float, str] | None = None  # keyset cursor: period, score, id of the last


class AlertRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add_new(self, records: Sequence[AlertRecord]) -> list[AlertRecord]:
        """Store the alerts not stored yet (by series, period and method); return those."""
        stmt = _insert_if_absent(self._conn).returning(alerts.c.id)
        added = [r for r in records if self._conn.execute(stmt, _row(r)).first() is not None]
        for record in added:
            first = StatusChange(AlertStatus.OPEN, record.raised_at, RAISED_BY)
            self._store_changes(record.id, 1, [first], record)
        return added

    def get(self, alert_id: str, *, for_update: bool = False) -> AlertRecord | None:
        stmt = select(alerts).where(alerts.c.id == alert_id)
        row = self._conn.execute(stmt.with_for_update() if for_update else stmt).first()
        return None if row is None else _record(row._mapping, self._history(alert_id))

    def find(self, keys: Sequence[tuple[str, date, str]]) -> list[AlertRecord]:
        """The stored alerts with these (series, period start, method)."""
        c = alerts.c
        wanted = [and_(c.series == s, c.period_start == p, c.method == m) for s, p, m in keys]
        if not wanted:
            return []
        rows = self._conn.execute(select(alerts).where(or_(*wanted)))
        return [_record(row._mapping) for row in rows]

    def search(self, query: AlertQuery, actor: Actor) -> list[AlertRecord]:
        """The alerts the actor may see: newest period first, strongest first within it."""
        c = alerts.c
        stmt = select(alerts).where(*_scope(actor))
        if query.statuses:
            stmt = stmt.where(c.status.in_(list(query.statuses)))
        if query.region:
            stmt = stmt.where(c.region == query.region)
        if query.since:
            stmt = stmt.where(c.period_start >= query.since)
        if query.after:
            stmt = stmt.where(_after(*query.after))
        stmt = stmt.order_by(c.period_start.desc(), c.score.desc(), c.id).limit(query.limit)
        return [_record(row._mapping) for row in self._conn.execute(stmt)]

    def by_region(self, query: AlertQuery, actor: Actor) -> dict[str, int]:
        """How many alerts the actor may see match the query's statuses and period, by region
        (the query's region, cursor and limit aside: a map shows every region)."""
        c = alerts.c
        stmt = select(c.region, func.count()).where(*_scope(actor)).group_by(c.region)
        if query.statuses:
            stmt = stmt.where(c.status.in_(list(query.statuses)))
        if query.since:
            stmt = stmt.where(c.period_start >= query.since)
        return {region: int(n) for region, n in self._conn.execute(stmt)}

    def save(self, review: AlertReview, record: AlertRecord) -> None:
        """Store the review's new status and its changes; fail if someone changed it meanwhile."""
        if not review.pending:
            return
        previous = review.version - len(review.pending)
        result = self._conn.execute(
            update(alerts)
            .where(alerts.c.id == review.alert_id, alerts.c.version == previous)
            .values(
                status=review.status.value,
                recall_id=review.recall_id,
                dismissal_reason=review.dismissal_reason,
                updated_at=review.pending[-1].at,
                version=review.version,
            )
        )
        if result.rowcount != 1:
            raise Conflict(
                Text(
                    "the alert was changed by someone else at the same time; try again",
                    "该预警刚被他人同时修改，请重试",
                )
            )
        self._store_changes(review.alert_id, previous + 1, review.pending, record)
        review.pending.clear()

    def _history(self, alert_id: str) -> tuple[StatusChange, ...]:
        rows = self._conn.execute(
            select(alert_events)
            .where(alert_events.c.alert_id == alert_id)
            .order_by(alert_events.c.seq)
        )
        return tuple(
            StatusChange(
                AlertStatus(r.status),
                r.at,
                Actor(Role(r.actor_role), r.actor_id),
                r.recall_id,
                r.reason,
            )
            for r in rows
        )

    def _store_changes(
        self, alert_id: str, first_seq: int, changes: Sequence[StatusChange], record: AlertRecord
    ) -> None:
        events = [
            _event_row(alert_id, seq, change) for seq, change in enumerate(changes, first_seq)
        ]
        self._conn.execute(insert(alert_events), events)
        self._conn.execute(insert(outbox), [_outbox_row(record, e) for e in events])


def _insert_if_absent(conn: Connection) -> Any:
    """INSERT … ON CONFLICT DO NOTHING on the alert's natural key, in the database's dialect."""
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    keys = ["series", "period_start", "method"]
    return dialect_insert(alerts).on_conflict_do_nothing(index_elements=keys)


def _scope(actor: Actor) -> list[Any]:
    if actor.role in (Role.OPERATOR, Role.AUDITOR, Role.SYSTEM):
        return []
    if actor.role is Role.MERCHANT_AGENT and actor.subject:
        # A merchant sees the alerts on its own products; a whole category's alert pools many
        # merchants' cases and is the platform's to act on (decision 0014).
        return [alerts.c.merchant_id == actor.subject]
    return [alerts.c.id.is_(None)]  # any other role sees no alert


def _after(period: date, score: float, alert_id: str) -> Any:
    c = alerts.c
    return or_(
        c.period_start < period,
        and_(c.period_start == period, c.score < score),
        and_(c.period_start == period, c.score == score, c.id > alert_id),
    )


# The columns that map one to one onto fields of ``AlertRecord``.
_COLUMNS = (
    *("id", "series", "product_id", "merchant_id", "category", "region", "granularity"),
    *("period_start", "period_end", "method", "observed", "expected", "threshold", "score"),
    *("p_value", "exposure", "run_weeks", "window_start", "window_end", "excerpt"),
    *("explanation_en", "explanation_zh", "rollup_group", "raised_at", "recall_id"),
    *("dismissal_reason", "version"),
)


def _row(r: AlertRecord) -> dict[str, Any]:
    row = {name: getattr(r, name) for name in _COLUMNS}
    return row | {"status": r.status.value, "updated_at": r.updated_at or r.raised_at}


def _record(m: Any, history: tuple[StatusChange, ...] = ()) -> AlertRecord:
    fields = {name: m[name] for name in _COLUMNS}
    return AlertRecord(
        **fields, status=AlertStatus(m["status"]), updated_at=m["updated_at"], history=history
    )


def _event_row(alert_id: str, seq: int, change: StatusChange) -> dict[str, Any]:
    return {
        "alert_id": alert_id,
        "seq": seq,
        "status": change.status.value,
        "at": change.at,
        "actor_role": change.by.role.value,
        "actor_id": change.by.subject,
        "recall_id": change.recall_id,
        "reason": change.reason,
    }


def _outbox_row(record: AlertRecord, event: dict[str, Any]) -> dict[str, Any]:
    kind = "raised" if event["seq"] == 1 else event["status"]
    payload = {
        "alert_id": record.id,
        "seq": event["seq"],
        "status": event["status"],
        "at": encode(event["at"]),
        "actor": {"role": event["actor_role"], "id": event["actor_id"]},
        "series": record.series,
        "product_id": record.product_id,
        "merchant_id": record.merchant_id,
        "category": record.category,
        "region": record.region,
        "period_start": record.period_start.isoformat(),
        "method": record.method,
        "recall_id": event["recall_id"],
    }
    return {
        "topic": f"alert.{kind}",
        "key": record.id,
        "payload": payload,
        "created_at": event["at"],
    }
