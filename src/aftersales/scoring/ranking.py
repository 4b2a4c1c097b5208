"""Mid-rank percentiles: where a value stands among its peers, 0 (worst) to 100 (best).

Ties share the middle of their ranks, so fifty small shops with the same clean record all stand
at the same place instead of being ordered by accident. A group of one stands at 50.
"""

from __future__ import annotations

import numpy as np

from aftersales.scoring.numerics import Floats

__all__ = ["midrank_percentiles"]


def midrank_percentiles(pool: Floats, values: Floats) -> Floats:
    """For each value, 100 x (peers below + half the peers equal) / peers; higher is better."""
    ordered = np.sort(pool)
    below = np.searchsorted(ordered, values, side="left")
    at_or_below = np.searchsorted(ordered, values, side="right")
    return np.asarray(100.0 * (below + at_or_below) / (2.0 * ordered.size), dtype=np.float64)
