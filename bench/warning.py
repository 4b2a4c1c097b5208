"""Early-warning benchmark: judge the latest week of 50,000 weekly series with 3 years of history.

Not a test (pytest never collects ``bench/``). Run it from the project root::

    uv run python bench/warning.py                   # 50,000 series, 3 years + 4 weeks
    uv run python bench/warning.py --series 5000     # a smoke run

The series are negative binomial counts with a spread of levels (from one case a month to
hundreds a week), yearly seasonality, trends and overdispersion, a few with outbreaks in the
last weeks. ``--weeks`` defaults to 160: three years of reference data (b = 3, the shortest
history with which the improved Farrington method fits its trend) plus the 7-week window.

It times, after a warm-up on 500 series (imports, first calls):

* ``detect``: the whole run an operator gets — method choice per series, the improved
  Farrington method, the CUSUM, assessments and alerts with explanations;
* ``farrington_flexible`` alone on the same windows.

Goal (issue 6): under 60 s for 50,000 series on this 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import date, timedelta

import numpy as np

from aftersales.warning import (
    FarringtonConfig,
    SeriesKey,
    WeeklyCounts,
    detect,
    farrington_flexible,
)
from aftersales.warning.windows import sliding

FIRST_WEEK = date(2023, 1, 2)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--series", type=int, default=50_000)
    p.add_argument("--weeks", type=int, default=160)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    data = make_data(args.series, args.weeks, args.seed)
    as_of = data.week_start(args.weeks - 1)
    today = as_of + timedelta(days=7)
    detect(make_data(500, args.weeks, args.seed + 1), as_of, today)  # warm-up
    c0, t0 = time.process_time(), time.perf_counter()
    report = detect(data, as_of, today)
    detect_wall, detect_cpu = time.perf_counter() - t0, time.process_time() - c0
    years = (args.weeks - 4) // 52
    cfg = FarringtonConfig(years_back=years)
    windows = sliding(data.counts, np.array([args.weeks - 1]), 52 * years + 4)
    c0, t0 = time.process_time(), time.perf_counter()
    res = farrington_flexible(windows, cfg)
    ff_wall, ff_cpu = time.perf_counter() - t0, time.process_time() - c0
    _print(args, report.alerts, report.reasons(), res.alarm.mean(), detect_wall, detect_cpu,
           ff_wall, ff_cpu)  # fmt: skip


def make_data(series: int, weeks: int, seed: int) -> WeeklyCounts:
    """Weekly NB counts: varied levels, seasons, trends, dispersion; 1 % with a recent outbreak."""
    rng = np.random.default_rng(seed)
    t = np.arange(weeks)
    level = rng.normal(1.0, 1.5, series)[:, None]
    season = rng.uniform(0, 0.8, series)[:, None] * np.cos(
        2 * np.pi * (t[None, :] - rng.uniform(0, 52, series)[:, None]) / 52
    )
    trend = rng.normal(0, 0.002, series)[:, None] * t[None, :]
    mu = np.exp(level + season + trend)
    phi = rng.uniform(1.0, 3.0, series)[:, None]
    counts = rng.negative_binomial(mu / np.maximum(phi - 1, 1e-9), 1 / phi).astype(np.float64)
    hit = rng.random(series) < 0.01
    counts[hit, -2:] += rng.poisson(3 * np.sqrt(phi[hit] * mu[hit, -2:]))
    keys = [SeriesKey(f"category-{i % 40}", f"region-{i % 31}", f"sku-{i}") for i in range(series)]
    return WeeklyCounts(keys, FIRST_WEEK, counts)


def _print(
    args: argparse.Namespace,
    alerts: tuple[object, ...],
    reasons: dict[object, int],
    ff_rate: float,
    detect_wall: float,
    detect_cpu: float,
    ff_wall: float,
    ff_cpu: float,
) -> None:
    print(f"command: uv run python bench/warning.py --series {args.series} --weeks {args.weeks}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}   cpus: {os.cpu_count()}")
    print(f"series: {args.series:,}   weeks of history: {args.weeks}   latest week judged\n")
    print(f"{'':34}{'wall s':>9}{'CPU s':>9}")
    print(f"{'detect (everything)':34}{detect_wall:>9.2f}{detect_cpu:>9.2f}")
    print(f"{'farrington_flexible alone':34}{ff_wall:>9.2f}{ff_cpu:>9.2f}")
    print(f"\nalerts: {len(alerts):,} ({len(alerts) / args.series:.2%} of series); "
          f"Farrington alarms alone: {ff_rate:.2%}")  # fmt: skip
    print("not judged or held back: " + ", ".join(f"{r} {n}" for r, n in reasons.items()))
    print(f"goal < 60 s for 50,000 series: {'MET' if detect_wall < 60 else 'MISSED'}"
          f" ({detect_wall:.1f} s)")  # fmt: skip


if __name__ == "__main__":
    main()
