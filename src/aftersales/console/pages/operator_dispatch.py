"""Dispatch for the platform: every agent with its skills, capacity and load, each queue's
backlog, the cases waiting for an agent, and (for operators) moving a case to another queue or
agent (``services.assignment.assign``), adding an agent and changing an agent's presence or
capacity (``services.agents``), each as the API does. Auditors read it without a form.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from aftersales.api.dispatch_schemas import AgentCreate, AgentPatch, AssignCreate
from aftersales.api.routes.cases import ID_PATTERN
from aftersales.console import charts
from aftersales.console.forms import fields, parse
from aftersales.console.i18n import Translator
from aftersales.console.pages.merchant_common import submit, typed_list
from aftersales.console.pages.operator_common import Operator, Reader, form_of
from aftersales.console.render import page
from aftersales.console.routing import ConsoleRoute
from aftersales.console.texts import TEXTS
from aftersales.console.viewer import Viewer, context_of
from aftersales.domain.actors import Actor, Role
from aftersales.errors import ValidationFailed
from aftersales.scoring.texts import Text
from aftersales.services.agents import AgentUpdate, add_agent, update_agent
from aftersales.services.assignment import Assign, assign
from aftersales.services.assignment_history import case_holdings
from aftersales.services.context import Context
from aftersales.services.dispatch_board import DispatchBoard, dispatch_board
from aftersales.store.assignments import Assignment
from aftersales.triage.agents import Agent
from aftersales.triage.dispatch import KNOWN_QUEUES, Ticket, in_pool

__all__ = ["router"]

router = APIRouter(route_class=ConsoleRoute)

AgentId = Annotated[str, Path(min_length=1, max_length=40, pattern=ID_PATTERN)]


@router.get("/dispatch")
def dispatch(request: Request, viewer: Reader) -> Response:
    return _dispatch_page(request, viewer)


@router.post("/dispatch/agents")
async def add(request: Request, viewer: Operator) -> Response:
    """Add an agent; online, it takes the waiting cases of its pool at once."""
    form = await form_of(request, viewer)
    values: dict[str, object] = {
        **{k: v for k, v in fields(form, "name", "merchant_id", "capacity").items() if v.strip()},
        "queues": _ticked(form, "queues"),
        "languages": _ticked(form, "languages"),
        "categories": typed_list(form.get("categories")),
        "online": form.get("online") == "on",
    }
    ctx = context_of(request)

    def add_it() -> object:
        return add_agent(ctx, viewer.actor, parse(AgentCreate, values).to_command())

    def shown(error: dict[str, str], status: int) -> Response:
        return _dispatch_page(request, viewer, error, status, typed=values)

    return await submit(request, viewer, add_it, "/console/dispatch?done=agent_added", shown)


@router.post("/dispatch/agents/{agent_id}")
async def change(request: Request, viewer: Operator, agent_id: AgentId) -> Response:
    """Presence and capacity: offline hands the agent's cases to the others of its pool."""
    values = fields(await form_of(request, viewer), "online", "capacity")
    ctx = context_of(request)

    def change_it() -> object:
        chosen: dict[str, object] = {"online": values.get("online") == "on"}
        if values.get("capacity", "").strip():
            chosen["capacity"] = values["capacity"]
        body = parse(AgentPatch, chosen)
        return update_agent(ctx, viewer.actor, agent_id, AgentUpdate(body.online, body.capacity))

    def shown(error: dict[str, str], status: int) -> Response:
        return _dispatch_page(request, viewer, error, status)

    return await submit(request, viewer, change_it, "/console/dispatch?done=agent_changed", shown)


@router.post("/dispatch/assign")
async def reassign(request: Request, viewer: Operator) -> Response:
    """Move a case to another queue and/or agent; without either, dispatch it again: a waiting
    case goes to the least-loaded agent of its pool who fits, or keeps waiting."""
    values = fields(await form_of(request, viewer), "case_id", "queue", "agent_id")
    ctx = context_of(request)

    def move() -> Assignment:
        case_id = _case_id(values.get("case_id", ""))
        chosen = {k: v for k, v in values.items() if k != "case_id" and v}
        if not chosen:
            return _dispatch_again(ctx, viewer.actor, case_id)
        body = parse(AssignCreate, chosen)
        return assign(ctx, viewer.actor, case_id, Assign(body.agent_id, body.queue))

    def shown(error: dict[str, str], status: int) -> Response:
        return _dispatch_page(request, viewer, error, status, moving=values)

    return await submit(request, viewer, move, _moved, shown)


def _dispatch_again(ctx: Context, actor: Actor, case_id: str) -> Assignment:
    """The case in its own queue again, which gives a waiting case to the best agent free.

    The service keeps a case with the agent holding it when neither the queue nor the agent
    changes, so such a case is refused with what to choose instead."""
    holdings = case_holdings(ctx, actor, case_id)
    now = holdings[-1] if holdings and holdings[-1].held_until is None else None
    if now is None:
        raise ValidationFailed(
            f"case {case_id} is in no queue: choose a queue",
            text=_text("dispatch.move.no_queue"),
        )
    if now.agent_id is not None:
        raise ValidationFailed(
            f"case {case_id} is with agent {now.agent_id}: choose another agent or queue",
            text=_text("dispatch.move.held", agent=now.agent_id),
        )
    return assign(ctx, actor, case_id, Assign(queue=now.queue))


def _text(key: str, **values: str) -> Text:
    """A console sentence in both languages, for a refusal the page shows in the reader's."""
    en, zh = TEXTS[key]
    return Text(en.format(**values), zh.format(**values))


def _moved(made: Assignment) -> str:
    """Where a move sends the operator: the board, saying whether the case still waits."""
    done = "reassigned" if made.agent_id is not None else "still_waiting"
    return f"/console/dispatch?done={done}"


def _dispatch_page(
    request: Request,
    viewer: Viewer,
    error: dict[str, str] | None = None,
    status: int = 200,
    typed: dict[str, object] | None = None,
    moving: dict[str, str] | None = None,
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
        typed=typed or {"languages": ["zh"], "online": True},
        moving=moving or {},
    )


def _ticked(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str)]


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
        raise ValidationFailed(
            Text(
                "case_id: give the number of a case, such as cs_000000000123",
                "case_id: 请填写售后单号，例如 cs_000000000123",
            )
        )
    return found
