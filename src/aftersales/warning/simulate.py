"""The simulation design of Noufaily et al. (2013): 42 scenarios of weekly counts with outbreaks.

Each scenario is 624 weeks (12 years) of negative binomial counts with mean
``exp(theta + beta t + sum_j [gamma1 cos(2 pi j t / 52) + gamma2 sin(2 pi j t / 52)])`` for
``j = 1..m`` (m = 0, 1 or 2 harmonics) and variance ``phi * mean`` (Poisson when phi = 1).

Outbreaks, as in Noufaily's code: four in the baseline years (weeks 313-575) of size k in
{2, 3, 5, 10} and one in the current period (the last 49 weeks) of a chosen size k. An outbreak
of size k starting in week t0 has Poisson(k * SD(t0)) cases, SD = sqrt(phi * mean(t0)),
redrawn until at least 2; each case falls ``floor(LogNormal(0, 0.5))`` weeks after t0, so the
cases spread over 1 to 3 weeks. Cases that would spill out of their period are dropped.

Scenario numbering (7 parameter groups x {no trend, trend} x m = 0, 1, 2) follows the
replications cited in ../shared/reference/early-warning.md; scenario 14 is (1.5, 0, m = 1,
0.2, -0.4, phi 1) as in Noufaily's paper.

Everything is seeded: the same (seed, scenario, k) gives the same series on any machine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "CURRENT_WEEKS",
    "SCENARIOS",
    "WEEKS",
    "Scenario",
    "SimulatedSet",
    "scenario",
    "simulate",
    "simulate_rise",
]

Ints = NDArray[np.int64]
WEEKS = 624
CURRENT_WEEKS = 49
BASELINE_FIRST, BASELINE_LAST = 313, 575  # 1-based weeks where baseline outbreaks may start
BASELINE_OUTBREAKS = 4
BASELINE_SIZES = (2, 3, 5, 10)

# (theta, phi, beta with trend, gamma1, gamma2) per parameter group.
_GROUPS = (
    (0.1, 1.5, 0.0025, 0.6, 0.6),
    (-2.0, 2.0, 0.005, 0.1, 0.3),
    (1.5, 1.0, 0.003, 0.2, -0.4),
    (0.5, 5.0, 0.002, 0.5, 0.5),
    (2.5, 3.0, 0.001, 1.0, 0.1),
    (3.75, 1.1, 0.001, 0.1, -0.1),
    (5.0, 1.2, 0.0001, 0.05, 0.01),
)


@dataclass(frozen=True)
class Scenario:
    """One of the 42 parameter sets."""

    number: int
    theta: float
    beta: float
    gamma1: float
    gamma2: float
    harmonics: int
    phi: float

    def mean(self, weeks: int = WEEKS) -> NDArray[np.float64]:
        """Baseline mean of weeks 1..weeks."""
        t = np.arange(1, weeks + 1, dtype=np.float64)
        eta = self.theta + self.beta * t
        for j in range(1, self.harmonics + 1):
            angle = 2 * np.pi * j * t / 52
            eta = eta + self.gamma1 * np.cos(angle) + self.gamma2 * np.sin(angle)
        return np.exp(eta)


def _scenarios() -> tuple[Scenario, ...]:
    out = []
    for g, (theta, phi, beta, g1, g2) in enumerate(_GROUPS):
        for trend_i, b in enumerate((0.0, beta)):
            for m in range(3):
                number = 6 * g + 3 * trend_i + m + 1
                out.append(Scenario(number, theta, b, g1 if m else 0.0, g2 if m else 0.0, m, phi))
    return tuple(out)


SCENARIOS = _scenarios()


def scenario(number: int) -> Scenario:
    """Scenario by its number, 1 to 42."""
    if not 1 <= number <= len(SCENARIOS):
        raise ValueError(f"scenario must be 1..{len(SCENARIOS)}, not {number}")
    return SCENARIOS[number - 1]


@dataclass(frozen=True)
class SimulatedSet:
    """Replicates of one scenario with a current outbreak of one size."""

    scenario: Scenario
    k: float
    counts: Ints  # (replicates, WEEKS): baseline + all outbreaks
    outbreak: Ints  # (replicates, WEEKS): cases of the current outbreak only
    start: Ints  # (replicates,): 0-based week the current outbreak starts

    @property
    def current(self) -> slice:
        """The current period, as 0-based columns."""
        return slice(WEEKS - CURRENT_WEEKS, WEEKS)


def simulate(sc: Scenario, k: float, replicates: int = 100, seed: int = 0) -> SimulatedSet:
    """Simulate ``replicates`` series of ``sc`` with a current outbreak of size ``k`` (0: none)."""
    rng = np.random.default_rng([seed, sc.number, round(k * 1000)])
    mu = sc.mean()
    counts = _baseline(rng, mu, sc.phi, replicates)
    sd = np.sqrt(sc.phi * mu)
    past = _past_outbreaks(rng, sd, replicates)
    first = WEEKS - CURRENT_WEEKS
    start = rng.integers(first, WEEKS, size=replicates)
    current = np.zeros_like(counts)
    if k > 0:  # k = 0: a null scenario, for false alarms alone
        current = _spread(rng, start, _sizes(rng, np.full(replicates, k) * sd[start]), WEEKS)
    return SimulatedSet(sc, k, counts + past + current, current, start.astype(np.int64))


def simulate_rise(
    sc: Scenario, ratio: float, weeks: int = 20, replicates: int = 100, seed: int = 0
) -> SimulatedSet:
    """Series of ``sc`` whose mean is ``ratio`` times higher over the last ``weeks`` weeks.

    Not part of Noufaily's design: a slow, sustained rise (a bad batch), the CUSUM's case. The
    four past outbreaks are there as usual; ``outbreak`` marks each week of the rise with 1 and
    ``start`` is its first week, so the same metrics apply.
    """
    if not 0 < weeks <= CURRENT_WEEKS:
        raise ValueError(f"weeks must be 1..{CURRENT_WEEKS}")
    rng = np.random.default_rng([seed, sc.number, 1_000_000 + round(ratio * 1000), weeks])
    mu = sc.mean()
    lifted = mu.copy()
    lifted[WEEKS - weeks :] *= ratio
    counts = _baseline(rng, lifted, sc.phi, replicates)
    past = _past_outbreaks(rng, np.sqrt(sc.phi * mu), replicates)
    marks = np.zeros_like(counts)
    marks[:, WEEKS - weeks :] = 1
    start = np.full(replicates, WEEKS - weeks, dtype=np.int64)
    return SimulatedSet(sc, ratio, counts + past, marks, start)


def _baseline(rng: np.random.Generator, mu: NDArray[np.float64], phi: float, n: int) -> Ints:
    if phi == 1:
        return rng.poisson(mu, size=(n, mu.size)).astype(np.int64)
    # size = mu / (phi - 1), prob = 1 / phi: mean mu, variance phi * mu (Noufaily's choice).
    return rng.negative_binomial(mu / (phi - 1), 1 / phi, size=(n, mu.size)).astype(np.int64)


def _past_outbreaks(rng: np.random.Generator, sd: NDArray[np.float64], n: int) -> Ints:
    choices = np.arange(BASELINE_FIRST - 1, BASELINE_LAST)
    starts = np.argsort(rng.random((n, choices.size)), axis=1)[:, :BASELINE_OUTBREAKS]
    starts = choices[starts]
    k = rng.choice(np.array(BASELINE_SIZES, dtype=np.float64), size=starts.shape)
    sizes = _sizes(rng, (k * sd[starts]).ravel())
    rows = np.repeat(np.arange(n), BASELINE_OUTBREAKS)
    return _spread(rng, starts.ravel(), sizes, BASELINE_LAST, rows=rows, n_rows=n)


def _sizes(rng: np.random.Generator, means: NDArray[np.float64]) -> Ints:
    """Poisson(means), each redrawn until it is at least 2."""
    sizes = rng.poisson(means)
    low = np.nonzero(sizes < 2)[0]
    while low.size:
        sizes[low] = rng.poisson(means[low])
        low = low[sizes[low] < 2]
    return sizes.astype(np.int64)


def _spread(
    rng: np.random.Generator,
    starts: Ints,
    sizes: Ints,
    end: int,
    *,
    rows: Ints | None = None,
    n_rows: int | None = None,
) -> Ints:
    """Place each outbreak's cases floor(LogNormal(0, 0.5)) weeks after its start, before end."""
    rows = np.arange(starts.size) if rows is None else rows
    out = np.zeros((n_rows or starts.size, WEEKS), dtype=np.int64)
    case_row = np.repeat(rows, sizes)
    week = np.repeat(starts, sizes) + np.floor(rng.lognormal(0.0, 0.5, sizes.sum())).astype(int)
    keep = week < end
    np.add.at(out, (case_row[keep], week[keep]), 1)
    return out
