"""The content ladder's daily run: every item that may move, judged on the last seven days.

The run for day D judges the metrics of the ``window_days`` complete days before D (D-7 to D-1,
China Standard Time), with each shop's posts in those days and its audience as last reported,
and moves items "on D". It runs once per day: the day is kept in the exposure state row, which
the run locks, so the scheduler of ``serve`` and ``aftersales ladder run`` never both run a day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from aftersales.errors import Text, ValidationFailed
from aftersales.exposure import ExposureEvent, LadderConfig, MerchantActivity, advance
from aftersales.recall.workdays import CST
from aftersales.services.content import today
from aftersales.services.context import Context
from aftersales.services.exposure_records import log_exposure_decisions
from aftersales.services.exposure_refresh import refresh
from aftersales.store.content import ContentRecord
from aftersales.store.uow import UnitOfWork

__all__ = ["LadderReport", "ladder_daily", "run_ladder"]


@dataclass(frozen=True, slots=True)
class LadderReport:
    day: date
    ran: bool  # False: this day (or a later one) has run already
    judged: int  # items the run looked at
    moved: int  # items whose stage (or nomination) changed
    events: tuple[ExposureEvent, ...]
    last_day: date | None  # the last day the ladder ran, before this run


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), CST).astimezone(UTC)


def _activity(uow: UnitOfWork, first: date, last: date) -> dict[str, MerchantActivity]:
    posts = uow.content.posts(_start(first), _start(last + timedelta(days=1)))
    audiences = uow.content.audiences()
    return {
        m: MerchantActivity(
            m,
            posts.get(m, 0),
            audiences[m].fans if m in audiences else 0,
            audiences[m].active_fans if m in audiences else 0,
        )
        for m in set(posts) | set(audiences)
    }


def _judge(
    uow: UnitOfWork, on: date, config: LadderConfig, now: datetime
) -> tuple[list[ContentRecord], list[ContentRecord], tuple[ExposureEvent, ...]]:
    """The items judged on ``on``, those that moved (as they now stand), and the events."""
    first, last = on - timedelta(days=config.window_days), on - timedelta(days=1)
    young = _start(on - timedelta(days=config.max_age_days))
    records = [
        r
        for r in uow.content.ladder_items(young, first, last)
        if r.item.published_on <= on  # a run for a past day judges what existed then
    ]
    metrics = uow.content.metrics_between(first=first, last=last)
    activity = _activity(uow, first, last)
    run = advance([r.item for r in records], metrics, activity, on=on, at=now, config=config)
    moved = [r.moved(new, now) for r, new in zip(records, run.items, strict=True) if new != r.item]
    return records, moved, run.events


def run_ladder(ctx: Context, day: date | None = None) -> LadderReport:
    """Advance every item on the ladder for ``day`` (default today), once per day."""
    now = ctx.clock.now()
    on = day or today(now)
    if on > today(now):
        raise ValidationFailed(
            Text(
                f"the ladder cannot run for {on.isoformat()}: it is in the future",
                f"内容流量阶梯不能按 {on.isoformat()} 运行：该日期尚未到来",  # noqa: RUF001
            )
        )
    with ctx.uow() as uow:
        state = uow.exposure.lock_state()
        if state.ladder_day is not None and on <= state.ladder_day:
            return LadderReport(on, False, 0, 0, (), state.ladder_day)
        records, moved, events = _judge(uow, on, ctx.exposure.config.ladder, now)
        uow.content.save(moved)
        uow.exposure.add_events(events)
        uow.exposure.save_state(ladder_day=on)
        log_exposure_decisions(ctx, uow, events)  # last: the log's lock is shared
        uow.commit()
    return LadderReport(on, True, len(records), len(moved), events, state.ladder_day)


def ladder_daily(ctx: Context) -> LadderReport:
    """The scheduler's job: today's run if it has not happened, then a recording refresh so the
    new quotas are served."""
    report = run_ladder(ctx)
    if report.ran:
        refresh(ctx)
    return report
