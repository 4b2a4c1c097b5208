"""Request and response bodies of the recall API (``RecallCreate`` in, ``RecallPublic`` out)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, model_validator

from aftersales.api.schemas import Day, Id, Reason, Region, Strict, Text
from aftersales.domain.actors import Actor, Role
from aftersales.recall import Party, PartyTask, RecallState, RecallUnit, Remedy, Scope, Trigger
from aftersales.services.recall_access import RecallView

__all__ = [
    "DecisionCreate",
    "RecallCreate",
    "RecallPublic",
    "RecallsPublic",
    "RemedyCreate",
    "ScopeCreate",
    "UnitPublic",
]

Batches = Annotated[list[Id], Field(max_length=1000)]


class ScopeCreate(Strict):
    """Which sold units the recall covers; every condition given must hold. Dates are calendar
    days in China Standard Time, both ends included."""

    batch_ids: Batches = Field(default_factory=list)
    produced_from: Day | None = None
    produced_to: Day | None = None
    delivered_from: Day | None = None
    delivered_to: Day | None = None
    regions: list[Region] = Field(default_factory=list, max_length=40)

    def to_scope(self) -> Scope:
        return Scope(
            batch_ids=tuple(self.batch_ids),
            produced_from=self.produced_from,
            produced_to=self.produced_to,
            delivered_from=self.delivered_from,
            delivered_to=self.delivered_to,
            regions=tuple(sorted(set(self.regions))),
        )


class RecallCreate(Strict):
    product_id: Id | None = None
    batch_ids: Batches = Field(default_factory=list)
    hazard: Text
    stop_sale: bool = True


class DecisionCreate(Strict):
    """``confirm`` with the remedies offered (at least two) and optionally a scope (default:
    the batches under review), or ``dismiss`` with a reason."""

    decision: Literal["confirm", "dismiss"]
    reason: Reason = ""
    scope: ScopeCreate | None = None
    remedies: list[Remedy] = Field(default_factory=list, max_length=3)

    @model_validator(mode="after")
    def _one_kind(self) -> DecisionCreate:
        if self.decision == "dismiss" and (self.scope is not None or self.remedies):
            raise ValueError("a dismissal takes a reason only, no scope or remedies")
        return self


class RemedyCreate(Strict):
    remedy: Remedy
    note: Reason = ""


class HoldPublic(BaseModel):
    product_id: str
    batch_id: str | None
    regions: list[str]


class TaskPublic(BaseModel):
    id: str
    party: Party
    action: str
    due: datetime
    done_at: datetime | None
    overdue: bool

    @classmethod
    def of(cls, task: PartyTask, now: datetime) -> TaskPublic:
        return cls(
            id=task.id,
            party=task.party,
            action=task.action,
            due=task.due,
            done_at=task.done_at,
            overdue=task.overdue(now),
        )


class CountsPublic(BaseModel):
    units: int
    notified: int
    responded: int
    remedied: int
    completion_rate: float


class UnitPublic(BaseModel):
    order_line_id: str
    order_id: str
    quantity: int
    state: str
    remedy: Remedy | None
    notified_at: datetime
    responded_at: datetime | None
    remedied_at: datetime | None

    @classmethod
    def of(cls, unit: RecallUnit) -> UnitPublic:
        return cls(
            order_line_id=unit.order_line_id,
            order_id=unit.order_id,
            quantity=unit.quantity,
            state=unit.state.value,
            remedy=unit.remedy,
            notified_at=unit.notified_at,
            responded_at=unit.responded_at,
            remedied_at=unit.remedied_at,
        )


class ScopePublic(BaseModel):
    batch_ids: list[str]
    produced_from: date | None
    produced_to: date | None
    delivered_from: date | None
    delivered_to: date | None
    regions: list[str]


class RecallPublic(BaseModel):
    id: str
    product_id: str
    merchant_id: str
    state: RecallState
    trigger: Trigger
    hazard: str
    batch_ids: list[str] = Field(description="the batches in play; empty: the whole product")
    scope: ScopePublic | None
    remedies_offered: list[Remedy]
    holds: list[HoldPublic] = Field(description="stop-sale holds in force")
    case_ids: list[str] | None = Field(description="the safety reports (not shown to consumers)")
    tasks: list[TaskPublic] | None = Field(description="parties' tasks (not shown to consumers)")
    opened_at: datetime
    decided_at: datetime | None
    dismissal_reason: str | None
    launched_at: datetime | None
    counts: CountsPublic
    your_units: list[UnitPublic] = Field(description="a consumer's own units in the campaign")
    version: int

    @classmethod
    def of(cls, view: RecallView, actor: Actor, now: datetime) -> RecallPublic:
        r, c = view.recall, view.counts
        assert r.opened_at is not None
        staff = actor.role is not Role.CONSUMER
        return cls(
            id=r.id,
            product_id=r.product_id,
            merchant_id=r.merchant_id,
            state=r.state,
            trigger=r.trigger,
            hazard=r.hazard,
            batch_ids=list(r.batches),
            scope=ScopePublic(**r.scope.encode()) if r.scope else None,
            remedies_offered=list(r.remedies),
            holds=[
                HoldPublic(product_id=h.product_id, batch_id=h.batch_id, regions=list(h.regions))
                for h in r.holds
            ],
            case_ids=list(r.case_ids) if staff else None,
            tasks=[TaskPublic.of(t, now) for t in r.tasks] if staff else None,
            opened_at=r.opened_at,
            decided_at=r.decided_at,
            dismissal_reason=r.dismissal_reason,
            launched_at=r.launched_at,
            counts=CountsPublic(
                units=c.units,
                notified=c.notified,
                responded=c.responded,
                remedied=c.remedied,
                completion_rate=c.completion_rate,
            ),
            your_units=[UnitPublic.of(u) for u in view.units],
            version=r.version,
        )


class RecallsPublic(BaseModel):
    items: list[RecallPublic]
