"""Routes of dispatch: agents (add, read, presence and capacity) and a case's assignment.

Visibility (docs/triage.md, "Dispatch"): operators, auditors and the integration see every
agent; a merchant's token sees its own merchant's agents, and any other agent does not exist for
it. Only operators assign a case by hand. A case's assignment history is read by operators,
auditors and the case's merchant (the holdings in its own pool only).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response

from aftersales.api.deps import CtxDep, IdempotencyDep, role
from aftersales.api.dispatch_schemas import (
    AgentCreate,
    AgentPatch,
    AgentPublic,
    AgentsPublic,
    AssignCreate,
    AssignmentPublic,
    HoldingPublic,
    HoldingsPublic,
)
from aftersales.api.responses import model_response
from aftersales.api.routes.cases import ID_PATTERN, CaseId
from aftersales.domain.actors import Actor, Role
from aftersales.services import agents as uc
from aftersales.services.assignment import Assign, assign
from aftersales.services.assignment_history import case_holdings

router = APIRouter(prefix="/agents", tags=["dispatch"])
cases_router = APIRouter(prefix="/cases", tags=["dispatch"])

Manager = Annotated[Actor, role(Role.OPERATOR, Role.INTEGRATION)]
Editor = Annotated[Actor, role(Role.OPERATOR, Role.INTEGRATION, Role.MERCHANT_AGENT)]
Reader = Annotated[Actor, role(Role.OPERATOR, Role.INTEGRATION, Role.MERCHANT_AGENT, Role.AUDITOR)]
Operator = Annotated[Actor, role(Role.OPERATOR)]
HistoryReader = Annotated[Actor, role(Role.OPERATOR, Role.AUDITOR, Role.MERCHANT_AGENT)]
AgentId = Annotated[str, Path(min_length=1, max_length=40, pattern=ID_PATTERN)]


@router.post("", status_code=201, response_model=AgentPublic)
def add_agent(body: AgentCreate, ctx: CtxDep, actor: Manager, idem: IdempotencyDep) -> Response:
    """Add an agent; online, it takes waiting cases of its pool at once."""
    cmd = body.to_command()
    return idem.run(body, lambda: (201, AgentPublic.of_change(uc.add_agent(ctx, actor, cmd))))


@router.get("", response_model=AgentsPublic)
def list_agents(
    ctx: CtxDep,
    actor: Reader,
    merchant_id: Annotated[str | None, Query(max_length=64, pattern=ID_PATTERN)] = None,
    platform: Annotated[bool | None, Query()] = None,
) -> Response:
    """Agents by name (``platform=true``: the platform's own), with the number of waiting cases."""
    found, waiting = uc.list_agents(ctx, actor, merchant_id, platform)
    return model_response(AgentsPublic(items=[AgentPublic.of(a) for a in found], waiting=waiting))


@router.get("/{agent_id}", response_model=AgentPublic)
def get_agent(agent_id: AgentId, ctx: CtxDep, actor: Reader) -> Response:
    """One agent with the active cases it holds."""
    return model_response(AgentPublic.of_view(uc.get_agent(ctx, actor, agent_id)))


@router.patch("/{agent_id}", response_model=AgentPublic)
def update_agent(agent_id: AgentId, body: AgentPatch, ctx: CtxDep, actor: Editor) -> Response:
    """Presence and capacity. Offline hands its cases to others of its pool (or the backlog);
    online or more room takes waiting cases."""
    cmd = uc.AgentUpdate(online=body.online, capacity=body.capacity)
    return model_response(AgentPublic.of_change(uc.update_agent(ctx, actor, agent_id, cmd)))


@cases_router.post("/{case_id}/assign", response_model=AssignmentPublic)
def assign_case(case_id: CaseId, body: AssignCreate, ctx: CtxDep, actor: Operator) -> Response:
    """Move a case to a queue and/or a named agent; correct its issue type."""
    cmd = Assign(agent_id=body.agent_id, queue=body.queue, issue_type=body.issue_type)
    return model_response(AssignmentPublic.of(assign(ctx, actor, case_id, cmd)))


@cases_router.get("/{case_id}/assignments", response_model=HoldingsPublic)
def case_assignments(case_id: CaseId, ctx: CtxDep, actor: HistoryReader) -> Response:
    """Who held the case, from when to when, and why it moved; the current holder last."""
    items = [HoldingPublic.of(h) for h in case_holdings(ctx, actor, case_id)]
    return model_response(HoldingsPublic(case_id=case_id, items=items))
