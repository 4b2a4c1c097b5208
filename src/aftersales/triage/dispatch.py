"""Dispatch: which pool of agents serves a case, and which agent of it takes the case.

Pure: agents and waiting cases come in as values, assignments go out; the service layer reads
and writes them. The rules (docs/decisions/0016-dispatch-and-first-replies.md):

* **Pools and the tenant boundary.** A merchant's agents only ever get that merchant's cases;
  platform agents (no merchant) get the platform's queues: people's triage of unclear
  complaints (``human_triage``), safety (``product_safety``, and ``food_safety`` for a hazard),
  risk reviews, and escalations (``arbitration``). Every other case stays with its merchant.
* **Qualified**: online, with spare capacity, in the case's pool, skilled for its queue, for its
  category (an agent without categories takes any), and speaking its language. For a safety
  case the language is a preference, not a condition: a person now beats a person who reads
  Chinese in an hour.
* **Least loaded**: the lowest share of capacity in use, then the most spare places, then id
  (so the choice is deterministic).
* **Safety first**: waiting cases are handed out safety cases first, then by severity, then
  oldest first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from aftersales.triage.labels import QUEUES, SEVERITIES

__all__ = [
    "ESCALATION_QUEUE",
    "KNOWN_QUEUES",
    "PLATFORM_QUEUES",
    "AgentSlot",
    "Route",
    "Ticket",
    "assign_all",
    "choose_agent",
    "in_pool",
    "priority",
    "qualifies",
    "route",
    "speaks",
]

ESCALATION_QUEUE = "arbitration"
# Served by the platform's own people only; ``food_safety`` is also a merchant queue (a
# grocer's own food desk) unless the case carries a hazard.
PLATFORM_QUEUES: frozenset[str] = frozenset(
    {"human_triage", "product_safety", "risk_review", ESCALATION_QUEUE}
)
KNOWN_QUEUES: frozenset[str] = frozenset(QUEUES) | PLATFORM_QUEUES
SAFETY_QUEUES: frozenset[str] = frozenset({"product_safety", "food_safety"})


@dataclass(frozen=True, slots=True)
class Route:
    queue: str
    platform: bool  # served by platform agents (else by the merchant's)


@dataclass(frozen=True, slots=True)
class AgentSlot:
    """An agent as dispatch sees it: who it serves, what it can do, how busy it is."""

    id: str
    merchant_id: str | None  # None: a platform agent
    queues: frozenset[str]
    languages: frozenset[str]
    categories: frozenset[str]  # category paths it covers (with their children); empty: all
    capacity: int
    open_cases: int = 0
    online: bool = True

    @property
    def spare(self) -> int:
        return self.capacity - self.open_cases

    @property
    def load(self) -> float:
        return self.open_cases / self.capacity if self.capacity > 0 else 1.0


@dataclass(frozen=True, slots=True)
class Ticket:
    """A case as dispatch sees it: whose it is, what it needs, how urgent it is."""

    case_id: str
    merchant_id: str
    queue: str
    platform: bool
    category: str
    language: str
    safety: bool
    severity: str
    queued_at: datetime


def route(queue: str, *, safety: bool, escalated: bool) -> Route:
    """The queue dispatch files a case under, and whether the platform's pool serves it.

    Safety outranks escalation: an emergency the policy sent to the platform at opening is
    escalated too, and belongs with the safety team, not with arbitration."""
    if queue in PLATFORM_QUEUES:
        return Route(queue, True)
    if safety:
        return Route(queue if queue in SAFETY_QUEUES else "product_safety", True)
    if escalated:
        return Route(ESCALATION_QUEUE, True)
    return Route(queue, False)


def in_pool(agent: AgentSlot, ticket: Ticket) -> bool:
    """The tenant boundary: platform cases to platform agents, a merchant's to its own."""
    if ticket.platform:
        return agent.merchant_id is None
    return agent.merchant_id == ticket.merchant_id


def speaks(agent: AgentSlot, language: str) -> bool:
    """Whether the agent reads the complaint; mixed text needs either language."""
    if language == "mixed":
        return bool(agent.languages & {"zh", "en"})
    return language == "unknown" or language in agent.languages


def covers(agent: AgentSlot, category: str) -> bool:
    return not agent.categories or any(
        category == c or category.startswith(c + "/") for c in agent.categories
    )


def qualifies(agent: AgentSlot, ticket: Ticket, *, language: bool = True) -> bool:
    """Whether the agent may take the case now (``language=False`` ignores the language)."""
    return (
        agent.online
        and agent.spare > 0
        and in_pool(agent, ticket)
        and ticket.queue in agent.queues
        and covers(agent, ticket.category)
        and (not language or speaks(agent, ticket.language))
    )


def choose_agent(ticket: Ticket, agents: Iterable[AgentSlot]) -> AgentSlot | None:
    """The least-loaded qualified agent for the case, or None (it waits in the backlog)."""
    pool = list(agents)
    qualified = [a for a in pool if qualifies(a, ticket)]
    if not qualified and ticket.safety:
        qualified = [a for a in pool if qualifies(a, ticket, language=False)]
    return min(qualified, key=_least_loaded, default=None)


def priority(ticket: Ticket) -> tuple[bool, int, datetime, str]:
    """Sort key of waiting cases: safety first, then the most severe, then the oldest."""
    severity = SEVERITIES.index(ticket.severity) if ticket.severity in SEVERITIES else 0
    return (not ticket.safety, -severity, ticket.queued_at, ticket.case_id)


def assign_all(
    tickets: Iterable[Ticket], agents: Sequence[AgentSlot]
) -> list[tuple[Ticket, AgentSlot | None]]:
    """Hand out cases in priority order, each to the least-loaded qualified agent as loads fill.

    Used for the cases of an agent who goes offline (``agents`` without that agent) and for the
    backlog when an agent has room (``agents`` holding that agent alone)."""
    slots = {a.id: a for a in agents}
    plan: list[tuple[Ticket, AgentSlot | None]] = []
    for ticket in sorted(tickets, key=priority):
        chosen = choose_agent(ticket, slots.values())
        if chosen is not None:
            slots[chosen.id] = replace(chosen, open_cases=chosen.open_cases + 1)
        plan.append((ticket, chosen))
    return plan


def _least_loaded(agent: AgentSlot) -> tuple[float, int, str]:
    return (agent.load, -agent.spare, agent.id)
