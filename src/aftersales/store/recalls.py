"""Recall repository: snapshots, append-only events with outbox rows, holds, safety reports."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, bindparam, insert, or_, select, update

from aftersales.domain.actors import Actor, Role
from aftersales.domain.snapshot import encode
from aftersales.errors import Conflict, Text
from aftersales.recall import Hold, Recall, RecallEvent
from aftersales.store.tables import (
    outbox,
    products,
    recall_events,
    recall_units,
    recalls,
    safety_reports,
    stop_sale_holds,
)

__all__ = ["RecallQuery", "RecallRepository", "SafetyReport"]

_GET = select(recalls.c.snapshot).where(recalls.c.id == bindparam("recall_id"))
# Every new order runs this, on the partial index of the holds in force.
_HOLDS_IN_FORCE = select(
    stop_sale_holds.c.product_id, stop_sale_holds.c.batch_id, stop_sale_holds.c.regions
).where(
    stop_sale_holds.c.product_id.in_(bindparam("ids", expanding=True)),
    stop_sale_holds.c.lifted_at.is_(None),
)


@dataclass(frozen=True, slots=True)
class SafetyReport:
    """A case flagged safety (or decided an emergency), as the cluster rule counts it."""

    case_id: str
    product_id: str
    batch_id: str | None
    reported_at: datetime
    emergency: bool
    recall_id: str | None = None


@dataclass(frozen=True, slots=True)
class RecallQuery:
    states: Sequence[str] = ()
    product_id: str | None = None
    limit: int = 50
    category: str | None = None  # the recalls of products of this category…
    subcategories: bool = True  # …and of its subcategories


class RecallRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # ---- the recall itself ---------------------------------------------------------------

    def lock_product(self, product_id: str) -> str | None:
        """Lock the product's row and return its merchant (None: no such product).

        Every change to a product's recalls takes this lock first, so two reports or two
        operators racing on PostgreSQL cannot both open a review of the same batch; SQLite's
        single writer serializes them anyway."""
        stmt = select(products.c.merchant_id).where(products.c.id == product_id)
        merchant: str | None = self._conn.execute(stmt.with_for_update()).scalar_one_or_none()
        return merchant

    def add(self, recall: Recall) -> None:
        self._conn.execute(insert(recalls), self._row(recall))
        self._store_events(recall)

    def get(self, recall_id: str, *, for_update: bool = False) -> Recall | None:
        stmt = _GET.with_for_update() if for_update else _GET
        snapshot = self._conn.execute(stmt, {"recall_id": recall_id}).scalar_one_or_none()
        return None if snapshot is None else Recall.from_snapshot(snapshot)

    def save(self, recall: Recall) -> None:
        """Store the recall's new state and events; fail if someone changed it meanwhile."""
        if not recall.pending:
            return
        previous = recall.pending[0].seq - 1
        result = self._conn.execute(
            update(recalls)
            .where(recalls.c.id == recall.id, recalls.c.version == previous)
            .values(**self._row(recall))
        )
        if result.rowcount != 1:
            raise Conflict(
                Text(
                    "the recall was changed by someone else at the same time; try again",
                    "该召回刚被他人同时修改，请重试",
                )
            )
        self._store_events(recall)

    def events(self, recall_id: str) -> list[RecallEvent]:
        rows = self._conn.execute(
            select(recall_events)
            .where(recall_events.c.recall_id == recall_id)
            .order_by(recall_events.c.seq)
        )
        return [
            RecallEvent(
                r.recall_id, r.seq, r.kind, r.at, Actor(Role(r.actor_role), r.actor_id), r.data
            )
            for r in rows
        ]

    def open_on_product(self, product_id: str) -> list[Recall]:
        """The product's recalls under review or confirmed (only a few, ever)."""
        rows = self._conn.execute(
            select(recalls.c.snapshot)
            .where(recalls.c.product_id == product_id, recalls.c.state != "dismissed")
            .order_by(recalls.c.opened_at)
        )
        return [Recall.from_snapshot(s) for s in rows.scalars()]

    def search(self, query: RecallQuery, actor: Actor) -> list[Recall]:
        """The recalls the actor may see, newest first."""
        stmt = select(recalls.c.snapshot).where(*_scope(actor))
        if query.states:
            stmt = stmt.where(recalls.c.state.in_(query.states))
        if query.product_id:
            stmt = stmt.where(recalls.c.product_id == query.product_id)
        if query.category is not None:
            stmt = stmt.join(products, products.c.id == recalls.c.product_id).where(
                _in_category(query.category, query.subcategories)
            )
        stmt = stmt.order_by(recalls.c.opened_at.desc(), recalls.c.id.desc()).limit(query.limit)
        return [Recall.from_snapshot(s) for s in self._conn.execute(stmt).scalars()]

    # ---- stop-sale holds -----------------------------------------------------------------

    def holds_in_force(self, product_ids: Iterable[str]) -> list[Hold]:
        ids = sorted(set(product_ids))
        if not ids:
            return []
        rows = self._conn.execute(_HOLDS_IN_FORCE, {"ids": ids})
        return [Hold(r.product_id, r.batch_id, tuple(r.regions)) for r in rows]

    # ---- safety reports ------------------------------------------------------------------

    def report(self, case_id: str) -> SafetyReport | None:
        row = self._conn.execute(
            select(safety_reports).where(safety_reports.c.case_id == case_id)
        ).first()
        if row is None:
            return None
        return SafetyReport(
            row.case_id, row.product_id, row.batch_id, row.reported_at, row.emergency, row.recall_id
        )

    def add_report(self, report: SafetyReport) -> None:
        self._conn.execute(insert(safety_reports).values(**_fields(report)))

    def mark_emergency(self, case_id: str) -> None:
        self._conn.execute(
            update(safety_reports).where(safety_reports.c.case_id == case_id).values(emergency=True)
        )

    def unassigned_reports(
        self, product_id: str, batch_id: str | None, since: datetime
    ) -> list[str]:
        """Case ids of the reports on this batch (or batchless product) since ``since`` that no
        recall took yet — reports a dismissed review looked at are not counted twice."""
        same_batch = (
            safety_reports.c.batch_id.is_(None)
            if batch_id is None
            else safety_reports.c.batch_id == batch_id
        )
        rows = self._conn.execute(
            select(safety_reports.c.case_id)
            .where(
                safety_reports.c.product_id == product_id,
                same_batch,
                safety_reports.c.reported_at >= since,
                safety_reports.c.recall_id.is_(None),
            )
            .order_by(safety_reports.c.reported_at, safety_reports.c.case_id)
        )
        return list(rows.scalars())

    def assign_reports(self, case_ids: Sequence[str], recall_id: str) -> None:
        if case_ids:
            self._conn.execute(
                update(safety_reports)
                .where(safety_reports.c.case_id.in_(list(case_ids)))
                .values(recall_id=recall_id)
            )

    # ---- rows ----------------------------------------------------------------------------

    def _row(self, recall: Recall) -> dict[str, Any]:
        assert recall.opened_at is not None and recall.updated_at is not None
        return {
            "id": recall.id,
            "product_id": recall.product_id,
            "merchant_id": recall.merchant_id,
            "state": recall.state.value,
            "trigger": recall.trigger.value,
            "opened_at": recall.opened_at,
            "updated_at": recall.updated_at,
            "version": recall.version,
            "snapshot": recall.to_snapshot(),
        }

    def _store_events(self, recall: Recall) -> None:
        events = recall.take_events()
        self._conn.execute(insert(recall_events), [_event_row(e) for e in events])
        self._conn.execute(insert(outbox), [_outbox_row(recall, e) for e in events])
        for event in events:
            if event.kind == "hold_placed":
                self._place(recall.id, Hold.decode(event.data), event.at)
            elif event.kind == "hold_lifted":
                self._lift(recall.id, Hold.decode(event.data), event.at)

    def _place(self, recall_id: str, hold: Hold, at: datetime) -> None:
        self._conn.execute(
            insert(stop_sale_holds).values(
                recall_id=recall_id,
                product_id=hold.product_id,
                batch_id=hold.batch_id,
                regions=list(hold.regions),
                placed_at=at,
            )
        )

    def _lift(self, recall_id: str, hold: Hold, at: datetime) -> None:
        h = stop_sale_holds.c
        same_batch = h.batch_id.is_(None) if hold.batch_id is None else h.batch_id == hold.batch_id
        in_force = self._conn.execute(
            select(h.id, h.regions)
            .where(h.recall_id == recall_id, h.product_id == hold.product_id, same_batch)
            .where(h.lifted_at.is_(None))
        )
        ids = [row.id for row in in_force if tuple(row.regions) == hold.regions]
        self._conn.execute(update(stop_sale_holds).where(h.id.in_(ids)).values(lifted_at=at))


