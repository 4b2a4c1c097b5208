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

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from aftersales.domain.actors import Actor, Role
from aftersales.domain.catalog import Consumer, Order, check_placed, check_region
from aftersales.errors import AftersalesError, ErrorCode, PermissionDenied
from aftersales.services.catalog import push_order
from aftersales.services.context import Context
from aftersales.services.emergency import check_stop_sale
from aftersales.store.order_batches import ProductFacts
from aftersales.store.uow import UnitOfWork

__all__ = ["CHUNK", "BatchPush", "push_consumers", "push_orders"]

CHUNK = 2000  # orders per write transaction: every other writer of SQLite waits for each one


@dataclass
class BatchPush:
    """What became of each order of a batch."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    refused: dict[str, AftersalesError] = field(default_factory=dict)


def push_orders(ctx: Context, actor: Actor, batch: Sequence[Order]) -> BatchPush:
    """Record the batch's new orders, update the known ones, and say why any was refused."""
    if actor.role not in (Role.INTEGRATION, Role.SYSTEM):
        raise PermissionDenied("only the marketplace integration can push master data and orders")
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
                    "; ".join(problems), code=ErrorCode.UNKNOWN_REFERENCE, errors=problems
                )
            if any(line.product_id in self.held for line in order.lines):
                check_stop_sale(uow, order)
        except AftersalesError as exc:
            return exc
        return None

    def _reference_problems(self, order: Order) -> list[str]:
        problems = self._party_problems(order)
        for line in order.lines:
            facts = self.products.get(line.product_id)
            if facts is None or facts.merchant_id != order.merchant_id:
                problems.append(
                    f"line {line.id}: product {line.product_id} is not sold by this merchant"
                )
            elif line.batch_id and line.batch_id not in facts.batch_ids:
                problems.append(
                    f"line {line.id}: batch {line.batch_id} is not a batch of the product"
                )
        for line in order.lines:
            if line.id in self.taken:
                problems.append(f"line {line.id} already belongs to order {self.taken[line.id]}")
        return problems

    def _party_problems(self, order: Order) -> list[str]:
        problems = []
        store = self.stores.get(order.store_id)
        if store is None or store[0] != order.merchant_id:
            problems.append(
                f"store {order.store_id} is not a store of merchant {order.merchant_id}"
            )
        elif store[1] != order.channel.value:
            problems.append(
                f"an {order.channel} order cannot come from {store[1]} store {order.store_id}"
            )
        if order.consumer_id not in self.consumers:
            problems.append(f"consumer {order.consumer_id} is unknown")
        return problems


def push_consumers(ctx: Context, actor: Actor, batch: Sequence[Consumer]) -> int:
    """Create or update many consumers in one transaction (``catalog.put_consumer`` in bulk);
    a region that is not a province-level code refuses the whole batch, before anything is
    written. Returns how many were new."""
    if actor.role not in (Role.INTEGRATION, Role.SYSTEM):
        raise PermissionDenied("only the marketplace integration can push master data and orders")
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
