"""Our improved Farrington method against R's ``surveillance::farringtonFlexible``, side by side.

Not a test (pytest never collects ``bench/``). Run it from the project root::

    uv run python bench/warning_vs_r.py                 # 42 scenarios x k 1..10 x 10 series
    uv run python bench/warning_vs_r.py --replicates 2  # a smoke run (a few minutes)

What it does:

1. Installs Debian's ``r-cran-surveillance`` when ``library(surveillance)`` fails (needs root).
2. Simulates the Noufaily design (``aftersales.warning.simulate``: 42 scenarios, outbreak sizes
   k = 1..10, ``--replicates`` series each) and writes the counts to a temporary directory.
3. Runs ``farringtonFlexible`` in R (Rscript, ``--jobs`` processes) with the Noufaily settings
   (noPeriods 10, b 5, w 3, weightsThreshold 2.58, pastWeeksNotIncluded 26, pThresholdTrend 1,
   thresholdMethod "nbPlugin", limit54 c(5, 4), alpha ``--alpha``) on the 49 weeks of the
   current period, and ours on the same series.
4. Prints both side by side per scenario (FPR, POD), pooled FPR, POD per k band, sensitivity
   and timeliness, how often the two agree week by week, and the speed ratio. R's time is the
   CPU time of the ``farringtonFlexible`` calls alone (reading and writing excluded); ours is
   the CPU time of ``farrington_flexible`` on the same windows.

Goals (issue 6): pooled FPR no higher than R's, POD within 2 points of R's or better in every
k band, at least 10 times faster.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from aftersales.warning import (
    K_BANDS,
    SCENARIOS,
    FarringtonConfig,
    FarringtonResult,
    SimulatedSet,
    Tally,
    farrington_flexible,
    simulate,
    tally,
)
from aftersales.warning.farrington import layout
from aftersales.warning.simulate import CURRENT_WEEKS, WEEKS
from aftersales.warning.windows import sliding

R_SCRIPT = r"""
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
alpha <- as.numeric(args[1])
files <- args[-1]
total <- 0
for (f in files) {
  y <- as.matrix(read.csv(f, header = FALSE))
  s <- sts(observed = y, frequency = 52, start = c(2000, 1))
  ctrl <- list(range = (nrow(y) - 48):nrow(y), noPeriods = 10, b = 5, w = 3,
               weightsThreshold = 2.58, pastWeeksNotIncluded = 26, pThresholdTrend = 1,
               thresholdMethod = "nbPlugin", alpha = alpha, limit54 = c(5, 4),
               glmWarnings = FALSE)
  t0 <- proc.time()
  r <- suppressWarnings(farringtonFlexible(s, control = ctrl))
  el <- proc.time() - t0
  total <- total + el[["user.self"]] + el[["sys.self"]]
  a <- alarms(r) * 1
  a[is.na(a)] <- 0
  write.table(a, sub("\\.csv$", ".alarm", f), sep = ",", row.names = FALSE, col.names = FALSE)
  write.table(upperbound(r), sub("\\.csv$", ".upper", f), sep = ",", row.names = FALSE,
              col.names = FALSE, na = "NaN")
}
cat(total, "\n")
"""


def main() -> None:
    args = _args()
    ensure_r()
    cfg = FarringtonConfig(alpha=args.alpha)
    with tempfile.TemporaryDirectory(prefix="warning-vs-r-") as name:
        tmp = Path(name)
        sims = _simulate(tmp, list(range(1, 11)), args.replicates, args.seed)
        r_cpu, r_wall = _run_r(tmp, args.alpha, args.jobs)
        ours, py_cpu, py_wall = _run_ours(sims, cfg)
        cmp = Comparison()
        for key, sim in sims.items():
            stem = tmp / f"s{key[0]}_k{key[1]}"
            theirs = np.loadtxt(stem.with_suffix(".alarm"), delimiter=",", ndmin=2).T > 0
            upper = np.loadtxt(stem.with_suffix(".upper"), delimiter=",", ndmin=2).T
            cmp.add(key, sim, ours[key], theirs, upper)
    _header(args, len(sims))
    cmp.print_table()
    goals = cmp.print_summary()
    goals[">= 10x faster"] = _print_speed(args, cmp.judged, r_cpu, r_wall, py_cpu, py_wall)
    cmp.print_agreement()
    for name, ok in goals.items():
        print(f"goal {name}: {'MET' if ok else 'MISSED'}")


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--replicates", type=int, default=10, help="series per scenario and size")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--alpha", type=float, default=0.005)
    p.add_argument("--jobs", type=int, default=1, help="R processes at once")
    return p.parse_args()


def ensure_r() -> None:
    """Install R's surveillance package from Debian when it is missing."""
    probe = ["Rscript", "-e", "suppressPackageStartupMessages(library(surveillance))"]
    if shutil.which("Rscript") and subprocess.run(probe, capture_output=True).returncode == 0:
        return
    print("installing r-cran-surveillance from Debian ...", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(
        ["apt-get", "install", "-y", "--no-install-recommends", "r-cran-surveillance"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )


Key = tuple[int, int]


def _simulate(tmp: Path, sizes: list[int], replicates: int, seed: int) -> dict[Key, SimulatedSet]:
    sims = {}
    for sc in SCENARIOS:
        for k in sizes:
            sim = simulate(sc, k, replicates, seed)
            np.savetxt(tmp / f"s{sc.number}_k{k}.csv", sim.counts.T, fmt="%d", delimiter=",")
            sims[(sc.number, k)] = sim
    return sims


def _run_r(tmp: Path, alpha: float, jobs: int) -> tuple[float, float]:
    script = tmp / "ff.R"
    script.write_text(R_SCRIPT)
    files = sorted(str(f) for f in tmp.glob("*.csv"))
    chunks = [files[i::jobs] for i in range(jobs)]
    start = time.perf_counter()

    def run(chunk: list[str]) -> float:
        cmd = ["Rscript", str(script), str(alpha), *chunk]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        return float(done.stdout.split()[-1])

    with ThreadPoolExecutor(jobs) as pool:
        cpu = sum(pool.map(run, chunks))
    return cpu, time.perf_counter() - start


def _run_ours(
    sims: dict[Key, SimulatedSet], cfg: FarringtonConfig
) -> tuple[dict[Key, FarringtonResult], float, float]:
    span = layout(cfg).span
    weeks = np.arange(WEEKS - CURRENT_WEEKS, WEEKS)
    out = {}
    cpu = wall = 0.0
    for key, sim in sims.items():
        windows = sliding(sim.counts.astype(np.float64), weeks, span + 1)
        c0, w0 = time.process_time(), time.perf_counter()
        res = farrington_flexible(windows, cfg)
        cpu += time.process_time() - c0
        wall += time.perf_counter() - w0
        out[key] = res
    return out, cpu, wall


@dataclass
class Comparison:
    """Tallies of both detectors, by scenario and by outbreak size, and where they agree."""

    by_scenario: dict[int, tuple[Tally, Tally]] = field(default_factory=dict)
    by_size: dict[int, tuple[Tally, Tally]] = field(default_factory=dict)
    judged: int = 0
    same_verdict: int = 0
    thresholds: int = 0
    same_threshold: int = 0
    near_threshold: int = 0

    def add(
        self,
        key: Key,
        sim: SimulatedSet,
        ours: FarringtonResult,
        theirs: np.ndarray,
        upper_r: np.ndarray,
    ) -> None:
        mine = ours.alarm.reshape(theirs.shape)
        truth = sim.outbreak[:, sim.current]
        start = sim.start - (WEEKS - CURRENT_WEEKS)
        pair = (tally(mine, truth, start), tally(theirs, truth, start))
        for book, k in ((self.by_scenario, key[0]), (self.by_size, key[1])):
            old = book.get(k, (Tally(), Tally()))
            book[k] = (old[0] + pair[0], old[1] + pair[1])
        self.judged += mine.size
        self.same_verdict += int((mine == theirs).sum())
        upper = ours.upper.reshape(theirs.shape)
        both = np.isfinite(upper_r) & np.isfinite(upper)
        self.thresholds += int(both.sum())
        self.same_threshold += int((upper == upper_r)[both].sum())
        self.near_threshold += int((np.abs(upper - upper_r) <= 1)[both].sum())

    def print_table(self) -> None:
        print(f"{'scen':>4} {'FPR ours':>9} {'FPR R':>8} {'POD ours':>9} {'POD R':>7}")
        for number, (py, r) in sorted(self.by_scenario.items()):
            fprs = f"{_pct(py.fpr, 2):>9} {_pct(r.fpr, 2):>8}"
            print(f"{number:>4} {fprs} {_pct(py.pod):>9} {_pct(r.pod):>7}")

    def print_summary(self) -> dict[str, bool]:
        py, r = (sum((v[i] for v in self.by_scenario.values()), Tally()) for i in (0, 1))
        print(f"\n{'':24}{'ours':>10}{'R':>10}")
        print(f"{'pooled FPR':24}{_pct(py.fpr, 3):>10}{_pct(r.fpr, 3):>10}")
        goals = {"pooled FPR <= R's": (py.fpr or 0) <= (r.fpr or 0)}
        for lo, hi in K_BANDS:
            py_k, r_k = (
                sum((v[i] for k, v in self.by_size.items() if lo <= k <= hi), Tally())
                for i in (0, 1)
            )
            print(f"{f'POD k {lo}-{hi}':24}{_pct(py_k.pod):>10}{_pct(r_k.pod):>10}")
            goals[f"POD k {lo}-{hi} >= R's - 2 points"] = (py_k.pod or 0) >= (r_k.pod or 0) - 0.02
        print(f"{'POD all k':24}{_pct(py.pod):>10}{_pct(r.pod):>10}")
        print(f"{'sensitivity':24}{_pct(py.sensitivity):>10}{_pct(r.sensitivity):>10}")
        print(f"{'timeliness':24}{py.timeliness or 0:>10.3f}{r.timeliness or 0:>10.3f}")
        return goals

    def print_agreement(self) -> None:
        print(f"weeks where both give the same verdict: {self.same_verdict / self.judged:.4%}")
        same, near = (
            x / max(self.thresholds, 1) for x in (self.same_threshold, self.near_threshold)
        )
        print(f"thresholds equal to R's (where both have one): {same:.4%}; within 1: {near:.4%}")


def _header(args: argparse.Namespace, n_sets: int) -> None:
    n = args.replicates
    print(
        f"command: uv run python bench/warning_vs_r.py --replicates {n} --alpha {args.alpha}"
        f" --seed {args.seed} --jobs {args.jobs}"
    )
    now = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"date: {now}   cpus: {os.cpu_count()}   R: {_r_version()}")
    judged = n_sets * n * CURRENT_WEEKS
    print(f"series: {n_sets * n} (42 scenarios x k 1..10 x {n}), weeks judged: {judged:,}\n")


def _print_speed(
    args: argparse.Namespace,
    judged: int,
    r_cpu: float,
    r_wall: float,
    py_cpu: float,
    py_wall: float,
) -> bool:
    print(f"{'CPU seconds':24}{py_cpu:>10.1f}{r_cpu:>10.1f}")
    print(f"{'wall seconds':24}{py_wall:>10.1f}{r_wall:>10.1f}   (R in {args.jobs} process(es))")
    per = f"{1000 * py_cpu / judged:>10.3f}{1000 * r_cpu / judged:>10.3f}"
    print(f"{'ms CPU per week judged':24}{per}")
    ratio = r_cpu / py_cpu
    print(f"\nspeed ratio (R CPU / ours CPU): {ratio:.1f}x")
    return ratio >= 10


def _pct(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{100 * x:.{digits}f}%"


def _r_version() -> str:
    cmd = [
        "Rscript",
        "-e",
        'cat(R.version.string, "surveillance", format(packageVersion("surveillance")))',
    ]
    return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    main()
