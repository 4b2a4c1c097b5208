"""Reading and writing orders by the thousand: what a batch of pushed orders refers to, in a
few statements, and the new orders in two multi-row inserts (``services.order_batches``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, bindparam, insert, select, update

from aftersales.domain.catalog import Consumer, Order
from aftersales.store.prepared import Prepared
from aftersales.store.tables import batches, consumers, order_lines, orders, products, stores

__all__ = ["OrderBatchRepository", "ProductFacts"]


@dataclass(frozen=True, slots=True)
class ProductFacts:
    merchant_id: str
    batch_ids: frozenset[str]


_UPDATE_CONSUMER = (
    update(consumers)
    .where(consumers.c.id == bindparam("key"))
    .values(display_name=bindparam("new_name"), region=bindparam("new_region"))
)
# A push's thousands of rows go straight to the driver (store/prepared.py): through
# ``Connection.execute``, SQLAlchemy's work per row was a seventh of a push.
_INSERT_ORDERS = Prepared(insert(orders))
_INSERT_LINES = Prepared(insert(order_lines))


class OrderBatchRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def known_orders(self, ids: Iterable[str]) -> set[str]:
        rows = self._conn.execute(select(orders.c.id).where(orders.c.id.in_(sorted(set(ids)))))
        return {r.id for r in rows}

    def stores(self, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """Each known store's merchant and kind."""
        stmt = select(stores.c.id, stores.c.merchant_id, stores.c.kind).where(
            stores.c.id.in_(sorted(set(ids)))
        )
        return {r.id: (r.merchant_id, r.kind) for r in self._conn.execute(stmt)}

    def known_consumers(self, ids: Iterable[str]) -> set[str]:
        stmt = select(consumers.c.id).where(consumers.c.id.in_(sorted(set(ids))))
        return {r.id for r in self._conn.execute(stmt)}

    def products(self, ids: Iterable[str]) -> dict[str, ProductFacts]:
        """Each known product's merchant and batches."""
        wanted = sorted(set(ids))
        owners = self._conn.execute(
            select(products.c.id, products.c.merchant_id).where(products.c.id.in_(wanted))
        )
        found: dict[str, tuple[str, set[str]]] = {r.id: (r.merchant_id, set()) for r in owners}
        rows = self._conn.execute(
            select(batches.c.id, batches.c.product_id).where(batches.c.product_id.in_(wanted))
        )
        for r in rows:
            found[r.product_id][1].add(r.id)
        return {pid: ProductFacts(m, frozenset(b)) for pid, (m, b) in found.items()}

    def lines_taken(self, ids: Iterable[str]) -> dict[str, str]:
        """Of these line ids, those already used, with the order that owns each."""
        stmt = select(order_lines.c.id, order_lines.c.order_id).where(
            order_lines.c.id.in_(sorted(set(ids)))
        )
        return {r.id: r.order_id for r in self._conn.execute(stmt)}

    def put_consumers(self, batch: Sequence[Consumer]) -> int:
        """Update the known consumers and insert the others; returns how many were new."""
        known = self.known_consumers(c.id for c in batch)
        rows = [{"id": c.id, "display_name": c.display_name, "region": c.region} for c in batch]
        old = [
            {"key": r["id"], "new_name": r["display_name"], "new_region": r["region"]}
            for r in rows
            if r["id"] in known
        ]
        new = {r["id"]: r for r in rows if r["id"] not in known}  # the last of a repeated id
        if old:
            self._conn.execute(_UPDATE_CONSUMER, old)
        if new:
            self._conn.execute(insert(consumers), list(new.values()))
        return len(new)

    def add_orders(self, new: Sequence[Order], now: datetime) -> None:
        """Insert the orders and their lines, each table in one multi-row statement."""
        if not new:
            return
        _INSERT_ORDERS.run_many(self._conn, [_order_row(o) | {"received_at": now} for o in new])
        _INSERT_LINES.run_many(
            self._conn,
            [
                {
                    "id": line.id,
                    "order_id": o.id,
                    "product_id": line.product_id,
                    "batch_id": line.batch_id,
                    "unit_price": line.unit_price,
                    "quantity": line.quantity,
                }
                for o in new
                for line in o.lines
            ],
        )


def _order_row(order: Order) -> dict[str, object]:
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
