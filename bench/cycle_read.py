"""How fast an assessment cycle reads its inputs from the operational database.

Not a test (pytest never collects ``bench/``). Run it from the project root on a database that
holds a marketplace, for instance one the simulator made::

    uv run aftersales simulate --db sqlite:///var/bench/sim.db --days 120 --orders-per-day 2740 \\
        --merchants 400 --consumers 100000 --start 2025-11-01 --no-progress
    uv run python bench/cycle_read.py --db sqlite:///var/bench/sim.db --end 2026-03-01

It reads the 90-day window that ends at ``--end`` two ways, alternately, ``--repeat`` times
each: the store's reader (``store/cycle_source.read_inputs``: the statements on the driver's
cursor on SQLite, as the CSV of ``COPY`` on PostgreSQL; decisions 0029 and 0034) and the same
statements through ``Connection.execute``, SQLAlchemy's rows
turned into Arrow columns (how the store read before, with today's SQL). It prints both medians
with their CPU time, the ratio, and whether both gave the same tables.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as time_of_day
from typing import Any

import pyarrow as pa
from sqlalchemy import Connection, Engine

from aftersales.analytics import Window
from aftersales.store.arrow_reads import to_table
from aftersales.store.cycle_source import cycle_reads, on_lines, read_inputs
from aftersales.store.db import make_engine


def _by_rows(conn: Connection, window: Window) -> dict[str, pa.Table]:
    """The same statements through ``Connection.execute``: every row a SQLAlchemy ``Row``."""
    tables = {}
    for read in cycle_reads(window):
        schema = read.schema
        rows = conn.execute(read.statement).all()
        if not rows:
            tables[read.name] = schema.empty_table()
            continue
        columns = [pa.array(column) for column in zip(*rows, strict=True)]
        tables[read.name] = to_table(columns, schema, read.convert)
    return on_lines(tables)


def _by_store(conn: Connection, window: Window) -> dict[str, pa.Table]:
    tables: dict[str, pa.Table] = read_inputs(conn, window).tables()
    return {read.name: tables[read.name] for read in cycle_reads(window)}


def _sorted(table: pa.Table) -> pa.Table:
    return table.sort_by([(c, "ascending") for c in table.column_names])


def _time(engine: Engine, read: Callable[[Connection, Window], Any], window: Window) -> Any:
    with engine.connect() as conn:
        start, cpu = time.perf_counter(), time.process_time()
        result = read(conn, window)
        return time.perf_counter() - start, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True, help="database URL")
    parser.add_argument(
        "--end", required=True, type=date.fromisoformat, help="the window's end, YYYY-MM-DD (UTC)"
    )
    parser.add_argument("--days", type=int, default=90, help="the window's length")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    end = datetime.combine(args.end, time_of_day.min, tzinfo=UTC)
    window = Window(end - timedelta(days=args.days), end)
    engine = make_engine(args.db)
    ways = {"driver cursor (the store)": _by_store, "Connection.execute rows": _by_rows}
    runs: dict[str, list[tuple[float, float]]] = {name: [] for name in ways}
    results = {}
    for _ in range(args.repeat):
        for name, read in ways.items():
            wall, cpu, results[name] = _time(engine, read, window)
            runs[name].append((wall, cpu))
    engine.dispose()
    one, five, _ = os.getloadavg()
    tables = results["driver cursor (the store)"]
    sizes = ", ".join(f"{t.num_rows:,} {name}" for name, t in tables.items())
    print(f"window {window.start:%Y-%m-%d} to {window.end:%Y-%m-%d} on {engine.dialect.name}:")
    print(f"  {sizes}; load {one:.1f} (5 min {five:.1f})")
    medians = {}
    for name, timed in runs.items():
        wall = medians[name] = statistics.median(w for w, _ in timed)
        cpu = statistics.median(c for _, c in timed)
        spread = f"{min(w for w, _ in timed):.2f} to {max(w for w, _ in timed):.2f}"
        print(f"  {name:<28} {wall:6.3f} s (cpu {cpu:.3f} s; runs {spread} s)")
    ratio = medians["Connection.execute rows"] / medians["driver cursor (the store)"]
    other = results["Connection.execute rows"]
    same = all(_sorted(t).equals(_sorted(other[name])) for name, t in tables.items())
    print(f"  ratio {ratio:.2f}x; same tables: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
