"""Use cases of a recall campaign: launch it, step its units, record parties' tasks, report."""

from __future__ import annotations

from datetime import datetime

from aftersales.domain.actors import Actor, Role
from aftersales.domain.catalog import Product
from aftersales.errors import NotFound, Text
from aftersales.recall import Counts, Recall, RecallReport, RecallUnit, Remedy, progress
from aftersales.services.context import Context
from aftersales.services.recall_access import load_visible, no_recall
from aftersales.store.recall_units import Notification
from aftersales.store.uow import UnitOfWork

__all__ = ["act_on_unit", "complete_task", "launch_campaign", "recall_report"]

# The consumer's channels for a recall notice; the marketplace's notifier delivers the message.
_CHANNELS = ["email", "sms"]


def launch_campaign(
    uow: UnitOfWork, actor: Actor, recall: Recall, product: Product, now: datetime
) -> None:
    """Make a unit of every affected line and queue one notice per affected consumer.

    Runs inside the confirmation's transaction: a recall is never confirmed without its
    campaign, nor a campaign launched without its notices."""
    assert recall.scope is not None  # called right after Recall.confirm
    uow.recall_units.create_units(recall.id, recall.product_id, recall.scope, now)
    units, pieces, consumers = uow.recall_units.totals(recall.id)
    uow.recall_units.queue_notifications(recall.id, _notice(recall, product), now)
    recall.launch_campaign(actor, now, units=units, pieces=pieces, consumers=consumers)


def act_on_unit(
    ctx: Context, actor: Actor, recall_id: str, order_line_id: str, remedy: Remedy, note: str
) -> RecallUnit:
    """The buyer chooses a remedy for their unit; the merchant or an operator records it done."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        recall = uow.recalls.get(recall_id)
        unit = uow.recall_units.get(recall_id, order_line_id, for_update=True)
        concerned = unit is not None and actor.is_consumer(unit.consumer_id)
        if recall is None or not recall.visible_to(actor, concerned=concerned):
            raise NotFound(no_recall(recall_id))
        if unit is None or (actor.role is Role.CONSUMER and not concerned):
            raise NotFound(
                Text(
                    f"order line {order_line_id} is not a unit of recall {recall_id}",
                    f"订单商品 {order_line_id} 不在召回 {recall_id} 的范围内",
                )
            )
        changed, change = unit.step(actor, remedy, recall.remedies, note, now)
        uow.recall_units.save(changed, change, unit.state)
        uow.commit()
    return changed


def complete_task(ctx: Context, actor: Actor, recall_id: str, task_id: str, note: str) -> Recall:
    """Record that a party has done its task (an operator records what the party reported)."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        recall = load_visible(uow, actor, recall_id, for_update=True).recall
        recall.complete_task(actor, task_id, note, now)
        uow.recalls.save(recall)
        uow.commit()
    return recall


def recall_report(
    ctx: Context, actor: Actor, recall_id: str, *, step_days: int = 1
) -> RecallReport:
    """The regulator's report: what, why, how many notified and remedied, and day by day."""
    now = ctx.clock.now()
    with ctx.uow(read_only=True) as uow:
        view = load_visible(uow, actor, recall_id)
        product = uow.catalog.get_product(view.recall.product_id)
        assert product is not None
        counts = Counts.of(uow.recall_units.count_by_state(recall_id))
        responded, remedied = uow.recall_units.step_times(recall_id)
    launched = view.recall.launched_at
    points = (
        progress(counts.units, launched, responded, remedied, now, step_days=step_days)
        if launched is not None
        else []
    )
    return RecallReport(view.recall, product.name, product.brand, counts, points, now)


def _notice(recall: Recall, product: Product) -> Notification:
    """The part of every consumer's notice that is the same for all of them."""
    return {
        "recall_id": recall.id,
        "channels": _CHANNELS,
        "merchant_id": recall.merchant_id,
        "product_id": product.id,
        "product_name": product.name,
        "brand": product.brand,
        "hazard": recall.hazard,
        "remedies": [r.value for r in recall.remedies],
        "respond_at": f"/api/v1/recalls/{recall.id}",
    }
