"""An operator (re)assigns a case: to another queue, to a named agent, or both; and may correct
the issue type triage gave it (the correction is what ``triage train --from-db`` learns from).

The tenant boundary holds for operators too: a merchant's case goes only to that merchant's
agents, a platform case only to platform agents. A named agent must be online and have room.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from aftersales.domain.actors import Actor, Role
from aftersales.domain.case import Case
from aftersales.domain.case_refusals import STATE_NAMES
from aftersales.domain.cases_types import CaseState
from aftersales.errors import (
    AftersalesError,
    ErrorCode,
    InvalidTransition,
    PermissionDenied,
    Text,
    ValidationFailed,
)
from aftersales.services import dispatch
from aftersales.services.agents import merchant_queues
from aftersales.services.cases import load_visible
from aftersales.services.context import Context
from aftersales.store.assignments import Assignment
from aftersales.store.uow import UnitOfWork
from aftersales.triage import SAFETY_ISSUE_TYPES
from aftersales.triage.dispatch import KNOWN_QUEUES, Ticket, in_pool, route
from aftersales.triage.holdings import Move, MoveReason

__all__ = ["Assign", "assign"]


@dataclass(frozen=True, slots=True)
class Assign:
    agent_id: str | None = None
    queue: str | None = None
    issue_type: str | None = None  # the operator's reading of the complaint


def assign(ctx: Context, actor: Actor, case_id: str, cmd: Assign) -> Assignment:
    """Move the case to the queue and/or agent given; without an agent, the least-loaded
    qualified one of the (new) queue takes it, or it waits."""
    if actor.role is not Role.OPERATOR:
        raise PermissionDenied(
            Text("only a platform operator assigns cases", "只有平台运营可以派发售后单")
        )
    if cmd.agent_id is None and cmd.queue is None and cmd.issue_type is None:
        raise ValidationFailed(
            Text(
                "give an agent_id, a queue or an issue_type",
                "请至少提供 agent_id、queue 或 issue_type 中的一项",
            )
        )
    now = ctx.clock.now()
    by = f"operator:{actor.subject or 'platform'}"
    with ctx.uow() as uow:
        case = load_visible(uow, actor, case_id, for_update=True)
        if not case.is_active:
            text = Text(
                f"cannot assign a case that is {case.state}",
                f"售后单当前状态为「{STATE_NAMES[case.state]}」，无法派发",
            )
            raise InvalidTransition(text, state=case.state)
        if cmd.queue is not None:
            _check_queue(ctx, uow, cmd.queue)
        current = uow.assignments.get(case.id, for_update=True)
        ticket = _target(case, current, cmd, now)
        previous = current.agent_id if current is not None and current.active else None
        # The same agent in the same queue keeps its place: only a label changes.
        kept = _keeps(current, ticket, cmd.agent_id, previous)
        agent_id = previous if kept else _take_place(uow, ticket, cmd.agent_id, previous)
        move = Move(MoveReason.REASSIGNED, actor, now)
        _store(uow, current, ticket, agent_id, move, by, claimed=not kept)
        if cmd.issue_type is not None:
            uow.assignments.correct(case.id, cmd.issue_type)
        found = uow.assignments.get(case.id)
        uow.commit()
    assert found is not None
    return found


def _check_queue(ctx: Context, uow: UnitOfWork, queue: str) -> None:
    known = KNOWN_QUEUES | merchant_queues(ctx, uow)
    if queue not in known:
        names = sorted(known)
        raise ValidationFailed(
            Text(
                f"unknown queue {queue}; known: {', '.join(names)}",
                f"未知队列 {queue}；可选队列：{'、'.join(names)}",
            )
        )


def _target(case: Case, current: Assignment | None, cmd: Assign, now: datetime) -> Ticket:
    """Where the case goes: the queue given (or its own), rerouted by the same rules as at
    opening, so a safety or escalated case stays with the platform."""
    base = current.ticket if current is not None else dispatch.ticket_of(case, now)
    safety = base.safety if cmd.issue_type is None else cmd.issue_type in SAFETY_ISSUE_TYPES
    queue = cmd.queue or base.queue
    moved = queue != base.queue or safety != base.safety
    target = route(queue, safety=safety, escalated=case.state is CaseState.ESCALATED)
    return replace(
        base,
        queue=target.queue,
        platform=target.platform,
        safety=safety,
        queued_at=now if moved or current is None else base.queued_at,
    )


def _keeps(
    current: Assignment | None, ticket: Ticket, named: str | None, previous: str | None
) -> bool:
    if previous is None or current is None or named not in (None, previous):
        return False
    return (current.ticket.queue, current.ticket.platform) == (ticket.queue, ticket.platform)


def _take_place(
    uow: UnitOfWork, ticket: Ticket, agent_id: str | None, previous: str | None
) -> str | None:
    """A place with the named agent, or with the best one free (None: the case waits).

    The agents it may touch are locked first, in id order (see ``AgentRepository.lock``)."""
    if agent_id is None:
        pool = dispatch.candidates(uow, ticket)
        uow.agents.lock([a.id for a in pool] + ([previous] if previous else []))
        return dispatch.claim_for(uow, ticket, pool)
    uow.agents.lock([agent_id] + ([previous] if previous else []))
    agent = uow.agents.get(agent_id)
    if agent is None:
        text = Text(f"agent {agent_id} is unknown", f"客服 {agent_id} 不存在")
        raise AftersalesError(text, code=ErrorCode.UNKNOWN_REFERENCE, errors=[text.en])
    if not in_pool(agent.slot, ticket):
        raise ValidationFailed(_not_serving(agent_id, ticket))
    if not uow.agents.claim(agent_id):
        state = _OFFLINE if not agent.online else _FULL
        raise AftersalesError(
            Text(f"agent {agent_id} is {state.en}", f"客服 {agent_id} {state.zh}"),
            code=ErrorCode.AGENT_UNAVAILABLE,
        )
    return agent_id


_OFFLINE = Text("offline", "已离线")
_FULL = Text("at capacity", "接单已满")


def _not_serving(agent_id: str, ticket: Ticket) -> Text:
    if ticket.platform:
        whose = Text("the platform's", "平台")
    else:
        whose = Text(f"merchant {ticket.merchant_id}'s", f"商家 {ticket.merchant_id} ")
    return Text(
        f"agent {agent_id} does not serve {whose.en} cases",
        f"客服 {agent_id} 不负责{whose.zh}的售后单",
    )


def _store(
    uow: UnitOfWork,
    current: Assignment | None,
    ticket: Ticket,
    agent_id: str | None,
    move: Move,
    by: str,
    *,
    claimed: bool,
) -> None:
    """Write the assignment (``claimed``: a place was taken with ``agent_id`` for it); the
    previous agent, if it changed, frees its place and takes the next waiting case."""
    if current is None:
        uow.assignments.add(ticket, agent_id, move.at, by)
        return
    previous = current.agent_id if current.active else None
    if agent_id == previous:
        if claimed and agent_id is not None:
            uow.agents.give_back([agent_id])  # a second place for a case it already holds
        since, who = current.assigned_at or move.at, current.assigned_by or by
        uow.assignments.refile(ticket, agent_id, since, who, move)
        return
    uow.assignments.refile(ticket, agent_id, move.at, by, move)
    if previous is not None:
        uow.agents.give_back([previous])
        dispatch.drain(uow, previous, move.at)
