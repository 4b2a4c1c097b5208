"""Orders pushed in bulk follow the rules of orders pushed one by one, on both databases."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from aftersales.domain.actors import Actor, Role
from aftersales.domain.catalog import CLOCK_TOLERANCE, Channel, Consumer, Order, OrderLine
from aftersales.errors import AftersalesError
from aftersales.services import catalog, recalls
from aftersales.services.context import Context
from aftersales.services.order_batches import push_consumers, push_orders
from tests.support import INTEGRATION, Market

OPERATOR = Actor(Role.OPERATOR, "op")


def _order(ctx: Context, n: int, **changes: object) -> Order:
    now = ctx.clock.now()
    line = OrderLine(f"bl{n}", f"bo{n}", "p1", 29900, 1, "b1")
    order = Order(
        f"bo{n}", "m1", "c1", "s1", Channel.ONLINE, "CN-BJ", now - timedelta(days=2), (line,)
    )
    return replace(order, **changes)  # type: ignore[arg-type]


def _bad_orders(ctx: Context) -> list[Order]:
    line = OrderLine("bl9", "bo9", "p1", 100, 1, "b1")
    return [
        _order(ctx, 1, store_id="s3"),  # another merchant's store
        _order(ctx, 2, store_id="s2"),  # an offline store for an online order
        _order(ctx, 3, consumer_id="nobody"),
        _order(ctx, 4, lines=(OrderLine("bl4", "bo4", "p2", 100, 1),)),  # m2's product
        _order(ctx, 5, lines=(OrderLine("bl5", "bo5", "p1", 100, 1, "b-other"),)),
        _order(ctx, 6, lines=(replace(line, id="l1", order_id="bo6"),)),  # a line of o1
        _order(ctx, 7, region="Beijing"),
        _order(ctx, 8, placed_at=ctx.clock.now() + timedelta(hours=1)),  # not placed yet
        _order(ctx, 20, paid_at=ctx.clock.now() + timedelta(days=1)),
    ]


def _refusal(ctx: Context, order: Order) -> tuple[str, str]:
    try:
        catalog.push_order(ctx, INTEGRATION, order)
    except AftersalesError as exc:
        return exc.code.value, exc.detail
    raise AssertionError(f"push_order recorded {order.id}")


def test_bulk_refuses_each_bad_order_as_one_by_one_does(ctx: Context, market: Market) -> None:
    bad = _bad_orders(ctx)
    good = [_order(ctx, 10 + i) for i in range(3)]
    report = push_orders(ctx, INTEGRATION, [*good, *bad])
    assert report.added == [o.id for o in good]
    bulk = {oid: (e.code.value, e.detail) for oid, e in report.refused.items()}
    assert bulk == {o.id: _refusal(ctx, o) for o in bad}
    for order in good:
        assert catalog.get_order(ctx, INTEGRATION, order.id) == order


def test_an_order_may_run_ahead_of_the_platform_clock_by_the_tolerance_only(
    ctx: Context, market: Market
) -> None:
    now = ctx.clock.now()
    on_edge = _order(ctx, 1, placed_at=now + CLOCK_TOLERANCE, delivered_at=now + timedelta(days=3))
    beyond = _order(ctx, 2, placed_at=now + CLOCK_TOLERANCE + timedelta(seconds=1))
    report = push_orders(ctx, INTEGRATION, [on_edge, beyond])
    assert report.added == ["bo1"]  # a promised delivery time may lie ahead
    assert "placed_at" in report.refused["bo2"].detail
    assert "in the future" in report.refused["bo2"].detail
    with pytest.raises(AftersalesError, match=r"placed_at .* is in the future"):
        catalog.push_order(ctx, INTEGRATION, _order(ctx, 3, placed_at=beyond.placed_at))


def test_a_second_push_updates_times_and_a_repeated_line_is_refused(
    ctx: Context, market: Market
) -> None:
    first = _order(ctx, 1)
    assert push_orders(ctx, INTEGRATION, [first]).added == ["bo1"]
    delivered = replace(first, delivered_at=ctx.clock.now())
    twin = _order(ctx, 2, lines=(replace(first.lines[0], order_id="bo2"),))  # line bl1 again
    report = push_orders(ctx, INTEGRATION, [delivered, twin])
    assert report.updated == ["bo1"]
    assert set(report.refused) == {"bo2"}
    assert "line bl1 already belongs to order bo1" in report.refused["bo2"].detail
    assert catalog.get_order(ctx, INTEGRATION, "bo1") == delivered


def test_a_held_batch_is_not_sold_in_bulk_either(ctx: Context, market: Market) -> None:
    recalls.open_review(ctx, OPERATOR, recalls.OpenReview("hot", "p1", ("b1",)))
    held = _order(ctx, 1)
    report = push_orders(ctx, INTEGRATION, [held])
    assert report.refused["bo1"].code.value == "product_on_hold"
    assert _refusal(ctx, held) == ("product_on_hold", report.refused["bo1"].detail)


def test_only_the_integration_pushes_in_bulk(ctx: Context, market: Market) -> None:
    with pytest.raises(AftersalesError, match="only the marketplace integration"):
        push_orders(ctx, Actor(Role.CONSUMER, "c1"), [_order(ctx, 1)])


def test_consumers_in_bulk_are_created_or_updated(ctx: Context, market: Market) -> None:
    fresh = [Consumer(f"bc{i}", f"buyer {i}", "CN-GD") for i in range(5)]
    changed = Consumer("c1", "renamed", "CN-SH")
    assert push_consumers(ctx, INTEGRATION, [*fresh, changed]) == 5
    with ctx.uow(read_only=True) as uow:
        assert uow.catalog.get_consumer("c1") == changed
        assert uow.catalog.get_consumer("bc4") == fresh[4]
    with pytest.raises(AftersalesError, match="province-level"):
        push_consumers(ctx, INTEGRATION, [Consumer("bc9", "x", "Guangdong")])
