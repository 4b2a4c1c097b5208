"""Request and response bodies of merchant scoring: scorecards and attribution appeals."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, Field, StringConstraints

from aftersales.api.exposure_schemas import ProgrammePublic
from aftersales.api.schemas import Id, Strict
from aftersales.store.scoring import StoredAppeal, StoredCard, StoredCycle

__all__ = [
    "AppealCreate",
    "AppealDecision",
    "AppealPublic",
    "AppealsPublic",
    "ScorecardPublic",
    "ScorecardSummary",
    "ScorecardsPublic",
]

Because = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class Bilingual(BaseModel):
    en: str
    zh: str


class PeerGroupPublic(BaseModel):
    category: str  # "*": the whole marketplace
    band: str  # orders per window, "*": every band


class FigurePublic(BaseModel):
    """One metric: the raw count, the shrunk estimate with its 90 % interval, the peer place."""

    metric: str
    events: float
    trials: float
    raw: float | None
    estimate: float
    low: float
    high: float
    peer_mean: float
    percentile: float
    points: float


class TimesPublic(BaseModel):
    n: int
    median_hours: float | None
    p90_hours: float | None
    median_low: float | None
    median_high: float | None


class BreachPublic(BaseModel):
    metric: str
    level: str
    rate: float
    count: float
    rate_line: float
    count_over: float


class FactorPublic(BaseModel):
    metric: str
    points_before: float
    points: float


class ExplanationPublic(Bilingual):
    factors: list[FactorPublic]


class ExcludedPublic(BaseModel):
    case_id: str
    reason: str


class CategoryCardPublic(BaseModel):
    category: str
    peer_group: PeerGroupPublic
    orders: float
    score: float | None
    percentile: float | None
    figures: list[FigurePublic]
    resolution_time: TimesPublic


class CyclePublic(BaseModel):
    id: str
    period: str
    revision: int
    reason: str | None
    window_start: datetime
    window_end: datetime
    computed_at: datetime
    parameters_digest: str

    @classmethod
    def of(cls, c: StoredCycle) -> CyclePublic:
        return cls(
            id=c.id,
            period=c.period,
            revision=c.revision,
            reason=c.reason,
            window_start=c.window_start,
            window_end=c.window_end,
            computed_at=c.computed_at,
            parameters_digest=c.parameters_digest,
        )


class ScorecardPublic(BaseModel):
    """A merchant's scorecard for one period (the latest revision of its cycle)."""

    cycle: CyclePublic
    merchant_id: str
    category: str
    peer_group: PeerGroupPublic
    orders: float
    score: float | None
    percentile: float | None
    indicated: str
    tier: str
    change: str
    pending: str | None
    figures: list[FigurePublic]
    resolution_time: TimesPublic
    breaches: list[BreachPublic]
    severe: list[str]
    excluded: list[ExcludedPublic]
    reason: Bilingual | None
    explanation: ExplanationPublic
    categories: list[CategoryCardPublic]
    programme: ProgrammePublic | None = Field(
        None, description="the quality-merchant programme now; on the latest scorecard only"
    )

    @classmethod
    def of(cls, cycle: StoredCycle, card: StoredCard) -> ScorecardPublic:
        data: dict[str, Any] = dict(card.card)
        return cls.model_validate(data | {"cycle": CyclePublic.of(cycle)})


class ScorecardSummary(BaseModel):
    merchant_id: str
    category: str
    tier: str
    score: float | None
    percentile: float | None
    orders: float
    change: str

    @classmethod
    def of(cls, card: StoredCard) -> ScorecardSummary:
        return cls(
            merchant_id=card.merchant_id,
            category=card.category,
            tier=card.tier,
            score=card.score,
            percentile=card.percentile,
            orders=card.card["orders"],
            change=card.card["change"],
        )


class ScorecardsPublic(BaseModel):
    cycle: CyclePublic
    items: list[ScorecardSummary]
    next_after: str | None  # pass as ``after`` for the next page; None on the last page


class AppealCreate(Strict):
    case_id: Id
    reason: Because


class AppealDecision(Strict):
    reason: Because


class AppealPublic(BaseModel):
    id: str
    case_id: str
    merchant_id: str
    state: str
    reason: str
    filed_at: datetime
    decided_at: datetime | None
    decision_reason: str | None

    @classmethod
    def of(cls, a: StoredAppeal) -> AppealPublic:
        return cls(
            id=a.id,
            case_id=a.case_id,
            merchant_id=a.merchant_id,
            state=a.state,
            reason=a.reason,
            filed_at=a.filed_at,
            decided_at=a.decided_at,
            decision_reason=a.decision_reason,
        )


class AppealsPublic(BaseModel):
    items: list[AppealPublic]
