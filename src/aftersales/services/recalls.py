"""Use cases of recalls: open a review by hand, read, decide (confirm or dismiss).

Every change to a product's recalls first locks the product's row (``lock_product``), then the
recall: the emergency plan, run inside case openings, takes them in the same order.
"""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aftersales.domain.actors import Actor, Role
from aftersales.domain.catalog import Product
from aftersales.errors import (
    AftersalesError,
    ErrorCode,
    PermissionDenied,
    Text,
    ValidationFailed,
)
from aftersales.recall import (
    Counts,
    Recall,
    RecallEvent,
    RecallUnit,
    Remedy,
    Scope,
    Trigger,
    day_bounds,
)
from aftersales.recall.names import STATE_NAMES
from aftersales.services.context import Context
from aftersales.services.ledger_records import log_recall_decision
from aftersales.services.recall_access import RecallView, load_visible
from aftersales.services.recall_campaign import launch_campaign
from aftersales.store.recalls import RecallQuery
from aftersales.store.uow import UnitOfWork

__all__ = [
    "Confirm",
    "Decision",
    "Dismiss",
    "OpenReview",
    "RecallView",
    "decide",
    "get_recall",
    "list_recalls",
    "load_visible",
    "open_review",
    "recall_events",
]


@dataclass(frozen=True, slots=True)
class OpenReview:
    hazard: str
    product_id: str | None = None  # may be left out when batches are named
    batch_ids: tuple[str, ...] = ()
    stop_sale: bool = True


@dataclass(frozen=True, slots=True)
class Confirm:
    remedies: tuple[Remedy, ...]
    scope: Scope | None = None  # None: the batches under review (or the whole product)


@dataclass(frozen=True, slots=True)
class Dismiss:
    reason: str


Decision = Confirm | Dismiss


# The states of an open recall, as a refusal names them in Chinese (the console's words).
def open_review(ctx: Context, actor: Actor, cmd: OpenReview) -> RecallView:
    """An operator opens a recall review of a product or some of its batches."""
    if actor.role is not Role.OPERATOR:
        raise PermissionDenied(
            Text(
                "only a platform operator opens a recall review by hand",
                "只有平台运营人员可以手动发起召回评估",
            )
        )
    now = ctx.clock.now()
    with ctx.uow() as uow:
        product_id = _product_of(uow, cmd)
        merchant_id = uow.recalls.lock_product(product_id)
        if merchant_id is None:
            raise _unknown(Text(f"product {product_id} is unknown", f"商品 {product_id} 不存在"))
        _check_batches(uow.catalog.get_product(product_id), cmd.batch_ids)
        _refuse_overlap(uow, product_id, cmd.batch_ids, exclude=None)
        recall = Recall.open_review(
            ctx.ids("rc"),
            product_id=product_id,
            merchant_id=merchant_id,
            batch_ids=cmd.batch_ids,
            hazard=cmd.hazard,
            trigger=Trigger.MANUAL,
            stop_sale=cmd.stop_sale,
            terms=ctx.recall_terms,
            by=actor,
            at=now,
        )
        uow.recalls.add(recall)
        uow.commit()
    return RecallView(recall, Counts())


def get_recall(ctx: Context, actor: Actor, recall_id: str) -> RecallView:
    with ctx.uow(read_only=True) as uow:
        return load_visible(uow, actor, recall_id)


def list_recalls(ctx: Context, actor: Actor, query: RecallQuery) -> list[RecallView]:
    """The recalls the actor may see: all for operators and auditors, a merchant's own
    products', and for a consumer those with a unit of theirs."""
    with ctx.uow(read_only=True) as uow:
        found = uow.recalls.search(query, actor)
        ids = [r.id for r in found]
        counts = uow.recall_units.counts_by_state(ids)
        mine: dict[str, list[RecallUnit]] = {}
        if actor.role is Role.CONSUMER and actor.subject:
            for unit in uow.recall_units.of_consumer(actor.subject, ids):
                mine.setdefault(unit.recall_id, []).append(unit)
        return [
            RecallView(r, Counts.of(counts.get(r.id, {})), tuple(mine.get(r.id, ()))) for r in found
        ]


def recall_events(ctx: Context, actor: Actor, recall_id: str) -> list[RecallEvent]:
    """The append-only history of the recall: who did what, when."""
    with ctx.uow(read_only=True) as uow:
        load_visible(uow, actor, recall_id)
        return uow.recalls.events(recall_id)


