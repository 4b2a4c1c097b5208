"""Use case: record many orders at once, as the marketplace's order system pushes them in bulk.

The rules of ``catalog.push_order``, checked for a whole batch in a handful of statements: no
time of placing or payment in the future, a store of the merchant and of the order's channel, a
known consumer, products of the merchant with their batches, line ids not used before, no line
of a held batch or product (``emergency.check_stop_sale`` itself, asked only for orders that
touch a held product). Each order is judged on its own: the good ones are recorded together, and
each refused one comes back with the error ``push_order`` raises for it
(tests/integration/test_order_batches.py holds the two to the same answers). An order already
recorded, or repeated in the batch, goes through ``push_order`` afterwards, whose rules for a
second push (only payment and delivery times change) then apply.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from aftersales.domain.actors import Actor, Role
from aftersales.domain.catalog import Consumer, Order, check_placed, check_region
from aftersales.errors import AftersalesError, ErrorCode, PermissionDenied, Text
from aftersales.services.catalog import push_order
from aftersales.services.context import Context
from aftersales.services.emergency import check_stop_sale
from aftersales.store.order_batches import ProductFacts
from aftersales.store.uow import UnitOfWork

__all__ = ["CHUNK", "BatchPush", "push_consumers", "push_orders"]

CHUNK = 2000  # orders per write transaction: every other writer of SQLite waits for each one

_INTEGRATION_ONLY = Text(
    "only the marketplace integration can push master data and orders",
    "只有平台系统可以推送主数据和订单",
)
# An order's channel and a store's kind, as a refusal names them in Chinese (as push_order does).
_CHANNELS = {"online": "线上", "offline": "线下"}


@dataclass
class BatchPush:
    """What became of each order of a batch."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    refused: dict[str, AftersalesError] = field(default_factory=dict)


def push_orders(ctx: Context, actor: Actor, batch: Sequence[Order]) -> BatchPush:
    """Record the batch's new orders, update the known ones, and say why any was refused."""
    if actor.role not in (Role.INTEGRATION, Role.SYSTEM):
        raise PermissionDenied(_INTEGRATION_ONLY)
    report = BatchPush()
    for start in range(0, len(batch), CHUNK):
        _push_chunk(ctx, actor, batch[start : start + CHUNK], report)
    return report


def _push_chunk(ctx: Context, actor: Actor, chunk: Sequence[Order], report: BatchPush) -> None:
    with ctx.uow() as uow:
        known = uow.order_batches.known_orders(o.id for o in chunk)
        fresh, again = _split(chunk, known)
        refs = _References.of(uow, fresh)
        now = ctx.clock.now()
        good = []
        for order in fresh:
            problem = refs.problem(uow, order, now)
            if problem is None:
                good.append(order)
                refs.claim(order)
            else:
                report.refused[order.id] = problem
        uow.order_batches.add_orders(good, ctx.clock.now())
        uow.commit()
    report.added.extend(o.id for o in good)
    for order in again:
        _push_again(ctx, actor, order, report)


def _split(chunk: Sequence[Order], known: set[str]) -> tuple[list[Order], list[Order]]:
    """New orders (first of each id), and the rest: known ones and repeats of an id."""
    fresh: list[Order] = []
    again: list[Order] = []
    seen: set[str] = set()
    for order in chunk:
        (again if order.id in known or order.id in seen else fresh).append(order)
        seen.add(order.id)
    return fresh, again


def _push_again(ctx: Context, actor: Actor, order: Order, report: BatchPush) -> None:
    try:
        _, new = push_order(ctx, actor, order)
    except AftersalesError as exc:
        report.refused[order.id] = exc
        return
    (report.added if new else report.updated).append(order.id)


