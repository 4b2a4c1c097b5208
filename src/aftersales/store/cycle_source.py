"""The cycle's input tables, streamed from SQLite or PostgreSQL into Arrow.

DuckDB's readers for SQLite and PostgreSQL are extensions it downloads on first use, and this
platform runs where nothing is downloaded at run time (docs/decisions/0015). So the store
selects the few columns the cycle needs with SQLAlchemy, on either database alike, and hands
them over as Arrow tables, chunk by chunk; the engine reads those in place. The JSON fields the
cycle needs (deadlines in the case's snapshot, a verdict or a score in an event) are extracted
here, by the database.

Millions of rows pass through here, so no value becomes a Python datetime: the database turns
each timestamp column into whole microseconds since the epoch, Arrow parses the ISO 8601 times
of the JSON fields, and both become epoch seconds a column at a time (decision 0024). The
seconds are the ones ``datetime.timestamp()`` gives: microseconds / 10⁶, correctly rounded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import BigInteger, ColumnElement, Connection, Select, cast, extract, func, select

from aftersales.analytics import SCHEMAS, CycleInputs, Window
from aftersales.store.epoch import whole_seconds
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

__all__ = ["count_lines", "read_inputs"]

_CHUNK = 50_000
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


def _micros(conn: Connection, column: ColumnElement[Any]) -> ColumnElement[int]:
    """A timestamp column (naive UTC) as whole microseconds since the epoch, by the database."""
    if conn.dialect.name == "postgresql":
        return cast(extract("epoch", column) * 1_000_000, BigInteger)
    # SQLite holds SQLAlchemy's text form 'YYYY-MM-DD HH:MM:SS.ffffff': seconds, then micros.
    return whole_seconds(column) * 1_000_000 + cast(func.substr(column, 21, 6), BigInteger)


def _seconds(micros: pa.Array) -> pa.Array:
    return pc.divide(micros.cast(pa.float64()), 1e6)


def _from_micros(values: Sequence[Any]) -> pa.Array:
    return _seconds(pa.array(values, pa.int64()))


def _from_iso(values: Sequence[Any]) -> pa.Array:
    """ISO 8601 times with an offset, as ``domain.snapshot.encode`` writes them."""
    parsed = pa.array(values, pa.string()).cast(pa.timestamp("us", tz="UTC"))
    return _seconds(parsed.cast(pa.int64()))


def _flag(values: Sequence[Any]) -> pa.Array:
    """SQLite's JSON functions answer 1 and 0 for true and false."""
    return pa.array(values).cast(pa.bool_())


Convert = Callable[[Sequence[Any]], pa.Array]


def _stream(
    conn: Connection, stmt: Select[Any], name: str, convert: Mapping[str, Convert]
) -> pa.Table:
    """The rows of ``stmt`` as a table of schema ``name``, read in chunks."""
    schema = SCHEMAS[name]
    result = conn.execution_options(stream_results=True, yield_per=_CHUNK).execute(stmt)
    batches = []
    for chunk in result.partitions():  # never empty: no rows at all give no batch
        columns = list(zip(*chunk, strict=True))
        arrays = [
            convert[n](col) if n in convert else pa.array(col, schema.field(n).type)
            for n, col in zip(schema.names, columns, strict=True)
        ]
        batches.append(pa.record_batch(arrays, schema=schema))
    return pa.Table.from_batches(batches, schema=schema)


def _in_window(window: Window) -> Sequence[Any]:
    return (orders.c.placed_at >= window.start, orders.c.placed_at < window.end)


def _lines(conn: Connection, window: Window) -> pa.Table:
    stmt = (
        select(
            order_lines.c.id,
            orders.c.merchant_id,
            orders.c.consumer_id,
            products.c.category,
            _micros(conn, orders.c.placed_at),
        )
        .join(orders, orders.c.id == order_lines.c.order_id)
        .join(products, products.c.id == order_lines.c.product_id)
        .where(*_in_window(window))
    )
    return _stream(conn, stmt, "lines", {"placed_at": _from_micros})


def _cases(conn: Connection, window: Window) -> pa.Table:
    snapshot = cases.c.snapshot
    stmt = (
        select(
            cases.c.id,
            cases.c.order_line_id,
            cases.c.merchant_id,
            cases.c.consumer_id,
            cases.c.category,
            _micros(conn, orders.c.placed_at),
            cases.c.type,
            _micros(conn, cases.c.opened_at),
            cases.c.counts_against_merchant,
            snapshot["first_response_due"].as_string(),
            snapshot["proposal_due"].as_string(),
            snapshot["resolved_at"].as_string(),
        )
        .join(order_lines, order_lines.c.id == cases.c.order_line_id)
        .join(orders, orders.c.id == order_lines.c.order_id)
        .where(*_in_window(window), cases.c.opened_at < window.end)
    )
    iso = ("first_response_due", "proposal_due", "resolved_at")
    convert = dict.fromkeys(("placed_at", "opened_at"), _from_micros) | dict.fromkeys(
        iso, _from_iso
    )
    return _stream(conn, stmt, "cases", convert)


def _events(conn: Connection, window: Window) -> pa.Table:
    data = case_events.c.data
    stmt = select(
        case_events.c.case_id,
        case_events.c.seq,
        case_events.c.kind,
        _micros(conn, case_events.c.at),
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
    return _stream(conn, stmt, "events", {"at": _from_micros, "first_response": _flag})


def _cases_in(window: Window) -> Select[Any]:
    """The ids of the cases on orders placed in the window.

    The events are picked by these ids rather than joined to them: as a join, SQLite (which
    keeps no statistics here) read every event ever stored and looked each one's order up; so
    it finds the window's orders by ``placed_at`` and their events by the events' key."""
    return (
        select(cases.c.id)
        .join(order_lines, order_lines.c.id == cases.c.order_line_id)
        .join(orders, orders.c.id == order_lines.c.order_id)
        .where(*_in_window(window))
    )


def _rows(
    conn: Connection, stmt: Select[Any], name: str, convert: Mapping[str, Convert]
) -> pa.Table:
    return _stream(conn, stmt, name, convert)


def _small_tables(conn: Connection) -> dict[str, pa.Table]:
    confirmed = recalls.c.state == "confirmed"
    safety = select(safety_reports.c.case_id).join(
        recalls, recalls.c.id == safety_reports.c.recall_id
    )
    recall_rows = select(recalls.c.merchant_id, _micros(conn, recall_events.c.at)).join(
        recalls, recalls.c.id == recall_events.c.recall_id
    )
    appeals = select(scoring_appeals.c.case_id, scoring_appeals.c.decision_reason).where(
        scoring_appeals.c.state == "accepted"
    )
    return {
        "safety": _rows(conn, safety.where(confirmed), "safety", {}),
        "recalls": _rows(
            conn,
            recall_rows.where(recall_events.c.kind == "confirmed"),
            "recalls",
            {"confirmed_at": _from_micros},
        ),
        "appeals": _rows(conn, appeals, "appeals", {}),
    }


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
    return CycleInputs(
        lines=_lines(conn, window),
        cases=_cases(conn, window),
        events=_events(conn, window),
        merchants=_merchants(conn),
        **_small_tables(conn),
    )


def count_lines(conn: Connection, window: Window) -> int:
    """How many order lines were placed in the window (0: nothing to score)."""
    stmt = select(func.count()).select_from(order_lines).join(orders).where(*_in_window(window))
    return int(conn.execute(stmt).scalar_one())
