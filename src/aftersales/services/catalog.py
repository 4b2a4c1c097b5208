"""Use cases for the marketplace's master data and orders (pushed by its integration)."""

# Chinese text uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from dataclasses import replace

from aftersales.domain.actors import Actor, Role
from aftersales.domain.catalog import (
    Consumer,
    Merchant,
    Order,
    OrderLine,
    Product,
    check_placed,
    check_region,
)
from aftersales.domain.categories import is_known
from aftersales.errors import (
    AftersalesError,
    ErrorCode,
    NotFound,
    PermissionDenied,
    Text,
    ValidationFailed,
)
from aftersales.services.context import Context
from aftersales.services.emergency import check_stop_sale
from aftersales.store.uow import UnitOfWork

__all__ = [
    "get_order",
    "merchant_products",
    "push_order",
    "put_consumer",
    "put_merchant",
    "put_product",
]


def put_merchant(ctx: Context, actor: Actor, merchant: Merchant) -> Merchant:
    """Create or update a merchant and its stores."""
    _require_integration(actor)
    for store in merchant.stores:
        check_region(store.region)
        if store.merchant_id != merchant.id:
            raise ValidationFailed(_other_merchants(store.id))
    with ctx.uow() as uow:
        for store in merchant.stores:
            existing = uow.catalog.get_store(store.id)
            if existing and existing.merchant_id != merchant.id:
                raise _unknown([_other_merchants(store.id)])
        uow.catalog.put_merchant(merchant, ctx.clock.now())
        uow.commit()
    return merchant


def put_product(ctx: Context, actor: Actor, product: Product) -> Product:
    """Create or update a product and its batches."""
    _require_integration(actor)
    if not is_known(product.category):
        raise ValidationFailed(
            Text(f"unknown category {product.category!r}", f"未知类目 {product.category!r}")
        )
    with ctx.uow() as uow:
        problems: list[Text] = []
        if uow.catalog.get_merchant(product.merchant_id) is None:
            problems.append(_unknown_party("merchant", "商家", product.merchant_id))
        existing = uow.catalog.get_product(product.id)
        if existing and existing.merchant_id != product.merchant_id:
            problems.append(
                Text(
                    f"product {product.id} belongs to another merchant",
                    f"商品 {product.id} 属于其他商家",
                )
            )
        for batch in product.batches:
            owner = uow.catalog.batch_owner(batch.id)
            if owner not in (None, product.id):
                problems.append(
                    Text(
                        f"batch {batch.id} belongs to another product",
                        f"批次 {batch.id} 属于其他商品",
                    )
                )
        if problems:
            raise _unknown(problems)
        uow.catalog.put_product(product)
        uow.commit()
    return product


def put_consumer(ctx: Context, actor: Actor, consumer: Consumer) -> Consumer:
    """Create or update a consumer (only an id and what the after-sales process needs)."""
    _require_integration(actor)
    if consumer.region:
        check_region(consumer.region)
    with ctx.uow() as uow:
        uow.catalog.put_consumer(consumer)
        uow.commit()
    return consumer


def push_order(ctx: Context, actor: Actor, order: Order) -> tuple[Order, bool]:
    """Record an order, or update its payment and delivery times when pushed again.

    Returns the stored order and whether it was new. The lines and parties of an order never
    change: a push that differs in them is refused.
    """
    _require_integration(actor)
    check_region(order.region)
    check_placed(order, ctx.clock.now())
    with ctx.uow() as uow:
        existing = uow.catalog.get_order(order.id)
        if existing is not None:
            stored = _update_order(uow, existing, order)
            uow.commit()
            return stored, False
        _check_references(uow, order)
        check_stop_sale(uow, order)  # a held batch or product is not sold again
        uow.catalog.add_order(order, ctx.clock.now())
        uow.commit()
    return order, True


def _update_order(uow: UnitOfWork, existing: Order, order: Order) -> Order:
    """Only payment and delivery times may change once an order is recorded."""
    fixed = ("merchant_id", "consumer_id", "store_id", "channel", "region", "placed_at")
    changed = [name for name in fixed if getattr(existing, name) != getattr(order, name)]
    if changed or not existing.same_lines_as(order):
        what = ", ".join(changed) if changed else "lines"
        what_zh = f"字段 {'、'.join(changed)} " if changed else "订单商品"
        text = Text(
            f"order {order.id} was already recorded with other {what}; only paid_at and"
            " delivered_at may change",
            f"订单 {order.id} 此前已记录，本次推送的{what_zh}与原记录不一致；"
            "只能修改 paid_at 和 delivered_at",
        )
        raise AftersalesError(text, code=ErrorCode.ORDER_CONFLICT)
    updated = replace(existing, paid_at=order.paid_at, delivered_at=order.delivered_at)
    uow.catalog.update_order_times(updated)
    return updated


