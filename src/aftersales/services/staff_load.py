"""Use case: the daily case arrivals of a region (and queue), read from the database, for the
load forecast behind ``staff plan``."""

from __future__ import annotations

from datetime import date, timedelta

from aftersales.errors import Text, ValidationFailed
from aftersales.services.context import Context
from aftersales.services.warning_run import cst_today, utc_start
from aftersales.store.case_counts import count_days
from aftersales.warning import DailyHistory, LoadSource

__all__ = ["case_arrivals", "database_source"]

# The forecast fits at most two years; reading more would not change it.
HISTORY_DAYS = 730
_EPOCH = date(1970, 1, 1)


def case_arrivals(ctx: Context, region: str, queue: str | None, until: date) -> DailyHistory:
    """Cases opened per CST day in the region (and queue), from its first case in the last two
    years up to the day before ``until``; days without a case count 0."""
    first = until - timedelta(days=HISTORY_DAYS)
    with ctx.uow(read_only=True) as uow:
        rows = uow.case_feed.cases(utc_start(first), utc_start(until), region=region, queue=queue)
    if rows["day"].size == 0:
        where = f"region {region}" + (f", queue {queue}" if queue else "")
        where_zh = f"地区 {region}" + (f"、队列 {queue}" if queue else "")
        raise ValidationFailed(
            Text(
                f"no case was opened in {where} in the two years before {until}: there is no load "
                "to forecast (check the region and queue, or give --cases-per-day)",
                f"{until} 之前两年内，{where_zh} 没有新建的售后单，无法预测服务量"  # noqa: RUF001
                "（请检查地区和队列，或指定 --cases-per-day）",  # noqa: RUF001
            )
        )
    start = _EPOCH + timedelta(days=int(rows["day"].min()))
    days = (until - start).days
    return DailyHistory(start, count_days(rows, first_day=(start - _EPOCH).days, days=days))


def database_source(ctx: Context, start: date | None = None) -> LoadSource:
    """A load source over the database: history up to ``start`` (default today) or today,
    whichever is earlier, so a plan for a past start uses only what was known then."""
    today = cst_today(ctx)
    until = min(start or today, today)
    return lambda region, queue: case_arrivals(ctx, region, queue, until)
