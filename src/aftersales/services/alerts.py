"""Use cases of stored alerts: read them, and acknowledge, link to a recall, or dismiss one.

Who sees what (decision 0014): operators and auditors every alert; a merchant's agent the alerts
on its own products, never a whole category's (those pool every merchant's cases); nobody else
any. An alert one may not see does not exist for them.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from collections.abc import Callable

from aftersales.domain.actors import Actor, Role
from aftersales.errors import AftersalesError, ErrorCode, NotFound, Text, ValidationFailed
from aftersales.services.context import Context
from aftersales.store.alerts import AlertQuery, AlertRecord
from aftersales.store.uow import UnitOfWork
from aftersales.warning import AlertReview

__all__ = [
    "acknowledge",
    "alerts_by_region",
    "dismiss",
    "get_alert",
    "link_recall",
    "list_alerts",
]


def list_alerts(ctx: Context, actor: Actor, query: AlertQuery) -> list[AlertRecord]:
    """The alerts the actor may see, newest period first, strongest first within it."""
    with ctx.uow(read_only=True) as uow:
        return uow.alerts.search(query, actor)


def alerts_by_region(ctx: Context, actor: Actor, query: AlertQuery) -> dict[str, int]:
    """How many of the alerts the actor may see match the query's statuses and period, by
    region (for a map: the query's region and paging aside)."""
    with ctx.uow(read_only=True) as uow:
        return uow.alerts.by_region(query, actor)


def get_alert(ctx: Context, actor: Actor, alert_id: str) -> AlertRecord:
    """One alert with the history of its status."""
    with ctx.uow(read_only=True) as uow:
        return _visible(uow, actor, alert_id)


def acknowledge(ctx: Context, actor: Actor, alert_id: str) -> AlertRecord:
    """An operator has seen the alert and looks into it."""
    return _change(ctx, actor, alert_id, lambda uow, r: r.acknowledge(actor, ctx.clock.now()))


def link_recall(ctx: Context, actor: Actor, alert_id: str, recall_id: str) -> AlertRecord:
    """The alert is handled by a recall review of its product (or of a product of its
    category, for a whole category's alert)."""

    def link(uow: UnitOfWork, review: AlertReview) -> None:
        _check_recall(uow, _visible(uow, actor, alert_id), recall_id)
        review.link_recall(recall_id, actor, ctx.clock.now())

    return _change(ctx, actor, alert_id, link)


def dismiss(ctx: Context, actor: Actor, alert_id: str, reason: str) -> AlertRecord:
    """Nothing to act on; the reason is kept with the alert."""
    return _change(ctx, actor, alert_id, lambda uow, r: r.dismiss(reason, actor, ctx.clock.now()))


def _change(
    ctx: Context,
    actor: Actor,
    alert_id: str,
    action: Callable[[UnitOfWork, AlertReview], None],
) -> AlertRecord:
    with ctx.uow() as uow:
        record = _visible(uow, actor, alert_id, for_update=True)
        review = record.review()
        action(uow, review)
        uow.alerts.save(review, record)
        changed = _visible(uow, actor, alert_id)
        uow.commit()
    return changed


def _visible(
    uow: UnitOfWork, actor: Actor, alert_id: str, *, for_update: bool = False
) -> AlertRecord:
    record = uow.alerts.get(alert_id, for_update=for_update)
    if record is None or not _may_see(actor, record):
        raise NotFound(Text(f"alert {alert_id} not found", f"找不到预警 {alert_id}"))
    return record


def _may_see(actor: Actor, record: AlertRecord) -> bool:
    if actor.role in (Role.OPERATOR, Role.AUDITOR, Role.SYSTEM):
        return True
    return record.merchant_id is not None and actor.is_merchant(record.merchant_id)


def _check_recall(uow: UnitOfWork, record: AlertRecord, recall_id: str) -> None:
    """The recall exists and is about the alert's product, or a product of its category."""
    recall = uow.recalls.get(recall_id)
    if recall is None:
        unknown = Text(f"recall {recall_id} is unknown", f"召回 {recall_id} 不存在")
        raise _refused(unknown, ErrorCode.UNKNOWN_REFERENCE)
    if record.product_id is not None:
        if recall.product_id != record.product_id:
            raise _refused(
                Text(
                    f"recall {recall_id} is about product {recall.product_id}, "
                    f"not {record.product_id} of this alert",
                    f"召回 {recall_id} 针对的是商品 {recall.product_id}，"
                    f"而不是本预警的商品 {record.product_id}",
                )
            )
        return
    product = uow.catalog.get_product(recall.product_id)
    if product is None or product.category != record.category:
        raise _refused(
            Text(
                f"recall {recall_id} is about product {recall.product_id}, which is not in "
                f"category {record.category} of this alert",
                f"召回 {recall_id} 针对的商品 {recall.product_id} 不属于本预警的类目"
                f" {record.category}",
            )
        )


def _refused(text: Text, code: ErrorCode = ErrorCode.VALIDATION_FAILED) -> AftersalesError:
    if code is ErrorCode.VALIDATION_FAILED:
        return ValidationFailed(text, errors=[text.en])
    return AftersalesError(text, code=code, errors=[text.en])
