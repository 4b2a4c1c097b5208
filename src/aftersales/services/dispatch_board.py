"""The dispatch board: who works which queues with how much room, and what waits for an agent.

Visibility follows ``services.agents``: operators, auditors and the integration see every pool;
a merchant's agent sees its own merchant's pool only.
"""

from __future__ import annotations

from dataclasses import dataclass

from aftersales.domain.actors import Actor, Role
from aftersales.services import agents
from aftersales.services.context import Context
from aftersales.store.assignments import QueueBacklog
from aftersales.triage.agents import Agent
from aftersales.triage.dispatch import Ticket

__all__ = ["DispatchBoard", "dispatch_board"]


@dataclass(frozen=True, slots=True)
class DispatchBoard:
    agents: tuple[Agent, ...]
    queues: tuple[QueueBacklog, ...]  # per queue and pool kind, the platform's first
    waiting: tuple[Ticket, ...]  # the first cases waiting for an agent, safety first

    @property
    def waiting_total(self) -> int:
        return sum(q.waiting for q in self.queues)


def dispatch_board(ctx: Context, actor: Actor, *, waiting: int = 50) -> DispatchBoard:
    """The agents the actor may see, the backlog of their queues, and the first ``waiting``
    cases nobody holds yet."""
    found, _ = agents.list_agents(ctx, actor)  # refuses a role that reads no agents
    pool = actor.subject if actor.role is Role.MERCHANT_AGENT else None
    with ctx.uow(read_only=True) as uow:
        queues = uow.assignments.backlog_by_queue(pool)
        tickets = uow.assignments.waiting_list(waiting, pool)
    return DispatchBoard(tuple(found), tuple(queues), tuple(tickets))
