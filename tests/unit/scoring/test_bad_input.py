"""Bad input: clear errors or an explicit not_enough_data tier, never a NaN."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from aftersales.errors import ValidationFailed
from aftersales.scoring import (
    DEFAULT_WEIGHTS,
    Attainment,
    ExcludedCase,
    MerchantWindow,
    Metric,
    Ratings,
    ScoringConfig,
    ServiceCounts,
    Tier,
    Weights,
    case_contribution,
    score_cycle,
    weekly_check,
)

from .builders import counts, peers


def _numbers(value: Any) -> Iterator[float]:
    """Every float inside a result, however deeply nested."""
    if isinstance(value, float):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _numbers(getattr(value, f.name))
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _numbers(item)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"case_rate": 0.5, "satisfaction": 0.6}, "sum to 1"),
        ({"case_rate": 1.2, "satisfaction": -0.2}, ">= 0"),
        ({"case_rate": 0.5, "satisfaction": 0.5, "speed": 0.0}, "unknown metric"),
        ({"case_rate": math.nan, "satisfaction": 1.0}, ">= 0"),
        ({}, "sum to 1"),
    ],
)
def test_weights_that_are_negative_or_do_not_sum_to_1_are_refused(
    weights: dict[str, float], message: str
) -> None:
    with pytest.raises(ValidationFailed, match=message):
        Weights.of(weights)


def test_valid_weights_from_a_settings_file_are_accepted() -> None:
    weights = Weights.of({"case_rate": 0.5, "satisfaction": 0.5})
    assert weights[Metric.CASE_RATE] == 0.5 and weights[Metric.PROPOSAL] == 0.0
    assert sum(DEFAULT_WEIGHTS.values.values()) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "settings",
    [
        {"interval": 1.5},
        {"min_peers": 0},
        {"volume_bands": (1000.0, 100.0)},
        {"min_orders": 0.0},
        {"good_from": 95.0},
        {"orders_per_buyer": 0.0},
    ],
)
def test_nonsense_settings_are_refused(settings: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed):
        ScoringConfig(**settings)


def test_a_cycle_without_merchants_is_an_error_not_an_empty_result() -> None:
    with pytest.raises(ValidationFailed, match="no merchants"):
        score_cycle([])


def test_a_merchant_listed_twice_is_refused() -> None:
    twice = peers(2, "home/textile")
    with pytest.raises(ValidationFailed, match="twice"):
        score_cycle([*twice, twice[0]])


def test_a_merchant_with_no_orders_gets_not_enough_data_and_no_nan() -> None:
    result = score_cycle(
        [*peers(40, "home/textile"), MerchantWindow("empty", "home/textile", ServiceCounts())]
    )
    card = result.card("empty")
    assert (card.tier, card.score) == (Tier.NOT_ENOUGH_DATA, None)
    assert (
        card.reason is not None and "no orders" in card.reason.en and "没有订单" in card.reason.zh
    )
    assert all(math.isfinite(x) for x in _numbers(result))


def test_a_marketplace_where_nobody_has_orders_is_all_not_enough_data() -> None:
    empty = [MerchantWindow(f"m{i}", "food/fresh", ServiceCounts()) for i in range(5)]
    result = score_cycle(empty)
    assert {c.tier for c in result.cards} == {Tier.NOT_ENOUGH_DATA}
    assert all(math.isfinite(x) for x in _numbers(result))
    assert weekly_check(empty, {}) == ()


def test_a_single_merchant_is_scored_without_nan() -> None:
    result = score_cycle([MerchantWindow("alone", "home", counts(300, 3))])
    assert result.cards[0].score is not None
    assert all(math.isfinite(x) for x in _numbers(result))


@pytest.mark.parametrize(
    "build",
    [
        lambda: ServiceCounts(orders=-1),
        lambda: ServiceCounts(orders=math.inf),
        lambda: Attainment(due=3, on_time=4),
        lambda: Ratings((1.0, 2.0, 3.0)),  # type: ignore[arg-type]
        lambda: ServiceCounts(resolution_hours=(-2.0,)),
        lambda: MerchantWindow("m", "home", ServiceCounts(orders=5, cases=6)),
        lambda: MerchantWindow("m", "home", ServiceCounts(orders=5, cases=1, escalations=2)),
        lambda: MerchantWindow("", "home", ServiceCounts()),
        lambda: MerchantWindow("m", "/home", ServiceCounts()),
        lambda: case_contribution(stars=6),
    ],
)
def test_impossible_counts_are_refused(build: Any) -> None:
    with pytest.raises(ValidationFailed):
        build()


def test_an_exclusion_larger_than_the_counts_is_refused() -> None:
    blamed = case_contribution(escalated=True)
    window = MerchantWindow(
        "m", "home", counts(100, 1), excluded=(ExcludedCase("c1", "x", blamed),)
    )
    with pytest.raises(ValidationFailed, match="excluding case c1"):
        score_cycle([window])
