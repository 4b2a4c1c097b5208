"""The incentives side of a simulated marketplace: merchants enrol in the quality-merchant
programme each cycle and publish content; the marketplace reports what content earned; the
content ladder runs daily and operators review nominations for the amplification pool.

All through the use cases (``programme``, ``content``, ``ladder_run``): the platform decides
eligibility from the tiers its own cycles stored, and stages from the metrics it was told.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from aftersales.domain.actors import Actor, Role
from aftersales.errors import AftersalesError
from aftersales.exposure import ContentKind, ContentMetrics, Stage
from aftersales.exposure.parameters import DEFAULT_QUOTAS
from aftersales.services import content, programme
from aftersales.services.context import Context
from aftersales.services.ladder_run import ladder_daily
from aftersales.services.sim_cases import OPERATOR
from aftersales.services.sim_market import INTEGRATION
from aftersales.simulation import Conduct, SimMerchant, World, day_start
from aftersales.store.content import Audience, ContentQuery

__all__ = ["Incentives"]

# Shops that publish content, by conduct: careful shops court their buyers more often.
_CREATOR = {Conduct.RESPONSIVE: 0.6, Conduct.SLOW: 0.3, Conduct.OBSTRUCTIVE: 0.2}
_POST_CHANCE = 0.5  # a creator posts on half the days: enough posts for cold start
_LIVE_DAYS = 14  # content older than this earns nothing more worth reporting
# Shops publishing content, at most: each live item costs a metrics report a day, and fifty
# creators show every stage of the ladder as well as five hundred would.
_MOST_CREATORS = 50
_KINDS = (ContentKind.POST, ContentKind.SHORT_VIDEO, ContentKind.LIVE_REPLAY)


@dataclass(frozen=True, slots=True)
class _Creator:
    ctr: float  # how often buyers open its content
    dwell: float  # seconds they stay
    fans: int


class Incentives:
    def __init__(self, ctx: Context, world: World, rng: np.random.Generator) -> None:
        self._ctx = ctx
        self._world = world
        self._rng = rng
        creators = [m for m in world.merchants if rng.random() < _CREATOR[m.conduct]]
        self._creators = {
            m.id: _Creator(
                float(rng.lognormal(np.log(0.05), 0.35)),
                float(rng.lognormal(np.log(14.0), 0.4)),
                int(rng.integers(100, 3000)),
            )
            for m in creators[:_MOST_CREATORS]
        }
        self.tally: Counter[str] = Counter()

    def end_of_day(self, day: date, index: int) -> None:
        """After the day ``day``: yesterday's metrics, new posts, the ladder, the reviews; on
        a cycle's first day, enrolments for the new cycle."""
        following = day + timedelta(days=1)
        if following.day == 1:
            self._enrol(index)
        if day.weekday() == 6:
            self._audiences()
        self._report(day)
        self._publish()
        report = ladder_daily(self._ctx)  # the ladder for the new day, then a recording refresh
        self.tally["ladder_moves"] += report.moved
        self._review()

    def _enrol(self, index: int) -> None:
        """Every shop tries: the careful ones store-wide, the others with a pool of products.
        The platform admits only the eligible tiers."""
        for m in self._world.merchants:
            products = [p.id for p in self._world.products_of(m.id) if p.on_sale][:30]
            careful = m.conduct_on(index) is Conduct.RESPONSIVE
            cmd = (
                programme.Enrol("store")
                if careful
                else programme.Enrol("pool", tuple(products[:3]))
            )
            try:
                programme.enrol_merchant(self._ctx, _agent(m), cmd)
            except AftersalesError as exc:
                self.tally[f"enrolment_refused:{exc.code.value}"] += 1
            else:
                self.tally["enrolled"] += 1

    def _audiences(self) -> None:
        now = self._ctx.clock.now()
        for mid, creator in self._creators.items():
            active = int(creator.fans * float(self._rng.uniform(0.04, 0.2)))
            content.put_audience(self._ctx, INTEGRATION, Audience(mid, creator.fans, active, now))

    def _publish(self) -> None:
        for mid in self._creators:
            merchant = self._world.by_id[mid]
            products = [p for p in self._world.products_of(mid) if p.on_sale]
            if not products or self._rng.random() >= _POST_CHANCE:
                continue
            product = products[int(self._rng.integers(len(products)))]
            kind = _KINDS[int(self._rng.integers(len(_KINDS)))]
            cmd = content.Publish(kind, f"{product.zh} 使用心得", (product.id,))
            content.publish(self._ctx, _agent(merchant), cmd)
            self.tally["published"] += 1

    def _report(self, day: date) -> None:
        """The marketplace reports what each live item earned on ``day``, in one daily export."""
        # The live items only, chosen by the platform's query rather than from every item.
        since = day_start(day - timedelta(days=_LIVE_DAYS))
        query = ContentQuery(limit=2000, published_since=since)
        reports: dict[str, ContentMetrics] = {}
        for record in content.list_contents(self._ctx, INTEGRATION, query):
            item = record.item
            creator = self._creators.get(item.merchant_id)
            if creator is None or item.published_on > day:
                continue
            reports[item.id] = self._metrics(item.stage, creator)
        self.tally["metrics_reported"] += content.report_metrics(
            self._ctx, INTEGRATION, day, reports
        )

    def _metrics(self, stage: Stage, creator: _Creator) -> ContentMetrics:
        rng = self._rng
        shown = int(rng.poisson(60)) + int(DEFAULT_QUOTAS.get(stage, 0) * rng.uniform(0.8, 1.0))
        clicks = int(rng.binomial(shown, min(0.5, creator.ctr)))
        dwell = float(clicks * creator.dwell * rng.uniform(0.8, 1.2))
        return ContentMetrics(shown, clicks, round(dwell, 1), int(rng.binomial(clicks, 0.05)))

    def _review(self) -> None:
        """Operators review the nominations: strong engagement in, the rest declined."""
        waiting = content.list_contents(self._ctx, OPERATOR, ContentQuery(nominated=True))
        for record in waiting:
            creator = self._creators.get(record.item.merchant_id)
            good = creator is not None and creator.ctr > 0.05
            text = "内容优质 / strong content" if good else "互动不足 / low engagement"
            content.review(self._ctx, OPERATOR, record.id, approved=good, text=text)
            self.tally["approved" if good else "declined"] += 1


def _agent(merchant: SimMerchant) -> Actor:
    return Actor(Role.MERCHANT_AGENT, merchant.id)
