"""The array code of ``score_cycle`` gives what the per-merchant code gave, to 1e-9.

Random markets cover what the fast code does differently: peer groups formed at every rung of
the ladder, merchants too small to score or with no orders at all, fractional (buyer-weighted)
counts, ties in resolution times, per-category breakdowns, cases excluded on appeal, severe
breaches, previous standings of every kind, and settings other than the defaults.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from enum import Enum
from typing import Any

import numpy as np
import pytest

from aftersales.scoring import (
    Attainment,
    ExcludedCase,
    MerchantWindow,
    Metric,
    Ratings,
    ScoringConfig,
    ServiceCounts,
    SevereBreach,
    Standing,
    Tier,
    Weights,
    score_cycle,
)

from . import per_merchant

CATEGORIES = (
    "digital",
    "digital/phone",
    "digital/computer",
    "digital/accessory",
    "apparel/knitwear",
    "apparel/shoes",
    "home/furniture",
    "food/fresh",
    "food/packaged",
    "personal_care",
)
TOLERANCE = 1e-9


def _some(rng: np.random.Generator, n: float, p: float, weight: float) -> float:
    return float(rng.binomial(int(n), p)) * weight


def _counts(rng: np.random.Generator, orders: int, quality: float) -> ServiceCounts:
    """One window of a merchant; ``weight`` < 1 plays a buyer over the cap."""
    weight = 1.0 if rng.random() < 0.7 else float(rng.uniform(0.2, 1.0))
    cases = _some(rng, orders, min(0.9, 0.02 * math.exp(-quality)), 1.0)
    rate = 1.0 / (1.0 + math.exp(-(1.5 + quality)))

    def clock() -> Attainment:
        due = _some(rng, cases, 0.9, weight)
        return Attainment(due, _some(rng, due / weight, rate, weight))

    escalations = _some(rng, cases, 0.15, weight)
    rated = rng.binomial(int(cases), 0.6)
    stars = rng.multinomial(rated, [0.1, 0.05, 0.1, 0.25, 0.5]) * weight
    hours = np.round(rng.lognormal(3.0 - 0.3 * quality, 0.8, int(cases)), 0)  # ties on purpose
    return ServiceCounts(
        orders=orders * weight,
        cases=cases * weight,
        first_response=clock(),
        proposal=clock(),
        resolution=clock(),
        resolution_hours=tuple(float(h) for h in hours),
        escalations=escalations,
        disputes_lost=_some(rng, escalations / weight, 0.4, weight),
        refund_only=_some(rng, cases, 0.3, weight),
        repeat_contacts=_some(rng, cases, 0.15, weight),
        ratings=Ratings(tuple(float(s) for s in stars)),  # type: ignore[arg-type]
        safety_incidents=int(rng.random() < 0.02) * int(rng.integers(1, 4)),
    )


def _room(counts: ServiceCounts) -> bool:
    """Whether one case can be taken out and the counts still describe a window."""
    most = max(counts.escalations, counts.refund_only, counts.repeat_contacts)
    return counts.cases >= 1.0 + most


def _excluded(counts: ServiceCounts, case_id: str, category: str | None) -> ExcludedCase:
    """A case taken back on appeal: one case, one met deadline and one time, where there are."""
    met = counts.first_response.on_time >= 1.0
    contribution = ServiceCounts(
        cases=1.0,
        first_response=Attainment(1.0, 1.0) if met else Attainment(),
        resolution_hours=counts.resolution_hours[:1],
    )
    return ExcludedCase(case_id, "courier's fault", contribution, category)


def _window(rng: np.random.Generator, i: int) -> MerchantWindow:
    quality = float(rng.normal())
    orders = 0 if rng.random() < 0.03 else int(rng.lognormal(5.0, 1.6))
    first, second = (str(c) for c in rng.choice(CATEGORIES, 2, replace=False))
    severe = (SevereBreach.SAFETY_RECALL,) if rng.random() < 0.01 else ()
    if orders >= 2 and rng.random() < 0.2:
        share = int(orders * rng.uniform(0.1, 0.9))
        parts = {first: _counts(rng, orders - share, quality), second: _counts(rng, share, quality)}
        main = max(sorted(parts), key=lambda c: parts[c].orders)
        whole = parts[first].plus(parts[second])
        excluded = ()
        if _room(parts[main]) and rng.random() < 0.3:
            excluded = (_excluded(parts[main], f"c{i}", main),)
        return MerchantWindow(f"m{i:05d}", main, whole, parts, severe, excluded)
    counts = _counts(rng, orders, quality)
    excluded = (_excluded(counts, f"c{i}", None),) if _room(counts) and i % 9 == 0 else ()
    return MerchantWindow(f"m{i:05d}", first, counts, severe=severe, excluded=excluded)


def _standing(rng: np.random.Generator) -> Standing:
    tiers = list(Tier)
    tier = tiers[int(rng.integers(len(tiers)))]
    pending = None if rng.random() < 0.5 else tiers[int(rng.integers(len(tiers)))]
    if rng.random() < 0.3:
        return Standing(tier, pending)
    points = {m: float(rng.uniform(0, 20)) for m in Metric if rng.random() < 0.8}
    return Standing(tier, pending, float(rng.uniform(0, 100)), points)


def _market(seed: int, size: int) -> tuple[list[MerchantWindow], dict[str, Standing]]:
    rng = np.random.default_rng(seed)
    windows = [_window(rng, i) for i in range(size)]
    previous = {w.merchant_id: _standing(rng) for w in windows if rng.random() < 0.6}
    return windows, previous


def assert_same(fast: Any, slow: Any, where: str = "result") -> None:
    """Equal field by field; floats to ``TOLERANCE``, everything else exactly."""
    if isinstance(slow, float) and not isinstance(slow, Enum):
        assert isinstance(fast, float), f"{where}: {fast!r} is not a float"
        assert math.isclose(fast, slow, rel_tol=TOLERANCE, abs_tol=TOLERANCE), (
            f"{where}: {fast!r} != {slow!r}"
        )
    elif dataclasses.is_dataclass(slow) and not isinstance(slow, type):
        assert type(fast) is type(slow), f"{where}: {type(fast)} is not {type(slow)}"
        for f in dataclasses.fields(slow):
            assert_same(getattr(fast, f.name), getattr(slow, f.name), f"{where}.{f.name}")
    elif isinstance(slow, Mapping):
        assert isinstance(fast, Mapping) and sorted(fast) == sorted(slow), f"{where}: keys differ"
        for key in slow:
            assert_same(fast[key], slow[key], f"{where}[{key!r}]")
    elif isinstance(slow, tuple | list):
        assert type(fast) is type(slow) and len(fast) == len(slow), f"{where}: lengths differ"
        for i, (a, b) in enumerate(zip(fast, slow, strict=True)):
            assert_same(a, b, f"{where}[{i}]")
    else:
        assert fast == slow and type(fast) is type(slow), f"{where}: {fast!r} != {slow!r}"


CONFIGS = {
    "defaults": ScoringConfig(),
    "small groups, narrow interval": ScoringConfig(min_peers=8, interval=0.8),
    "weekly (no bands, every merchant a peer)": ScoringConfig(min_orders=1e-9, volume_bands=()),
    "other weights": ScoringConfig(
        weights=Weights(
            {Metric.CASE_RATE: 0.5, Metric.QUICK_RESOLUTION: 0.25, Metric.SATISFACTION: 0.25}
        ),
        volume_bands=(50.0, 500.0),
        min_orders=10.0,
    ),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
@pytest.mark.parametrize("seed", [1, 2])
def test_vectorised_scores_match_the_per_merchant_scorer(name: str, seed: int) -> None:
    windows, previous = _market(seed, 700)
    config = CONFIGS[name]
    fast = score_cycle(windows, previous, config)
    slow = per_merchant.score_cycle(windows, previous, config)
    assert_same(fast, slow)
    tiers = {card.tier for card in slow.cards}
    assert len(tiers) >= 3, "a market this varied should produce several tiers"
    assert any(card.categories for card in slow.cards)
    assert any(card.excluded for card in slow.cards)


def test_the_comparison_notices_a_difference() -> None:
    windows, previous = _market(3, 200)
    slow = per_merchant.score_cycle(windows, previous)
    card = slow.cards[0]
    nudged = dataclasses.replace(
        slow,
        cards=(
            dataclasses.replace(
                card,
                figures=(
                    dataclasses.replace(card.figures[0], low=card.figures[0].low + 1e-7),
                    *card.figures[1:],
                ),
            ),
            *slow.cards[1:],
        ),
    )
    with pytest.raises(AssertionError, match=r"figures\[0\]\.low"):
        assert_same(nudged, slow)


def test_a_market_of_one_merchant_matches_too() -> None:
    windows, _ = _market(4, 1)
    assert_same(score_cycle(windows), per_merchant.score_cycle(windows))
