"""Assignment repository: each case's queue, pool and agent, and the backlog of waiting cases.

Every method that moves a case (``refile``, ``hand_to``, ``release``) closes the holding it
ends in the assignment history in the same transaction (decision 0025); ``add``, the opening's
insert, writes nothing else.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, func, insert, select, update

from aftersales.store.assignment_history import HoldingLog
from aftersales.store.prepared import Prepared
from aftersales.store.tables import case_assignments as ca
from aftersales.triage.dispatch import Ticket
from aftersales.triage.holdings import Holding, Move, close, moved

__all__ = ["Assignment", "AssignmentRepository", "QueueBacklog"]

# Built once, like those of store/cases.py: building a statement cost more than running it;
# and run straight on the driver (store/prepared.py), as every case that ends or moves runs them.
_INSERT = Prepared(insert(ca))
_SELECT = select(ca).where(ca.c.case_id == bindparam("case_id"))
_GET = Prepared(_SELECT)
_GET_FOR_UPDATE = Prepared(_SELECT.with_for_update())
# SET takes the columns of the parameters; the WHERE names its own.
_MOVE = Prepared(update(ca).where(ca.c.case_id == bindparam("where_case_id")))
_RELEASE = Prepared(
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


@dataclass(frozen=True, slots=True)
class QueueBacklog:
    """One queue of one pool kind: its active cases, those waiting for an agent, and since when."""

    queue: str
    platform: bool
    active: int
    waiting: int
    safety_waiting: int
    oldest_waiting: datetime | None


class AssignmentRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._log = HoldingLog(conn)

    def add(self, ticket: Ticket, agent_id: str | None, at: datetime, by: str) -> None:
        """File a case (with its agent, or waiting when none)."""
        _INSERT.run(self._conn, _row(ticket) | _holder(agent_id, at, by) | {"active": True})

    def get(self, case_id: str, *, for_update: bool = False) -> Assignment | None:
        stmt = _GET_FOR_UPDATE if for_update else _GET
        row = stmt.first(self._conn, {"case_id": case_id})
        return None if row is None else _assignment(row)

    def release(self, case_id: str, move: Move) -> tuple[bool, str | None]:
        """End the case's assignment: (whether it was active, the agent who held it)."""
        self._close([case_id], move, lambda _: True)
        row = _RELEASE.first(self._conn, {"where_case_id": case_id})
        return (False, None) if row is None else (True, row.agent_id)

    def refile(
        self, ticket: Ticket, agent_id: str | None, since: datetime, by: str, move: Move
    ) -> None:
        """Put an existing assignment under the ticket's queue and pool, active again, held by
        the agent since ``since`` (the move's time, unless the agent keeps the case)."""
        target = (agent_id, ticket.queue, ticket.platform)
        self._close([ticket.case_id], move, lambda h: moved(h, *target))
        values = _row(ticket) | _holder(agent_id, since, by) | {"active": True}
        del values["case_id"]
        _MOVE.run(self._conn, values | {"where_case_id": ticket.case_id})

    def hand_to(self, moves: Iterable[tuple[str, str | None]], move: Move, by: str) -> None:
        """Give each case to its agent (None: back to the backlog)."""
        to = dict(moves)
        if to:
            self._close(to, move, lambda h: h.agent_id != to[h.case_id])
            params = [{"where_case_id": c} | _holder(a, move.at, by) for c, a in to.items()]
            _MOVE.run_many(self._conn, params)

    def holdings(self, case_id: str) -> list[Holding]:
        """Who held the case, oldest first: every closed holding, then the current one (none
        once the case has ended)."""
        return self._log.of_case(case_id)

    def _close(
        self, case_ids: Collection[str], move: Move, changes: Callable[[Holding], bool]
    ) -> None:
        """Append the holdings the move ends: those of active cases whose holder ``changes``."""
        held = self._log.open_holdings(case_ids).values()
        self._log.append(close(h, move) for h in held if changes(h))

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

    def backlog_by_queue(self, merchant_id: str | None = None) -> list[QueueBacklog]:
        """Active cases per queue and pool kind (a merchant's or the platform's): how many,
        how many wait for an agent, of those how many are safety cases, and the oldest wait.
        ``merchant_id``: that merchant's pool only."""
        waiting = ca.c.agent_id.is_(None)
        stmt = (
            select(
                ca.c.queue,
                ca.c.platform,
                func.count(),
                func.count().filter(waiting),
                func.count().filter(waiting & ca.c.safety),
                func.min(ca.c.queued_at).filter(waiting),
            )
            .where(ca.c.active)
            .group_by(ca.c.queue, ca.c.platform)
            .order_by(ca.c.platform.desc(), ca.c.queue)
        )
        if merchant_id is not None:
            stmt = stmt.where(ca.c.platform.is_(False), ca.c.merchant_id == merchant_id)
        return [QueueBacklog(*row) for row in self._conn.execute(stmt)]

    def waiting_list(self, limit: int, merchant_id: str | None = None) -> list[Ticket]:
        """Cases waiting for an agent in every pool (``merchant_id``: one merchant's), safety
        first, then the longest waiting."""
        stmt = select(ca).where(ca.c.active, ca.c.agent_id.is_(None))
        if merchant_id is not None:
            stmt = stmt.where(ca.c.platform.is_(False), ca.c.merchant_id == merchant_id)
        stmt = stmt.order_by(ca.c.safety.desc(), ca.c.queued_at, ca.c.case_id).limit(limit)
        return [_ticket(r) for r in self._conn.execute(stmt)]

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
