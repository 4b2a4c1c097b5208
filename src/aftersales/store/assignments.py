"""Assignment repository: each case's queue, pool and agent, and the backlog of waiting cases."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, func, insert, select, update

from aftersales.store.tables import case_assignments as ca
from aftersales.triage.dispatch import Ticket

__all__ = ["Assignment", "AssignmentRepository"]

_INSERT = insert(ca)
_RELEASE = (
    update(ca)
    .where(ca.c.case_id == bindparam("where_case_id"), ca.c.active)
    .values(active=False)
    .returning(ca.c.agent_id)
)
_BACKLOG_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class Assignment:
    ticket: Ticket
    agent_id: str | None
    active: bool
    assigned_at: datetime | None
    assigned_by: str | None
    issue_type: str | None  # an operator's correction of triage's issue type

    @property
    def state(self) -> str:
        if not self.active:
            return "done"
        return "assigned" if self.agent_id else "waiting"


class AssignmentRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, ticket: Ticket, agent_id: str | None, at: datetime, by: str) -> None:
        """File a case (with its agent, or waiting when none)."""
        self._conn.execute(_INSERT, _row(ticket) | _holder(agent_id, at, by) | {"active": True})

    def get(self, case_id: str, *, for_update: bool = False) -> Assignment | None:
        stmt = select(ca).where(ca.c.case_id == case_id)
        row = self._conn.execute(stmt.with_for_update() if for_update else stmt).first()
        return None if row is None else _assignment(row)

    def release(self, case_id: str) -> tuple[bool, str | None]:
        """End the case's assignment: (whether it was active, the agent who held it)."""
        row = self._conn.execute(_RELEASE, {"where_case_id": case_id}).first()
        return (False, None) if row is None else (True, row.agent_id)

    def refile(self, ticket: Ticket, agent_id: str | None, at: datetime, by: str) -> None:
        """Put an existing assignment under the ticket's queue and pool, active again."""
        values = _row(ticket) | _holder(agent_id, at, by) | {"active": True}
        del values["case_id"]
        self._conn.execute(update(ca).where(ca.c.case_id == ticket.case_id).values(**values))

    def hand_to(self, moves: Iterable[tuple[str, str | None]], at: datetime, by: str) -> None:
        """Give each case to its agent (None: back to the backlog)."""
        params = [{"where_case_id": c} | _holder(a, at, by) for c, a in moves]
        if params:
            stmt = update(ca).where(ca.c.case_id == bindparam("where_case_id"))
            self._conn.execute(stmt, params)

    def correct(self, case_id: str, issue_type: str) -> None:
        self._conn.execute(update(ca).where(ca.c.case_id == case_id).values(issue_type=issue_type))

    def held_by(self, agent_id: str, *, lock: bool = False) -> list[Ticket]:
        """The active cases an agent holds, oldest first (``lock``: for moving them)."""
        stmt = select(ca).where(ca.c.agent_id == agent_id, ca.c.active).order_by(ca.c.queued_at)
        rows = self._conn.execute(stmt.with_for_update() if lock else stmt)
        return [_ticket(r) for r in rows]

    def held_ids(self, agent_id: str) -> list[str]:
        stmt = select(ca.c.case_id).where(ca.c.agent_id == agent_id, ca.c.active)
        return list(self._conn.execute(stmt.order_by(ca.c.queued_at)).scalars())

    def backlog(
        self, merchant_id: str | None, queues: Collection[str], *, lock: bool = False
    ) -> list[Ticket]:
        """Waiting cases of a pool (a merchant's, or the platform's for None) in these queues,
        safety first, then oldest; at most a thousand, which no agent's capacity exceeds.

        ``lock`` takes them for handing out: on PostgreSQL two agents freed at the same moment
        skip each other's rows instead of both taking the same case."""
        stmt = select(ca).where(ca.c.active, ca.c.agent_id.is_(None), ca.c.queue.in_(queues))
        if merchant_id is None:
            stmt = stmt.where(ca.c.platform)
        else:
            stmt = stmt.where(ca.c.platform.is_(False), ca.c.merchant_id == merchant_id)
        stmt = stmt.order_by(ca.c.safety.desc(), ca.c.queued_at).limit(_BACKLOG_LIMIT)
        if lock:
            stmt = stmt.with_for_update(skip_locked=True)
        return [_ticket(r) for r in self._conn.execute(stmt)]

    def waiting(self, merchant_id: str | None = None, *, platform: bool | None = None) -> int:
        """How many cases wait for an agent: in one merchant's pool, the platform's, or all."""
        stmt = select(func.count()).select_from(ca).where(ca.c.active, ca.c.agent_id.is_(None))
        if merchant_id is not None:
            stmt = stmt.where(ca.c.platform.is_(False), ca.c.merchant_id == merchant_id)
        elif platform is not None:
            stmt = stmt.where(ca.c.platform.is_(platform))
        return int(self._conn.execute(stmt).scalar_one())

    def corrections(self) -> dict[str, str]:
        """case id → the issue type an operator set, for every corrected case."""
        rows = self._conn.execute(
            select(ca.c.case_id, ca.c.issue_type).where(ca.c.issue_type.is_not(None))
        )
        return {r.case_id: r.issue_type for r in rows}


def _holder(agent_id: str | None, at: datetime, by: str) -> dict[str, Any]:
    if agent_id is None:
        return {"agent_id": None, "assigned_at": None, "assigned_by": None}
    return {"agent_id": agent_id, "assigned_at": at, "assigned_by": by}


def _row(t: Ticket) -> dict[str, Any]:
    return {
        "case_id": t.case_id,
        "merchant_id": t.merchant_id,
        "platform": t.platform,
        "queue": t.queue,
        "category": t.category,
        "language": t.language,
        "safety": t.safety,
        "severity": t.severity,
        "queued_at": t.queued_at,
    }


def _ticket(r: Row[Any]) -> Ticket:
    return Ticket(
        case_id=r.case_id,
        merchant_id=r.merchant_id,
        queue=r.queue,
        platform=r.platform,
        category=r.category,
        language=r.language,
        safety=r.safety,
        severity=r.severity,
        queued_at=r.queued_at,
    )


def _assignment(r: Row[Any]) -> Assignment:
    return Assignment(_ticket(r), r.agent_id, r.active, r.assigned_at, r.assigned_by, r.issue_type)
