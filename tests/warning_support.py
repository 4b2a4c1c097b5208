"""Test helpers for early warning: a year and more of heater sales and cases, made week by week
through the real use cases while the clock moves, with an outbreak planted in the last week.

Counts follow a fixed pattern (no randomness), so what the detector must say is known: the
planted series and its category alarm, every other series stays quiet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any

from aftersales.domain.actors import Actor, Role
from aftersales.domain.cases_types import CaseType
from aftersales.domain.catalog import Channel, Order, OrderLine, Product
from aftersales.domain.clock import ManualClock
from aftersales.services import cases as uc
from aftersales.services import catalog
from aftersales.services.context import Context
from aftersales.store.alerts import AlertRecord
from tests.support import INTEGRATION

HEATER_A, HEATER_B = "hA", "hB"  # both merchant m1's, category appliance/heater
CATEGORY = "appliance/heater"
# The run as of this Monday judges the week before it: 2026-10-26 … 2026-11-01.
AS_OF = date(2026, 11, 2)
WEEK = date(2026, 10, 26)
PATTERN = (2, 3, 1, 2, 4, 2, 3, 2)  # cases a week, repeated: a quiet series
UNITS_PER_WEEK = 40  # heaters sold a week in each region, besides the complaining buyers'

_serial = count(1)


@dataclass(frozen=True)
class Series:
    product: str
    region: str
    consumer: str
    offset: int  # where in PATTERN the series starts, so the series differ


QUIET_AND_PLANTED = (
    Series(HEATER_A, "CN-BJ", "c1", 0),  # the outbreak is planted here
    Series(HEATER_B, "CN-BJ", "c1", 3),
    Series(HEATER_A, "CN-SH", "c2", 5),
)


def add_heaters(ctx: Context) -> None:
    """m1's two heater models (on top of tests.support's market)."""
    for pid, name in ((HEATER_A, "Heater A"), (HEATER_B, "Heater B")):
        catalog.put_product(ctx, INTEGRATION, Product(pid, "m1", CATEGORY, name, "Warmo", pid))


def seed_weeks(
    ctx: Context,
    clock: ManualClock,
    *,
    weeks: int = 58,
    outbreak: int = 14,
    series: tuple[Series, ...] = QUIET_AND_PLANTED,
) -> None:
    """``weeks`` weeks of sales and cases up to the week of ``WEEK``; in that last week the
    first series has ``outbreak`` cases instead of its usual count (0: no outbreak)."""
    add_heaters(ctx)
    saved = clock.now()
    for w in range(weeks):
        monday = WEEK - timedelta(weeks=weeks - 1 - w)
        for i, s in enumerate(series):
            usual = PATTERN[(w + s.offset) % len(PATTERN)]
            cases = outbreak if (outbreak and i == 0 and w == weeks - 1) else usual
            at = datetime.combine(monday + timedelta(days=2), datetime.min.time(), UTC)
            clock.set(at)  # the marketplace pushes an order once it is placed
            sell(ctx, s.product, s.region, s.consumer, UNITS_PER_WEEK, at)
            open_cases(ctx, clock, s, cases, at + timedelta(hours=2))
    clock.set(saved)


def sell(
    ctx: Context, product: str, region: str, consumer: str, quantity: int, at: datetime
) -> str:
    """An order of ``quantity`` units placed at ``at``; returns its line's id."""
    n = next(_serial)
    order_id, line_id = f"ow{n}", f"lw{n}"
    store = "s1"
    line = OrderLine(line_id, order_id, product, 29900, quantity)
    order = Order(order_id, "m1", consumer, store, Channel.ONLINE, region, at, (line,), at, at)
    catalog.push_order(ctx, INTEGRATION, order)
    return line_id


def open_cases(ctx: Context, clock: ManualClock, s: Series, n: int, at: datetime) -> None:
    """``n`` buyers of one unit each open a repair case at ``at`` (a minute apart)."""
    consumer = Actor(Role.CONSUMER, s.consumer)
    for k in range(n):
        moment = at + timedelta(minutes=k)
        clock.set(moment)
        line = sell(ctx, s.product, s.region, s.consumer, 1, moment - timedelta(hours=1))
        cmd = uc.OpenCase(line, CaseType.REPAIR, "温控旋钮松动 the thermostat knob is loose")
        uc.open_case(ctx, consumer, cmd)


# ---- stored alerts, without a year of history behind them --------------------------------------


def alert_record(
    ctx: Context,
    *,
    product: str | None = "p1",
    merchant: str | None = "m1",
    category: str = "digital/phone",
    region: str = "CN-BJ",
    week: date = WEEK,
    score: float = 2.0,
) -> AlertRecord:
    """An alert as ``warn run`` makes it, not stored yet."""
    n = next(_serial)
    subject = f"product:{product}" if product else f"category:{category}"
    return AlertRecord(
        id=ctx.ids("al"),
        series=f"{subject}|{region}|week",
        product_id=product,
        merchant_id=merchant if product else None,
        category=category,
        region=region,
        granularity="week",
        period_start=week,
        period_end=week + timedelta(days=6),
        method="farrington_flexible",
        observed=9.0 + n,
        expected=2.0,
        threshold=6.0,
        score=score,
        p_value=0.0001,
        exposure=100.0,
        run_weeks=1,
        window_start=week - timedelta(weeks=55),
        window_end=week + timedelta(days=6),
        excerpt=[[week.isoformat(), 9.0 + n]],
        explanation_en=f"{product or category} in {region}: many cases",
        explanation_zh=f"{region}地区 {product or category} 售后单偏多",
        rollup_group=f"{category}|{region}",
        raised_at=ctx.clock.now(),
    )


def stored_alert(ctx: Context, **fields: Any) -> str:
    """An alert stored straight through the repository (``alert_record``'s fields); its id."""
    with ctx.uow() as uow:
        [added] = uow.alerts.add_new([alert_record(ctx, **fields)])
        uow.commit()
    return added.id


def alert_target(ctx: Context) -> dict[str, str]:
    """A fresh alert on m1's phone p1 (a week of its own, so each is new)."""
    week = WEEK - timedelta(weeks=next(_serial))
    return {"alert_id": stored_alert(ctx, week=week)}


def alert_with_recall(ctx: Context) -> dict[str, str]:
    """A fresh alert on a new heater of m1 that a recall review is looking at."""
    from tests.recall_support import recall_review

    target = recall_review(ctx)
    alert = stored_alert(ctx, product=target["product_id"], category="appliance/heater")
    return {"alert_id": alert, "recall_id": target["recall_id"]}
