"""Early warning's kept rows: a later run reads only the new days, and an order pushed late into
the kept days makes it read them all again — the rows are always those a full read gives, on
both databases."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import numpy as np

from aftersales.domain.catalog import Channel, Order, OrderLine
from aftersales.services import catalog
from aftersales.services.context import Context
from aftersales.services.counted_history import CountedHistory
from aftersales.services.warning_run import utc_start
from aftersales.store.case_feed import Columns
from tests.support import INTEGRATION, Market

DAY = timedelta(days=1)


class _Spy:
    """The unit of work's case feed, recording the ranges it is asked to read."""

    def __init__(self, feed: Any) -> None:
        self._feed = feed
        self.read: list[tuple[datetime, datetime]] = []

    def sales(self, since: datetime, until: datetime) -> Columns:
        self.read.append((since, until))
        found: Columns = self._feed.sales(since, until)
        return found

    def orders_placed(self, ranges: list[tuple[datetime, datetime]]) -> list[int]:
        counted: list[int] = self._feed.orders_placed(ranges)
        return counted


class _Uow:
    def __init__(self, feed: _Spy) -> None:
        self.case_feed = feed


def _sell(ctx: Context, n: int, at: datetime, quantity: int = 1) -> None:
    line = OrderLine(f"hl{n}", f"ho{n}", "p1", 29900, quantity, "b1")
    order = Order(f"ho{n}", "m1", "c1", "s1", Channel.ONLINE, "CN-BJ", at, (line,), at, at)
    catalog.push_order(ctx, INTEGRATION, order)


def _sorted(rows: Columns) -> list[tuple[Any, ...]]:
    return sorted(zip(*(rows[k].tolist() for k in sorted(rows)), strict=True))


def _read(
    ctx: Context, kept: CountedHistory, since: datetime, until: datetime
) -> tuple[list[tuple[datetime, datetime]], Columns]:
    """What ``kept`` gave (checked against a full read) and the ranges it read for it."""
    with ctx.uow(read_only=True) as uow:
        spy = _Spy(uow.case_feed)
        rows = kept.sales(_Uow(spy), since, until)  # type: ignore[arg-type]
        full = uow.case_feed.sales(since, until)
    assert _sorted(rows) == _sorted(full)
    return spy.read, rows


def test_a_later_run_reads_only_the_new_days(ctx: Context, market: Market) -> None:
    start = utc_start(ctx.clock.now().date() - timedelta(days=30))
    for n in range(6):
        _sell(ctx, n, start + n * 4 * DAY + timedelta(hours=3), quantity=n + 1)
    kept = CountedHistory()

    first, _ = _read(ctx, kept, start, start + 14 * DAY)
    second, rows = _read(ctx, kept, start + 7 * DAY, start + 21 * DAY)

    assert first == [(start, start + 14 * DAY)]
    assert second == [(start + 14 * DAY, start + 21 * DAY)]
    assert int(np.sum(rows["quantity"])) == 3 + 4 + 5 + 6  # the days 8, 12, 16 and 20


def test_an_order_pushed_late_into_the_kept_days_is_counted(ctx: Context, market: Market) -> None:
    start = utc_start(ctx.clock.now().date() - timedelta(days=30))
    _sell(ctx, 1, start + DAY)
    kept = CountedHistory()
    _read(ctx, kept, start, start + 7 * DAY)

    _sell(ctx, 2, start + 2 * DAY, quantity=5)  # placed in the kept days, pushed now
    again, rows = _read(ctx, kept, start, start + 14 * DAY)

    assert again == [(start, start + 14 * DAY)]
    assert int(np.sum(rows["quantity"])) == 6


def test_each_later_run_of_a_moving_window_reads_only_its_new_days(
    ctx: Context, market: Market
) -> None:
    start = utc_start(ctx.clock.now().date() - timedelta(days=40))
    for n in range(8):
        _sell(ctx, n, start + n * 4 * DAY + timedelta(hours=3), quantity=n + 1)
    kept = CountedHistory()

    _read(ctx, kept, start, start + 14 * DAY)
    _read(ctx, kept, start + 7 * DAY, start + 21 * DAY)
    third, rows = _read(ctx, kept, start + 14 * DAY, start + 28 * DAY)

    assert third == [(start + 21 * DAY, start + 28 * DAY)]
    assert int(np.sum(rows["quantity"])) == 5 + 6 + 7  # the days 16, 20 and 24
