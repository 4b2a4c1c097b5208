"""Triage benchmark: classifications per second on one core and the latency of each text.

Not a test (pytest never collects ``bench/``). Run it from the project root::

    uv run python bench/triage.py            # the full run (about a minute)
    uv run python bench/triage.py --quick    # a smoke run

What it does:

1. Pins the process to one CPU and numpy's BLAS to one thread, so the figure is per core.
2. Builds a mix of complaint texts: every text of the repository's corpus (Chinese, English and
   mixed, with their categories) and, when ``../shared/data`` is there, as many real Chinese
   reviews (shopping and takeaway, up to 1,500 characters), shuffled with a fixed seed.
3. Loads the shipped model and classifies the whole mix once to warm up.
4. Repeats ``--reps`` times: classifies every text of the mix, timing each call; a repetition's
   throughput is texts divided by the total time, its latencies are the per-call times.

Every figure printed is the median over the repetitions. Each call is timed twice: by the wall
clock (what a caller waits) and by the thread's CPU clock (what the code costs). On a machine
whose other processes keep the core busy, the scheduler's time slices (a few milliseconds) land
in the wall-clock tail; the CPU figures show the code's own cost, and the load printed with them
tells the two situations apart.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aftersales.triage import Triager

ROOT = Path(__file__).resolve().parents[1]
GOAL_RATE = 1_000
GOAL_P99_MS = 5.0


def pin_to_one_core() -> None:
    """One CPU and one BLAS thread; called before numpy is imported, so its threads obey."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def mix(quick: bool, seed: int) -> list[tuple[str, str | None]]:
    """The texts to classify, with their categories, in a fixed shuffled order."""
    from aftersales.triage import load_corpus
    from aftersales.triage.reviews import read_reviews

    texts = [(e.text, e.category) for e in load_corpus(ROOT / "corpus" / "triage")]
    data = ROOT.parent / "shared" / "data"
    reviews = (r for r in read_reviews(data) if r.text and len(r.text) <= 1500)
    texts += [(r.text, r.category) for r in islice(reviews, 0, None, 20)][: len(texts)]
    random.Random(seed).shuffle(texts)
    return texts[:500] if quick else texts


def run(
    triager: Triager, texts: list[tuple[str, str | None]]
) -> tuple[float, float, list[float], list[float]]:
    """Texts per second (wall, CPU) and per-call seconds (wall, CPU)."""
    wall, cpu = [], []
    clock, cpu_clock = time.perf_counter, time.thread_time
    start, cpu_start = clock(), cpu_clock()
    for text, category in texts:
        t0, c0 = clock(), cpu_clock()
        triager.classify(text, category)
        cpu.append(cpu_clock() - c0)
        wall.append(clock() - t0)
    n = len(texts)
    return n / (clock() - start), n / (cpu_clock() - cpu_start), wall, cpu


def worst_case(triager: Triager, texts: list[tuple[str, str | None]]) -> float:
    """Median milliseconds for a 1 MB paste of complaints, read up to the length cap."""
    paste = "".join(t for t, _ in texts)
    paste = (paste * (1_000_000 // max(1, len(paste)) + 1))[:1_000_000]
    times = []
    for _ in range(21):
        t0 = time.perf_counter()
        triager.classify(paste, None)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="500 texts, 2 repetitions")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    reps = 2 if args.quick else args.reps
    pin_to_one_core()
    from aftersales.triage import default_triager

    texts = mix(args.quick, args.seed)
    triager = default_triager()
    run(triager, texts)  # warm-up: caches, lazily compiled patterns, page faults
    load_before = os.getloadavg()[0]
    rates, cpu_rates, p50s, p99s, maxes, cpu_p99s = [], [], [], [], [], []
    for _ in range(reps):
        rate, cpu_rate, wall, cpu = run(triager, texts)
        rates.append(rate)
        cpu_rates.append(cpu_rate)
        p50s.append(percentile(wall, 0.50) * 1e3)
        p99s.append(percentile(wall, 0.99) * 1e3)
        maxes.append(max(wall) * 1e3)
        cpu_p99s.append(percentile(cpu, 0.99) * 1e3)
    chars = statistics.median(len(t) for t, _ in texts)
    zh_share = sum(any("\u4e00" <= c <= "\u9fff" for c in t) for t, _ in texts) / len(texts)
    print(f"command: uv run python bench/triage.py{' --quick' if args.quick else ''}")
    print(
        f"date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC   python: {platform.python_version()}   "
        f"cpu: {platform.processor() or platform.machine()} (pinned to one core)"
    )
    print(
        f"model: {triager.model.info.model_version}   texts: {len(texts)} "
        f"(median {chars:.0f} characters, {zh_share:.0%} with Chinese)   repetitions: {reps}"
    )
    print(
        f"load average (1 min) of the machine: {load_before:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after, on {os.cpu_count()} CPUs"
    )
    rate = statistics.median(rates)
    p99 = statistics.median(p99s)
    print(
        f"classifications/s (one core): {rate:,.0f} wall clock, "
        f"{statistics.median(cpu_rates):,.0f} CPU time   goal >= {GOAL_RATE:,}"
    )
    print(
        f"latency per text (wall clock): p50 {statistics.median(p50s):.3f} ms   p99 {p99:.3f} ms   "
        f"max {statistics.median(maxes):.3f} ms   goal p99 < {GOAL_P99_MS} ms"
    )
    print(f"latency per text (CPU time): p99 {statistics.median(cpu_p99s):.3f} ms")
    print(f"a 1 MB paste (read up to the length cap): {worst_case(triager, texts):.2f} ms")
    met = rate >= GOAL_RATE and p99 < GOAL_P99_MS
    print("goals met" if met else "GOALS NOT MET")
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
