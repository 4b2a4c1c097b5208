"""The assessment cycle for the platform: every merchant's scorecard of a period, filtered by tier
and category, each card as its merchant sees it; and the appeals against a case's attribution,
accepted (the case leaves the merchant's scoring at the next cycle or revision) or rejected by an
operator with a reason, through the same use cases as ``GET /scorecards`` and
``POST /appeals/{id}/accept|reject``. Auditors read it without a form.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from aftersales.api.routes.cases import ID_PATTERN
from aftersales.api.scoring_schemas import AppealDecision
from aftersales.console.filters import chosen as chosen_value
from aftersales.console.forms import fields, parse
from aftersales.console.i18n import Translator
from aftersales.console.pages.merchant_common import (
    category_choices,
    category_path,
    named,
    peer_group_name,
    submit,
)
from aftersales.console.pages.merchant_scorecard import card_view, trend_chart, trend_row
from aftersales.console.pages.operator_common import Operator, Reader, form_of
from aftersales.console.render import page
from aftersales.console.routing import ConsoleRoute
from aftersales.console.viewer import Viewer, context_of
from aftersales.domain.actors import Role
from aftersales.errors import NotFound, ValidationFailed
from aftersales.scoring import Metric, SevereBreach, Tier
from aftersales.scoring.calendar import Period as CalendarPeriod
from aftersales.scoring.texts import METRIC_NAMES, SEVERE_NAMES, TIER_NAMES
from aftersales.services import scorecards, scoring_appeals
from aftersales.store.scoring import CardQuery, StoredCard

__all__ = ["router"]

router = APIRouter(route_class=ConsoleRoute)

PATH = "/console/scorecards"
PAGE = 100
Period = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")]
# The list's filters take whatever is typed: what does not fit is said above the filter.
Typed = Annotated[str | None, Query(max_length=200)]
MerchantId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
AppealId = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
After = Annotated[str | None, Query(max_length=64, pattern=ID_PATTERN)]


@dataclass(frozen=True, slots=True)
class CardRow:
    merchant_id: str
    tier: str
    pending: str
    score: float | None
    percentile: float | None
    peers: str
    orders: float
    why: list[str]  # severe breaches, then the lines crossed


@router.get("/scorecards")
def scorecard_list(
    request: Request,
    viewer: Reader,
    period: Typed = None,
    tier: Typed = None,
    category: Typed = None,
    after: After = None,
) -> Response:
    """A page of the period's scorecards (default: the latest cycle), by merchant id."""
    chosen = _filters(viewer.tr, period, tier, category)
    return _list_page(request, viewer, chosen, after)


@router.get("/scorecards/{merchant_id}")
def scorecard(
    request: Request, viewer: Reader, merchant_id: MerchantId, period: Period = None
) -> Response:
    """One merchant's card as the merchant sees it, its trend and its appeals."""
    ctx, actor, tr = context_of(request), viewer.actor, viewer.tr
    cycle, card = scorecards.get_scorecard(ctx, actor, merchant_id, period)
    trend = [trend_row(tr, c, k) for c, k in scorecards.scorecard_trend(ctx, actor, merchant_id)]
    return page(
        request,
        viewer,
        "merchant_scorecard.html",
        card=card_view(tr, cycle, card),
        period=period,
        trend=trend,
        chart=trend_chart(tr, trend),
        programme=None,
        appeals=scoring_appeals.list_appeals(ctx, actor, merchant_id=merchant_id),
        typed={},
        card_path=f"{PATH}/{merchant_id}",
        may_appeal=False,
        merchant_shown=merchant_id,
    )


@router.post("/scorecards/appeals/{appeal_id}/accept")
async def accept(request: Request, viewer: Operator, appeal_id: AppealId) -> Response:
    return await _decide(request, viewer, appeal_id, accept=True)


@router.post("/scorecards/appeals/{appeal_id}/reject")
async def reject(request: Request, viewer: Operator, appeal_id: AppealId) -> Response:
    return await _decide(request, viewer, appeal_id, accept=False)


async def _decide(request: Request, viewer: Viewer, appeal_id: str, *, accept: bool) -> Response:
    values = fields(await form_of(request, viewer), "reason")
    ctx = context_of(request)

    def decide() -> object:
        reason = parse(AppealDecision, values).reason
        return scoring_appeals.decide_appeal(
            ctx, viewer.actor, appeal_id, accept=accept, reason=reason
        )

    def shown(error: dict[str, str], status: int) -> Response:
        return _list_page(request, viewer, Filters(), None, error=error, status=status)

    done = "appeal_accepted" if accept else "appeal_rejected"
    return await submit(request, viewer, decide, f"{PATH}?done={done}#appeals", shown)


