"""The cycle's input tables, read from SQLite or PostgreSQL into Arrow.

DuckDB's readers for SQLite and PostgreSQL are extensions it downloads on first use, and this
platform runs where nothing is downloaded at run time (docs/decisions/0015). So the store
selects the few columns the cycle needs with SQLAlchemy Core, on either database alike, and
reads the results into Arrow (``arrow_reads``, decision 0029: SQLite's rows on the driver's
cursor, PostgreSQL's as the CSV of ``COPY``); the engine reads those tables in place. The JSON
fields the cycle needs (deadlines in the case's snapshot, a verdict or a score in an event) are
extracted here, by the database.

Millions of rows pass through here, so no value becomes a Python datetime: Arrow parses the
databases' text of the stored times and the ISO 8601 times of the JSON fields, and all become
epoch seconds a column at a time (decision 0024). The seconds are the ones
``datetime.timestamp()`` gives: microseconds / 10⁶, correctly rounded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, Select, func, select

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

__all__ = ["CycleRead", "cycle_reads", "has_lines", "on_lines", "read_inputs"]

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


def _epoch(values: pa.Array) -> pa.Array:
    """Epoch seconds of naive UTC times: parsed by Arrow from PostgreSQL's CSV, or SQLite's text
    'YYYY-MM-DD HH:MM:SS.ffffff', which Arrow parses exactly and faster than SQLite's own date
    functions (and than PostgreSQL's ``extract``, a third of the time of reading the lines)."""
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        values = values.cast(pa.timestamp("us"))
    return pc.divide(values.cast(pa.int64()).cast(pa.float64()), 1e6)


def _from_iso(values: pa.Array) -> pa.Array:
    """ISO 8601 times with an offset, as ``domain.snapshot.encode`` writes them."""
    return _epoch(values.cast(pa.string()).cast(pa.timestamp("us", tz="UTC")))


@dataclass(frozen=True, slots=True)
class CycleRead:
    """One input table of the cycle: the statement that selects it and how its columns convert
    (the others are cast to the schema's types; SQLite's JSON answers 1 and 0 for booleans).
    ``read_as`` is the schema of what the statement selects, where it is not the table's."""

    name: str
    statement: Select[Any]
    convert: Mapping[str, Convert]
    read_as: pa.Schema | None = None

    @property
    def schema(self) -> pa.Schema:
        return self.read_as or SCHEMAS[self.name]

    @property
    def sent(self) -> pa.Schema:
        """The types of the columns as PostgreSQL sends them, before they are converted: the
        texts of the JSON fields, and the stored times, which Arrow parses."""
        return pa.schema([(f.name, self._sent_type(f)) for f in self.schema])

    def _sent_type(self, field: pa.Field) -> pa.DataType:
        if field.name not in self.convert:
            return field.type
        return pa.string() if self.convert[field.name] is _from_iso else pa.timestamp("us")


# The cases as read: their order's placing time comes from the window's lines (``on_lines``).
_OPENED_CASES = SCHEMAS["cases"].remove(SCHEMAS["cases"].get_field_index("placed_at"))


def _in_window(window: Window) -> Sequence[Any]:
    return (orders.c.placed_at >= window.start, orders.c.placed_at < window.end)


def _opened_for(window: Window) -> Sequence[Any]:
    """Cases opened when a case on the window's orders can have opened.

    No order is recorded with a placing time beyond the clocks' tolerance of its push, nor a
    case opened on an order before its push (``domain.catalog.check_placed``), so the cases on
    the window's orders all opened in the window or just before it. The databases find these by
    the index on the opening time; the few on older orders are dropped once the window's lines
    are read (``on_lines``), instead of joining every case to its order here: on PostgreSQL
    that join hashed every order line, most of the time of reading the cases and their events
    (docs/benchmarks.md)."""
    since = window.start - CLOCK_TOLERANCE
    return (cases.c.opened_at >= since, cases.c.opened_at < window.end)


def _lines(window: Window) -> CycleRead:
    stmt = (
        select(
            order_lines.c.id,
            orders.c.merchant_id,
            orders.c.consumer_id,
            products.c.category,
            orders.c.placed_at,
        )
        .join(orders, orders.c.id == order_lines.c.order_id)
        .join(products, products.c.id == order_lines.c.product_id)
        .where(*_in_window(window))
    )
    return CycleRead("lines", stmt, {"placed_at": _epoch})


def _cases(window: Window) -> CycleRead:
    snapshot = cases.c.snapshot
    stmt = select(
        cases.c.id,
        cases.c.order_line_id,
        cases.c.merchant_id,
        cases.c.consumer_id,
        cases.c.category,
        cases.c.type,
        cases.c.opened_at,
        cases.c.counts_against_merchant,
        snapshot["first_response_due"].as_string(),
        snapshot["proposal_due"].as_string(),
        snapshot["resolved_at"].as_string(),
    ).where(*_opened_for(window))
    iso = ("first_response_due", "proposal_due", "resolved_at")
    return CycleRead(
        "cases", stmt, {"opened_at": _epoch} | dict.fromkeys(iso, _from_iso), _OPENED_CASES
    )


def _events(window: Window) -> CycleRead:
    """The events of the cases of ``_opened_for``, picked by these cases' ids rather than joined
    to them (as a join, SQLite, which keeps no statistics here, read every event ever stored)."""
    data = case_events.c.data
    stmt = select(
        case_events.c.case_id,
        case_events.c.seq,
        case_events.c.kind,
        case_events.c.at,
        case_events.c.actor_role,
        case_events.c.actor_id,
        data["first_response"].as_boolean(),
        data["reason"].as_string(),
        data["verdict"].as_string(),
        data["score"].as_integer(),
    ).where(
        case_events.c.case_id.in_(select(cases.c.id).where(*_opened_for(window))),
        case_events.c.at < window.end,
        case_events.c.kind.in_(_KINDS),
    )
    return CycleRead("events", stmt, {"at": _epoch})


def _small_tables() -> list[CycleRead]:
    confirmed = recalls.c.state == "confirmed"
    safety = select(safety_reports.c.case_id).join(
        recalls, recalls.c.id == safety_reports.c.recall_id
    )
    recall_rows = select(recalls.c.merchant_id, recall_events.c.at).join(
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


def cycle_reads(window: Window) -> list[CycleRead]:
    """The statements of the tables read from the operational data (all but ``merchants``)."""
    return [
        _lines(window),
        _cases(window),
        _events(window),
        *_small_tables(),
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


def on_lines(tables: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """The cases on the window's lines, with their order's placing time, and their events: the
    cases read are all those opened when one of them could have (``_opened_for``)."""
    lines, opened, events = tables["lines"], tables["cases"], tables["events"]
    at = pc.index_in(opened.column("line_id"), value_set=lines.column("line_id"))
    placed = pc.take(lines.column("placed_at"), pc.drop_null(at))
    found = opened.filter(pc.is_valid(at)).append_column("placed_at", placed)
    found = found.select(SCHEMAS["cases"].names)
    kept = pc.is_in(events.column("case_id"), value_set=found.column("case_id"))
    return tables | {"cases": found, "events": events.filter(kept)}


def read_inputs(conn: Connection, window: Window) -> CycleInputs:
    """Everything the cycle of ``window`` reads, from the operational tables."""
    tables = {
        read.name: read_arrow(conn, read.statement, read.schema, read.convert, read.sent)
        for read in cycle_reads(window)
    }
    return CycleInputs(merchants=_merchants(conn), **on_lines(tables))


def has_lines(conn: Connection, window: Window) -> bool:
    """Whether any order line was placed in the window (if not, there is nothing to score).

    The first one found answers: counting them all cost a tenth of reading the window."""
    stmt = select(order_lines.c.id).join(orders).where(*_in_window(window)).limit(1)
    return conn.execute(stmt).first() is not None
