"""Assessment-cycle benchmark: 10 million orders, 1 million cases, 50,000 merchants.

Not a test (pytest never collects ``bench/``). Run it from the project root::

    uv run python bench/cycle.py            # full size (a few minutes, most of it pandas)
    uv run python bench/cycle.py --small    # 1/20 of it, a quick check (about half a minute)

What it does:

1. Generates the marketplace with NumPy (``aftersales.analytics.synthetic``: order lines, cases,
   their events, recalls, appeals; lognormal merchant volumes, brushing buyers) and writes each
   input table of the cycle to a Parquet file in a temporary directory. One order has one line.
2. **DuckDB**: the cycle's Ibis expressions (``aftersales.analytics.query``) over those files,
   into per-merchant-category counts (``aggregate``), then the scorer's windows and the scoring
   itself (``score_cycle``): the whole cycle but storing the scorecards.
3. **pandas**: the same aggregation written plainly in pandas
   (``aftersales.analytics.reference``), from the same files. Both must give identical windows.
4. Prints the times, the ratio of the two aggregations, and checks the goals: the DuckDB cycle in
   at most 60 s, the aggregation at least 10x faster than pandas.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from aftersales.analytics import CycleInputs, Limits, Window, aggregate, build_windows
from aftersales.analytics.engines import duckdb_files
from aftersales.analytics.reference import aggregate_pandas
from aftersales.analytics.synthetic import Shape, generate
from aftersales.scoring import score_cycle

GOAL_CYCLE_SECONDS = 60.0
GOAL_RATIO = 10.0
END = datetime(2026, 12, 1, tzinfo=UTC)
WINDOW = Window(END - timedelta(days=90), END)
FULL = Shape(merchants=50_000, lines=10_000_000, cases=1_000_000, consumers=2_000_000, appeals=500)
SMALL = Shape(merchants=2_500, lines=500_000, cases=50_000, consumers=100_000, appeals=25)


def _write(inputs: CycleInputs, directory: Path) -> dict[str, str]:
    paths = {}
    for name, table in inputs.tables().items():
        path = directory / f"{name}.parquet"
        pq.write_table(table, path)
        paths[name] = str(path)
    return paths


def _read(paths: dict[str, str]) -> CycleInputs:
    return CycleInputs(**{name: pq.read_table(path) for name, path in paths.items()})


def _timed(label: str, start: float) -> float:
    took = time.perf_counter() - start
    print(f"  {label:<38} {took:8.2f} s", flush=True)
    return took


def run(shape: Shape, goals: bool) -> int:
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}")
    print(f"{shape.lines:,} orders, {shape.cases:,} cases, {shape.merchants:,} merchants")
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        paths = _write(generate(shape, WINDOW), Path(tmp))
        _timed("generate and write Parquet", start)
        limits = Limits()

        print("DuckDB (Ibis expressions):")
        start = time.perf_counter()
        with duckdb_files(paths) as engine:
            duck = aggregate(engine, WINDOW, limits)
        duck_agg = _timed("aggregate", start)
        step = time.perf_counter()
        windows = build_windows(duck)
        _timed("windows for the scorer", step)
        step = time.perf_counter()
        cards = score_cycle(windows).cards
        _timed("score (aftersales.scoring)", step)
        cycle = _timed("whole cycle", start)

        print("pandas (the same aggregation, plainly):")
        start = time.perf_counter()
        panda = aggregate_pandas(_read(paths), WINDOW, limits)
        panda_agg = _timed("read and aggregate", start)
        same = build_windows(panda) == windows

    tiers = Counter(str(c.tier) for c in cards)
    print(f"tiers: {dict(sorted(tiers.items()))}")
    ratio = panda_agg / duck_agg
    print(f"aggregation: DuckDB {duck_agg:.2f} s, pandas {panda_agg:.2f} s, ratio {ratio:.1f}x")
    print(f"identical windows from both: {same}")
    if not goals:  # at 1/20 the size, fixed costs (compiling the queries) dominate DuckDB's time
        print("goals apply to the full size only")
        return 0 if same else 1
    ok = cycle <= GOAL_CYCLE_SECONDS and ratio >= GOAL_RATIO and same
    print(
        f"goals: cycle <= {GOAL_CYCLE_SECONDS:.0f} s ({cycle:.1f} s), "
        f"ratio >= {GOAL_RATIO:.0f}x ({ratio:.1f}x): {'met' if ok else 'NOT met'}"
    )
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="1/20 of the full size")
    args = parser.parse_args()
    pa.set_cpu_count(os.cpu_count() or 1)
    sys.exit(run(SMALL if args.small else FULL, goals=not args.small))


if __name__ == "__main__":
    main()
