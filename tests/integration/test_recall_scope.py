"""A confirmed recall finds exactly the lines its scope covers, and holds what it covers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from aftersales.domain.actors import Actor, Role
from aftersales.domain.catalog import Channel, Order, OrderLine
from aftersales.errors import AftersalesError, ErrorCode
from aftersales.recall import Remedy, Scope
from aftersales.services import catalog
from aftersales.services import recall_campaign as campaign
from aftersales.services import recalls as rc
from aftersales.services.context import Context
from tests.recall_support import BAD_BATCH, GOOD_BATCH, HEATER, OPERATOR, add_heaters
from tests.support import INTEGRATION, Market

REMEDIES = (Remedy.REFUND, Remedy.REPLACEMENT, Remedy.REPAIR)


@pytest.fixture
def heaters(ctx: Context, market: Market) -> Market:
    add_heaters(ctx, market)
    return market


def units_of(ctx: Context, scope: Scope, **review: object) -> tuple[list[str], rc.RecallView]:
    opened = rc.open_review(ctx, OPERATOR, rc.OpenReview("overheats", **review))  # type: ignore[arg-type]
    view = rc.decide(ctx, OPERATOR, opened.recall.id, rc.Confirm(REMEDIES, scope))
    lines = []
    with ctx.uow(read_only=True) as uow:
        for consumer in ("c1", "c2", "c3", "c4", "c5"):
            lines += [
                u.order_line_id for u in uow.recall_units.of_consumer(consumer, [view.recall.id])
            ]
    return sorted(lines), view


def sell(ctx: Context, order_id: str, batch: str | None, region: str) -> None:
    placed = ctx.clock.now()
    line = OrderLine(f"{order_id}-1", order_id, HEATER, 39900, 1, batch)
    catalog.push_order(
        ctx, INTEGRATION, Order(order_id, "m1", "c1", "s1", Channel.ONLINE, region, placed, (line,))
    )


def test_a_product_recall_limited_to_a_region_finds_and_holds_only_that_region(
    ctx: Context, heaters: Market
) -> None:
    lines, view = units_of(ctx, Scope(regions=("CN-GD",)), product_id=HEATER)

    assert lines == ["hl3", "hl4"]
    assert [(h.batch_id, h.regions) for h in view.recall.holds] == [(None, ("CN-GD",))]
    sell(ctx, "oz1", GOOD_BATCH, "CN-BJ")
    with pytest.raises(AftersalesError) as refused:
        sell(ctx, "oz2", GOOD_BATCH, "CN-GD")
    assert refused.value.code is ErrorCode.PRODUCT_ON_HOLD


def test_a_product_recall_without_batches_covers_lines_that_name_none(
    ctx: Context, heaters: Market
) -> None:
    lines, view = units_of(ctx, Scope(), product_id=HEATER)

    assert lines == ["hl1", "hl2", "hl3", "hl4", "hl5", "hl6"]
    assert (view.recall.units, view.recall.pieces, view.recall.consumers) == (6, 7, 5)


def test_a_production_range_covers_and_holds_the_batches_made_within_it(
    ctx: Context, heaters: Market
) -> None:
    scope = Scope(produced_from=date(2026, 9, 1), produced_to=date(2026, 9, 30))

    lines, view = units_of(ctx, scope, product_id=HEATER)

    assert lines == ["hl1", "hl2", "hl3", "hl4"]
    assert [h.batch_id for h in view.recall.holds] == [BAD_BATCH]


def test_a_delivery_range_is_counted_in_whole_days_both_ends_included(
    ctx: Context, heaters: Market
) -> None:
    delivered = (ctx.clock.now() - timedelta(days=3)).date()  # every heater order (see support)
    day = Scope(batch_ids=(BAD_BATCH,), delivered_from=delivered, delivered_to=delivered)
    earlier = Scope(batch_ids=(GOOD_BATCH,), delivered_to=delivered - timedelta(days=1))

    inside, _ = units_of(ctx, day, batch_ids=(BAD_BATCH,))
    before, _ = units_of(ctx, earlier, batch_ids=(GOOD_BATCH,))

    assert inside == ["hl1", "hl2", "hl3", "hl4"]
    assert before == []


def test_a_consumer_chooses_and_may_change_their_mind_until_it_is_done(
    ctx: Context, heaters: Market
) -> None:
    _, view = units_of(ctx, Scope(batch_ids=(BAD_BATCH,)), batch_ids=(BAD_BATCH,))
    c3, m1 = Actor(Role.CONSUMER, "c3"), Actor(Role.MERCHANT_AGENT, "m1")
    recall_id = view.recall.id

    campaign.act_on_unit(ctx, c3, recall_id, "hl3", Remedy.REPAIR, "")
    changed = campaign.act_on_unit(ctx, c3, recall_id, "hl3", Remedy.REPLACEMENT, "rather new")
    with pytest.raises(AftersalesError) as wrong:
        campaign.act_on_unit(ctx, m1, recall_id, "hl3", Remedy.REFUND, "")
    done = campaign.act_on_unit(ctx, m1, recall_id, "hl3", Remedy.REPLACEMENT, "shipped")
    direct = campaign.act_on_unit(ctx, OPERATOR, recall_id, "hl4", Remedy.REFUND, "by phone")

    assert wrong.value.code is ErrorCode.INVALID_TRANSITION
    assert changed.responded_at is not None and changed.remedy is Remedy.REPLACEMENT
    assert (done.state.value, direct.state.value) == ("remedied", "remedied")
    report = campaign.recall_report(ctx, OPERATOR, recall_id)
    assert (report.counts.units, report.counts.responded, report.counts.remedied) == (4, 2, 2)
    assert report.counts.completion_rate == 0.5
    with ctx.uow(read_only=True) as uow:
        kinds = [c["kind"] for c in uow.recall_units.changes(recall_id, "hl3")]
    assert kinds == ["responded", "responded", "remedied"]
