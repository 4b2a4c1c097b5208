"""Routes the marketplace integration uses to push master data and orders."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from aftersales.api.deps import ActorDep, CtxDep, IdempotencyDep, role
from aftersales.api.schemas import (
    ConsumerPut,
    MerchantPut,
    OrderCreate,
    OrderLinePublic,
    OrderPublic,
    ProductPut,
    yuan,
)
from aftersales.domain.actors import Actor, Role
from aftersales.domain.catalog import (
    Batch,
    Consumer,
    Merchant,
    Order,
    OrderLine,
    Product,
    Store,
)
from aftersales.domain.categories import CATEGORIES
from aftersales.errors import NotFound, Text
from aftersales.services import catalog
from aftersales.services.cases import to_fen

router = APIRouter(tags=["marketplace integration"])

Integration = Annotated[Actor, role(Role.INTEGRATION)]
PathId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


@router.get("/categories")
def list_categories(actor: ActorDep) -> list[dict[str, str | None]]:
    """The product category tree, with names in Chinese and English."""
    return [
        {"path": c.path, "parent": c.parent, "zh": c.zh, "en": c.en} for c in CATEGORIES.values()
    ]


@router.put("/merchants/{merchant_id}", status_code=200)
def put_merchant(
    merchant_id: PathId, body: MerchantPut, ctx: CtxDep, actor: Integration
) -> dict[str, str]:
    """Create or update a merchant with its online and offline stores."""
    stores = tuple(Store(s.id, merchant_id, s.kind, s.name, s.region) for s in body.stores)
    catalog.put_merchant(ctx, actor, Merchant(merchant_id, body.name, stores))
    return {"id": merchant_id}


@router.put("/products/{product_id}", status_code=200)
def put_product(
    product_id: PathId, body: ProductPut, ctx: CtxDep, actor: Integration
) -> dict[str, str]:
    """Create or update a product with its batches (lots)."""
    batches = tuple(Batch(b.id, product_id, b.code, b.produced_on) for b in body.batches)
    product = Product(
        product_id,
        body.merchant_id,
        body.category,
        body.name,
        body.brand,
        body.model,
        body.attributes,
        batches,
    )
    catalog.put_product(ctx, actor, product)
    return {"id": product_id}


@router.put("/consumers/{consumer_id}", status_code=200)
def put_consumer(
    consumer_id: PathId, body: ConsumerPut, ctx: CtxDep, actor: Integration
) -> dict[str, str]:
    """Create or update a consumer."""
    catalog.put_consumer(ctx, actor, Consumer(consumer_id, body.display_name, body.region))
    return {"id": consumer_id}


@router.post("/orders", status_code=201, response_model=OrderPublic)
def push_order(
    body: OrderCreate, ctx: CtxDep, actor: Integration, idem: IdempotencyDep
) -> Response:
    """Record an order (201), or update its payment and delivery times when pushed again (200)."""

    def produce() -> tuple[int, OrderPublic]:
        order, created = catalog.push_order(ctx, actor, _order(body))
        return (201 if created else 200), _public(order)

    return idem.run(body, produce)


@router.get("/orders/{order_id}", response_model=OrderPublic)
def get_order(order_id: PathId, ctx: CtxDep, actor: ActorDep) -> OrderPublic:
    """An order, for its consumer, its merchant, the integration, operators and auditors."""
    order = catalog.get_order(ctx, actor, order_id)
    if order is None:
        raise NotFound(Text(f"order {order_id} not found", f"找不到订单 {order_id}"))
    return _public(order)


def _order(body: OrderCreate) -> Order:
    lines = tuple(
        OrderLine(ln.id, body.id, ln.product_id, to_fen(ln.unit_price), ln.quantity, ln.batch_id)
        for ln in body.lines
    )
    return Order(
        id=body.id,
        merchant_id=body.merchant_id,
        consumer_id=body.consumer_id,
        store_id=body.store_id,
        channel=body.channel,
        region=body.region,
        placed_at=body.placed_at,
        paid_at=body.paid_at,
        delivered_at=body.delivered_at,
        lines=lines,
    )


def _public(order: Order) -> OrderPublic:
    return OrderPublic(
        id=order.id,
        merchant_id=order.merchant_id,
        consumer_id=order.consumer_id,
        store_id=order.store_id,
        channel=order.channel,
        region=order.region,
        placed_at=order.placed_at,
        paid_at=order.paid_at,
        delivered_at=order.delivered_at,
        lines=[
            OrderLinePublic(
                id=ln.id,
                product_id=ln.product_id,
                batch_id=ln.batch_id,
                unit_price=yuan(ln.unit_price),
                quantity=ln.quantity,
                amount=yuan(ln.amount),
            )
            for ln in order.lines
        ],
    )
