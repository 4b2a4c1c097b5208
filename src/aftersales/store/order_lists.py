"""A consumer's orders as a list to choose from: each line with its product and any open case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, select

from aftersales.store.tables import cases, merchants, order_lines, orders, products

__all__ = ["LineRow", "OrderListRepository"]


@dataclass(frozen=True, slots=True)
class LineRow:
    """One order line as the consumer sees it in their order list."""

    order_id: str
    placed_at: datetime
    delivered_at: datetime | None
    merchant_name: str
    line_id: str
    product_name: str
    category: str
    amount: int  # fen
    quantity: int
    open_case_id: str | None  # the line's active case, if it has one


class OrderListRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def lines_of_consumer(self, consumer_id: str, limit: int) -> list[LineRow]:
        """The lines of the consumer's ``limit`` newest orders, newest order first."""
        newest = (
            select(orders.c.id)
            .where(orders.c.consumer_id == consumer_id)
            .order_by(orders.c.placed_at.desc(), orders.c.id.desc())
            .limit(limit)
            .scalar_subquery()
        )
        active = and_(cases.c.order_line_id == order_lines.c.id, cases.c.is_active)
        stmt = (
            select(
                orders.c.id.label("order_id"),
                orders.c.placed_at,
                orders.c.delivered_at,
                merchants.c.name.label("merchant_name"),
                order_lines.c.id.label("line_id"),
                products.c.name.label("product_name"),
                products.c.category,
                (order_lines.c.unit_price * order_lines.c.quantity).label("amount"),
                order_lines.c.quantity,
                cases.c.id.label("open_case_id"),
            )
            .select_from(
                orders.join(order_lines, order_lines.c.order_id == orders.c.id)
                .join(products, products.c.id == order_lines.c.product_id)
                .join(merchants, merchants.c.id == orders.c.merchant_id)
                .outerjoin(cases, active)
            )
            .where(orders.c.id.in_(newest))
            .order_by(orders.c.placed_at.desc(), orders.c.id.desc(), order_lines.c.id)
        )
        return [LineRow(**row) for row in self._conn.execute(stmt).mappings()]
