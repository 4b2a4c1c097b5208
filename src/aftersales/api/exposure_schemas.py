"""Bodies of the exposure and programme API: rankings, enrolments, status, events.

The two hot request bodies (rank, impressions) are decoded in ``rank_bodies``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from aftersales.api.schemas import Id, Strict
from aftersales.exposure import Mode
from aftersales.scoring.texts import Text
from aftersales.services.exposure_tiers import Cycle
from aftersales.services.programme import ProgrammeView
from aftersales.store.exposure import StoredEvent
from aftersales.store.programme import StoredEnrolment

__all__ = [
    "EnrolmentCreate",
    "EnrolmentPublic",
    "ExposureEventPublic",
    "ExposureEventsPublic",
    "ImpressionsPublic",
    "ProgrammePublic",
    "RankPublic",
    "TextPublic",
]

# ---- answers ----------------------------------------------------------------------------------


class TextPublic(BaseModel):
    en: str
    zh: str

    @classmethod
    def of(cls, text: Text) -> TextPublic:
        return cls(en=text.en, zh=text.zh)


class RankedItemPublic(BaseModel):
    position: int
    item_id: str
    merchant_id: str
    content_id: str | None
    score: float
    adjusted: float
    multiplier: float
    reasons: list[str]


# The answer to a rank request, for the OpenAPI document: ``rank_bodies.encode_rank`` writes it
# (msgspec, one pass; tests/unit/test_rank_bodies.py holds the two together).
class RankPublic(BaseModel):
    slot: str
    items: list[RankedItemPublic]
    held_out: int = Field(description="candidates dropped for a stop-sale hold")
    throttled_out: int = Field(description="candidates over their merchant's exposure cap")
    boosted: int = Field(description="items shown because of a boost")
    held_back: int = Field(description="boosted candidates the relevance budget kept out")
    relevance: float = Field(description="DCG of the list over the unboosted list's")
    reason_texts: dict[str, TextPublic] = Field(description="what each reason in the list means")


class ImpressionsPublic(BaseModel):
    slot: str
    received: int
    counted: int = Field(description="impressions that counted towards a target or a cap")


class EnrolmentCreate(Strict):
    """Enrol your merchant for this cycle: ``pool`` with at most the programme's pool limit of
    your products (30 unless the platform sets another), or ``store`` (every product; list
    none). A new enrolment replaces the cycle's earlier one."""

    mode: Mode
    product_ids: list[Id] = Field(default_factory=list, max_length=1000)


class CyclePublic(BaseModel):
    id: str
    start: datetime
    end: datetime

    @classmethod
    def of(cls, cycle: Cycle) -> CyclePublic:
        return cls(id=cycle.id, start=cycle.start, end=cycle.end)


class EnrolmentPublic(BaseModel):
    id: str
    merchant_id: str
    cycle: CyclePublic
    mode: str
    product_ids: list[str]
    tier: str = Field(description="the tier in force when the merchant enrolled")
    created_at: datetime
    ended_at: datetime | None
    end_reason: TextPublic | None

    @classmethod
    def of(cls, s: StoredEnrolment) -> EnrolmentPublic:
        e = s.enrolment
        return cls(
            id=s.id,
            merchant_id=e.merchant_id,
            cycle=CyclePublic(id=e.cycle_id, start=s.cycle_start, end=s.cycle_end),
            mode=e.mode.value,
            product_ids=sorted(e.product_ids),
            tier=s.tier,
            created_at=e.at,
            ended_at=s.ended_at,
            end_reason=TextPublic.of(s.end_reason) if s.end_reason else None,
        )


class ExposureEventPublic(BaseModel):
    id: int
    kind: str
    subject: str
    merchant_id: str
    reason: TextPublic
    data: dict[str, Any]
    at: datetime

    @classmethod
    def of(cls, e: StoredEvent) -> ExposureEventPublic:
        return cls(
            id=e.id,
            kind=e.kind,
            subject=e.subject,
            merchant_id=e.merchant_id,
            reason=TextPublic.of(e.reason),
            data=dict(e.data),
            at=e.at,
        )


class ExposureEventsPublic(BaseModel):
    items: list[ExposureEventPublic]
    next_cursor: str | None = Field(description="pass as `cursor` for older events")


class ProgrammePublic(BaseModel):
    """A merchant's programme status this cycle, as its scorecard shows it."""

    merchant_id: str
    cycle: CyclePublic
    tier: str
    eligible: bool
    penalty: str = Field(description="none, no_boost (watch) or throttled (restricted)")
    exposure_share: float = Field(description="share of its merit exposure it may have")
    boost: dict[str, float] = Field(description="the programme's weight per slot, where it boosts")
    reason: TextPublic
    enrolment: EnrolmentPublic | None
    notices: list[ExposureEventPublic] = Field(description="the latest decisions, newest first")

    @classmethod
    def of(cls, view: ProgrammeView) -> ProgrammePublic:
        s = view.status
        return cls(
            merchant_id=s.merchant_id,
            cycle=CyclePublic.of(view.cycle),
            tier=s.tier.value,
            eligible=s.eligible,
            penalty=s.penalty.value,
            exposure_share=s.multiplier,
            boost={slot.value: w for slot, w in sorted(s.weights.items())},
            reason=TextPublic.of(s.reason),
            enrolment=EnrolmentPublic.of(view.enrolment) if view.enrolment else None,
            notices=[ExposureEventPublic.of(e) for e in view.notices],
        )
