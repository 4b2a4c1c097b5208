"""Early warning on a platform younger than five years counts from its first sale or case: the
weeks before hold nothing, and the verdicts are the ones five years of columns give."""

from __future__ import annotations

from datetime import date, timedelta

from aftersales.domain.clock import ManualClock
from aftersales.services import warning_run
from aftersales.services.context import Context
from aftersales.warning import DetectionReport, detect, weekly_counts
from tests.support import Market
from tests.warning_support import AS_OF, WEEK, seed_weeks

LEAD = 3  # the default four weeks in service, less the week itself


def _judge(rows: warning_run._Rows, first_week: date) -> DetectionReport:
    totals = warning_run._count(rows, first_week, WEEK, LEAD)
    inputs = weekly_counts(
        totals.keys, first_week, totals.cases, totals.units, lead=LEAD, service_weeks=LEAD + 1
    )
    return detect(inputs.data, WEEK, AS_OF)


def test_counting_from_the_first_sale_judges_as_five_years_of_weeks_do(
    ctx: Context, clock: ManualClock, market: Market
) -> None:
    seed_weeks(ctx, clock)  # 58 weeks of heater sales and cases, an outbreak in the last
    furthest = WEEK - timedelta(weeks=warning_run.HISTORY_WEEKS - 1)
    rows = warning_run._read(ctx, furthest, WEEK, LEAD)

    first = warning_run._first_week(rows, WEEK, excerpt_weeks=12)

    assert first == WEEK - timedelta(weeks=57)  # the first week with a sale
    trimmed, whole = _judge(rows, first), _judge(rows, furthest)
    assert len(trimmed.alerts) == 2
    assert trimmed == whole


def test_a_new_platform_still_shows_the_alert_excerpts_weeks(
    ctx: Context, clock: ManualClock, market: Market
) -> None:
    furthest = WEEK - timedelta(weeks=warning_run.HISTORY_WEEKS - 1)
    rows = warning_run._read(ctx, furthest, WEEK, LEAD)  # only the market's few recent orders

    assert warning_run._first_week(rows, WEEK, excerpt_weeks=12) == WEEK - timedelta(weeks=11)
