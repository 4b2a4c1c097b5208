"""Assessment-cycle benchmark: 10 million orders, 1 million cases, 50,000 merchants.

Not a test (pytest never collects ``bench/``). Run it from the project root::

    uv run python bench/cycle.py            # full size, each step 3 times (about 4 minutes)
    uv run python bench/cycle.py --small    # 1/20 of it, a quick check (about half a minute)
    uv run python bench/cycle.py --repeat 1 # each step once

What it does:

1. Generates the marketplace with NumPy (``aftersales.analytics.synthetic``: order lines, cases,
   their events, recalls, appeals; lognormal merchant volumes, brushing buyers) and writes each
   input table of the cycle to a Parquet file in a temporary directory. One order has one line.
2. **DuckDB**: the cycle's Ibis expressions (``aftersales.analytics.query``) over those files,
   into per-merchant-category counts (``aggregate``), then the scorer's windows and the scoring
   itself (``score_cycle``): the whole cycle but storing the scorecards.
3. **pandas**: the same aggregation written plainly in pandas
   (``aftersales.analytics.reference``), from the same files, then the *same* windows and
   scoring code as step 2 (the scorer is shared: it is array code over all merchants, with no
   engine of its own). Both must give identical windows. Every step of both runs with the
   cycle collector held back, as the cycle job runs them (``services.collector``).
4. Prints the times (each step run ``--repeat`` times, 3 by default: the median, and the
   fastest and slowest run) with the load average beside each (the machine may be shared), two
   ratios honestly labelled (the aggregation alone, and the whole cycle with the shared scoring
   on both sides), and checks the goals: the DuckDB cycle in at most 60 s, at least 10x faster
   than pandas.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from aftersales.analytics import CycleInputs, Limits, Window, aggregate, build_windows
from aftersales.analytics.engines import duckdb_files
from aftersales.analytics.reference import aggregate_pandas
from aftersales.analytics.synthetic import Shape, generate
from aftersales.scoring import CycleScores, MerchantWindow, score_cycle
from aftersales.services.collector import fewer_collections

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


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:4.1f} (5 min {five:4.1f})"


@dataclass
class _Path:
    """The steps of one way through the cycle, timed."""

    name: str
    steps: dict[str, float] = field(default_factory=dict)

    repeat: int = 1

    def step(self, label: str, work: Callable[[], Any]) -> Any:
        """Run ``work`` ``repeat`` times; the step's time is the median run's."""
        walls, cpus, result = [], [], None
        for _ in range(self.repeat):
            start, cpu = time.perf_counter(), time.process_time()
            with fewer_collections():  # as the cycle job runs
                result = work()
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
        took = self.steps[label] = statistics.median(walls)
        spread = f", runs {min(walls):.2f} to {max(walls):.2f} s" if self.repeat > 1 else ""
        used = statistics.median(cpus)
        print(f"  {label:<34} {took:7.2f} s  (cpu {used:6.2f} s{spread}, {_load()})", flush=True)
        return result

    @property
    def total(self) -> float:
        return sum(self.steps.values())


def _duckdb(
    paths: dict[str, str], limits: Limits, repeat: int
) -> tuple[_Path, list[MerchantWindow], CycleScores]:
    print("DuckDB (Ibis expressions):")
    run = _Path("duckdb", repeat=repeat)

    def query() -> Any:
        with duckdb_files(paths) as engine:
            return aggregate(engine, WINDOW, limits)

    results = run.step("aggregate (read Parquet, query)", query)
    windows = run.step("windows for the scorer", lambda: build_windows(results))
    scores = run.step("score (aftersales.scoring)", lambda: score_cycle(windows))
    print(f"  {'whole cycle':<34} {run.total:7.2f} s")
    return run, windows, scores


def _pandas(
    paths: dict[str, str], limits: Limits, repeat: int
) -> tuple[_Path, list[MerchantWindow]]:
    print("pandas (the same aggregation, plainly; then the shared windows and scorer):")
    run = _Path("pandas", repeat=repeat)
    results = run.step("read and aggregate", lambda: aggregate_pandas(_read(paths), WINDOW, limits))
    windows = run.step("windows for the scorer (shared)", lambda: build_windows(results))
    run.step("score (shared: the same scorer)", lambda: score_cycle(windows))
    print(f"  {'whole cycle':<34} {run.total:7.2f} s")
    return run, windows


def _report(duck: _Path, panda: _Path, same: bool, goals: bool) -> int:
    query = panda.steps["read and aggregate"] / duck.steps["aggregate (read Parquet, query)"]
    whole = panda.total / duck.total
    print(f"aggregation only (the engine's part): pandas / DuckDB = {query:.1f}x")
    print(f"whole cycle (scoring shared by both):  pandas / DuckDB = {whole:.1f}x")
    print(f"identical windows from both: {same}")
    if not goals:  # at 1/20 the size, fixed costs (compiling the queries) dominate DuckDB's time
        print("goals apply to the full size only")
        return 0 if same else 1
    fast = duck.total <= GOAL_CYCLE_SECONDS
    checks = {
        f"cycle <= {GOAL_CYCLE_SECONDS:.0f} s ({duck.total:.1f} s)": fast,
        f"aggregation ratio >= {GOAL_RATIO:.0f}x ({query:.1f}x)": query >= GOAL_RATIO,
        f"whole-cycle ratio >= {GOAL_RATIO:.0f}x ({whole:.1f}x)": whole >= GOAL_RATIO,
    }
    for check, met in checks.items():
        print(f"goal: {check}: {'met' if met else 'NOT met'}")
    return 0 if all(checks.values()) and same else 1


def run(shape: Shape, goals: bool, repeat: int) -> int:
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}")
    print(
        f"{shape.lines:,} orders, {shape.cases:,} cases, {shape.merchants:,} merchants; {_load()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        paths = _write(generate(shape, WINDOW), Path(tmp))
        print(f"  {'generate and write Parquet':<34} {time.perf_counter() - start:7.2f} s")
        limits = Limits()
        duck, windows, scores = _duckdb(paths, limits, repeat)
        panda, panda_windows = _pandas(paths, limits, repeat)
    tiers = Counter(str(c.tier) for c in scores.cards)
    print(f"tiers: {dict(sorted(tiers.items()))}")
    return _report(duck, panda, panda_windows == windows, goals)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="1/20 of the full size")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each step; its median is reported"
    )
    args = parser.parse_args()
    pa.set_cpu_count(os.cpu_count() or 1)
    sys.exit(run(SMALL if args.small else FULL, goals=not args.small, repeat=max(1, args.repeat)))


if __name__ == "__main__":
    main()
