"""Use cases of agents: add one, read them, change presence or capacity (with the dispatch each
change sets off: a newcomer or a returning agent takes waiting cases, a leaver's cases move).

Who may do what (docs/triage.md, "Dispatch"): operators and the marketplace integration manage
every agent; a merchant's token reads and updates its own merchant's agents only, and to it any
other agent does not exist; auditors read.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from dataclasses import dataclass

from aftersales.domain.actors import Actor, Role
from aftersales.errors import AftersalesError, ErrorCode, NotFound, PermissionDenied, Text
from aftersales.services import dispatch
from aftersales.services.context import Context
from aftersales.store.uow import UnitOfWork
from aftersales.triage.agents import Agent, check_capacity, check_profile
from aftersales.triage.dispatch import PLATFORM_QUEUES

__all__ = [
    "AddAgent",
    "AgentChange",
    "AgentUpdate",
    "AgentView",
    "add_agent",
    "get_agent",
    "list_agents",
    "merchant_queues",
    "update_agent",
]

_MANAGERS = frozenset({Role.OPERATOR, Role.INTEGRATION})
_READERS = _MANAGERS | {Role.AUDITOR, Role.MERCHANT_AGENT}


@dataclass(frozen=True, slots=True)
class AddAgent:
    name: str
    merchant_id: str | None  # None: a platform agent
    queues: tuple[str, ...]
    languages: tuple[str, ...]
    capacity: int
    categories: tuple[str, ...] = ()
    online: bool = True


@dataclass(frozen=True, slots=True)
class AgentUpdate:
    online: bool | None = None
    capacity: int | None = None


@dataclass(frozen=True, slots=True)
class AgentView:
    agent: Agent
    case_ids: tuple[str, ...] = ()  # the active cases it holds


@dataclass(frozen=True, slots=True)
class AgentChange:
    """An agent after a change, and what dispatch did about it."""

    view: AgentView
    reassigned: int = 0  # its cases handed to others (it went offline)
    waiting: int = 0  # its cases nobody could take, now in the backlog
    taken: int = 0  # waiting cases it took (it came online or has more room)


def add_agent(ctx: Context, actor: Actor, cmd: AddAgent) -> AgentChange:
    """Add an agent; if online, it takes waiting cases of its pool at once."""
    if actor.role not in _MANAGERS:
        raise PermissionDenied(
            Text(
                "only operators and the integration add agents",
                "只有平台运营或平台系统可以添加客服",
            )
        )
    now = ctx.clock.now()
    with ctx.uow() as uow:
        _check(ctx, uow, cmd)
        agent = Agent(
            id=ctx.ids("ag"),
            merchant_id=cmd.merchant_id,
            name=cmd.name,
            queues=_unique(cmd.queues),
            languages=_unique(cmd.languages),
            categories=_unique(cmd.categories),
            capacity=cmd.capacity,
            online=cmd.online,
            open_cases=0,
            created_at=now,
            updated_at=now,
        )
        uow.agents.add(agent)
        taken = dispatch.drain(uow, agent.id, now, actor) if agent.online else 0
        view = _view(uow, agent.id)
        uow.commit()
    return AgentChange(view, taken=taken)


def list_agents(
    ctx: Context, actor: Actor, merchant_id: str | None = None, platform: bool | None = None
) -> tuple[list[Agent], int]:
    """The agents the actor may see (a merchant: its own), and how many cases wait for one."""
    _require_reader(actor)
    with ctx.uow(read_only=True) as uow:
        if actor.role is Role.MERCHANT_AGENT:
            if merchant_id not in (None, actor.subject) or platform:
                return [], 0
            merchant_id, platform = actor.subject, False
        found = uow.agents.search(merchant_id=merchant_id, platform=platform)
        waiting = uow.assignments.waiting(merchant_id, platform=platform)
    return found, waiting


def get_agent(ctx: Context, actor: Actor, agent_id: str) -> AgentView:
    _require_reader(actor)
    with ctx.uow(read_only=True) as uow:
        _load_visible(uow, actor, agent_id)
        return _view(uow, agent_id)


def update_agent(ctx: Context, actor: Actor, agent_id: str, cmd: AgentUpdate) -> AgentChange:
    """Change presence or capacity. Going offline hands the agent's cases to the others of its
    pool; coming online, or more room, takes waiting cases. Less room takes nothing away: the
    agent finishes what it holds and gets no more until it is below the new limit."""
    if actor.role is Role.AUDITOR:
        raise PermissionDenied(
            Text("auditors read agents; they do not change them", "审计人员只能查看客服，不能修改")
        )
    _require_reader(actor)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        agent = _load_visible(uow, actor, agent_id)
        capacity = agent.capacity if cmd.capacity is None else cmd.capacity
        online = agent.online if cmd.online is None else cmd.online
        check_capacity(capacity)
        reassigned = waiting = taken = 0
        if agent.online and not online:
            # hand_over takes the locks itself, cases' rows before agents'
            reassigned, waiting = dispatch.hand_over(uow, agent, now, actor)
        else:
            uow.agents.lock([agent.id])
        uow.agents.update(agent.id, now, online=online, capacity=capacity)
        if online:
            taken = dispatch.drain(uow, agent.id, now, actor)
        view = _view(uow, agent.id)
        uow.commit()
    return AgentChange(view, reassigned, waiting, taken)


def merchant_queues(ctx: Context, uow: UnitOfWork) -> frozenset[str]:
    """The queues the policy in force may route a merchant's cases to."""
    return frozenset(ctx.policy.current(uow).manifest.vocabulary.queues) - PLATFORM_QUEUES


def _check(ctx: Context, uow: UnitOfWork, cmd: AddAgent) -> None:
    check_profile(
        merchant_id=cmd.merchant_id,
        queues=cmd.queues,
        languages=cmd.languages,
        categories=cmd.categories,
        capacity=cmd.capacity,
        merchant_queues=merchant_queues(ctx, uow),
    )
    if cmd.merchant_id is not None and uow.catalog.get_merchant(cmd.merchant_id) is None:
        text = Text(f"merchant {cmd.merchant_id} is unknown", f"商家 {cmd.merchant_id} 不存在")
        raise AftersalesError(text, code=ErrorCode.UNKNOWN_REFERENCE, errors=[text.en])


def _load_visible(
    uow: UnitOfWork, actor: Actor, agent_id: str, *, for_update: bool = False
) -> Agent:
    """The agent, if the actor may see it; to anyone else it does not exist."""
    agent = uow.agents.get(agent_id, for_update=for_update)
    hidden = actor.role is Role.MERCHANT_AGENT and (
        agent is None or agent.merchant_id != actor.subject
    )
    if agent is None or hidden:
        raise NotFound(Text(f"agent {agent_id} not found", f"找不到客服 {agent_id}"))
    return agent


def _view(uow: UnitOfWork, agent_id: str) -> AgentView:
    agent = uow.agents.get(agent_id)
    assert agent is not None
    return AgentView(agent, tuple(uow.assignments.held_ids(agent_id)))


def _require_reader(actor: Actor) -> None:
    if actor.role not in _READERS:
        raise PermissionDenied(
            Text(
                "this needs an operator, auditor, integration or merchant token",
                "此操作需要平台运营、审计、平台系统或商家客服的访问令牌",
            )
        )


def _unique(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
