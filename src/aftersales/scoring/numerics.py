"""The few SciPy functions the scorer needs, typed.

SciPy ships no type information, so it is imported here and nowhere else in the package.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import special, stats

__all__ = [
    "Floats",
    "beta_cdf",
    "beta_quantile",
    "betaln",
    "binomial_quantile",
    "digamma",
    "expit",
    "trigamma",
]

Floats = NDArray[np.float64]


def betaln(a: Floats | float, b: Floats | float) -> Floats:
    """log B(a, b), elementwise."""
    return np.asarray(special.betaln(a, b), dtype=np.float64)


def digamma(x: Floats | float) -> Floats:
    """The digamma function, elementwise."""
    return np.asarray(special.digamma(x), dtype=np.float64)


def trigamma(x: Floats | float) -> Floats:
    """The trigamma function (derivative of digamma), elementwise: the Hurwitz zeta(2, x)."""
    return np.asarray(special.zeta(2.0, x), dtype=np.float64)


def expit(x: float) -> float:
    """The logistic function."""
    return float(special.expit(x))


def beta_cdf(a: float, b: float, x: Floats) -> Floats:
    """P(X <= x) for X ~ Beta(a, b), elementwise."""
    return np.asarray(special.betainc(a, b, x), dtype=np.float64)


def beta_quantile(a: Floats, b: Floats, q: float) -> Floats:
    """The q-quantile of Beta(a, b), elementwise."""
    return np.asarray(special.betaincinv(a, b, q), dtype=np.float64)


def binomial_quantile(q: float, n: int, p: float) -> int:
    """The smallest k with P(Bin(n, p) <= k) >= q."""
    return int(stats.binom.ppf(q, n, p))
