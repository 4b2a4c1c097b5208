"""The cycle's input tables, read from SQLite or PostgreSQL into Arrow.

DuckDB's readers for SQLite and PostgreSQL are extensions it downloads on first use, and this
platform runs where nothing is downloaded at run time (docs/decisions/0015). So the store
selects the few columns the cycle needs with SQLAlchemy Core, on either database alike, and
reads the results into Arrow on the driver's cursor (``arrow_reads``, decision 0029); the
engine reads those tables in place. The JSON fields the cycle needs (deadlines in the case's
snapshot, a verdict or a score in an event) are extracted here, by the database.

Millions of rows pass through here, so no value becomes a Python datetime: PostgreSQL turns
each timestamp column into whole microseconds since the epoch, Arrow parses SQLite's text of
the stored times and the ISO 8601 times of the JSON fields, and all become epoch seconds a
column at a time (decision 0024). The seconds are the ones ``datetime.timestamp()`` gives:
microseconds / 10⁶, correctly rounded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import BigInteger, ColumnElement, Connection, Select, cast, extract, func, select

from aftersales.analytics import SCHEMAS, CycleInputs, Window
from aftersales.domain.catalog import CLOCK_TOLERANCE
from aftersales.store.arrow_reads import Convert, read_arrow
from aftersales.store.tables import (
    case_events,
    cases,
    merchants,
    order_lines,
    orders,
    products,
    recall_events,
    recalls,
    safety_reports,
    scoring_appeals,
)

__all__ = ["CycleRead", "cycle_reads", "has_lines", "read_inputs"]

# The event kinds the metrics are read from; the others (evidence, closing…) are not fetched.
_KINDS = (
    "message_posted",
    "proposed",
    "proposal_rejected",
    "first_response_missed",
    "policy_granted",
    "escalated",
    "cancelled",
    "arbitrated",
    "rated",
)


def _time(dialect: str, column: ColumnElement[Any]) -> ColumnElement[Any]:
    """A timestamp column (naive UTC) as ``_epoch`` reads it."""
    if dialect == "postgresql":  # whole microseconds since the epoch
        return cast(extract("epoch", column) * 1_000_000, BigInteger)
    # SQLite holds SQLAlchemy's text form 'YYYY-MM-DD HH:MM:SS.ffffff', which Arrow parses
    # exactly and faster than SQLite's own date functions.
    return column


def _epoch(values: pa.Array) -> pa.Array:
    """Epoch seconds from whole microseconds, or from SQLite's text of a naive UTC time."""
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        values = values.cast(pa.timestamp("us"))
    return pc.divide(values.cast(pa.int64()).cast(pa.float64()), 1e6)


def _from_iso(values: pa.Array) -> pa.Array:
    """ISO 8601 times with an offset, as ``domain.snapshot.encode`` writes them."""
    return _epoch(values.cast(pa.string()).cast(pa.timestamp("us", tz="UTC")))


@dataclass(frozen=True, slots=True)
class CycleRead:
    """One input table of the cycle: the statement that selects it and how its columns convert
    (the others are cast to the schema's types; SQLite's JSON answers 1 and 0 for booleans)."""

    name: str
    statement: Select[Any]
    convert: Mapping[str, Convert]


def _in_window(window: Window) -> Sequence[Any]:
    return (orders.c.placed_at >= window.start, orders.c.placed_at < window.end)


def _cases_of_window(window: Window) -> Sequence[Any]:
    """Cases on the window's orders, opened before its end.

    No order is recorded with a placing time beyond the clocks' tolerance of its push, nor a
    case opened on an order before its push (``domain.catalog.check_placed``), so these cases
    all opened in the window or just before it: the databases find them by the index on the
    opening time, a few percent of the window's lines, instead of through every line."""
    since = window.start - CLOCK_TOLERANCE
    return (*_in_window(window), cases.c.opened_at >= since, cases.c.opened_at < window.end)


def _lines(dialect: str, window: Window) -> CycleRead:
    stmt = (
        select(
            order_lines.c.id,
            orders.c.merchant_id,
            orders.c.consumer_id,
            products.c.category,
            _time(dialect, orders.c.placed_at),
        )
        .join(orders, orders.c.id == order_lines.c.order_id)
        .join(products, products.c.id == order_lines.c.product_id)
        .where(*_in_window(window))
    )
    return CycleRead("lines", stmt, {"placed_at": _epoch})


