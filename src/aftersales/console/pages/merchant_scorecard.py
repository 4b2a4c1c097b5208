"""The merchant's scorecard: tier, score and each figure with its interval, the trend over past
cycles, the factors that moved the score, and appeals against a case's attribution.

Read through ``services.scorecards`` and ``services.scoring_appeals`` as the API reads them; the
scoring service offers appeals of one case's attribution (not of a cycle's whole result), so the
form here files those.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from aftersales.api.scoring_schemas import AppealCreate, ScorecardPublic
from aftersales.console import charts
from aftersales.console.forms import fields, parse
from aftersales.console.i18n import Translator
from aftersales.console.pages.merchant_common import (
    Merchant,
    merchant_of,
    named,
    peer_group_name,
    said,
    span,
    submit,
)
from aftersales.console.render import page
from aftersales.console.routing import ConsoleRoute
from aftersales.console.viewer import Viewer, checked_form, context_of
from aftersales.errors import NotFound
from aftersales.scoring import Metric, Tier
from aftersales.scoring.texts import METRIC_NAMES, TIER_NAMES, rate_text
from aftersales.services import programme, scorecards, scoring_appeals
from aftersales.services.context import Context
from aftersales.store.scoring import StoredCard, StoredCycle

__all__ = ["card_view", "router", "trend_chart", "trend_row"]

router = APIRouter(route_class=ConsoleRoute)

PATH = "/console/merchant/scorecard"
Period = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")]


@dataclass(frozen=True, slots=True)
class FigureRow:
    metric: str
    estimate: str
    interval: str
    peer: str
    percentile: str
    points: str


@dataclass(frozen=True, slots=True)
class FactorRow:
    metric: str
    before: float
    now: float

    @property
    def change(self) -> float:
        return self.now - self.before


@dataclass(frozen=True, slots=True)
class TrendRow:
    period: str
    tier: str
    score: float | None
    percentile: float | None


@router.get("/merchant/scorecard")
def scorecard(request: Request, viewer: Merchant, period: Period = None) -> Response:
    return _page(request, viewer, period)


@router.post("/merchant/appeals")
async def file_appeal(request: Request, viewer: Merchant) -> Response:
    """Appeal that one of the merchant's cases counts against it (once per case)."""
    assert viewer.session is not None
    form = await checked_form(request, viewer.session.csrf_token)
    values = fields(form, "case_id", "reason")
    ctx = context_of(request)

    def use() -> object:
        body = parse(AppealCreate, values)
        return scoring_appeals.file_appeal(ctx, viewer.actor, body.case_id, body.reason)

    def shown(error: dict[str, str], status: int) -> Response:
        return _page(request, viewer, None, error=error, status=status, typed=values)

    return await submit(request, viewer, use, f"{PATH}?done=appeal#appeals", shown)


def _page(
    request: Request,
    viewer: Viewer,
    period: str | None,
    *,
    error: dict[str, str] | None = None,
    status: int = 200,
    typed: dict[str, str] | None = None,
) -> Response:
    ctx, actor, tr = context_of(request), viewer.actor, viewer.tr
    merchant = merchant_of(viewer)
    trend = [
        trend_row(tr, cycle, card)
        for cycle, card in scorecards.scorecard_trend(ctx, actor, merchant)
    ]
    shown = _card(ctx, viewer, merchant, period)
    return page(
        request,
        viewer,
        "merchant_scorecard.html",
        status=status,
        error=error,
        card=card_view(tr, *shown) if shown else None,
        period=period,
        trend=trend,
        chart=trend_chart(tr, trend),
        programme=_programme(ctx, viewer, merchant) if period is None else None,
        appeals=scoring_appeals.list_appeals(ctx, actor),
        typed=typed or {},
        card_path=PATH,
        may_appeal=True,
        merchant_shown=None,
    )


def _programme(ctx: Context, viewer: Viewer, merchant: str) -> dict[str, str]:
    """The programme now, as the API's latest scorecard carries it: tier in force and why."""
    status = programme.programme_status(ctx, viewer.actor, merchant).status
    return {
        "tier": said(viewer.tr, TIER_NAMES.get(status.tier)),
        "reason": said(viewer.tr, status.reason),
    }


def _card(
    ctx: Context, viewer: Viewer, merchant: str, period: str | None
) -> tuple[StoredCycle, StoredCard] | None:
    """The card asked for; ``None`` when no cycle has scored the merchant yet (a period that
    has no card for it is a page that does not exist)."""
    try:
        return scorecards.get_scorecard(ctx, viewer.actor, merchant, period)
    except NotFound:
        if period is not None:
            raise
        return None


def card_view(tr: Translator, cycle: StoredCycle, card: StoredCard) -> dict[str, Any]:
    public = ScorecardPublic.of(cycle, card)
    return {
        "public": public,
        "tier": named(tr, TIER_NAMES, Tier, public.tier),
        "peers": peer_group_name(tr, public.peer_group.category, public.peer_group.band),
        "window": span(tr, cycle.window_start, cycle.window_end),
        "indicated": named(tr, TIER_NAMES, Tier, public.indicated),
        "pending": named(tr, TIER_NAMES, Tier, public.pending) if public.pending else "",
        "explanation": tr.pick({"en": public.explanation.en, "zh": public.explanation.zh}),
        "reason": tr.pick(public.reason.model_dump()) if public.reason else "",
        "figures": [_figure_row(tr, f.metric, f) for f in public.figures],
        "factors": [
            FactorRow(_metric(tr, f.metric), f.points_before, f.points)
            for f in public.explanation.factors
        ],
        "breaches": [
            tr.t(
                "merchant.breach",
                metric=_metric(tr, b.metric),
                level=named(tr, TIER_NAMES, Tier, b.level),
                count=f"{b.count:.0f}",
                rate=_rate(tr, b.metric, b.rate),
            )
            for b in public.breaches
        ],
    }


def _metric(tr: Translator, value: str) -> str:
    return named(tr, METRIC_NAMES, Metric, value)


def _rate(tr: Translator, metric: str, value: float) -> str:
    try:
        return said(tr, rate_text(Metric(metric), value))
    except ValueError:
        return f"{value:.3f}"


def _figure_row(tr: Translator, metric: str, f: Any) -> FigureRow:
    return FigureRow(
        metric=_metric(tr, metric),
        estimate=_rate(tr, metric, f.estimate),
        interval=tr.t(
            "merchant.interval", low=_rate(tr, metric, f.low), high=_rate(tr, metric, f.high)
        ),
        peer=_rate(tr, metric, f.peer_mean),
        percentile=f"{f.percentile:.0f}",
        points=f"{f.points:.1f}",
    )


def trend_row(tr: Translator, cycle: StoredCycle, card: StoredCard | None) -> TrendRow:
    if card is None:
        return TrendRow(cycle.period, "—", None, None)
    return TrendRow(
        cycle.period, named(tr, TIER_NAMES, Tier, card.tier), card.score, card.percentile
    )


def trend_chart(tr: Translator, trend: Sequence[TrendRow]) -> str:
    if not any(row.score is not None for row in trend):
        return ""
    periods = [row.period for row in trend]
    score = charts.Series(tr.t("merchant.score"), [row.score for row in trend])
    percentile = charts.Series(tr.t("merchant.percentile"), [row.percentile for row in trend])
    return charts.lines(tr.t("merchant.trend"), periods, [score, percentile])
