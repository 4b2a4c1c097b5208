"""Robustness to brushing: one buyer's fake orders must not move a merchant much."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from aftersales.scoring import (
    MerchantWindow,
    Ratings,
    ScoringConfig,
    ServiceCounts,
    score_cycle,
    weigh_buyer,
    weigh_buyers,
)

from .builders import counts
from .simulation import market

FAKE_ORDERS = 50


@pytest.fixture(scope="module")
def windows() -> list[MerchantWindow]:
    m = market(9, {"home/furniture": 300}, {"home/furniture": 0.04})
    return m.windows(m.months(3))


def _targets(windows: list[MerchantWindow], count: int) -> list[int]:
    """Merchants spread over the whole volume range, smallest scorable shop included."""
    orders = np.array([w.counts.orders for w in windows])
    scorable = np.flatnonzero(orders >= ScoringConfig().min_orders)
    ranked = scorable[np.argsort(orders[scorable])]
    return [int(i) for i in ranked[np.linspace(0, ranked.size - 1, count).astype(int)]]


def _shifts(
    windows: list[MerchantWindow], fake: ServiceCounts, targets: list[int], config: ScoringConfig
) -> list[float]:
    """How far each target's score percentile moves when one buyer adds ``fake``."""
    before = score_cycle(windows, config=config).cards
    moved = []
    for i in targets:
        added = weigh_buyer(fake, config.orders_per_buyer, config.ratings_per_buyer)
        attacked = list(windows)
        attacked[i] = replace(windows[i], counts=windows[i].counts.plus(added))
        after = score_cycle(attacked, config=config).cards[i]
        moved.append(float(after.percentile - before[i].percentile))
    return moved


def test_fifty_fake_perfect_orders_from_one_buyer_move_the_percentile_by_at_most_5_points(
    windows: list[MerchantWindow],
) -> None:
    # A perfect order opens no case, so it brings no service rating either (ratings rate cases).
    fake = ServiceCounts(orders=FAKE_ORDERS)
    targets = _targets(windows, 10)
    capped = _shifts(windows, fake, targets, ScoringConfig())
    uncapped = _shifts(windows, fake, targets, ScoringConfig(orders_per_buyer=1e9))
    print("percentile moves with the cap", np.round(capped, 2), "without", np.round(uncapped, 2))
    assert max(abs(s) for s in capped) <= 5.0
    assert max(uncapped) > 5.0  # the simulation is one where the cap matters


def test_the_ratings_cap_stops_fifty_five_star_ratings_from_counting_fifty_times(
    windows: list[MerchantWindow],
) -> None:
    # Harsher than the platform allows: each fake order also leaves a five-star rating.
    fake = ServiceCounts(orders=FAKE_ORDERS, ratings=Ratings((0, 0, 0, 0, FAKE_ORDERS)))
    targets = _targets(windows, 6)
    capped = _shifts(windows, fake, targets, ScoringConfig())
    loose = ScoringConfig(orders_per_buyer=1e9, ratings_per_buyer=1e9)
    uncapped = _shifts(windows, fake, targets, loose)
    print("with fake ratings: capped", np.round(capped, 2), "uncapped", np.round(uncapped, 2))
    assert np.mean(capped) * 3 < np.mean(uncapped)


def test_a_repeat_buyer_keeps_its_own_case_rate_under_the_cap() -> None:
    loyal = counts(20, 2)  # one buyer, 20 orders, 2 cases: 10 %
    weighted = weigh_buyers([loyal], orders_cap=5, ratings_cap=1)
    assert weighted.orders == pytest.approx(5)
    assert weighted.cases / weighted.orders == pytest.approx(0.1)
    assert weighted.ratings.n <= 1  # one voice at most, here 2 ratings x 0.25


def test_buyers_under_the_cap_count_in_full() -> None:
    buyers = [counts(3, 1), counts(1, 0), counts(5, 0)]
    total = weigh_buyers(buyers, orders_cap=5, ratings_cap=5)
    assert total.orders == 9 and total.cases == 1
