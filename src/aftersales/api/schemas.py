"""Request and response bodies of the API. They are not database rows nor domain objects:
``XCreate`` / ``XPut`` come in, ``XPublic`` goes out. Money is yuan with two decimals."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from aftersales.domain.actors import Actor, Role
from aftersales.domain.case import Case, CaseEvent
from aftersales.domain.cases_types import (
    CaseState,
    CaseType,
    LiableParty,
    ResolutionType,
    Verdict,
)
from aftersales.domain.catalog import Channel, StoreKind

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "AppealCreate",
    "ArbitrationCreate",
    "CaseCreate",
    "CasePublic",
    "CasesPublic",
    "CompleteCreate",
    "ConsumerPut",
    "Day",
    "EventPublic",
    "EvidencePublic",
    "MerchantPut",
    "MessageCreate",
    "OrderCreate",
    "OrderPublic",
    "ProductPut",
    "ProposalCreate",
    "RatingCreate",
    "ReasonCreate",
]

Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Money = Annotated[Decimal, Field(ge=0, le=Decimal("100000000"), decimal_places=2)]
Region = Annotated[str, StringConstraints(pattern=r"^CN-[A-Z]{2}$")]
# A calendar day a request may name. The ends keep day arithmetic in range (the first moment of
# 0001-01-01 in China time is before the first UTC datetime Python has) on every database.
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(9998, 12, 31)
Day = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        # PostgreSQL cannot store U+0000 in text or JSONB (SQLite can): refused here, the same
        # input gets the same 422 on both databases instead of a 500 on one of them.
        if _has_nul(data):
            raise ValueError("text cannot contain the NUL character (U+0000)")
        return data


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


# ---- master data and orders (pushed by the marketplace integration) --------------------------


class StorePut(Strict):
    id: Id
    kind: StoreKind
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    region: Region


class MerchantPut(Strict):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    stores: list[StorePut] = Field(default_factory=list, max_length=1000)


class BatchPut(Strict):
    id: Id
    code: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    produced_on: AwareDatetime | None = None


class ProductPut(Strict):
    merchant_id: Id
    category: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    brand: Annotated[str, StringConstraints(max_length=100)] | None = None
    model: Annotated[str, StringConstraints(max_length=100)] | None = None
    attributes: dict[str, Any] = Field(default_factory=dict)
    batches: list[BatchPut] = Field(default_factory=list, max_length=1000)


class ConsumerPut(Strict):
    display_name: Annotated[str, StringConstraints(max_length=100)] | None = None
    region: Region | None = None


class OrderLineCreate(Strict):
    id: Id
    product_id: Id
    batch_id: Id | None = None
    unit_price: Money
    quantity: Annotated[int, Field(ge=1, le=100000)]


class OrderCreate(Strict):
    id: Id
    merchant_id: Id
    consumer_id: Id
    store_id: Id
    channel: Channel
    region: Region
    placed_at: AwareDatetime
    paid_at: AwareDatetime | None = None
    delivered_at: AwareDatetime | None = None
    lines: list[OrderLineCreate] = Field(min_length=1, max_length=500)


class OrderLinePublic(BaseModel):
    id: str
    product_id: str
    batch_id: str | None
    unit_price: Decimal
    quantity: int
    amount: Decimal


class OrderPublic(BaseModel):
    id: str
    merchant_id: str
    consumer_id: str
    store_id: str
    channel: Channel
    region: str
    placed_at: datetime
    paid_at: datetime | None
    delivered_at: datetime | None
    lines: list[OrderLinePublic]


# ---- cases ----------------------------------------------------------------------------------


CareSymbol = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,40}$")]


class ItemCondition(Strict):
    """What the consumer says about the item; the policy weighs it (e.g. the 7-day return)."""

    opened: bool | None = None
    intact: bool | None = None
    packaging_damaged: bool | None = None
    care_applied: list[CareSymbol] | None = Field(
        None, max_length=20, description="GB/T 8685 care the item received, e.g. wash_40"
    )

    def reported(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


class CaseCreate(Strict):
    order_line_id: Id
    type: CaseType
    description: Text
    condition: ItemCondition | None = None


class MessageCreate(Strict):
    body: Text


class ProposalCreate(Strict):
    resolution: ResolutionType
    amount: Money = Decimal(0)


class ReasonCreate(Strict):
    reason: Reason = ""


class AppealCreate(Strict):
    reason: Text


class CompleteCreate(Strict):
    note: Reason = ""


class ArbitrationCreate(Strict):
    verdict: Verdict
    liable_party: LiableParty
    resolution: ResolutionType
    amount: Money = Decimal(0)
    note: Text


class RatingCreate(Strict):
    score: Annotated[int, Field(ge=1, le=5)]
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None


class Deadlines(BaseModel):
    first_response_due: datetime | None
    responded_at: datetime | None
    first_response_met: bool | None
    proposal_due: datetime | None
    resolution_due: datetime | None
    resolution_paused: bool
    consumer_reply_due: datetime | None
    appeal_due: datetime | None
    close_due: datetime | None


class ProposalPublic(BaseModel):
    resolution: ResolutionType
    amount: Decimal
    proposed_at: datetime
    reply_due: datetime


class ResolutionPublic(BaseModel):
    type: ResolutionType
    amount: Decimal
    by: str
    at: datetime


class ArbitrationPublic(BaseModel):
    verdict: Verdict
    liable_party: LiableParty
    resolution: ResolutionType
    amount: Decimal
    note: str
    at: datetime
    final: bool


class EscalationPublic(BaseModel):
    at: datetime
    reason: str


class RatingPublic(BaseModel):
    score: int
    comment: str | None


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


class RemedyPublic(BaseModel):
    type: str
    amount: Decimal | None = None


class ExplanationPublic(BaseModel):
    zh: str
    en: str


class DecisionPublic(BaseModel):
    policy_version: str
    severity: str
    cause: str
    counts_against_merchant: bool
    resolutions: list[RemedyPublic]
    required_evidence: list[str]
    cost_bearer: str
    queue: str
    auto_actions: list[str]
    emergency: bool
    rules: list[str]
    explanation: ExplanationPublic


class AssessmentPublic(BaseModel):
    """Triage and the policy decision at opening. The facts behind them stay inside the
    platform: they include the consumer's case history, which is not the merchant's to see."""

    triage: TriagePublic | None
    decision: DecisionPublic | None

    @classmethod
    def of(cls, assessment: Mapping[str, Any] | None) -> AssessmentPublic | None:
        if not assessment:
            return None
        triage, decision = assessment.get("triage"), assessment.get("decision")
        return cls(
            triage=TriagePublic.model_validate(triage, strict=False) if triage else None,
            decision=_decision(decision) if decision else None,
        )


def _decision(data: Mapping[str, Any]) -> DecisionPublic:
    remedies = [
        RemedyPublic(type=r["type"], amount=yuan(r["amount"]) if "amount" in r else None)
        for r in data["resolutions"]
    ]
    fields = {k: v for k, v in data.items() if k in DecisionPublic.model_fields}
    return DecisionPublic.model_validate(fields | {"resolutions": remedies})


class CasePublic(BaseModel):
    id: str
    order_line_id: str
    order_id: str
    consumer_id: str
    merchant_id: str
    store_id: str
    product_id: str
    batch_id: str | None
    category: str
    channel: str
    region: str
    type: CaseType
    description: str
    state: CaseState
    amount_paid: Decimal
    opened_at: datetime
    updated_at: datetime
    deadlines: Deadlines
    proposal: ProposalPublic | None
    rejected_proposals: int
    resolution: ResolutionPublic | None
    escalation: EscalationPublic | None
    arbitration: ArbitrationPublic | None
    rating: RatingPublic | None
    assessment: AssessmentPublic | None
    messages: int
    evidence: int
    version: int

    @classmethod
    def of(cls, case: Case) -> CasePublic:
        assert case.facts is not None and case.type is not None
        assert case.opened_at is not None and case.updated_at is not None
        f = case.facts
        return cls(
            id=case.id,
            order_line_id=f.order_line_id,
            order_id=f.order_id,
            consumer_id=f.consumer_id,
            merchant_id=f.merchant_id,
            store_id=f.store_id,
            product_id=f.product_id,
            batch_id=f.batch_id,
            category=f.category,
            channel=f.channel,
            region=f.region,
            type=case.type,
            description=case.description,
            state=case.state,
            amount_paid=yuan(f.amount),
            opened_at=case.opened_at,
            updated_at=case.updated_at,
            deadlines=_deadlines(case),
            proposal=_proposal(case),
            rejected_proposals=case.rejected_proposals,
            resolution=_resolution(case),
            # ``is not None``: a party may escalate with an empty reason, and the case is still
            # escalated; a truthiness test hid the escalation from the API.
            escalation=EscalationPublic(at=case.escalated_at, reason=case.escalation_reason)
            if case.escalated_at is not None and case.escalation_reason is not None
            else None,
            arbitration=_arbitration(case),
            rating=RatingPublic(score=case.rating, comment=case.rating_comment)
            if case.rating
            else None,
            assessment=AssessmentPublic.of(case.assessment),
            messages=case.messages,
            evidence=case.evidence,
            version=case.version,
        )


class CasesPublic(BaseModel):
    items: list[CasePublic]
    next_cursor: str | None


class ActorPublic(BaseModel):
    role: Role
    id: str | None


class EventPublic(BaseModel):
    seq: int
    kind: str
    at: datetime
    actor: ActorPublic
    data: dict[str, Any]

    @classmethod
    def of(cls, e: CaseEvent, viewer: Actor) -> EventPublic:
        data = dict(e.data)
        if "assessment" in data and viewer.role not in (Role.OPERATOR, Role.AUDITOR):
            # As the case shows it: the facts behind it hold the consumer's case history.
            shown = AssessmentPublic.of(data["assessment"])
            data["assessment"] = None if shown is None else shown.model_dump(mode="json")
        return cls(
            seq=e.seq,
            kind=e.kind,
            at=e.at,
            actor=ActorPublic(role=e.actor.role, id=e.actor.subject),
            data=data,
        )


class EvidencePublic(BaseModel):
    id: str
    case_id: str
    sha256: str
    content_type: str
    size: int
    filename: str
    uploaded_by: ActorPublic
    created_at: datetime


def yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(Decimal("0.01"))


def _deadlines(case: Case) -> Deadlines:
    met = None
    if case.responded_at and case.first_response_due:
        met = case.responded_at <= case.first_response_due
    elif case.first_response_breached:
        met = False
    return Deadlines(
        first_response_due=case.first_response_due,
        responded_at=case.responded_at,
        first_response_met=met,
        proposal_due=case.proposal_due if case.is_active else None,
        resolution_due=case.resolution_due if case.is_active else None,
        resolution_paused=case.paused_at is not None,
        consumer_reply_due=case.proposal.reply_due if case.proposal else None,
        appeal_due=case.appeal_due,
        close_due=case.close_due,
    )


def _proposal(case: Case) -> ProposalPublic | None:
    p = case.proposal
    if p is None:
        return None
    return ProposalPublic(
        resolution=p.resolution, amount=yuan(p.amount), proposed_at=p.at, reply_due=p.reply_due
    )


def _resolution(case: Case) -> ResolutionPublic | None:
    r = case.resolution
    if r is None:
        return None
    return ResolutionPublic(type=r.type, amount=yuan(r.amount), by=r.by, at=r.at)


def _arbitration(case: Case) -> ArbitrationPublic | None:
    a = case.arbitration
    if a is None:
        return None
    return ArbitrationPublic(
        verdict=a.verdict,
        liable_party=a.liable_party,
        resolution=a.resolution,
        amount=yuan(a.amount),
        note=a.note,
        at=a.at,
        final=a.final,
    )
