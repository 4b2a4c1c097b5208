"""Agent repository: profiles, presence, capacity, and the count of cases each one holds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, bindparam, insert, select, update

from aftersales.store.prepared import Prepared
from aftersales.store.tables import agents
from aftersales.triage.agents import Agent
from aftersales.triage.dispatch import AgentSlot

__all__ = ["AgentRepository"]

_SLOT_COLUMNS = (
    agents.c.id,
    agents.c.merchant_id,
    agents.c.queues,
    agents.c.languages,
    agents.c.categories,
    agents.c.capacity,
    agents.c.open_cases,
    agents.c.online,
)
# Who may take a case now, per pool; built once, as they run in every case opening.
_FREE = (agents.c.online, agents.c.open_cases < agents.c.capacity)
# They and the claims run straight on the driver (store/prepared.py).
_FREE_OF_MERCHANT = Prepared(
    select(*_SLOT_COLUMNS).where(agents.c.merchant_id == bindparam("merchant_id"), *_FREE)
)
_FREE_OF_PLATFORM = Prepared(select(*_SLOT_COLUMNS).where(agents.c.merchant_id.is_(None), *_FREE))
# A place is taken only if it is still free when the row is written: two openings racing for
# an agent's last place cannot both have it.
_CLAIM = Prepared(
    update(agents)
    .where(agents.c.id == bindparam("agent_id"), *_FREE)
    .values(open_cases=agents.c.open_cases + 1)
)
_GIVE_BACK = Prepared(
    update(agents)
    .where(agents.c.id == bindparam("agent_id"), agents.c.open_cases > 0)
    .values(open_cases=agents.c.open_cases - 1)
)


class AgentRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add(self, agent: Agent) -> None:
        self._conn.execute(insert(agents), _row(agent))

    def get(self, agent_id: str, *, for_update: bool = False) -> Agent | None:
        stmt = select(agents).where(agents.c.id == agent_id)
        row = self._conn.execute(stmt.with_for_update() if for_update else stmt).first()
        return None if row is None else _agent(row)

    def search(
        self, *, merchant_id: str | None = None, platform: bool | None = None, limit: int = 500
    ) -> list[Agent]:
        """Agents of one merchant, or of the platform (``platform=True``), or all; by name."""
        stmt = select(agents)
        if merchant_id is not None:
            stmt = stmt.where(agents.c.merchant_id == merchant_id)
        if platform is not None:
            stmt = stmt.where(
                agents.c.merchant_id.is_(None) if platform else agents.c.merchant_id.is_not(None)
            )
        rows = self._conn.execute(stmt.order_by(agents.c.name, agents.c.id).limit(limit))
        return [_agent(r) for r in rows]

    def free(self, merchant_id: str | None) -> list[AgentSlot]:
        """Online agents of the pool (a merchant's, or the platform's for None) with room."""
        if merchant_id is None:
            rows = _FREE_OF_PLATFORM.all(self._conn)
        else:
            rows = _FREE_OF_MERCHANT.all(self._conn, {"merchant_id": merchant_id})
        return [_slot(r) for r in rows]

    def lock(self, agent_ids: Iterable[str]) -> None:
        """Lock these agents' rows, in id order: every change that moves cases between agents
        takes them in that one order, after the cases' own rows, so two such changes never
        wait on each other in a circle."""
        ids = sorted(set(agent_ids))
        if ids:
            stmt = select(agents.c.id).where(agents.c.id.in_(ids)).order_by(agents.c.id)
            self._conn.execute(stmt.with_for_update()).all()

    def lock_pool(self, merchant_id: str | None) -> None:
        """Lock every agent of a pool (a merchant's, or the platform's for None), in id order."""
        pool = (
            agents.c.merchant_id.is_(None)
            if merchant_id is None
            else agents.c.merchant_id == merchant_id
        )
        stmt = select(agents.c.id).where(pool).order_by(agents.c.id).with_for_update()
        self._conn.execute(stmt).all()

    def claim(self, agent_id: str) -> bool:
        """Take one place of the agent's capacity, if it is online and has one."""
        return _CLAIM.run(self._conn, {"agent_id": agent_id}) == 1

    def give_back(self, agent_ids: Sequence[str]) -> None:
        """Free one place per id (an id may repeat)."""
        if agent_ids:
            _GIVE_BACK.run_many(self._conn, [{"agent_id": a} for a in agent_ids])

    def update(self, agent_id: str, now: datetime, **values: Any) -> None:
        self._conn.execute(
            update(agents).where(agents.c.id == agent_id).values(updated_at=now, **values)
        )


def _row(agent: Agent) -> dict[str, Any]:
    return {
        "id": agent.id,
        "merchant_id": agent.merchant_id,
        "name": agent.name,
        "queues": list(agent.queues),
        "languages": list(agent.languages),
        "categories": list(agent.categories),
        "capacity": agent.capacity,
        "online": agent.online,
        "open_cases": agent.open_cases,
        "created_at": agent.created_at,
        "updated_at": agent.updated_at,
    }


def _agent(r: Row[Any]) -> Agent:
    return Agent(
        id=r.id,
        merchant_id=r.merchant_id,
        name=r.name,
        queues=tuple(r.queues),
        languages=tuple(r.languages),
        categories=tuple(r.categories),
        capacity=r.capacity,
        online=r.online,
        open_cases=r.open_cases,
        created_at=r.created_at,
        updated_at=r.updated_at,
    )


def _slot(r: Any) -> AgentSlot:
    return AgentSlot(
        id=r.id,
        merchant_id=r.merchant_id,
        queues=frozenset(r.queues),
        languages=frozenset(r.languages),
        categories=frozenset(r.categories),
        capacity=r.capacity,
        open_cases=r.open_cases,
        online=r.online,
    )
