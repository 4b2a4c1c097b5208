"""Request and response bodies of agents, assignments and triage (``XCreate`` in, ``XPublic``
out)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from pydantic.json_schema import SkipJsonSchema

from aftersales.api.schemas import ActorPublic, Id, Strict
from aftersales.services.agents import AddAgent, AgentChange, AgentView
from aftersales.store.assignments import Assignment
from aftersales.triage import ISSUE_TYPES
from aftersales.triage.agents import MAX_CAPACITY, Agent
from aftersales.triage.holdings import Holding, MoveReason

__all__ = [
    "AgentCreate",
    "AgentPatch",
    "AgentPublic",
    "AgentsPublic",
    "AssignCreate",
    "AssignmentPublic",
    "HoldingPublic",
    "HoldingsPublic",
    "TriageCreate",
    "TriagePublic",
]

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
QueueName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
CategoryPath = Annotated[str, StringConstraints(pattern=r"^[a-z_]+(/[a-z_]+)*$", max_length=64)]
Capacity = Annotated[int, Field(ge=1, le=MAX_CAPACITY)]
IssueType = Literal[ISSUE_TYPES]  # type: ignore[valid-type]


class AgentCreate(Strict):
    """A merchant's agent (``merchant_id``) or a platform agent (none); skills are the queues
    it works, the languages it reads (zh, en) and optionally the categories it knows."""

    name: Name
    merchant_id: Id | None = None
    queues: list[QueueName] = Field(min_length=1, max_length=20)
    languages: list[Literal["zh", "en"]] = Field(min_length=1, max_length=2)
    categories: list[CategoryPath] = Field(default_factory=list, max_length=20)
    capacity: Capacity
    online: bool = True

    def to_command(self) -> AddAgent:
        return AddAgent(
            name=self.name,
            merchant_id=self.merchant_id,
            queues=tuple(self.queues),
            languages=tuple(self.languages),
            capacity=self.capacity,
            categories=tuple(self.categories),
            online=self.online,
        )


# The schema of a body that needs at least one of its optional fields: none of them null, and
# at least one present (the model's own check says which, in words).
_ONE_AT_LEAST = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})


class AgentPatch(Strict):
    """Presence and capacity; give at least one."""

    model_config = _ONE_AT_LEAST

    online: bool | SkipJsonSchema[None] = None
    capacity: Capacity | SkipJsonSchema[None] = None

    @model_validator(mode="after")
    def _something(self) -> AgentPatch:
        if self.online is None and self.capacity is None:
            raise ValueError("give online, capacity, or both")
        return self


class DispatchedPublic(BaseModel):
    reassigned: int  # its cases handed to other agents (it went offline)
    waiting: int  # its cases nobody could take, now waiting in the backlog
    taken: int  # waiting cases it took


class AgentPublic(BaseModel):
    id: str
    merchant_id: str | None
    name: str
    queues: list[str]
    languages: list[str]
    categories: list[str]
    capacity: int
    online: bool
    open_cases: int
    case_ids: list[str] | None = None  # the active cases it holds (on one agent's answers)
    dispatched: DispatchedPublic | None = None  # after a change: what dispatch did
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, agent: Agent, case_ids: list[str] | None = None) -> AgentPublic:
        return cls(
            id=agent.id,
            merchant_id=agent.merchant_id,
            name=agent.name,
            queues=list(agent.queues),
            languages=list(agent.languages),
            categories=list(agent.categories),
            capacity=agent.capacity,
            online=agent.online,
            open_cases=agent.open_cases,
            case_ids=case_ids,
            created_at=agent.created_at,
            updated_at=agent.updated_at,
        )

    @classmethod
    def of_view(cls, view: AgentView) -> AgentPublic:
        return cls.of(view.agent, list(view.case_ids))

    @classmethod
    def of_change(cls, change: AgentChange) -> AgentPublic:
        public = cls.of_view(change.view)
        public.dispatched = DispatchedPublic(
            reassigned=change.reassigned, waiting=change.waiting, taken=change.taken
        )
        return public


class AgentsPublic(BaseModel):
    items: list[AgentPublic]
    waiting: int  # cases of the pools you see that wait for an agent


class AssignCreate(Strict):
    """Any of: the agent to take the case, the queue to move it to, the issue type you read in
    the complaint (it corrects triage and is learnt from)."""

    model_config = _ONE_AT_LEAST

    agent_id: Id | SkipJsonSchema[None] = None
    queue: QueueName | SkipJsonSchema[None] = None
    issue_type: IssueType | SkipJsonSchema[None] = None

    @model_validator(mode="after")
    def _something(self) -> AssignCreate:
        if self.agent_id is None and self.queue is None and self.issue_type is None:
            raise ValueError("give an agent_id, a queue, an issue_type, or several")
        return self


class AssignmentPublic(BaseModel):
    case_id: str
    state: Literal["assigned", "waiting", "done"]
    queue: str
    pool: Literal["platform", "merchant"]
    merchant_id: str
    agent_id: str | None
    safety: bool
    severity: str
    language: str
    queued_at: datetime
    assigned_at: datetime | None
    assigned_by: str | None
    issue_type: str | None  # an operator's correction, if any

    @classmethod
    def of(cls, a: Assignment) -> AssignmentPublic:
        t = a.ticket
        return cls(
            case_id=t.case_id,
            state=a.state,
            queue=t.queue,
            pool="platform" if t.platform else "merchant",
            merchant_id=t.merchant_id,
            agent_id=a.agent_id,
            safety=t.safety,
            severity=t.severity,
            language=t.language,
            queued_at=t.queued_at,
            assigned_at=a.assigned_at,
            assigned_by=a.assigned_by,
            issue_type=a.issue_type,
        )


class HoldingPublic(BaseModel):
    """One stretch of time during which an agent (none: the backlog of the pool) had the case
    in a queue; ``held_until``, ``reason`` and ``actor`` are null for the current holder."""

    agent_id: str | None
    queue: str
    pool: Literal["platform", "merchant"]
    held_from: datetime
    held_until: datetime | None
    reason: MoveReason | None  # why it moved on
    actor: ActorPublic | None  # who set the move off

    @classmethod
    def of(cls, h: Holding) -> HoldingPublic:
        return cls(
            agent_id=h.agent_id,
            queue=h.queue,
            pool="platform" if h.platform else "merchant",
            held_from=h.held_from,
            held_until=h.held_until,
            reason=h.reason,
            actor=None if h.actor is None else ActorPublic(role=h.actor.role, id=h.actor.subject),
        )


class HoldingsPublic(BaseModel):
    case_id: str
    items: list[HoldingPublic]  # oldest first; the current holder last


class TriageCreate(Strict):
    """One complaint to classify, with its product category path when known. Text longer than
    8,000 characters is cut (the answer says ``truncated``); beyond 100,000 it is refused."""

    text: Annotated[str, StringConstraints(max_length=100_000)]
    category: Annotated[str, StringConstraints(max_length=64)] | None = None


class TriagePublic(BaseModel):
    issue_type: str
    severity: str
    cause: str
    safety: bool
    confidence: float
    language: str
    needs_human: bool
    queue: str
    hazards: list[str]
    reasons: list[str]
    model_version: str

    @classmethod
    def of(cls, result: dict[str, Any]) -> TriagePublic:
        return cls(**result)
