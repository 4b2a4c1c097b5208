"""``warn run`` benchmark: judge the last week of every series of a database of 3 years of cases.

Not a test (pytest never collects ``bench/``). Run it from the project root::

    uv run python bench/warning_run.py                       # 200,000 cases, SQLite in a temp dir
    uv run python bench/warning_run.py --cases 20000         # a smoke run
    uv run python bench/warning_run.py --db postgresql+psycopg://postgres@127.0.0.1:5432/bench

It builds the database first (bulk inserts, not timed; a PostgreSQL database given with ``--db``
must exist and be empty): 20 merchants, 400 products in 10 categories, 8 regions, 3 years of
sales per product and region (a month's every 4 weeks), and ``--cases`` cases with a yearly
season per category, each on an order line of its own, a few series with an outbreak in the last
week. Then it times the use case the schedule and the CLI call, ``run_warning`` (reading the
rows, counting in DuckDB, detecting, storing the alerts), after one warm-up run on another week,
and prints the phases: reading, counting, the whole run, and a second run of the same week
(nothing new to store).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, insert

from aftersales.bootstrap import bootstrap
from aftersales.config import Settings
from aftersales.domain.clock import ManualClock
from aftersales.services.warning_run import run_warning, utc_start
from aftersales.store.case_counts import count_series
from aftersales.store.db import make_engine
from aftersales.store.migrate import upgrade
from aftersales.store.tables import (
    cases,
    consumers,
    merchants,
    order_lines,
    orders,
    products,
    stores,
)

REGIONS = ("CN-BJ", "CN-SH", "CN-GD", "CN-ZJ", "CN-SC", "CN-HB", "CN-LN", "CN-SD")
CATEGORIES = (
    "digital/phone",
    "digital/computer",
    "appliance/heater",
    "appliance/kitchen",
    "apparel/knitwear",
    "apparel/shoes",
    "home/furniture",
    "home/textile",
    "food/packaged",
    "personal_care",
)
AS_OF = date(2026, 11, 2)  # a Monday: the week of 2026-10-26 is judged
WEEKS = 156
BATCH = 20_000


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--cases", type=int, default=200_000)
    p.add_argument("--products", type=int, default=400)
    p.add_argument("--db", default=None, help="database URL (default: SQLite in a temp dir)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="warning-run-"))
    url = args.db or f"sqlite:///{folder / 'bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
    t0 = time.perf_counter()
    counts = build(engine, args.cases, args.products, np.random.default_rng(args.seed))
    print(f"built {url.split('@')[-1]}: {counts} in {time.perf_counter() - t0:.1f} s")
    engine.dispose()
    try:
        measure(url, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def measure(url: str, folder: Path) -> None:
    clock = ManualClock(datetime(2026, 11, 2, 9, tzinfo=UTC))
    ctx = bootstrap(Settings(env="test", data_dir=folder, database_url=url), clock=clock)
    run_warning(ctx, AS_OF - timedelta(weeks=1))  # warm-up: imports, first calls
    first = AS_OF - timedelta(weeks=WEEKS + 1)
    end = utc_start(AS_OF - timedelta(days=AS_OF.weekday()))
    with Timer() as read, ctx.uow(read_only=True) as uow:
        case_rows = uow.case_feed.cases(utc_start(first), end)
        sale_rows = uow.case_feed.sales(utc_start(first), end)
        product_rows = uow.case_feed.products()
    with Timer() as counting:
        first_day = (first - date(1970, 1, 1)).days
        totals = count_series(
            case_rows, sale_rows, product_rows, first_day=first_day, periods=WEEKS + 1
        )
    with Timer() as whole:
        run = run_warning(ctx, AS_OF)
    with Timer() as rerun:
        again = run_warning(ctx, AS_OF)
    ctx.close()
    n_cases, n_units = int(case_rows["cases"].sum()), int(sale_rows["quantity"].sum())
    sums = case_rows["day"].size + sale_rows["day"].size
    print(f"read {n_cases:,} cases, {n_units:,} units sold ({sums:,} daily sums): {read}")
    print(f"counted {len(totals.keys):,} series x {WEEKS + 1} weeks in DuckDB: {counting}")
    reasons = ", ".join(f"{r.value} {n}" for r, n in sorted(run.reasons.items()))
    print(f"warn run: {whole}")
    print(
        f"  {run.series:,} series, {run.judged:,} judged, {len(run.alerts)} alerts "
        f"({run.new} new); not judged or held back: {reasons}"
    )
    print(f"second run of the same week: {rerun}; {again.new} new, {len(again.alerts)} alerts")
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average {load} on {os.cpu_count()} cpus")


class Timer:
    """Wall and CPU seconds of a block."""

    def __enter__(self) -> Timer:
        self.cpu, self.wall = time.process_time(), time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cpu, self.wall = time.process_time() - self.cpu, time.perf_counter() - self.wall

    def __str__(self) -> str:
        return f"{self.wall:.2f} s wall, {self.cpu:.2f} s CPU"


def build(engine: Engine, n_cases: int, n_products: int, rng: np.random.Generator) -> str:
    """Fill the database; returns what it holds."""
    first = AS_OF - timedelta(days=AS_OF.weekday()) - timedelta(weeks=WEEKS)
    with engine.begin() as conn:
        now = datetime(2023, 1, 1, tzinfo=UTC)
        conn.execute(insert(merchants), [_merchant(m, now) for m in range(20)])
        conn.execute(insert(stores), [_store(m) for m in range(20)])
        conn.execute(insert(consumers), [{"id": "u0", "display_name": "bench", "region": "CN-BJ"}])
        conn.execute(insert(products), [_product(i) for i in range(n_products)])
    rate = _rates(n_cases, n_products, rng)  # (products, regions, weeks) expected cases
    lines = 0
    for chunk in _chunks(_rows(rate, first, rng)):
        with engine.begin() as conn:
            conn.execute(insert(orders), [r[0] for r in chunk])
            conn.execute(insert(order_lines), [r[1] for r in chunk])
            conn.execute(insert(cases), [r[2] for r in chunk if r[2] is not None])
        lines += len(chunk)
    return f"{n_products} products, {len(REGIONS)} regions, {lines:,} order lines"


def _rates(n_cases: int, n_products: int, rng: np.random.Generator) -> Any:
    """Expected cases per product, region and week: product levels spread log-normally, a
    yearly season per category, a slight trend; the total is about ``n_cases``."""
    level = rng.lognormal(0.0, 1.0, size=(n_products, len(REGIONS)))
    t = np.arange(WEEKS + 1)
    phase = np.array([(i % len(CATEGORIES)) * 0.6 for i in range(n_products)])
    season = np.exp(0.5 * np.cos(2 * np.pi * t[None, :] / 52 - phase[:, None]))
    shape = level[:, :, None] * season[:, None, :] * (1 + 0.002 * t)[None, None, :]
    rate = shape * n_cases / shape.sum()
    hot = rng.choice(n_products * len(REGIONS), size=12, replace=False)  # outbreaks, last week
    rate.reshape(-1, WEEKS + 1)[hot, -1] *= 4
    return rate


def _rows(rate: Any, first: date, rng: np.random.Generator) -> Iterator[tuple[Any, ...]]:
    """(order, line, case or None) rows: a month's sales every 4 weeks, and an order and a case
    for every case (its buyer's one unit)."""
    n_products = rate.shape[0]
    counts = rng.poisson(rate)
    serial = 0
    for w in range(rate.shape[2]):
        monday = datetime.combine(first + timedelta(weeks=w), datetime.min.time(), UTC)
        for p in range(n_products):
            for r, region in enumerate(REGIONS):
                if w % 4 == 0:
                    serial += 1
                    at = monday + timedelta(hours=int(rng.integers(0, 160)))
                    units = max(1, round(80 * rate[p, r, w]))
                    yield (*_order(serial, p, region, at, units), None)
                for _ in range(counts[p, r, w]):
                    serial += 1
                    opened = monday + timedelta(minutes=int(rng.integers(0, 7 * 24 * 60)))
                    order, line = _order(serial, p, region, opened - timedelta(days=3), 1)
                    yield order, line, _case(serial, p, region, opened)


def _chunks(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _merchant(m: int, now: datetime) -> dict[str, Any]:
    return {"id": f"m{m}", "name": f"Merchant {m}", "created_at": now}


def _store(m: int) -> dict[str, Any]:
    return {
        "id": f"s{m}",
        "merchant_id": f"m{m}",
        "kind": "online",
        "name": "shop",
        "region": "CN-BJ",
    }


def _product(i: int) -> dict[str, Any]:
    return {
        "id": f"p{i}",
        "merchant_id": f"m{i % 20}",
        "category": CATEGORIES[i % len(CATEGORIES)],
        "name": f"Product {i}",
        "attributes": {},
    }


def _order(n: int, p: int, region: str, at: datetime, units: int) -> tuple[dict[str, Any], ...]:
    order = {
        "id": f"o{n}",
        "merchant_id": f"m{p % 20}",
        "consumer_id": "u0",
        "store_id": f"s{p % 20}",
        "channel": "online",
        "region": region,
        "placed_at": at,
        "received_at": at,
    }
    line = {"id": f"l{n}", "order_id": f"o{n}", "product_id": f"p{p}", "unit_price": 9900}
    return order, line | {"quantity": units}


def _case(n: int, p: int, region: str, at: datetime) -> dict[str, Any]:
    return {
        "id": f"cs{n}",
        "order_line_id": f"l{n}",
        "consumer_id": "u0",
        "merchant_id": f"m{p % 20}",
        "type": "repair",
        "state": "closed",
        "is_active": False,
        "category": CATEGORIES[p % len(CATEGORIES)],
        "channel": "online",
        "region": region,
        "opened_at": at,
        "updated_at": at,
        "version": 1,
        "snapshot": {},
        "queue": "technical_support",
    }


if __name__ == "__main__":
    main()
