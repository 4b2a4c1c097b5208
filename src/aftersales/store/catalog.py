"""Repository of marketplace master data and orders."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from aftersales.domain.catalog import (
    Batch,
    Channel,
    Consumer,
    Merchant,
    Order,
    OrderLine,
    Product,
    Store,
    StoreKind,
)
from aftersales.store.prepared import Prepared
from aftersales.store.tables import (
    batches,
    consumers,
    merchants,
    order_lines,
    orders,
    products,
    stores,
)

__all__ = ["CatalogRepository"]

# The statements of the hot paths, built once: constructing a statement costs more than running
# a cached one. The two of every case opening run straight on the driver (store/prepared.py).
# A product with its batches in one round trip (one row per batch; a product without any
# batch still gives its row, with the batch columns empty).
_PRODUCT = Prepared(
    select(
        products,
        batches.c.id.label("batch_id"),
        batches.c.code.label("batch_code"),
        batches.c.produced_on.label("batch_produced_on"),
    )
    .outerjoin(batches, batches.c.product_id == products.c.id)
    .where(products.c.id == bindparam("product_id"))
    .order_by(batches.c.id)
)
_CATEGORY = select(products.c.category).where(products.c.id == bindparam("product_id"))
_ORDER = select(orders).where(orders.c.id == bindparam("order_id"))
_ORDER_LINES = (
    select(order_lines)
    .where(order_lines.c.order_id == bindparam("order_id"))
    .order_by(order_lines.c.id)
)
_wanted = order_lines.alias("wanted")
# The order that holds a line, with all its lines, in one round trip (one row per line).
_ORDER_OF_LINE = Prepared(
    select(
        orders,
        order_lines.c.id.label("line_id"),
        order_lines.c.product_id.label("line_product_id"),
        order_lines.c.batch_id.label("line_batch_id"),
        order_lines.c.unit_price.label("line_unit_price"),
        order_lines.c.quantity.label("line_quantity"),
    )
    .join(order_lines, order_lines.c.order_id == orders.c.id)
    .where(
        orders.c.id
        == select(_wanted.c.order_id).where(_wanted.c.id == bindparam("line_id")).scalar_subquery()
    )
    .order_by(order_lines.c.id)
)


class CatalogRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    # ---- merchants and stores ------------------------------------------------------------

    def get_merchant(self, merchant_id: str) -> Merchant | None:
        row = self._conn.execute(select(merchants).where(merchants.c.id == merchant_id)).first()
        if row is None:
            return None
        store_rows = self._conn.execute(
            select(stores).where(stores.c.merchant_id == merchant_id).order_by(stores.c.id)
        )
        return Merchant(row.id, row.name, tuple(_store(r) for r in store_rows))

    def put_merchant(self, merchant: Merchant, now: Any) -> None:
        """Create or replace a merchant with its stores (stores are never deleted)."""
        _upsert(self._conn, merchants, merchant.id, {"name": merchant.name}, {"created_at": now})
        for s in merchant.stores:
            values = {"merchant_id": s.merchant_id, "kind": s.kind.value, "name": s.name}
            _upsert(self._conn, stores, s.id, values | {"region": s.region}, {})

    def get_store(self, store_id: str) -> Store | None:
        row = self._conn.execute(select(stores).where(stores.c.id == store_id)).first()
        return None if row is None else _store(row)

    # ---- products and batches ------------------------------------------------------------

    def get_product(self, product_id: str) -> Product | None:
        rows = _PRODUCT.all(self._conn, {"product_id": product_id})
        if not rows:
            return None
        row = rows[0]
        return Product(
            row.id,
            row.merchant_id,
            row.category,
            row.name,
            row.brand,
            row.model,
            row.attributes,
            tuple(
                Batch(r.batch_id, row.id, r.batch_code, r.batch_produced_on)
                for r in rows
                if r.batch_id is not None
            ),
        )

    def products_of(self, merchant_id: str, limit: int) -> list[Product]:
        """The merchant's products by id, without their batches (a list names them only)."""
        p = products.c
        stmt = select(products).where(p.merchant_id == merchant_id).order_by(p.id).limit(limit)
        return [
            Product(r.id, r.merchant_id, r.category, r.name, r.brand, r.model, r.attributes)
            for r in self._conn.execute(stmt)
        ]

    def product_category(self, product_id: str) -> str | None:
        """Just the category of a product (what a new case needs of it), in one statement."""
        category: str | None = self._conn.execute(
            _CATEGORY, {"product_id": product_id}
        ).scalar_one_or_none()
        return category

    def put_product(self, product: Product) -> None:
        values = {
            "merchant_id": product.merchant_id,
            "category": product.category,
            "name": product.name,
            "brand": product.brand,
            "model": product.model,
            "attributes": dict(product.attributes),
        }
        _upsert(self._conn, products, product.id, values, {})
        for b in product.batches:
            batch_values = {
                "product_id": b.product_id,
                "code": b.code,
                "produced_on": b.produced_on,
            }
            _upsert(self._conn, batches, b.id, batch_values, {})

    def batch_owner(self, batch_id: str) -> str | None:
        """The product a batch belongs to."""
        return self._conn.execute(
            select(batches.c.product_id).where(batches.c.id == batch_id)
        ).scalar_one_or_none()

    # ---- consumers -----------------------------------------------------------------------

    def get_consumer(self, consumer_id: str) -> Consumer | None:
        row = self._conn.execute(select(consumers).where(consumers.c.id == consumer_id)).first()
        return None if row is None else Consumer(row.id, row.display_name, row.region)

    def put_consumer(self, consumer: Consumer) -> None:
        values = {"display_name": consumer.display_name, "region": consumer.region}
        _upsert(self._conn, consumers, consumer.id, values, {})

    # ---- orders --------------------------------------------------------------------------

    def get_order(self, order_id: str) -> Order | None:
        row = self._conn.execute(_ORDER, {"order_id": order_id}).first()
        if row is None:
            return None
        line_rows = self._conn.execute(_ORDER_LINES, {"order_id": order_id})
        return _order(row, line_rows)

    def order_of_line(self, line_id: str) -> Order | None:
        rows = _ORDER_OF_LINE.all(self._conn, {"line_id": line_id})
        if not rows:
            return None
        lines = (
            OrderLine(
                r.line_id,
                r.id,
                r.line_product_id,
                r.line_unit_price,
                r.line_quantity,
                r.line_batch_id,
            )
            for r in rows
        )
        return _order_with(rows[0], tuple(lines))

    def lines_taken(self, line_ids: Iterable[str]) -> dict[str, str]:
        """Of these line ids, those already used, with the order that owns each."""
        rows = self._conn.execute(
            select(order_lines.c.id, order_lines.c.order_id).where(
                order_lines.c.id.in_(list(line_ids))
            )
        )
        return {line_id: order_id for line_id, order_id in rows}

    def add_order(self, order: Order, now: Any) -> None:
        self._conn.execute(insert(orders).values(**_order_row(order), received_at=now))
        self._conn.execute(
            insert(order_lines),
            [
                {
                    "id": line.id,
                    "order_id": order.id,
                    "product_id": line.product_id,
                    "batch_id": line.batch_id,
                    "unit_price": line.unit_price,
                    "quantity": line.quantity,
                }
                for line in order.lines
            ],
        )

    def update_order_times(self, order: Order) -> None:
        self._conn.execute(
            update(orders)
            .where(orders.c.id == order.id)
            .values(paid_at=order.paid_at, delivered_at=order.delivered_at)
        )


