"""Recurring faults of a product, from its triaged cases: what its buyers complain about most,
and whether it is growing, so a merchant can fix a common fault before more customers ask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from aftersales.domain.actors import Actor, Role
from aftersales.domain.catalog import Product
from aftersales.errors import NotFound, PermissionDenied, Text, ValidationFailed
from aftersales.recall import day_bounds
from aftersales.services.context import Context
from aftersales.triage.faults import FaultReport, recurring_faults

__all__ = ["DEFAULT_PERIOD", "ProductFaults", "merchant_faults", "product_faults"]

DEFAULT_PERIOD = timedelta(days=90)
_READERS = frozenset({Role.OPERATOR, Role.AUDITOR, Role.MERCHANT_AGENT})
_FOR_READERS = Text(
    "recurring faults are for merchants, operators and auditors",
    "常见故障仅供商家、平台运营和审计查看",
)


@dataclass(frozen=True, slots=True)
class ProductFaults:
    product: Product
    report: FaultReport


def product_faults(
    ctx: Context,
    actor: Actor,
    product_id: str,
    *,
    since: date | None = None,
    top: int = 10,
) -> FaultReport:
    """The product's recurring faults since that day (China time; default: the last 90 days);
    a merchant sees its own products only, and any other product does not exist for it."""
    if actor.role not in _READERS:
        raise PermissionDenied(_FOR_READERS)
    until = ctx.clock.now()
    start = day_bounds(since, None)[0] or until - DEFAULT_PERIOD
    if start >= until:
        raise ValidationFailed(Text("since must be in the past", "since 必须早于当前时间"))
    with ctx.uow(read_only=True) as uow:
        product = uow.catalog.get_product(product_id)
        if product is None or (
            actor.role is Role.MERCHANT_AGENT and product.merchant_id != actor.subject
        ):
            raise NotFound(Text(f"product {product_id} not found", f"找不到商品 {product_id}"))
        complaints = uow.complaints.of_product(product_id, start, until)
    return recurring_faults(complaints, since=start, until=until, top=top)


def merchant_faults(
    ctx: Context, actor: Actor, merchant_id: str, *, products: int = 8, top: int = 5
) -> list[ProductFaults]:
    """The recurring faults of the merchant's products with the most cases in the last 90 days,
    those first; each product's report is ``product_faults``'s, under the same checks."""
    if actor.role not in _READERS:
        raise PermissionDenied(_FOR_READERS)
    if actor.role is Role.MERCHANT_AGENT and not actor.is_merchant(merchant_id):
        raise NotFound(Text(f"merchant {merchant_id} not found", f"找不到商家 {merchant_id}"))
    until = ctx.clock.now()
    with ctx.uow(read_only=True) as uow:
        ranked = uow.complaints.products_by_cases(
            merchant_id, until - DEFAULT_PERIOD, until, products
        )
        found = [(uow.catalog.get_product(pid), pid) for pid, _ in ranked]
    return [
        ProductFaults(product, product_faults(ctx, actor, pid, top=top))
        for product, pid in found
        if product is not None
    ]
