"""Orders: how many each day, who buys, what, from whom, through which channel, when.

Buyers choose a category by season and by their half of the country, then a merchant selling
it in proportion to its pull (its size, times what the marketplace shows of it: reputation and
exposure, which the caller passes in), then one of its products on sale. The day's random draws
are made as arrays, so a day of ten thousand orders costs milliseconds, not seconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from aftersales.simulation.calendar import HOUR_SHARE, day_start, demand_factor
from aftersales.simulation.catalogue import PROFILES, seasonal_demand
from aftersales.simulation.generate import CATEGORY_SHARE
from aftersales.simulation.regions import REGIONS
from aftersales.simulation.world import SimMerchant, SimProduct, World

__all__ = ["Demand", "LinePlan", "OrderPlan"]

_NORTH = {r.code: r.north for r in REGIONS}
_PATHS = list(CATEGORY_SHARE)
_SECOND_LINE = 0.1  # orders with a second product of the same shop
_QUANTITY = np.array([0.85, 0.12, 0.03])


@dataclass(frozen=True, slots=True)
class LinePlan:
    id: str
    product_id: str
    batch_id: str
    unit_price: int  # fen
    quantity: int


@dataclass(frozen=True, slots=True)
class OrderPlan:
    id: str
    merchant_id: str
    consumer_id: str
    store_id: str
    channel: str
    region: str
    placed_at: datetime
    delivered_at: datetime
    lines: tuple[LinePlan, ...]


@dataclass(frozen=True, slots=True)
class _Draws:
    """One day's random numbers, one row per order."""

    hour: NDArray[np.int64]
    second: NDArray[np.int64]
    quantity: NDArray[np.int64]  # two columns: first and second line
    ship_days: NDArray[np.int64]
    ship_hours: NDArray[np.int64]
    u: NDArray[np.float64]  # four columns: offline, second line, product, second product

    @classmethod
    def of(cls, rng: np.random.Generator, n: int) -> _Draws:
        return cls(
            rng.choice(24, size=n, p=HOUR_SHARE),
            rng.integers(3600, size=n),
            rng.choice(3, size=(n, 2), p=_QUANTITY) + 1,
            rng.integers(1, 4, size=n),
            rng.integers(8, 20, size=n),
            rng.random((n, 4)),
        )


class Demand:
    """Draws each day's orders; keeps the serial that makes order ids unique."""

    def __init__(self, world: World, orders_per_day: int, rng: np.random.Generator) -> None:
        self._world = world
        self._per_day = orders_per_day
        self._rng = rng
        self._serial = 0
        activity = rng.lognormal(0.0, 0.7, size=len(world.consumers))
        self._activity = activity / activity.sum()
        self._north = np.array([_NORTH[c.region] for c in world.consumers])

    def day(self, day: date, pull: Mapping[str, float]) -> list[OrderPlan]:
        """The orders placed on ``day``; ``pull`` weighs each merchant (1 when absent)."""
        rng = self._rng
        count = int(rng.poisson(self._per_day * demand_factor(day)))
        buyers = rng.choice(len(self._activity), size=count, p=self._activity)
        categories = self._categories(day, buyers)
        shops = _choose_shops(self._world, pull, categories, rng)
        draws = _Draws.of(rng, count)
        start = day_start(day)
        orders = [
            self._order(start, int(buyers[i]), shops[i], _PATHS[categories[i]], draws, i)
            for i in range(count)
            if shops[i] is not None
        ]
        orders.sort(key=lambda o: (o.placed_at, o.id))
        return orders

    def _categories(self, day: date, buyers: NDArray[np.int64]) -> NDArray[np.int64]:
        """A category per order, by season and half of the country, among those on sale."""
        north = self._north[buyers]
        chosen = np.empty(len(buyers), dtype=np.int64)
        world = self._world
        on_sale = [any(world.sells(m.id, p) for m in world.merchants) for p in _PATHS]
        for side in (True, False):
            weights = np.array(
                [
                    CATEGORY_SHARE[p] * seasonal_demand(PROFILES[p], day, side) * sold
                    for p, sold in zip(_PATHS, on_sale, strict=True)
                ]
            )
            if weights.sum() <= 0:
                weights = np.ones(len(_PATHS))  # nothing on sale: the orders find no shop
            mask = north == side
            chosen[mask] = self._rng.choice(
                len(_PATHS), size=int(mask.sum()), p=weights / weights.sum()
            )
        return chosen

    def _order(
        self,
        start: datetime,
        buyer: int,
        merchant: SimMerchant | None,
        path: str,
        draws: _Draws,
        i: int,
    ) -> OrderPlan:
        assert merchant is not None
        consumer = self._world.consumers[buyer]
        self._serial += 1
        oid = f"o-{self._serial:08d}"
        u = draws.u[i]
        placed = start + timedelta(hours=int(draws.hour[i]), seconds=int(draws.second[i]))
        store = merchant.offline_store_in(consumer.region)
        offline = store is not None and u[0] < PROFILES[path].offline_share
        if not offline or store is None:
            store = merchant.online_store
        cross = _NORTH[merchant.region] != _NORTH[consumer.region]  # a day more across China
        shipping = timedelta(days=int(draws.ship_days[i]) + cross, hours=int(draws.ship_hours[i]))
        products = self._products(merchant, path, u)
        lines = tuple(
            LinePlan(f"{oid}-{n + 1}", p.id, p.batch.id, p.price, int(draws.quantity[i, n]))
            for n, p in enumerate(products)
        )
        return OrderPlan(
            oid,
            merchant.id,
            consumer.id,
            store.id,
            "offline" if offline else "online",
            consumer.region,
            placed,
            placed if offline else placed + shipping,
            lines,
        )

    def _products(
        self, merchant: SimMerchant, path: str, u: NDArray[np.float64]
    ) -> list[SimProduct]:
        on_sale = [p for p in self._world.products_of(merchant.id) if p.on_sale]
        fitting = [p for p in on_sale if p.category == path] or on_sale
        # The shop's first product of the category is its best seller: twice the others' share.
        slots = len(fitting) + 1
        index = max(0, int(u[2] * slots) - 1)
        chosen = [fitting[index]]
        others = [p for p in on_sale if p is not chosen[0]]
        if others and u[1] < _SECOND_LINE:
            chosen.append(others[min(int(u[3] * len(others)), len(others) - 1)])
        return chosen


def _choose_shops(
    world: World, pull: Mapping[str, float], categories: NDArray[np.int64], rng: np.random.Generator
) -> list[SimMerchant | None]:
    """A merchant for every order, drawn among those selling its category, by pull."""
    chosen: list[SimMerchant | None] = [None] * len(categories)
    for c, path in enumerate(_PATHS):
        where = np.flatnonzero(categories == c)
        sellers = [m for m in world.merchants if world.sells(m.id, path)]
        weights = np.array([m.size * pull.get(m.id, 1.0) for m in sellers])
        if len(where) == 0 or not sellers or weights.sum() <= 0:
            continue
        picks = rng.choice(len(sellers), size=len(where), p=weights / weights.sum())
        for i, k in zip(where.tolist(), picks.tolist(), strict=True):
            chosen[i] = sellers[k]
    return chosen