def _check_references(uow: UnitOfWork, order: Order) -> None:
    problems: list[Text] = []
    store = uow.catalog.get_store(order.store_id)
    if store is None or store.merchant_id != order.merchant_id:
        problems.append(
            Text(
                f"store {order.store_id} is not a store of merchant {order.merchant_id}",
                f"店铺 {order.store_id} 不是商家 {order.merchant_id} 的店铺",
            )
        )
    elif store.kind.value != order.channel.value:
        problems.append(
            Text(
                f"an {order.channel} order cannot come from {store.kind} store {store.id}",
                f"{_CHANNELS[order.channel.value]}订单不能来自{_CHANNELS[store.kind.value]}店铺"
                f" {store.id}",
            )
        )
    if uow.catalog.get_consumer(order.consumer_id) is None:
        problems.append(_unknown_party("consumer", "消费者", order.consumer_id))
    for line in order.lines:
        problems += _line_problems(uow, order, line)
    for line_id, other in uow.catalog.lines_taken(line.id for line in order.lines).items():
        problems.append(
            Text(
                f"line {line_id} already belongs to order {other}",
                f"订单商品 {line_id} 已属于订单 {other}",
            )
        )
    if problems:
        raise _unknown(problems)


def _line_problems(uow: UnitOfWork, order: Order, line: OrderLine) -> list[Text]:
    product = uow.catalog.get_product(line.product_id)
    if product is None or product.merchant_id != order.merchant_id:
        return [
            Text(
                f"line {line.id}: product {line.product_id} is not sold by this merchant",
                f"订单商品 {line.id}：商品 {line.product_id} 不是该商家销售的商品",
            )
        ]
    if line.batch_id and line.batch_id not in {b.id for b in product.batches}:
        return [
            Text(
                f"line {line.id}: batch {line.batch_id} is not a batch of the product",
                f"订单商品 {line.id}：批次 {line.batch_id} 不属于该商品",
            )
        ]
    return []


_CHANNELS = {"online": "线上", "offline": "线下"}  # an order's channel, a store's kind


def _other_merchants(store_id: str) -> Text:
    return Text(f"store {store_id} belongs to another merchant", f"店铺 {store_id} 属于其他商家")


def _unknown_party(kind: str, kind_zh: str, party_id: str) -> Text:
    return Text(f"{kind} {party_id} is unknown", f"{kind_zh} {party_id} 不存在")


def _unknown(problems: list[Text]) -> AftersalesError:
    text = Text("; ".join(p.en for p in problems), "；".join(p.zh for p in problems))
    errors = [p.en for p in problems]
    return AftersalesError(text, code=ErrorCode.UNKNOWN_REFERENCE, errors=errors)


def _require_integration(actor: Actor) -> None:
    if actor.role not in (Role.INTEGRATION, Role.SYSTEM):
        raise PermissionDenied(
            Text(
                "only the marketplace integration can push master data and orders",
                "只有平台系统可以推送主数据和订单",
            )
        )


def get_order(ctx: Context, actor: Actor, order_id: str) -> Order | None:
    """The order if the actor may see it: its consumer, its merchant, or the platform's roles."""
    with ctx.uow(read_only=True) as uow:
        order = uow.catalog.get_order(order_id)
    if order is None:
        return None
    if actor.role in (Role.INTEGRATION, Role.OPERATOR, Role.AUDITOR):
        return order
    if actor.is_consumer(order.consumer_id) or actor.is_merchant(order.merchant_id):
        return order
    return None


def merchant_products(
    ctx: Context, actor: Actor, merchant_id: str, limit: int = 500
) -> list[Product]:
    """The merchant's products by id (without batches): for its agent and the platform's
    readers; to another merchant they do not exist, as the merchant itself does not."""
    if actor.role not in (Role.MERCHANT_AGENT, Role.OPERATOR, Role.AUDITOR):
        raise PermissionDenied(
            Text(
                "a merchant's products are listed for it and the platform",
                "商家的商品列表仅向该商家和平台开放",
            )
        )
    if actor.role is Role.MERCHANT_AGENT and not actor.is_merchant(merchant_id):
        raise NotFound(Text(f"merchant {merchant_id} not found", f"找不到商家 {merchant_id}"))
    with ctx.uow(read_only=True) as uow:
        return uow.catalog.products_of(merchant_id, limit)