def decide(ctx: Context, actor: Actor, recall_id: str, decision: Decision) -> RecallView:
    """Confirm the recall — and launch its campaign in the same transaction — or dismiss it."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        recall = _lock(uow, actor, recall_id)
        if isinstance(decision, Dismiss):
            recall.dismiss(actor, decision.reason, now)
        else:
            _confirm(ctx, uow, actor, recall, decision, now)
        uow.recalls.save(recall)
        log_recall_decision(ctx, uow, recall)  # last: the log's lock is shared by all decisions
        uow.commit()
    # A decision is taken under review, before any unit exists: every unit is new, so notified.
    return RecallView(recall, Counts(units=recall.units))


def _lock(uow: UnitOfWork, actor: Actor, recall_id: str) -> Recall:
    """Product first, then the recall: the order the emergency plan takes them in."""
    product_id = load_visible(uow, actor, recall_id).recall.product_id
    uow.recalls.lock_product(product_id)
    return load_visible(uow, actor, recall_id, for_update=True).recall


def _confirm(
    ctx: Context, uow: UnitOfWork, actor: Actor, recall: Recall, cmd: Confirm, now: datetime
) -> None:
    scope = cmd.scope if cmd.scope is not None else Scope(batch_ids=recall.batch_ids)
    product = uow.catalog.get_product(recall.product_id)
    assert product is not None  # a recall references its product by foreign key
    _check_batches(product, scope.batch_ids)
    _refuse_overlap(uow, recall.product_id, scope.batch_ids, exclude=recall.id)
    recall.confirm(
        actor,
        scope=scope,
        remedies=cmd.remedies,
        terms=ctx.recall_terms,
        at=now,
        produced_batches=_produced_within(product, scope),
    )
    launch_campaign(uow, actor, recall, product, now)


def _product_of(uow: UnitOfWork, cmd: OpenReview) -> str:
    if cmd.product_id:
        return cmd.product_id
    if not cmd.batch_ids:
        raise ValidationFailed(
            Text("name the product, its batches, or both", "请指定商品或其批次，也可两者都指定")
        )
    owner = uow.catalog.batch_owner(cmd.batch_ids[0])
    if owner is None:
        batch = cmd.batch_ids[0]
        raise _unknown(Text(f"batch {batch} is unknown", f"批次 {batch} 不存在"))
    return owner


def _check_batches(product: Product | None, batch_ids: tuple[str, ...]) -> None:
    assert product is not None
    known = {b.id for b in product.batches}
    problems = [
        Text(
            f"batch {b} is not a batch of product {product.id}",
            f"批次 {b} 不属于商品 {product.id}",
        )
        for b in batch_ids
        if b not in known
    ]
    if problems:
        raise AftersalesError(
            Text("; ".join(p.en for p in problems), "；".join(p.zh for p in problems)),
            code=ErrorCode.UNKNOWN_REFERENCE,
            errors=[p.en for p in problems],
        )


def _refuse_overlap(
    uow: UnitOfWork, product_id: str, batch_ids: tuple[str, ...], *, exclude: str | None
) -> None:
    for other in uow.recalls.open_on_product(product_id):
        if other.id != exclude and other.overlaps(product_id, batch_ids):
            raise AftersalesError(
                _overlap(other, product_id),
                code=ErrorCode.RECALL_OVERLAPS,
                recall_id=other.id,
            )


def _overlap(other: Recall, product_id: str) -> Text:
    what = ", ".join(other.batches) if other.batches else f"the whole product {product_id}"
    what_zh = f"批次 {'、'.join(other.batches)}" if other.batches else f"整个商品 {product_id}"
    state = STATE_NAMES[other.state]
    return Text(
        f"recall {other.id} ({other.state}) already covers {what}",
        f"召回 {other.id}（{state}）已覆盖{what_zh}",
    )


def _produced_within(product: Product, scope: Scope) -> list[str]:
    """The product's batches made within the scope's production range."""
    if not scope.by_production:
        return []
    start, end = day_bounds(scope.produced_from, scope.produced_to)
    return [
        b.id
        for b in product.batches
        if b.produced_on is not None
        and (start is None or b.produced_on >= start)
        and (end is None or b.produced_on < end)
    ]


def _unknown(detail: Text) -> AftersalesError:
    return AftersalesError(detail, code=ErrorCode.UNKNOWN_REFERENCE, errors=[detail.en])
