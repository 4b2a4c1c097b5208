"""Scoring a detector on the Noufaily design: FPR, POD, sensitivity, timeliness.

Definitions as in Noufaily's evaluation code, over the 49 weeks of the current period:

* FPR: alarms in weeks with no outbreak case / weeks with no outbreak case;
* POD (probability of detection): share of outbreaks with at least one alarm in a week that has
  outbreak cases;
* sensitivity: alarms in weeks with outbreak cases / weeks with outbreak cases;
* timeliness: (first alarm in an outbreak week - outbreak start) / outbreak length, 1 when the
  outbreak is missed; 0 is best.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from aftersales.warning.cusum import CusumConfig, cusum
from aftersales.warning.ears import EarsConfig, ears
from aftersales.warning.farrington import FarringtonConfig, farrington_flexible, layout
from aftersales.warning.simulate import (
    CURRENT_WEEKS,
    SCENARIOS,
    WEEKS,
    Scenario,
    simulate,
    simulate_rise,
)
from aftersales.warning.windows import sliding

__all__ = [
    "K_BANDS",
    "Detector",
    "ScenarioResult",
    "Tally",
    "cusum_detector",
    "ears_detector",
    "evaluate",
    "farrington_detector",
    "tally",
]

Bools = NDArray[np.bool_]
Floats = NDArray[np.float64]

# A detector turns (replicates x weeks) counts into alarms for the given 0-based weeks.
Detector = Callable[[Floats, NDArray[np.intp]], Bools]
K_BANDS = ((1, 3), (4, 6), (7, 10))


@dataclass(frozen=True)
class Tally:
    """Counts behind the metrics; tallies add, so metrics pool over sizes and scenarios."""

    false_alarms: int = 0
    quiet_weeks: int = 0
    outbreaks: int = 0
    detected: int = 0
    true_alarms: int = 0
    outbreak_weeks: int = 0
    lateness: float = 0.0  # sum of timeliness over outbreaks

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.false_alarms + other.false_alarms,
            self.quiet_weeks + other.quiet_weeks,
            self.outbreaks + other.outbreaks,
            self.detected + other.detected,
            self.true_alarms + other.true_alarms,
            self.outbreak_weeks + other.outbreak_weeks,
            self.lateness + other.lateness,
        )

    @property
    def fpr(self) -> float | None:
        """False positive rate; None without quiet weeks."""
        return _ratio(self.false_alarms, self.quiet_weeks)

    @property
    def specificity(self) -> float | None:
        """1 - FPR."""
        fpr = self.fpr
        return None if fpr is None else 1.0 - fpr

    @property
    def pod(self) -> float | None:
        """Probability of detection."""
        return _ratio(self.detected, self.outbreaks)

    @property
    def sensitivity(self) -> float | None:
        """Share of outbreak weeks with an alarm."""
        return _ratio(self.true_alarms, self.outbreak_weeks)

    @property
    def timeliness(self) -> float | None:
        """Mean timeliness (0 best, 1 missed)."""
        return None if not self.outbreaks else self.lateness / self.outbreaks


def _ratio(num: float, den: float) -> float | None:
    return None if den == 0 else num / den


def tally(alarms: Bools, outbreak: NDArray[np.int64], start: NDArray[np.int64]) -> Tally:
    """Tally alarms ``(R, W)`` against outbreak cases ``(R, W)`` that start at column ``start``."""
    hit = outbreak > 0
    true = alarms & hit
    has = hit.any(axis=1)
    cols = np.arange(hit.shape[1])
    last = np.where(hit, cols, -1).max(axis=1)
    first_true = np.where(true, cols, hit.shape[1]).min(axis=1)
    detected = true.any(axis=1)
    length = np.maximum(last - start + 1, 1)
    late = np.where(detected, (first_true - start) / length, 1.0)
    return Tally(
        false_alarms=int((alarms & ~hit).sum()),
        quiet_weeks=int((~hit).sum()),
        outbreaks=int(has.sum()),
        detected=int(detected.sum()),
        true_alarms=int(true.sum()),
        outbreak_weeks=int(hit.sum()),
        lateness=float(late[has].sum()),
    )


@dataclass(frozen=True)
class ScenarioResult:
    """A detector's tallies on one scenario, per outbreak size k."""

    scenario: Scenario
    by_k: dict[float, Tally] = field(default_factory=dict)

    @property
    def total(self) -> Tally:
        """Pooled over every k."""
        return sum(self.by_k.values(), Tally())

    def band(self, low: float, high: float) -> Tally:
        """Pooled over low <= k <= high."""
        return sum((t for k, t in self.by_k.items() if low <= k <= high), Tally())


def evaluate(
    detector: Detector,
    scenarios: Iterable[Scenario] = SCENARIOS,
    sizes: Sequence[float] = tuple(range(1, 11)),
    replicates: int = 100,
    seed: int = 0,
    rise_weeks: int | None = None,
) -> list[ScenarioResult]:
    """Run ``detector`` on every scenario and outbreak size; tally the current period.

    With ``rise_weeks``, ``sizes`` are ratios: instead of an outbreak, the mean rises by that
    ratio over the last ``rise_weeks`` weeks (``simulate_rise``).
    """
    weeks = np.arange(WEEKS - CURRENT_WEEKS, WEEKS)
    results = []
    for sc in scenarios:
        by_k = {}
        for k in sizes:
            sim = (
                simulate(sc, k, replicates, seed)
                if rise_weeks is None
                else simulate_rise(sc, k, rise_weeks, replicates, seed)
            )
            alarms = detector(sim.counts.astype(np.float64), weeks)
            by_k[k] = tally(alarms, sim.outbreak[:, sim.current], sim.start - weeks[0])
        results.append(ScenarioResult(sc, by_k))
    return results


def farrington_detector(config: FarringtonConfig | None = None) -> Detector:
    """The improved Farrington method as a detector."""
    cfg = config or FarringtonConfig()
    span = layout(cfg).span

    def detect(counts: Floats, weeks: NDArray[np.intp]) -> Bools:
        res = farrington_flexible(sliding(counts, weeks, span + 1), cfg)
        return res.alarm.reshape(counts.shape[0], weeks.size)

    return detect


def ears_detector(config: EarsConfig | None = None) -> Detector:
    """An EARS C-method as a detector."""
    cfg = config or EarsConfig()

    def detect(counts: Floats, weeks: NDArray[np.intp]) -> Bools:
        res = ears(sliding(counts, weeks, cfg.weeks_needed), cfg)
        return res.alarm.reshape(counts.shape[0], weeks.size)

    return detect


def cusum_detector(config: CusumConfig | None = None) -> Detector:
    """The CUSUM as a detector."""
    cfg = config or CusumConfig()

    def detect(counts: Floats, weeks: NDArray[np.intp]) -> Bools:
        res = cusum(sliding(counts, weeks, cfg.monitor_weeks + cfg.max_baseline_weeks), cfg)
        return res.alarm.reshape(counts.shape[0], weeks.size)

    return detect
