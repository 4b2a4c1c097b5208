"""A day's content metrics reported in one export add up as reports one by one do, on both
databases, and a bad item refuses the whole export."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aftersales.domain.actors import Actor, Role
from aftersales.errors import NotFound, PermissionDenied, ValidationFailed
from aftersales.exposure import ContentKind, ContentMetrics
from aftersales.services import content
from aftersales.services.context import Context
from tests.support import INTEGRATION, Market

M1 = Actor(Role.MERCHANT_AGENT, "m1")


def _publish(ctx: Context, n: int) -> list[str]:
    cmd = content.Publish(ContentKind.POST, "使用心得", ("p1",))
    return [content.publish(ctx, M1, cmd).id for _ in range(n)]


def _day_totals(ctx: Context, item: str) -> ContentMetrics:
    with ctx.uow(read_only=True) as uow:
        today = content.today(ctx.clock.now())
        found = uow.content.metrics_between(first=today, last=today, content_id=item)
    return found.get(item, ContentMetrics())


def test_an_export_adds_to_the_day_as_single_reports_do(ctx: Context, market: Market) -> None:
    first, second = _publish(ctx, 2)
    today = content.today(ctx.clock.now())
    content.add_metrics(ctx, INTEGRATION, first, today, ContentMetrics(100, 10, 50.0, 1))
    reports = {first: ContentMetrics(20, 2, 7.5, 0), second: ContentMetrics(300, 30, 90.0, 3)}
    assert content.report_metrics(ctx, INTEGRATION, today, reports) == 2
    assert _day_totals(ctx, first) == ContentMetrics(120, 12, 57.5, 1)
    assert _day_totals(ctx, second) == ContentMetrics(300, 30, 90.0, 3)


@pytest.mark.parametrize(
    ("bad", "error"),
    [("unknown", NotFound), ("future", ValidationFailed), ("before", ValidationFailed)],
)
def test_one_bad_item_refuses_the_whole_export(
    ctx: Context, market: Market, bad: str, error: type[Exception]
) -> None:
    (item,) = _publish(ctx, 1)
    today = content.today(ctx.clock.now())
    day = {"future": today + timedelta(days=1), "before": today - timedelta(days=1)}
    reports = {item: ContentMetrics(5, 1, 2.0, 0)}
    if bad == "unknown":
        reports["ct_nobody"] = ContentMetrics(5, 1, 2.0, 0)
    with pytest.raises(error):
        content.report_metrics(ctx, INTEGRATION, day.get(bad, today), reports)
    assert _day_totals(ctx, item) == ContentMetrics()


def test_only_the_integration_reports_an_export(ctx: Context, market: Market) -> None:
    (item,) = _publish(ctx, 1)
    today = content.today(ctx.clock.now())
    with pytest.raises(PermissionDenied):
        content.report_metrics(ctx, M1, today, {item: ContentMetrics(5, 1, 2.0, 0)})