def _upsert(
    conn: Connection, table: Any, key: str, values: dict[str, Any], new: dict[str, Any]
) -> None:
    """Update the row with this id, or insert it (with ``new`` columns) when absent."""
    result = conn.execute(update(table).where(table.c.id == key).values(**values))
    if result.rowcount == 0:
        conn.execute(insert(table).values(id=key, **values, **new))


def _store(row: Any) -> Store:
    return Store(row.id, row.merchant_id, StoreKind(row.kind), row.name, row.region)


def _order(row: Any, line_rows: Iterable[Any]) -> Order:
    return _order_with(
        row,
        tuple(
            OrderLine(r.id, r.order_id, r.product_id, r.unit_price, r.quantity, r.batch_id)
            for r in line_rows
        ),
    )


def _order_with(row: Any, lines: tuple[OrderLine, ...]) -> Order:
    return Order(
        id=row.id,
        merchant_id=row.merchant_id,
        consumer_id=row.consumer_id,
        store_id=row.store_id,
        channel=Channel(row.channel),
        region=row.region,
        placed_at=row.placed_at,
        paid_at=row.paid_at,
        delivered_at=row.delivered_at,
        lines=lines,
    )


def _order_row(order: Order) -> dict[str, Any]:
    return {
        "id": order.id,
        "merchant_id": order.merchant_id,
        "consumer_id": order.consumer_id,
        "store_id": order.store_id,
        "channel": order.channel.value,
        "region": order.region,
        "placed_at": order.placed_at,
        "paid_at": order.paid_at,
        "delivered_at": order.delivered_at,
    }