@dataclass
class _References:
    """Everything the batch's new orders refer to, read at once."""

    stores: dict[str, tuple[str, str]]
    consumers: set[str]
    products: dict[str, ProductFacts]
    taken: dict[str, str]  # line id -> the order that has it
    held: set[str]  # products with a stop-sale hold in force

    @classmethod
    def of(cls, uow: UnitOfWork, fresh: list[Order]) -> _References:
        repo = uow.order_batches
        product_ids = {line.product_id for o in fresh for line in o.lines}
        return cls(
            stores=repo.stores(o.store_id for o in fresh),
            consumers=repo.known_consumers(o.consumer_id for o in fresh),
            products=repo.products(product_ids),
            taken=repo.lines_taken(line.id for o in fresh for line in o.lines),
            held={h.product_id for h in uow.recalls.holds_in_force(product_ids)},
        )

    def claim(self, order: Order) -> None:
        """The order is recorded: its lines are taken for the rest of the batch."""
        self.taken.update((line.id, order.id) for line in order.lines)

    def problem(self, uow: UnitOfWork, order: Order, now: datetime) -> AftersalesError | None:
        """Why ``push_order`` would refuse this new order, if it would."""
        try:
            check_region(order.region)
            check_placed(order, now)
            problems = self._reference_problems(order)
            if problems:
                raise AftersalesError(
                    Text("; ".join(p.en for p in problems), "；".join(p.zh for p in problems)),
                    code=ErrorCode.UNKNOWN_REFERENCE,
                    errors=[p.en for p in problems],
                )
            if any(line.product_id in self.held for line in order.lines):
                check_stop_sale(uow, order)
        except AftersalesError as exc:
            return exc
        return None

    def _reference_problems(self, order: Order) -> list[Text]:
        problems = self._party_problems(order)
        for line in order.lines:
            facts = self.products.get(line.product_id)
            if facts is None or facts.merchant_id != order.merchant_id:
                problems.append(
                    Text(
                        f"line {line.id}: product {line.product_id} is not sold by this merchant",
                        f"订单商品 {line.id}：商品 {line.product_id} 不是该商家销售的商品",
                    )
                )
            elif line.batch_id and line.batch_id not in facts.batch_ids:
                problems.append(
                    Text(
                        f"line {line.id}: batch {line.batch_id} is not a batch of the product",
                        f"订单商品 {line.id}：批次 {line.batch_id} 不属于该商品",
                    )
                )
        for line in order.lines:
            if line.id in self.taken:
                other = self.taken[line.id]
                problems.append(
                    Text(
                        f"line {line.id} already belongs to order {other}",
                        f"订单商品 {line.id} 已属于订单 {other}",
                    )
                )
        return problems

    def _party_problems(self, order: Order) -> list[Text]:
        problems = []
        store = self.stores.get(order.store_id)
        if store is None or store[0] != order.merchant_id:
            problems.append(
                Text(
                    f"store {order.store_id} is not a store of merchant {order.merchant_id}",
                    f"店铺 {order.store_id} 不是商家 {order.merchant_id} 的店铺",
                )
            )
        elif store[1] != order.channel.value:
            channel = _CHANNELS.get(order.channel.value, order.channel.value)
            kind = _CHANNELS.get(store[1], store[1])
            problems.append(
                Text(
                    f"an {order.channel} order cannot come from {store[1]} store {order.store_id}",
                    f"{channel}订单不能来自{kind}店铺 {order.store_id}",
                )
            )
        if order.consumer_id not in self.consumers:
            problems.append(
                Text(
                    f"consumer {order.consumer_id} is unknown",
                    f"消费者 {order.consumer_id} 不存在",
                )
            )
        return problems


def push_consumers(ctx: Context, actor: Actor, batch: Sequence[Consumer]) -> int:
    """Create or update many consumers in one transaction (``catalog.put_consumer`` in bulk);
    a region that is not a province-level code refuses the whole batch, before anything is
    written. Returns how many were new."""
    if actor.role not in (Role.INTEGRATION, Role.SYSTEM):
        raise PermissionDenied(_INTEGRATION_ONLY)
    for consumer in batch:
        if consumer.region:
            check_region(consumer.region)
    added = 0
    for start in range(0, len(batch), CHUNK):
        chunk = batch[start : start + CHUNK]
        with ctx.uow() as uow:
            added += uow.order_batches.put_consumers(chunk)
            uow.commit()
    return added
