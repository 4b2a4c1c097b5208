"""Request and response bodies of the alert API (``RecallLink`` and ``DismissalCreate`` in,
``AlertPublic`` out)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from aftersales.api.schemas import ActorPublic, Strict
from aftersales.store.alerts import AlertRecord
from aftersales.warning import AlertStatus, Method, StatusChange

__all__ = ["AlertPublic", "AlertsPublic", "DismissalCreate", "RecallLink"]

RecallId = Annotated[
    str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.:-]+$")
]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class RecallLink(Strict):
    recall_id: RecallId


class DismissalCreate(Strict):
    reason: Reason


class WeekCountPublic(BaseModel):
    week: date
    count: float | None


class StatusChangePublic(BaseModel):
    status: AlertStatus
    at: datetime
    by: ActorPublic
    recall_id: str | None
    reason: str | None

    @classmethod
    def of(cls, change: StatusChange) -> StatusChangePublic:
        return cls(
            status=change.status,
            at=change.at,
            by=ActorPublic(role=change.by.role, id=change.by.subject),
            recall_id=change.recall_id,
            reason=change.reason,
        )


class SeriesPublic(BaseModel):
    name: str = Field(description='e.g. "product:p1|CN-BJ|week"')
    level: str = Field(description="product, or category for a whole category")
    product_id: str | None
    category: str
    region: str
    granularity: str


class AlertPublic(BaseModel):
    id: str
    series: SeriesPublic
    merchant_id: str | None
    period_start: date
    period_end: date
    method: Method
    observed: float
    expected: float
    threshold: float = Field(description="more cases than this would be unusual")
    score: float = Field(description="above 1 exactly when observed is above the threshold")
    p_value: float | None
    exposure: float | None = Field(description="units in service; null: judged on counts alone")
    run_weeks: int = Field(description="weeks the evidence spans (CUSUM runs)")
    window_start: date = Field(description="first day of the history the detector read")
    window_end: date
    recent: list[WeekCountPublic] = Field(description="the series' last weeks")
    explanation_en: str
    explanation_zh: str
    rollup_group: str = Field(description='related alerts share it: "category|region"')
    status: AlertStatus
    recall_id: str | None
    dismissal_reason: str | None
    raised_at: datetime
    updated_at: datetime | None
    history: list[StatusChangePublic] = Field(description="every status change (one alert)")
    version: int

    @classmethod
    def of(cls, r: AlertRecord) -> AlertPublic:
        return cls(
            id=r.id,
            series=SeriesPublic(
                name=r.series,
                level="product" if r.product_id else "category",
                product_id=r.product_id,
                category=r.category,
                region=r.region,
                granularity=r.granularity,
            ),
            merchant_id=r.merchant_id,
            period_start=r.period_start,
            period_end=r.period_end,
            method=Method(r.method),
            observed=r.observed,
            expected=r.expected,
            threshold=r.threshold,
            score=r.score,
            p_value=r.p_value,
            exposure=r.exposure,
            run_weeks=r.run_weeks,
            window_start=r.window_start,
            window_end=r.window_end,
            recent=[WeekCountPublic(week=date.fromisoformat(w), count=c) for w, c in r.excerpt],
            explanation_en=r.explanation_en,
            explanation_zh=r.explanation_zh,
            rollup_group=r.rollup_group,
            status=r.status,
            recall_id=r.recall_id,
            dismissal_reason=r.dismissal_reason,
            raised_at=r.raised_at,
            updated_at=r.updated_at,
            history=[StatusChangePublic.of(c) for c in r.history],
            version=r.version,
        )


class AlertsPublic(BaseModel):
    items: list[AlertPublic]
    next_cursor: str | None
