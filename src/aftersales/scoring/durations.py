"""Resolution times, summarised robustly.

Times are skewed: most cases close in a day, a few drag on for weeks. Means and standard errors
would be ruled by the few, so the scorecard shows the median and the 90th percentile, and a
distribution-free interval for the median from order statistics (no assumption about the shape
of the times). For the score, times become a proportion, the share of cases resolved within the
peer group's median time, which is shrunk and ranked like every other rate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from aftersales.scoring.numerics import Floats, binomial_quantile

__all__ = ["TimeSummary", "pooled_median", "summarise", "within"]


@dataclass(frozen=True, slots=True)
class TimeSummary:
    """Median and 90th percentile of resolution hours; bounds are None where data are too few."""

    n: int
    median: float | None
    p90: float | None
    median_low: float | None
    median_high: float | None


@lru_cache(maxsize=4096)
def _ranks(n: int, q: float, level: float) -> tuple[int, int]:
    """Ranks j < k (1-based) with P(x_(j) <= q-quantile <= x_(k)) >= level.

    With B ~ Binomial(n, q) the number of values below the quantile, P(x_(j) <= quantile) =
    P(B >= j); j is the largest rank with P(B < j) <= tail, k the smallest with P(B >= k) <= tail.
    """
    tail = (1.0 - level) / 2.0
    return binomial_quantile(tail, n, q), binomial_quantile(1.0 - tail, n, q) + 1


def _quantile(ordered: Floats, q: float) -> float:
    """The q-quantile of sorted values, interpolated linearly (NumPy's default method)."""
    h = (ordered.size - 1) * q
    lo = int(h)
    hi = min(lo + 1, ordered.size - 1)
    return float(ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo]))


def summarise(hours: Sequence[float], level: float) -> TimeSummary:
    """Median, 90th percentile and a ``level`` interval for the median."""
    if not hours:
        return TimeSummary(0, None, None, None, None)
    ordered = np.sort(np.asarray(hours, dtype=np.float64))
    n = int(ordered.size)
    j, k = _ranks(n, 0.5, level)
    return TimeSummary(
        n=n,
        median=_quantile(ordered, 0.5),
        p90=_quantile(ordered, 0.9),
        median_low=float(ordered[j - 1]) if j >= 1 else None,
        median_high=float(ordered[k - 1]) if k <= n else None,
    )


def pooled_median(samples: Sequence[Floats]) -> float | None:
    """The median of all the samples' times together; None when there are none."""
    sizes = [s.size for s in samples]
    if not sum(sizes):
        return None
    return float(np.median(np.concatenate(list(samples))))


def within(ordered: Floats, limit: float) -> int:
    """How many of the sorted times are at most ``limit``."""
    return int(np.searchsorted(ordered, limit, side="right"))
