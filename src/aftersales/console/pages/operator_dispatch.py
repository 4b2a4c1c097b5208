"""Dispatch for the platform: every agent with its skills, capacity and load, each queue's
backlog, the cases waiting for an agent, and (for operators) moving a case to another queue or
agent (``services.assignment.assign``, as the API). Auditors read it without a form.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aftersales.api.dispatch_schemas import AssignCreate
from aftersales.api.routes.cases import ID_PATTERN
from aftersales.console import charts
from aftersales.console.forms import fields, parse
from aftersales.console.i18n import Translator
from aftersales.console.pages.merchant_common import submit
from aftersales.console.pages.operator_common import Operator, Reader, form_of
from aftersales.console.render import page
from aftersales.console.routing import ConsoleRoute
from aftersales.console.viewer import Viewer, context_of
from aftersales.domain.actors import Role
from aftersales.errors import ValidationFailed
from aftersales.services.assignment import Assign, assign
from aftersales.services.dispatch_board import DispatchBoard, dispatch_board
from aftersales.triage.agents import Agent
from aftersales.triage.dispatch import KNOWN_QUEUES, Ticket, in_pool

__all__ = ["router"]

router = APIRouter(route_class=ConsoleRoute)


@router.get("/dispatch")
def dispatch(request: Request, viewer: Reader) -> Response:
    return _dispatch_page(request, viewer)


@router.post("/dispatch/assign")
async def reassign(request: Request, viewer: Operator) -> Response:
    """Move a case to another queue and/or agent; without an agent, the least-loaded qualified
    one of its queue takes it, or it waits."""
    values = fields(await form_of(request, viewer), "case_id", "queue", "agent_id")
    ctx = context_of(request)

    def move() -> object:
        case_id = _case_id(values.get("case_id", ""))
        chosen = {k: v for k, v in values.items() if k != "case_id" and v}
        body = parse(AssignCreate, chosen)
        return assign(ctx, viewer.actor, case_id, Assign(body.agent_id, body.queue))

    def shown(error: dict[str, str], status: int) -> Response:
        return _dispatch_page(request, viewer, error, status)

    return await submit(request, viewer, move, "/console/dispatch?done=reassigned", shown)


def _dispatch_page(
    request: Request, viewer: Viewer, error: dict[str, str] | None = None, status: int = 200
) -> Response:
    board = dispatch_board(context_of(request), viewer.actor)
    return page(
        request,
        viewer,
        "operator_dispatch.html",
        status=status,
        error=error,
        board=board,
        backlog=_backlog_chart(viewer.tr, board),
        choices={t.case_id: _takers(board.agents, t) for t in board.waiting},
        queues=sorted(KNOWN_QUEUES),
        may_assign=viewer.role is Role.OPERATOR,
    )


def _takers(agents: tuple[Agent, ...], ticket: Ticket) -> list[Agent]:
    """The agents of the case's pool who are online and have room: those a move can name."""
    return [a for a in agents if a.online and a.open_cases < a.capacity and in_pool(a.slot, ticket)]


def _backlog_chart(tr: Translator, board: DispatchBoard) -> str:
    """Waiting cases per queue, the platform's and the merchants' together (the table beside
    it splits them), most first."""
    waiting: dict[str, int] = {}
    for q in board.queues:
        waiting[q.queue] = waiting.get(q.queue, 0) + q.waiting
    rows = sorted(waiting.items(), key=lambda kv: (-kv[1], kv[0]))
    labelled = [(tr.label("queue", queue), float(n)) for queue, n in rows]
    return charts.hbars(tr.t("dispatch.backlog.chart"), labelled)


def _case_id(value: str) -> str:
    found = value.strip()
    if not re.fullmatch(ID_PATTERN, found) or len(found) > 40:
        raise ValidationFailed("case_id: give the number of a case, such as cs_000000000123")
    return found
