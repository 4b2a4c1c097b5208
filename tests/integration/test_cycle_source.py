"""The cycle's inputs, read from SQLite and PostgreSQL, hold exactly the instants stored.

The store has the database turn timestamps into epoch microseconds and Arrow parse the ISO
times of the JSON fields (decision 0024); here every such time is compared, to the last bit,
with the stored value read the ordinary way and turned into seconds by ``datetime.timestamp``.
The times carry microseconds, so a lost or rounded fraction would show.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, Select, create_engine, event, select

from aftersales.analytics import Window
from aftersales.domain.clock import ManualClock
from aftersales.domain.snapshot import decode_time
from aftersales.services.context import Context
from aftersales.store.cycle_source import cycle_reads, has_lines, read_inputs
from aftersales.store.db import make_engine
from aftersales.store.tables import case_events, cases, metadata, order_lines, orders
from tests.scoring_support import careful_case, month_of_business, place_orders
from tests.support import Market

PLACED = datetime(2026, 11, 3, 10, 0, 7, 250_001, tzinfo=UTC)
WINDOW = Window(PLACED - timedelta(days=1), PLACED + timedelta(days=30))


def _seconds(value: Any) -> float | None:
    if value is None:
        return None
    return (decode_time(value) if isinstance(value, str) else value).timestamp()


def _stored(conn: Connection) -> dict[str, dict[Any, tuple[Any, ...]]]:
    """The same times, read through SQLAlchemy's types into datetimes."""
    lines = conn.execute(select(order_lines.c.id, orders.c.placed_at).join(orders))
    case_rows = conn.execute(select(cases.c.id, cases.c.opened_at, cases.c.snapshot))
    events = conn.execute(
        select(case_events.c.case_id, case_events.c.seq, case_events.c.at, case_events.c.data)
    )
    due = ("first_response_due", "proposal_due", "resolved_at")
    return {
        "lines": {line: (_seconds(at),) for line, at in lines},
        "cases": {
            case: (_seconds(at), *(_seconds(snap.get(k)) for k in due))
            for case, at, snap in case_rows
        },
        "events": {
            (case, seq): (_seconds(at), data.get("first_response"))
            for case, seq, at, data in events
        },
    }


# SQLite reads a time to the millisecond and rounds: at .9997 its seconds are the next second's.
@pytest.mark.parametrize("micros", [250_001, 999_700], ids=["fraction", "end-of-second"])
def test_every_time_the_cycle_reads_is_the_stored_instant_to_the_microsecond(
    ctx: Context, clock: ManualClock, market: Market, db_url: str, micros: int
) -> None:
    placed = PLACED.replace(microsecond=micros)
    month_of_business(ctx, clock, placed)
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            inputs = read_inputs(conn, Window(placed - timedelta(days=1), WINDOW.end))
            stored = _stored(conn)
    finally:
        engine.dispose()

    lines = inputs.lines.to_pydict()
    read_lines = {k: (t,) for k, t in zip(lines["line_id"], lines["placed_at"], strict=True)}
    assert len(read_lines) == 60  # the month's orders; the market's older ones are outside
    assert read_lines == {k: stored["lines"][k] for k in read_lines}
    c = inputs.cases.to_pydict()
    times = ("opened_at", "first_response_due", "proposal_due", "resolved_at")
    read_cases = {k: tuple(c[t][i] for t in times) for i, k in enumerate(c["case_id"])}
    assert read_cases == {k: stored["cases"][k] for k in read_cases} and len(read_cases) == 8
    assert all(c["placed_at"][i] == stored["lines"][line][0] for i, line in enumerate(c["line_id"]))
    assert any(t is not None for t in c["resolved_at"])
    e = inputs.events.to_pydict()
    read_events = {
        (case, seq): (at, flag)
        for case, seq, at, flag in zip(
            e["case_id"], e["seq"], e["at"], e["first_response"], strict=True
        )
    }
    assert read_events.items() <= stored["events"].items() and read_events
    assert any(flag for _, flag in read_events.values())
    assert all(at % 1 for (at,) in read_lines.values())  # the microseconds came through


def test_the_migration_creates_the_index_on_placing_time_as_the_code_declares_it(
    db_url: str,
) -> None:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
        names = {i["name"] for i in conn.dialect.get_indexes(conn, "orders")}
    engine.dispose()

    assert [d for d in diff if "orders" in repr(d)] == []
    assert "ix_orders_placed_at" in names


# The tables that grow with the marketplace; the cycle must never read one of them whole.
_LARGE = ("orders", "order_lines", "cases", "case_events")


def test_the_cycle_reads_no_large_table_whole_on_sqlite(
    ctx: Context, clock: ManualClock, market: Market, db_url: str
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("SQLite's plans: PostgreSQL plans from the statistics of its own data")
    month_of_business(ctx, clock, PLACED)
    engine = make_engine(db_url)
    statements: list[tuple[str, Any]] = []
    event.listen(
        engine, "before_cursor_execute", lambda *a: statements.append((a[2], a[3])), retval=False
    )
    try:
        with engine.connect() as conn:
            has_lines(conn, WINDOW)
            read_inputs(conn, WINDOW)  # the merchants through SQLAlchemy, the rest on the driver
            reads = cycle_reads(WINDOW)
            statements += [(_sql(r.statement, conn), ()) for r in reads]
        with engine.connect() as conn:
            plans = [
                row[-1]
                for sql, params in statements
                if sql.lstrip().upper().startswith("SELECT")
                for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
            ]
    finally:
        engine.dispose()

    scans = [p for p in plans if p.startswith("SCAN") and p.split()[1] in _LARGE]
    assert len(statements) > len(reads) and scans == []


def _sql(statement: Select[Any], conn: Connection) -> str:
    return str(statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))


def test_a_case_opened_while_the_marketplace_clock_ran_ahead_is_in_its_window(
    ctx: Context, clock: ManualClock, market: Market, db_url: str
) -> None:
    # The order says it was placed 4 minutes from the platform's now (within the tolerance),
    # and its buyer opens a case at once: before the order's own placing time.
    clock.set(PLACED - timedelta(minutes=4))
    line = place_orders(ctx, "m1", PLACED, count=1)[0]
    case_id = careful_case(ctx, clock, line, "u000")  # the buyer of the first order
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            inputs = read_inputs(conn, Window(PLACED, PLACED + timedelta(days=30)))
    finally:
        engine.dispose()

    assert inputs.cases.column("case_id").to_pylist() == [case_id]
    assert case_id in set(inputs.events.column("case_id").to_pylist())
