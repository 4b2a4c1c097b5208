"""Use cases of the content ladder: publish, read, report metrics and audiences, review.

Visibility: a merchant's agent sees its own merchant's content; operators, auditors and the
marketplace's integration see all of it (the recommender draws the amplification pool from
here). Content one may not see does not exist (404).
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from aftersales.domain.actors import Actor, Role
from aftersales.errors import NotFound, PermissionDenied, Text, ValidationFailed
from aftersales.exposure import (
    ContentItem,
    ContentKind,
    ContentMetrics,
    EventKind,
    ExposureEvent,
    approve,
    decline,
)
from aftersales.recall.workdays import CST
from aftersales.services.context import Context
from aftersales.services.exposure_records import log_exposure_decisions
from aftersales.services.programme import own_products
from aftersales.store.content import Audience, ContentQuery, ContentRecord
from aftersales.store.exposure import EventQuery, StoredEvent
from aftersales.store.uow import UnitOfWork

__all__ = [
    "ContentView",
    "Publish",
    "add_metrics",
    "get_content",
    "judged_window",
    "list_contents",
    "publish",
    "put_audience",
    "report_metrics",
    "review",
]

# The events that make an item's stage history.
HISTORY = (
    EventKind.STAGE_CHANGED.value,
    EventKind.AMPLIFICATION_NOMINATED.value,
    EventKind.AMPLIFICATION_DECLINED.value,
)


@dataclass(frozen=True, slots=True)
class Publish:
    kind: ContentKind
    title: str
    product_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ContentView:
    """An item with its stage history and the metrics its next daily run will judge."""

    record: ContentRecord
    history: tuple[StoredEvent, ...]  # oldest first
    window: ContentMetrics
    window_days: tuple[date, date]


def today(moment: datetime) -> date:
    return moment.astimezone(CST).date()


def publish(ctx: Context, actor: Actor, cmd: Publish) -> ContentRecord:
    """A merchant's agent publishes an item linked to its own products; it starts organic."""
    if actor.role is not Role.MERCHANT_AGENT or not actor.subject:
        raise PermissionDenied(
            Text("only a merchant's agent publishes content", "只有商家客服可以发布内容")
        )
    now = ctx.clock.now()
    item = ContentItem(
        ctx.ids("ct"), actor.subject, cmd.kind, cmd.product_ids, published_on=today(now)
    )
    record = ContentRecord(item, cmd.title, now, now)
    with ctx.uow() as uow:
        own_products(uow, actor.subject, cmd.product_ids)
        uow.content.add(record)
        uow.commit()
    return record


def _load_visible(
    uow: UnitOfWork, actor: Actor, content_id: str, *, for_update: bool = False
) -> ContentRecord:
    record = uow.content.get(content_id, for_update=for_update)
    if record is None or not _may_see(actor, record.item.merchant_id):
        raise NotFound(_no_content(content_id))
    return record


def _no_content(content_id: str) -> Text:
    return Text(f"content {content_id} not found", f"找不到内容 {content_id}")


def _may_see(actor: Actor, merchant_id: str) -> bool:
    if actor.role in (Role.OPERATOR, Role.AUDITOR, Role.INTEGRATION):
        return True
    return actor.is_merchant(merchant_id)


def judged_window(ctx: Context) -> tuple[date, date]:
    """The days the next daily run judges: the ladder's window that ends today."""
    last = today(ctx.clock.now())
    return last - timedelta(days=ctx.exposure.config.ladder.window_days - 1), last


def get_content(ctx: Context, actor: Actor, content_id: str) -> ContentView:
    first, last = judged_window(ctx)
    with ctx.uow(read_only=True) as uow:
        record = _load_visible(uow, actor, content_id)
        query = EventQuery(kinds=HISTORY, subject=f"content:{content_id}", limit=200)
        history = tuple(reversed(uow.exposure.events(query)))
        metrics = uow.content.metrics_between(first=first, last=last, content_id=content_id)
    return ContentView(record, history, metrics.get(content_id, ContentMetrics()), (first, last))


def list_contents(ctx: Context, actor: Actor, query: ContentQuery) -> list[ContentRecord]:
    """Content the actor may see, newest first; a merchant's agent sees only its own."""
    if actor.role is Role.MERCHANT_AGENT:
        if query.merchant_id not in (None, actor.subject):
            return []
        query = replace(query, merchant_id=actor.subject)
    elif not _may_see(actor, ""):
        raise PermissionDenied(Text("this role reads no content", "该角色无权查看内容"))
    with ctx.uow(read_only=True) as uow:
        return uow.content.search(query)


