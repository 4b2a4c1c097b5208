"""What the simulated buyers see: the marketplace's ranking, re-ranked by the platform's
exposure service, and the shops' ratings. Demand follows both (``pull``).

Once a day the marketplace ranks each category's products for a shopper with its own relevance
scores (the shop's rating, and how well each product sells), asks the exposure service to
re-rank them (``exposure_serving.rank``: boosts for quality merchants, throttles, stop-sale
holds), shows the top and reports the impressions. A merchant's exposure factor is the attention
its products got (position-discounted, as buyers look) over what they would have got from the
marketplace's ranking alone: above 1 for a boosted merchant, below for a throttled one, 1 when
the service changes nothing.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from aftersales.exposure import Candidates, Impression, RankRequest
from aftersales.services import exposure_serving
from aftersales.services.context import Context
from aftersales.services.sim_market import INTEGRATION
from aftersales.simulation import Reputation, World

__all__ = ["ShopWindow"]

_SHOWN = 20  # products shown per category page
_SLOT = "search"
_BOUNDS = (0.2, 3.0)  # an exposure factor stays within these


class ShopWindow:
    def __init__(self, ctx: Context, world: World, rng: np.random.Generator) -> None:
        self._ctx = ctx
        self._world = world
        self.reputation = Reputation()
        # How well each product sells by itself, as the marketplace's ranker has learnt.
        self._appeal = {p.id: float(rng.lognormal(0.0, 0.3)) for p in world.products}
        self.exposure: dict[str, float] = {}
        self.attention: dict[str, float] = defaultdict(float)  # shown this period, by merchant

    def refresh(self) -> None:
        """Today's shop window, as the exposure service (refreshed by the day's jobs) ranks it."""
        factors: dict[str, list[float]] = defaultdict(list)
        for category in sorted({p.category for p in self._world.products}):
            for merchant, factor in self._category(category).items():
                factors[merchant].append(factor)
        self.exposure = {m: float(np.mean(f)) for m, f in factors.items()}

    def pull(self) -> dict[str, float]:
        """Each merchant's pull on buyers: its rating's, times its exposure factor."""
        return {
            m.id: self.reputation.pull(m.id) * self.exposure.get(m.id, 1.0)
            for m in self._world.merchants
        }

    def _category(self, category: str) -> dict[str, float]:
        items = [p for p in self._world.products if p.category == category and p.on_sale]
        if not items:
            return {}
        scores = [self.reputation.stars(p.merchant_id) * self._appeal[p.id] for p in items]
        request = RankRequest(
            _SLOT,
            "sim-shopper",
            Candidates([p.id for p in items], [p.merchant_id for p in items], scores),
            min(_SHOWN, len(items)),
        )
        result = exposure_serving.rank(self._ctx, INTEGRATION, request)
        shown = [Impression(i.item_id, i.merchant_id) for i in result.items]
        got = _attention([i.merchant_id for i in result.items])
        for merchant, seen in got.items():
            self.attention[merchant] += seen
        exposure_serving.record_impressions(self._ctx, INTEGRATION, _SLOT, shown)
        plain = sorted(range(len(items)), key=lambda i: (-scores[i], i))[: request.k]
        baseline = _attention([items[i].merchant_id for i in plain])
        return _factors(got, baseline)

    def read_ratings(self, ratings: list[tuple[str, int]]) -> None:
        for merchant, stars in ratings:
            self.reputation.rate(merchant, stars)

    def next_day(self) -> None:
        self.reputation.next_day()


def _attention(merchants: list[str]) -> dict[str, float]:
    """Attention per merchant on a page: buyers look less at each lower position."""
    seen: dict[str, float] = defaultdict(float)
    for position, merchant in enumerate(merchants, start=1):
        seen[merchant] += 1.0 / math.log2(position + 1)  # a float the run's JSON can hold
    return seen


def _factors(got: dict[str, float], baseline: dict[str, float]) -> dict[str, float]:
    """Attention got over attention the marketplace's own ranking would have given."""
    small = 0.05  # a shop just off the page keeps some buyers (search, links, old customers)
    return {
        m: float(np.clip((got.get(m, 0.0) + small) / (baseline.get(m, 0.0) + small), *_BOUNDS))
        for m in {*got, *baseline}
    }
