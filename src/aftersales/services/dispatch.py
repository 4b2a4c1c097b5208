"""Dispatch inside the use cases: file a new case with an agent, follow it as it changes hands.

The rules are pure (``triage.dispatch``); this module reads the agents, writes the choice, and
keeps each agent's count of open cases in the same transaction as the assignment that moves it.

The case opening is the hot path (docs/triage.md, "Dispatch"): the free agents of the case's
pool are read in the opening's read transaction, and the write transaction adds at most two
statements — the claim of a place and the assignment row. Everything else (escalations, cases
that end, agents that leave) runs only on the rarer changes that need it, and each of those
moves closes the holding it ends in the assignment history (decision 0025), with the reason
and the actor who set it off.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aftersales.domain.actors import Actor, Role
from aftersales.domain.case import Case
from aftersales.domain.cases_types import CaseState, CaseType
from aftersales.store.uow import UnitOfWork
from aftersales.triage.agents import Agent
from aftersales.triage.dispatch import AgentSlot, Ticket, assign_all, choose_agent, route
from aftersales.triage.holdings import Move, MoveReason

__all__ = [
    "DISPATCH",
    "DISPATCHER",
    "Opening",
    "candidates",
    "claim_for",
    "drain",
    "follow",
    "hand_over",
    "place",
    "prepare",
    "release",
    "ticket_of",
]

DISPATCH = "dispatch"  # who assigned a case automatically (an operator's name otherwise)
# Who set a move off when it followed from another case's: a place freed took a waiting case.
DISPATCHER = Actor(Role.SYSTEM, DISPATCH)

# Events after which an inactive case has just left its agent's hands.
_ENDINGS = frozenset(
    {
        "proposal_accepted",
        "proposal_stood",
        "first_response_missed",
        "policy_granted",
        "arbitrated",
        "service_completed",
        "cancelled",
    }
)
# Events after which an escalated case has just come into the platform's hands (a complaint
# whose first-response deadline passed escalates too).
_TO_PLATFORM = frozenset({"escalated", "appealed", "first_response_missed"})


def ticket_of(case: Case, now: datetime, *, queue: str | None = None) -> Ticket:
    """The case as dispatch sees it, from its assessment at opening (``queue``: file it there
    instead of where the assessment sent it)."""
    assert case.facts is not None
    assessment: Mapping[str, Any] = case.assessment or {}
    triage: Mapping[str, Any] = assessment.get("triage") or {}
    decision: Mapping[str, Any] = assessment.get("decision") or {}
    safety = bool(
        triage.get("safety") or decision.get("emergency") or case.type is CaseType.SAFETY_REPORT
    )
    target = route(
        queue or assessment.get("queue") or "general",
        safety=safety,
        escalated=case.state is CaseState.ESCALATED,
    )
    return Ticket(
        case_id=case.id,
        merchant_id=case.facts.merchant_id,
        queue=target.queue,
        platform=target.platform,
        category=case.facts.category,
        language=str(triage.get("language") or "unknown"),
        safety=safety,
        severity=str(decision.get("severity") or triage.get("severity") or "moderate"),
        queued_at=now,
    )


def candidates(uow: UnitOfWork, ticket: Ticket) -> list[AgentSlot]:
    """The online agents of the ticket's pool who have room (read before the write)."""
    return uow.agents.free(None if ticket.platform else ticket.merchant_id)


def claim_for(uow: UnitOfWork, ticket: Ticket, pool: Sequence[AgentSlot]) -> str | None:
    """Take a place with the best agent of ``pool`` who still has one; None if nobody has."""
    left = list(pool)
    while (agent := choose_agent(ticket, left)) is not None:
        if uow.agents.claim(agent.id):
            return agent.id
        left.remove(agent)  # filled up or went offline since the pool was read: the next best
    return None


@dataclass(frozen=True, slots=True)
class Opening:
    """What dispatch read for a new case before the write: its ticket and who could take it.

    No ticket for a case the policy settled at once (a refund granted): nobody has work on it."""

    ticket: Ticket | None
    pool: tuple[AgentSlot, ...] = ()


def prepare(uow: UnitOfWork, case: Case, now: datetime) -> Opening:
    """Read, in the opening's read transaction, the free agents of the new case's pool."""
    if not case.is_active:
        return Opening(None)
    ticket = ticket_of(case, now)
    return Opening(ticket, tuple(candidates(uow, ticket)))


