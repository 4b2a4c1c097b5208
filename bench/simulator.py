"""Simulator benchmark: how fast the marketplace simulator drives the platform.

Not a test (pytest never collects ``bench/``). Run it from the project root::

    uv run python bench/simulator.py                     # orders pushed one by one vs in bulk,
                                                         # then a 60-day run (a few minutes)
    uv run python bench/simulator.py --quick             # 10 days, fewer orders (under a minute)
    uv run python bench/simulator.py --days 365 --orders-per-day 2740 --merchants 400 \\
        --consumers 100000 --skip-push                   # the one-million-order run

What it does:

1. **Pushing orders** (unless ``--skip-push``): on a fresh SQLite database with a small
   market, records ``--push`` orders through ``catalog.push_order`` one at a time, then as many
   through ``order_batches.push_orders`` in chunks of 2,000, and prints orders/s for both. The
   simulator uses the bulk path; it exists because the first is too slow for a million orders.
2. **A simulation** for a fresh SQLite file (``services.simulate.run_simulation``, the use
   case behind ``aftersales simulate``), run as the command runs it: in memory, written to the
   file at the end and at a month's end once the last writing is five minutes old
   (``cli.sim_database``; ``--on-disk`` writes to the file as it goes, as ``simulate --on-disk``
   does), and prints how long the final writing took. Prints the wall time, orders/s, cases/s
   (cases opened and carried through their lives), case moves/s, and the CPU the machine's
   other processes used meanwhile (the machine is shared: read the figures as lower bounds when
   it is high).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from aftersales.bootstrap import bootstrap
from aftersales.cli.sim_database import SimulationDatabase
from aftersales.config import Settings
from aftersales.domain.actors import Actor, Role
from aftersales.domain.catalog import Channel, Order, OrderLine
from aftersales.domain.clock import ManualClock
from aftersales.services import catalog
from aftersales.services.context import Context
from aftersales.services.order_batches import push_orders
from aftersales.services.simulate import run_simulation
from aftersales.simulation import SimulationParams, day_start

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.support import START, build_market

INTEGRATION = Actor(Role.INTEGRATION)


def _context(folder: Path, clock: ManualClock) -> Context:
    url = f"sqlite:///{folder / 'bench.db'}"
    return bootstrap(Settings(env="test", data_dir=folder, database_url=url), clock=clock)


def _orders(n: int, prefix: str) -> list[Order]:
    placed = START - timedelta(days=3)
    return [
        Order(
            f"{prefix}{i}",
            "m1",
            "c1",
            "s1",
            Channel.ONLINE,
            "CN-BJ",
            placed,
            (OrderLine(f"{prefix}{i}-1", f"{prefix}{i}", "p1", 29900, 1, "b1"),),
        )
        for i in range(n)
    ]


def bench_push(n: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        ctx = _context(Path(folder), ManualClock(START))
        build_market(ctx)
        single = _orders(n, "one-")
        started = time.perf_counter()
        for order in single:
            catalog.push_order(ctx, INTEGRATION, order)
        one = n / (time.perf_counter() - started)
        bulk = _orders(n, "bulk-")
        started = time.perf_counter()
        report = push_orders(ctx, INTEGRATION, bulk)
        many = n / (time.perf_counter() - started)
        assert len(report.added) == n, report.refused
        ctx.close()
    print(f"push {n:,} orders: one by one {one:,.0f}/s, in bulk {many:,.0f}/s ({many / one:.0f}x)")


def _cpu_of_others() -> float:
    """CPU seconds the whole machine spent, minus this process's (from /proc)."""
    with open("/proc/stat", encoding="ascii") as f:
        fields = [int(x) for x in f.readline().split()[1:8]]
    busy = (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")
    mine = time.process_time()
    return busy - mine


def bench_run(args: argparse.Namespace) -> None:
    start = date.fromisoformat(args.start)
    end = day_start(start + timedelta(days=args.days))
    params = SimulationParams(
        args.seed, args.merchants, args.consumers, args.orders_per_day, start, end
    )
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "bench.db"
        settings = Settings(env="test", data_dir=Path(folder), database_url=f"sqlite:///{file}")
        others, wall = _cpu_of_others(), time.perf_counter()
        # As `aftersales simulate` runs: in memory, written to the file month by month.
        orders = params.orders_per_day * params.days
        db = SimulationDatabase(settings, day_start(start), on_disk=args.on_disk, orders=orders)
        result = run_simulation(db.ctx, params, db.after_each_day(_progress(args.days)))
        writing = time.perf_counter()
        db.write()
        wall, others = time.perf_counter() - wall, _cpu_of_others() - others
        writing = time.perf_counter() - writing
        db.close()
    sim = result.summary["simulation"]
    moves = sum(sim["moves"].values())
    print(
        f"simulation of {args.days} days: {wall:,.0f} s wall; {sim['orders']:,} orders"
        f" ({sim['orders'] / wall:,.0f}/s), {sim['cases_opened']:,} cases"
        f" ({sim['cases_opened'] / wall:,.1f}/s), {moves:,} case moves ({moves / wall:,.0f}/s);"
        f" other processes used {others / wall:.2f} of the machine's cores meanwhile"
    )
    if not args.on_disk:
        print(f"  of which writing the finished run to its file: {writing:.1f} s")


def _progress(days: int) -> object:
    step = max(1, days // 10)

    def report(day: object) -> None:
        index = getattr(day, "index", 0)
        if index % step == 0 or index == days - 1:
            print(f"  day {index + 1}/{days}: {getattr(day, 'orders', 0):,} orders", flush=True)

    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--push", type=int, default=5000, help="orders for the push comparison")
    parser.add_argument("--skip-push", action="store_true")
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--orders-per-day", type=int, default=1000)
    parser.add_argument("--merchants", type=int, default=100)
    parser.add_argument("--consumers", type=int, default=20000)
    parser.add_argument("--start", default="2026-09-01")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--on-disk", action="store_true", help="as `simulate --on-disk`")
    args = parser.parse_args()
    if args.quick:
        args.days, args.orders_per_day, args.push = 10, 300, 1000
    print(f"{platform.python_version()} on {os.cpu_count()} cores, {platform.platform()}")
    if not args.skip_push:
        bench_push(args.push)
    bench_run(args)


if __name__ == "__main__":
    main()
