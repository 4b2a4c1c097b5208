"""The platform's merchants by tier, for operators and auditors: how the last assessment cycle's
scores spread in each tier, and how the tiers in force share the merchants and their exposure.

Exposure is measured by the impressions the marketplace reports for merchants' content (every
item, every day: ``POST /contents/{id}/metrics``). The exposure service counts product
impressions only where a promise or a throttle needs them, so they cannot give every tier's
share (docs/decisions/0022-operator-console-pages.md).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from aftersales.domain.actors import Actor, Role
from aftersales.errors import PermissionDenied, Text
from aftersales.scoring.tiers import Tier
from aftersales.services import exposure_tiers
from aftersales.services.content import today
from aftersales.services.context import Context
from aftersales.services.cycles import MONTHLY

__all__ = ["EXPOSURE_DAYS", "TierFigures", "tier_figures"]

EXPOSURE_DAYS = 28  # the window of content impressions: four whole weeks up to today


@dataclass(frozen=True, slots=True)
class TierFigures:
    period: str | None  # the latest monthly cycle's period; None before the first one
    scores: dict[str, tuple[float, ...]]  # tier in that cycle -> its merchants' scores, sorted
    merchants: dict[str, int]  # tier in force now -> merchants
    impressions: dict[str, int]  # tier in force now -> content impressions in the window
    window: tuple[date, date]

    @property
    def tiers(self) -> tuple[str, ...]:
        """Every tier that has a merchant, best first; tiers this version does not know last."""
        seen = set(self.scores) | set(self.merchants) | set(self.impressions)
        known = [t.value for t in Tier if t.value in seen]
        return (*known, *sorted(seen - set(known)))


def tier_figures(ctx: Context, actor: Actor) -> TierFigures:
    """Scores by tier in the latest monthly cycle; merchants and content exposure by the tier
    in force now (a merchant without a scorecard has not enough data)."""
    if actor.role not in (Role.OPERATOR, Role.AUDITOR):
        raise PermissionDenied(
            Text(
                "the platform's figures are for operators and auditors",
                "平台数据仅供平台运营和审计人员查看",
            )
        )
    last = today(ctx.clock.now())
    first = last - timedelta(days=EXPOSURE_DAYS - 1)
    with ctx.uow(read_only=True) as uow:
        cycle = uow.scoring.latest(MONTHLY)
        scores = uow.overview.scores(cycle.id) if cycle is not None else []
        tiers = exposure_tiers.tiers_in_force(uow, at=ctx.clock.now())
        impressions = uow.overview.content_impressions(first, last)
        merchants = uow.overview.merchant_ids()
    tier_of = {m: tiers.get(m, Tier.NOT_ENOUGH_DATA.value) for m in merchants}
    shown: Counter[str] = Counter()
    for merchant, n in impressions.items():
        shown[tier_of.get(merchant, Tier.NOT_ENOUGH_DATA.value)] += n
    return TierFigures(
        period=cycle.period if cycle is not None else None,
        scores=_by_tier(scores),
        merchants=dict(Counter(tier_of.values())),
        impressions=dict(shown),
        window=(first, last),
    )


def _by_tier(scores: list[tuple[str, float | None]]) -> dict[str, tuple[float, ...]]:
    found: dict[str, list[float]] = {}
    for tier, score in scores:
        if score is not None:
            found.setdefault(tier, []).append(score)
    return {tier: tuple(sorted(values)) for tier, values in found.items()}
