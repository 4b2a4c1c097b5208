"""The simulated marketplace's side of the integration: it tells the platform about its
merchants, products and buyers, pushes each block of orders, and restocks a product whose batch
the platform has stopped from sale. Everything goes through the integration's use cases."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from aftersales.domain.actors import Actor, Role
from aftersales.domain.catalog import (
    Batch,
    Channel,
    Consumer,
    Merchant,
    Order,
    OrderLine,
    Product,
    Store,
    StoreKind,
)
from aftersales.errors import ErrorCode
from aftersales.services import catalog
from aftersales.services.context import Context
from aftersales.services.order_batches import BatchPush, push_consumers, push_orders
from aftersales.simulation import CST, OrderPlan, SimProduct, World, new_batch

__all__ = ["INTEGRATION", "MarketSide", "register_world"]

INTEGRATION = Actor(Role.INTEGRATION, "simulator")


def register_world(ctx: Context, world: World, start: date) -> None:
    """Tell the platform about every merchant with its stores, product with its batches, buyer."""
    for m in world.merchants:
        stores = tuple(Store(s.id, m.id, StoreKind(s.kind), s.zh, s.region) for s in m.stores)
        catalog.put_merchant(ctx, INTEGRATION, Merchant(m.id, m.zh, stores))
    for p in world.products:
        catalog.put_product(ctx, INTEGRATION, _product(p, start))
    consumers = [Consumer(c.id, c.name, c.region) for c in world.consumers]
    push_consumers(ctx, INTEGRATION, consumers)


def _product(p: SimProduct, start: date) -> Product:
    batches = tuple(Batch(b.id, p.id, b.code, _produced(start, b.produced_day)) for b in p.batches)
    return Product(
        p.id, p.merchant_id, p.category, p.zh, p.brand, p.model, dict(p.attributes), batches
    )


def _produced(start: date, day: int) -> datetime:
    return datetime.combine(start + timedelta(days=day), time(8), CST)


class MarketSide:
    """Pushes orders and reacts to stop-sale holds by restocking with a new batch."""

    def __init__(self, ctx: Context, world: World, start: date) -> None:
        self._ctx = ctx
        self._world = world
        self._start = start
        self.restocked = 0
        self.held_refusals = 0
        self.other_refusals: dict[str, int] = {}

    def push(self, plans: Sequence[OrderPlan], day: int) -> list[OrderPlan]:
        """Push the orders; return those the platform recorded."""
        report = push_orders(self._ctx, INTEGRATION, [to_order(p) for p in plans])
        self._learn(report, plans, day)
        added = set(report.added)
        return [p for p in plans if p.id in added]

    def _learn(self, report: BatchPush, plans: Sequence[OrderPlan], day: int) -> None:
        by_id = {p.id: p for p in plans}
        for order_id, error in report.refused.items():
            if error.code is not ErrorCode.PRODUCT_ON_HOLD:
                key = error.code.value
                self.other_refusals[key] = self.other_refusals.get(key, 0) + 1
                continue
            self.held_refusals += 1
            for line in by_id[order_id].lines:
                self._restock(self._world.product_by_id[line.product_id], line.batch_id, day)

    def _restock(self, product: SimProduct, held_batch: str, day: int) -> None:
        """A held batch is replaced by a new, sound one; a product held twice leaves the shop."""
        if product.batch.id != held_batch:
            return  # already restocked after an earlier refusal
        if len(product.batches) >= 3:
            product.on_sale = False
            return
        batch = new_batch(product, len(product.batches) + 1, produced_day=day - 2)
        self._world.add_batch(product, batch)
        catalog.put_product(self._ctx, INTEGRATION, _product(product, self._start))
        self.restocked += 1


def to_order(plan: OrderPlan) -> Order:
    lines = tuple(
        OrderLine(line.id, plan.id, line.product_id, line.unit_price, line.quantity, line.batch_id)
        for line in plan.lines
    )
    return Order(
        id=plan.id,
        merchant_id=plan.merchant_id,
        consumer_id=plan.consumer_id,
        store_id=plan.store_id,
        channel=Channel(plan.channel),
        region=plan.region,
        placed_at=plan.placed_at,
        lines=lines,
        paid_at=plan.placed_at,
        delivered_at=plan.delivered_at,
    )