def _scope(actor: Actor) -> list[Any]:
    if actor.role is Role.CONSUMER:
        mine = select(recall_units.c.recall_id).where(recall_units.c.consumer_id == actor.subject)
        return [recalls.c.id.in_(mine)]
    if actor.role is Role.MERCHANT_AGENT:
        return [recalls.c.merchant_id == actor.subject]
    if actor.role in (Role.OPERATOR, Role.AUDITOR, Role.SYSTEM):
        return []
    return [recalls.c.id.is_(None)]  # any other role sees no recall


def _in_category(category: str, subcategories: bool) -> ColumnElement[bool]:
    """A recall's category is its product's (a recall is about one product)."""
    exact = products.c.category == category
    if not subcategories:
        return exact
    under = category.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "/%"
    return or_(exact, products.c.category.like(under, escape="\\"))


def _fields(report: SafetyReport) -> dict[str, Any]:
    return {
        "case_id": report.case_id,
        "product_id": report.product_id,
        "batch_id": report.batch_id,
        "reported_at": report.reported_at,
        "emergency": report.emergency,
        "recall_id": report.recall_id,
    }


def _event_row(e: RecallEvent) -> dict[str, Any]:
    return {
        "recall_id": e.recall_id,
        "seq": e.seq,
        "kind": e.kind,
        "at": e.at,
        "actor_role": e.actor.role.value,
        "actor_id": e.actor.subject,
        "data": e.data,
    }


def _outbox_row(recall: Recall, e: RecallEvent) -> dict[str, Any]:
    payload = {
        "recall_id": e.recall_id,
        "seq": e.seq,
        "kind": e.kind,
        "at": encode(e.at),
        "actor": {"role": e.actor.role.value, "id": e.actor.subject},
        "product_id": recall.product_id,
        "merchant_id": recall.merchant_id,
        "recall_state": recall.state.value,  # the state once this transaction commits
        "data": e.data,
    }
    return {"topic": f"recall.{e.kind}", "key": e.recall_id, "payload": payload, "created_at": e.at}
