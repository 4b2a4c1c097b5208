"""The pure world: one seed gives one world and one history; hazards follow the weather."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from aftersales.domain.catalog import check_region
from aftersales.domain.categories import is_known
from aftersales.simulation import (
    HAZARDS,
    REGIONS,
    CasePlanner,
    Conduct,
    Demand,
    HazardKind,
    WorldSize,
    generate_world,
)

_REGION = {r.code: r for r in REGIONS}


def _history(seed: int, days: int = 20) -> list[tuple[str, str, str]]:
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(3)]
    world = generate_world(WorldSize(20, 300, days), streams[0])
    demand, planner = Demand(world, 120, streams[1]), CasePlanner(world, streams[2])
    found = []
    for i in range(days):
        orders = demand.day(date(2026, 11, 1) + timedelta(days=i), {})
        found += [(o.id, o.consumer_id, o.lines[0].product_id) for o in orders]
        found += [(c.line_id, c.issue, c.description) for c in planner.plan(orders)]
    return found


def test_one_seed_gives_one_history_and_another_seed_another() -> None:
    assert _history(11) == _history(11)
    assert _history(11) != _history(12)


def test_the_world_speaks_the_platforms_language() -> None:
    world = generate_world(WorldSize(30, 200, 90), np.random.default_rng(3))
    assert all(is_known(p.category) for p in world.products)
    for m in world.merchants:
        check_region(m.region)
        assert m.online_store.kind == "online"
        assert all(s.kind == "offline" for s in m.stores[1:])
    assert {m.conduct for m in world.merchants} == set(Conduct)
    assert all(p.price % 100 == 99 for p in world.products)


def test_every_run_has_a_heater_batch_that_fails_in_northern_winters() -> None:
    world = generate_world(WorldSize(14, 50, 90), np.random.default_rng(5))
    kinds = {b.hazard for b in world.hazardous_batches()}
    assert set(HazardKind) <= kinds
    heater = HAZARDS[HazardKind.HEATER_COLD]
    harbin, canton = _REGION["CN-HL"], _REGION["CN-GD"]
    assert heater.intensity(harbin, date(2027, 1, 10)) > 1.0
    assert heater.intensity(harbin, date(2027, 7, 10)) == 0.0
    assert (
        heater.intensity(canton, date(2027, 1, 10))
        < heater.intensity(harbin, date(2027, 1, 10)) / 5
    )


def test_the_planted_batches_are_at_each_categorys_biggest_seller() -> None:
    """So that even a small world sells enough of them for the problem to show."""
    world = generate_world(WorldSize(40, 50, 90), np.random.default_rng(3))
    for hazard in HAZARDS.values():
        sellers = {p.merchant_id for p in world.products if p.category == hazard.category}
        biggest = max(sellers, key=lambda m: world.by_id[m].size)
        owner = {p.id: p.merchant_id for p in world.products}
        planted = [b for b in world.hazardous_batches() if b.hazard is hazard.kind]
        assert biggest in {owner[b.product_id] for b in planted}


def test_fresh_food_spoils_in_southern_summers_and_batteries_swell_in_heat() -> None:
    spoil, battery = HAZARDS[HazardKind.SPOILAGE_HEAT], HAZARDS[HazardKind.BATTERY_HEAT]
    canton, beijing = _REGION["CN-GD"], _REGION["CN-BJ"]
    summer, winter = date(2027, 7, 20), date(2027, 1, 20)
    assert spoil.intensity(canton, summer) > spoil.intensity(beijing, summer) > 0
    assert spoil.intensity(canton, winter) == 0.0
    assert battery.intensity(canton, summer) > battery.intensity(canton, winter)


def test_a_heater_sold_in_autumn_fails_in_winter_not_on_arrival() -> None:
    heater = HAZARDS[HazardKind.HEATER_COLD]
    rng = np.random.default_rng(1)
    delivered = date(2026, 9, 15)
    days = [heater.failure_after(_REGION["CN-HL"], delivered, 1, rng) for _ in range(2000)]
    failed = [d for d in days if d is not None]
    assert 0.15 < len(failed) / len(days) < 0.7  # a batch bad enough to recall
    months = [(delivered + timedelta(days=d)).month for d in failed]
    assert sum(m in (11, 12, 1, 2) for m in months) > 0.7 * len(months)


def test_demand_peaks_on_singles_day_and_sells_heaters_in_the_northern_winter() -> None:
    world = generate_world(WorldSize(30, 2000, 30), np.random.default_rng(8))
    demand = Demand(world, 400, np.random.default_rng(9))
    ordinary, festival = demand.day(date(2026, 11, 4), {}), demand.day(date(2026, 11, 11), {})
    assert len(festival) > 2 * len(ordinary)
    heaters = {p.id for p in world.products if p.category == "appliance/heater"}

    def heater_share(day: date, north: bool) -> float:
        orders = [o for o in demand.day(day, {}) if _REGION[o.region].north is north]
        return sum(o.lines[0].product_id in heaters for o in orders) / max(1, len(orders))

    assert heater_share(date(2027, 1, 6), True) > 3 * heater_share(date(2027, 7, 7), True)
    assert heater_share(date(2027, 1, 6), True) > heater_share(date(2027, 1, 6), False)


def test_demand_follows_the_pull_it_is_given() -> None:
    world = generate_world(WorldSize(30, 2000, 30), np.random.default_rng(8))
    # A merchant with rivals in its category: buyers of the category choose among them.
    first = next(
        m.id
        for m in world.merchants
        if sum(world.sells(o.id, m.categories[0]) for o in world.merchants) >= 3
    )
    plain = Demand(world, 2000, np.random.default_rng(4)).day(date(2026, 10, 14), {})
    shunned = Demand(world, 2000, np.random.default_rng(4)).day(date(2026, 10, 14), {first: 0.1})
    mine = [sum(o.merchant_id == first for o in d) for d in (plain, shunned)]
    assert mine[1] < mine[0] / 3