def add_metrics(
    ctx: Context, actor: Actor, content_id: str, day: date | None, metrics: ContentMetrics
) -> tuple[date, ContentMetrics]:
    """The integration reports an item's metrics for a day; reports add up. Returns the day and
    its totals so far."""
    _integration(actor)
    now = ctx.clock.now()
    on = day or today(now)
    with ctx.uow() as uow:
        record = _load_visible(uow, actor, content_id)
        _check_day(content_id, record.item.published_on, on, now)
        totals = uow.content.add_metrics(content_id, on, metrics, now)
        uow.commit()
    return on, totals


def report_metrics(
    ctx: Context, actor: Actor, day: date, reports: Mapping[str, ContentMetrics]
) -> int:
    """The integration reports a day's metrics of many items at once, as a marketplace's daily
    export does: the rules of ``add_metrics`` for each, all or nothing, in one transaction.
    Returns how many items were reported."""
    _integration(actor)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        # Only the publication days: an export names hundreds of items, and the checks need no
        # more of them.
        published = uow.content.published_days(reports)
        for content_id in reports:
            if content_id not in published:
                raise NotFound(_no_content(content_id))
            _check_day(content_id, published[content_id], day, now)
        uow.content.add_metrics_many(day, reports, now)
        uow.commit()
    return len(reports)


def _integration(actor: Actor) -> None:
    if actor.role is not Role.INTEGRATION:
        raise PermissionDenied(
            Text(
                "only the marketplace's integration reports content metrics",
                "只有平台系统可以上报内容数据",
            )
        )


def _check_day(content_id: str, published_on: date, on: date, now: datetime) -> None:
    """Metrics are for a day that has begun, on or after the item's publication."""
    if on > today(now):
        raise ValidationFailed(
            Text(
                f"metrics for {on.isoformat()} are in the future",
                f"{on.isoformat()} 尚未到来，不能上报该日的数据",
            )
        )
    if on < published_on:
        raise ValidationFailed(
            Text(
                f"content {content_id} was published on {published_on.isoformat()},"
                f" after {on.isoformat()}",
                f"内容 {content_id} 发布于 {published_on.isoformat()}，"
                f"晚于所报数据的日期 {on.isoformat()}",
            )
        )


def put_audience(ctx: Context, actor: Actor, audience: Audience) -> Audience:
    """The integration reports a shop's fans and the fans active over the ladder's window."""
    if actor.role is not Role.INTEGRATION:
        raise PermissionDenied(
            Text(
                "only the marketplace's integration reports audiences",
                "只有平台系统可以上报店铺粉丝数据",
            )
        )
    if audience.active_fans > audience.fans:
        raise ValidationFailed(
            Text(
                f"active fans ({audience.active_fans}) cannot exceed fans ({audience.fans})",
                f"活跃粉丝数（{audience.active_fans}）不能超过粉丝数（{audience.fans}）",
            )
        )
    with ctx.uow() as uow:
        if uow.catalog.get_merchant(audience.merchant_id) is None:
            merchant_id = audience.merchant_id
            raise NotFound(Text(f"merchant {merchant_id} not found", f"找不到商家 {merchant_id}"))
        uow.content.put_audience(audience)
        uow.commit()
    return audience


def review(
    ctx: Context, actor: Actor, content_id: str, *, approved: bool, text: str
) -> ContentRecord:
    """An operator approves a nominated item for the amplification pool (``text``: a note) or
    declines it (``text``: the reason, required)."""
    if actor.role is not Role.OPERATOR:
        raise PermissionDenied(
            Text(
                "only an operator reviews content for the amplification pool",
                "只有平台运营可以审核内容是否进入放大池",
            )
        )
    now = ctx.clock.now()
    on = today(now)
    with ctx.uow() as uow:
        record = _load_visible(uow, actor, content_id, for_update=True)
        item, event = _decide(record.item, actor, on, now, approved, text)
        moved = record.moved(item, now)
        uow.content.save([moved])
        uow.exposure.add_events([event])
        log_exposure_decisions(ctx, uow, [event])  # last: the log's lock is shared
        uow.commit()
    return moved


def _decide(
    item: ContentItem, actor: Actor, on: date, at: datetime, approved: bool, text: str
) -> tuple[ContentItem, ExposureEvent]:
    if approved:
        return approve(item, actor, on=on, at=at, note=text)
    return decline(item, actor, on=on, at=at, reason=text)
