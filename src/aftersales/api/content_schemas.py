"""Bodies of the content ladder API: items, their metrics, reviews, and shop audiences."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from aftersales.api.exposure_schemas import ExposureEventPublic
from aftersales.api.schemas import Day, Id, Reason, Strict
from aftersales.exposure import ContentKind, ContentMetrics, LadderConfig
from aftersales.services.content import ContentView
from aftersales.store.content import Audience, ContentRecord

__all__ = [
    "AudiencePublic",
    "AudiencePut",
    "ContentCreate",
    "ContentPublic",
    "ContentsPublic",
    "DeclineCreate",
    "MetricsCreate",
    "MetricsPublic",
    "NoteCreate",
]

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# Large enough for any one report, small enough that sums stay far inside a BIGINT.
Count = Annotated[int, Field(ge=0, le=10**12)]


class ContentCreate(Strict):
    """Publish a post, a short video or a live replay linked to your own products."""

    kind: ContentKind
    title: Title
    product_ids: list[Id] = Field(min_length=1, max_length=20)


class MetricsCreate(Strict):
    """What the marketplace counted for the item on ``day`` (China Standard Time, default
    today) since its last report: reports add up. Report clicks with the impressions they came
    from, so that clicks never exceed impressions."""

    day: Day | None = None
    impressions: Count = 0
    clicks: Count = 0
    dwell_seconds: float = Field(0.0, ge=0, le=1e13, allow_inf_nan=False)
    new_fans: Count = 0

    def metrics(self) -> ContentMetrics:
        return ContentMetrics(self.impressions, self.clicks, self.dwell_seconds, self.new_fans)


class MetricsTotals(BaseModel):
    impressions: int
    clicks: int
    dwell_seconds: float
    new_fans: int
    click_through: float
    average_dwell: float = Field(description="seconds per open (click)")

    @classmethod
    def of(cls, m: ContentMetrics) -> MetricsTotals:
        return cls(
            impressions=m.impressions,
            clicks=m.clicks,
            dwell_seconds=m.dwell_seconds,
            new_fans=m.new_fans,
            click_through=m.ctr,
            average_dwell=m.average_dwell,
        )


class MetricsPublic(BaseModel):
    content_id: str
    day: date
    totals: MetricsTotals = Field(description="the day's metrics so far")


class NoteCreate(Strict):
    note: Reason = ""


class DeclineCreate(Strict):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class WindowPublic(BaseModel):
    first: date
    last: date
    metrics: MetricsTotals


class ContentPublic(BaseModel):
    id: str
    merchant_id: str
    kind: str
    title: str
    product_ids: list[str]
    published_at: datetime
    stage: str
    stage_since: date | None
    quota: int = Field(description="guaranteed impressions a day in this stage")
    cold_start_used: bool
    nominated_on: date | None = Field(description="waiting for an operator's review since")
    declined_on: date | None
    history: list[ExposureEventPublic] | None = Field(
        None, description="every stage change, nomination and review, oldest first"
    )
    window: WindowPublic | None = Field(None, description="what the next daily run judges")

    @classmethod
    def of(cls, record: ContentRecord, ladder: LadderConfig) -> ContentPublic:
        item = record.item
        return cls(
            id=item.id,
            merchant_id=item.merchant_id,
            kind=item.kind.value,
            title=record.title,
            product_ids=list(item.product_ids),
            published_at=record.published_at,
            stage=item.stage.value,
            stage_since=item.stage_since,
            quota=ladder.quotas.get(item.stage, 0),
            cold_start_used=item.cold_start_used,
            nominated_on=item.nominated_on,
            declined_on=item.declined_on,
        )

    @classmethod
    def detail(cls, view: ContentView, ladder: LadderConfig) -> ContentPublic:
        first, last = view.window_days
        window = WindowPublic(first=first, last=last, metrics=MetricsTotals.of(view.window))
        history = [ExposureEventPublic.of(e) for e in view.history]
        return cls.of(view.record, ladder).model_copy(update={"history": history, "window": window})


class ContentsPublic(BaseModel):
    items: list[ContentPublic]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page")


class AudiencePut(Strict):
    """A shop's followers, and those active (viewed, liked, commented or bought) over the last
    seven days: the content ladder's cold start reads their share."""

    fans: Count
    active_fans: Count


class AudiencePublic(BaseModel):
    merchant_id: str
    fans: int
    active_fans: int
    reported_at: datetime

    @classmethod
    def of(cls, a: Audience) -> AudiencePublic:
        return cls(
            merchant_id=a.merchant_id,
            fans=a.fans,
            active_fans=a.active_fans,
            reported_at=a.reported_at,
        )
