"""The rows that early warning and staff planning count, read column by column.

One streaming SELECT per kind of row (cases opened, units sold), summed per product, region and
day by the database itself — a marketplace sells far more order lines than it has days times
products, and only the sums cross the wire — handed over as NumPy columns that DuckDB scans in
place (``store.case_counts``), where weeks, categories and series are made. The database turns
each moment into its day in integer arithmetic, so no timestamp is parsed in Python; the
products' merchant and category come once per product, not once per row. Days are
calendar days in China Standard Time, counted from 1970-01-01, so that a week or a day means the
same in every region and on every database.

The rows are fetched on the driver's cursor of the connection (in its transaction), as plain
tuples: a year of a large marketplace is a million rows of sales, and SQLAlchemy's result rows
cost about as much again as the database spent on the query (the same choice as
``store.arrow_reads``, decision 0029).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, Integer, Select, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from aftersales.domain.clock import CST
from aftersales.store.epoch import whole_seconds
from aftersales.store.prepared import batches, bound
from aftersales.store.tables import cases, order_lines, orders, products

__all__ = ["CST_OFFSET_SECONDS", "CaseFeedRepository", "Columns"]

Columns = dict[str, NDArray[Any]]

CST_OFFSET_SECONDS = int(CST.utcoffset(None).total_seconds())
_BATCH = 20_000  # rows per fetch: memory stays flat however many cases there are
_TEXT = frozenset({"product_id", "region", "merchant_id", "category"})


class cst_day(FunctionElement[int]):  # lower case: reads as the SQL function it stands for
    """The CST calendar day of a stored (naive UTC) timestamp, as days since 1970-01-01."""

    type = Integer()
    inherit_cache = True


@compiles(cst_day, "sqlite")
def _cst_day_sqlite(element: cst_day, compiler: SQLCompiler, **kw: Any) -> str:
    # Whole seconds, then integer division: julianday()'s floating point would put a case
    # opened at midnight on the day before.
    seconds = compiler.process(whole_seconds(*element.clauses), **kw)
    return f"(({seconds} + {CST_OFFSET_SECONDS}) / 86400)"


@compiles(cst_day)
def _cst_day_standard(element: cst_day, compiler: SQLCompiler, **kw: Any) -> str:
    # PostgreSQL (and the standard): the epoch of a timestamp without time zone is its UTC one.
    moment = compiler.process(element.clauses, **kw)
    return f"CAST(FLOOR((EXTRACT(EPOCH FROM {moment}) + {CST_OFFSET_SECONDS}) / 86400) AS INTEGER)"


class CaseFeedRepository:
    """Reads cases, sales and products for counting; never writes."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def cases(
        self,
        since: datetime,
        until: datetime,
        *,
        region: str | None = None,
        queue: str | None = None,
    ) -> Columns:
        """Cases opened in [since, until), counted per day, product and region (the order's):
        day, product_id, region, cases."""
        day = cst_day(cases.c.opened_at)
        stmt = (
            select(day, order_lines.c.product_id, cases.c.region, func.count())
            .join(order_lines, order_lines.c.id == cases.c.order_line_id)
            .where(cases.c.opened_at >= since, cases.c.opened_at < until)
            .group_by(day, order_lines.c.product_id, cases.c.region)
        )
        if region is not None:
            stmt = stmt.where(cases.c.region == region)
        if queue is not None:
            stmt = stmt.where(cases.c.queue == queue)
        return self._read(stmt, ("day", "product_id", "region", "cases"))

    def sales(self, since: datetime, until: datetime) -> Columns:
        """Units sold in orders placed in [since, until), summed per day, product and region:
        day, product_id, region, quantity."""
        day = cst_day(orders.c.placed_at)
        stmt = (
            select(day, order_lines.c.product_id, orders.c.region, func.sum(order_lines.c.quantity))
            .join(orders, orders.c.id == order_lines.c.order_id)
            .where(orders.c.placed_at >= since, orders.c.placed_at < until)
            .group_by(day, order_lines.c.product_id, orders.c.region)
        )
        return self._read(stmt, ("day", "product_id", "region", "quantity"))

    def orders_placed(self, ranges: Sequence[tuple[datetime, datetime]]) -> list[int]:
        """How many orders were placed in each [since, until) of ``ranges``, in one statement."""
        return self._count(orders.c.placed_at, ranges)

    def cases_opened(self, ranges: Sequence[tuple[datetime, datetime]]) -> list[int]:
        """How many cases were opened in each [since, until) of ``ranges``, in one statement."""
        return self._count(cases.c.opened_at, ranges)

    def _count(self, moment: Any, ranges: Sequence[tuple[datetime, datetime]]) -> list[int]:
        # One COUNT per range: each only walks the index of ``moment``, which is several times
        # cheaper than testing every range on every row in one scan, even where ranges overlap.
        if not ranges:
            return []
        counts = [
            select(func.count()).where(moment >= a, moment < b).scalar_subquery() for a, b in ranges
        ]
        row = self._conn.execute(select(*counts)).one()
        return [int(n) for n in row]

    def products(self) -> Columns:
        """Every product: id, merchant_id, category."""
        stmt = select(products.c.id, products.c.merchant_id, products.c.category)
        return self._read(stmt, ("product_id", "merchant_id", "category"))

    def _read(self, stmt: Select[Any], names: tuple[str, ...]) -> Columns:
        """Stream the rows and turn them into one NumPy array per column."""
        parts: list[list[Any]] = [[] for _ in names]
        # One object per distinct text rather than one per row: early warning keeps a year of
        # rows (services.counted_history), and they name only a few thousand products and regions.
        same: dict[Any, Any] = {}
        for rows in batches(self._conn, *bound(stmt, self._conn.dialect), _BATCH):
            for name, part, column in zip(names, parts, zip(*rows, strict=True), strict=True):
                part.extend(map(same.setdefault, column, column) if name in _TEXT else column)
        return {
            name: np.array(part, dtype=object if name in _TEXT else np.int64)
            for name, part in zip(names, parts, strict=True)
        }
