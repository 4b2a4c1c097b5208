"""``aftersales agent``: add agents, list them, set presence and capacity, assign a case, read
who held a case.

The command line acts as a platform operator (``--operator`` names who, for the record); it
calls the same use cases as the API.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aftersales.cli.common import DbOption, err, errors_on_one_line, out, with_context
from aftersales.domain.actors import Actor, Role

if TYPE_CHECKING:  # triage loads the policy engine and numpy: not for `aftersales --help`
    from aftersales.triage.agents import Agent
    from aftersales.triage.holdings import Holding

agent_app = typer.Typer(
    help="Agents who work the queues: add, list, presence, capacity; assign a case; its history.",
    no_args_is_help=True,
)


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"


class Presence(StrEnum):
    ONLINE = "online"
    OFFLINE = "offline"


OperatorOption = Annotated[str, typer.Option("--operator", help="Who is acting (recorded).")]


@agent_app.command("add")
@errors_on_one_line
def add(
    name: Annotated[str, typer.Option(help="The agent's name.")],
    queue: Annotated[list[str], typer.Option(help="A queue it works (repeat for more).")],
    language: Annotated[list[str], typer.Option(help="zh or en (repeat for both).")],
    capacity: Annotated[int, typer.Option(help="Most open cases it holds at once.")],
    merchant: Annotated[
        str | None, typer.Option(help="The merchant it works for (none: a platform agent).")
    ] = None,
    category: Annotated[
        list[str] | None, typer.Option(help="A category it knows (none: every category).")
    ] = None,
    offline: Annotated[bool, typer.Option("--offline", help="Add it offline.")] = False,
    operator: OperatorOption = "cli",
    db: DbOption = None,
) -> None:
    """Add an agent; online, it takes waiting cases of its pool at once. Prints its id."""
    from aftersales.services.agents import AddAgent, add_agent

    cmd = AddAgent(
        name=name.strip(),
        merchant_id=merchant,
        queues=tuple(queue),
        languages=tuple(language),
        capacity=capacity,
        categories=tuple(category or ()),
        online=not offline,
    )
    change = with_context(db, lambda ctx: add_agent(ctx, _operator(operator), cmd))
    agent = change.view.agent
    err.print(f"added {_describe(agent)}; took {change.taken} waiting case(s)", highlight=False)
    print(agent.id)


@agent_app.command("list")
@errors_on_one_line
def list_command(
    merchant: Annotated[str | None, typer.Option(help="Only this merchant's agents.")] = None,
    platform: Annotated[bool, typer.Option("--platform", help="Only platform agents.")] = False,
    format: Annotated[Format, typer.Option("--format")] = Format.TEXT,
    db: DbOption = None,
) -> None:
    """Agents by name, with their load; how many cases wait for one."""
    from aftersales.services.agents import list_agents

    only_platform = True if platform else None
    found, waiting = with_context(
        db, lambda ctx: list_agents(ctx, _operator("cli"), merchant, only_platform)
    )
    if format is Format.JSON:
        print(
            json.dumps(
                {"items": [_row(a) for a in found], "waiting": waiting},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    for a in found:
        state = "online " if a.online else "offline"
        line = f"{a.id}  {state}  {a.open_cases}/{a.capacity}  {_describe(a)}"
        out.print(line, highlight=False, markup=False)
    err.print(f"{len(found)} agent(s); {waiting} case(s) waiting for an agent", highlight=False)


@agent_app.command("presence")
@errors_on_one_line
def presence(
    agent_id: str,
    state: Annotated[Presence, typer.Argument(help="online or offline")],
    operator: OperatorOption = "cli",
    db: DbOption = None,
) -> None:
    """Set an agent online (it takes waiting cases) or offline (its cases move to others)."""
    _update(db, operator, agent_id, online=state is Presence.ONLINE)


@agent_app.command("capacity")
@errors_on_one_line
def capacity_command(
    agent_id: str,
    capacity: Annotated[int, typer.Argument(help="Most open cases it holds at once.")],
    operator: OperatorOption = "cli",
    db: DbOption = None,
) -> None:
    """Change how many open cases an agent holds at once (more room takes waiting cases)."""
    _update(db, operator, agent_id, capacity=capacity)


@agent_app.command("assign")
@errors_on_one_line
def assign_command(
    case_id: str,
    agent: Annotated[str | None, typer.Option("--agent", help="The agent to take it.")] = None,
    queue: Annotated[str | None, typer.Option(help="The queue to move it to.")] = None,
    issue_type: Annotated[
        str | None, typer.Option(help="The issue type you read in the complaint.")
    ] = None,
    operator: OperatorOption = "cli",
    db: DbOption = None,
) -> None:
    """Move a case to a queue and/or an agent; correct its issue type."""
    from aftersales.errors import ValidationFailed
    from aftersales.services.assignment import Assign, assign
    from aftersales.triage import ISSUE_TYPES

    if issue_type is not None and issue_type not in ISSUE_TYPES:
        raise ValidationFailed(f"unknown issue type {issue_type}")
    cmd = Assign(agent_id=agent, queue=queue, issue_type=issue_type)
    found = with_context(db, lambda ctx: assign(ctx, _operator(operator), case_id, cmd))
    holder = found.agent_id or "nobody yet (waiting)"
    out.print(f"case {case_id} in {found.ticket.queue}: {holder}", highlight=False, markup=False)


@agent_app.command("history")
@errors_on_one_line
def history_command(
    case_id: str,
    format: Annotated[Format, typer.Option("--format")] = Format.TEXT,
    operator: OperatorOption = "cli",
    db: DbOption = None,
) -> None:
    """Who held a case, from when to when, and why it moved; the current holder last."""
    from aftersales.services.assignment_history import case_holdings

    found = with_context(db, lambda ctx: case_holdings(ctx, _operator(operator), case_id))
    if format is Format.JSON:
        body = {"case_id": case_id, "items": [_holding_row(h) for h in found]}
        print(json.dumps(body, ensure_ascii=False, indent=2))
        return
    for h in found:
        out.print(_holding_line(h), highlight=False, markup=False)
    err.print(f"{len(found)} holding(s)", highlight=False)


def _update(db: str | None, operator: str, agent_id: str, **change: Any) -> None:
    from aftersales.services.agents import AgentUpdate, update_agent

    cmd = AgentUpdate(**change)
    done = with_context(db, lambda ctx: update_agent(ctx, _operator(operator), agent_id, cmd))
    a = done.view.agent
    state = "online" if a.online else "offline"
    out.print(
        f"agent {a.id} {state}, {a.open_cases}/{a.capacity} open: {done.reassigned} case(s) "
        f"reassigned, {done.waiting} waiting, {done.taken} taken from the backlog",
        highlight=False,
    )


def _describe(a: Agent) -> str:
    whose = f"merchant {a.merchant_id}" if a.merchant_id else "platform"
    skills = ",".join(a.queues) + " " + ",".join(a.languages)
    if a.categories:
        skills += " " + ",".join(a.categories)
    return f"{a.name} ({whose}; {skills}; capacity {a.capacity})"


def _row(a: Agent) -> dict[str, Any]:
    return {
        "id": a.id,
        "merchant_id": a.merchant_id,
        "name": a.name,
        "queues": list(a.queues),
        "languages": list(a.languages),
        "categories": list(a.categories),
        "capacity": a.capacity,
        "online": a.online,
        "open_cases": a.open_cases,
    }


def _holding_row(h: Holding) -> dict[str, Any]:
    """A holding as the API answers it (``HoldingPublic``)."""
    return {
        "agent_id": h.agent_id,
        "queue": h.queue,
        "pool": "platform" if h.platform else "merchant",
        "held_from": h.held_from.isoformat(),
        "held_until": None if h.held_until is None else h.held_until.isoformat(),
        "reason": h.reason,
        "actor": None if h.actor is None else {"role": h.actor.role, "id": h.actor.subject},
    }


def _holding_line(h: Holding) -> str:
    pool = "platform" if h.platform else "merchant"
    holder = h.agent_id or "backlog"
    until = "now" if h.held_until is None else h.held_until.isoformat()
    line = f"{h.held_from.isoformat()} → {until}  {holder}  {h.queue} ({pool})"
    if h.reason is not None and h.actor is not None:
        who = h.actor.role if h.actor.subject is None else f"{h.actor.role}:{h.actor.subject}"
        line += f"  {h.reason} by {who}"
    return line


def _operator(name: str) -> Actor:
    return Actor(Role.OPERATOR, name)