def place(uow: UnitOfWork, opening: Opening, now: datetime) -> str | None:
    """File a new case with the least-loaded qualified agent, or in the backlog: a claim and
    an insert, nothing else."""
    if opening.ticket is None:
        return None
    agent_id = claim_for(uow, opening.ticket, opening.pool)
    uow.assignments.add(opening.ticket, agent_id, now, DISPATCH)
    return agent_id


def follow(uow: UnitOfWork, case: Case, now: datetime) -> None:
    """After a change to the case (before it is saved): free its agent when the case has left
    the agent's hands, and hand it to the platform when it was escalated or appealed."""
    if not case.is_active:
        if (ending := _cause(case, _ENDINGS)) is not None:
            release(uow, case.id, Move(MoveReason.RELEASED, ending, now))
    elif case.state is CaseState.ESCALATED and (escalation := _cause(case, _TO_PLATFORM)):
        _to_platform(uow, case, Move(MoveReason.ESCALATED, escalation, now))


def _cause(case: Case, kinds: frozenset[str]) -> Actor | None:
    """Who acted in the latest of the case's new events of these kinds, if there is one."""
    return next((e.actor for e in reversed(case.pending) if e.kind in kinds), None)


def release(uow: UnitOfWork, case_id: str, move: Move) -> None:
    """End the case's assignment; its agent takes the next waiting case, if any."""
    _, agent_id = uow.assignments.release(case_id, move)
    if agent_id is not None:
        uow.agents.give_back([agent_id])
        drain(uow, agent_id, move.at)


def drain(uow: UnitOfWork, agent_id: str, now: datetime, by: Actor = DISPATCHER) -> int:
    """Give the agent waiting cases of its pool up to its capacity; how many it took.

    ``by``: who gave the agent room (added it, brought it online, raised its capacity); by
    default dispatch itself, when one of the agent's cases left it."""
    agent = uow.agents.get(agent_id, for_update=True)
    if agent is None or not agent.online or agent.open_cases >= agent.capacity:
        return 0
    waiting = uow.assignments.backlog(agent.merchant_id, agent.queues, lock=True)
    taken = [t.case_id for t, a in assign_all(waiting, [agent.slot]) if a is not None]
    if taken:
        move = Move(MoveReason.TAKEN_FROM_BACKLOG, by, now)
        uow.assignments.hand_to([(c, agent.id) for c in taken], move, DISPATCH)
        uow.agents.update(agent.id, now, open_cases=agent.open_cases + len(taken))
    return len(taken)


def hand_over(uow: UnitOfWork, agent: Agent, now: datetime, by: Actor) -> tuple[int, int]:
    """Move the cases of an agent who leaves (``by`` set it offline) to the others of its pool,
    safety first; the rest wait in the backlog. Returns (reassigned, waiting).

    Locks in the order every case change takes them: the cases' assignment rows, then the
    agents. The agent's cases are read again under the agents' locks, so a case opened onto
    it meanwhile moves too."""
    uow.assignments.held_by(agent.id, lock=True)
    uow.agents.lock_pool(agent.merchant_id)
    held = uow.assignments.held_by(agent.id, lock=True)
    others = [a for a in uow.agents.free(agent.merchant_id) if a.id != agent.id]
    moves: list[tuple[str, str | None]] = []
    for ticket, chosen in assign_all(held, others):
        # The plan counts places as it fills them; the claim checks each one is still free.
        won = chosen is not None and uow.agents.claim(chosen.id)
        moves.append((ticket.case_id, chosen.id if won and chosen else None))
    uow.assignments.hand_to(moves, Move(MoveReason.AGENT_OFFLINE, by, now), DISPATCH)
    uow.agents.update(agent.id, now, open_cases=0)
    moved = sum(1 for _, a in moves if a is not None)
    return moved, len(moves) - moved


def _to_platform(uow: UnitOfWork, case: Case, move: Move) -> None:
    now = move.at
    current = uow.assignments.get(case.id, for_update=True)
    if current is not None and current.active and current.ticket.platform:
        return  # already the platform's (a safety case, or one people triage)
    ticket = ticket_of(case, now, queue=current.ticket.queue if current else None)
    previous = current.agent_id if current is not None and current.active else None
    pool = candidates(uow, ticket)
    uow.agents.lock([a.id for a in pool] + ([previous] if previous else []))
    if previous is not None:
        uow.agents.give_back([previous])
        drain(uow, previous, now)
    agent_id = claim_for(uow, ticket, pool)
    if current is None:
        uow.assignments.add(ticket, agent_id, now, DISPATCH)
    else:
        uow.assignments.refile(ticket, agent_id, now, DISPATCH, move)
