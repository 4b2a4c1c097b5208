"""The queues people work from: the merchant's cases by SLA deadline, the platform's arbitration."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aftersales.console.case_view import DUE_SOON, clock_of
from aftersales.console.render import page
from aftersales.console.routing import ConsoleRoute
from aftersales.console.viewer import Viewer, context_of, roles
from aftersales.domain.actors import Role
from aftersales.domain.case import Case
from aftersales.domain.cases_types import ACTIVE_STATES, CaseState
from aftersales.services.cases import list_cases
from aftersales.store.cases import CaseQuery

__all__ = ["router"]

router = APIRouter(route_class=ConsoleRoute)

Merchant = Annotated[Viewer, roles(Role.MERCHANT_AGENT)]
Operator = Annotated[Viewer, roles(Role.OPERATOR)]
QUEUE = 100


@router.get("/queue")
def queue(request: Request, viewer: Merchant) -> Response:
    """The merchant's open cases, the nearest deadline first, each with its countdown."""
    ctx = context_of(request)
    now = ctx.clock.now()
    running = [s.value for s in ACTIVE_STATES if s is not CaseState.ESCALATED]
    due = list_cases(ctx, viewer.actor, CaseQuery(states=running, sort="deadline", limit=QUEUE))
    rows = []
    for case in due:
        deadline = case.next_deadline()
        assert deadline is not None  # the deadline sort lists only cases with one
        rows.append((case, clock_of(viewer.tr, "common.deadline", deadline, now)))
    escalated = list_cases(
        ctx, viewer.actor, CaseQuery(states=[CaseState.ESCALATED.value], limit=QUEUE)
    )
    hours = int(DUE_SOON.total_seconds() // 3600)
    return page(request, viewer, "queue.html", rows=rows, escalated=escalated, hours=hours)


@router.get("/arbitration")
def arbitration(request: Request, viewer: Operator) -> Response:
    """Cases waiting for the platform's verdict, the longest waiting first."""
    ctx = context_of(request)
    query = CaseQuery(states=[CaseState.ESCALATED.value], limit=QUEUE)
    waiting = sorted(list_cases(ctx, viewer.actor, query), key=_waiting_since)
    return page(request, viewer, "arbitration.html", cases=waiting)


def _waiting_since(case: Case) -> datetime:
    since = case.escalated_at or case.opened_at
    assert since is not None  # a stored case has been opened
    return since
