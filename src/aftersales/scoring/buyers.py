"""The per-buyer caps that keep one buyer's orders and ratings from moving a merchant much.

Brushing (刷单) is cheap when every order counts: one accomplice places fifty orders, opens no
case and rates each five stars, and the merchant's case rate halves. So, per window:

- **Each buyer counts for at most ``orders_cap`` orders.** A buyer with more orders has *all*
  of its orders and cases (and every case count: deadlines, escalations, ...) weighted by
  ``orders_cap / orders``. Weighting the cases the same way as the orders keeps a genuine repeat
  buyer's own case rate intact (a loyal customer of a coffee shop is not turned into extra
  defects); it only stops that buyer's volume from counting many times over. eBay applies the
  same idea to defects ("from unique buyers").
- **Each buyer has at most ``ratings_cap`` ratings' worth of say** (one by default): a buyer's
  ratings are weighted by ``min(order weight, ratings_cap / ratings)``, so fifty five-star
  ratings from one account count as one, spread over its stars as the buyer gave them.

The cycle job computes the same weights in its query (``least(1, cap / orders_of_buyer)`` per
merchant and buyer, multiplied into every count); ``weigh_buyers`` is the reference version.
The caps do not stop many accomplices (sybils): that needs detection of related accounts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from aftersales.errors import ValidationFailed
from aftersales.scoring.counts import Ratings, ServiceCounts

__all__ = ["buyer_weight", "rating_weight", "weigh_buyer", "weigh_buyers"]


def buyer_weight(orders: float, cap: float) -> float:
    """The weight of each order and case of a buyer who placed ``orders`` orders."""
    if cap <= 0:
        raise ValidationFailed(f"the per-buyer cap must be positive, got {cap:g}")
    return 1.0 if orders <= cap else cap / orders


def rating_weight(orders: float, ratings: float, orders_cap: float, ratings_cap: float) -> float:
    """The weight of each rating of a buyer with ``orders`` orders and ``ratings`` ratings."""
    weight = buyer_weight(orders, orders_cap)
    if ratings_cap <= 0:
        raise ValidationFailed(f"the per-buyer ratings cap must be positive, got {ratings_cap:g}")
    return weight if ratings <= 0 else min(weight, ratings_cap / ratings)


def weigh_buyer(counts: ServiceCounts, orders_cap: float, ratings_cap: float) -> ServiceCounts:
    """One buyer's raw counts at a merchant, weighted by both caps."""
    weighted = counts.scaled(buyer_weight(counts.orders, orders_cap))
    w = rating_weight(counts.orders, counts.ratings.n, orders_cap, ratings_cap)
    s = counts.ratings.stars
    return replace(weighted, ratings=Ratings((s[0] * w, s[1] * w, s[2] * w, s[3] * w, s[4] * w)))


def weigh_buyers(
    per_buyer: Iterable[ServiceCounts], orders_cap: float, ratings_cap: float
) -> ServiceCounts:
    """A merchant's counts from its buyers' raw counts, each buyer weighted by the caps."""
    return ServiceCounts.total(weigh_buyer(c, orders_cap, ratings_cap) for c in per_buyer)
