"""The assignment history: every holding of a case that ended (``triage.holdings``).

Written by ``AssignmentRepository`` in the statements that move a case, never on its own: a
move cannot forget its row. Reading the holding a move ends takes the assignment rows' locks
first and only then reads the last closed holding, in a statement of its own: on PostgreSQL a
statement sees what was committed when it began, so a move that waited for another one must
look at the history after the wait to see the row that move appended.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, func, insert, select

from aftersales.domain.actors import Actor, Role
from aftersales.store.prepared import Prepared
from aftersales.store.tables import case_assignment_history as h
from aftersales.store.tables import case_assignments as ca
from aftersales.triage.holdings import Holding, MoveReason, started

__all__ = ["HoldingLog"]

_INSERT = Prepared(insert(h))  # on the driver (store/prepared.py)
# The current holding (names apart from the history's, which a read joins it to).
_NOW = (
    ca.c.agent_id.label("now_agent"),
    ca.c.queue.label("now_queue"),
    ca.c.platform.label("now_platform"),
    ca.c.assigned_at.label("now_assigned_at"),
    ca.c.queued_at.label("now_queued_at"),
    ca.c.active.label("now_active"),
)
# Built once: every case that ends or moves runs both, and building them cost more than
# running them (``store/cases.py`` does the same).
_OPEN = (
    select(ca.c.case_id, *_NOW)
    .where(ca.c.case_id.in_(bindparam("case_ids", expanding=True)), ca.c.active)
    .with_for_update()
)
_LAST_ENDS = (
    select(h.c.case_id, func.max(h.c.held_until))
    .where(h.c.case_id.in_(bindparam("case_ids", expanding=True)))
    .group_by(h.c.case_id)
)
# The same for one case, on the driver: every move that ends a case's holding runs these.
_OPEN_ONE = Prepared(
    select(ca.c.case_id, *_NOW)
    .where(ca.c.case_id == bindparam("case_id"), ca.c.active)
    .with_for_update()
)
_LAST_END_ONE = Prepared(
    select(func.max(h.c.held_until).label("end")).where(h.c.case_id == bindparam("case_id"))
)


class HoldingLog:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def open_holdings(self, case_ids: Collection[str]) -> dict[str, Holding]:
        """The current holdings of these cases (active ones only), their rows locked."""
        if not case_ids:
            return {}
        if len(case_ids) == 1:
            return self._open_holding(next(iter(case_ids)))
        rows = self._conn.execute(_OPEN, {"case_ids": list(case_ids)}).all()
        ends = self.last_ends([r.case_id for r in rows])
        return {r.case_id: _current(r.case_id, r, ends.get(r.case_id)) for r in rows}

    def _open_holding(self, case_id: str) -> dict[str, Holding]:
        row = _OPEN_ONE.first(self._conn, {"case_id": case_id})
        if row is None:
            return {}
        last = _LAST_END_ONE.first(self._conn, {"case_id": case_id})  # one row: an aggregate
        return {case_id: _current(case_id, row, last.end if last else None)}

    def last_ends(self, case_ids: Collection[str]) -> dict[str, datetime]:
        """case id → when its last closed holding ended (cases never moved are absent)."""
        if not case_ids:
            return {}
        rows = self._conn.execute(_LAST_ENDS, {"case_ids": list(case_ids)})
        return {case_id: end for case_id, end in rows}

    def append(self, closed: Iterable[Holding]) -> None:
        rows = [_row(c) for c in closed]
        if rows:
            _INSERT.run_many(self._conn, rows)

    def of_case(self, case_id: str) -> list[Holding]:
        """Who held the case, oldest first: every closed holding, then the current one (none
        once the case has ended, nor for a case nobody ever had to work).

        One statement, the history joined to the assignment row: on PostgreSQL two would each
        see what was committed when they began, and a move committed between them would show
        a holding twice or not at all."""
        stmt = (
            select(h, *_NOW)
            .select_from(ca.outerjoin(h, h.c.case_id == ca.c.case_id))
            .where(ca.c.case_id == case_id)
            .order_by(h.c.seq)
        )
        rows = self._conn.execute(stmt).all()
        closed = [_closed(r) for r in rows if r.seq is not None]
        if not rows or not rows[-1].now_active:
            return closed
        end = max((c.held_until for c in closed if c.held_until is not None), default=None)
        return [*closed, _current(case_id, rows[-1], end)]


def _current(case_id: str, r: Any, last_end: datetime | None) -> Holding:
    """The holding an assignment row (its ``_NOW`` columns) stands for."""
    since = started(r.now_agent, r.now_assigned_at, r.now_queued_at, last_end)
    return Holding(case_id, r.now_agent, r.now_queue, r.now_platform, since)


def _row(c: Holding) -> dict[str, Any]:
    assert c.held_until is not None and c.reason is not None and c.actor is not None
    return {
        "case_id": c.case_id,
        "agent_id": c.agent_id,
        "queue": c.queue,
        "platform": c.platform,
        "held_from": c.held_from,
        "held_until": c.held_until,
        "reason": c.reason.value,
        "actor_role": c.actor.role.value,
        "actor_id": c.actor.subject,
    }


def _closed(r: Row[Any]) -> Holding:
    return Holding(
        case_id=r.case_id,
        agent_id=r.agent_id,
        queue=r.queue,
        platform=r.platform,
        held_from=r.held_from,
        held_until=r.held_until,
        reason=MoveReason(r.reason),
        actor=Actor(Role(r.actor_role), r.actor_id),
    )
