"""Counting cases and units sold per series, week and day, from SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select

from aftersales.domain.clock import ManualClock
from aftersales.services.context import Context
from aftersales.services.staff_load import case_arrivals
from aftersales.services.warning_run import utc_start
from aftersales.store.case_counts import count_series
from aftersales.store.tables import cases, metadata
from aftersales.warning import SeriesKey
from tests.support import Market
from tests.warning_support import (
    CATEGORY,
    HEATER_A,
    HEATER_B,
    Series,
    add_heaters,
    open_cases,
    sell,
)

MONDAY = date(2026, 10, 19)
EPOCH = date(1970, 1, 1)


def _cst(day: date, hour: int) -> datetime:
    """``hour`` o'clock on ``day`` in China, as an aware UTC moment."""
    return utc_start(day) + timedelta(hours=hour)


def _seed(ctx: Context, clock: ManualClock) -> None:
    add_heaters(ctx)
    sell(ctx, HEATER_A, "CN-BJ", "c1", 10, _cst(MONDAY, 10))
    sell(ctx, HEATER_B, "CN-BJ", "c1", 2, _cst(MONDAY + timedelta(days=8), 10))
    sell(ctx, HEATER_A, "CN-SH", "c2", 3, _cst(MONDAY + timedelta(days=9), 10))
    # The last instant of Sunday in China is still the first week (SQLite, which reads a time
    # to the millisecond and rounds, must not make it Monday); midnight on Monday is the second.
    open_cases(ctx, clock, Series(HEATER_A, "CN-BJ", "c1", 0), 2, _cst(MONDAY, 12))
    midnight = _cst(MONDAY + timedelta(days=7), 0)
    sunday_night = midnight - timedelta(microseconds=300)
    open_cases(ctx, clock, Series(HEATER_A, "CN-BJ", "c1", 0), 1, sunday_night)
    open_cases(ctx, clock, Series(HEATER_A, "CN-BJ", "c1", 0), 1, midnight)
    open_cases(
        ctx, clock, Series(HEATER_A, "CN-SH", "c2", 0), 3, _cst(MONDAY + timedelta(days=10), 9)
    )


def test_cases_and_units_are_counted_per_product_and_category_region_and_china_week(
    ctx: Context, market: Market, clock: ManualClock
) -> None:
    _seed(ctx, clock)
    since, until = utc_start(MONDAY), utc_start(MONDAY + timedelta(weeks=2))

    with ctx.uow(read_only=True) as uow:
        cases, sales = uow.case_feed.cases(since, until), uow.case_feed.sales(since, until)
        catalogue = uow.case_feed.products()
    totals = count_series(cases, sales, catalogue, first_day=(MONDAY - EPOCH).days, periods=2)

    found = {
        key: (merchant, cases.tolist(), units.tolist())
        for key, merchant, cases, units in zip(
            totals.keys, totals.merchants, totals.cases, totals.units, strict=True
        )
        if key.category == CATEGORY
    }
    # Every complaining buyer bought one unit too, an hour before (warning_support.open_cases):
    # the buyer who complained at midnight on Monday bought on Sunday.
    assert found == {
        SeriesKey(CATEGORY, "CN-BJ"): (None, [3.0, 1.0], [14.0, 2.0]),
        SeriesKey(CATEGORY, "CN-BJ", HEATER_A): ("m1", [3.0, 1.0], [14.0, 0.0]),
        SeriesKey(CATEGORY, "CN-BJ", HEATER_B): ("m1", [0.0, 0.0], [0.0, 2.0]),
        SeriesKey(CATEGORY, "CN-SH"): (None, [0.0, 3.0], [0.0, 6.0]),
        SeriesKey(CATEGORY, "CN-SH", HEATER_A): ("m1", [0.0, 3.0], [0.0, 6.0]),
    }
    assert list(totals.keys) == sorted(
        totals.keys, key=lambda k: (k.category, k.region, k.product or "")
    )


def test_units_sold_before_the_history_are_counted_in_the_lead_weeks(
    ctx: Context, market: Market, clock: ManualClock
) -> None:
    _seed(ctx, clock)
    second = MONDAY + timedelta(weeks=1)
    with ctx.uow(read_only=True) as uow:
        cases = uow.case_feed.cases(utc_start(second), utc_start(second + timedelta(weeks=1)))
        sales = uow.case_feed.sales(utc_start(MONDAY), utc_start(second + timedelta(weeks=1)))
        catalogue = uow.case_feed.products()

    totals = count_series(
        cases, sales, catalogue, first_day=(second - EPOCH).days, periods=1, lead=1
    )

    row = totals.keys.index(SeriesKey(CATEGORY, "CN-BJ", HEATER_A))
    assert totals.cases[row].tolist() == [0.0, 1.0]  # the lead week's cases were not read
    assert totals.units[row].tolist() == [14.0, 0.0]


def test_daily_arrivals_of_a_region_count_every_china_day_from_its_first_case(
    ctx: Context, market: Market, clock: ManualClock
) -> None:
    _seed(ctx, clock)

    history = case_arrivals(ctx, "CN-BJ", None, until=MONDAY + timedelta(days=9))

    assert history.first_day == MONDAY
    assert history.counts.tolist() == [2, 0, 0, 0, 0, 0, 1, 1, 0]
    assert np.isfinite(history.counts).all()


def test_the_feed_filters_by_region_and_queue_and_counts_overlapping_ranges(
    ctx: Context, market: Market, clock: ManualClock, db_url: str
) -> None:
    _seed(ctx, clock)
    engine = create_engine(db_url)
    with engine.connect() as conn:
        (queue,) = {q for (q,) in conn.execute(select(cases.c.queue).distinct())}
    engine.dispose()
    since, until = utc_start(MONDAY), utc_start(MONDAY + timedelta(weeks=2))
    with ctx.uow(read_only=True) as uow:
        feed = uow.case_feed
        in_region = feed.cases(since, until, region="CN-SH")
        in_queue = feed.cases(since, until, region="CN-SH", queue=queue)
        # A value is sent as a parameter, never written into the SQL.
        quoted = feed.cases(since, until, region="CN-SH", queue="x' OR 'a' = 'a")
        second = utc_start(MONDAY + timedelta(weeks=1))
        weeks = [(since, until), (since, second), (second, until), (until, until)]
        placed, opened = feed.orders_placed(weeks), feed.cases_opened(weeks)

    assert int(in_region["cases"].sum()) == int(in_queue["cases"].sum()) == 3
    assert len(quoted["cases"]) == 0
    assert placed[0] == placed[1] + placed[2] and placed[1] == 5 and placed[3] == 0
    assert opened == [7, 3, 4, 0]


def test_the_migration_creates_the_alert_tables_as_the_code_declares_them(db_url: str) -> None:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()

    ours = [d for d in diff if "alert" in repr(d)]
    assert ours == []
