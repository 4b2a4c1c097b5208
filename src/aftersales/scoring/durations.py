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
from itertools import chain

import numpy as np
from numpy.typing import NDArray

from aftersales.scoring.numerics import Floats, binomial_quantiles

__all__ = ["TimeSummary", "Times"]

Index = NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class TimeSummary:
    """Median and 90th percentile of resolution hours; bounds are None where data are too few."""

    n: int
    median: float | None
    p90: float | None
    median_low: float | None
    median_high: float | None


def _optional(values: Floats, keep: NDArray[np.bool_]) -> list[float | None]:
    return [v if k else None for v, k in zip(values.tolist(), keep.tolist(), strict=True)]


@dataclass(frozen=True, slots=True)
class Times:
    """Many units' resolution times in one array, each unit's sorted in its own slice.

    Unit ``i``'s times are ``values[starts[i]:starts[i + 1]]``: one array instead of one per
    merchant, so that pooled medians, counts under a line and summaries are array operations.
    """

    values: Floats
    starts: Index  # one more than there are units

    @classmethod
    def of(cls, samples: Sequence[Sequence[float]]) -> Times:
        """The times of each unit, in unit order."""
        sizes = np.fromiter(map(len, samples), dtype=np.intp, count=len(samples))
        values = np.fromiter(chain.from_iterable(samples), dtype=np.float64, count=int(sizes.sum()))
        owner = np.repeat(np.arange(len(samples)), sizes)
        starts = np.zeros(len(samples) + 1, dtype=np.intp)
        np.cumsum(sizes, out=starts[1:])
        return cls(values[np.lexsort((values, owner))], starts)

    @property
    def sizes(self) -> Index:
        return np.diff(self.starts)

    def pooled_median(self, units: Index) -> float | None:
        """The median of all these units' times together; None when there are none."""
        chosen = np.zeros(self.starts.size - 1, dtype=bool)
        chosen[units] = True
        pooled = self.values[np.repeat(chosen, self.sizes)]
        return float(np.median(pooled)) if pooled.size else None

    def within(self, limit: float) -> Floats:
        """For every unit, how many of its times are at most ``limit``."""
        below = np.zeros(self.values.size + 1)
        np.cumsum(self.values <= limit, out=below[1:])
        return np.asarray(below[self.starts[1:]] - below[self.starts[:-1]], dtype=np.float64)

    def _quantile(self, units: Index, q: float) -> Floats:
        """Each unit's q-quantile, interpolated linearly (NumPy's default method)."""
        n = self.sizes[units]
        h = (n - 1) * q
        lo = h.astype(np.intp)
        hi = np.minimum(lo + 1, n - 1)
        base, v = self.starts[units], self.values
        return np.asarray(v[base + lo] + (h - lo) * (v[base + hi] - v[base + lo]), np.float64)

    def summaries(self, units: Index, level: float) -> list[TimeSummary]:
        """Median, 90th percentile and a ``level`` interval for the median, per unit.

        The interval is distribution-free, from order statistics: with B ~ Binomial(n, 1/2) the
        number of times below the median, P(x_(j) <= median) = P(B >= j); j is the largest rank
        with P(B < j) <= tail, k the smallest with P(B >= k) <= tail.
        """
        n = self.sizes[units]
        some = units[n > 0]
        counts = self.sizes[some]
        tail = (1.0 - level) / 2.0
        j = binomial_quantiles(tail, counts, 0.5)
        k = binomial_quantiles(1.0 - tail, counts, 0.5) + 1
        base, v = self.starts[some], self.values
        found = zip(
            counts.tolist(),
            self._quantile(some, 0.5).tolist(),
            self._quantile(some, 0.9).tolist(),
            _optional(v[base + np.maximum(j, 1) - 1], j >= 1),
            _optional(v[base + np.minimum(k, counts) - 1], k <= counts),
            strict=True,
        )
        summaries = iter([TimeSummary(*row) for row in found])
        empty = TimeSummary(0, None, None, None, None)
        return [next(summaries) if size else empty for size in n.tolist()]