@dataclass(frozen=True, slots=True)
class Filters:
    """The list's filters as understood, and what was typed that could not be."""

    period: str | None = None
    tier: str | None = None
    category: str | None = None
    problems: tuple[str, ...] = ()


def _filters(tr: Translator, period: str | None, tier: str | None, category: str | None) -> Filters:
    """The filters typed, each one that does not fit left out and said why."""
    period, category = (period or "").strip(), (category or "").strip()
    month = _period(period) if period else None
    path = category_path(category) if category else None
    names = {t.value: (TIER_NAMES[t].en, TIER_NAMES[t].zh) for t in Tier}
    chosen_tier, bad_tier = chosen_value(tr, "merchant.tier", tier, names)
    problems = [
        tr.t("scorecards.bad_period", value=period) if period and month is None else None,
        bad_tier,
        tr.t("scorecards.bad_category", value=category) if category and path is None else None,
    ]
    return Filters(month, chosen_tier, path, tuple(p for p in problems if p))


def _period(typed: str) -> str | None:
    try:
        return CalendarPeriod.parse(typed).name
    except ValidationFailed:
        return None


def _list_page(
    request: Request,
    viewer: Viewer,
    chosen: Filters,
    after: str | None,
    *,
    error: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    ctx, actor, tr = context_of(request), viewer.actor, viewer.tr
    query = CardQuery(tier=chosen.tier, category=chosen.category, after=after, limit=PAGE)
    try:
        cycle, cards = scorecards.list_scorecards(ctx, actor, chosen.period, query)
        counts = scorecards.tier_counts(ctx, actor, chosen.period)
    except NotFound:
        if chosen.period is not None:  # a month without a cycle: say so, show the latest
            problem = tr.t("scorecards.no_cycle", value=chosen.period)
            shown = replace(chosen, period=None, problems=(*chosen.problems, problem))
            return _list_page(request, viewer, shown, None, error=error, status=status)
        cycle, cards, counts = None, [], {}
    tiers = [(t.value, named(tr, TIER_NAMES, Tier, t.value), counts.get(t.value, 0)) for t in Tier]
    return page(
        request,
        viewer,
        "operator_scorecards.html",
        status=status,
        error=error,
        cycle=cycle,
        rows=[_row(viewer, card) for card in cards],
        tiers=tiers,
        categories=category_choices(tr),
        chosen=chosen,
        older=_next_page(chosen, cards),
        appeals=scoring_appeals.list_appeals(ctx, actor, "pending"),
        may_decide=viewer.role is Role.OPERATOR,
    )


def _next_page(chosen: Filters, cards: list[StoredCard]) -> str | None:
    """The address of the next page of the same filters, when this one is full."""
    if len(cards) < PAGE:
        return None
    kept = {
        "period": chosen.period,
        "tier": chosen.tier,
        "category": chosen.category,
        "after": cards[-1].merchant_id,
    }
    return f"{PATH}?{urlencode({k: v for k, v in kept.items() if v})}"


def _row(viewer: Viewer, card: StoredCard) -> CardRow:
    tr = viewer.tr
    pending = card.card.get("pending")
    return CardRow(
        merchant_id=card.merchant_id,
        tier=named(tr, TIER_NAMES, Tier, card.tier),
        pending=named(tr, TIER_NAMES, Tier, pending) if isinstance(pending, str) else "",
        score=card.score,
        percentile=card.percentile,
        peers=_peers(tr, card.card.get("peer_group") or {}),
        orders=float(card.card.get("orders", 0.0)),
        why=_why(viewer, card),
    )


def _peers(tr: Translator, group: dict[str, str]) -> str:
    """The group the card's percentile is taken in (the stored card's, not its category)."""
    return peer_group_name(tr, group.get("category", "*"), group.get("band", "*"))


def _why(viewer: Viewer, card: StoredCard) -> list[str]:
    """What weighs on the tier: a severe breach acts at once, a line crossed needs its rate and
    its count over the line."""
    tr = viewer.tr
    severe = [named(tr, SEVERE_NAMES, SevereBreach, s) for s in card.card.get("severe") or []]
    lines = [
        tr.t(
            "scorecards.line",
            metric=named(tr, METRIC_NAMES, Metric, b.get("metric", "")),
            level=named(tr, TIER_NAMES, Tier, b.get("level", "")),
        )
        for b in card.card.get("breaches") or []
    ]
    return severe + lines
