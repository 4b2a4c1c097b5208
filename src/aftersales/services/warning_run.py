"""Use case: judge the last complete week of every series and store its alerts (``warn run``).

Counting reads the operational database in a read transaction; detection runs outside any
transaction; only the new alerts are written, in one short write. Running it again for the same
day finds the same alarms and stores nothing twice (``alerts`` is unique on series, period and
method), so the schedule, a retry and an operator's manual run may overlap freely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import numpy as np

from aftersales.domain.clock import CST
from aftersales.errors import Text, ValidationFailed
from aftersales.services.context import Context
from aftersales.store.alerts import AlertRecord
from aftersales.store.case_counts import SeriesTotals, count_series
from aftersales.store.case_feed import Columns
from aftersales.warning import (
    Alert,
    AlertGroup,
    DetectorSettings,
    InService,
    Method,
    Reason,
    SeriesKey,
    detect,
    rollup,
    weekly_counts,
)

__all__ = ["CST", "WarningRun", "WarningTerms", "cst_today", "run_warning", "utc_start"]

WEEK = timedelta(weeks=1)
# The most any detector reads: the improved Farrington method's 5 years and its 3-week window,
# the evaluated week included. Older cases cannot change a verdict, so they are not read.
HISTORY_WEEKS = 5 * 52 + 3 + 1
_EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class WarningTerms:
    """How a run counts and judges: weeks a sold unit counts as in service (0: counts alone)."""

    exposure_weeks: int = 4
    detectors: DetectorSettings = field(default_factory=DetectorSettings)


@dataclass(frozen=True)
class WarningRun:
    """What one run judged and found."""

    as_of: date
    week: date  # first day (Monday) of the week judged
    series: int  # series judged or tried
    weighed: int  # of them, judged against units in service
    alerts: tuple[AlertRecord, ...]  # every alarm of the week, stored now or before
    new: int  # alarms stored by this run
    reasons: dict[Reason, int]  # series not judged (or held back), by reason
    not_judged: dict[str, Reason]  # the same, series by series
    groups: tuple[AlertGroup, ...]  # the alarms pooled by category and region

    @property
    def judged(self) -> int:
        """Series that got a verdict (alarm or not)."""
        return self.series - sum(n for r, n in self.reasons.items() if r is not Reason.LOW_COUNT)


def cst_today(ctx: Context) -> date:
    """Today on China's calendar, by the context's clock."""
    return ctx.clock.now().astimezone(CST).date()


def utc_start(day: date) -> datetime:
    """The moment a CST calendar day begins."""
    return datetime.combine(day, time(), CST).astimezone(UTC)


def run_warning(
    ctx: Context, as_of: date | None = None, terms: WarningTerms | None = None
) -> WarningRun:
    """Judge the last week that had ended by ``as_of`` (default: today) and store its alerts."""
    terms = terms or WarningTerms()
    today = cst_today(ctx)
    as_of = as_of or today
    if as_of > today:
        raise ValidationFailed(
            Text(
                f"{as_of} is in the future (today is {today}, China Standard Time): only weeks "
                "that have ended can be judged",
                f"{as_of} 尚未到来（北京时间今天是 {today}）：预警只研判已结束的周",  # noqa: RUF001
            )
        )
    week = as_of - timedelta(days=as_of.weekday()) - WEEK  # Monday of the last complete week
    lead = max(terms.exposure_weeks - 1, 0)  # weeks of sales before the history, still in use
    rows = _read(ctx, week - (HISTORY_WEEKS - 1) * WEEK, week, lead)
    first_week = _first_week(rows, week, terms.detectors.excerpt_weeks)
    totals = _count(rows, first_week, week, lead)
    inputs = weekly_counts(
        totals.keys,
        first_week,
        totals.cases,
        totals.units,
        lead=lead,
        service_weeks=terms.exposure_weeks,
    )
    report = detect(inputs.data, week, as_of, terms.detectors)
    now = ctx.clock.now()
    records = [_record(ctx, a, totals, inputs, now) for a in report.alerts]
    with ctx.uow() as uow:
        added = uow.alerts.add_new(records)
        uow.commit()
    return WarningRun(
        as_of=as_of,
        week=week,
        series=len(totals.keys),
        weighed=int(np.count_nonzero(inputs.weighed)),
        alerts=_stored(ctx, records, added),
        new=len(added),
        reasons=report.reasons(),
        not_judged={
            series_name(a.key): a.reason
            for a in report.assessments
            if a.reason is not None and a.method is not Method.CUSUM
        },
        groups=_groups(report.alerts),
    )


def _groups(alerts: tuple[Alert, ...]) -> tuple[AlertGroup, ...]:
    """Alarms pooled by category and region. A category's own alarm joins a group only when
    none of its products alarmed there: its cases are theirs, and would be counted twice."""
    seen = {(a.key.category, a.key.region) for a in alerts if a.key.product is not None}
    pooled = [a for a in alerts if a.key.product or (a.key.category, a.key.region) not in seen]
    return tuple(rollup(pooled))


@dataclass(frozen=True)
class _Rows:
    """Cases and units sold per day, product and region; every product."""

    cases: Columns
    sales: Columns
    products: Columns


def _read(ctx: Context, first_week: date, week: date, lead: int) -> _Rows:
    """The rows of the weeks ``first_week`` to ``week`` (sales from ``lead`` weeks earlier)."""
    end = utc_start(week + WEEK)
    kept = ctx.counted_history
    with ctx.uow(read_only=True) as uow:
        return _Rows(
            kept.cases(uow, utc_start(first_week), end),
            kept.sales(uow, utc_start(first_week - lead * WEEK), end),
            uow.case_feed.products(),
        )


def _first_week(rows: _Rows, week: date, excerpt_weeks: int) -> date:
    """The first week worth counting: five years back or, on a younger platform, the week of
    its first sale or case (or the alert excerpt's first week, if that is earlier). The weeks
    before hold nothing, every detector reads a series only from its first count, so the
    verdicts are the same; the arrays are a year wide instead of five."""
    furthest = week - (HISTORY_WEEKS - 1) * WEEK
    days = [int(rows.cases["day"].min())] if len(rows.cases["day"]) else []
    days += [int(rows.sales["day"].min())] if len(rows.sales["day"]) else []
    earliest = _EPOCH + timedelta(days=min(days)) if days else week
    monday = earliest - timedelta(days=earliest.weekday())
    return max(furthest, min(monday, week - (excerpt_weeks - 1) * WEEK))


def _count(rows: _Rows, first_week: date, week: date, lead: int) -> SeriesTotals:
    """Weekly cases and units sold of every series, from ``first_week`` to ``week``."""
    return count_series(
        rows.cases,
        rows.sales,
        rows.products,
        first_day=(first_week - _EPOCH).days,
        periods=(week - first_week).days // 7 + 1,
        period_days=7,
        lead=lead,
    )


def _record(
    ctx: Context, alert: Alert, totals: SeriesTotals, inputs: InService, now: datetime
) -> AlertRecord:
    row = totals.keys.index(alert.key)
    exposure = float(inputs.data.exposure[row, -1]) if inputs.data.exposure is not None else None
    return AlertRecord(
        id=ctx.ids("al"),
        series=series_name(alert.key),
        product_id=alert.key.product,
        merchant_id=totals.merchants[row],
        category=alert.key.category,
        region=alert.key.region,
        granularity="week",
        period_start=alert.week,
        period_end=alert.week + timedelta(days=6),
        method=alert.method.value,
        observed=alert.observed,
        expected=alert.expected,
        threshold=alert.threshold,
        score=alert.score,
        p_value=alert.p_value,
        exposure=exposure if bool(inputs.weighed[row]) else None,
        run_weeks=alert.run_weeks,
        window_start=alert.window_from or alert.week,
        window_end=alert.week + timedelta(days=6),
        excerpt=[[w.week.isoformat(), w.count] for w in alert.excerpt],
        explanation_en=alert.explanation_en,
        explanation_zh=alert.explanation_zh,
        rollup_group=f"{alert.key.category}|{alert.key.region}",
        raised_at=now,
    )


def series_name(key: SeriesKey, granularity: str = "week") -> str:
    """The stored name of a series: what it counts, where, and per what period."""
    subject = f"product:{key.product}" if key.product else f"category:{key.category}"
    return f"{subject}|{key.region}|{granularity}"


def _stored(
    ctx: Context, found: list[AlertRecord], added: list[AlertRecord]
) -> tuple[AlertRecord, ...]:
    """The run's alarms as stored: those added now, and the rows an earlier run stored."""
    fresh = {r.id for r in added}
    earlier = [(r.series, r.period_start, r.method) for r in found if r.id not in fresh]
    kept: list[AlertRecord] = []
    if earlier:
        with ctx.uow(read_only=True) as uow:
            kept = uow.alerts.find(earlier)
    return tuple(sorted([*added, *kept], key=lambda r: (-r.score, r.series, r.method)))