def _cases(dialect: str, window: Window) -> CycleRead:
    snapshot = cases.c.snapshot
    stmt = (
        select(
            cases.c.id,
            cases.c.order_line_id,
            cases.c.merchant_id,
            cases.c.consumer_id,
            cases.c.category,
            _time(dialect, orders.c.placed_at),
            cases.c.type,
            _time(dialect, cases.c.opened_at),
            cases.c.counts_against_merchant,
            snapshot["first_response_due"].as_string(),
            snapshot["proposal_due"].as_string(),
            snapshot["resolved_at"].as_string(),
        )
        .join(order_lines, order_lines.c.id == cases.c.order_line_id)
        .join(orders, orders.c.id == order_lines.c.order_id)
        .where(*_cases_of_window(window))
    )
    iso = ("first_response_due", "proposal_due", "resolved_at")
    times = ("placed_at", "opened_at")
    return CycleRead("cases", stmt, dict.fromkeys(times, _epoch) | dict.fromkeys(iso, _from_iso))


def _events(dialect: str, window: Window) -> CycleRead:
    data = case_events.c.data
    stmt = select(
        case_events.c.case_id,
        case_events.c.seq,
        case_events.c.kind,
        _time(dialect, case_events.c.at),
        case_events.c.actor_role,
        case_events.c.actor_id,
        data["first_response"].as_boolean(),
        data["reason"].as_string(),
        data["verdict"].as_string(),
        data["score"].as_integer(),
    ).where(
        case_events.c.case_id.in_(_cases_in(window)),
        case_events.c.at < window.end,
        case_events.c.kind.in_(_KINDS),
    )
    return CycleRead("events", stmt, {"at": _epoch})


def _cases_in(window: Window) -> Select[Any]:
    """The ids of the cases of the window (``_cases_of_window``).

    The events are picked by these ids rather than joined to them: as a join, SQLite (which
    keeps no statistics here) read every event ever stored and looked each one's order up; so
    it finds the window's cases by their opening time and their events by the events' key."""
    return (
        select(cases.c.id)
        .join(order_lines, order_lines.c.id == cases.c.order_line_id)
        .join(orders, orders.c.id == order_lines.c.order_id)
        .where(*_cases_of_window(window))
    )


def _small_tables(dialect: str) -> list[CycleRead]:
    confirmed = recalls.c.state == "confirmed"
    safety = select(safety_reports.c.case_id).join(
        recalls, recalls.c.id == safety_reports.c.recall_id
    )
    recall_rows = select(recalls.c.merchant_id, _time(dialect, recall_events.c.at)).join(
        recalls, recalls.c.id == recall_events.c.recall_id
    )
    appeals = select(scoring_appeals.c.case_id, scoring_appeals.c.decision_reason).where(
        scoring_appeals.c.state == "accepted"
    )
    return [
        CycleRead("safety", safety.where(confirmed), {}),
        CycleRead(
            "recalls",
            recall_rows.where(recall_events.c.kind == "confirmed"),
            {"confirmed_at": _epoch},
        ),
        CycleRead("appeals", appeals, {}),
    ]


def cycle_reads(dialect: str, window: Window) -> list[CycleRead]:
    """The statements of the tables read from the operational data (all but ``merchants``)."""
    return [
        _lines(dialect, window),
        _cases(dialect, window),
        _events(dialect, window),
        *_small_tables(dialect),
    ]


def _merchants(conn: Connection) -> pa.Table:
    """Every merchant, with the category most of its products are in (None without any)."""
    counts = conn.execute(
        select(products.c.merchant_id, products.c.category, func.count()).group_by(
            products.c.merchant_id, products.c.category
        )
    )
    by_merchant: dict[str, Counter[str]] = {}
    for merchant, category, n in counts:
        by_merchant.setdefault(merchant, Counter())[category] = n
    ids: Iterable[str] = conn.execute(select(merchants.c.id).order_by(merchants.c.id)).scalars()
    rows = [(m, _top(by_merchant.get(m))) for m in ids]
    return pa.table(
        {"merchant_id": [m for m, _ in rows], "category": [c for _, c in rows]},
        schema=SCHEMAS["merchants"],
    )


def _top(categories: Counter[str] | None) -> str | None:
    if not categories:
        return None
    return min(categories, key=lambda c: (-categories[c], c))


def read_inputs(conn: Connection, window: Window) -> CycleInputs:
    """Everything the cycle of ``window`` reads, from the operational tables."""
    tables = {
        read.name: read_arrow(conn, read.statement, SCHEMAS[read.name], read.convert)
        for read in cycle_reads(conn.dialect.name, window)
    }
    return CycleInputs(merchants=_merchants(conn), **tables)


def has_lines(conn: Connection, window: Window) -> bool:
    """Whether any order line was placed in the window (if not, there is nothing to score).

    The first one found answers: counting them all cost a tenth of reading the window."""
    stmt = select(order_lines.c.id).join(orders).where(*_in_window(window)).limit(1)
    return conn.execute(stmt).first() is not None
